import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { LambdaClient, type LambdaClientConfig } from '@aws-sdk/client-lambda';
import { resolveRegion, TOOLKIT_NAME, TOOLKIT_VERSION } from '@lambda-release-kit/core';

/**
 * The AWS clients of a rollback, configured like core's AwsClients (adaptive retries, request timeouts, user
 * agent). Core's class imports every service client up front; a rollback is timed against
 * `aws lambda update-alias`, so here CodeDeploy's client is loaded with import() the first time it is needed
 * and the plain alias path never parses it.
 */
export class RollbackClients {
  readonly region: string;
  readonly lambda: LambdaClient;
  private readonly config: LambdaClientConfig;
  private codedeployClient?: Promise<CodeDeployClient>;

  constructor(options: { action: string; region?: string; env?: NodeJS.ProcessEnv }) {
    this.region = resolveRegion(options.region, options.env);
    this.config = {
      region: this.region,
      retryMode: 'adaptive',
      maxAttempts: 5,
      customUserAgent: [[TOOLKIT_NAME, TOOLKIT_VERSION], [`action#${options.action}`]],
      requestHandler: { requestTimeout: 15_000, connectionTimeout: 5_000 },
    };
    this.lambda = new LambdaClient(this.config);
  }

  codedeploy(): Promise<CodeDeployClient> {
    this.codedeployClient ??= import('@aws-sdk/client-codedeploy').then(
      ({ CodeDeployClient }) => new CodeDeployClient(this.config),
    );
    return this.codedeployClient;
  }
}
