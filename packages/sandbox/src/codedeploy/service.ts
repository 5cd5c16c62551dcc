import type { MountedService, SandboxRequest, ServiceContext, ServiceFactory } from '../contracts.js';
import { alarmStoreFor } from '../cloudwatch/alarms.js';
import {
  AwsServiceError,
  dispatch,
  errorResponse,
  readJsonBody,
  targetOperation,
} from '../cloudwatch/json-rpc.js';
import { CodeDeployApi } from './api.js';

/** CodeDeploy as @aws-sdk/client-codedeploy speaks it: AWS JSON 1.1, `X-Amz-Target: CodeDeploy_20141006.<Op>`. */
const SERVICE_TARGET = 'CodeDeploy_20141006';
const CONTENT_TYPE = 'application/x-amz-json-1.1';

export const codeDeployService: ServiceFactory = (ctx: ServiceContext): MountedService => {
  const api = new CodeDeployApi(ctx, alarmStoreFor(ctx));
  return {
    service: 'codedeploy',
    matches: (req: SandboxRequest) => targetOperation(req, SERVICE_TARGET) !== undefined,
    operation: (req: SandboxRequest) => targetOperation(req, SERVICE_TARGET) ?? 'Unknown',
    isMutating: (operation: string) => /^(Create|Put|Stop|Set|Delete|Update)/.test(operation),
    handle: (req: SandboxRequest) =>
      dispatch(CONTENT_TYPE, undefined, () => {
        const name = targetOperation(req, SERVICE_TARGET) ?? '';
        const operation = api.operations[name];
        if (!operation)
          throw new AwsServiceError(
            'UnknownOperationException',
            `CodeDeploy operation ${name} is not supported by the sandbox`,
          );
        return operation(readJsonBody(req));
      }),
    errorResponse: (code: string, message: string, status: number) =>
      errorResponse(CONTENT_TYPE, new AwsServiceError(code, message, status, undefined), undefined),
    inspect: () => api.inspect(),
    close: () => api.close(),
  };
};
