import type { LatencyStats } from './types.js';

/** Latency percentiles (nearest rank) over answered samples, and the error rate over all samples. */
export function latencyStats(durationsMs: number[], samples: number, errors: number): LatencyStats {
  const sorted = [...durationsMs].sort((a, b) => a - b);
  const rank = (percentile: number) =>
    round(sorted[Math.max(0, Math.ceil((percentile / 100) * sorted.length) - 1)] ?? 0);
  const total = sorted.reduce((sum, value) => sum + value, 0);
  return {
    samples,
    errors,
    errorRate: samples === 0 ? 0 : errors / samples,
    minMs: round(sorted[0] ?? 0),
    p50Ms: rank(50),
    p95Ms: rank(95),
    p99Ms: rank(99),
    maxMs: round(sorted.at(-1) ?? 0),
    meanMs: sorted.length === 0 ? 0 : round(total / sorted.length),
  };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}
