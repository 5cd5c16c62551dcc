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
  const at = (index: number): number => {
    const value = sorted[index];
    if (value === undefined) throw new Error(`summarize: no value at ${index} of ${sorted.length}`);
    return value;
  };
  const mid = Math.floor(sorted.length / 2);
  const median = sorted.length % 2 ? at(mid) : (at(mid - 1) + at(mid)) / 2;
  return { n: sorted.length, min: at(0), median, max: at(sorted.length - 1) };
}

/** Ours over the baseline, by medians (below 1 means ours is faster or smaller). */
export function medianRatio(ours: Summary, baseline: Summary): number {
  return ours.median / baseline.median;
}
