import type { Verdict } from '@lambda-release-kit/core';
import type { AlarmStatus, VersionMetrics } from './metrics.js';
import type { HealthThresholds } from './plan.js';

export interface HealthJudgement {
  verdict: Verdict;
  /** Why, with the numbers ("error rate 12.5% (5 of 40) is above 1%"). */
  reason: string;
  /** Flat numbers for the record and the summary. */
  metrics: Record<string, number | null>;
}

export interface HealthEvidence {
  canary: VersionMetrics;
  /** The stable version's metrics in the same window, when compare-to-stable is on. */
  stable?: VersionMetrics;
  alarms: AlarmStatus[];
}

const percent = (fraction: number) => `${Math.round(fraction * 100_000) / 1000}%`;

export function errorRate(metrics: VersionMetrics): number {
  return metrics.invocations > 0 ? metrics.errors / metrics.invocations : 0;
}

export function throttleRate(metrics: VersionMetrics): number {
  const attempts = metrics.invocations + metrics.throttles;
  return attempts > 0 ? metrics.throttles / attempts : 0;
}

/**
 * Judges the new version from alarms and its metrics. Any alarm in ALARM is unhealthy. Errors and throttles
 * are judged even below the minimum sample when they already exceed the limit as if the rest of the sample
 * had succeeded (so a version that fails every request is caught at once); latency and "healthy" need the
 * minimum sample. With compare-to-stable, the canary may exceed the stable version's error rate by at most
 * max-error-rate.
 */
export function judgeHealth(evidence: HealthEvidence, thresholds: HealthThresholds): HealthJudgement {
  const { canary, stable } = evidence;
  const metrics: Record<string, number | null> = {
    invocations: canary.invocations,
    errors: canary.errors,
    throttles: canary.throttles,
    errorRate: roundRate(errorRate(canary)),
    p95Ms: canary.p95Ms,
    p99Ms: canary.p99Ms,
  };
  if (stable) {
    metrics.stableInvocations = stable.invocations;
    metrics.stableErrors = stable.errors;
    metrics.stableErrorRate = roundRate(errorRate(stable));
  }
  const verdict = (v: Verdict, reason: string): HealthJudgement => ({ verdict: v, reason, metrics });

  const alarming = evidence.alarms.filter((alarm) => alarm.state === 'ALARM');
  if (alarming.length > 0) {
    const names = alarming.map((alarm) => (alarm.reason ? `${alarm.name} (${alarm.reason})` : alarm.name));
    return verdict('unhealthy', `alarm ${names.join(', ')} is in ALARM`);
  }

  const stableRate = stable && stable.invocations > 0 ? errorRate(stable) : 0;
  const errorLimit = thresholds.compareToStable
    ? stableRate + thresholds.maxErrorRate
    : thresholds.maxErrorRate;
  const limitText = thresholds.compareToStable
    ? `${percent(errorLimit)} (stable version ${stable?.version ?? '?'} at ${percent(stableRate)} plus ${percent(thresholds.maxErrorRate)})`
    : percent(errorLimit);
  const sample = Math.max(canary.invocations, thresholds.minInvocations);
  if (canary.errors > 0 && canary.errors / sample > errorLimit) {
    return verdict(
      'unhealthy',
      `version ${canary.version} error rate ${percent(errorRate(canary))} (${canary.errors} of ${canary.invocations} invocations) is above ${limitText}`,
    );
  }
  const attempts = Math.max(canary.invocations + canary.throttles, thresholds.minInvocations);
  if (canary.throttles > 0 && canary.throttles / attempts > thresholds.maxErrorRate) {
    return verdict(
      'unhealthy',
      `version ${canary.version} was throttled ${canary.throttles} times (${percent(throttleRate(canary))} of requests), above ${percent(thresholds.maxErrorRate)}`,
    );
  }
  if (canary.invocations < thresholds.minInvocations) {
    return verdict(
      'inconclusive',
      `only ${canary.invocations} invocations of version ${canary.version} so far; at least ${thresholds.minInvocations} are needed for a verdict`,
    );
  }
  for (const [name, value, limit] of [
    ['p95', canary.p95Ms, thresholds.maxP95LatencyMs],
    ['p99', canary.p99Ms, thresholds.maxP99LatencyMs],
  ] as const) {
    if (limit !== undefined && value !== null && value > limit) {
      return verdict(
        'unhealthy',
        `version ${canary.version} ${name} latency ${Math.round(value)} ms (over ${canary.invocations} invocations) is above ${limit} ms`,
      );
    }
  }
  return verdict(
    'healthy',
    `version ${canary.version}: ${canary.invocations} invocations, error rate ${percent(errorRate(canary))}` +
      (canary.p95Ms !== null ? `, p95 ${Math.round(canary.p95Ms)} ms` : ''),
  );
}

const roundRate = (rate: number) => Math.round(rate * 1_000_000) / 1_000_000;
