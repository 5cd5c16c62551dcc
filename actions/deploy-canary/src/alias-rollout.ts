import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type AliasState,
  CancelledError,
  errorMessage,
  formatDuration,
  type Logger,
  type RecordWriter,
  updateAlias,
  UserError,
  formatPercent,
} from '@lambda-release-kit/core';
import { restoreAlias } from './alias-moves.js';
import { LookCounter, type LookState, MINUTE_MS, plannedLooks } from './check-schedule.js';
import { probeHealth } from './health-probe.js';
import type { DeployPlan } from './plan.js';
import { systemClock, type RolloutClock } from './rollout-clock.js';
import { watchStep } from './step-watch.js';

export interface RolloutClients {
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
}

/**
 * The alias-weights canary: for each step, route its weight to the new version (RevisionId-guarded) and watch
 * it; healthy everywhere → promote (FunctionVersion = new, routing cleared). Unhealthy, inconclusive under
 * `fail`, cancelled (SIGTERM/SIGINT, timeout) or any error once traffic has moved → the alias goes back to the
 * previous version at once, the record says rolled-back, and the error is re-thrown with the reason.
 */
export async function aliasWeightsRollout(
  clients: RolloutClients,
  plan: DeployPlan,
  from: AliasState,
  target: string,
  writer: RecordWriter,
  logger: Logger,
  signal?: AbortSignal,
  clock: RolloutClock = systemClock,
): Promise<AliasState> {
  const now = () => clock.now();
  const fn = plan.functionName;
  const previous = from.version;
  let alias = from;
  // One body of evidence for the whole rollout: from the minute the first step starts, one false-rollback budget.
  const budget = new LookCounter(plannedLooks(plan), plan.thresholds.falseRollbackRate);
  let evidence: { since: Date; shiftedAt: number; looks: LookState } | undefined;
  try {
    for (const [index, step] of plan.steps.entries()) {
      alias = await updateAlias(clients.lambda, {
        functionName: fn,
        alias: plan.alias,
        version: previous,
        weights: { [target]: step.weight },
        revisionId: alias.revisionId,
      });
      const startedAt = now();
      const minute = Math.floor(startedAt / MINUTE_MS) * MINUTE_MS;
      evidence ??= {
        since: new Date(minute),
        shiftedAt: startedAt,
        looks: { lastLookAt: startedAt, lastEnd: minute },
      };
      const { since, shiftedAt, looks } = evidence;
      logger.info(
        `step ${index + 1}/${plan.steps.length}: ${formatPercent(step.weight)} of ${plan.alias} on version ${target}, ` +
          `baking ${formatDuration(step.bakeMs)} with a health check every ${formatDuration(plan.healthCheckIntervalMs)}`,
      );
      const outcome = await watchStep(
        plan,
        step,
        { startedAt, last: index === plan.steps.length - 1, looks },
        (end) =>
          probeHealth(
            clients.cloudwatch,
            plan,
            { target, previous },
            { start: since, end },
            shiftedAt,
            budget,
            signal,
          ),
        logger,
        signal,
        clock,
      );
      await writer.update((record) =>
        record.steps.push({
          at: new Date(startedAt).toISOString(),
          weight: step.weight,
          verdict: outcome.judgement.verdict,
          reason: outcome.judgement.reason,
          metrics: outcome.judgement.metrics,
        }),
      );
      if (!outcome.proceed) throw new RolloutHalted(`step ${formatPercent(step.weight)}: ${outcome.failure}`);
    }
    alias = await updateAlias(clients.lambda, {
      functionName: fn,
      alias: plan.alias,
      version: target,
      weights: {},
      revisionId: alias.revisionId,
    });
    logger.info(`promoted: ${plan.alias} serves 100% on version ${target}`);
    return alias;
  } catch (error) {
    const reason =
      error instanceof RolloutHalted
        ? error.message
        : error instanceof CancelledError || signal?.aborted
          ? `cancelled (${String(signal?.reason ?? errorMessage(error))})`
          : errorMessage(error);
    const restored = await rollBack(clients.lambda, plan, { previous, target }, reason, writer, logger, now);
    // Say "rolled back" only when this run moved traffic back (restoreAlias leaves an alias that someone else moved).
    const untouched = `alias ${plan.alias} did not route to version ${target}, so there was nothing to restore`;
    if (error instanceof RolloutHalted) {
      throw new UserError(
        restored
          ? `version ${target} was rolled back to ${previous}: ${reason}`
          : `version ${target} failed: ${reason}; ${untouched}`,
      );
    }
    throw new Error(
      `${reason}; ${restored ? `alias ${plan.alias} was rolled back to version ${previous}` : untouched}`,
      { cause: error },
    );
  }
}

/** A step that ended without permission to go on (unhealthy or inconclusive). */
class RolloutHalted extends Error {
  override name = 'RolloutHalted';
}

async function rollBack(
  lambda: LambdaClient,
  plan: DeployPlan,
  versions: { previous: string; target: string },
  reason: string,
  writer: RecordWriter,
  logger: Logger,
  now: () => number,
): Promise<boolean> {
  const started = now();
  logger.warning(`rolling back ${plan.alias} to version ${versions.previous}: ${reason}`);
  let restored: boolean;
  try {
    restored = await restoreAlias(
      lambda,
      { functionName: plan.functionName, alias: plan.alias, ...versions },
      logger,
    );
  } catch (error) {
    const failure = `restoring alias ${plan.alias} to version ${versions.previous} failed: ${errorMessage(error)} (after: ${reason})`;
    await writer.finish('failed', failure);
    throw new Error(`${failure}; run rollback-on-failure with the deployment record`, { cause: error });
  }
  await writer.update((record) => {
    if (restored) {
      record.rollbacks.push({
        at: new Date(started).toISOString(),
        from: versions.target,
        to: versions.previous,
        method: 'alias',
        reason,
        by: 'deploy-canary',
        durationMs: now() - started,
      });
    }
  });
  // Nothing to undo (traffic never reached the new version, or someone else moved the alias): a plain failure.
  await writer.finish(restored ? 'rolled-back' : 'failed', reason);
  return restored;
}
