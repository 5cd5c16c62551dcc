import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { readRecordFile } from '@lambda-release-kit/core';
import {
  deployUnderTraffic,
  functionOnVersion1,
  handlers,
  plan,
  startTestBed,
  zipSource,
  type TestBed,
} from './helpers.js';

// Verdicts wait on evidence (up to the plans' bake timeout) rather than on a fixed bake: allow a slow machine.
jest.setTimeout(90_000);

// Time scale 1: the rollout waits in real time and CloudWatch answers in the same (real) time.
let bed: TestBed;
beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(async () => {
  await bed.stop();
});

async function aliasOf(name: string) {
  return bed.clients.lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
}

describe('alias-weights canary', () => {
  it('promotes a healthy version step by step and records each step with its metrics', async () => {
    await functionOnVersion1(bed.clients.lambda, 'healthy-fn', handlers.ok('v1'));
    const run = await deployUnderTraffic(
      bed,
      plan(
        {
          functionName: 'healthy-fn',
          source: zipSource(handlers.ok('v2')),
          steps: [
            { weight: 0.2, bakeMs: 700 },
            { weight: 0.5, bakeMs: 700 },
          ],
        },
        bed.dir,
      ),
    );
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ status: 'promoted', previousVersion: '1', newVersion: '2' });
    const alias = await aliasOf('healthy-fn');
    expect(alias.FunctionVersion).toBe('2');
    expect(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});

    const record = await readRecordFile(run.recordFile);
    expect(record.status).toBe('promoted');
    expect(record.functions[0].previous).toMatchObject({ version: '1' });
    expect(record.functions[0].target).toMatchObject({ version: '2' });
    // The 20% step may end without a verdict: its evidence carries over to the 50% step, which must conclude.
    expect(record.steps.map((s) => s.weight)).toEqual([0.2, 0.5]);
    expect(record.steps[1]?.verdict).toBe('healthy');
    expect(record.steps[1]?.reason).toMatch(
      /^version 2 error rate 0% \(0 of [\d,]+ invocations\) is within 10%: the sequential test reached its healthy boundary at [\d,]+ invocations \(one at 20% gets there with at most 5% probability\)/,
    );
    const [first, last] = record.steps.map((s) => s.metrics!.invocations!);
    expect(last).toBeGreaterThanOrEqual(first ?? Infinity);
    expect(record.steps[1]?.metrics?.errors).toBe(0);
  });

  it('rolls a failing version back within one health-check interval, with the reason and the numbers', async () => {
    await functionOnVersion1(bed.clients.lambda, 'broken-fn', handlers.ok('v1'));
    const run = await deployUnderTraffic(
      bed,
      plan(
        {
          functionName: 'broken-fn',
          source: zipSource(handlers.failing()),
          // A bake far longer than the test may run: only the early looks can have rolled it back.
          steps: [{ weight: 0.3, bakeMs: 600_000 }],
          healthCheckIntervalMs: 400,
        },
        bed.dir,
      ),
    );
    expect(run.error?.message).toMatch(
      /version 2 was rolled back to 1: step 30%: version 2 error rate 100% \([\d,]+ of [\d,]+ invocations\) is (far above 10%: its lower bound \d+% at [\d.]+% confidence is above 20%, twice the gate|above 10%: the sequential test reached its unhealthy boundary)/,
    );
    const alias = await aliasOf('broken-fn');
    expect(alias.FunctionVersion).toBe('1');
    expect(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
    const record = await readRecordFile(run.recordFile);
    expect(record.status).toBe('rolled-back');
    expect(record.steps[0]).toMatchObject({ weight: 0.3, verdict: 'unhealthy' });
    expect(record.rollbacks[0]).toMatchObject({ from: '2', to: '1', method: 'alias' });
  });

  it('rolls back a version whose p95 latency is above the limit', async () => {
    await functionOnVersion1(bed.clients.lambda, 'slow-fn', handlers.ok('v1'));
    const run = await deployUnderTraffic(
      bed,
      plan(
        {
          functionName: 'slow-fn',
          source: zipSource(handlers.slow(120)),
          steps: [{ weight: 0.5, bakeMs: 1500 }],
          thresholds: {
            maxErrorRate: 0.01,
            maxP95LatencyMs: 60,
            minInvocations: 4,
            compareToStable: false,
            falseRollbackRate: 0.01,
            missedRegressionRate: 0.05,
          },
          healthCheckIntervalMs: 500,
        },
        bed.dir,
      ),
    );
    expect(run.error?.message).toMatch(
      /version 2 p95 latency \d+ ms \(over \d+ invocations\) is above 60 ms/,
    );
    expect((await aliasOf('slow-fn')).FunctionVersion).toBe('1');
    expect(run.result).toBeUndefined();
  });

  it('refuses a schedule that cannot conclude under on-inconclusive fail, and promotes it under promote', async () => {
    await functionOnVersion1(bed.clients.lambda, 'quiet-fn', handlers.ok('v1'));
    const quiet = plan(
      {
        functionName: 'quiet-fn',
        source: zipSource(handlers.ok('v2')),
        steps: [{ weight: 0.1, bakeMs: 600 }],
        thresholds: {
          maxErrorRate: 0.01,
          minInvocations: 1000,
          compareToStable: false,
          falseRollbackRate: 0.01,
          missedRegressionRate: 0.05,
        },
        onInconclusive: 'fail',
      },
      bed.dir,
    );
    // No traffic in the last hour and 600 ms of bake cannot give 1000 invocations: refused before any change.
    const refused = await deployUnderTraffic(bed, quiet, { pauseMs: 20 });
    expect(refused.error?.message).toMatch(
      /^refused before any change: on-inconclusive is fail and no verdict is expected — quiet-fn: .*needs ~1,000: no verdict possible for quiet-fn in this schedule/,
    );
    expect((await aliasOf('quiet-fn')).FunctionVersion).toBe('1');

    const promoted = await deployUnderTraffic(bed, { ...quiet, onInconclusive: 'promote' }, { pauseMs: 20 });
    expect(promoted.error).toBeUndefined();
    expect(promoted.result?.status).toBe('promoted');
    expect(promoted.logger.text()).toMatch(/going on because on-inconclusive is promote/);
  });
});
