import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { pause, readRecordFile } from '@lambda-release-kit/core';
import type { RolloutClock } from '../src/rollout-clock.js';
import {
  functionOnVersion1,
  handlers,
  plan,
  runDeploy,
  seededRandom,
  startTestBed,
  zipSource,
  type TestBed,
} from './helpers.js';

// CloudWatch as it really is: whole minutes, each readable 90 s after it ends. Time scale 60 (a sandbox minute
// per real second) runs realistic bakes in seconds; the rollout sleeps on the sandbox clock. The load is
// simulated in the sandbox at 50 requests/s of sandbox time (more than this machine could serve for real).
const SCALE = 60;
const DELAY_MS = 90_000;
let bed: TestBed;
let clock: RolloutClock;
jest.setTimeout(120_000);

beforeAll(async () => {
  bed = await startTestBed({ timeScale: SCALE, metricDelayMs: DELAY_MS });
  clock = { now: () => bed.sandbox.clock.now(), sleep: (ms, signal) => pause(ms / SCALE, signal) };
});
afterAll(async () => {
  await bed.stop();
});

const rollout = (functionName: string, zip: Uint8Array) =>
  plan(
    {
      functionName,
      source: zipSource(zip),
      steps: [
        { weight: 0.1, bakeMs: 300_000 },
        { weight: 0.5, bakeMs: 300_000 },
      ],
      thresholds: {
        maxErrorRate: 0.005,
        maxP95LatencyMs: 2000,
        minInvocations: 10,
        compareToStable: false,
        falseRollbackRate: 0.01,
        missedRegressionRate: 0.05,
      },
      healthCheckIntervalMs: 60_000,
      metricDelayMs: DELAY_MS,
      bakeTimeoutMs: 1_800_000,
      timeoutMs: 3_600_000,
    },
    bed.dir,
  );

/** Runs the rollout under simulated load where both versions fail `background`, the new one `canaryErrors`. */
async function deployUnderLoad(functionName: string, canaryErrors: number) {
  await functionOnVersion1(bed.clients.lambda, functionName, handlers.ok('v1'));
  const load = bed.sandbox.simulateLoad({
    functionName,
    alias: 'live',
    ratePerSecond: 50,
    versions: { '1': { errorRate: 0.002 }, '2': { errorRate: canaryErrors } },
  });
  try {
    return await runDeploy(bed.clients, rollout(functionName, handlers.ok('v2')), undefined, clock);
  } finally {
    load.stop();
  }
}

describe('verdicts on CloudWatch data published 90 s late', () => {
  it('promotes a version as good as stable, after judging the minute that holds the end of the last bake', async () => {
    const run = await deployUnderLoad('steady-fn', 0.002);
    expect(run.error).toBeUndefined();
    expect(run.result?.status).toBe('promoted');
    const record = await readRecordFile(run.recordFile);
    const last = record.steps[1];
    if (!last) throw new Error(`expected two steps, the record has ${record.steps.length}`);
    expect(last.verdict).toBe('healthy');
    expect(last.reason).toMatch(
      /is within 0\.5%: the sequential test reached its healthy boundary at [\d,]+ invocations|^decided at the end of the schedule on [\d,]+ invocations: .* is within 0\.5%; /,
    );
    // The 10% step's invocations count at 50%: the verdict rests on more than the 50% step alone could give.
    expect(last.metrics!.invocations).toBeGreaterThan(record.steps[0]?.metrics?.invocations ?? 0);
    const dataEnds = [...run.logger.text().matchAll(/data to (\S+)\)/g)].map((m) => Date.parse(m[1] ?? ''));
    const bakeEnd = Date.parse(last.at) + 300_000;
    expect(Math.max(...dataEnds)).toBeGreaterThanOrEqual(bakeEnd);
    const alias = await bed.clients.lambda.send(
      new GetAliasCommand({ FunctionName: 'steady-fn', Name: 'live' }),
    );
    expect(alias.FunctionVersion).toBe('2');
  });

  it('rolls back a version failing 3% of requests, with the counts and the bound', async () => {
    const run = await deployUnderLoad('flaky-fn', 0.03);
    expect(run.error?.message).toMatch(
      /version 2 was rolled back to 1: step 10%: version 2 error rate [\d.]+% \([\d,]+ of [\d,]+ invocations\) is (above 0\.5%: the sequential test reached its unhealthy boundary|far above 0\.5%: its lower bound)/,
    );
    const record = await readRecordFile(run.recordFile);
    expect(record.status).toBe('rolled-back');
    expect(record.steps[0]).toMatchObject({ weight: 0.1, verdict: 'unhealthy' });
    const alias = await bed.clients.lambda.send(
      new GetAliasCommand({ FunctionName: 'flaky-fn', Name: 'live' }),
    );
    expect(alias.FunctionVersion).toBe('1');
    expect(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
  });
});

describe('compare-to-stable with a noisy stable version, at the action defaults', () => {
  // Stable fails 1% (a noisy downstream), 40 requests/s, 10%:3m,50%:3m, margin 0.5%, on-inconclusive wait and
  // bake-timeout twice the bake: the case where every healthy canary used to be rolled back as inconclusive.
  async function deployAgainstNoisyStable(functionName: string, canaryErrors: number, seed: number) {
    await functionOnVersion1(bed.clients.lambda, functionName, handlers.ok('v1'));
    const load = bed.sandbox.simulateLoad({
      functionName,
      alias: 'live',
      ratePerSecond: 40,
      versions: { '1': { errorRate: 0.01 }, '2': { errorRate: canaryErrors } },
      random: seededRandom(seed),
    });
    const compare = plan(
      {
        functionName,
        source: zipSource(handlers.ok('v2')),
        steps: [
          { weight: 0.1, bakeMs: 180_000 },
          { weight: 0.5, bakeMs: 180_000 },
        ],
        thresholds: {
          maxErrorRate: 0.005,
          minInvocations: 10,
          compareToStable: true,
          falseRollbackRate: 0.01,
          missedRegressionRate: 0.05,
        },
        healthCheckIntervalMs: 60_000,
        metricDelayMs: DELAY_MS,
        bakeTimeoutMs: undefined,
        timeoutMs: 3_600_000,
      },
      bed.dir,
    );
    try {
      return await runDeploy(bed.clients, compare, undefined, clock);
    } finally {
      load.stop();
    }
  }

  it('promotes a canary as good as stable, with the test that decided and its error rates in the record', async () => {
    const run = await deployAgainstNoisyStable('noisy-steady-fn', 0.01, 1);
    expect(run.error).toBeUndefined();
    expect(run.result?.status).toBe('promoted');
    const record = await readRecordFile(run.recordFile);
    const last = record.steps.at(-1);
    expect(last?.verdict).toBe('healthy');
    expect(last?.reason).toMatch(
      /against stable version 1 at [\d.]+% \([\d,]+ of [\d,]+\) in the same minutes is within the 0\.5% margin(: the sequential test reached its healthy boundary|; a canary as good as stable is rolled back with at most)/,
    );
  });

  it('rolls back a canary failing stable plus three margins', async () => {
    const run = await deployAgainstNoisyStable('noisy-broken-fn', 0.025, 2);
    expect(run.error?.message).toMatch(
      /^version 2 was rolled back to 1: step (10|50)%: (decided at the end of the schedule on [\d,]+ invocations: )?version 2 error rate [\d.]+% \([\d,]+ of [\d,]+ invocations\) against stable version 1 at [\d.]+% .* in the same minutes is (worse by more than the 0\.5% margin|far worse)/,
    );
    const alias = await bed.clients.lambda.send(
      new GetAliasCommand({ FunctionName: 'noisy-broken-fn', Name: 'live' }),
    );
    expect(alias.FunctionVersion).toBe('1');
  });
});
