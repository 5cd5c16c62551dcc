import type { FunctionVerdict, Verdict } from '@lambda-release-kit/core';
import type { HealthJudgement } from './health.js';
import type { OnInconclusive } from './plan.js';

/** Counts add up over the functions; latencies take the slowest function's. */
const SUMMED = ['invocations', 'errors', 'throttles'] as const;
const SLOWEST = ['p95Ms', 'p99Ms'] as const;
/** On-inconclusive from the most lenient to the strictest: the release follows its strictest inconclusive function. */
const LENIENCY: readonly OnInconclusive[] = ['promote', 'wait', 'fail'];

/**
 * The release's verdict from each function's at one look: unhealthy when any function is, else inconclusive when
 * any is, else healthy. The reason names the functions that decided it; the metrics are the release's totals
 * (latencies of the slowest function); each function's own judgement is kept. One function's judgement is its own.
 * An inconclusive release follows the strictest on-inconclusive of its inconclusive functions, so a function
 * whose own is promote never holds the others' verdict hostage.
 */
export function combineJudgements(names: string[], judgements: HealthJudgement[]): HealthJudgement {
  const [only, ...others] = judgements;
  if (only && others.length === 0) return only;
  const named = judgements.map((judgement, index) => ({
    name: names[index] ?? `function ${index + 1}`,
    judgement,
  }));
  const verdict: Verdict = named.some(({ judgement }) => judgement.verdict === 'unhealthy')
    ? 'unhealthy'
    : named.some(({ judgement }) => judgement.verdict === 'inconclusive')
      ? 'inconclusive'
      : 'healthy';
  const deciding = named.filter(({ judgement }) => judgement.verdict === verdict);
  const policies = deciding.flatMap(({ judgement }) =>
    judgement.onInconclusive ? [judgement.onInconclusive] : [],
  );
  const onInconclusive = LENIENCY.filter((policy) => policies.includes(policy)).at(-1);
  const reason = deciding.map(({ name, judgement }) => `${name}: ${judgement.reason}`).join('; ');
  const metrics: Record<string, number | null> = {};
  for (const key of SUMMED)
    metrics[key] = named.reduce((sum, { judgement }) => sum + (judgement.metrics[key] ?? 0), 0);
  const invocations = metrics.invocations ?? 0;
  metrics.errorRate =
    invocations > 0 ? Math.round(((metrics.errors ?? 0) / invocations) * 1_000_000) / 1_000_000 : 0;
  for (const key of SLOWEST) {
    const values = named.flatMap(({ judgement }) => {
      const value = judgement.metrics[key];
      return value === null || value === undefined ? [] : [value];
    });
    metrics[key] = values.length > 0 ? Math.max(...values) : null;
  }
  const functions: Record<string, FunctionVerdict> = {};
  for (const { name, judgement } of named) {
    functions[name] = { verdict: judgement.verdict, reason: judgement.reason, metrics: judgement.metrics };
  }
  return { verdict, reason, metrics, functions, ...(onInconclusive ? { onInconclusive } : {}) };
}
