import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { CheckDefinitionError, type VersionSource } from '@lambda-release-kit/checks';
import {
  lambdaClient,
  cancellationSignal,
  defaultPathOfRecord,
  InputError,
  Inputs,
  readRecordInputs,
  serializeRecord,
  UserError,
  withContext,
  writeRecordFile,
  type DeploymentRecord,
} from '@lambda-release-kit/core';
import { actionsLogger, maskSecrets, runAction, runnerRedactor, setOutputs, writeSummary } from '@lambda-release-kit/core/runner';
import { ACTION, DEFAULT_TIMEOUT_MS, Input, Output } from './constants.js';
import { expectedVersion, runSmokeTest } from './smoke-test.js';
import { buildSuite, usesInvoke, type SuiteSources } from './suite.js';
import { failureHeadline, SUMMARY_HEADER, summaryRows, summaryTitle } from './summary.js';

const STATUS = /^\s*([1-5]xx|\d{3}(\s*-\s*\d{3})?)(\s*,\s*([1-5]xx|\d{3}(\s*-\s*\d{3})?))*\s*$/i;
const VERSION_FROM = /^(header|json):\S+$/;

/**
 * Writes the updated record to the 'record-file' input, else to deploy-canary's default file of its function and
 * alias (so a later rollback in this job finds the smoke results), and returns the path.
 */
async function writeRecord(inputs: Inputs, record: DeploymentRecord): Promise<string> {
  const path =
    inputs.string(Input.RecordFile) ?? defaultPathOfRecord(record, process.env.RUNNER_TEMP || tmpdir());
  await withContext(`writing the deployment record to ${path}`, () => writeRecordFile(path, record));
  return path;
}

async function readVars(inputs: Inputs): Promise<Record<string, unknown>> {
  const vars = await inputs.document(Input.Vars);
  if (vars === undefined) return {};
  if (vars === null || typeof vars !== 'object' || Array.isArray(vars)) {
    throw new InputError(
      `input '${Input.Vars}' is not a map — expected YAML or JSON like "user: smoke" or {"user":"smoke"}`,
    );
  }
  return vars as Record<string, unknown>;
}

function versionSource(inputs: Inputs): VersionSource | undefined {
  const text = inputs.string(Input.VersionFrom, {
    pattern: VERSION_FROM,
    expected: '"header:<name>" (e.g. header:x-app-version) or "json:<JSONPath>" (e.g. json:$.version)',
  });
  if (!text) return undefined;
  const at = text.indexOf(':');
  const where = text.slice(at + 1);
  return text.startsWith('header:') ? { header: where.toLowerCase() } : { json: where };
}

async function readSources(inputs: Inputs): Promise<SuiteSources> {
  const url = inputs.string(Input.Url, { pattern: /^(https?:\/\/|\{\{)/i, expected: 'an http(s) URL' });
  const checksText = inputs.string(Input.Checks);
  const checksFile = inputs.string(Input.ChecksFile);
  if (!url && !checksText && !checksFile) {
    throw new InputError(
      `input '${Input.Url}' is required but was not given (or give '${Input.Checks}' or '${Input.ChecksFile}')`,
    );
  }
  if (checksText && checksFile) {
    throw new InputError(
      `inputs '${Input.Checks}' and '${Input.ChecksFile}' were both given — give one of them`,
    );
  }
  const samples = inputs.integer(Input.Samples, { min: 1, max: 10_000 });
  const thresholds = {
    maxErrorRate: inputs.percentage(Input.MaxErrorRate),
    maxP50Ms: inputs.duration(Input.MaxP50Latency, { min: 1 }),
    maxP95Ms: inputs.duration(Input.MaxP95Latency, { min: 1 }),
    maxP99Ms: inputs.duration(Input.MaxP99Latency, { min: 1 }),
  };
  const expectStatus = inputs.string(Input.ExpectStatus, {
    pattern: STATUS,
    expected: 'status codes or ranges like "200", "2xx", "200-299" or "200,204"',
  });
  const expectBody = inputs.string(Input.ExpectBody);
  if (!url) {
    const orphan = [Input.ExpectStatus, Input.ExpectBody, Input.Samples].find((name) => inputs.has(name));
    if (orphan)
      throw new InputError(`input '${orphan}' applies to the '${Input.Url}' check, and 'url' was not given`);
  }
  const hasThreshold = Object.values(thresholds).some((value) => value !== undefined);
  if (hasThreshold && samples === undefined) {
    throw new InputError(
      `input '${Input.Samples}' is required with '${Input.MaxErrorRate}' and the latency thresholds (how many requests to judge)`,
    );
  }

  let checks: SuiteSources['checks'];
  if (checksText) checks = { text: checksText, file: `input '${Input.Checks}'` };
  if (checksFile) {
    try {
      checks = {
        text: await readFile(checksFile, 'utf8'),
        file: `${checksFile} (input '${Input.ChecksFile}')`,
      };
      runnerRedactor.addUrlsIn(checks.text);
    } catch (error) {
      throw new InputError(
        `input '${Input.ChecksFile}' names ${checksFile}, which cannot be read: ${(error as Error).message}`,
      );
    }
  }
  return {
    url: url
      ? { url, expectStatus, expectBody, sampling: samples ? { count: samples, ...thresholds } : undefined }
      : undefined,
    checks,
    versionFrom: versionSource(inputs),
  };
}

export async function run(): Promise<void> {
  await runAction(ACTION, async () => {
    const inputs = new Inputs((name) => core.getInput(name));
    const secrets = inputs.list(Input.Secrets);
    maskSecrets(...secrets);
    // The user info of any URL (`https://user:pass@host/`) is a password: masked before anything can quote it.
    for (const name of [Input.Url, Input.Checks]) runnerRedactor.addUrlsIn(core.getInput(name));

    const sources = await readSources(inputs);
    const vars = await readVars(inputs);
    const { record } = await readRecordInputs({
      text: inputs.string(Input.Record),
      file: inputs.string(Input.RecordFile),
    });
    const concurrency = inputs.integer(Input.Concurrency, { default: 10, min: 1, max: 100 });
    const failFast = inputs.boolean(Input.FailFast, false);
    const timeoutMs = inputs.duration(Input.Timeout, {
      default: DEFAULT_TIMEOUT_MS,
      min: 1000,
      max: 6 * 3_600_000,
    });
    const reportFile = inputs.string(Input.ReportFile);
    const region = inputs.string(Input.Region) ?? record?.region;
    const expectVersion = expectedVersion(
      inputs.string(Input.ExpectVersion, {
        pattern: /^\d+$/,
        expected: 'a published version number like "8"',
      }),
      record,
    );

    let suite;
    try {
      suite = buildSuite(sources);
    } catch (error) {
      if (error instanceof CheckDefinitionError) throw new InputError(error.message);
      throw error;
    }
    const lambda = usesInvoke(suite) ? lambdaClient({ action: ACTION, region, env: process.env }) : undefined;

    const cancellation = cancellationSignal();
    let outcome;
    try {
      outcome = await runSmokeTest(
        suite,
        {
          vars,
          env: process.env,
          concurrency,
          failFast,
          timeoutMs,
          expectVersion,
          secrets,
          record,
          reportFile,
        },
        { logger: actionsLogger, redactor: runnerRedactor, lambda, signal: cancellation.signal },
      );
    } catch (error) {
      if (error instanceof CheckDefinitionError) throw new InputError(error.message);
      throw error;
    } finally {
      cancellation.dispose();
    }
    const { result } = outcome;
    const recordFile = outcome.record && (await writeRecord(inputs, outcome.record));

    setOutputs({
      [Output.Passed]: result.passedCount,
      [Output.Total]: result.total,
      [Output.Failed]: result.failedCount + result.skippedCount,
      [Output.Report]: outcome.report,
      [Output.ReportFile]: outcome.reportFiles[0],
      [Output.DurationMs]: result.durationMs,
      [Output.Record]: outcome.record && serializeRecord(outcome.record),
      [Output.RecordFile]: recordFile,
    });
    const facts: Array<[string, string]> = [
      [
        'Checks',
        `${result.passedCount} passed, ${result.failedCount} failed, ${result.skippedCount} skipped`,
      ],
      ['Duration', `${result.durationMs}ms`],
    ];
    if (expectVersion) facts.push(['Expected version', expectVersion]);
    if (outcome.reportFiles.length > 0) facts.push(['Report', outcome.reportFiles.join(', ')]);
    await writeSummary(summaryTitle(result), facts, [{ header: SUMMARY_HEADER, rows: summaryRows(result) }]);
    if (!result.passed) throw new UserError(failureHeadline(result));
  });
}
