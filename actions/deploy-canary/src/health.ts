import { formatPercent, type FunctionVerdict, type Verdict } from '@lambda-release-kit/core';
import { lowerBound, upperBound } from './binomial-bounds.js';
import type { AlarmStatus, VersionMetrics } from './metrics.js';
import type { HealthThresholds, OnInconclusive } from './plan.js';
import {
  absoluteLlr,
  BUDGET_SPLIT,
  differenceLlr,
  type ErrorRateGate,
  expectedInvocations,
  invocationsForTruncatedDecision,
  sprtBoundaries,
  truncatedDecision,
} from './sequential-test.js';

export interface HealthJudgement {
  verdict: Verdict;
  /** Why, with the counts, the gate and the error rates of the test that decided. */
  reason: string;
  /** Flat numbers for the record and the summary. */
  metrics: Record<string, number | null>;
  /** Each function's own judgement, when the release has several. */
  functions?: Record<string, FunctionVerdict>;
  /** What an inconclusive verdict leads to at the end of the schedule (the strictest of the functions'). */
  onInconclusive?: OnInconclusive;
  /** What this function's next look carries over (set by judgeHealth, kept by VerdictHistory). */
  carried?: CarriedVerdict;
}

/** The part of a function's verdict that later looks keep: once reached, a healthy boundary or a truncated decision stands. */
export interface CarriedVerdict {
  /** Canary invocations at which the sequential test reached its healthy boundary. */
  healthyAt?: number;
  /** The error-rate finding of the truncated decision, made once. */
  truncated?: ErrorFinding;
}

/** Everything published so far for the rollout: the canary since its first step, the stable version alongside. */
export interface HealthEvidence {
  canary: VersionMetrics;
  /** The stable version's metrics over the same minutes, when compare-to-stable is on. */
  stable?: VersionMetrics | undefined;
  alarms: AlarmStatus[];
  /** Length of the published window, to turn counts into a rate for "how long until a verdict". */
  windowMs: number;
}

/**
 * Where a look stands in the schedule: `bake` before the last step's bake is published (the sequential test alone),
 * `end` from then until the wait deadline (a function under on-inconclusive fail or promote takes the truncated
 * decision now; one under wait once the sample keeps both error rates), `deadline` the last look (truncated decision).
 */
export type LookStage = 'bake' | 'end' | 'deadline';

/** What one look knows besides the evidence. */
export interface Look {
  stage: LookStage;
  /** This function's share of false-rollback-rate. */
  falseRollbackRate: number;
  /** The catastrophe fast path's share for this look; 0 on a look without new data. */
  catastropheAlpha: number;
  /** This function's on-inconclusive. */
  onInconclusive: OnInconclusive;
  /** Canary invocations per second between the last two looks' data ends. */
  perSecond: number;
  carried: CarriedVerdict;
}

/** Latency percentiles mean something only over enough samples: p95 from 60 invocations, p99 from 300. */
export const PERCENTILE_SAMPLES = { p95: 60, p99: 300 } as const;

const percent = (fraction: number) => formatPercent(fraction, { significant: 2 });
const confidence = (alpha: number) => formatPercent(1 - alpha, { significant: 4 });
const count = (value: number) => Math.round(value).toLocaleString('en-US');
/** An estimate to two significant digits: "~9,800", not "~9,813". */
const about = (value: number) => count(Number(value.toPrecision(2)));

export function errorRate(metrics: VersionMetrics): number {
  return metrics.invocations > 0 ? metrics.errors / metrics.invocations : 0;
}

/**
 * The verdict on the evidence at one look. Any alarm in ALARM is unhealthy. The error rate goes through the
 * sequential test (sequential-test.ts): unhealthy at its upper boundary, healthy once it reached its lower one;
 * a catastrophe (exact lower bound above twice the gate, or above stable plus the margin) is unhealthy at once
 * on the fast path's share; at the end of the schedule the truncated decision settles what the sequential test
 * left open. Throttles above the gate and latency above its gate (over enough samples) are unhealthy. Healthy
 * also needs min-invocations and the latency samples. Anything else is inconclusive, with what a verdict needs.
 */
export function judgeHealth(
  evidence: HealthEvidence,
  thresholds: HealthThresholds,
  look: Look,
): HealthJudgement {
  const { canary } = evidence;
  const metrics: Record<string, number | null> = {
    invocations: canary.invocations,
    errors: canary.errors,
    throttles: canary.throttles,
    errorRate: round(errorRate(canary)),
    p95Ms: canary.p95Ms,
    p99Ms: canary.p99Ms,
  };
  const verdict = (v: Verdict, reason: string, carried: CarriedVerdict = look.carried): HealthJudgement => ({
    verdict: v,
    reason,
    metrics,
    onInconclusive: look.onInconclusive,
    carried,
  });

  const alarming = evidence.alarms.filter((alarm) => alarm.state === 'ALARM');
  if (alarming.length > 0) {
    const names = alarming.map((alarm) => (alarm.reason ? `${alarm.name} (${alarm.reason})` : alarm.name));
    return verdict('unhealthy', `alarm ${names.join(', ')} is in ALARM`);
  }
  const v = `version ${canary.version}`;
  if (canary.invocations === 0 && canary.throttles === 0) {
    return verdict('inconclusive', `no published invocations of ${v} yet`);
  }

  const errors = judgeErrors(evidence, thresholds, look, metrics);
  if (errors.state === 'unhealthy') return verdict('unhealthy', errors.text);

  const attempts = canary.invocations + canary.throttles;
  const throttleAlpha = look.catastropheAlpha / 2;
  const throttleLow = throttleAlpha > 0 ? lowerBound(canary.throttles, attempts, throttleAlpha) : 0;
  if (throttleLow > thresholds.maxErrorRate) {
    return verdict(
      'unhealthy',
      `${v} was throttled ${canary.throttles} of ${attempts} times, above ${percent(thresholds.maxErrorRate)} ` +
        `(lower bound ${percent(throttleLow)} at ${confidence(throttleAlpha)} confidence)`,
    );
  }

  const pending: string[] = [];
  // With compare-to-stable, a latency the stable version shows too (over enough samples) is not the canary's fault.
  const { stable } = evidence;
  const comparable = thresholds.compareToStable && stable !== undefined;
  for (const [name, value, limit, stableValue] of [
    ['p95', canary.p95Ms, thresholds.maxP95LatencyMs, stable?.p95Ms],
    ['p99', canary.p99Ms, thresholds.maxP99LatencyMs, stable?.p99Ms],
  ] as const) {
    if (limit === undefined) continue;
    const needed = PERCENTILE_SAMPLES[name];
    if (canary.invocations < needed || value === null) {
      pending.push(`${name} latency is judged from ${needed} invocations (${canary.invocations} so far)`);
      continue;
    }
    if (value <= limit) continue;
    const baseline =
      comparable && stable.invocations >= needed && stableValue !== null && stableValue !== undefined
        ? stableValue
        : undefined;
    if (baseline !== undefined && value <= baseline) continue;
    const than =
      baseline !== undefined ? ` and stable version ${stable?.version}'s ${Math.round(baseline)} ms` : '';
    return verdict(
      'unhealthy',
      `${v} ${name} latency ${Math.round(value)} ms (over ${canary.invocations} invocations) is above ${limit} ms${than}`,
    );
  }
  if (canary.invocations < thresholds.minInvocations) {
    pending.push(`at least ${thresholds.minInvocations} invocations are needed (min-invocations)`);
  }
  if (errors.state === 'healthy' && pending.length === 0) {
    const latency = canary.p95Ms !== null ? `, p95 ${Math.round(canary.p95Ms)} ms` : '';
    return verdict('healthy', `${errors.text}${latency}`, errors.carried);
  }
  return verdict('inconclusive', [errors.text, ...pending].join('; '), errors.carried);
}

/** The error rate's finding: `open` while the sequential test is between its boundaries. */
export interface ErrorFinding {
  state: 'unhealthy' | 'healthy' | 'open' | 'underpowered';
  text: string;
  carried?: CarriedVerdict;
}

function judgeErrors(
  evidence: HealthEvidence,
  thresholds: HealthThresholds,
  look: Look,
  metrics: Record<string, number | null>,
): ErrorFinding {
  const { canary } = evidence;
  const stable =
    thresholds.compareToStable && evidence.stable && evidence.stable.invocations > 0
      ? evidence.stable
      : undefined;
  const gate: ErrorRateGate = {
    maxErrorRate: thresholds.maxErrorRate,
    compareToStable: stable !== undefined,
    falseRollbackRate: look.falseRollbackRate,
    missedRegressionRate: thresholds.missedRegressionRate,
  };
  const words = wordsFor(canary, stable, thresholds, evidence.stable);
  const n = canary.invocations;

  const catastrophe = fastPath(canary, stable, gate.maxErrorRate, look.catastropheAlpha, words);
  if (catastrophe) return { state: 'unhealthy', text: catastrophe };

  const boundaries = sprtBoundaries(gate);
  const llr = stable
    ? differenceLlr(canary, stable, gate.maxErrorRate).llr
    : absoluteLlr(canary, gate.maxErrorRate);
  metrics.logLikelihoodRatio = round(llr);
  metrics.healthyBoundary = round(boundaries.healthy);
  metrics.unhealthyBoundary = round(boundaries.unhealthy);
  if (stable) {
    metrics.stableInvocations = stable.invocations;
    metrics.stableErrors = stable.errors;
    metrics.stableErrorRate = round(errorRate(stable));
  }
  const sequentialAlpha = gate.falseRollbackRate * BUDGET_SPLIT.sequential;
  if (llr >= boundaries.unhealthy) {
    return {
      state: 'unhealthy',
      text:
        `${words.rate} ${words.above}: the sequential test reached its unhealthy boundary ` +
        `(${words.asGood} gets there with at most ${percent(sequentialAlpha)} probability)`,
    };
  }
  const { carried } = look;
  if (carried.truncated) return carried.truncated;
  const healthyAt = carried.healthyAt ?? (llr <= boundaries.healthy ? n : undefined);
  if (healthyAt !== undefined) {
    return {
      state: 'healthy',
      text:
        `${words.rate} ${words.within}: the sequential test reached its healthy boundary at ${count(healthyAt)} invocations ` +
        `(${words.worse} gets there with at most ${percent(gate.missedRegressionRate)} probability)`,
      carried: { healthyAt },
    };
  }

  const decision = truncatedDecision(gate, canary, stable);
  const baseline = stable
    ? { errorRate: errorRate(stable), invocationsPerCanaryInvocation: stable.invocations / Math.max(1, n) }
    : undefined;
  const needed = invocationsForTruncatedDecision(gate, baseline);
  metrics.invocationsForVerdict = needed;
  const expected = expectedInvocations(gate, errorRate(canary), baseline);
  const decideNow =
    look.stage === 'deadline' ||
    (look.stage === 'end' &&
      (look.onInconclusive !== 'wait' || decision.missedRegression <= gate.missedRegressionRate));
  const more = moreEvidence(canary.version, n, { expected, needed }, look.perSecond);
  if (!decideNow) {
    return {
      state: 'open',
      text: `${words.rate}: no verdict yet, the sequential test is between its boundaries; ${more}`,
    };
  }
  metrics.missedRegression = round(decision.missedRegression);
  const rates =
    `${words.asGood} is rolled back with at most ${percent(decision.falseRollback)} probability, ` +
    `${words.worse} would be promoted with ${percent(decision.missedRegression)} probability` +
    (decision.missedRegression > gate.missedRegressionRate
      ? `; ${percent(gate.missedRegressionRate)} needs ~${about(needed)}`
      : '');
  const on = `on ${count(n)} invocations`;
  const finding = (state: ErrorFinding['state'], text: string): ErrorFinding => {
    const found: ErrorFinding = { state, text };
    return { ...found, carried: { truncated: found } };
  };
  if (decision.unhealthy) {
    return finding(
      'unhealthy',
      `decided at the end of the schedule ${on}: ${words.rate} ${words.above}; ${rates}`,
    );
  }
  if (!decision.powered) {
    return finding(
      'underpowered',
      `no verdict at the end of the schedule ${on}: ${words.rate}; ${words.worse} would be promoted with ` +
        `${percent(decision.missedRegression)} probability at this sample, more than half; ${more}`,
    );
  }
  return finding(
    'healthy',
    `decided at the end of the schedule ${on}: ${words.rate} ${words.within}; ${rates}`,
  );
}

interface Words {
  /** "version 8 error rate 1% (54 of 5,400 invocations)" and, with compare-to-stable, stable's beside it. */
  rate: string;
  above: string;
  within: string;
  /** The canary the false-rollback rate is about, and the one the missed-regression rate is about. */
  asGood: string;
  worse: string;
}

function wordsFor(
  canary: VersionMetrics,
  stable: VersionMetrics | undefined,
  thresholds: HealthThresholds,
  uncompared: VersionMetrics | undefined,
): Words {
  const gate = percent(thresholds.maxErrorRate);
  const rate = `version ${canary.version} error rate ${percent(errorRate(canary))} (${count(canary.errors)} of ${count(canary.invocations)} invocations)`;
  if (stable) {
    return {
      rate: `${rate} against stable version ${stable.version} at ${percent(errorRate(stable))} (${count(stable.errors)} of ${count(stable.invocations)}) in the same minutes`,
      above: `is worse by more than the ${gate} margin`,
      within: `is within the ${gate} margin`,
      asGood: 'a canary as good as stable',
      worse: `one ${gate} worse`,
    };
  }
  const fallback =
    thresholds.compareToStable && uncompared
      ? ` (stable version ${uncompared.version} had no invocations to compare)`
      : '';
  return {
    rate: `${rate}${fallback}`,
    above: `is above ${gate}`,
    within: `is within ${gate}`,
    asGood: `a canary at ${gate}`,
    worse: `one at ${percent(Math.min(1, 2 * thresholds.maxErrorRate))}`,
  };
}

/**
 * A catastrophe is caught at the first look that shows it: the canary's exact lower bound above twice the gate
 * (with compare-to-stable, above stable's upper bound plus the margin), at this look's share of the fast path.
 */
function fastPath(
  canary: VersionMetrics,
  stable: VersionMetrics | undefined,
  gate: number,
  alpha: number,
  words: Words,
): string | undefined {
  if (alpha <= 0) return undefined;
  const errorsAlpha = alpha / 2;
  if (stable) {
    const low = lowerBound(canary.errors, canary.invocations, errorsAlpha / 2);
    const high = upperBound(stable.errors, stable.invocations, errorsAlpha / 2);
    return low - high > gate
      ? `${words.rate} is far worse: the difference is at least ${percent(low - high)} at ${confidence(errorsAlpha)} confidence, above the ${percent(gate)} margin`
      : undefined;
  }
  const low = lowerBound(canary.errors, canary.invocations, errorsAlpha);
  return low > 2 * gate
    ? `${words.rate} is far above ${percent(gate)}: its lower bound ${percent(low)} at ${confidence(errorsAlpha)} confidence is above ${percent(2 * gate)}, twice the gate`
    : undefined;
}

/**
 * What a verdict still needs, the way the plan counts it: the sequential test's average need at the error rate seen
 * so far ("about 120 more invocations of version 8 are expected to reach a verdict: about 1 minute at the current
 * 8/s"), or, once that is behind or beyond it, the count at which the end of the schedule decides with both error
 * rates kept ("about 1,400 more invocations of version 8 decide it with both error rates kept: …").
 */
function moreEvidence(
  version: string,
  seen: number,
  need: { expected: number; needed: number },
  perSecond: number,
): string {
  const expectedMore = need.expected - seen;
  const sequential = need.expected < need.needed && expectedMore > 0;
  const more = sequential ? expectedMore : need.needed - seen;
  if (more <= 0) {
    return `the invocations so far are enough for the end of the schedule to decide with both error rates kept`;
  }
  const what = sequential
    ? `about ${about(more)} more invocations of version ${version} are expected to reach a verdict at the error rate seen so far`
    : `about ${about(more)} more invocations of version ${version} decide it with both error rates kept`;
  if (perSecond <= 0) return `${what}; none arrived since the last look`;
  const rate = perSecond >= 10 ? Math.round(perSecond) : Number(perSecond.toPrecision(2));
  const minutes = Math.max(1, Math.ceil(more / perSecond / 60));
  return `${what}: about ${count(minutes)} minute${minutes === 1 ? '' : 's'} at the current ${rate}/s`;
}

const round = (rate: number) => Math.round(rate * 1_000_000) / 1_000_000;
