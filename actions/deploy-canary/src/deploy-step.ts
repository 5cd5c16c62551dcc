import {
  cloudwatchClient,
  codedeployClient,
  createRecord,
  errorMessage,
  type Inputs,
  lambdaClient,
  RecordWriter,
  releaseContext,
  resolveRegion,
  serializeRecord,
  compact,
} from '@lambda-release-kit/core';
import type { InputErrorRecord, ReleaseActionDefinition } from '@lambda-release-kit/core/runner';
import { ACTION_NAME, Input, Output } from './constants.js';
import {
  deployCanary,
  deployResult,
  initialRecord,
  type DeployClients,
  type DeployResult,
} from './deploy.js';
import { readRecordPlace } from './function-targets.js';
import { readDeployPlan } from './options.js';
import type { DeployPlan } from './plan.js';
import { summaryContent } from './summary.js';

export interface DeployReport extends DeployResult {
  durationMs: number;
}

/**
 * deploy-canary: reads and validates every input, then deploys. Outputs and the job summary are written on success
 * and on failure alike (the record then says how far the deploy got), and then the step fails with the error.
 */
export const deployCanaryStep: ReleaseActionDefinition<DeployPlan, DeployClients, DeployReport> = {
  name: ACTION_NAME,
  // The pre-traffic checks may carry URLs with user info (`https://user:pass@host/`).
  urlInputs: [Input.PreTrafficCheck],
  readOptions: readDeployPlan,
  inputErrorRecord,
  recordPlace: (plan) => ({ file: plan.recordFile, newRecord: true }),
  writesRecord: true,
  timeoutMs: (plan) => plan.timeoutMs,
  clients: (plan, _reading, env) => {
    const aws = compact({ action: ACTION_NAME, region: plan.region, env });
    return {
      lambda: lambdaClient(aws),
      cloudwatch: cloudwatchClient(aws),
      codedeploy: codedeployClient(aws),
    };
  },
  run: async (plan, { clients, saveRecord, logger, signal, env }) => {
    const started = Date.now();
    const writer = new RecordWriter(initialRecord(plan, resolveRegion(plan.region, env)), saveRecord);
    const report = (result: DeployResult) => ({ ...result, durationMs: Date.now() - started });
    // The writer has saved every change, so the record is not handed back to be written once more.
    try {
      return { result: report(await deployCanary(clients, plan, writer, logger, signal)) };
    } catch (failure) {
      return { result: report(deployResult(writer.record)), failure };
    }
  },
  outputs: (report, plan) => ({
    ...singleFunctionOutputs(report),
    [Output.Functions]: JSON.stringify(
      report.functions.map((fn) => ({
        name: fn.name,
        alias: fn.alias,
        'previous-version': fn.previousVersion ?? null,
        'new-version': fn.newVersion ?? null,
      })),
    ),
    [Output.PreviousVersion]: report.previousVersion,
    [Output.NewVersion]: report.newVersion,
    [Output.DeploymentId]: report.deploymentId,
    [Output.Status]: report.status,
    [Output.Record]: serializeRecord(report.record),
    [Output.RecordFile]: plan.recordFile,
    [Output.DurationMs]: report.durationMs,
  }),
  summary: (report) => summaryContent(report, report.durationMs),
};

/** function-name and alias: set for a release of one function only. */
function singleFunctionOutputs(report: DeployReport): Record<string, string> {
  const [only, ...others] = report.functions;
  return only && others.length === 0 ? { [Output.FunctionName]: only.name, [Output.Alias]: only.alias } : {};
}

/**
 * An input error stops the deploy before any AWS call; when the function, alias and record file can still be read,
 * a record (status failed, no target) says so, so the rollback job finds "this release moved no traffic" instead of
 * a missing file, which would make it decide from the live state and undo the release that is live.
 */
function inputErrorRecord(
  inputs: Inputs,
  error: unknown,
  env: NodeJS.ProcessEnv,
): InputErrorRecord | undefined {
  let place: ReturnType<typeof readRecordPlace>;
  try {
    place = readRecordPlace(inputs, env);
  } catch {
    return undefined;
  }
  const [first, ...rest] = place.functions;
  const entry = (fn: (typeof place.functions)[number]) => ({
    function: { name: fn.functionName },
    alias: fn.alias,
  });
  const record = createRecord({
    functions: [entry(first), ...rest.map(entry)],
    ...(place.environment !== undefined ? { environment: place.environment } : {}),
    // The required field; the 'strategy' input may be the invalid one, so the default is recorded.
    strategy: 'alias-weights',
    release: releaseContext(env),
    status: 'failed',
    error: errorMessage(error),
    finishedAt: new Date().toISOString(),
  });
  const functions = place.functions.map((fn) => ({
    name: fn.functionName,
    alias: fn.alias,
    'previous-version': null,
    'new-version': null,
  }));
  return {
    record,
    file: place.recordFile,
    outputs: { [Output.Status]: record.status, [Output.Functions]: JSON.stringify(functions) },
  };
}
