import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type AliasState,
  CancelledError,
  errorMessage,
  formatDuration,
  type Logger,
  mapConcurrent,
  type RecordWriter,
  UserError,
  formatPercent,
  compact,
} from '@lambda-release-kit/core';
import { moveAlias } from './alias-moves.js';
import { ReleaseCanaryTraffic } from './canary-traffic.js';
import { type LookState, MINUTE_MS, plannedLooks } from './check-schedule.js';
import { probeHealth } from './health-probe.js';
import { combineJudgements } from './release-verdict.js';
import type { DeployPlan, FunctionDeploy } from './plan.js';
import { restoreRelease } from './release-restore.js';
import { systemClock, type RolloutClock } from './rollout-clock.js';
import { watchStep } from './step-watch.js';
import { VerdictHistory } from './verdict-history.js';

export interface RolloutClients {
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  /** The client canary traffic invokes with (default `lambda`). */
  canaryInvoker?: LambdaClient | undefined;
}

/** A function whose alias the rollout moves from `previous` to `target`; `alias` is its state as last written. */
export interface RolloutFunction {
  deploy: FunctionDeploy;
  alias: AliasState;
  previous: string;
  target: string;
}

/**
 * The alias-weights canary of every function of the release as one: at each step every alias routes the step's
 * weight to its new version (RevisionId-guarded, a few at a time), and every look judges every function; all
 * healthy → all promote (FunctionVersion = new, routing cleared). Any function unhealthy, inconclusive under
 * `fail`, cancelled (SIGTERM/SIGINT, timeout) or any error once traffic has moved → every alias goes back to its
 * previous version at once, the record says rolled-back, and the error is re-thrown with the reason. Without
 * steps, this is the promotion alone, with the same restore on failure.
 */
export async function aliasWeightsRollout(
  clients: RolloutClients,
  plan: DeployPlan,
  functions: RolloutFunction[],
  writer: RecordWriter,
  logger: Logger,
  signal?: AbortSignal,
  clock: RolloutClock = systemClock,
): Promise<void> {
  const now = () => clock.now();
  const moveAll = (move: (fn: RolloutFunction) => { version: string; weights: Record<string, number> }) =>
    mapConcurrent(functions, plan.concurrency, async (fn) => {
      fn.alias = await moveAlias(
        clients.lambda,
        compact({
          functionName: fn.deploy.functionName,
          alias: fn.deploy.alias,
          ...move(fn),
          revisionId: fn.alias.revisionId,
        }),
      );
    });
  // One body of evidence for the whole rollout: from the minute the first step starts, one false-rollback budget,
  // split evenly between the functions, so a release of several is rolled back falsely no more often than one.
  const judged = functions.map((fn) => ({
    fn,
    history: new VerdictHistory(
      plannedLooks(plan),
      plan.thresholds.falseRollbackRate / functions.length,
      fn.deploy.onInconclusive,
    ),
  }));
  const aliases = [...new Set(functions.map((fn) => fn.deploy.alias))].join(', ');
  const targets = functions.map((fn) => fn.target);
  const versions = functions.length === 1 ? `version ${targets.join('')}` : 'the new versions';
  let evidence: { since: Date; shiftedAt: number; looks: LookState } | undefined;
  let canaryTraffic: ReleaseCanaryTraffic | undefined;
  // Canary traffic ends before promotion or restore, and its final tallies go into the record.
  const stopCanaryTraffic = async () => {
    const running = canaryTraffic;
    canaryTraffic = undefined;
    if (!running) return;
    const tallies = await running.stop(logger);
    await writer.update((record) => running.record(record, tallies));
  };
  try {
    for (const [index, step] of plan.steps.entries()) {
      await moveAll((fn) => ({ version: fn.previous, weights: { [fn.target]: step.weight } }));
      canaryTraffic ??= ReleaseCanaryTraffic.start(
        clients.canaryInvoker ?? clients.lambda,
        functions,
        clock,
        logger,
        signal,
      );
      const startedAt = now();
      const minute = Math.floor(startedAt / MINUTE_MS) * MINUTE_MS;
      evidence ??= {
        since: new Date(minute),
        shiftedAt: startedAt,
        looks: { lastLookAt: startedAt, lastEnd: minute },
      };
      const { since, shiftedAt, looks } = evidence;
      logger.info(
        `step ${index + 1}/${plan.steps.length}: ${formatPercent(step.weight)} of ${aliases} on ${versions}, ` +
          `baking ${formatDuration(step.bakeMs)} with a health check every ${formatDuration(plan.healthCheckIntervalMs)}`,
      );
      const outcome = await watchStep(
        plan,
        step,
        { startedAt, last: index === plan.steps.length - 1, looks },
        async (end, stage) =>
          combineJudgements(
            functions.map((fn) => fn.deploy.functionName),
            await mapConcurrent(judged, plan.concurrency, ({ fn, history }) =>
              probeHealth(
                clients.cloudwatch,
                fn.deploy,
                { target: fn.target, previous: fn.previous },
                { start: since, end },
                shiftedAt,
                history,
                stage,
                signal,
              ),
            ),
          ),
        logger,
        signal,
        clock,
      );
      const { verdict, reason, metrics, functions: perFunction } = outcome.judgement;
      await writer.update((record) => {
        canaryTraffic?.record(record);
        record.steps.push({
          at: new Date(startedAt).toISOString(),
          weight: step.weight,
          verdict,
          reason,
          metrics,
          ...(perFunction ? { functions: perFunction } : {}),
        });
      });
      if (!outcome.proceed) throw new RolloutHalted(`step ${formatPercent(step.weight)}: ${outcome.failure}`);
    }
    await stopCanaryTraffic();
    await moveAll((fn) => ({ version: fn.target, weights: {} }));
    logger.info(
      functions.length === 1
        ? `promoted: ${aliases} serves 100% on ${versions}`
        : `promoted: ${functions.map((fn) => `${fn.deploy.functionName}:${fn.deploy.alias} on version ${fn.target}`).join(', ')}`,
    );
  } catch (error) {
    const reason =
      error instanceof RolloutHalted
        ? error.message
        : error instanceof CancelledError || signal?.aborted
          ? `cancelled (${String(signal?.reason ?? errorMessage(error))})`
          : errorMessage(error);
    await stopCanaryTraffic().catch((failure: unknown) =>
      logger.warning(`could not record the canary traffic: ${errorMessage(failure)}`),
    );
    const restored = await restoreRelease(clients.lambda, plan, functions, reason, writer, logger, now);
    throw rolloutError(error, reason, functions, restored);
  }
}

/** A step that ended without permission to go on (unhealthy or inconclusive). */
class RolloutHalted extends Error {
  override name = 'RolloutHalted';
}

/** Says "rolled back" only for what this run moved back (restoreAlias leaves an alias someone else moved). */
function rolloutError(
  error: unknown,
  reason: string,
  functions: RolloutFunction[],
  restored: RolloutFunction[],
): Error {
  const [only, ...others] = functions;
  if (only && others.length === 0) {
    const { target, previous } = only;
    const untouched = `alias ${only.deploy.alias} did not route to version ${target}, so there was nothing to restore`;
    if (error instanceof RolloutHalted) {
      return new UserError(
        restored.length > 0
          ? `version ${target} was rolled back to ${previous}: ${reason}`
          : `version ${target} failed: ${reason}; ${untouched}`,
      );
    }
    return new Error(
      `${reason}; ${restored.length > 0 ? `alias ${only.deploy.alias} was rolled back to version ${previous}` : untouched}`,
      { cause: error },
    );
  }
  const back = restored.map(
    (fn) => `${fn.deploy.functionName}:${fn.deploy.alias} ${fn.target} → ${fn.previous}`,
  );
  const outcome =
    back.length > 0
      ? `the release was rolled back (${back.join(', ')})`
      : 'no alias routed to a new version, so there was nothing to restore';
  return error instanceof RolloutHalted
    ? new UserError(`${outcome}: ${reason}`)
    : new Error(`${reason}; ${outcome}`, { cause: error });
}
