import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CheckSuite } from '@lambda-release-kit/checks';
import { writeRecordFile, type DeploymentRecord, type Logger } from '@lambda-release-kit/core';
import type { RollbackOptions } from './options.js';
import type { RecordSource } from './record-source.js';
import { rollback, type RollbackResult } from './rollback.js';
import { runVerify, type VerifyResult } from './verify.js';

export interface PerformResult extends RollbackResult {
  verify?: VerifyResult;
  /** Where the updated record was written, when a record file was given. */
  recordFile?: string;
}

/**
 * The whole run shared by the action and the command line: roll back, verify the result with the checks,
 * and write the updated record back to the record file.
 */
export async function performRollback(
  options: RollbackOptions,
  source: RecordSource,
  context: {
    lambda: LambdaClient;
    codedeploy: () => Promise<CodeDeployClient>;
    logger: Logger;
    signal?: AbortSignal;
    by: string;
    release?: DeploymentRecord['release'];
    defaultReason: string;
    verify?: CheckSuite;
  },
): Promise<PerformResult> {
  const started = Date.now();
  const record = source.record;
  const result = await rollback(
    {
      functionName: options.functionName,
      alias: options.alias,
      method: options.method,
      record,
      recordProblem: source.problem,
      recordMissing: source.missing,
      targetVersion: options.targetVersion,
      deploymentId: options.deploymentId,
      codedeployGroup: options.codedeployGroup,
      dryRun: options.dryRun,
      reason: options.reason ?? (record?.error ? `release failed: ${record.error}` : context.defaultReason),
      by: context.by,
      timeoutMs: options.timeoutMs,
      region: options.region,
      release: context.release,
    },
    {
      lambda: context.lambda,
      codedeploy: context.codedeploy,
      logger: context.logger,
      signal: context.signal,
    },
  );

  let recordFile: string | undefined;
  if (options.recordFile && result.rolledBack && result.record) {
    await writeRecordFile(options.recordFile, result.record);
    recordFile = options.recordFile;
    context.logger.info(`wrote the updated deployment record to ${recordFile}`);
  }

  let verify: VerifyResult | undefined;
  const settled = result.outcome === 'rolled-back' || result.outcome === 'nothing-to-do';
  if (context.verify && settled) {
    const suite = context.verify;
    verify = await context.logger.group('Verify the rollback', () =>
      runVerify(suite, {
        lambda: context.lambda,
        logger: context.logger,
        signal: context.signal,
        timeoutMs: Math.max(1_000, options.timeoutMs - (Date.now() - started)),
        functionName: options.functionName,
        alias: options.alias,
        version: result.to,
      }),
    );
  }
  return { ...result, verify, recordFile };
}
