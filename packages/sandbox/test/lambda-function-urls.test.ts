import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateAliasCommand,
  CreateFunctionUrlConfigCommand,
  GetFunctionUrlConfigCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startSandbox, zipFunction, type Sandbox } from '../src/index.js';
import { createReadyFunction, errorName, lambdaClient, waitUntilReady } from './helpers.js';

let sandbox: Sandbox;
let client: LambdaClient;

/**
 * A handler that echoes the payload format 2.0 event back as an HTTP response; /versioned reports the version in
 * a header it sets itself from AWS_LAMBDA_FUNCTION_VERSION, as a function on AWS must.
 */
const echo = (label: string) =>
  zipFunction({
    'index.mjs': `export const handler = async (event) => {
      if (event.rawPath === '/fail') throw new Error('boom');
      if (event.rawPath === '/plain') return { ok: ${JSON.stringify(label)} };
      if (event.rawPath === '/versioned')
        return { statusCode: 200, headers: { 'X-Function-Version': process.env.AWS_LAMBDA_FUNCTION_VERSION }, body: '' };
      return { statusCode: 201, headers: { 'X-Label': ${JSON.stringify(label)} }, body: JSON.stringify(event) };
    };`,
  });

/** Any header that would tell which version answered, which AWS function URLs never add. */
const versionHeaders = (res: Response) => [...res.headers.keys()].filter((name) => name.includes('version'));

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 100, updateDelayMs: 1000 });
  client = lambdaClient(sandbox);
  await createReadyFunction(client, 'web', echo('one'));
  await client.send(new PublishVersionCommand({ FunctionName: 'web' }));
  await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'web', ZipFile: echo('two') }));
  await waitUntilReady(client, 'web');
  await client.send(new PublishVersionCommand({ FunctionName: 'web' }));
  await client.send(
    new CreateAliasCommand({
      FunctionName: 'web',
      Name: 'live',
      FunctionVersion: '1',
      RoutingConfig: { AdditionalVersionWeights: { '2': 0.3 } },
    }),
  );
});
afterAll(async () => {
  client.destroy();
  await sandbox.stop();
});

describe('function URLs', () => {
  it('turns a request into a payload format 2.0 event and maps the handler response', async () => {
    const res = await fetch(`${sandbox.functionUrl('web', '2')}orders/7?x=1&y=2`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie: 'a=1; b=2' },
      body: '{"qty":3}',
    });
    expect(res.status).toBe(201);
    expect(res.headers.get('x-label')).toBe('two');
    expect(versionHeaders(res)).toEqual([]);
    const event = (await res.json()) as { headers: Record<string, string> };
    expect(event).toMatchObject({
      version: '2.0',
      rawPath: '/orders/7',
      rawQueryString: 'x=1&y=2',
      queryStringParameters: { x: '1', y: '2' },
      cookies: ['a=1', 'b=2'],
      body: '{"qty":3}',
      isBase64Encoded: false,
      requestContext: { http: { method: 'POST', path: '/orders/7' } },
    });
    expect(event.headers['content-type']).toBe('application/json');
  });

  it('answers a plain result as 200 JSON and a function error as 502', async () => {
    const plain = await fetch(`${sandbox.functionUrl('web', '1')}plain`);
    expect(plain.status).toBe(200);
    expect(versionHeaders(plain)).toEqual([]);
    expect(await plain.json()).toEqual({ ok: 'one' });
    const failed = await fetch(`${sandbox.functionUrl('web', '1')}fail`);
    expect(failed.status).toBe(502);
    expect(versionHeaders(failed)).toEqual([]);
    const record = sandbox.lambda.invocations().at(-1);
    expect(record).toMatchObject({ functionName: 'web', executedVersion: '1', error: true, statusCode: 502 });
  });

  it('routes an alias URL to its versions by weight and records the alias', async () => {
    const before = sandbox.lambda.invocations().length;
    const counts: Record<string, number> = {};
    const requests = Array.from({ length: 200 }, async () => {
      const res = await fetch(`${sandbox.functionUrl('web', 'live')}versioned`);
      await res.arrayBuffer();
      const v = res.headers.get('x-function-version') ?? 'none reported';
      counts[v] = (counts[v] ?? 0) + 1;
    });
    await Promise.all(requests);
    expect(Object.keys(counts).sort()).toEqual(['1', '2']);
    // 30% of 200: a binomial draw stays within 30..90 with overwhelming probability (>6 standard deviations).
    expect(counts['2']).toBeGreaterThan(30);
    expect(counts['2']).toBeLessThan(90);
    const recorded = sandbox.lambda.invocations().slice(before);
    expect(recorded).toHaveLength(200);
    expect(recorded.every((r) => r.alias === 'live' && r.statusCode === 200 && !r.error)).toBe(true);
  });

  it('manages function URL configs and serves the URL they return', async () => {
    const created = await client.send(
      new CreateFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live', AuthType: 'NONE' }),
    );
    expect(created.FunctionUrl).toBe(sandbox.functionUrl('web', 'live'));
    expect(created.FunctionArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:web:live');
    const got = await client.send(
      new GetFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live' }),
    );
    const res = await fetch(`${got.FunctionUrl}plain`);
    expect(res.status).toBe(200);
    expect(
      await errorName(() =>
        client.send(
          new CreateFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: 'live', AuthType: 'NONE' }),
        ),
      ),
    ).toBe('ResourceConflictException');
    expect(
      await errorName(() =>
        client.send(
          new CreateFunctionUrlConfigCommand({ FunctionName: 'web', Qualifier: '1', AuthType: 'NONE' }),
        ),
      ),
    ).toBe('InvalidParameterValueException');
    expect(await errorName(() => client.send(new GetFunctionUrlConfigCommand({ FunctionName: 'web' })))).toBe(
      'ResourceNotFoundException',
    );
  });

  it('answers 429 for a throttle fault and records a throttled invocation of the alias', async () => {
    sandbox.faults.add({
      service: 'function-url',
      operation: 'InvokeFunctionUrl',
      kind: 'throttle',
      times: 1,
    });
    const res = await fetch(`${sandbox.functionUrl('web', 'live')}plain`);
    expect(res.status).toBe(429);
    expect(sandbox.lambda.invocations().at(-1)).toMatchObject({
      functionName: 'web',
      alias: 'live',
      throttled: true,
      error: false,
    });
    expect(sandbox.requestLog().at(-1)).toMatchObject({
      service: 'function-url',
      status: 429,
      errorCode: 'TooManyRequestsException',
      fault: 'throttle',
    });
  });

  it('answers 404 for an unknown function', async () => {
    const res = await fetch(sandbox.functionUrl('missing'));
    expect(res.status).toBe(404);
  });
});
