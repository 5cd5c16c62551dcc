import type { HealthJudgement } from './health.js';
import type { DeployPlan } from './plan.js';

/**
 * When CloudWatch data can be judged, and how much of the catastrophe fast path's budget each look spends (the
 * sequential test spends nothing per look: its boundaries hold under continuous monitoring).
 *
 * Lambda publishes metrics per whole minute, some time after the minute ends: with a `metric-delay`, only
 * minutes that ended at least that long ago are complete. A delay of 0 takes everything up to now (for a
 * sandbox that publishes at once).
 */

export const MINUTE_MS = 60_000;

/** The end of the data that is complete at `now`: a whole minute, `delayMs` in the past. */
export function publishedEnd(now: number, delayMs: number): number {
  if (delayMs === 0) return now;
  return Math.floor((now - delayMs) / MINUTE_MS) * MINUTE_MS;
}

/** When the data up to `at` (the minute containing it, whole) has been published. */
export function publishedBy(at: number, delayMs: number): number {
  if (delayMs === 0) return at;
  return Math.ceil(at / MINUTE_MS) * MINUTE_MS + delayMs;
}

/** Where the looks of a rollout stand: when the last one ran, how far its data reached and what it found. */
export interface LookState {
  lastLookAt: number;
  lastEnd: number;
  lastJudgement?: HealthJudgement;
}

/**
 * When the next look is due: at most one per interval, and with a metric delay, not before another minute is
 * published (then right when it is, so a bad minute is judged as soon as CloudWatch has it).
 */
export function nextLookAt(state: LookState, intervalMs: number, delayMs: number): number {
  const due = state.lastLookAt + intervalMs;
  return delayMs === 0 ? due : Math.max(due, state.lastEnd + MINUTE_MS + delayMs);
}

/**
 * Looks the rollout plans: one per interval in each bake, the looks while the last bake's minutes are published
 * (with a metric delay), and one more for the verdict before promotion.
 */
export function plannedLooks(
  plan: Pick<DeployPlan, 'steps' | 'healthCheckIntervalMs' | 'metricDelayMs'>,
): number {
  const interval = plan.healthCheckIntervalMs;
  const inBakes = plan.steps.reduce((sum, step) => sum + Math.ceil(step.bakeMs / interval), 0);
  const whilePublished = plan.metricDelayMs > 0 ? Math.ceil((MINUTE_MS + plan.metricDelayMs) / interval) : 0;
  return inBakes + whilePublished + 1;
}

/**
 * Alpha spending for the catastrophe fast path (a Bonferroni union bound over every look): the k-th look with new
 * data may roll back only at level alpha_k, and the alpha_k of all looks sum to at most `budget`. Half is front-loaded and
 * halves at each look (a quarter at the first, so a broken version is caught at once; looks beyond the plan,
 * while waiting for a verdict, still get some); the other half is spread evenly over the planned looks.
 */
export function lookAlpha(look: number, planned: number, budget: number): number {
  const even = look <= planned ? budget / 2 / planned : 0;
  return budget / 2 / 2 ** look + even;
}

/** Counts the looks that had new data, so each spends its own share of the budget. */
export class LookCounter {
  private looks = 0;

  constructor(
    private readonly planned: number,
    private readonly budget: number,
  ) {}

  /** The alpha of the next look with new data (and counts it). */
  next(): number {
    this.looks++;
    return lookAlpha(this.looks, this.planned, this.budget);
  }
}
