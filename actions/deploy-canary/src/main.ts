import * as core from '@actions/core';
import {
  cloudwatchClient,
  codedeployClient,
  lambdaClient,
  resolveRegion,
  cancellationSignal,
  createRecord,
  type DeploymentRecord,
  errorMessage,
  Inputs,
  releaseContext,
  serializeRecord,
  singleFunction,
  writeRecordFile,
} from '@lambda-release-kit/core';
import { actionsLogger, runAction, runnerRedactor, setOutputs, writeSummary } from '@lambda-release-kit/core/runner';
import { ACTION_NAME, Input, Output } from './constants.js';
import { deployCanary, initialRecord } from './deploy.js';
import { readDeployPlan, readRecordPlace } from './inputs.js';
import { RecordWriter } from './record-writer.js';
import { summaryContent } from './summary.js';

/**
 * Reads and validates every input, then deploys. Outputs and the job summary are written on success and on
 * failure alike (the record then says how far the deploy got), and the error is re-thrown so the step fails.
 */
export async function run(): Promise<void> {
  await runAction(ACTION_NAME, async () => {
    const started = Date.now();
    // The pre-traffic checks may carry URLs with user info (`https://user:pass@host/`): masked as soon as read.
    runnerRedactor.addUrlsIn(core.getInput(Input.PreTrafficCheck));
    const inputs = new Inputs((name) => core.getInput(name));
    const plan = await readDeployPlan(inputs, process.env).catch((error: unknown) =>
      recordInputFailure(inputs, error),
    );
    const aws = { action: ACTION_NAME, region: inputs.string(Input.Region) };
    const clients = {
      lambda: lambdaClient(aws),
      cloudwatch: cloudwatchClient(aws),
      codedeploy: codedeployClient(aws),
    };
    const writer = new RecordWriter(
      initialRecord(plan, resolveRegion(aws.region)),
      plan.recordFile,
      (record) => setOutputs({ [Output.Record]: serializeRecord(record) }),
    );
    const { signal, dispose } = cancellationSignal(plan.timeoutMs);
    let planLines: string[] | undefined;
    try {
      ({ planLines } = await deployCanary(clients, plan, writer, actionsLogger, signal));
    } finally {
      dispose();
      await report(writer, Date.now() - started, planLines);
    }
  });
}

async function report(writer: RecordWriter, durationMs: number, planLines?: string[]): Promise<void> {
  const record: DeploymentRecord = writer.record;
  const released = singleFunction(record, ACTION_NAME);
  setOutputs({
    [Output.FunctionName]: released.function.name,
    [Output.Alias]: released.alias,
    [Output.PreviousVersion]: released.previous?.version,
    [Output.NewVersion]:
      released.target?.version ?? (record.status === 'no-op' ? released.previous?.version : undefined),
    [Output.DeploymentId]: released.codedeploy?.deploymentId,
    [Output.Status]: record.status,
    [Output.Record]: serializeRecord(record),
    [Output.RecordFile]: writer.path,
    [Output.DurationMs]: durationMs,
  });
  const summary = summaryContent(record, durationMs, planLines);
  await writeSummary(summary.title, summary.facts, summary.tables);
}

/**
 * An input error stops the deploy before any AWS call; when the function, alias and record file can still be read,
 * a record (status failed, no target) says so, so the rollback job finds "this release moved no traffic" instead of
 * a missing file, which would make it decide from the live state and undo the release that is live.
 */
async function recordInputFailure(inputs: Inputs, error: unknown): Promise<never> {
  const place = (() => {
    try {
      return readRecordPlace(inputs, process.env);
    } catch {
      return undefined;
    }
  })();
  if (place) {
    const record = createRecord({
      functions: [{ function: { name: place.functionName }, alias: place.alias }],
      // The required field; the 'strategy' input may be the invalid one, so the default is recorded.
      strategy: 'alias-weights',
      release: releaseContext(),
      status: 'failed',
      error: errorMessage(error),
      finishedAt: new Date().toISOString(),
    });
    await writeRecordFile(place.recordFile, record).catch((failure: unknown) =>
      core.warning(`could not write the deployment record to ${place.recordFile}: ${errorMessage(failure)}`),
    );
    setOutputs({ [Output.Record]: serializeRecord(record), [Output.Status]: record.status });
  }
  throw error;
}
