import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { awsClientConfig } from '@lambda-release-kit/core';

/**
 * The AWS clients of a rollback, with core's shared client settings. A rollback is timed against
 * `aws lambda update-alias`, so CodeDeploy's client is loaded with import() the first time it is needed and the
 * plain alias path never parses it.
 */
export class RollbackClients {
  readonly region: string;
  readonly lambda: LambdaClient;
  private readonly config: LambdaClientConfig & { region: string };
  private codedeployClient?: Promise<CodeDeployClient>;

  constructor(options: { action: string; region?: string; env?: NodeJS.ProcessEnv }) {
    this.config = awsClientConfig(options);
    this.region = this.config.region;
    this.lambda = new LambdaClient(this.config);
  }

  codedeploy(): Promise<CodeDeployClient> {
    this.codedeployClient ??= import('@aws-sdk/client-codedeploy').then(
      ({ CodeDeployClient }) => new CodeDeployClient(this.config),
    );
    return this.codedeployClient;
  }
}
