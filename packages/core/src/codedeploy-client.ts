import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import { awsClientConfig, type AwsClientOptions } from './aws.js';

/** CodeDeploy's client, its package loaded on first use (a subpath, so other bundles get no chunk loader). */
export async function loadCodedeployClient(options: AwsClientOptions): Promise<CodeDeployClient> {
  const { CodeDeployClient: LoadedClient } = await import('@aws-sdk/client-codedeploy');
  return new LoadedClient(awsClientConfig(options));
}
