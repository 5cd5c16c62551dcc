import { CreateFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { waitForFunctionUpdated } from '@lambda-release-kit/core';
import { buildOrdersApi } from './build.mjs';

/**
 * Creates the example function (under `name`) with `release` baked in, the way Terraform or SAM would before a
 * first release, and waits until it is Active. Used by the demo, the benchmarks and the reliability suite.
 */
export async function createOrdersApiFunction(
  lambda: LambdaClient,
  name: string,
  release = 'v0.0.0-bootstrap',
): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: 'arn:aws:iam::123456789012:role/orders-api',
      Code: { ZipFile: buildOrdersApi({ release }) },
      Timeout: 5,
    }),
  );
  await waitForFunctionUpdated(lambda, name, { timeoutMs: 30_000 });
}
