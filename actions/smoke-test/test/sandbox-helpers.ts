import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { zipFunction, type Sandbox } from '@lambda-release-kit/sandbox';

/** A real SDK client pointed at the sandbox (endpoint and dummy credentials from sandbox.env). */
export function lambdaClient(sandbox: Sandbox): LambdaClient {
  return new LambdaClient({
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

/**
 * A handler answering invokes with its version, and function-URL requests like an HTTP API: /health reports its
 * version in an x-function-version header set from AWS_LAMBDA_FUNCTION_VERSION (as a function on AWS must: function
 * URLs add none), /ping reports none.
 */
const handler = (label: string) =>
  zipFunction({
    'index.mjs': `export const handler = async (event, context) => {
      if (event.fail) throw new Error('payment service unreachable');
      if (event.rawPath === '/health') {
        return { statusCode: 200,
          headers: { 'content-type': 'application/json', 'x-function-version': process.env.AWS_LAMBDA_FUNCTION_VERSION },
          body: JSON.stringify({ status: 'ok', label: ${JSON.stringify(label)}, version: context.functionVersion }) };
      }
      if (event.rawPath === '/ping') return { statusCode: 200, body: 'pong' };
      if (event.rawPath) return { statusCode: 404, body: 'no route ' + event.rawPath };
      return { label: ${JSON.stringify(label)}, version: context.functionVersion, echo: event };
    };`,
  });

async function waitUntilReady(client: LambdaClient, name: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (let delay = 5; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
    const config = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (config.State === 'Active' && config.LastUpdateStatus !== 'InProgress') return;
    await new Promise((resolve) => setTimeout(resolve, delay));
  }
  throw new Error(`function ${name} did not become ready within 5s`);
}

/** Creates `name` with versions 1 ("old") and 2 ("new") and alias `live` on version 2. */
export async function deployTwoVersions(client: LambdaClient, name: string): Promise<void> {
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Role: 'arn:aws:iam::123456789012:role/lambda-exec',
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { ZipFile: handler('old') },
    }),
  );
  await waitUntilReady(client, name);
  await client.send(new PublishVersionCommand({ FunctionName: name }));
  await client.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: handler('new') }));
  await waitUntilReady(client, name);
  await client.send(new PublishVersionCommand({ FunctionName: name }));
  await client.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '2' }));
}
