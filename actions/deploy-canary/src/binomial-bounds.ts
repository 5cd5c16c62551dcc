/**
 * Exact (Clopper–Pearson) one-sided confidence bounds for a failure rate seen as `failures` of `trials`. The
 * lower bound at level alpha is the rate p whose chance of showing at least `failures` is alpha; the upper
 * bound is the rate whose chance of showing at most `failures` is alpha. Both come from the binomial tail,
 * written as a regularized incomplete beta function and solved by bisection.
 */

export function lowerBound(failures: number, trials: number, alpha: number): number {
  if (failures <= 0) return 0;
  // P(X >= failures | p) = I_p(failures, trials - failures + 1), increasing in p.
  return solveIncreasing((p) => incompleteBeta(p, failures, trials - failures + 1), alpha);
}

export function upperBound(failures: number, trials: number, alpha: number): number {
  if (failures >= trials) return 1;
  // P(X <= failures | p) = 1 - I_p(failures + 1, trials - failures), decreasing in p.
  return solveIncreasing((p) => incompleteBeta(p, failures + 1, trials - failures), 1 - alpha);
}

/** The p in [0, 1] where an increasing `f` reaches `target`, to 1e-10 (gates are rates of 1e-4 and above). */
function solveIncreasing(f: (p: number) => number, target: number): number {
  let low = 0;
  let high = 1;
  while (high - low > 1e-10) {
    const mid = (low + high) / 2;
    if (f(mid) < target) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** The regularized incomplete beta function I_x(a, b) (continued fraction, Numerical Recipes 6.4). */
export function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log1p(-x));
  return x < (a + 1) / (a + b + 2)
    ? (front * continuedFraction(x, a, b)) / a
    : 1 - (front * continuedFraction(1 - x, b, a)) / b;
}

function continuedFraction(x: number, a: number, b: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  if (Math.abs(d) < tiny) d = tiny;
  d = 1 / d;
  let result = d;
  for (let m = 1; m <= 100_000; m++) {
    const even = (m * (b - m) * x) / ((a + 2 * m - 1) * (a + 2 * m));
    d = 1 + even * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + even / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    result *= d * c;
    const odd = (-(a + m) * (a + b + m) * x) / ((a + 2 * m) * (a + 2 * m + 1));
    d = 1 + odd * d;
    if (Math.abs(d) < tiny) d = tiny;
    c = 1 + odd / c;
    if (Math.abs(c) < tiny) c = tiny;
    d = 1 / d;
    const step = d * c;
    result *= step;
    if (Math.abs(step - 1) < 1e-14) break;
  }
  return result;
}

const LANCZOS_BASE = 0.99999999999980993;
const LANCZOS = [
  676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905,
  -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7,
];

/** ln Γ(z) for z > 0 (Lanczos approximation, g = 7). */
function logGamma(z: number): number {
  if (z < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * z)) - logGamma(1 - z);
  const shifted = z - 1;
  const sum = LANCZOS.reduce((total, c, i) => total + c / (shifted + i + 1), LANCZOS_BASE);
  const t = shifted + 7.5;
  return 0.5 * Math.log(2 * Math.PI) + (shifted + 0.5) * Math.log(t) - t + Math.log(sum);
}
