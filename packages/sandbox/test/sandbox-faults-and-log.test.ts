import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  GetAliasCommand,
  GetFunctionCommand,
  InvokeCommand,
  ListFunctionsCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateAliasCommand,
  CreateAliasCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../src/index.js';
import { createReadyFunction, errorName, esmHandler, lambdaClient } from './helpers.js';

let sandbox: Sandbox;
let client: LambdaClient;

beforeAll(async () => {
  sandbox = await startSandbox({
    timeScale: 100,
    updateDelayMs: 1000,
    faults: [{ operation: 'ListFunctions', kind: 'error' }],
  });
  client = lambdaClient(sandbox);
  await createReadyFunction(client, 'faulty', esmHandler('x'));
  await client.send(new PublishVersionCommand({ FunctionName: 'faulty' }));
  await client.send(new CreateAliasCommand({ FunctionName: 'faulty', Name: 'live', FunctionVersion: '1' }));
});
afterAll(async () => {
  client.destroy();
  await sandbox.stop();
});

describe('fault injection', () => {
  it('applies the rules given at start', async () => {
    expect(await errorName(() => client.send(new ListFunctionsCommand({})))).toBe('ServiceException');
  });

  describe('added at run time', () => {
    beforeEach(() => sandbox.faults.clear());

    it.each([
      ['throttle', 'TooManyRequestsException'],
      ['error', 'ServiceException'],
      ['conflict', 'ResourceConflictException'],
      ['stale-revision', 'PreconditionFailedException'],
    ] as const)('%s makes the SDK throw %s, for `times` requests only', async (kind, exception) => {
      sandbox.faults.add({ service: 'lambda', operation: 'UpdateAlias', kind, times: 1 });
      const update = () =>
        client.send(new UpdateAliasCommand({ FunctionName: 'faulty', Name: 'live', Description: kind }));
      expect(await errorName(update)).toBe(exception);
      const ok = await update();
      expect(ok.Description).toBe(kind);
    });

    it('applies before the handler: a refused UpdateAlias changes nothing', async () => {
      const before = await client.send(new GetAliasCommand({ FunctionName: 'faulty', Name: 'live' }));
      sandbox.faults.add({ operation: 'UpdateAlias', kind: 'error' });
      await errorName(() =>
        client.send(new UpdateAliasCommand({ FunctionName: 'faulty', Name: 'live', Description: 'never' })),
      );
      const after = await client.send(new GetAliasCommand({ FunctionName: 'faulty', Name: 'live' }));
      expect(after.RevisionId).toBe(before.RevisionId);
    });

    it('drops the connection and delays in simulated time', async () => {
      sandbox.faults.add({ operation: 'GetFunction', kind: 'drop', times: 1 });
      const dropped = await errorName(() => client.send(new GetFunctionCommand({ FunctionName: 'faulty' })));
      expect(dropped).not.toBe('ResourceNotFoundException');
      sandbox.faults.add({ operation: 'GetFunction', kind: 'delay', delayMs: 20_000, times: 1 });
      const started = Date.now();
      await client.send(new GetFunctionCommand({ FunctionName: 'faulty' }));
      expect(Date.now() - started).toBeGreaterThanOrEqual(150);
    });

    it("'control-plane' hits every Lambda operation but invocations; a list names the operations", async () => {
      sandbox.faults.add({ operation: 'control-plane', kind: 'throttle' });
      for (const call of [
        () => client.send(new GetFunctionCommand({ FunctionName: 'faulty' })),
        () => client.send(new PublishVersionCommand({ FunctionName: 'faulty' })),
        () => client.send(new UpdateAliasCommand({ FunctionName: 'faulty', Name: 'live', Description: 'x' })),
      ]) {
        expect(await errorName(call)).toBe('TooManyRequestsException');
      }
      const invoked = await client.send(new InvokeCommand({ FunctionName: 'faulty', Qualifier: 'live' }));
      expect(invoked.FunctionError).toBeUndefined();
      const url = await fetch(sandbox.functionUrl('faulty'));
      expect(url.status).not.toBe(429);

      sandbox.faults.clear();
      sandbox.faults.add({ operation: ['GetAlias', 'UpdateAlias'], kind: 'error' });
      expect(
        await errorName(() => client.send(new GetAliasCommand({ FunctionName: 'faulty', Name: 'live' }))),
      ).toBe('ServiceException');
      await client.send(new GetFunctionCommand({ FunctionName: 'faulty' }));
      expect(() => sandbox.faults.add({ operation: [], kind: 'error' })).toThrow(/non-empty list/);
    });

    it('throttles about `rate` of the control-plane calls across functions, never an Invoke', async () => {
      sandbox.faults.add({ service: 'lambda', operation: 'control-plane', kind: 'throttle', rate: 0.2 });
      const outcomes = await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          client.send(new GetFunctionCommand({ FunctionName: i % 2 ? 'faulty' : 'missing' })).then(
            () => 'ok',
            (e: Error) => e.name,
          ),
        ),
      );
      const throttled = outcomes.filter((name) => name === 'TooManyRequestsException').length;
      expect(throttled).toBeGreaterThanOrEqual(5);
      expect(throttled).toBeLessThanOrEqual(40);
      for (let i = 0; i < 20; i++) await client.send(new InvokeCommand({ FunctionName: 'faulty' }));
    });

    it('uses the rules POSTed to /_sandbox/faults', async () => {
      const res = await fetch(`${sandbox.endpoint}/_sandbox/faults`, {
        method: 'POST',
        body: JSON.stringify({ service: 'lambda', operation: 'Invoke', kind: 'throttle', times: 1 }),
      });
      expect(res.status).toBe(200);
      expect(await errorName(() => client.send(new InvokeCommand({ FunctionName: 'faulty' })))).toBe(
        'TooManyRequestsException',
      );
      const bad = await fetch(`${sandbox.endpoint}/_sandbox/faults`, {
        method: 'POST',
        body: JSON.stringify({ operation: 'Invoke', kind: 'melt' }),
      });
      expect(bad.status).toBe(400);
    });

    it('throttles every invocation when reserved concurrency is 0, and records the throttles', async () => {
      await client.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'faulty', ReservedConcurrentExecutions: 0 }),
      );
      expect(
        await errorName(() => client.send(new InvokeCommand({ FunctionName: 'faulty', Qualifier: 'live' }))),
      ).toBe('TooManyRequestsException');
      expect(sandbox.lambda.invocations().at(-1)).toMatchObject({
        functionName: 'faulty',
        executedVersion: '1',
        alias: 'live',
        throttled: true,
      });
      await client.send(
        new PutFunctionConcurrencyCommand({ FunctionName: 'faulty', ReservedConcurrentExecutions: 10 }),
      );
    });
  });
});

describe('request log and inspection', () => {
  it('logs every AWS request with its operation, status and whether it mutates', async () => {
    sandbox.clearRequestLog();
    await client.send(new GetAliasCommand({ FunctionName: 'faulty', Name: 'live' }));
    await client.send(new UpdateAliasCommand({ FunctionName: 'faulty', Name: 'live', FunctionVersion: '1' }));
    await errorName(() => client.send(new GetAliasCommand({ FunctionName: 'faulty', Name: 'nope' })));
    await client.send(new InvokeCommand({ FunctionName: 'faulty' }));
    expect(
      sandbox
        .requestLog()
        .map(({ operation, mutating, status, errorCode }) => ({ operation, mutating, status, errorCode })),
    ).toEqual([
      { operation: 'GetAlias', mutating: false, status: 200, errorCode: undefined },
      { operation: 'UpdateAlias', mutating: true, status: 200, errorCode: undefined },
      { operation: 'GetAlias', mutating: false, status: 404, errorCode: 'ResourceNotFoundException' },
      { operation: 'Invoke', mutating: false, status: 200, errorCode: undefined },
    ]);
    expect(sandbox.mutatingRequests().map((e) => e.operation)).toEqual(['UpdateAlias']);
    const overHttp = await (await fetch(`${sandbox.endpoint}/_sandbox/requests`)).json();
    expect(overHttp).toHaveLength(4);
    await fetch(`${sandbox.endpoint}/_sandbox/reset-log`, { method: 'POST' });
    expect(sandbox.requestLog()).toEqual([]);
  });

  it('shows functions, versions, aliases and invocations at GET /_sandbox/state', async () => {
    const state = (await (await fetch(`${sandbox.endpoint}/_sandbox/state`)).json()) as {
      requests: number;
      lambda: {
        functions: {
          name: string;
          versions: { version: string }[];
          aliases: unknown[];
          invocations: Record<string, { count: number }>;
        }[];
      };
    };
    const fn = state.lambda.functions.find((f) => f.name === 'faulty')!;
    expect(fn.versions.map((v) => v.version)).toEqual(['1']);
    expect(fn.aliases).toEqual([expect.objectContaining({ name: 'live', functionVersion: '1' })]);
    expect(fn.invocations['$LATEST']?.count).toBeGreaterThan(0);
    expect(state.requests).toBe(0);
  });

  it('exposes an environment for SDK clients', () => {
    expect(sandbox.env).toMatchObject({
      AWS_ENDPOINT_URL: sandbox.endpoint,
      AWS_REGION: 'us-east-1',
      AWS_DEFAULT_REGION: 'us-east-1',
    });
    expect(sandbox.env.AWS_ACCESS_KEY_ID).toBeTruthy();
  });
});
