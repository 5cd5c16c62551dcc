import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaClient, resolveRegion, type AwsClientOptions } from '@lambda-release-kit/core';
import { loadCodedeployClient } from '@lambda-release-kit/core/codedeploy-client';

/**
 * The AWS clients of a rollback, from core's factories. A rollback is timed against `aws lambda update-alias`,
 * so CodeDeploy's client is loaded the first time it is needed and the plain alias path never parses it.
 */
export class RollbackClients {
  readonly region: string;
  readonly lambda: LambdaClient;
  private readonly options: AwsClientOptions;
  private codedeployClient?: Promise<CodeDeployClient>;

  constructor(options: AwsClientOptions) {
    this.region = resolveRegion(options.region, options.env);
    this.options = { ...options, region: this.region };
    this.lambda = lambdaClient(this.options);
  }

  codedeploy(): Promise<CodeDeployClient> {
    this.codedeployClient ??= loadCodedeployClient(this.options);
    return this.codedeployClient;
  }
}
