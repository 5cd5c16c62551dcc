import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  CheckDefinitionError,
  describeFailure,
  parseChecks,
  runChecks,
  type Check,
  type CheckSuite,
} from '@lambda-release-kit/checks';
import { InputError, type Logger, UserError, bareFunctionName } from '@lambda-release-kit/core';
import { Input } from './constants.js';
import { type FunctionDeploy } from './plan.js';

const PRE_TRAFFIC_TIMEOUT_MS = 5 * 60_000;

/**
 * Parses the `pre-traffic-check` input (smoke-test's check syntax). Only invoke checks make sense before traffic
 * moves: an HTTP request through the alias would still reach the old version.
 */
export function parsePreTrafficCheck(text: string): CheckSuite {
  let suite: CheckSuite;
  try {
    suite = parseChecks(text, { file: `input '${Input.PreTrafficCheck}'` });
  } catch (error) {
    if (error instanceof CheckDefinitionError)
      throw new InputError(`input '${Input.PreTrafficCheck}': ${error.message}`);
    throw error;
  }
  const http = allChecks(suite).find((check) => check.request);
  if (http) {
    throw new InputError(
      `input '${Input.PreTrafficCheck}' has the HTTP check "${http.name}" — expected invoke checks only: before any traffic moves, ` +
        'only a direct invoke reaches the new version (use smoke-test after the deploy for HTTP checks)',
    );
  }
  if (allChecks(suite).length === 0) throw new InputError(`input '${Input.PreTrafficCheck}' has no checks`);
  return suite;
}

function allChecks(suite: CheckSuite): Check[] {
  return suite.items.flatMap((item) => ('check' in item ? [item.check] : item.flow.steps));
}

/**
 * Invokes the new version directly and asserts the answers before any traffic moves. Checks that invoke this
 * function (by name or `{{ function }}`) are pointed at the new version; templates also get `function`,
 * `alias`, `version` and `previous_version`. Any failure stops the deploy with the alias untouched.
 */
export async function runPreTrafficCheck(
  lambda: LambdaClient,
  plan: FunctionDeploy,
  versions: { target: string; previous?: string | undefined },
  suite: CheckSuite,
  logger: Logger,
  signal?: AbortSignal,
): Promise<void> {
  const names = new Set([
    plan.functionName,
    bareFunctionName(plan.functionName),
    '{{ function }}',
    '{{function}}',
  ]);
  for (const check of allChecks(suite)) {
    if (check.invoke && names.has(check.invoke.function.trim())) check.invoke.qualifier = versions.target;
  }
  const result = await runChecks(suite, {
    lambda,
    logger,
    ...(signal ? { signal } : {}),
    vars: {
      function: plan.functionName,
      alias: plan.alias,
      version: versions.target,
      ...(versions.previous ? { previous_version: versions.previous } : {}),
    },
    env: {},
    timeoutMs: PRE_TRAFFIC_TIMEOUT_MS,
  });
  for (const check of result.checks) {
    logger.info(`  ${check.passed ? 'passed' : check.skipped ? 'skipped' : 'FAILED'}: ${check.name}`);
  }
  if (!result.passed) {
    const failures = result.checks.flatMap((check) =>
      !check.passed && !check.skipped && check.failure
        ? [`${check.name}: ${describeFailure(check.failure)}`]
        : [],
    );
    throw new UserError(
      `pre-traffic check of version ${versions.target} failed (${result.failedCount} of ${result.total}), no traffic was moved: ${failures.join('; ')}`,
    );
  }
  logger.info(
    `pre-traffic check passed: ${result.passedCount} of ${result.total} checks on version ${versions.target}`,
  );
}
