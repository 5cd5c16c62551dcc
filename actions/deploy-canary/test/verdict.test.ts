import { describe, expect, it } from '@jest/globals';
import { lowerBound, upperBound } from '../src/binomial-bounds.js';
import { lookAlpha, plannedLooks } from '../src/check-schedule.js';
import { invocationsNeeded, judgeHealth, type HealthEvidence } from '../src/health.js';
import type { VersionMetrics } from '../src/metrics.js';
import type { HealthThresholds } from '../src/plan.js';

const gates: HealthThresholds = {
  maxErrorRate: 0.005,
  maxP95LatencyMs: 2000,
  minInvocations: 10,
  compareToStable: false,
  falseRollbackRate: 0.01,
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
const ALPHA = 0.001;

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
  it('zero errors over enough invocations is healthy, with the bound and confidence in the reason', () => {
    const j = judgeHealth(evidence({ invocations: 3000 }), gates, ALPHA);
    expect(j.verdict).toBe('healthy');
    expect(j.reason).toBe(
      'version 8 error rate 0% (0 of 3000 invocations) is within 0.5% (upper bound 0.23% at 99.9% confidence), p95 50 ms',
    );
  });

  it('one error in the first 53 invocations is not a rollback (the false rollbacks of the old rule)', () => {
    const j = judgeHealth(evidence({ invocations: 53, errors: 1 }), gates, ALPHA);
    expect(j.verdict).toBe('inconclusive');
    expect(j.reason).toContain(
      'version 8 error rate 1.9% (1 of 53 invocations): between 0.0019% and 16% at 99.9% confidence, which includes 0.5%; ' +
        'the rate so far is not below 0.5%: more invocations of version 8 will show whether it is above',
    );
  });

  it('a canary exactly at the gate is not rolled back, however much evidence there is', () => {
    for (const invocations of [200, 2000, 20_000, 200_000]) {
      const j = judgeHealth(evidence({ invocations, errors: invocations * 0.005 }), gates, ALPHA);
      expect(j.verdict).toBe('inconclusive');
    }
  });

  it('all errors is unhealthy at the first look with a handful of invocations', () => {
    const first = lookAlpha(1, 10, 0.01);
    const j = judgeHealth(evidence({ invocations: 4, errors: 4 }), gates, first);
    expect(j.verdict).toBe('unhealthy');
    expect(j.reason).toMatch(
      /^version 8 error rate 100% \(4 of 4 invocations\) is above 0\.5% \(lower bound/,
    );
  });

  it('no traffic is inconclusive, and says so', () => {
    expect(judgeHealth(evidence({ invocations: 0, p95Ms: null, p99Ms: null }), gates, ALPHA)).toMatchObject({
      verdict: 'inconclusive',
      reason: 'no published invocations of version 8 yet',
    });
  });

  it('says how many more invocations a verdict needs and how long that takes at the current rate', () => {
    const j = judgeHealth(evidence({ invocations: 1000, errors: 2 }), gates, ALPHA);
    expect(j.verdict).toBe('inconclusive');
    const needed = invocationsNeeded(2, 1000, 0.005, ALPHA)!;
    // At that total, the upper bound is within the gate; a little less is not.
    expect(upperBound(Math.round(0.002 * (1000 + needed)), 1000 + needed, ALPHA)).toBeLessThanOrEqual(0.005);
    expect(upperBound(Math.round(0.002 * (1000 + needed * 0.9)), 1000 + needed * 0.9, ALPHA)).toBeGreaterThan(
      0.005,
    );
    const minutes = Math.ceil(needed / 2 / 60);
    expect(j.reason).toContain(
      `about ${needed.toLocaleString('en-US')} more invocations of version 8 are needed to show an error rate below 0.5%; at 2/s that is ${minutes} minutes`,
    );
    expect(j.metrics.invocationsNeeded).toBe(needed);
  });

  it('judges p95 only from 60 invocations', () => {
    const few = judgeHealth(
      evidence({ invocations: 59, p95Ms: 5000 }),
      { ...gates, maxErrorRate: 0.2 },
      ALPHA,
    );
    expect(few.verdict).toBe('inconclusive');
    expect(few.reason).toContain('p95 latency is judged from 60 invocations (59 so far)');
    const enough = judgeHealth(evidence({ invocations: 60, p95Ms: 5000 }), gates, ALPHA);
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
      ALPHA,
    );
    expect(same.verdict).not.toBe('unhealthy');
    const worse = judgeHealth(
      evidence({ invocations: 20_000, errors: 1400 }, { invocations: 80_000, errors: 4000 }),
      compare,
      ALPHA,
    );
    expect(worse.verdict).toBe('unhealthy');
    expect(worse.reason).toMatch(
      /^version 8 error rate 7% \(1400 of 20000 invocations\) is above stable version 7 at 5% \(4000 of 80000\) in the same minutes by more than 0\.5%: the difference is between /,
    );
    const good = judgeHealth(
      evidence({ invocations: 100_000, errors: 4800 }, { invocations: 400_000, errors: 20_000 }),
      compare,
      ALPHA,
    );
    expect(good.verdict).toBe('healthy');
  });

  it('with compare-to-stable, a latency above the gate that stable shows too is not blamed on the canary', () => {
    const compare = { ...gates, compareToStable: true };
    const slowAlike = judgeHealth(
      evidence({ invocations: 3000, p95Ms: 2500 }, { invocations: 12_000, p95Ms: 2600 }),
      compare,
      ALPHA,
    );
    expect(slowAlike.verdict).toBe('healthy');
    const slower = judgeHealth(
      evidence({ invocations: 3000, p95Ms: 2500 }, { invocations: 12_000, p95Ms: 900 }),
      compare,
      ALPHA,
    );
    expect(slower).toMatchObject({
      verdict: 'unhealthy',
      reason:
        "version 8 p95 latency 2500 ms (over 3000 invocations) is above 2000 ms and stable version 7's 900 ms",
    });
    // Without comparison the gate alone decides.
    expect(judgeHealth(evidence({ invocations: 3000, p95Ms: 2500 }), gates, ALPHA).verdict).toBe('unhealthy');
  });

  it('an alarm in ALARM is unhealthy whatever the metrics', () => {
    const j = judgeHealth(
      { ...evidence({}), alarms: [{ name: 'api-5xx', state: 'ALARM', reason: 'Threshold Crossed' }] },
      gates,
      ALPHA,
    );
    expect(j).toMatchObject({
      verdict: 'unhealthy',
      reason: 'alarm api-5xx (Threshold Crossed) is in ALARM',
    });
  });
});

describe('alpha spending', () => {
  it('spends at most false-rollback-rate over any number of looks', () => {
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
    for (let look = 1; look <= 1000; look++) total += lookAlpha(look, planned, 0.01);
    expect(total).toBeLessThanOrEqual(0.01);
    expect(lookAlpha(1, planned, 0.01)).toBeGreaterThan(0.0025);
  });
});

/** mulberry32: a small seeded generator, so the simulation is the same on every run. */
function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A rollout as the action sees it, without wall time: 50 requests/s, steps 10%:5m and 50%:5m, a look per
 * published minute, evidence accumulated from the first minute; the first unhealthy look rolls back.
 */
function simulateRollout(random: () => number, canaryErrorRate: number): 'rolled-back' | 'kept' {
  const steps = [
    { weight: 0.1, minutes: 5 },
    { weight: 0.5, minutes: 5 },
  ];
  const planned = 14;
  let invocations = 0;
  let errors = 0;
  let look = 0;
  for (const step of steps) {
    for (let minute = 0; minute < step.minutes; minute++) {
      const served = Math.round(50 * 60 * step.weight);
      for (let i = 0; i < served; i++) if (random() < canaryErrorRate) errors++;
      invocations += served;
      look++;
      const verdict = judgeHealth(
        { canary: version({ invocations, errors, p95Ms: 80 }), alarms: [], windowMs: look * 60_000 },
        gates,
        lookAlpha(look, planned, gates.falseRollbackRate),
      ).verdict;
      if (verdict === 'unhealthy') return 'rolled-back';
    }
  }
  return 'kept';
}

describe('seeded simulation of whole rollouts', () => {
  it('rolls back at most 5% of canaries exactly at the gate, and every canary failing 3%', () => {
    const random = seeded(4);
    let falseRollbacks = 0;
    for (let run = 0; run < 200; run++) {
      if (simulateRollout(random, gates.maxErrorRate) === 'rolled-back') falseRollbacks++;
    }
    expect(falseRollbacks).toBeLessThanOrEqual(10);
    for (let run = 0; run < 50; run++) expect(simulateRollout(random, 0.03)).toBe('rolled-back');
    // A canary as good as stable (0.2% background errors) is practically never rolled back.
    let background = 0;
    for (let run = 0; run < 100; run++) if (simulateRollout(random, 0.002) === 'rolled-back') background++;
    expect(background).toBeLessThanOrEqual(1);
  }, 120_000);
});
