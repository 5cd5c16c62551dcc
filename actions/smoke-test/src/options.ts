import { readFile } from 'node:fs/promises';
import type { CheckSuite, VersionSource } from '@lambda-release-kit/checks';
import { InputError, type Inputs, type RecordInputs, type Redactor } from '@lambda-release-kit/core';
import { DEFAULT_TIMEOUT_MS, Input } from './constants.js';
import { buildSuite, checkDefinitionsAsInput, type SuiteSources } from './suite.js';

const STATUS = /^\s*([1-5]xx|\d{3}(\s*-\s*\d{3})?)(\s*,\s*([1-5]xx|\d{3}(\s*-\s*\d{3})?))*\s*$/i;
const VERSION_FROM = /^(header|json):\S+$/;

/** Every input of smoke-test, parsed and validated; the check definitions already built into a suite. */
export interface SmokeOptions {
  suite: CheckSuite;
  vars: Record<string, unknown>;
  /** The `secrets` input: values the check engine masks in answers and reports. */
  secrets: string[];
  concurrency: number;
  failFast: boolean;
  timeoutMs: number;
  reportFile?: string | undefined;
  /** The `expect-version` input; without it, the record's target version is expected. */
  expectVersion?: string | undefined;
  /** The `region` input; without it, the record's region, else AWS_REGION. */
  region?: string | undefined;
  recordInputs: RecordInputs;
}

/**
 * Reads every input. The URLs of a checks file are registered with `redactor` as soon as the file is read, before
 * any message can quote them (the `url` and `checks` inputs are registered by the skeleton before this runs).
 */
export async function readOptions(inputs: Inputs, redactor: Redactor): Promise<SmokeOptions> {
  const secrets = inputs.list(Input.Secrets);
  const sources = await readSources(inputs, redactor);
  const vars = await readVars(inputs);
  const recordInputs = { text: inputs.string(Input.Record), file: inputs.string(Input.RecordFile) };
  const concurrency = inputs.integer(Input.Concurrency, { default: 10, min: 1, max: 100 });
  const failFast = inputs.boolean(Input.FailFast, false);
  const timeoutMs = inputs.duration(Input.Timeout, {
    default: DEFAULT_TIMEOUT_MS,
    min: 1000,
    max: 6 * 3_600_000,
  });
  const reportFile = inputs.string(Input.ReportFile);
  const region = inputs.string(Input.Region);
  const expectVersion = inputs.string(Input.ExpectVersion, {
    pattern: /^\d+$/,
    expected:
      'a published version number like "8" (HTTP answers prove it when they report their version: see \'version-from\')',
  });
  const suite = await checkDefinitionsAsInput(() => buildSuite(sources));
  return {
    suite,
    vars,
    secrets,
    concurrency,
    failFast,
    timeoutMs,
    reportFile,
    expectVersion,
    region,
    recordInputs,
  };
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

async function readSources(inputs: Inputs, redactor: Redactor): Promise<SuiteSources> {
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
  if (checksFile) checks = await readChecksFile(checksFile, redactor);
  return {
    url: url
      ? { url, expectStatus, expectBody, sampling: samples ? { count: samples, ...thresholds } : undefined }
      : undefined,
    checks,
    versionFrom: versionSource(inputs),
  };
}

/** The user info of any URL in the file is a password: masked the moment the file is read. */
async function readChecksFile(
  path: string,
  redactor: Redactor,
): Promise<NonNullable<SuiteSources['checks']>> {
  try {
    const text = await readFile(path, 'utf8');
    redactor.addUrlsIn(text);
    return { text, file: `${path} (input '${Input.ChecksFile}')` };
  } catch (error) {
    throw new InputError(
      `input '${Input.ChecksFile}' names ${path}, which cannot be read: ${(error as Error).message}`,
    );
  }
}
