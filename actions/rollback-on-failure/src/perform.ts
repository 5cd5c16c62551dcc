import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { DeploymentRecord, Logger } from '@lambda-release-kit/core';
import type { RollbackOptions } from './options.js';
import type { RecordSource } from './record-source.js';
import { rollbackRelease, type ReleaseRollbackResult } from './release-rollback.js';
import { runVerify, type VerifyResult } from './verify.js';
import type { WorkflowRun } from './workflow-run.js';

export interface PerformResult extends ReleaseRollbackResult {
  verify?: VerifyResult | undefined;
  /** Where the updated record was written, when there is a record file. */
  recordFile?: string | undefined;
}

/** How the action and the command line differ: clients, who asks, and where the updated record goes. */
export interface PerformContext {
  lambda: LambdaClient;
  codedeploy: () => Promise<CodeDeployClient>;
  logger: Logger;
  signal?: AbortSignal | undefined;
  by: string;
  release?: DeploymentRecord['release'] | undefined;
  /** The workflow run this rollback belongs to (see workflow-run.ts); undefined at a terminal. */
  run?: WorkflowRun | undefined;
  defaultReason: string;
  /** Persists the updated record; answers the file it was written to, if any. */
  saveRecord(record: DeploymentRecord): Promise<string | undefined>;
}

/**
 * The whole run shared by the action and the command line: roll back every function, save the updated record at once (so a
 * verification that fails or hangs cannot lose it), then verify the result with the checks.
 */
export async function performRollback(
  options: RollbackOptions,
  source: RecordSource,
  context: PerformContext,
): Promise<PerformResult> {
  const started = Date.now();
  const record = source.record;
  const [first, ...others] = source.targets;
  if (!first) {
    const explanation = source.nothing ?? 'nothing to do: no function to roll back';
    context.logger.info(explanation);
    return { outcome: 'nothing-to-do', rolledBack: false, durationMs: 0, explanation, functions: [] };
  }
  const result = await rollbackRelease(
    {
      ...options,
      targets: [first, ...others],
      record,
      recordProblem: source.problem,
      recordMissing: source.missing,
      reason: options.reason ?? (record?.error ? `release failed: ${record.error}` : context.defaultReason),
      by: context.by,
      release: context.release,
      run: context.run,
    },
    context,
  );

  let recordFile: string | undefined;
  if (result.rolledBack && result.record) {
    recordFile = await context.saveRecord(result.record);
    if (recordFile) context.logger.info(`wrote the updated deployment record to ${recordFile}`);
  }

  let verify: VerifyResult | undefined;
  const settled = result.outcome === 'rolled-back' || result.outcome === 'nothing-to-do';
  if (options.verify && settled) {
    const suite = options.verify;
    // The checks' variables describe the first function; checks of a release of several name their functions.
    verify = await context.logger.group('Verify the rollback', () =>
      runVerify(suite, {
        lambda: context.lambda,
        logger: context.logger,
        signal: context.signal,
        timeoutMs: Math.max(1_000, options.timeoutMs - (Date.now() - started)),
        functionName: first.functionName,
        alias: first.alias,
        version: result.functions[0]?.result?.to,
      }),
    );
  }
  return { ...result, verify, recordFile };
}
