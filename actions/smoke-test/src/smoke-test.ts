import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, extname } from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  runChecks,
  toJsonReport,
  toJUnitXml,
  toRecordSummary,
  unprovenLines,
  type CheckSuite,
  type SuiteResult,
} from '@lambda-release-kit/checks';
import {
  bareFunctionName,
  withContext,
  type DeploymentRecord,
  type Logger,
  type Redactor,
} from '@lambda-release-kit/core';
import { ACTION } from './constants.js';

export interface SmokeTestOptions {
  vars: Record<string, unknown>;
  env: NodeJS.ProcessEnv;
  concurrency: number;
  failFast: boolean;
  timeoutMs: number;
  /** The version answers must come from; without it, the record's new version. */
  expectVersion?: string | undefined;
  secrets: string[];
  record?: DeploymentRecord | undefined;
  reportFile?: string | undefined;
}

export interface SmokeTestResult {
  result: SuiteResult;
  /** The JSON report (redacted). */
  report: string;
  /** Files written: the one asked for, and its sibling in the other format. */
  reportFiles: string[];
  /** The version answers had to come from, when one was expected (for several functions, each one's: "api 3, worker 8"). */
  expectVersion?: string | undefined;
  /** The record with this run appended to `smokeTests`, when a record was given. */
  record?: DeploymentRecord | undefined;
}

/**
 * Variables every template can use when a deployment record is given: the record, and for a release of one function
 * its name, alias and versions (a release of several has them per function in `record.functions`).
 */
export function recordVars(record: DeploymentRecord): Record<string, unknown> {
  const [tested, ...others] = record.functions;
  if (others.length > 0) return { record };
  return {
    record,
    function: tested.function.name,
    alias: tested.alias,
    ...(tested.target ? { version: tested.target.version } : {}),
    ...(tested.previous ? { previous_version: tested.previous.version } : {}),
  };
}

/** Runs the suite, writes the report files and adds the outcome to the record. */
export async function runSmokeTest(
  suite: CheckSuite,
  options: SmokeTestOptions,
  deps: {
    logger: Logger;
    /** The run's redactor, so secrets found while checking are masked in every line. */
    redactor?: Redactor | undefined;
    lambda?: LambdaClient | undefined;
    fetch?: typeof fetch | undefined;
    signal?: AbortSignal | undefined;
    now?: (() => Date) | undefined;
  },
): Promise<SmokeTestResult> {
  const vars = { ...(options.record ? recordVars(options.record) : {}), ...options.vars };
  const expected = expectedVersions(options);
  const result = await runChecks(suite, {
    lambda: deps.lambda,
    fetch: deps.fetch,
    logger: deps.logger,
    signal: deps.signal,
    vars,
    env: options.env,
    concurrency: options.concurrency,
    failFast: options.failFast,
    timeoutMs: options.timeoutMs,
    expectVersion: expected.version,
    expectFunctionVersion: expected.byFunction,
    releaseFunctions: options.record?.functions.map((f) => f.function.name),
    secrets: options.secrets,
    redactor: deps.redactor,
    now: deps.now,
  });
  const unproven = unprovenLines(result);
  if (unproven.length > 0) {
    deps.logger.warning(
      `${unproven.length} of ${result.total} checks passed without proving which version answered:\n  ${unproven.slice(0, 10).join('\n  ')}`,
    );
  }
  const report = toJsonReport(result, ACTION);
  const reportFiles = options.reportFile ? await writeReports(options.reportFile, result, report) : [];
  const record = options.record && {
    ...options.record,
    smokeTests: [...(options.record.smokeTests ?? []), toRecordSummary(result, deps.now?.() ?? new Date())],
  };
  return { result, report, reportFiles, expectVersion: expected.shown, record };
}

/**
 * The versions answers must come from: the `expect-version` input for every check, else the record's new version;
 * for a release of several functions, each invoke check expects its own function's new version, and each HTTP
 * check the new version of the function it names (`function:`); an HTTP check naming none is not version-checked.
 */
function expectedVersions(options: SmokeTestOptions): {
  version?: string | undefined;
  byFunction?: (functionName: string) => string | undefined;
  shown?: string | undefined;
} {
  if (options.expectVersion || !options.record) {
    return { version: options.expectVersion, shown: options.expectVersion };
  }
  const [only, ...others] = options.record.functions;
  if (others.length === 0) return { version: only.target?.version, shown: only.target?.version };
  const targets = new Map(
    options.record.functions.flatMap((f) =>
      f.target ? [[bareFunctionName(f.function.name), f.target.version] as const] : [],
    ),
  );
  return {
    byFunction: (functionName) => targets.get(bareFunctionName(functionName)),
    shown: [...targets].map(([name, version]) => `${name} ${version}`).join(', ') || undefined,
  };
}

/** Writes the asked file (`.xml` gives JUnit XML, anything else JSON) and the other format next to it. */
async function writeReports(file: string, result: SuiteResult, report: string): Promise<string[]> {
  const isXml = extname(file).toLowerCase() === '.xml';
  const base = extname(file) ? file.slice(0, -extname(file).length) : file;
  const sibling = isXml ? `${base}.json` : `${base}.xml`;
  const junit = toJUnitXml(result, ACTION);
  await withContext(`writing the report to ${file}`, async () => {
    await mkdir(dirname(file), { recursive: true });
    await writeFile(file, isXml ? junit : report);
    await writeFile(sibling, isXml ? report : junit);
  });
  return [file, sibling];
}
