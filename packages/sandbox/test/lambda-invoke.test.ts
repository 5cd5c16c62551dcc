import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateFunctionCommand,
  InvokeCommand,
  PublishVersionCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, zipFunction, type Sandbox } from '../src/index.js';
import { ROLE, createReadyFunction, lambdaClient, waitUntilReady } from './helpers.js';

let sandbox: Sandbox;
let client: LambdaClient;
const IMAGE = '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders@sha256:' + 'ab'.repeat(32);

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 100, updateDelayMs: 1000 });
  client = lambdaClient(sandbox);
});
afterAll(async () => {
  client.destroy();
  await sandbox.stop();
});

const payloadOf = (r: { Payload?: Uint8Array }) => JSON.parse(Buffer.from(r.Payload!).toString());

describe('Invoke runs the code', () => {
  it('runs an ESM handler with the event, context and environment', async () => {
    await createReadyFunction(
      client,
      'esm-fn',
      zipFunction({
        'lib/greet.mjs': 'export const greet = (n) => `hello ${n}`;',
        'index.mjs': `import { greet } from './lib/greet.mjs';
          export const handler = async (event, context) => {
            console.log('greeting', event.name);
            return { text: greet(event.name), fn: context.functionName, arn: context.invokedFunctionArn,
              remaining: context.getRemainingTimeInMillis() > 0, requestId: context.awsRequestId,
              version: process.env.AWS_LAMBDA_FUNCTION_VERSION, custom: process.env.GREETING };
          };`,
      }),
      { Environment: { Variables: { GREETING: 'hi' } } },
    );
    const r = await client.send(
      new InvokeCommand({
        FunctionName: 'esm-fn',
        Payload: JSON.stringify({ name: 'ada' }),
        LogType: 'Tail',
      }),
    );
    expect(r.StatusCode).toBe(200);
    expect(r.FunctionError).toBeUndefined();
    expect(r.ExecutedVersion).toBe('$LATEST');
    expect(payloadOf(r)).toMatchObject({
      text: 'hello ada',
      fn: 'esm-fn',
      arn: 'arn:aws:lambda:us-east-1:123456789012:function:esm-fn',
      remaining: true,
      version: '$LATEST',
      custom: 'hi',
    });
    expect(Buffer.from(r.LogResult!, 'base64').toString()).toContain('greeting ada');
  });

  it('runs a CommonJS handler and keeps its environment warm between invocations', async () => {
    await createReadyFunction(
      client,
      'cjs-fn',
      zipFunction({
        'app.js': 'let calls = 0; exports.main = async () => ({ calls: ++calls, pid: process.pid });',
      }),
      { Handler: 'app.main' },
    );
    const first = payloadOf(await client.send(new InvokeCommand({ FunctionName: 'cjs-fn' })));
    const second = payloadOf(await client.send(new InvokeCommand({ FunctionName: 'cjs-fn' })));
    expect(second.pid).toBe(first.pid);
    expect(second.calls).toBe(first.calls + 1);
  });

  it('reports a thrown error as an Unhandled function error', async () => {
    await createReadyFunction(
      client,
      'throw-fn',
      zipFunction({
        'index.mjs': "export const handler = async () => { throw new TypeError('bad input'); };",
      }),
    );
    const r = await client.send(new InvokeCommand({ FunctionName: 'throw-fn' }));
    expect(r.FunctionError).toBe('Unhandled');
    expect(payloadOf(r)).toMatchObject({ errorType: 'TypeError', errorMessage: 'bad input' });
    const recorded = sandbox.lambda.invocations().filter((i) => i.functionName === 'throw-fn');
    expect(recorded).toEqual([
      expect.objectContaining({ executedVersion: '$LATEST', error: true, throttled: false }),
    ]);
  });

  it('kills a handler that runs past its Timeout with "Task timed out", then serves the next call fresh', async () => {
    await createReadyFunction(
      client,
      'slow-fn',
      zipFunction({
        'index.mjs':
          'export const handler = async (e) => { if (e.wait) await new Promise((r) => setTimeout(r, 600_000)); return "done"; };',
      }),
      { Timeout: 1 },
    );
    // The handler would wait 10 minutes: an answer at all (within the test's timeout) proves it was killed.
    const r = await client.send(
      new InvokeCommand({ FunctionName: 'slow-fn', Payload: JSON.stringify({ wait: true }) }),
    );
    expect(r.FunctionError).toBe('Unhandled');
    expect(payloadOf(r).errorMessage).toContain('Task timed out after 1.00 seconds');
    const next = await client.send(
      new InvokeCommand({ FunctionName: 'slow-fn', Payload: JSON.stringify({}) }),
    );
    expect(payloadOf(next)).toBe('done');
  });

  it('runs image functions: mapped images from a directory, unmapped ones answer who they are', async () => {
    await client.send(
      new CreateFunctionCommand({
        FunctionName: 'image-fn',
        Role: ROLE,
        PackageType: 'Image',
        Code: { ImageUri: IMAGE },
        Publish: true,
      }),
    );
    await waitUntilReady(client, 'image-fn');
    const r = await client.send(new InvokeCommand({ FunctionName: 'image-fn', Qualifier: '1' }));
    expect(payloadOf(r)).toEqual({ version: '1', imageUri: IMAGE });
    const v = await client.send(new PublishVersionCommand({ FunctionName: 'image-fn' }));
    expect(v.CodeSha256).toBe(Buffer.from('ab'.repeat(32), 'hex').toString('base64'));
  });

  it('runs a mapped image from its directory with ImageConfig.Command as the handler', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'image-'));
    writeFileSync(
      join(dir, 'app.mjs'),
      'export const run = async (e, ctx) => ({ image: true, version: ctx.functionVersion });',
    );
    const uri = '123456789012.dkr.ecr.us-east-1.amazonaws.com/mapped:v1';
    const own = await startSandbox({ timeScale: 100, images: { [uri]: dir } });
    const ownClient = lambdaClient(own);
    try {
      await ownClient.send(
        new CreateFunctionCommand({
          FunctionName: 'mapped',
          Role: ROLE,
          PackageType: 'Image',
          Code: { ImageUri: uri },
          ImageConfig: { Command: ['app.run'] },
        }),
      );
      await waitUntilReady(ownClient, 'mapped');
      expect(payloadOf(await ownClient.send(new InvokeCommand({ FunctionName: 'mapped' })))).toEqual({
        image: true,
        version: '$LATEST',
      });
    } finally {
      ownClient.destroy();
      await own.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('reads S3-sourced code', async () => {
    sandbox.putS3Object(
      'artifacts',
      'fn.zip',
      zipFunction({ 'index.mjs': 'export const handler = async () => "from s3";' }),
    );
    await createReadyFunction(client, 's3-fn', new Uint8Array(), {
      Code: { S3Bucket: 'artifacts', S3Key: 'fn.zip' },
    });
    expect(payloadOf(await client.send(new InvokeCommand({ FunctionName: 's3-fn' })))).toBe('from s3');
  });
});
