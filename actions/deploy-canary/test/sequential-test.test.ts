import { describe, expect, it } from '@jest/globals';
import {
  absoluteLlr,
  differenceLlr,
  expectedInvocations,
  invocationsForTruncatedDecision,
  normalCdf,
  normalQuantile,
  sprtBoundaries,
  truncatedDecision,
  type ErrorRateGate,
} from '../src/sequential-test.js';
import { seededRandom } from './helpers.js';

const absolute: ErrorRateGate = {
  maxErrorRate: 0.005,
  compareToStable: false,
  falseRollbackRate: 0.01,
  missedRegressionRate: 0.05,
};
const compare: ErrorRateGate = { ...absolute, compareToStable: true };

describe('normal distribution helpers', () => {
  it('match the tables', () => {
    expect(normalQuantile(0.975)).toBeCloseTo(1.959964, 5);
    expect(normalQuantile(0.9975)).toBeCloseTo(2.807034, 5);
    expect(normalQuantile(0.05)).toBeCloseTo(-1.644854, 5);
    expect(normalCdf(1.644854)).toBeCloseTo(0.95, 6);
    expect(normalCdf(-2.807034)).toBeCloseTo(0.0025, 6);
  });
});

describe('sequential boundaries', () => {
  it('are ln(1/α_s) with half the budget, and ln β', () => {
    const { unhealthy, healthy } = sprtBoundaries(absolute);
    expect(unhealthy).toBeCloseTo(Math.log(200), 9);
    expect(healthy).toBeCloseTo(Math.log(0.05), 9);
  });

  it('absolute: zero errors in 1,000 crosses healthy; 9 errors in 100 crosses unhealthy; 5 in 1,000 is neither', () => {
    const { unhealthy, healthy } = sprtBoundaries(absolute);
    expect(absoluteLlr({ errors: 0, invocations: 1000 }, 0.005)).toBeLessThanOrEqual(healthy);
    expect(absoluteLlr({ errors: 0, invocations: 500 }, 0.005)).toBeGreaterThan(healthy);
    expect(absoluteLlr({ errors: 9, invocations: 100 }, 0.005)).toBeGreaterThanOrEqual(unhealthy);
    const middle = absoluteLlr({ errors: 5, invocations: 1000 }, 0.005);
    expect(middle).toBeGreaterThan(healthy);
    expect(middle).toBeLessThan(unhealthy);
  });

  it('compare-to-stable counts the stable version’s noise: the same difference is weaker evidence at 50% than at 10%', () => {
    const atTen = differenceLlr({ errors: 10, invocations: 1000 }, { errors: 90, invocations: 9000 }, 0.005);
    const atFifty = differenceLlr(
      { errors: 10, invocations: 1000 },
      { errors: 10, invocations: 1000 },
      0.005,
    );
    expect(atTen.difference).toBe(0);
    expect(atFifty.variance).toBeCloseTo(0.01 * 0.99 * (2 / 1000), 12);
    expect(atTen.variance).toBeCloseTo(0.01 * 0.99 * (1 / 1000 + 1 / 9000), 12);
    expect(atFifty.llr).toBeGreaterThan(atTen.llr);
  });

  it('compare-to-stable with no errors anywhere does not divide by zero nor conclude on a handful', () => {
    const few = differenceLlr({ errors: 0, invocations: 200 }, { errors: 0, invocations: 1800 }, 0.005);
    expect(Number.isFinite(few.llr)).toBe(true);
    expect(few.llr).toBeGreaterThan(sprtBoundaries(compare).healthy);
  });
});

describe('average sample number', () => {
  it('stable at 1%, margin 0.5 point, 2.3 stable invocations per canary one: a few thousand canary invocations', () => {
    const stable = { errorRate: 0.01, invocationsPerCanaryInvocation: 2.3 };
    const asGood = expectedInvocations(compare, 0.01, stable);
    expect(asGood).toBeGreaterThan(2000);
    expect(asGood).toBeLessThan(5000);
    // Worse by the margin concludes in about as many; far worse much sooner; between, the longest.
    const worse = expectedInvocations(compare, 0.015, stable);
    const broken = expectedInvocations(compare, 0.05, stable);
    const between = expectedInvocations(compare, 0.0125, stable);
    expect(broken).toBeLessThan(worse / 5);
    expect(between).toBeGreaterThan(Math.max(asGood, worse));
  });

  it('absolute gate 0.5%: a clean canary needs under a thousand, one failing 5% a couple of hundred', () => {
    expect(expectedInvocations(absolute, 0)).toBeLessThan(1000);
    expect(expectedInvocations(absolute, 0.005)).toBeGreaterThan(expectedInvocations(absolute, 0));
    expect(expectedInvocations(absolute, 0.05)).toBeLessThan(300);
  });
});

describe('truncated decision', () => {
  it('absolute: rolls back above the exact critical count and states both error rates at this n', () => {
    const clean = truncatedDecision(absolute, { errors: 15, invocations: 3000 });
    expect(clean.unhealthy).toBe(false);
    expect(clean.falseRollback).toBeLessThanOrEqual(0.0025);
    expect(clean.missedRegression).toBeGreaterThan(0.05);
    expect(clean.powered).toBe(true);
    expect(truncatedDecision(absolute, { errors: 30, invocations: 3000 }).unhealthy).toBe(true);
  });

  it('is not powered on a handful of invocations (a canary worse by the margin would likely pass)', () => {
    const few = truncatedDecision(absolute, { errors: 0, invocations: 100 });
    expect(few.unhealthy).toBe(false);
    expect(few.missedRegression).toBeGreaterThan(0.5);
    expect(few.powered).toBe(false);
  });

  it('compare-to-stable with a noisy stable at 1%: z against z at the truncated level', () => {
    const stable = { errors: 126, invocations: 12_600 };
    const same = truncatedDecision(compare, { errors: 54, invocations: 5400 }, stable);
    expect(same.unhealthy).toBe(false);
    expect(same.falseRollback).toBeCloseTo(0.0025, 9);
    // At 5,400 canary and 12,600 stable invocations, one 0.5 point worse is promoted about 2 times in 5.
    expect(same.missedRegression).toBeGreaterThan(0.1);
    expect(same.missedRegression).toBeLessThan(0.5);
    expect(truncatedDecision(compare, { errors: 100, invocations: 5400 }, stable).unhealthy).toBe(true);
  });

  it('invocationsForTruncatedDecision is where the miss probability reaches missed-regression-rate', () => {
    const n = invocationsForTruncatedDecision(absolute);
    expect(truncatedDecision(absolute, { errors: 0, invocations: n }).missedRegression).toBeLessThanOrEqual(
      0.05,
    );
    expect(
      truncatedDecision(absolute, { errors: 0, invocations: Math.floor(n * 0.8) }).missedRegression,
    ).toBeGreaterThan(0.05);

    const stable = { errorRate: 0.01, invocationsPerCanaryInvocation: 1 };
    const nc = invocationsForTruncatedDecision(compare, stable);
    const counts = (k: number) => ({ errors: Math.round(0.01 * k), invocations: k });
    expect(truncatedDecision(compare, counts(nc), counts(nc)).missedRegression).toBeCloseTo(0.05, 2);
    // Two-sided bounds needed ~15,000 here; the truncated decision needs about as many, the SPRT a fraction.
    expect(nc).toBeGreaterThan(10_000);
    expect(expectedInvocations(compare, 0.01, stable)).toBeLessThan(nc / 2);
  });
});

describe('the truncated decision’s stated error rates hold in simulation (seeded)', () => {
  const random = seededRandom(11);
  const errorsOf = (n: number, rate: number) => {
    let errors = 0;
    for (let i = 0; i < n; i++) if (random() < rate) errors++;
    return errors;
  };
  const rejections = (n: number, rate: number, runs: number) => {
    let count = 0;
    for (let run = 0; run < runs; run++) {
      if (truncatedDecision(absolute, { errors: errorsOf(n, rate), invocations: n }).unhealthy) count++;
    }
    return count / runs;
  };

  it('on 2,500 invocations: at the gate rolled back at most its level, at twice the gate promoted as stated', () => {
    const stated = truncatedDecision(absolute, { errors: 0, invocations: 2500 });
    expect(rejections(2500, 0.005, 2000)).toBeLessThanOrEqual(stated.falseRollback + 0.004);
    const promoted = 1 - rejections(2500, 0.01, 2000);
    expect(Math.abs(promoted - stated.missedRegression)).toBeLessThan(0.04);
  });
});
