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

export function serializeRecord(record: DeploymentRecord): string {
  return JSON.stringify(record);
}

/** Writes the record atomically (temp file + rename) so a killed process never leaves half a file. */
export async function writeRecordFile(path: string, record: DeploymentRecord): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`);
  await rename(temporary, path);
}
