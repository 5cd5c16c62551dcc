import { formatDuration, type Logger, formatPercent } from '@lambda-release-kit/core';
import { type LookState, nextLookAt, publishedBy, publishedEnd } from './check-schedule.js';
import type { HealthJudgement } from './health.js';
import { stepDeadlineMs, type DeployPlan } from './plan.js';
import { systemClock, type RolloutClock } from './rollout-clock.js';
import type { CanaryStep } from './traffic-steps.js';

export interface StepOutcome {
  judgement: HealthJudgement;
  /** True when the rollout may go on (healthy, or inconclusive before the last step or under promote). */
  proceed: boolean;
  /** Why the rollout stops, with the numbers, when it may not go on. */
  failure?: string;
}

/** Where the step is in the rollout: the last step's verdict decides promotion; looks carry over between steps. */
export interface StepPosition {
  startedAt: number;
  last: boolean;
  looks: LookState;
}

/**
 * Watches one canary step. It looks at the evidence published so far when a new minute is published, at most
 * once per `health-check-interval`, so a bad version is caught within one interval plus the metric delay. Evidence accumulates over the rollout, so an inconclusive earlier step goes on to the next
 * (more traffic, more evidence). The last step is judged once the minute holding the end of its bake is
 * published; then an inconclusive verdict follows `on-inconclusive`: wait (keep looking until the step's
 * deadline), fail, or promote.
 */
export async function watchStep(
  plan: DeployPlan,
  step: CanaryStep,
  position: StepPosition,
  check: (publishedUntil: Date) => Promise<HealthJudgement>,
  logger: Logger,
  signal?: AbortSignal,
  clock: RolloutClock = systemClock,
): Promise<StepOutcome> {
  const now = () => clock.now();
  const { startedAt, last, looks } = position;
  const bakeEnd = startedAt + step.bakeMs;
  const judgedAt = last ? publishedBy(bakeEnd, plan.metricDelayMs) : bakeEnd;
  const deadline = Math.max(judgedAt, startedAt + stepDeadlineMs(plan, step));
  const interval = plan.healthCheckIntervalMs;
  const maxLooks = 2 * Math.ceil((deadline - startedAt) / interval) + 2;
  let judgement: HealthJudgement | undefined;
  for (let count = 1; count <= maxLooks; count++) {
    const at = now();
    const nextStop = at < judgedAt ? judgedAt : deadline;
    const wake = Math.min(nextStop, nextLookAt(looks, interval, plan.metricDelayMs));
    await clock.sleep(Math.max(0, wake - at), signal);
    const checkedAt = now();
    const end = publishedEnd(checkedAt, plan.metricDelayMs);
    if (end <= looks.lastEnd && checkedAt < judgedAt) continue;
    looks.lastLookAt = checkedAt;
    looks.lastEnd = Math.max(looks.lastEnd, end);
    judgement = await check(new Date(end));
    logger.info(
      `  ${formatPercent(step.weight)} step at ${formatDuration(checkedAt - startedAt)} (data to ${new Date(end).toISOString()}): ` +
        `${judgement.verdict} — ${judgement.reason}`,
    );
    if (judgement.verdict === 'unhealthy') return { judgement, proceed: false, failure: judgement.reason };
    if (checkedAt < judgedAt) continue;
    if (judgement.verdict === 'healthy') return { judgement, proceed: true };
    if (!last) {
      logger.info(`  no verdict yet; the next step adds to the same evidence`);
      return { judgement, proceed: true };
    }
    if (plan.onInconclusive === 'promote') {
      logger.warning(
        `the sample stayed inconclusive (${judgement.reason}); going on because on-inconclusive is promote`,
      );
      return { judgement, proceed: true };
    }
    if (plan.onInconclusive === 'fail' || checkedAt >= deadline) {
      const waited =
        plan.onInconclusive === 'wait' ? ` after waiting ${formatDuration(checkedAt - startedAt)}` : '';
      return { judgement, proceed: false, failure: `inconclusive${waited}: ${judgement.reason}` };
    }
  }
  const final = judgement ?? {
    verdict: 'inconclusive' as const,
    reason: 'no published data was judged',
    metrics: {},
  };
  return {
    judgement: final,
    proceed: false,
    failure: `inconclusive after ${maxLooks} looks: ${final.reason}`,
  };
}
