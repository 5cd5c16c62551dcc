import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { errorMessage, type Logger } from '@lambda-release-kit/core';
import { publishedEnd } from './check-schedule.js';
import { type EvidencePlan, planEvidence, readAliasHistory } from './evidence-plan.js';
import type { FunctionDeploy } from './plan.js';

export interface EvidenceCheck {
  /** Each canaried function's plan, by function name. */
  plans: Map<string, EvidencePlan>;
  /** Why the release must not start: a function that cannot conclude under on-inconclusive fail. */
  refusal?: string | undefined;
}

/**
 * Before anything changes: reads the last hour of every alias the canary will move (one CloudWatch call), plans
 * the evidence of each function, logs it, warns for each that is not expected to conclude (saying what to set),
 * and says why the release must be refused when such a function's on-inconclusive is fail. A failed read only
 * warns: the plan is advice, the verdicts still judge. Functions without an alias yet (first releases) and
 * releases without canary steps have nothing to plan.
 */
export async function checkEvidence(
  cloudwatch: CloudWatchClient,
  deploys: readonly FunctionDeploy[],
  now: number,
  logger: Logger,
  signal?: AbortSignal,
): Promise<EvidenceCheck> {
  const canaried = deploys.filter((deploy) => deploy.strategy === 'alias-weights' && deploy.steps.length > 0);
  const [first] = canaried;
  if (!first) return { plans: new Map() };
  // The plan is advice: without it (CloudWatch failing past the SDK's retries) the release goes on unplanned.
  const histories = await readAliasHistory(
    cloudwatch,
    canaried,
    publishedEnd(now, first.metricDelayMs),
    signal,
  ).catch((error: unknown) => {
    if (signal?.aborted) throw error;
    logger.warning(
      `no evidence plan: reading the aliases' last hour from CloudWatch failed (${errorMessage(error)}); the verdicts will still say what they need`,
    );
    return undefined;
  });
  if (!histories) return { plans: new Map() };
  const plans = new Map<string, EvidencePlan>();
  const refused: string[] = [];
  canaried.forEach((deploy, index) => {
    const history = histories[index];
    if (!history) return;
    const plan = planEvidence({ ...deploy, functionsInRelease: canaried.length }, history);
    plans.set(deploy.functionName, plan);
    if (!plan.advice) {
      logger.info(plan.line);
      return;
    }
    logger.warning(`${plan.line}; ${plan.advice}`);
    if (deploy.onInconclusive === 'fail') refused.push(`${plan.line}; ${plan.advice}`);
  });
  if (refused.length === 0) return { plans };
  return {
    plans,
    refusal: `refused before any change: on-inconclusive is fail and no verdict is expected — ${refused.join('; ')}`,
  };
}
