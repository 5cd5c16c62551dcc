/** Small-sample statistics for benchmark figures. */
export interface Summary {
  n: number;
  min: number;
  median: number;
  max: number;
}

export function summarize(values: number[]): Summary {
  if (values.length === 0) throw new Error('summarize needs at least one value');
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
  return { n: sorted.length, min: sorted[0], median, max: sorted[sorted.length - 1] };
}

/** Ours over the baseline, by medians (below 1 means ours is faster or smaller). */
export function medianRatio(ours: Summary, baseline: Summary): number {
  return ours.median / baseline.median;
}
