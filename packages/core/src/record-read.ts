import { readFile } from 'node:fs/promises';
import { bareFunctionName } from './arn.js';
import {
  ContradictoryRecordError,
  MAX_RECORD_BYTES,
  RECORD_SCHEMA,
  RECORD_SCHEMA_V1,
  RecordError,
  type DeploymentRecord,
  type FunctionRelease,
} from './record.js';

const STRATEGIES: readonly string[] = ['codedeploy', 'alias-weights', 'all-at-once'];
const STATUSES: readonly string[] = ['planned', 'in-progress', 'promoted', 'rolled-back', 'failed', 'no-op'];
/** The fields a v1 record kept at the top and v2 keeps per function. */
export const FUNCTION_FIELDS = ['function', 'alias', 'previous', 'target', 'codedeploy'] as const;
/** Lists of entries every reader walks: null is read as empty, anything else must be a list of objects. */
const ENTRY_LISTS = ['steps', 'rollbacks', 'smokeTests'] as const;
const CANARY_TRAFFIC_COUNTS = ['sent', 'functionErrors', 'failedRequests'] as const;

type Need = (ok: boolean, message: string) => void;

/**
 * Checks a parsed document and returns it typed, or throws a RecordError that says what is wrong and where (a
 * ContradictoryRecordError when it is well formed but contradicts itself). A v1 record comes back in the v2 shape:
 * its one function becomes `functions[0]`. The one place records are checked: every reader gets lists it can walk.
 */
export function validateRecord(value: unknown, source = 'record'): DeploymentRecord {
  const problems: string[] = [];
  const need: Need = (ok, message) => {
    if (!ok) problems.push(message);
  };
  if (!isObject(value)) throw new RecordError(`${source} is not a deployment record: expected a JSON object`);
  const v1 = value.schema === RECORD_SCHEMA_V1 || (value.schema !== RECORD_SCHEMA && !('functions' in value));
  need(
    value.schema === RECORD_SCHEMA || value.schema === RECORD_SCHEMA_V1,
    `schema is ${JSON.stringify(value.schema)}, expected "${RECORD_SCHEMA}" (or the older "${RECORD_SCHEMA_V1}")`,
  );
  if (v1) checkFunction(value, '', need);
  else checkFunctions(value.functions, need);
  need(STRATEGIES.includes(value.strategy as string), `strategy must be one of ${STRATEGIES.join(', ')}`);
  need(STATUSES.includes(value.status as string), `status must be one of ${STATUSES.join(', ')}`);
  need(value.release === undefined || isObject(value.release), 'release must be an object');
  need(
    value.environment === undefined || isText(value.environment),
    'environment must be a non-empty string',
  );
  for (const list of ENTRY_LISTS) checkEntries(value[list], list, need);
  need(isText(value.startedAt), 'startedAt must be an ISO timestamp');
  if (problems.length > 0)
    throw new RecordError(`${source} is not a valid deployment record: ${problems.join('; ')}`);
  const record: Record<string, unknown> = {
    ...value,
    steps: value.steps ?? [],
    rollbacks: value.rollbacks ?? [],
  };
  record.release ??= {};
  if (record.smokeTests === null) delete record.smokeTests;
  const upgraded = (v1 ? upgradeV1(record) : record) as unknown as DeploymentRecord;
  const contradiction = contradictionIn(upgraded.functions);
  if (contradiction) throw new ContradictoryRecordError(`${source} contradicts itself: ${contradiction}`);
  return upgraded;
}

function checkEntries(list: unknown, name: string, need: Need): void {
  if (list === undefined || list === null) return;
  if (!Array.isArray(list)) {
    need(false, `${name} must be an array`);
    return;
  }
  const index = list.findIndex((entry) => !isObject(entry));
  need(index < 0, `${name}[${index}] must be an object`);
}

/**
 * What no release can have done: publish a version older than the one it replaced (acting on it would move the
 * alias forward to a version that never served), or release one function and alias twice (which entry to trust?).
 */
function contradictionIn(functions: FunctionRelease[]): string | undefined {
  const seen = new Map<string, number>();
  for (const [index, released] of functions.entries()) {
    const at = `functions[${index}]`;
    const { previous, target } = released;
    if (previous && target && Number(target.version) < Number(previous.version)) {
      return `${at}.target.version is ${target.version}, older than its previous.version ${previous.version} — expected the version the release published, not older than the one it replaced`;
    }
    const key = `${bareFunctionName(released.function.name)}:${released.alias}`;
    const first = seen.get(key);
    if (first !== undefined) {
      return `${at} is ${key} again (first at functions[${first}]) — expected one entry per function and alias`;
    }
    seen.set(key, index);
  }
  return undefined;
}

function checkFunctions(functions: unknown, need: Need): void {
  if (!Array.isArray(functions) || functions.length === 0) {
    need(false, 'functions must be a non-empty array (one entry per function of the release)');
    return;
  }
  functions.forEach((entry: unknown, index) => {
    const at = `functions[${index}]`;
    if (isObject(entry)) checkFunction(entry, `${at}.`, need);
    else need(false, `${at} must be an object`);
  });
}

/** The fields of one function: at the top of a v1 record (prefix ''), in `functions[i]` of a v2 record. */
function checkFunction(entry: Record<string, unknown>, prefix: string, need: Need): void {
  need(
    isObject(entry.function) && isText(entry.function.name),
    `${prefix}function.name must be a non-empty string`,
  );
  need(isText(entry.alias), `${prefix}alias must be a non-empty string`);
  for (const key of ['previous', 'target'] as const) {
    const ref = entry[key];
    need(
      ref === undefined || (isObject(ref) && isVersion(ref.version)),
      `${prefix}${key}.version must be a published version number`,
    );
  }
  const traffic = entry.canaryTraffic;
  need(
    traffic === undefined ||
      (isObject(traffic) &&
        typeof traffic.ratePerSecond === 'number' &&
        traffic.ratePerSecond > 0 &&
        CANARY_TRAFFIC_COUNTS.every((count) => isCount(traffic[count]))),
    `${prefix}canaryTraffic must have ratePerSecond above 0 and the counts ${CANARY_TRAFFIC_COUNTS.join(', ')}`,
  );
}

/** Moves a v1 record's one function into `functions[0]`; everything else (steps, rollbacks, status) stays. */
function upgradeV1(record: Record<string, unknown>): Record<string, unknown> {
  const release: Record<string, unknown> = { schema: RECORD_SCHEMA };
  const only: Record<string, unknown> = {};
  for (const [key, field] of Object.entries(record)) {
    if (key === 'schema') continue;
    if ((FUNCTION_FIELDS as readonly string[]).includes(key)) only[key] = field;
    else release[key] = field;
  }
  release.functions = [only as unknown as FunctionRelease];
  return release;
}

/** Limits that keep a hostile or corrupted record from reaching any code that walks it (and MAX_RECORD_BYTES). */
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

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isText(value: unknown): value is string {
  return typeof value === 'string' && value.trim() !== '';
}

function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0;
}

function isVersion(value: unknown): boolean {
  return typeof value === 'string' && /^\d+$/.test(value);
}
