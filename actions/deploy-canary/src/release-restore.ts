import type { LambdaClient } from '@aws-sdk/client-lambda';
import { errorMessage, type Logger, mapConcurrent, type RecordWriter } from '@lambda-release-kit/core';
import { restoreAlias } from './alias-moves.js';
import type { RolloutFunction } from './alias-rollout.js';
import type { DeployPlan } from './plan.js';

type Restore =
  { fn: RolloutFunction; restored: true } | { fn: RolloutFunction; restored: false; failure?: string };

/**
 * Puts every alias of the release back on its previous version, a few at a time, each guarded as restoreAlias
 * is; one failed restore never stops the others. Records a rollback entry per function restored and finishes the
 * record: rolled-back when any alias moved back, failed otherwise. When a restore fails, the error names each
 * function left on its new version with the command that fixes it. Returns the functions restored.
 */
export async function restoreRelease(
  lambda: LambdaClient,
  plan: Pick<DeployPlan, 'concurrency'>,
  functions: RolloutFunction[],
  reason: string,
  writer: RecordWriter,
  logger: Logger,
  now: () => number,
): Promise<RolloutFunction[]> {
  const started = now();
  const outcomes = await mapConcurrent(functions, plan.concurrency, async (fn): Promise<Restore> => {
    const { functionName, alias } = fn.deploy;
    logger.warning(`rolling back ${alias} to version ${fn.previous}: ${reason}`);
    try {
      const restored = await restoreAlias(
        lambda,
        { functionName, alias, previous: fn.previous, target: fn.target },
        logger,
      );
      return restored ? { fn, restored: true } : { fn, restored: false };
    } catch (error) {
      return {
        fn,
        restored: false,
        failure: `restoring alias ${alias} of ${functionName} to version ${fn.previous} failed: ${errorMessage(error)}`,
      };
    }
  });
  const restored = outcomes.flatMap((outcome) => (outcome.restored ? [outcome.fn] : []));
  await writer.update((record) => {
    for (const fn of restored) {
      record.rollbacks.push({
        at: new Date(started).toISOString(),
        from: fn.target,
        to: fn.previous,
        method: 'alias',
        reason,
        by: 'deploy-canary',
        durationMs: now() - started,
        function: fn.deploy.functionName,
      });
    }
  });
  const failed = outcomes.flatMap((outcome) => (!outcome.restored && outcome.failure ? [outcome] : []));
  if (failed.length > 0) {
    const failure = `${failed.map((outcome) => outcome.failure).join('; ')} (after: ${reason})`;
    await writer.finish('failed', failure);
    const fixes = failed.map(
      ({ fn }) =>
        `aws lambda update-alias --function-name ${fn.deploy.functionName} --name ${fn.deploy.alias} --function-version ${fn.previous} --routing-config '{}'`,
    );
    throw new Error(
      functions.length === 1
        ? `${failure}; run rollback-on-failure with the deployment record`
        : `${failure}; left on the new version: ${failed.map(({ fn }) => `${fn.deploy.functionName}:${fn.deploy.alias}`).join(', ')} — run rollback-on-failure with the deployment record, or ${fixes.join(' && ')}`,
    );
  }
  // Nothing to undo (traffic never reached the new versions, or someone else moved the aliases): a plain failure.
  await writer.finish(restored.length > 0 ? 'rolled-back' : 'failed', reason);
  return restored;
}
