import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bareFunctionName } from './arn.js';

export const RECORD_SCHEMA = 'lambda-release-record/v2';
/** The single-function schema of earlier releases: still read, upgraded to v2 on reading, never written. */
export const RECORD_SCHEMA_V1 = 'lambda-release-record/v1';

export type Strategy = 'codedeploy' | 'alias-weights' | 'all-at-once';
export type RecordStatus = 'planned' | 'in-progress' | 'promoted' | 'rolled-back' | 'failed' | 'no-op';
export type Verdict = 'healthy' | 'unhealthy' | 'inconclusive';
/** How traffic was restored; `codedeploy-auto` is CodeDeploy's own automatic rollback of a failed deployment. */
export type RollbackMethod = 'alias' | 'codedeploy-stop' | 'codedeploy-auto' | 'code';

/** The release-relevant settings of a version, as recorded. */
export interface ConfigurationRef {
  memorySize?: number;
  timeout?: number;
  handler?: string;
  runtime?: string;
  layers?: string[];
  ephemeralStorage?: number;
  /** The variable names and a hash of their values: values may be secrets, so they are never recorded. */
  environment?: { names: string[]; valuesSha256: string };
}

export interface VersionRef {
  version: string;
  codeSha256?: string;
  imageUri?: string;
  /** S3 object the code came from, for code rollbacks of functions without aliases. */
  s3?: { bucket: string; key: string; objectVersion?: string };
  aliasRevisionId?: string;
  configuration?: ConfigurationRef;
}

/** One function's verdict within a traffic step. */
export interface FunctionVerdict {
  verdict: Verdict;
  reason?: string;
  metrics?: Record<string, number | null>;
}

export interface TrafficStep {
  at: string;
  /** Share of traffic on the new version after this step (0–1). */
  weight: number;
  /** The release's verdict at this step. */
  verdict: Verdict;
  reason?: string;
  metrics?: Record<string, number | null>;
  /** The verdict of each function, by function name, when the step judged several. */
  functions?: Record<string, FunctionVerdict>;
}

export interface RollbackEntry {
  at: string;
  from: string;
  to: string;
  method: RollbackMethod;
  reason: string;
  by: string;
  durationMs?: number;
  /** The function this entry restored (absent in v1 records, which had one). */
  function?: string;
}

/** A smoke-test run as the record keeps it under `smokeTests`. */
export interface CheckResultSummary {
  at: string;
  passed: number;
  failed: number;
  total: number;
  failures?: string[];
  /**
   * One line per check whose answer did not prove the version it came from ("health: version not proven: …",
   * "health: version not checked: …"): it passed on everything else, but it is no proof that the new version answered.
   */
  unproven?: string[];
}

/**
 * The invocations deploy-canary sent straight to the new version during the bakes (input canary-traffic), as
 * the invoker saw them; CloudWatch's counts of the same invocations are in the steps' metrics.
 */
export interface CanaryTrafficRecord {
  ratePerSecond: number;
  /** Invoke requests sent. */
  sent: number;
  /** Answers with a function error. */
  functionErrors: number;
  /** Requests that got no answer from the function (throttled, refused, network). */
  failedRequests: number;
}

/** What a release did to one of its functions. */
export interface FunctionRelease {
  function: { name: string; arn?: string };
  alias: string;
  previous?: VersionRef;
  target?: VersionRef;
  codedeploy?: {
    application: string;
    deploymentGroup: string;
    deploymentConfig?: string;
    deploymentId?: string;
  };
  canaryTraffic?: CanaryTrafficRecord;
}

/** A release has at least one function. */
export type FunctionReleases = [FunctionRelease, ...FunctionRelease[]];

/** The document that travels from deploy to smoke test, rollback and notification (see DESIGN.md). */
export interface DeploymentRecord {
  schema: typeof RECORD_SCHEMA;
  environment?: string;
  region?: string;
  release: {
    tag?: string | undefined;
    commit?: string | undefined;
    ref?: string | undefined;
    actor?: string | undefined;
    runUrl?: string | undefined;
  };
  strategy: Strategy;
  skipCanary?: { reason: string; by: string };
  functions: FunctionReleases;
  steps: TrafficStep[];
  smokeTests?: CheckResultSummary[];
  status: RecordStatus;
  error?: string;
  rollbacks: RollbackEntry[];
  startedAt: string;
  finishedAt?: string;
}

export class RecordError extends Error {
  override name = 'RecordError';
}

/** A well-formed record that contradicts itself: no reader may act on it, whatever its policy for bad records. */
export class ContradictoryRecordError extends RecordError {
  override name = 'ContradictoryRecordError';
}

export function createRecord(
  fields: Pick<DeploymentRecord, 'functions' | 'strategy'> & Partial<DeploymentRecord>,
  now: Date = new Date(),
): DeploymentRecord {
  return {
    schema: RECORD_SCHEMA,
    release: {},
    steps: [],
    rollbacks: [],
    status: 'planned',
    startedAt: now.toISOString(),
    ...fields,
  };
}

/**
 * Where a deployment record lives when no path is given: one file per environment, function and alias in `dir`
 * (the runner's temp folder), so two deploys in one job never share, and a later step finds the record of its own
 * function. A release of several functions is filed under its first.
 */
export function defaultRecordPath(
  functionName: string,
  alias: string,
  dir: string,
  environment?: string,
): string {
  const scope = environment ? `${environment}.` : '';
  return join(dir, `lambda-release-record.${scope}${bareFunctionName(functionName)}.${alias}.json`);
}

/** The default path of a record's own file (see defaultRecordPath). */
export function defaultPathOfRecord(record: DeploymentRecord, dir: string): string {
  const [first] = record.functions;
  return defaultRecordPath(first.function.name, first.alias, dir, record.environment);
}

/** The most a deployment record may have: readers refuse more (record-read.ts), so writers never write more. */
export const MAX_RECORD_BYTES = 512 * 1024;

/** The record as compact JSON (the `record` output); a RecordError when readers would refuse it as too big. */
export function serializeRecord(record: DeploymentRecord): string {
  return withinLimit(JSON.stringify(record));
}

/**
 * The record file's text: indented for people when that fits the limit, else compact (a release of a thousand
 * functions); a RecordError when even compact JSON is over the limit, so nothing is written that readers refuse.
 */
export function recordFileText(record: DeploymentRecord): string {
  const pretty = `${JSON.stringify(record, null, 2)}\n`;
  return Buffer.byteLength(pretty, 'utf8') <= MAX_RECORD_BYTES ? pretty : serializeRecord(record);
}

function withinLimit(text: string): string {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RECORD_BYTES) {
    throw new RecordError(
      `the deployment record is ${bytes} bytes as compact JSON, over the ${MAX_RECORD_BYTES} bytes (512 KiB) its readers accept; it was not written`,
    );
  }
  return text;
}

/** Writes the record atomically (temp file + rename) so a killed process never leaves half a file. */
export async function writeRecordFile(path: string, record: DeploymentRecord): Promise<void> {
  const text = recordFileText(record);
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, text);
  await rename(temporary, path);
}
