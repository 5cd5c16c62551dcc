import { formatDuration, type Logger, formatPercent } from '@lambda-release-kit/core';
import { type LookState, nextLookAt, publishedBy, publishedEnd } from './check-schedule.js';
import type { HealthJudgement, LookStage } from './health.js';
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

/** One look: the evidence published until the given time, judged at this stage of the schedule. */
export type LookCheck = (publishedUntil: Date, stage: LookStage) => Promise<HealthJudgement>;

/**
 * When the last step's wait for a verdict ends: the bake's last minute is published at `judgedAt`, and waiting
 * adds bake-timeout's extra time (beyond the bake) of NEW published minutes after that, so every minute of the
 * wait can be judged.
 */
export function waitDeadline(
  plan: Pick<DeployPlan, 'bakeTimeoutMs' | 'metricDelayMs'>,
  step: CanaryStep,
  startedAt: number,
): number {
  const judgedAt = publishedBy(startedAt + step.bakeMs, plan.metricDelayMs);
  return judgedAt + (stepDeadlineMs(plan, step) - step.bakeMs);
}

/**
 * Watches one canary step. It looks at the evidence published so far once per newly published minute (at most
 * once per `health-check-interval`, never twice on the same data), so a bad version is caught within one interval
 * plus the metric delay. Evidence accumulates over the rollout, so an inconclusive earlier step goes on to the
 * next (more traffic, more evidence). The last step is judged once the minute holding the end of its bake is
 * published; an inconclusive verdict then follows the on-inconclusive of its inconclusive functions: wait (keep
 * looking at new minutes until the wait deadline, where the truncated decision settles it), fail, or promote.
 */
export async function watchStep(
  plan: DeployPlan,
  step: CanaryStep,
  position: StepPosition,
  check: LookCheck,
  logger: Logger,
  signal?: AbortSignal,
  clock: RolloutClock = systemClock,
): Promise<StepOutcome> {
  const now = () => clock.now();
  const { startedAt, last, looks } = position;
  const bakeEnd = startedAt + step.bakeMs;
  const delay = plan.metricDelayMs;
  const interval = plan.healthCheckIntervalMs;
  const judgedAt = last ? publishedBy(bakeEnd, delay) : bakeEnd;
  const deadline = last ? waitDeadline(plan, step, startedAt) : bakeEnd;
  const maxLooks = 2 * Math.ceil((deadline - startedAt) / Math.min(interval, 60_000)) + 4;

  const look = async (checkedAt: number, end: number, stage: LookStage) => {
    looks.lastLookAt = checkedAt;
    looks.lastEnd = Math.max(looks.lastEnd, end);
    const judgement = await check(new Date(end), stage);
    looks.lastJudgement = judgement;
    logger.info(
      `  ${formatPercent(step.weight)} step at ${formatDuration(checkedAt - startedAt)} (data to ${new Date(end).toISOString()}): ` +
        `${judgement.verdict} — ${judgement.reason}`,
    );
    return judgement;
  };

  for (let count = 1; count <= maxLooks; count++) {
    const at = now();
    const due = nextLookAt(looks, interval, delay);
    const wake = at < judgedAt ? Math.min(due, judgedAt) : due;
    await clock.sleep(Math.max(0, wake - at), signal);
    const checkedAt = now();
    const end = publishedEnd(checkedAt, delay);
    const fresh = end > looks.lastEnd;

    if (!last) {
      if (!fresh && checkedAt < bakeEnd) continue;
      const previous = looks.lastJudgement;
      const judgement = fresh || previous === undefined ? await look(checkedAt, end, 'bake') : previous;
      if (judgement.verdict === 'unhealthy') return { judgement, proceed: false, failure: judgement.reason };
      if (checkedAt < bakeEnd) continue;
      if (judgement.verdict !== 'healthy')
        logger.info(`  no verdict yet; the next step adds to the same evidence`);
      return { judgement, proceed: true };
    }

    // One look per newly published minute: the same data is never judged twice.
    if (!fresh) continue;
    const stage: LookStage =
      checkedAt < judgedAt
        ? 'bake'
        : checkedAt >= deadline ||
            nextLookAt({ lastLookAt: checkedAt, lastEnd: end }, interval, delay) > deadline
          ? 'deadline'
          : 'end';
    const judgement = await look(checkedAt, end, stage);
    if (judgement.verdict === 'unhealthy') return { judgement, proceed: false, failure: judgement.reason };
    if (stage === 'bake') continue;
    if (judgement.verdict === 'healthy') return { judgement, proceed: true };
    const policy = judgement.onInconclusive ?? plan.onInconclusive;
    if (policy === 'promote') {
      logger.warning(
        `the sample stayed inconclusive (${judgement.reason}); going on because on-inconclusive is promote`,
      );
      return { judgement, proceed: true };
    }
    if (policy === 'fail') return { judgement, proceed: false, failure: `inconclusive: ${judgement.reason}` };
    if (stage === 'deadline') {
      return {
        judgement,
        proceed: false,
        failure: `inconclusive after waiting ${formatDuration(checkedAt - startedAt)}: ${judgement.reason}`,
      };
    }
  }
  const final = looks.lastJudgement ?? {
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
