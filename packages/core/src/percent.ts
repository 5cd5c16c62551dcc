/** How a percentage is rounded: to a number of decimals, or to a number of significant digits. */
export type PercentPrecision = { decimals: number } | { significant: number };

/**
 * A fraction (0.1) as a percentage ("10%"), without trailing zeros. The default, 3 decimals, keeps traffic
 * weights exact ("12.345%"); statistics use significant digits so tiny bounds stay readable ("0.0012%").
 */
export function formatPercent(fraction: number, precision: PercentPrecision = { decimals: 3 }): string {
  if ('significant' in precision) return `${Number((fraction * 100).toPrecision(precision.significant))}%`;
  // Scaling by one power of ten (10 ** 3, not 100 then 10) keeps the rounding of the single-step formulas it replaced.
  return `${Math.round(fraction * 10 ** (precision.decimals + 2)) / 10 ** precision.decimals}%`;
}
