import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import type { ManualClock, Sandbox } from '../src/index.js';
import { zipFunction } from '../src/index.js';

export const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';

/** A real SDK client pointed at the sandbox; one attempt so injected faults surface as exceptions. */
export function lambdaClient(sandbox: Sandbox): LambdaClient {
  return new LambdaClient({
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
}

/** An ESM handler that answers with its version and a label, so tests can tell code apart. */
export const esmHandler = (label: string) =>
  zipFunction({
    'index.mjs': `export const handler = async (event, context) => ({ label: ${JSON.stringify(label)}, version: context.functionVersion, env: process.env.AWS_LAMBDA_FUNCTION_VERSION, event });`,
  });

/** Polls GetFunctionConfiguration until State is Active and LastUpdateStatus left InProgress (bounded). */
export async function waitUntilReady(client: LambdaClient, name: string, deadlineMs = 5000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (let delay = 5; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
    const c = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (c.State === 'Active' && c.LastUpdateStatus !== 'InProgress') return;
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`function ${name} did not become ready within ${deadlineMs} ms`);
}

export async function createFunction(
  client: LambdaClient,
  name: string,
  zip: Uint8Array,
  extra: Partial<CreateFunctionCommandInput> = {},
): Promise<void> {
  await client.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Role: ROLE,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { ZipFile: zip },
      ...extra,
    }),
  );
}

export async function createReadyFunction(
  client: LambdaClient,
  name: string,
  zip: Uint8Array,
  extra: Partial<CreateFunctionCommandInput> = {},
): Promise<void> {
  await createFunction(client, name, zip, extra);
  await waitUntilReady(client, name);
}

/** On a sandbox with a manual clock: creates the function, then advances the clock by its Pending time. */
export async function createActiveFunction(
  client: LambdaClient,
  clock: ManualClock,
  pendingMs: number,
  name: string,
  zip: Uint8Array,
  extra: Partial<CreateFunctionCommandInput> = {},
): Promise<void> {
  await createFunction(client, name, zip, extra);
  await clock.advance(pendingMs);
  const { State } = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  if (State !== 'Active') throw new Error(`function ${name} is ${State} after ${pendingMs} simulated ms`);
}

/** Polls (bounded, with backoff) until `check` returns a value: waits on evidence, never on a guessed duration. */
export async function eventually<T>(
  what: string,
  check: () => T | undefined | Promise<T | undefined>,
  deadlineMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (let delay = 5; Date.now() < deadline; delay = Math.min(delay * 2, 100)) {
    const value = await check();
    if (value !== undefined) return value;
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`${what} did not happen within ${deadlineMs} ms`);
}

/** Runs `fn` and returns the error name it throws (fails the test if nothing is thrown). */
export async function errorName(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
  } catch (e) {
    return (e as Error).name;
  }
  throw new Error('expected the call to throw');
}
