import { CreateFunctionCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { waitForFunctionUpdated } from '@lambda-release-kit/core';

/**
 * Creates an example function from its zip, the way Terraform or SAM would before a first release, and waits
 * until it is Active. Used by the demo, the benchmarks and the reliability suite.
 */
export async function createExampleFunction(
  lambda: LambdaClient,
  name: string,
  zip: Uint8Array,
): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Role: `arn:aws:iam::123456789012:role/${name}`,
      Code: { ZipFile: zip },
      Timeout: 5,
    }),
  );
  await waitForFunctionUpdated(lambda, name, { timeoutMs: 30_000 });
}
