import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { bareFunctionName } from './arn.js';

export const RECORD_SCHEMA = 'lambda-release-record/v1';

export type Strategy = 'codedeploy' | 'alias-weights' | 'all-at-once';
export type RecordStatus = 'planned' | 'in-progress' | 'promoted' | 'rolled-back' | 'failed' | 'no-op';
export type Verdict = 'healthy' | 'unhealthy' | 'inconclusive';
/** How traffic was restored; `codedeploy-auto` is CodeDeploy's own automatic rollback of a failed deployment. */
export type RollbackMethod = 'alias' | 'codedeploy-stop' | 'codedeploy-auto' | 'code';

export interface VersionRef {
  version: string;
  codeSha256?: string;
  imageUri?: string;
  /** S3 object the code came from, for code rollbacks of functions without aliases. */
  s3?: { bucket: string; key: string; objectVersion?: string };
  aliasRevisionId?: string;
}

export interface TrafficStep {
  at: string;
  /** Share of traffic on the new version after this step (0–1). */
  weight: number;
  verdict: Verdict;
  reason?: string;
  metrics?: Record<string, number | null>;
}

export interface RollbackEntry {
  at: string;
  from: string;
  to: string;
  method: RollbackMethod;
  reason: string;
  by: string;
  durationMs?: number;
}

/** A smoke-test run as the record keeps it under `smokeTests`. */
export interface CheckResultSummary {
  at: string;
  passed: number;
  failed: number;
  total: number;
  failures?: string[];
}

/** The document that travels from deploy to smoke test, rollback and notification (see DESIGN.md). */
export interface DeploymentRecord {
  schema: typeof RECORD_SCHEMA;
  function: { name: string; arn?: string };
  alias: string;
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
  previous?: VersionRef;
  target?: VersionRef;
  codedeploy?: {
    application: string;
    deploymentGroup: string;
    deploymentConfig?: string;
    deploymentId?: string;
  };
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

const STRATEGIES: readonly string[] = ['codedeploy', 'alias-weights', 'all-at-once'];
const STATUSES: readonly string[] = ['planned', 'in-progress', 'promoted', 'rolled-back', 'failed', 'no-op'];

export function createRecord(
  fields: Pick<DeploymentRecord, 'function' | 'alias' | 'strategy'> & Partial<DeploymentRecord>,
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

/** Checks a parsed document and returns it typed, or throws a RecordError that says what is wrong and where. */
export function validateRecord(value: unknown, source = 'record'): DeploymentRecord {
  const problems: string[] = [];
  const need = (ok: boolean, message: string) => {
    if (!ok) problems.push(message);
  };
  if (!isObject(value)) throw new RecordError(`${source} is not a deployment record: expected a JSON object`);
  need(
    value.schema === RECORD_SCHEMA,
    `schema is ${JSON.stringify(value.schema)}, expected "${RECORD_SCHEMA}"`,
  );
  need(isObject(value.function) && isText(value.function.name), 'function.name must be a non-empty string');
  need(isText(value.alias), 'alias must be a non-empty string');
  need(STRATEGIES.includes(value.strategy as string), `strategy must be one of ${STRATEGIES.join(', ')}`);
  need(STATUSES.includes(value.status as string), `status must be one of ${STATUSES.join(', ')}`);
  need(value.release === undefined || isObject(value.release), 'release must be an object');
  for (const key of ['previous', 'target'] as const) {
    const ref = value[key];
    need(
      ref === undefined || (isObject(ref) && isVersion(ref.version)),
      `${key}.version must be a published version number`,
    );
  }
  need(Array.isArray(value.steps ?? []), 'steps must be an array');
  need(Array.isArray(value.rollbacks ?? []), 'rollbacks must be an array');
  need(isText(value.startedAt), 'startedAt must be an ISO timestamp');
  if (problems.length > 0)
    throw new RecordError(`${source} is not a valid deployment record: ${problems.join('; ')}`);
  return { steps: [], rollbacks: [], release: {}, ...value } as unknown as DeploymentRecord;
}

/** Limits that keep a hostile or corrupted record from reaching any code that walks it. */
export const MAX_RECORD_BYTES = 512 * 1024;
export const MAX_RECORD_DEPTH = 16;

export function parseRecord(text: string, source = 'record'): DeploymentRecord {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > MAX_RECORD_BYTES) {
    throw new RecordError(
      `${source} is ${bytes} bytes, over the ${MAX_RECORD_BYTES} bytes (512 KiB) a deployment record may have`,
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new RecordError(
      `${source} is not valid JSON (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  const depth = nestingDepth(parsed);
  if (depth > MAX_RECORD_DEPTH) {
    throw new RecordError(
      `${source} is nested ${depth} levels deep, more than the ${MAX_RECORD_DEPTH} a deployment record may have`,
    );
  }
  return validateRecord(parsed, source);
}

/** How deeply objects and arrays nest (a scalar is 0), walked without recursion so depth cannot overflow the stack. */
function nestingDepth(value: unknown): number {
  let deepest = 0;
  const pending: Array<[unknown, number]> = [[value, 0]];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const [item, depth] = next;
    if (typeof item !== 'object' || item === null) continue;
    deepest = Math.max(deepest, depth + 1);
    if (deepest > MAX_RECORD_DEPTH) return deepest;
    for (const child of Object.values(item)) pending.push([child, depth + 1]);
  }
  return deepest;
}

export async function readRecordFile(path: string): Promise<DeploymentRecord> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new RecordError(`record file ${path} could not be read (${code ?? String(error)})`);
  }
  return parseRecord(text, `record file ${path}`);
}

/**
 * Where a deployment record lives when no path is given: one file per function and alias in `dir` (the runner's
 * temp folder), so two deploys in one job never share, and a later step finds the record of its own function.
 */
export function defaultRecordPath(functionName: string, alias: string, dir: string): string {
  return join(dir, `lambda-release-record.${bareFunctionName(functionName)}.${alias}.json`);
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isVersion(value: unknown): boolean {
  return typeof value === 'string' && /^\d+$/.test(value);
}
