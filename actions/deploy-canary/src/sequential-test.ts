import { incompleteBeta } from './binomial-bounds.js';

/**
 * The error-rate test of a canary: "as good as the gate (or stable)" against "worse by the margin", decided
 * both ways with both error rates stated.
 *
 * - Absolute gate g: Wald's binomial SPRT of p = g against p = 2g (the margin is the gate itself).
 * - compare-to-stable with margin m: the difference d of the two error rates in the normal approximation that
 *   counts both samples' noise, v = p̄(1−p̄)(1/nc + 1/ns), as a Brownian-motion SPRT of drift 0 against m in
 *   information time: LLR = (m·d − m²/2)/v.
 *
 * The boundaries come from Ville's inequality, so they hold however often the evidence is looked at: a canary
 * as good as the gate ever reaches ln(1/α) with probability ≤ α, one worse by the margin ever reaches ln(β)
 * with probability ≤ β. When the schedule ends first, a fixed-sample test at its own level decides.
 */

/** How a function's false-rollback budget is split: sequential boundaries, truncated decision, catastrophe fast path. */
export const BUDGET_SPLIT = { sequential: 0.5, truncated: 0.25, catastrophe: 0.25 } as const;

/**
 * At truncation, promote only when a canary worse by the whole margin would more likely be caught than promoted:
 * above this miss probability the sample says nothing and the verdict is inconclusive.
 */
export const MAX_TRUNCATED_MISS = 0.5;

/** The error-rate gate of one function, with its error budgets. */
export interface ErrorRateGate {
  /** max-error-rate: the gate (absolute) or the margin over stable (compare-to-stable). */
  maxErrorRate: number;
  compareToStable: boolean;
  /** This function's share of false-rollback-rate (the whole share: the split is applied inside). */
  falseRollbackRate: number;
  /** missed-regression-rate: most a canary worse by the whole margin may be promoted when the test concludes. */
  missedRegressionRate: number;
}

/** The stable version for compare-to-stable planning: its error rate and its invocations per canary invocation. */
export interface StableBaseline {
  errorRate: number;
  /** Stable invocations per canary invocation in the same minutes (9 at a 10% step, 1 at 50%). */
  invocationsPerCanaryInvocation: number;
}

/** Errors of invocations, for one version. */
export interface ErrorCounts {
  errors: number;
  invocations: number;
}

/** The sequential boundaries on the log-likelihood ratio: at or above `unhealthy`, at or below `healthy`. */
export function sprtBoundaries(gate: ErrorRateGate): { unhealthy: number; healthy: number } {
  const alpha = gate.falseRollbackRate * BUDGET_SPLIT.sequential;
  return { unhealthy: Math.log(1 / alpha), healthy: Math.log(gate.missedRegressionRate) };
}

/** The binomial log-likelihood ratio of p1 = 2g against p0 = g for `errors` of `invocations`. */
export function absoluteLlr(counts: ErrorCounts, gate: number): number {
  const p0 = gate;
  const p1 = Math.min(2 * gate, 1 - 1e-9);
  return (
    counts.errors * Math.log(p1 / p0) + (counts.invocations - counts.errors) * Math.log((1 - p1) / (1 - p0))
  );
}

/**
 * The variance of the difference of two error rates under "no difference": pooled rate p̄, floored at half
 * the margin (the rate between the hypotheses when neither version failed) so zero errors never mean certainty.
 */
export function differenceVariance(canary: ErrorCounts, stable: ErrorCounts, margin: number): number {
  const pooled = (canary.errors + stable.errors) / Math.max(1, canary.invocations + stable.invocations);
  const rate = Math.min(0.5, Math.max(pooled, margin / 2));
  return rate * (1 - rate) * (1 / Math.max(1, canary.invocations) + 1 / Math.max(1, stable.invocations));
}

/** compare-to-stable's log-likelihood ratio (drift m against 0) with the difference and its variance. */
export function differenceLlr(
  canary: ErrorCounts,
  stable: ErrorCounts,
  margin: number,
): { llr: number; difference: number; variance: number } {
  const difference = rate(canary) - rate(stable);
  const variance = differenceVariance(canary, stable, margin);
  return { llr: (margin * difference - (margin * margin) / 2) / variance, difference, variance };
}

/** The outcome of the fixed-sample test at the end of the schedule, with both error rates at this sample size. */
export interface TruncatedDecision {
  unhealthy: boolean;
  /** Chance that a canary as good as the gate (or stable) is rolled back by this test: at most its level. */
  falseRollback: number;
  /** Chance that a canary worse by the whole margin is promoted at this sample size. */
  missedRegression: number;
  /** Whether the sample has the power to promote (missedRegression ≤ MAX_TRUNCATED_MISS). */
  powered: boolean;
}

/**
 * The truncated decision: absolute, the exact binomial tail at the gate (unhealthy from the smallest count whose
 * tail is within the level); compare-to-stable, z = d/√v against z₁₋α. Its level is the function's truncated share.
 */
export function truncatedDecision(
  gate: ErrorRateGate,
  canary: ErrorCounts,
  stable?: ErrorCounts,
): TruncatedDecision {
  const level = gate.falseRollbackRate * BUDGET_SPLIT.truncated;
  const margin = gate.maxErrorRate;
  if (gate.compareToStable && stable !== undefined && stable.invocations > 0) {
    const variance = differenceVariance(canary, stable, margin);
    const sd = Math.sqrt(variance);
    const critical = normalQuantile(1 - level);
    const z = (rate(canary) - rate(stable)) / sd;
    const missedRegression = normalCdf(critical - margin / sd);
    return {
      unhealthy: z > critical,
      falseRollback: level,
      missedRegression,
      powered: missedRegression <= MAX_TRUNCATED_MISS,
    };
  }
  const n = canary.invocations;
  const critical = criticalCount(n, margin, level);
  const missedRegression = critical > n ? 1 : 1 - binomialTail(critical, n, Math.min(1, 2 * margin));
  return {
    unhealthy: canary.errors >= critical,
    falseRollback: critical > n ? 0 : binomialTail(critical, n, margin),
    missedRegression,
    powered: missedRegression <= MAX_TRUNCATED_MISS,
  };
}

/**
 * Wald's average sample number: the canary invocations the sequential test needs on average to conclude when the
 * canary's true error rate is `canaryErrorRate` (with compare-to-stable, against `stable`). The log-likelihood
 * ratio is treated as a random walk with the increments' mean and variance (exact for compare-to-stable's
 * Brownian motion, Wald's approximation for the binomial). Infinity when the canary's rate is undefined.
 */
export function expectedInvocations(
  gate: ErrorRateGate,
  canaryErrorRate: number,
  stable?: StableBaseline,
): number {
  const { unhealthy: a, healthy: b } = sprtBoundaries(gate);
  const { mean, variance } = llrStep(gate, canaryErrorRate, stable);
  if (!Number.isFinite(mean)) return Number.POSITIVE_INFINITY;
  // A canary that never fails walks straight down.
  if (variance <= 0)
    return mean < 0 ? Math.ceil(b / mean) : mean > 0 ? Math.ceil(a / mean) : Number.POSITIVE_INFINITY;
  if (Math.abs(mean) < 1e-15) return Math.ceil((-a * b) / variance);
  const up = upperHitProbability(mean, variance, a, b);
  return Math.ceil((up * a + (1 - up) * b) / mean);
}

/**
 * The canary invocations at which the truncated decision keeps both stated error rates: a canary as good as the
 * gate (or stable) rolled back with at most its level, one worse by the whole margin promoted with at most
 * missed-regression-rate. With compare-to-stable, stable's error rate and its invocations per canary invocation.
 */
export function invocationsForTruncatedDecision(gate: ErrorRateGate, stable?: StableBaseline): number {
  if (gate.compareToStable && stable !== undefined) return compareInvocations(gate, stable);
  // The exact search costs a few milliseconds and depends on the gate alone: once per gate.
  const key = `${gate.maxErrorRate}/${gate.falseRollbackRate}/${gate.missedRegressionRate}`;
  const known = absoluteInvocations.get(key) ?? searchAbsoluteInvocations(gate);
  absoluteInvocations.set(key, known);
  return known;
}

const absoluteInvocations = new Map<string, number>();

function compareInvocations(gate: ErrorRateGate, stable: StableBaseline): number {
  const level = gate.falseRollbackRate * BUDGET_SPLIT.truncated;
  const zSum = normalQuantile(1 - level) + normalQuantile(1 - gate.missedRegressionRate);
  const margin = gate.maxErrorRate;
  const pooled = Math.max(stable.errorRate, margin / 2);
  const perInvocation =
    pooled * (1 - pooled) * (1 + 1 / Math.max(1e-9, stable.invocationsPerCanaryInvocation));
  return Math.ceil((zSum * zSum * perInvocation) / (margin * margin));
}

function searchAbsoluteInvocations(gate: ErrorRateGate): number {
  const level = gate.falseRollbackRate * BUDGET_SPLIT.truncated;
  const margin = gate.maxErrorRate;
  // The normal approximation starts the search; the exact binomial test decides (its miss is not monotone in n,
  // so the first n whose exact miss is within the rate is taken).
  const p1 = Math.min(1, 2 * margin);
  const sd = Math.sqrt(margin * (1 - margin)) * normalQuantile(1 - level);
  const approx = Math.ceil(
    ((sd + Math.sqrt(p1 * (1 - p1)) * normalQuantile(1 - gate.missedRegressionRate)) / margin) ** 2,
  );
  const missAt = (n: number) => truncatedDecision(gate, { errors: 0, invocations: n }).missedRegression;
  let n = Math.max(1, Math.floor(approx * 0.7));
  const step = Math.max(1, Math.floor(approx / 200));
  while (missAt(n) > gate.missedRegressionRate && n < 1e8) n += step;
  return n;
}

/** The mean and variance of the log-likelihood ratio per canary invocation at the given true rates. */
function llrStep(
  gate: ErrorRateGate,
  canaryErrorRate: number,
  stable?: StableBaseline,
): { mean: number; variance: number } {
  const margin = gate.maxErrorRate;
  if (gate.compareToStable && stable !== undefined) {
    // Information per canary invocation: 1/v for one canary invocation and its share of stable ones.
    const pooled = Math.max(stable.errorRate, margin / 2);
    const info =
      1 / (pooled * (1 - pooled) * (1 + 1 / Math.max(1e-9, stable.invocationsPerCanaryInvocation)));
    const drift = canaryErrorRate - stable.errorRate;
    return { mean: info * (margin * drift - (margin * margin) / 2), variance: info * margin * margin };
  }
  const up = Math.log(2);
  const down = Math.log((1 - Math.min(2 * margin, 1 - 1e-9)) / (1 - margin));
  const p = canaryErrorRate;
  const mean = p * up + (1 - p) * down;
  return { mean, variance: p * (1 - p) * (up - down) ** 2 };
}

/** Probability that Brownian motion with this drift and variance reaches a > 0 before b < 0. */
function upperHitProbability(mean: number, variance: number, a: number, b: number): number {
  const k = (-2 * mean) / variance;
  // (1 − e^{k·b}) / (e^{k·a} − e^{k·b}), computed without overflow for either sign of k.
  if (k > 0) {
    const scale = Math.exp(-k * a);
    return (scale - Math.exp(k * (b - a))) / (1 - Math.exp(k * (b - a)));
  }
  return (1 - Math.exp(k * b)) / (Math.exp(k * a) - Math.exp(k * b));
}

/** P(X ≥ count) for X ~ Binomial(n, p). */
export function binomialTail(count: number, n: number, p: number): number {
  if (count <= 0) return 1;
  if (count > n) return 0;
  return incompleteBeta(p, count, n - count + 1);
}

/** The smallest error count whose tail at the gate is within `level` (n + 1 when none is). */
function criticalCount(n: number, gate: number, level: number): number {
  let low = 0;
  let high = n + 1;
  while (low < high) {
    const mid = Math.floor((low + high) / 2);
    if (binomialTail(mid, n, gate) <= level) high = mid;
    else low = mid + 1;
  }
  return low;
}

const rate = (counts: ErrorCounts) => (counts.invocations > 0 ? counts.errors / counts.invocations : 0);

/** Φ(x), the standard normal distribution function (Abramowitz–Stegun 7.1.26 on erf, error < 1.5e-7). */
export function normalCdf(x: number): number {
  const t = 1 / (1 + (0.3275911 * Math.abs(x)) / Math.SQRT2);
  const poly =
    t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429))));
  const erf = 1 - poly * Math.exp(-(x * x) / 2);
  return x >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

const ACKLAM = [
  [
    -39.69683028665376, 220.9460984245205, -275.9285104469687, 138.357751867269, -30.66479806614716,
    2.506628277459239,
  ],
  [-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972, -13.28068155288572],
  [
    -0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734, 4.374664141464968,
    2.938163982698783,
  ],
  [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416],
] as const;

/** Φ⁻¹(p), the standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function normalQuantile(p: number): number {
  if (p <= 0) return Number.NEGATIVE_INFINITY;
  if (p >= 1) return Number.POSITIVE_INFINITY;
  const [a, b, c, d] = ACKLAM;
  const tail = (q: number) =>
    (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
    ((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
  if (p < 0.02425) return tail(Math.sqrt(-2 * Math.log(p)));
  if (p > 1 - 0.02425) return -tail(Math.sqrt(-2 * Math.log(1 - p)));
  const q = p - 0.5;
  const r = q * q;
  return (
    ((((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q) /
    (((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1)
  );
}
