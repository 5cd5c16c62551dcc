import {
  type AliasState,
  errorMessage,
  type FunctionRelease,
  type Logger,
  type RecordWriter,
  UserError,
} from '@lambda-release-kit/core';
import { codeDeployRollout, type CodeDeployClients } from './codedeploy-rollout.js';
import { FUNCTION_CONCURRENCY } from './constants.js';
import type { FunctionDeploy } from './plan.js';
import { restoreRelease } from './release-restore.js';

/** A function whose alias CodeDeploy moves from `alias` (as preflight read it) to `target`. */
export interface CodeDeployFunction {
  deploy: FunctionDeploy;
  alias: AliasState;
  target: string;
  entry: FunctionRelease;
}

/**
 * strategy codedeploy for the whole release: one deployment per function, in parallel. When any fails, the
 * others are stopped with automatic rollback (as a cancelled deploy is), those that had already succeeded get
 * their alias restored, and the record ends rolled-back when any traffic went back, failed otherwise. One
 * function is the single deployment as it always was.
 */
export async function codeDeployRollouts(
  clients: CodeDeployClients,
  functions: CodeDeployFunction[],
  writer: RecordWriter,
  logger: Logger,
  signal?: AbortSignal,
): Promise<'promoted' | 'in-progress'> {
  const rollout = (fn: CodeDeployFunction, stop?: AbortSignal) => {
    const { deploy } = fn;
    if (deploy.strategy !== 'codedeploy')
      throw new Error(`${deploy.functionName} has no CodeDeploy settings`);
    return codeDeployRollout(clients, deploy, fn.alias, fn.target, fn.entry, writer, logger, stop);
  };
  const [only, ...others] = functions;
  if (!only) return 'promoted';
  if (others.length === 0) return rollout(only, signal);

  const siblings = new AbortController();
  const stop = signal ? AbortSignal.any([signal, siblings.signal]) : siblings.signal;
  const settled = await Promise.allSettled(
    functions.map((fn) =>
      rollout(fn, stop).catch((error: unknown) => {
        if (!siblings.signal.aborted) {
          siblings.abort(`the deployment of ${fn.deploy.functionName} failed: ${errorMessage(error)}`);
        }
        throw error;
      }),
    ),
  );
  const failures = settled.flatMap((result, index) =>
    result.status === 'rejected'
      ? [`${functions[index]?.deploy.functionName}: ${errorMessage(result.reason)}`]
      : [],
  );
  if (failures.length === 0) {
    return settled.some((result) => result.status === 'fulfilled' && result.value === 'in-progress')
      ? 'in-progress'
      : 'promoted';
  }
  const failure = failures.join('; ');
  // A deployment that succeeded before another failed has moved its alias: put it back as a rollout would.
  const promoted = functions.filter((_, index) => settled[index]?.status === 'fulfilled');
  if (promoted.length > 0) {
    await restoreRelease(
      clients.lambda,
      { concurrency: FUNCTION_CONCURRENCY },
      promoted.map((fn) => ({
        deploy: fn.deploy,
        alias: fn.alias,
        previous: fn.alias.version,
        target: fn.target,
      })),
      failure,
      writer,
      logger,
      Date.now,
    );
  }
  const rolledBack = writer.record.rollbacks.length > 0;
  await writer.finish(rolledBack ? 'rolled-back' : 'failed', failure);
  throw new UserError(`the release ${rolledBack ? 'was rolled back' : 'failed'}: ${failure}`);
}
