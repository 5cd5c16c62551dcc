/** Rounding of a percentage: to decimals, or to significant digits (for statistics with tiny values). */
export type PercentPrecision = { decimals: number } | { significant: number };

/** A fraction as a percentage without trailing zeros: 0.1 is "10%"; 3 decimals unless told. */
export function formatPercent(fraction: number, precision: PercentPrecision = { decimals: 3 }): string {
  if ('significant' in precision) return `${Number((fraction * 100).toPrecision(precision.significant))}%`;
  return `${Math.round(fraction * 10 ** (precision.decimals + 2)) / 10 ** precision.decimals}%`;
}
