import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateAliasCommand,
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
  type UpdateFunctionConfigurationCommandInput,
} from '@aws-sdk/client-lambda';
import {
  createManualClock,
  startSandbox,
  zipFunction,
  type Sandbox,
  type SimulatedLoad,
} from '../src/index.js';
import { createActiveFunction, errorName, eventually, lambdaClient } from './helpers.js';

// An update stays InProgress until the test advances the clock, however slow the machine is.
const UPDATE_DELAY_MS = 3000;
const clock = createManualClock();
let sandbox: Sandbox;
let client: LambdaClient;

beforeAll(async () => {
  sandbox = await startSandbox({ clock, updateDelayMs: UPDATE_DELAY_MS });
  client = lambdaClient(sandbox);
});
afterAll(async () => {
  client.destroy();
  await sandbox.stop();
});

const LAYER = 'arn:aws:lambda:us-east-1:123456789012:layer:shared-libs:4';

/** Answers with the configuration it runs under; waits `event.sleepMs` and holds `event.holdMb` of heap first. */
const configEcho = zipFunction({
  'index.mjs': `export const handler = async (event, context) => {
  await new Promise((r) => setTimeout(r, event?.sleepMs ?? 0));
  const held = Array.from({ length: event?.holdMb ?? 0 }, (_, i) => new Array(131072).fill(i));
  return { greeting: process.env.GREETING, memory: context.memoryLimitInMB, version: context.functionVersion, held: held.length };
};`,
});

/** Lets an update's simulated time pass and checks it has finished. */
async function settle(name: string): Promise<void> {
  await clock.advance(UPDATE_DELAY_MS);
  const { LastUpdateStatus } = await client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  expect(LastUpdateStatus).toBe('Successful');
}

/** Runs simulated load until it has recorded `total` invocations, then stops it and returns its counts. */
async function countsOf(load: SimulatedLoad, total: number) {
  const recorded = () => Object.values(load.counts()).reduce((sum, c) => sum + c.invocations, 0);
  await eventually(`${total} simulated invocations`, () => (recorded() >= total ? true : undefined));
  load.stop();
  expect(recorded()).toBe(total);
  return load.counts();
}

const update = (input: Omit<UpdateFunctionConfigurationCommandInput, 'FunctionName'>, name: string) =>
  client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, ...input }));

async function invoke(name: string, qualifier: string, event: unknown = {}) {
  const r = await client.send(
    new InvokeCommand({ FunctionName: name, Qualifier: qualifier, Payload: JSON.stringify(event) }),
  );
  return { error: r.FunctionError, body: JSON.parse(Buffer.from(r.Payload ?? []).toString()) };
}

describe('UpdateFunctionConfiguration', () => {
  it('applies every setting a release changes, InProgress until the update delay, with a new RevisionId', async () => {
    await createActiveFunction(client, clock, UPDATE_DELAY_MS, 'config-fn', configEcho, {
      Environment: { Variables: { AB: '1' } },
    });
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'config-fn' }));
    const updated = await update(
      {
        RevisionId: before.RevisionId,
        Environment: { Variables: { GREETING: 'hello' } },
        MemorySize: 1024,
        Timeout: 30,
        Layers: [LAYER],
        Handler: 'index.handler',
        Runtime: 'nodejs20.x',
        EphemeralStorage: { Size: 2048 },
        Description: 'release v2',
      },
      'config-fn',
    );
    expect(updated).toMatchObject({
      LastUpdateStatus: 'InProgress',
      Environment: { Variables: { GREETING: 'hello' } },
      MemorySize: 1024,
      Timeout: 30,
      Layers: [{ Arn: LAYER, CodeSize: 0 }],
      Runtime: 'nodejs20.x',
      EphemeralStorage: { Size: 2048 },
      Description: 'release v2',
      CodeSha256: before.CodeSha256,
    });
    expect(updated.RevisionId).not.toBe(before.RevisionId);
    expect(await errorName(() => update({ MemorySize: 256 }, 'config-fn'))).toBe('ResourceConflictException');
    await clock.advance(UPDATE_DELAY_MS - 1);
    expect(await errorName(() => update({ MemorySize: 256 }, 'config-fn'))).toBe('ResourceConflictException');
    await clock.advance(1);
    const settled = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'config-fn' }));
    expect(settled.LastUpdateStatus).toBe('Successful');
    expect(settled.MemorySize).toBe(1024);
    expect(await errorName(() => update({ RevisionId: updated.RevisionId, Timeout: 5 }, 'config-fn'))).toBe(
      'PreconditionFailedException',
    );
    expect(settled.Environment?.Variables).toEqual({ GREETING: 'hello' });
  });

  it.each([
    ['a memory size below 128 MB', { MemorySize: 64 }, 'ValidationException'],
    ['a timeout above 900 s', { Timeout: 901 }, 'InvalidParameterValueException'],
    ['ephemeral storage below 512 MB', { EphemeralStorage: { Size: 256 } }, 'ValidationException'],
    ['a malformed layer ARN', { Layers: ['shared-libs:4'] }, 'InvalidParameterValueException'],
    [
      'more than five layers',
      { Layers: [1, 2, 3, 4, 5, 6].map((n) => `${LAYER.slice(0, -1)}${n}`) },
      'InvalidParameterValueException',
    ],
    [
      'a reserved environment variable',
      { Environment: { Variables: { AWS_REGION: 'eu-west-1' } } },
      'InvalidParameterValueException',
    ],
  ])('refuses %s (%s) and changes nothing', async (_, input, error) => {
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'config-fn' }));
    expect(await errorName(() => update(input, 'config-fn'))).toBe(error);
    const after = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'config-fn' }));
    expect(after.RevisionId).toBe(before.RevisionId);
  });
});

describe('versions carry their configuration', () => {
  beforeAll(async () => {
    await createActiveFunction(client, clock, UPDATE_DELAY_MS, 'release-fn', configEcho, {
      Environment: { Variables: { GREETING: 'v1' } },
      Timeout: 10,
    });
    await client.send(new PublishVersionCommand({ FunctionName: 'release-fn' }));
    await update({ Environment: { Variables: { GREETING: 'v2' } }, MemorySize: 512 }, 'release-fn');
    await settle('release-fn');
    await client.send(new PublishVersionCommand({ FunctionName: 'release-fn' }));
    await client.send(
      new CreateAliasCommand({ FunctionName: 'release-fn', Name: 'live', FunctionVersion: '1' }),
    );
  });

  it('publishes a configuration-only change as a new version; each qualifier returns its own configuration', async () => {
    const v1 = await client.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'release-fn', Qualifier: '1' }),
    );
    const v2 = await client.send(new GetFunctionCommand({ FunctionName: 'release-fn', Qualifier: '2' }));
    expect(v1).toMatchObject({
      Version: '1',
      MemorySize: 128,
      Environment: { Variables: { GREETING: 'v1' } },
    });
    expect(v2.Configuration).toMatchObject({
      Version: '2',
      MemorySize: 512,
      Environment: { Variables: { GREETING: 'v2' } },
    });
    expect(v2.Configuration?.CodeSha256).toBe(v1.CodeSha256);
    const alias = await client.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'release-fn', Qualifier: 'live' }),
    );
    expect(alias.Environment?.Variables).toEqual({ GREETING: 'v1' });
  });

  it('runs each version with its own environment and memory', async () => {
    expect((await invoke('release-fn', '1')).body).toMatchObject({ greeting: 'v1', memory: '128' });
    expect((await invoke('release-fn', '2')).body).toMatchObject({ greeting: 'v2', memory: '512' });
  });

  it('fails a version configured with SANDBOX_ERROR_RATE or too short a timeout; the old version stays healthy', async () => {
    await update({ Environment: { Variables: { GREETING: 'v3', SANDBOX_ERROR_RATE: '1' } } }, 'release-fn');
    await settle('release-fn');
    expect((await client.send(new PublishVersionCommand({ FunctionName: 'release-fn' }))).Version).toBe('3');
    await update({ Environment: { Variables: { GREETING: 'v4' } }, Timeout: 1 }, 'release-fn');
    await settle('release-fn');
    expect((await client.send(new PublishVersionCommand({ FunctionName: 'release-fn' }))).Version).toBe('4');

    const configured = await invoke('release-fn', '3');
    expect(configured.error).toBe('Unhandled');
    expect(configured.body.errorType).toBe('Sandbox.ConfiguredError');
    const timedOut = await invoke('release-fn', '4', { sleepMs: 1500 });
    expect(timedOut.body.errorType).toBe('Sandbox.Timedout');
    expect((await invoke('release-fn', '1', { sleepMs: 1500 })).error).toBeUndefined();
    const errors = sandbox.lambda
      .invocations('release-fn')
      .filter((r) => r.error)
      .map((r) => r.executedVersion);
    expect(errors).toEqual(['3', '4']);
  });

  it('lets simulated load judge a version by its configuration when no behaviour is listed for it', async () => {
    await client.send(
      new UpdateAliasCommand({
        FunctionName: 'release-fn',
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '3': 0.5 } },
      }),
    );
    const load = sandbox.simulateLoad({ functionName: 'release-fn', alias: 'live', ratePerSecond: 200 });
    // Two simulated seconds at 200 requests a second: 400 invocations, however often the load ticks.
    await clock.advance(2000);
    const counts = await countsOf(load, 400);
    expect(counts['1']?.invocations).toBeGreaterThan(0);
    expect(counts['1']?.errors).toBe(0);
    expect(counts['3']?.invocations).toBeGreaterThan(0);
    expect(counts['3']?.errors).toBe(counts['3']?.invocations);
  });

  it('records the last hour of a simulated load at once when asked for its history', async () => {
    await client.send(
      new CreateAliasCommand({ FunctionName: 'release-fn', Name: 'quiet', FunctionVersion: '1' }),
    );
    const startedAt = sandbox.clock.now();
    const load = sandbox.simulateLoad({
      functionName: 'release-fn',
      alias: 'quiet',
      ratePerSecond: 0.1,
      historyMs: 3_600_000,
      versions: { '1': { errorRate: 0 }, '3': { errorRate: 0 } },
    });
    load.stop();
    const past = sandbox.lambda
      .invocations('release-fn')
      .filter((r) => r.alias === 'quiet' && r.at < startedAt && r.at >= startedAt - 3_600_000);
    // 0.1/s over an hour, spread evenly: 360 (one more may fall due by the time the load starts).
    expect(past.length).toBeGreaterThanOrEqual(359);
    expect(past.length).toBeLessThanOrEqual(361);
    expect(Math.min(...past.map((r) => r.at))).toBeLessThan(startedAt - 3_500_000);
  });

  it("counts simulated requests that outlast the version's Timeout as errors lasting the Timeout", async () => {
    await client.send(
      new CreateAliasCommand({
        FunctionName: 'release-fn',
        Name: 'slow',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '4': 0.5 } },
      }),
    );
    const slow = { errorRate: 0, durationMs: { min: 1500, max: 2000 } };
    const load = sandbox.simulateLoad({
      functionName: 'release-fn',
      alias: 'slow',
      ratePerSecond: 200,
      versions: { '1': slow, '4': slow },
    });
    await clock.advance(2000);
    const counts = await countsOf(load, 400);
    expect(counts['1']?.errors).toBe(0);
    expect(counts['4']?.errors).toBe(counts['4']?.invocations);
    const timedOut = sandbox.lambda
      .invocations('release-fn')
      .filter((r) => r.alias === 'slow' && r.executedVersion === '4');
    expect(timedOut.length).toBeGreaterThan(0);
    expect(timedOut.every((r) => r.durationMs === 1000)).toBe(true);
  });

  it('runs a version in a heap as large as its MemorySize: holding 160 MB fails at 128 MB, not at 512 MB', async () => {
    const small = await invoke('release-fn', '1', { holdMb: 160 });
    expect(small.body.errorType).toBe('Runtime.ExitError');
    const large = await invoke('release-fn', '2', { holdMb: 160 });
    expect(large.body).toMatchObject({ held: 160, memory: '512' });
  });
});
