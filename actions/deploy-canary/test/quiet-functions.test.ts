import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { readRecordFile } from '@lambda-release-kit/core';
import type { RolloutClock } from '../src/rollout-clock.js';
import {
  functionOnVersion1,
  handlers,
  plan,
  runDeploy,
  sandboxClock,
  startTestBed,
  zipSource,
  type TestBed,
} from './helpers.js';

// A quiet function (one request every 10 s through its alias) released with canary traffic at 1/s, on CloudWatch
// as it is: whole minutes, each readable 90 s after it ends. Time scale 20 runs 3-minute bakes in seconds; the
// rollout (and its canary traffic) sleeps on the sandbox clock, and waits on evidence up to a long bake timeout,
// so a loaded machine that sends less canary traffic only makes the test slower.
const SCALE = 20;
let bed: TestBed;
let clock: RolloutClock;
jest.setTimeout(240_000);

beforeAll(async () => {
  bed = await startTestBed({ timeScale: SCALE, metricDelayMs: 90_000 });
  clock = sandboxClock(bed.sandbox);
});
afterAll(async () => {
  await bed.stop();
});

/** The rollout of these tests: 10% then 50%, three minutes each, at a 2% gate. */
const rollout = (
  functionName: string,
  zip: Uint8Array,
  overrides: Partial<Parameters<typeof plan>[0]> = {},
) =>
  plan(
    {
      functionName,
      source: zipSource(zip),
      steps: [
        { weight: 0.1, bakeMs: 180_000 },
        { weight: 0.5, bakeMs: 180_000 },
      ],
      thresholds: {
        maxErrorRate: 0.02,
        minInvocations: 10,
        compareToStable: false,
        falseRollbackRate: 0.01,
        missedRegressionRate: 0.05,
      },
      healthCheckIntervalMs: 60_000,
      metricDelayMs: 120_000,
      bakeTimeoutMs: 1_800_000,
      timeoutMs: 3_600_000,
      ...overrides,
    },
    bed.dir,
  );

/** Releases `zip` as version 2 of a quiet function with canary traffic; returns the run and the invocations. */
async function releaseQuietly(functionName: string, zip: Uint8Array) {
  await functionOnVersion1(bed.clients.lambda, functionName, handlers.ok('v1'));
  const users = bed.sandbox.simulateLoad({ functionName, alias: 'live', ratePerSecond: 0.1 });
  try {
    const run = await runDeploy(
      bed.clients,
      rollout(functionName, zip, { canaryTraffic: { ratePerSecond: 1, payload: '{"probe":"canary"}' } }),
      undefined,
      clock,
    );
    return { run, record: await readRecordFile(run.recordFile) };
  } finally {
    users.stop();
  }
}

const direct = (functionName: string, version: string) =>
  bed.sandbox.lambda.invocations(functionName).filter((r) => r.invokedVersion === version);

const aliasOf = (functionName: string) =>
  bed.clients.lambda.send(new GetAliasCommand({ FunctionName: functionName, Name: 'live' }));

describe('a quiet function released with canary traffic', () => {
  it('is promoted on the evidence its canary traffic gives, which stops at promotion', async () => {
    const { run, record } = await releaseQuietly('quiet-healthy', handlers.ok('v2'));
    expect(run.error).toBeUndefined();
    expect(record.status).toBe('promoted');
    expect((await aliasOf('quiet-healthy')).FunctionVersion).toBe('2');
    const traffic = record.functions[0].canaryTraffic;
    expect(traffic).toMatchObject({ ratePerSecond: 1, functionErrors: 0, failedRequests: 0 });
    // The verdict rests on the canary traffic: the quiet users alone could not give a tenth of what was judged.
    const judged = record.steps.at(-1)?.metrics?.invocations ?? 0;
    expect(judged).toBeGreaterThan(0);
    const canaryUsers = bed.sandbox.lambda
      .invocations('quiet-healthy')
      .filter((r) => r.alias === 'live' && r.executedVersion === '2').length;
    expect(judged).toBeGreaterThan(canaryUsers * 10);
    // Straight to version 2 only, never to the stable version, and nothing after promotion.
    expect(direct('quiet-healthy', '1')).toHaveLength(0);
    const sent = direct('quiet-healthy', '2').length;
    expect(sent).toBeLessThanOrEqual(traffic?.sent ?? 0);
    await clock.sleep(10_000);
    expect(direct('quiet-healthy', '2')).toHaveLength(sent);
    expect(run.logger.text()).toMatch(
      /canary traffic: 1\/s straight to quiet-healthy version 2 during every bake/,
    );
  });

  it('is caught when broken, by the errors of its canary traffic, and restored', async () => {
    const { run, record } = await releaseQuietly('quiet-broken', handlers.failing());
    expect(run.error?.message).toMatch(/version 2 was rolled back to 1: step 10%: .*error rate/);
    expect(record.status).toBe('rolled-back');
    const alias = await aliasOf('quiet-broken');
    expect(alias.FunctionVersion).toBe('1');
    expect(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
    const traffic = record.functions[0].canaryTraffic;
    expect(traffic?.functionErrors).toBeGreaterThan(0);
    expect(traffic?.functionErrors).toBeLessThanOrEqual(traffic?.sent ?? 0);
    expect(direct('quiet-broken', '1')).toHaveLength(0);
    const sent = direct('quiet-broken', '2').length;
    await clock.sleep(10_000);
    expect(direct('quiet-broken', '2')).toHaveLength(sent);
  });
});

describe('a function whose traffic stops after the plan expected a verdict', () => {
  it('is rolled back as inconclusive under on-inconclusive fail: the plan is an estimate, the verdict is not', async () => {
    await functionOnVersion1(bed.clients.lambda, 'fading-fn', handlers.ok('v1'));
    // Two hours at 5/s before the release, none during it.
    bed.sandbox
      .simulateLoad({ functionName: 'fading-fn', alias: 'live', ratePerSecond: 5, historyMs: 7_200_000 })
      .stop();
    const run = await runDeploy(
      bed.clients,
      rollout('fading-fn', handlers.ok('v2'), { onInconclusive: 'fail' }),
      undefined,
      clock,
    );
    expect(run.logger.text()).toMatch(
      /fading-fn: at ~5 requests\/s, no canary traffic, .*: expected to conclude/,
    );
    expect(run.error?.message).toMatch(/^version 2 was rolled back to 1: step 50%: inconclusive/);
    const record = await readRecordFile(run.recordFile);
    expect(record.status).toBe('rolled-back');
    expect((await aliasOf('fading-fn')).FunctionVersion).toBe('1');
  });
});
