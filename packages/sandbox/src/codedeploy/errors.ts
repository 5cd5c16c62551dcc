import { AwsServiceError } from '../cloudwatch/json-rpc.js';

/** A CodeDeploy API error; the SDK throws the exception class named by `type`. */
export function codeDeployError(type: string, message: string): AwsServiceError {
  return new AwsServiceError(type, message, 400);
}

/** Why a deployment ended badly, as in deploymentInfo.errorInformation (CodeDeploy's ErrorCode enum). */
export class DeploymentFailure extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
