import { formatDuration, type Logger, pause } from '@lambda-release-kit/core';
import type { HealthJudgement } from './health.js';
import { stepDeadlineMs, type DeployPlan } from './plan.js';
import { formatPercent, type CanaryStep } from './traffic-steps.js';

export interface StepOutcome {
  judgement: HealthJudgement;
  /** True when the rollout may go on (healthy, or inconclusive with on-inconclusive: promote). */
  proceed: boolean;
  /** Why the rollout stops, with the numbers, when it may not go on. */
  failure?: string;
}

/**
 * Watches one canary step: a health check every `health-check-interval` (the last one exactly at the end of the
 * bake time), so a bad version is caught within one interval instead of at the end of the step. At the end of
 * the bake an inconclusive sample follows `on-inconclusive`: wait (keep checking until the step's deadline),
 * fail, or promote.
 */
export async function watchStep(
  plan: DeployPlan,
  step: CanaryStep,
  startedAt: number,
  check: (window: { start: Date; end: Date }) => Promise<HealthJudgement>,
  logger: Logger,
  signal?: AbortSignal,
  now: () => number = Date.now,
): Promise<StepOutcome> {
  const bakeEnd = startedAt + step.bakeMs;
  const deadline = startedAt + stepDeadlineMs(plan, step);
  const interval = plan.healthCheckIntervalMs;
  const maxChecks = Math.ceil((deadline - startedAt) / interval) + 2;
  let judgement: HealthJudgement | undefined;
  for (let count = 1; count <= maxChecks; count++) {
    const at = now();
    const nextStop = at < bakeEnd ? bakeEnd : deadline;
    await pause(Math.max(0, Math.min(interval, nextStop - at)), signal);
    const checkedAt = now();
    judgement = await check({ start: new Date(startedAt), end: new Date(checkedAt) });
    const elapsed = formatDuration(checkedAt - startedAt);
    logger.info(
      `  ${formatPercent(step.weight)} step, check ${count} at ${elapsed}: ${judgement.verdict} — ${judgement.reason}`,
    );
    if (judgement.verdict === 'unhealthy') return { judgement, proceed: false, failure: judgement.reason };
    if (checkedAt < bakeEnd) continue;
    if (judgement.verdict === 'healthy') return { judgement, proceed: true };
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
  return {
    judgement: judgement!,
    proceed: false,
    failure: `inconclusive after ${maxChecks} checks: ${judgement!.reason}`,
  };
}
