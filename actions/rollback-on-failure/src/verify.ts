import type { LambdaClient } from '@aws-sdk/client-lambda';
import type { CheckSuite, SuiteResult } from '@lambda-release-kit/checks';
import { errorMessage, InputError, UserError, type Logger } from '@lambda-release-kit/core';
import { Input } from './constants.js';

// The check engine is loaded with import() only when 'verify' is given, so a plain rollback starts faster.

/** Parses the `verify` checks (smoke-test's `checks` syntax: inline YAML/JSON, or the path of a checks file). */
export async function parseVerify(text: string): Promise<CheckSuite> {
  const { parseChecks, parseChecksFile } = await import('@lambda-release-kit/checks');
  const isPath = !text.includes('\n') && /\.(ya?ml|json)$/i.test(text);
  try {
    return isPath ? await parseChecksFile(text) : parseChecks(text, { file: `input '${Input.Verify}'` });
  } catch (error) {
    throw new InputError(`input '${Input.Verify}' has invalid checks — ${errorMessage(error)}`);
  }
}

export interface VerifyResult {
  passed: number;
  failed: number;
  total: number;
  failures: string[];
}

/** Runs the checks against the rolled-back alias; the variables functionName, alias and version are available. */
export async function runVerify(
  suite: CheckSuite,
  context: {
    lambda: LambdaClient;
    logger: Logger;
    signal?: AbortSignal | undefined;
    timeoutMs: number;
    functionName: string;
    alias: string;
    version?: string | undefined;
  },
): Promise<VerifyResult> {
  const { runChecks } = await import('@lambda-release-kit/checks');
  let result: SuiteResult;
  try {
    result = await runChecks(suite, {
      lambda: context.lambda,
      logger: context.logger,
      signal: context.signal,
      timeoutMs: context.timeoutMs,
      vars: { functionName: context.functionName, alias: context.alias, version: context.version ?? '' },
    });
  } catch (error) {
    throw new UserError(`verifying the rollback failed before any check ran: ${errorMessage(error)}`);
  }
  const failures = result.checks
    .filter((check) => !check.passed && !check.skipped)
    .map(
      (check) => `${check.flow ? `${check.flow} / ` : ''}${check.name}: ${check.failure?.reason ?? 'failed'}`,
    );
  context.logger.info(
    `verify: ${result.passedCount} passed, ${result.failedCount} failed of ${result.total} checks`,
  );
  return { passed: result.passedCount, failed: result.failedCount, total: result.total, failures };
}
