import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { GetAliasCommand } from '@aws-sdk/client-lambda';
import { readRecordFile } from '@lambda-release-kit/core';
import { planEvidence, type EvidenceTarget } from '../src/evidence-plan.js';
import type { HealthThresholds } from '../src/plan.js';
import type { RolloutClock } from '../src/rollout-clock.js';
import {
  functionOnVersion1,
  handlers,
  plan,
  runDeploy,
  sandboxClock,
  servicePlan,
  startTestBed,
  zipSource,
  type TestBed,
} from './helpers.js';

const HOUR_MS = 3_600_000;
const gates = (overrides: Partial<HealthThresholds> = {}): HealthThresholds => ({
  maxErrorRate: 0.01,
  minInvocations: 10,
  compareToStable: false,
  falseRollbackRate: 0.01,
  missedRegressionRate: 0.05,
  ...overrides,
});
const target = (overrides: Partial<EvidenceTarget> = {}): EvidenceTarget => ({
  functionName: 'orders-api',
  steps: [
    { weight: 0.1, bakeMs: 180_000 },
    { weight: 0.5, bakeMs: 180_000 },
  ],
  thresholds: gates(),
  onInconclusive: 'wait',
  functionsInRelease: 1,
  ...overrides,
});
const lastHour = (perSecond: number, errorRate: number) => ({
  invocations: perSecond * 3600,
  errors: perSecond * 3600 * errorRate,
  windowMs: HOUR_MS,
});

describe('the evidence plan of one function', () => {
  it('says a busy API under compare-to-stable is expected to conclude, with the numbers', () => {
    const evidence = planEvidence(
      target({ thresholds: gates({ maxErrorRate: 0.005, compareToStable: true }) }),
      lastHour(40, 0.01),
    );
    expect(evidence.line).toBe(
      "orders-api: at ~40 requests/s, no canary traffic, 10%:3m,50%:3m gives ~4,300 canary invocations; a verdict within 0.5% of stable's 1% needs ~3,300: expected to conclude",
    );
    expect(evidence.outlook).toBe('expected');
    expect(evidence.advice).toBeUndefined();
  });

  it('plans a function without traffic as quiet: no verdict possible, and says what to set', () => {
    const evidence = planEvidence(target({ functionName: 'orders-worker' }), lastHour(0, 0));
    expect(evidence.outlook).toBe('impossible');
    expect(evidence.canaryInvocations).toBe(0);
    expect(evidence.line).toBe(
      'orders-worker: no invocations in the last hour (planned as quiet), no canary traffic, 10%:3m,50%:3m gives ~0 canary invocations; ' +
        'a verdict at the 1% gate, for a canary without errors, needs ~300: no verdict possible for orders-worker in this schedule',
    );
    // 296 invocations over 6 minutes of bake: 50 a minute is enough.
    expect(evidence.advice).toBe(
      'set canary-traffic: 50/m or more, or its own on-inconclusive (now wait: it waits up to the bake timeout for more evidence, then rolls back)',
    );
  });

  it('counts canary traffic for a quiet function, and suggests longer steps when users give some evidence', () => {
    const withTraffic = planEvidence(
      target({ canaryTraffic: { ratePerSecond: 1, payload: '{}' } }),
      lastHour(0.1, 0),
    );
    expect(withTraffic.outlook).toBe('expected');
    expect(withTraffic.fromCanaryTraffic).toBe(360);
    expect(withTraffic.line).toContain(
      'at ~0.1 requests/s plus canary traffic at 1/s, 10%:3m,50%:3m gives ~370 canary invocations (~360 of them canary traffic)',
    );
    const fewUsers = planEvidence(target({ onInconclusive: 'fail' }), lastHour(2, 0));
    expect(fewUsers.outlook).toBe('impossible');
    expect(fewUsers.advice).toBe(
      'set canary-traffic: 14/m or more, or steps baking ~9m in total, or its own on-inconclusive (now fail: the release is refused)',
    );
  });

  it('counts the samples a latency gate needs: p99 is judged from 300 invocations', () => {
    const traffic = { canaryTraffic: { ratePerSecond: 0.5, payload: '{}' } };
    // 180 invocations of canary traffic: enough for a 2% gate (146), not for a p99 gate (300).
    expect(
      planEvidence(target({ ...traffic, thresholds: gates({ maxErrorRate: 0.02 }) }), lastHour(0, 0)).outlook,
    ).toBe('expected');
    const withP99 = planEvidence(
      target({ ...traffic, thresholds: gates({ maxErrorRate: 0.02, maxP99LatencyMs: 800 }) }),
      lastHour(0, 0),
    );
    expect(withP99.outlook).toBe('impossible');
    expect(withP99.minimum).toBe(300);
  });

  it('says when a verdict is possible but unlikely, and when the stable version is above the gate itself', () => {
    const unlikely = planEvidence(target(), lastHour(3, 0.005));
    expect(unlikely.outlook).toBe('unlikely');
    expect(unlikely.line).toMatch(
      /needs ~[\d,]+: a verdict is unlikely \(it needs ~[\d,]+ at the very least\)$/,
    );
    expect(unlikely.minimum).toBeLessThan(unlikely.needed);
    const failing = planEvidence(target(), lastHour(40, 0.03));
    expect(failing.line).toContain("for a canary failing like stable's 3%, needs ~");
    expect(failing.line).toContain('(stable is above the gate: a canary like it is rolled back)');
  });
});

// The plan on the sandbox, with CloudWatch as it is (whole minutes, each readable 90 s after it ends) and an hour
// of traffic already recorded before the release. Time scale 60: nothing here waits for a bake.
const SCALE = 60;
let bed: TestBed;
let clock: RolloutClock;
jest.setTimeout(120_000);

beforeAll(async () => {
  bed = await startTestBed({ timeScale: SCALE, metricDelayMs: 90_000 });
  clock = sandboxClock(bed.sandbox);
});
afterAll(async () => {
  await bed.stop();
});

const schedule = {
  steps: [
    { weight: 0.1, bakeMs: 180_000 },
    { weight: 0.5, bakeMs: 180_000 },
  ],
  thresholds: gates(),
  healthCheckIntervalMs: 60_000,
  metricDelayMs: 120_000,
  bakeTimeoutMs: 600_000,
  timeoutMs: 3_600_000,
};

describe('the evidence plan before any traffic moves', () => {
  it('reads every alias in one GetMetricData call and prints each function’s outlook in the dry run', async () => {
    await functionOnVersion1(bed.clients.lambda, 'busy-api', handlers.ok('v1'));
    await functionOnVersion1(bed.clients.lambda, 'idle-worker', handlers.ok('v1'));
    const users = bed.sandbox.simulateLoad({
      functionName: 'busy-api',
      alias: 'live',
      ratePerSecond: 40,
      // More than the hour the plan reads, which ends at the last published minute.
      historyMs: 2 * HOUR_MS,
      versions: { '1': { errorRate: 0.002 } },
    });
    users.stop();
    bed.sandbox.clearRequestLog();
    const run = await runDeploy(
      bed.clients,
      servicePlan(
        [
          { functionName: 'busy-api', source: zipSource(handlers.ok('v2')) },
          { functionName: 'idle-worker', source: zipSource(handlers.ok('v2')) },
        ],
        { ...schedule, dryRun: true },
        bed.dir,
      ),
      undefined,
      clock,
    );
    expect(run.error).toBeUndefined();
    const reads = bed.sandbox.requestLog().filter((entry) => entry.operation === 'GetMetricData');
    expect(reads).toHaveLength(1);
    const lines = run.result?.planLines ?? [];
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^Evidence: busy-api: at ~40 requests\/s, no canary traffic, 10%:3m,50%:3m gives ~4,300 canary invocations; a verdict at the 1% gate, for a canary failing like stable's 0\.\d+%, needs ~\d+: expected to conclude$/,
      ),
    );
    expect(lines).toContainEqual(
      expect.stringMatching(
        /^Evidence: idle-worker: no invocations in the last hour \(planned as quiet\).*no verdict possible for idle-worker in this schedule; set canary-traffic: 50\/m or more/,
      ),
    );
    expect(run.logger.text()).toMatch(/warning.*no verdict possible for idle-worker/i);
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
  });

  it('refuses before publishing anything when a function that cannot conclude has on-inconclusive fail', async () => {
    await functionOnVersion1(bed.clients.lambda, 'strict-worker', handlers.ok('v1'));
    bed.sandbox.clearRequestLog();
    const run = await runDeploy(
      bed.clients,
      plan(
        {
          functionName: 'strict-worker',
          source: zipSource(handlers.ok('v2')),
          ...schedule,
          onInconclusive: 'fail',
        },
        bed.dir,
      ),
      undefined,
      clock,
    );
    expect(run.error?.message).toMatch(
      /^refused before any change: on-inconclusive is fail and no verdict is expected — strict-worker: .*no verdict possible for strict-worker in this schedule; set canary-traffic: 50\/m or more/,
    );
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    const record = await readRecordFile(run.recordFile);
    expect(record.status).toBe('failed');
    expect(record.functions[0].target).toBeUndefined();
    const alias = await bed.clients.lambda.send(
      new GetAliasCommand({ FunctionName: 'strict-worker', Name: 'live' }),
    );
    expect(alias.FunctionVersion).toBe('1');
  });

  it('lets the same function start when canary traffic gives it the evidence', async () => {
    await functionOnVersion1(bed.clients.lambda, 'strict-with-traffic', handlers.ok('v1'));
    const run = await runDeploy(
      bed.clients,
      plan(
        {
          functionName: 'strict-with-traffic',
          source: zipSource(handlers.ok('v2')),
          ...schedule,
          onInconclusive: 'fail',
          canaryTraffic: { ratePerSecond: 1, payload: '{}' },
          dryRun: true,
        },
        bed.dir,
      ),
      undefined,
      clock,
    );
    expect(run.error).toBeUndefined();
    expect(run.result?.planLines).toContainEqual(
      expect.stringMatching(
        /^Evidence: strict-with-traffic: no invocations in the last hour \(planned as quiet\) plus canary traffic at 1\/s, .*: expected to conclude$/,
      ),
    );
    expect(run.result?.planLines).toContainEqual(
      'Canary traffic: Invoke strict-with-traffic Qualifier 2 at 1/s with the event {} during every bake, stopped before promotion or restore',
    );
  });

  it('goes on without a plan, saying so, when CloudWatch cannot be read before the release', async () => {
    await functionOnVersion1(bed.clients.lambda, 'unplanned-fn', handlers.ok('v1'));
    bed.sandbox.faults.add({ service: 'cloudwatch', operation: 'GetMetricData', kind: 'conflict', times: 1 });
    const run = await runDeploy(
      bed.clients,
      plan(
        {
          functionName: 'unplanned-fn',
          source: zipSource(handlers.ok('v2')),
          ...schedule,
          onInconclusive: 'fail',
          dryRun: true,
        },
        bed.dir,
      ),
      undefined,
      clock,
    );
    bed.sandbox.faults.clear();
    expect(run.error).toBeUndefined();
    expect(run.result?.status).toBe('planned');
    expect(run.logger.text()).toMatch(
      /no evidence plan: reading the aliases' last hour from CloudWatch failed \(.*injected fault.*\)/,
    );
    expect(run.result?.planLines?.some((line) => line.startsWith('Evidence:'))).toBe(false);
  });
});
