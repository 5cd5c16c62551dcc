import { describe, expect, it } from '@jest/globals';
import { formatPercent } from '@lambda-release-kit/core';
import { lowerBound, upperBound } from '../src/binomial-bounds.js';
import { lookAlpha, plannedLooks } from '../src/check-schedule.js';
import { judgeHealth, type HealthEvidence, type Look, type LookStage } from '../src/health.js';
import type { VersionMetrics } from '../src/metrics.js';
import type { HealthThresholds } from '../src/plan.js';
import { expectedInvocations, invocationsForTruncatedDecision } from '../src/sequential-test.js';
import { VerdictHistory } from '../src/verdict-history.js';
import { seededRandom } from './helpers.js';

const gates: HealthThresholds = {
  maxErrorRate: 0.005,
  maxP95LatencyMs: 2000,
  minInvocations: 10,
  compareToStable: false,
  falseRollbackRate: 0.01,
  missedRegressionRate: 0.05,
};
const version = (over: Partial<VersionMetrics>): VersionMetrics => ({
  version: '8',
  invocations: 1000,
  errors: 0,
  throttles: 0,
  p95Ms: 50,
  p99Ms: 80,
  ...over,
});
const evidence = (canary: Partial<VersionMetrics>, stable?: Partial<VersionMetrics>): HealthEvidence => ({
  canary: version(canary),
  stable: stable ? version({ version: '7', ...stable }) : undefined,
  alarms: [],
  windowMs: 500_000,
});
/** A look during the bake of a single-function release, on new data. */
const look = (over: Partial<Look> = {}): Look => ({
  stage: 'bake',
  falseRollbackRate: 0.01,
  catastropheAlpha: 0.001,
  onInconclusive: 'wait',
  perSecond: 2,
  carried: {},
  ...over,
});

describe('exact binomial bounds', () => {
  it('match the closed forms at zero and all failures', () => {
    // 0 of n: upper bound 1 - alpha^(1/n); n of n: lower bound alpha^(1/n).
    expect(upperBound(0, 100, 0.05)).toBeCloseTo(1 - 0.05 ** (1 / 100), 9);
    expect(lowerBound(5, 5, 0.005)).toBeCloseTo(0.005 ** (1 / 5), 9);
    expect(lowerBound(0, 100, 0.05)).toBe(0);
    expect(upperBound(100, 100, 0.05)).toBe(1);
  });

  it('match a published Clopper–Pearson interval (1 of 53, one-sided 95%)', () => {
    expect(lowerBound(1, 53, 0.05)).toBeCloseTo(0.000967, 5);
    expect(upperBound(1, 53, 0.05)).toBeCloseTo(0.0864, 3);
  });
});

describe('verdict at the boundaries', () => {
  it('zero errors over enough invocations is healthy at the sequential test’s boundary, with its error rate', () => {
    const j = judgeHealth(evidence({ invocations: 3000 }), gates, look());
    expect(j.verdict).toBe('healthy');
    expect(j.reason).toBe(
      'version 8 error rate 0% (0 of 3,000 invocations) is within 0.5%: the sequential test reached its healthy boundary ' +
        'at 3,000 invocations (one at 1% gets there with at most 5% probability), p95 50 ms',
    );
    expect(j.carried).toEqual({ healthyAt: 3000 });
  });

  it('one error in the first 53 invocations is not a rollback (the false rollbacks of the old rule)', () => {
    const j = judgeHealth(evidence({ invocations: 53, errors: 1 }), gates, look());
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toContain(
      'version 8 error rate 1.9% (1 of 53 invocations): no verdict yet, the sequential test is between its boundaries; ',
    );
  });

  it('a canary exactly at the gate is never rolled back by the sequential test, and is promoted on enough evidence', () => {
    for (const invocations of [200, 2000, 20_000, 200_000]) {
      const j = judgeHealth(evidence({ invocations, errors: invocations * 0.005 }), gates, look());
      expect(j.verdict).not.toBe('unhealthy');
    }
    expect(judgeHealth(evidence({ invocations: 20_000, errors: 100 }), gates, look()).verdict).toBe(
      'healthy',
    );
  });

  it('all errors is unhealthy at the first look with a handful of invocations (the catastrophe fast path)', () => {
    const first = lookAlpha(1, 10, 0.01 / 4);
    const j = judgeHealth(evidence({ invocations: 4, errors: 4 }), gates, look({ catastropheAlpha: first }));
    expect(j.verdict).toBe('unhealthy');
    expect(j.reason).toMatch(
      /^version 8 error rate 100% \(4 of 4 invocations\) is far above 0\.5%: its lower bound \d+% at [\d.]+% confidence is above 1%, twice the gate$/,
    );
  });

  it('errors well above the gate reach the unhealthy boundary, which states its false-rollback rate', () => {
    const j = judgeHealth(evidence({ invocations: 1000, errors: 20 }), gates, look({ catastropheAlpha: 0 }));
    expect(j.reason).toBe(
      'version 8 error rate 2% (20 of 1,000 invocations) is above 0.5%: the sequential test reached its unhealthy boundary ' +
        '(a canary at 0.5% gets there with at most 0.5% probability)',
    );
  });

  it('no traffic is inconclusive, and says so', () => {
    expect(judgeHealth(evidence({ invocations: 0, p95Ms: null, p99Ms: null }), gates, look())).toMatchObject({
      verdict: 'inconclusive',
      reason: 'no published invocations of version 8 yet',
    });
  });

  it('says how many more invocations a verdict needs and how long that takes at the current rate', () => {
    const j = judgeHealth(evidence({ invocations: 1000, errors: 6 }), gates, look({ perSecond: 2 }));
    expect(j.verdict).toBe('inconclusive');
    const gate = {
      maxErrorRate: 0.005,
      compareToStable: false,
      falseRollbackRate: 0.01,
      missedRegressionRate: 0.05,
    };
    // The sequential test's average need at the 0.6% seen so far, as the evidence plan counts it.
    const expected = expectedInvocations(gate, 0.006);
    expect(expected).toBeLessThan(invocationsForTruncatedDecision(gate));
    const minutes = Math.ceil((expected - 1000) / 2 / 60);
    const shown = Number((expected - 1000).toPrecision(2)).toLocaleString('en-US');
    expect(j.reason).toContain(
      `about ${shown} more invocations of version 8 are expected to reach a verdict at the error rate seen so far: ` +
        `about ${minutes} minutes at the current 2/s`,
    );
    expect(j.metrics.invocationsForVerdict).toBe(invocationsForTruncatedDecision(gate));
  });

  it('once the sequential need is behind, says what the end of the schedule needs to decide', () => {
    // 36 errors in 5,000 at a 0.5% gate: still between the boundaries after the average need at 0.72% (~4,500).
    const j = judgeHealth(evidence({ invocations: 5000, errors: 36 }), gates, look({ perSecond: 2 }));
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(
      /about [\d,]+ more invocations of version 8 decide it with both error rates kept: about \d+ minutes at the current 2\/s$/,
    );
  });

  it('judges p95 only from 60 invocations', () => {
    const few = judgeHealth(
      evidence({ invocations: 59, p95Ms: 5000 }),
      { ...gates, maxErrorRate: 0.2 },
      look(),
    );
    expect(few.verdict).toBe('inconclusive');
    expect(few.reason).toContain('p95 latency is judged from 60 invocations (59 so far)');
    const enough = judgeHealth(evidence({ invocations: 60, p95Ms: 5000 }), gates, look());
    expect(enough).toMatchObject({
      verdict: 'unhealthy',
      reason: 'version 8 p95 latency 5000 ms (over 60 invocations) is above 2000 ms',
    });
  });

  it('with compare-to-stable, a stable version with errors sets the baseline, plus the margin', () => {
    const compare = { ...gates, compareToStable: true };
    // Both at 5%: absolutely far above 0.5%, but no worse than what runs today.
    const same = judgeHealth(
      evidence({ invocations: 20_000, errors: 1000 }, { invocations: 80_000, errors: 4000 }),
      compare,
      look(),
    );
    expect(same.verdict).not.toBe('unhealthy');
    const worse = judgeHealth(
      evidence({ invocations: 20_000, errors: 1400 }, { invocations: 80_000, errors: 4000 }),
      compare,
      look({ catastropheAlpha: 0 }),
    );
    expect(worse.verdict).toBe('unhealthy');
    expect(worse.reason).toBe(
      'version 8 error rate 7% (1,400 of 20,000 invocations) against stable version 7 at 5% (4,000 of 80,000) in the same minutes ' +
        'is worse by more than the 0.5% margin: the sequential test reached its unhealthy boundary ' +
        '(a canary as good as stable gets there with at most 0.5% probability)',
    );
    const fast = judgeHealth(
      evidence({ invocations: 20_000, errors: 1400 }, { invocations: 80_000, errors: 4000 }),
      compare,
      look(),
    );
    expect(fast.reason).toMatch(
      /in the same minutes is far worse: the difference is at least 1\.\d+% at [\d.]+% confidence, above the 0\.5% margin$/,
    );
    const good = judgeHealth(
      evidence({ invocations: 100_000, errors: 4800 }, { invocations: 400_000, errors: 20_000 }),
      compare,
      look(),
    );
    expect(good.verdict).toBe('healthy');
  });

  it('with compare-to-stable, a latency above the gate that stable shows too is not blamed on the canary', () => {
    const compare = { ...gates, compareToStable: true };
    const slowAlike = judgeHealth(
      evidence({ invocations: 3000, p95Ms: 2500 }, { invocations: 12_000, p95Ms: 2600 }),
      compare,
      look(),
    );
    expect(slowAlike.verdict).toBe('healthy');
    const slower = judgeHealth(
      evidence({ invocations: 3000, p95Ms: 2500 }, { invocations: 12_000, p95Ms: 900 }),
      compare,
      look(),
    );
    expect(slower).toMatchObject({
      verdict: 'unhealthy',
      reason:
        "version 8 p95 latency 2500 ms (over 3000 invocations) is above 2000 ms and stable version 7's 900 ms",
    });
    // Without comparison the gate alone decides.
    expect(judgeHealth(evidence({ invocations: 3000, p95Ms: 2500 }), gates, look()).verdict).toBe(
      'unhealthy',
    );
  });

  it('an alarm in ALARM is unhealthy whatever the metrics', () => {
    const j = judgeHealth(
      { ...evidence({}), alarms: [{ name: 'api-5xx', state: 'ALARM', reason: 'Threshold Crossed' }] },
      gates,
      look(),
    );
    expect(j).toMatchObject({
      verdict: 'unhealthy',
      reason: 'alarm api-5xx (Threshold Crossed) is in ALARM',
    });
  });
});

describe('truncated decision at the end of the schedule', () => {
  it('promotes a clean sample the sequential test left open, stating both error rates at this n', () => {
    // 14 of 2,500: the sequential test is between its boundaries; the exact test at 0.25% does not reject.
    const bake = judgeHealth(evidence({ invocations: 2500, errors: 14 }), gates, look());
    expect(bake.verdict).toBe('inconclusive');
    const end = judgeHealth(evidence({ invocations: 2500, errors: 14 }), gates, look({ stage: 'deadline' }));
    expect(end.verdict).toBe('healthy');
    expect(end.reason).toMatch(
      /^decided at the end of the schedule on 2,500 invocations: version 8 error rate 0\.56% \(14 of 2,500 invocations\) is within 0\.5%; a canary at 0\.5% is rolled back with at most 0\.\d+% probability, one at 1% would be promoted with \d+% probability; 5% needs ~[\d,]+, p95 50 ms$/,
    );
    expect(end.carried?.truncated?.state).toBe('healthy');
  });

  it('rolls back a sample above the exact critical count', () => {
    const j = judgeHealth(
      evidence({ invocations: 2500, errors: 24 }),
      gates,
      look({ stage: 'deadline', catastropheAlpha: 0 }),
    );
    expect(j.verdict).toBe('unhealthy');
    expect(j.reason).toMatch(/^decided at the end of the schedule on 2,500 invocations: .* is above 0\.5%; /);
  });

  it('too few invocations to mean anything stay inconclusive: a canary worse by the margin would likely pass', () => {
    const j = judgeHealth(
      evidence({ invocations: 300, errors: 1 }),
      gates,
      look({ stage: 'deadline', perSecond: 0.1 }),
    );
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(
      /^no verdict at the end of the schedule on 300 invocations: .*; one at 1% would be promoted with \d+% probability at this sample, more than half; about [\d,]+ more invocations of version 8 are expected to reach a verdict at the error rate seen so far: about \d+ minutes at the current 0\.1\/s$/,
    );
  });

  it('under wait, decides before the deadline only once the sample keeps both error rates; under fail, at once', () => {
    const sample = evidence({ invocations: 2500, errors: 14 });
    expect(judgeHealth(sample, gates, look({ stage: 'end' })).verdict).toBe('inconclusive');
    expect(judgeHealth(sample, gates, look({ stage: 'end', onInconclusive: 'fail' })).verdict).toBe(
      'healthy',
    );
    const needed = invocationsForTruncatedDecision({ ...gates, compareToStable: false });
    expect(
      judgeHealth(
        evidence({ invocations: needed, errors: Math.round(needed * 0.004) }),
        gates,
        look({ stage: 'end' }),
      ).verdict,
    ).toBe('healthy');
  });
});

describe('catastrophe fast path spending', () => {
  it('spends at most its budget over any number of looks', () => {
    const planned = plannedLooks({
      steps: [
        { weight: 0.1, bakeMs: 300_000 },
        { weight: 0.5, bakeMs: 300_000 },
      ],
      healthCheckIntervalMs: 60_000,
      metricDelayMs: 90_000,
    });
    // 5 + 5 looks in the bakes, 3 while the last minutes are published (60 s + 90 s), 1 before promotion.
    expect(planned).toBe(14);
    let total = 0;
    for (let look = 1; look <= 1000; look++) total += lookAlpha(look, planned, 0.0025);
    expect(total).toBeLessThanOrEqual(0.0025);
  });

  it('a look on the same data spends nothing', () => {
    const budget = 0.01 / 4;
    const history = new VerdictHistory(14, 0.01, 'wait');
    history.judge(evidence({ invocations: 40 }), 60_000, gates, 'bake');
    history.judge(evidence({ invocations: 40 }), 60_000, gates, 'bake');
    const broken = history.judge(evidence({ invocations: 80, errors: 40 }), 120_000, gates, 'bake');
    // The second look with new data spends the second share, whatever was looked at in between.
    const alpha = lookAlpha(2, 14, budget) / 2;
    expect(broken.reason).toContain(`at ${formatPercent(1 - alpha, { significant: 4 })} confidence`);
  });
});

describe('estimates at the current rate', () => {
  it('use the invocations between the last two looks’ data ends, not the average since the first step', () => {
    const history = new VerdictHistory(14, 0.01, 'wait');
    const at = (invocations: number, errors: number) => ({
      ...evidence({ invocations, errors }),
      windowMs: 600_000,
    });
    history.judge(at(600, 4), 540_000, gates, 'bake');
    // 900 more in the last minute: 15/s now, although the whole window averages 2.5/s.
    const j = history.judge(at(1500, 9), 600_000, gates, 'bake');
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toMatch(
      /more invocations of version 8 are expected to reach a verdict at the error rate seen so far: about \d+ minutes? at the current 15\/s$/,
    );
  });
});

/** Errors among `served` invocations failing with probability `rate` each. */
function failures(random: () => number, served: number, rate: number): number {
  if (rate <= 0) return 0;
  // Geometric gaps between failures: as exact as one draw per invocation, and n·p draws instead of n.
  let errors = 0;
  for (let at = Math.floor(Math.log(1 - random()) / Math.log1p(-rate)); at < served; errors++) {
    at += 1 + Math.floor(Math.log(1 - random()) / Math.log1p(-rate));
  }
  return errors;
}

interface Rollout {
  perSecond: number;
  steps: { weight: number; minutes: number }[];
  canaryRate: number;
  /** compare-to-stable against a stable version failing at this rate. */
  stableRate?: number;
}

/**
 * A rollout as the action judges it, without wall time: a look per published minute on the evidence accumulated
 * from the first minute, the last one the end of the schedule; the first unhealthy look rolls back.
 */
function simulateRollout(
  random: () => number,
  rollout: Rollout,
): 'promoted' | 'rolled-back' | 'inconclusive' {
  const thresholds = {
    ...gates,
    maxP95LatencyMs: undefined,
    compareToStable: rollout.stableRate !== undefined,
  };
  const history = new VerdictHistory(14, thresholds.falseRollbackRate, 'wait');
  const minutes = rollout.steps.flatMap((step) => Array.from({ length: step.minutes }, () => step.weight));
  const canary = version({ invocations: 0, p95Ms: 80 });
  const stable = version({ version: '7', invocations: 0, p95Ms: 80 });
  for (const [index, weight] of minutes.entries()) {
    const served = Math.round(rollout.perSecond * 60 * weight);
    canary.invocations += served;
    canary.errors += failures(random, served, rollout.canaryRate);
    if (rollout.stableRate !== undefined) {
      stable.invocations += rollout.perSecond * 60 - served;
      stable.errors += failures(random, rollout.perSecond * 60 - served, rollout.stableRate);
    }
    const stage: LookStage = index === minutes.length - 1 ? 'deadline' : 'bake';
    const evidence: HealthEvidence = {
      canary: { ...canary },
      stable: rollout.stableRate !== undefined ? { ...stable } : undefined,
      alarms: [],
      windowMs: (index + 1) * 60_000,
    };
    const { verdict } = history.judge(evidence, (index + 1) * 60_000, thresholds, stage);
    if (verdict === 'unhealthy') return 'rolled-back';
    if (stage === 'deadline') return verdict === 'healthy' ? 'promoted' : 'inconclusive';
  }
  return 'inconclusive';
}

const tally = (random: () => number, runs: number, rollout: Rollout) => {
  const outcomes = { promoted: 0, 'rolled-back': 0, inconclusive: 0 };
  for (let run = 0; run < runs; run++) outcomes[simulateRollout(random, rollout)]++;
  return outcomes;
};

describe('seeded simulation of whole rollouts', () => {
  const absolute = (canaryRate: number): Rollout => ({
    perSecond: 50,
    steps: [
      { weight: 0.1, minutes: 5 },
      { weight: 0.5, minutes: 5 },
    ],
    canaryRate,
  });

  it('absolute gate: promotes canaries at the gate but for the false-rollback rate, catches twice the gate but for the missed-regression rate', () => {
    const random = seededRandom(4);
    const atGate = tally(random, 300, absolute(gates.maxErrorRate));
    expect(atGate['rolled-back']).toBeLessThanOrEqual(6);
    expect(atGate.inconclusive).toBe(0);
    const twice = tally(random, 200, absolute(2 * gates.maxErrorRate));
    expect(twice.promoted).toBeLessThanOrEqual(10);
    expect(tally(random, 50, absolute(0.03))['rolled-back']).toBe(50);
    // A canary as good as stable (0.2% background errors) is promoted.
    expect(tally(random, 100, absolute(0.002)).promoted).toBe(100);
  }, 120_000);

  it('compare-to-stable with a noisy stable at 1%, 40 requests/s, 10%:3m then 50% for 3m and its wait: the same canary promoted, 3 margins worse caught', () => {
    const random = seededRandom(7);
    const rollout = (canaryRate: number): Rollout => ({
      perSecond: 40,
      steps: [
        { weight: 0.1, minutes: 3 },
        { weight: 0.5, minutes: 6 },
      ],
      canaryRate,
      stableRate: 0.01,
    });
    // At most 1% false rollbacks: 500 rollouts so the count means something (the seed makes it the same every run).
    const same = tally(random, 500, rollout(0.01));
    expect(same.promoted).toBeGreaterThanOrEqual(495);
    expect(tally(random, 40, rollout(0.025))['rolled-back']).toBe(40);
  }, 120_000);
});
