import { formatPercent, type FunctionVerdict, type Verdict } from '@lambda-release-kit/core';
import { lowerBound, upperBound } from './binomial-bounds.js';
import type { AlarmStatus, VersionMetrics } from './metrics.js';
import type { HealthThresholds } from './plan.js';

export interface HealthJudgement {
  verdict: Verdict;
  /** Why, with the counts, the limit and the confidence bound. */
  reason: string;
  /** Flat numbers for the record and the summary. */
  metrics: Record<string, number | null>;
  /** Each function's own judgement, when the release has several. */
  functions?: Record<string, FunctionVerdict>;
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

/** Latency percentiles mean something only over enough samples: p95 from 60 invocations, p99 from 300. */
export const PERCENTILE_SAMPLES = { p95: 60, p99: 300 } as const;

const percent = (fraction: number) => formatPercent(fraction, { significant: 2 });
const confidence = (alpha: number) => formatPercent(1 - alpha, { significant: 4 });

export function errorRate(metrics: VersionMetrics): number {
  return metrics.invocations > 0 ? metrics.errors / metrics.invocations : 0;
}

/**
 * The verdict on the evidence at one look, with that look's share `alpha` of the false-rollback budget. Any
 * alarm in ALARM is unhealthy. A rate (errors, throttles) is unhealthy only when its exact lower confidence
 * bound is above the gate, so a canary exactly at the gate is rolled back with probability at most alpha;
 * with compare-to-stable, when the canary's lower bound minus the stable version's upper bound (each at
 * alpha/2) exceeds the margin. Healthy needs the upper bound within the gate, min-invocations, and the
 * latency gates judged on enough samples. Anything else is inconclusive, with what a verdict still needs.
 */
export function judgeHealth(
  evidence: HealthEvidence,
  thresholds: HealthThresholds,
  alpha: number,
): HealthJudgement {
  const { canary } = evidence;
  const metrics: Record<string, number | null> = {
    invocations: canary.invocations,
    errors: canary.errors,
    throttles: canary.throttles,
    errorRate: round(errorRate(canary)),
    p95Ms: canary.p95Ms,
    p99Ms: canary.p99Ms,
    confidence: round(1 - alpha),
  };
  const verdict = (v: Verdict, reason: string): HealthJudgement => ({ verdict: v, reason, metrics });

  const alarming = evidence.alarms.filter((alarm) => alarm.state === 'ALARM');
  if (alarming.length > 0) {
    const names = alarming.map((alarm) => (alarm.reason ? `${alarm.name} (${alarm.reason})` : alarm.name));
    return verdict('unhealthy', `alarm ${names.join(', ')} is in ALARM`);
  }
  const v = `version ${canary.version}`;
  if (canary.invocations === 0 && canary.throttles === 0) {
    return verdict('inconclusive', `no published invocations of ${v} yet`);
  }

  const errors = judgeErrors(evidence, thresholds, alpha, metrics);
  if (errors.unhealthy) return verdict('unhealthy', errors.text);

  const attempts = canary.invocations + canary.throttles;
  const throttleLow = lowerBound(canary.throttles, attempts, alpha);
  if (throttleLow > thresholds.maxErrorRate) {
    return verdict(
      'unhealthy',
      `${v} was throttled ${canary.throttles} of ${attempts} times, above ${percent(thresholds.maxErrorRate)} ` +
        `(lower bound ${percent(throttleLow)} at ${confidence(alpha)} confidence)`,
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
  if (errors.healthy && pending.length === 0) {
    const latency = canary.p95Ms !== null ? `, p95 ${Math.round(canary.p95Ms)} ms` : '';
    return verdict('healthy', `${errors.text}${latency}`);
  }
  return verdict('inconclusive', [errors.text, ...pending].join('; '));
}

interface ErrorFinding {
  unhealthy: boolean;
  healthy: boolean;
  text: string;
}

function judgeErrors(
  evidence: HealthEvidence,
  thresholds: HealthThresholds,
  alpha: number,
  metrics: Record<string, number | null>,
): ErrorFinding {
  const { canary, stable } = evidence;
  const gate = thresholds.maxErrorRate;
  const counts = `${canary.errors} of ${canary.invocations} invocations`;
  const rate = `${percent(errorRate(canary))} (${counts})`;
  if (thresholds.compareToStable && stable && stable.invocations > 0) {
    metrics.stableInvocations = stable.invocations;
    metrics.stableErrors = stable.errors;
    metrics.stableErrorRate = round(errorRate(stable));
    const half = alpha / 2;
    const canaryLow = lowerBound(canary.errors, canary.invocations, half);
    const canaryHigh = upperBound(canary.errors, canary.invocations, half);
    const stableLow = lowerBound(stable.errors, stable.invocations, half);
    const stableHigh = upperBound(stable.errors, stable.invocations, half);
    metrics.differenceLower = round(canaryLow - stableHigh);
    metrics.differenceUpper = round(canaryHigh - stableLow);
    const against =
      `stable version ${stable.version} at ${percent(errorRate(stable))} ` +
      `(${stable.errors} of ${stable.invocations}) in the same minutes`;
    const bounds = `the difference is between ${percent(canaryLow - stableHigh)} and ${percent(canaryHigh - stableLow)} at ${confidence(alpha)} confidence`;
    if (canaryLow - stableHigh > gate) {
      return {
        unhealthy: true,
        healthy: false,
        text: `version ${canary.version} error rate ${rate} is above ${against} by more than ${percent(gate)}: ${bounds}`,
      };
    }
    const healthy = canaryHigh - stableLow <= gate;
    return {
      unhealthy: false,
      healthy,
      text: `version ${canary.version} error rate ${rate} against ${against}: ${bounds}, ${healthy ? 'within' : 'not yet shown within'} the ${percent(gate)} margin`,
    };
  }
  const low = lowerBound(canary.errors, canary.invocations, alpha);
  const high = upperBound(canary.errors, canary.invocations, alpha);
  metrics.errorRateLower = round(low);
  metrics.errorRateUpper = round(high);
  const fallback =
    thresholds.compareToStable && stable
      ? ` (stable version ${stable.version} had no invocations to compare)`
      : '';
  if (low > gate) {
    return {
      unhealthy: true,
      healthy: false,
      text: `version ${canary.version} error rate ${rate} is above ${percent(gate)}${fallback} (lower bound ${percent(low)} at ${confidence(alpha)} confidence)`,
    };
  }
  if (high <= gate) {
    return {
      unhealthy: false,
      healthy: true,
      text: `version ${canary.version} error rate ${rate} is within ${percent(gate)}${fallback} (upper bound ${percent(high)} at ${confidence(alpha)} confidence)`,
    };
  }
  const needed = invocationsNeeded(canary.errors, canary.invocations, gate, alpha);
  metrics.invocationsNeeded = needed ?? null;
  return {
    unhealthy: false,
    healthy: false,
    text:
      `version ${canary.version} error rate ${rate}: between ${percent(low)} and ${percent(high)} at ${confidence(alpha)} confidence, which includes ${percent(gate)}${fallback}; ` +
      moreEvidence(canary.version, gate, needed, canary.invocations / Math.max(1, evidence.windowMs / 1000)),
  };
}

/** "about 1,400 more invocations of version 8 are needed ...; at 2/s that is 12 minutes". */
function moreEvidence(version: string, gate: number, needed: number | undefined, perSecond: number): string {
  if (needed === undefined) {
    return `the rate so far is not below ${percent(gate)}: more invocations of version ${version} will show whether it is above`;
  }
  const rate = perSecond >= 10 ? Math.round(perSecond) : Number(perSecond.toPrecision(2));
  const minutes = perSecond > 0 ? Math.max(1, Math.ceil(needed / perSecond / 60)) : undefined;
  const time =
    minutes === undefined ? '' : `; at ${rate}/s that is ${minutes} minute${minutes === 1 ? '' : 's'}`;
  return `about ${needed.toLocaleString('en-US')} more invocations of version ${version} are needed to show an error rate below ${percent(gate)}${time}`;
}

/**
 * How many more invocations, at the error rate seen so far, would bring the upper bound within the gate;
 * undefined when the rate seen is not below the gate. Doubling, then bisection, on the total count.
 */
export function invocationsNeeded(
  errors: number,
  invocations: number,
  gate: number,
  alpha: number,
): number | undefined {
  const rate = invocations > 0 ? errors / invocations : 0;
  if (rate >= gate) return undefined;
  const within = (total: number) => upperBound(Math.round(rate * total), total, alpha) <= gate;
  let high = Math.max(1, invocations);
  while (!within(high)) {
    high *= 2;
    if (high > 1e9) return undefined;
  }
  let low = Math.max(invocations, high / 2);
  while (high - low > Math.max(1, high * 0.01)) {
    const mid = Math.floor((low + high) / 2);
    if (within(mid)) high = mid;
    else low = mid;
  }
  return Math.max(1, Math.ceil(high - invocations));
}

const round = (rate: number) => Math.round(rate * 1_000_000) / 1_000_000;
