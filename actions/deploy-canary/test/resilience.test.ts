import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { SetAlarmStateCommand } from '@aws-sdk/client-cloudwatch';
import { GetAliasCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { readRecordFile } from '@lambda-release-kit/core';
import { zipFunction } from '@lambda-release-kit/sandbox';
import {
  deployUnderTraffic,
  functionOnVersion1,
  handlers,
  plan,
  sandboxClients,
  startTestBed,
  zipSource,
  type TestBed,
} from './helpers.js';

// Verdicts wait on evidence (up to the plans' bake timeout) rather than on a fixed bake: allow a slow machine.
jest.setTimeout(90_000);

let bed: TestBed;
let lambda: LambdaClient;
beforeAll(async () => {
  bed = await startTestBed({
    alarms: [
      {
        name: 'alarmed-fn-errors',
        metricName: 'Errors',
        dimensions: { FunctionName: 'alarmed-fn' },
        statistic: 'Sum',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 1000,
        periodSeconds: 60,
        evaluationPeriods: 1,
      },
    ],
  });
  lambda = bed.clients.lambda;
});
afterAll(async () => {
  await bed.stop();
});

const aliasOf = (name: string) => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));

/**
 * Resolves once the alias routes some weight to `version`. The deadline is generous on purpose: publishing takes
 * as long as the machine makes it, and only the evidence (the alias's routing) ends the wait early.
 */
async function untilCanaryRuns(name: string, version: string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if ((await aliasOf(name)).RoutingConfig?.AdditionalVersionWeights?.[version]) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`the canary of ${name} never started within 60 s`);
}

describe('resilience', () => {
  it('restores the alias when the workflow is cancelled mid-rollout', async () => {
    await functionOnVersion1(lambda, 'cancel-fn', handlers.ok('v1'));
    const controller = new AbortController();
    const running = deployUnderTraffic(
      bed,
      plan(
        {
          functionName: 'cancel-fn',
          source: zipSource(handlers.ok('v2')),
          steps: [{ weight: 0.25, bakeMs: 30_000 }],
        },
        bed.dir,
      ),
      { signal: controller.signal, pauseMs: 10 },
    );
    await untilCanaryRuns('cancel-fn', '2');
    controller.abort('received SIGTERM');
    const run = await running;
    expect(run.error?.message).toMatch(
      /cancelled \(received SIGTERM\); alias live was rolled back to version 1/,
    );
    const alias = await aliasOf('cancel-fn');
    expect(alias.FunctionVersion).toBe('1');
    expect(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
    const record = await readRecordFile(run.recordFile);
    expect(record.status).toBe('rolled-back');
    expect(record.rollbacks[0]).toMatchObject({
      from: '2',
      to: '1',
      method: 'alias',
      reason: 'cancelled (received SIGTERM)',
    });
  });

  it('retries throttled Lambda and CloudWatch calls and still promotes', async () => {
    await functionOnVersion1(lambda, 'throttled-fn', handlers.ok('v1'));
    bed.sandbox.faults.add({ service: 'lambda', operation: 'PublishVersion', kind: 'throttle', times: 1 });
    bed.sandbox.faults.add({ service: 'lambda', operation: 'UpdateAlias', kind: 'throttle', times: 1 });
    bed.sandbox.faults.add({ service: 'cloudwatch', operation: 'GetMetricData', kind: 'throttle', times: 1 });
    bed.sandbox.clearRequestLog();
    // Own clients: the adaptive retry mode slows a client down after throttling, which would leak into other tests.
    const clients = sandboxClients(bed.sandbox);
    const run = await deployUnderTraffic(
      { ...bed, clients },
      plan(
        {
          functionName: 'throttled-fn',
          source: zipSource(handlers.ok('v2')),
          steps: [{ weight: 0.5, bakeMs: 700 }],
          // This test is about retries, not the sample size: on a loaded machine the adaptive back-off after the
          // throttled GetMetricData can leave fewer than min-invocations in a 700 ms bake.
          onInconclusive: 'promote',
        },
        bed.dir,
      ),
    ).finally(() => clients.destroy());
    expect(run.error).toBeUndefined();
    expect(run.result?.status).toBe('promoted');
    const throttled = bed.sandbox.requestLog().filter((entry) => entry.fault === 'throttle');
    expect(throttled.map((entry) => entry.operation).sort()).toEqual([
      'GetMetricData',
      'PublishVersion',
      'UpdateAlias',
    ]);
  });

  it('rolls back when a gating alarm goes into ALARM', async () => {
    await functionOnVersion1(lambda, 'alarmed-fn', handlers.ok('v1'));
    const running = deployUnderTraffic(
      bed,
      plan(
        {
          functionName: 'alarmed-fn',
          source: zipSource(handlers.ok('v2')),
          steps: [{ weight: 0.2, bakeMs: 10_000 }],
          alarms: ['alarmed-fn-errors'],
        },
        bed.dir,
      ),
    );
    await untilCanaryRuns('alarmed-fn', '2');
    await bed.clients.cloudwatch.send(
      new SetAlarmStateCommand({
        AlarmName: 'alarmed-fn-errors',
        StateValue: 'ALARM',
        StateReason: 'paged by on-call',
      }),
    );
    const run = await running;
    expect(run.error?.message).toMatch(/alarm alarmed-fn-errors \(paged by on-call\) is in ALARM/);
    expect((await aliasOf('alarmed-fn')).FunctionVersion).toBe('1');
  });

  it('compare-to-stable judges the canary against the stable version in the same window', async () => {
    // Both versions fail every request: absolutely unhealthy, but no worse than what runs today.
    const failing = (label: string) =>
      zipFunction({
        'index.mjs': `export const handler = async () => { throw new Error(${JSON.stringify(label)}); };`,
      });
    await functionOnVersion1(lambda, 'legacy-fn', failing('v1'));
    const run = await deployUnderTraffic(
      bed,
      plan(
        {
          functionName: 'legacy-fn',
          source: zipSource(failing('v2')),
          steps: [{ weight: 0.5, bakeMs: 700 }],
          // A 10% margin: showing "no worse than stable" then takes about a hundred invocations of each version,
          // which the rollout waits for (on-inconclusive wait, up to the bake timeout) however slow the machine.
          thresholds: {
            maxErrorRate: 0.1,
            minInvocations: 5,
            compareToStable: true,
            falseRollbackRate: 0.01,
            missedRegressionRate: 0.05,
          },
        },
        bed.dir,
      ),
    );
    expect(run.error).toBeUndefined();
    const record = await readRecordFile(run.recordFile);
    expect(record.steps[0]).toMatchObject({ verdict: 'healthy' });
    expect(record.steps[0]?.metrics).toMatchObject({ errorRate: 1, stableErrorRate: 1 });
    expect(record.steps[0]?.reason).toMatch(
      /^version 2 error rate 100% \([\d,]+ of [\d,]+ invocations\) against stable version 1 at 100% \([\d,]+ of [\d,]+\) in the same minutes is within the 10% margin: the sequential test reached its healthy boundary at [\d,]+ invocations/,
    );
  });
});
