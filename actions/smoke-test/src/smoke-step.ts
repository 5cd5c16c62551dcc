import type { LambdaClient } from '@aws-sdk/client-lambda';
import { lambdaClient, UserError } from '@lambda-release-kit/core';
import { runnerRedactor, type ReleaseActionDefinition } from '@lambda-release-kit/core/runner';
import { ACTION, Input, Output } from './constants.js';
import { readOptions, type SmokeOptions } from './options.js';
import { runSmokeTest, type SmokeTestResult } from './smoke-test.js';
import { checkDefinitionsAsInput, usesInvoke } from './suite.js';
import { failureHeadline, smokeSummary } from './summary.js';

interface SmokeClients {
  /** Only when a check invokes Lambda directly: HTTP-only suites need no AWS credentials or region. */
  lambda?: LambdaClient | undefined;
}

/** smoke-test: runs the checks against the new version and appends the outcome to the record, when one is given. */
export const smokeTest: ReleaseActionDefinition<SmokeOptions, SmokeClients, SmokeTestResult> = {
  name: ACTION,
  secretListInputs: [Input.Secrets],
  // The user info of any URL (`https://user:pass@host/`) is a password: masked before anything can quote it.
  urlInputs: [Input.Url, Input.Checks],
  readOptions: (inputs) => readOptions(inputs, runnerRedactor),
  recordPlace: (options) => options.recordInputs,
  writesRecord: true,
  clients: (options, reading, env) => ({
    lambda: usesInvoke(options.suite)
      ? lambdaClient({ action: ACTION, region: options.region ?? reading.record?.region, env })
      : undefined,
  }),
  async run(options, { clients, reading, logger, redactor, signal, env }) {
    const outcome = await checkDefinitionsAsInput(() =>
      runSmokeTest(
        options.suite,
        { ...options, env, record: reading.record },
        { logger, redactor, lambda: clients.lambda, signal },
      ),
    );
    return {
      result: outcome,
      record: outcome.record,
      failure: outcome.result.passed ? undefined : new UserError(failureHeadline(outcome.result)),
    };
  },
  outputs: ({ result, report, reportFiles }) => ({
    [Output.Passed]: result.passedCount,
    [Output.Total]: result.total,
    [Output.Failed]: result.failedCount + result.skippedCount,
    [Output.Report]: report,
    [Output.ReportFile]: reportFiles[0],
    [Output.DurationMs]: result.durationMs,
  }),
  summary: smokeSummary,
};
