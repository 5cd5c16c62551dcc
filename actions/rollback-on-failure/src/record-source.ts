import {
  InputError,
  readRecordInputs,
  UserError,
  bareFunctionName,
  type DeploymentRecord,
  type FunctionRelease,
  type RecordReading,
} from '@lambda-release-kit/core';
import { Input } from './constants.js';
import type { RollbackOptions } from './options.js';

/** One function a rollback restores. */
export interface RollbackTarget {
  functionName: string;
  alias: string;
}

/** The deployment record a rollback starts from (or why the one given could not be used), and what it restores. */
export interface RecordSource extends Omit<RecordReading, 'source'> {
  /**
   * The function named by the inputs, else every function of the record's release; empty when nothing names one
   * (no record was written and 'function-name' is not given), `nothing` then says why.
   */
  targets: RollbackTarget[];
  nothing?: string | undefined;
}

/** The inputs a record is checked against. */
export type ExpectedRelease = Pick<
  RollbackOptions,
  | 'functionName'
  | 'alias'
  | 'environment'
  | 'region'
  | 'targetVersion'
  | 'deploymentId'
  | 'codedeployGroup'
  | 'recordFile'
>;

/**
 * Loads the record from the `record` input or a record file (the command line's way; the action's skeleton reads
 * it the same way) and checks it is this release's (see recordSource).
 */
export async function loadRecord(
  given: { recordText?: string | undefined; recordFile?: string | undefined },
  expected: ExpectedRelease,
): Promise<RecordSource> {
  return recordSource(
    await readRecordInputs({ text: given.recordText, file: given.recordFile }, 'warning'),
    expected,
  );
}

/**
 * The record a rollback starts from, out of what was read, and the functions it restores. A missing or malformed
 * record is not fatal when 'function-name' is given (the rollback falls back to the live state where that is safe),
 * but a record for another function, alias, environment or region is an input error: acting on it could move the
 * wrong alias.
 */
export function recordSource(reading: RecordReading, expected: ExpectedRelease): RecordSource {
  const { record, source, ...unusable } = reading;
  if (unusable.missing && !expected.functionName) {
    return {
      ...unusable,
      targets: [],
      nothing: `nothing to do: no deployment record at ${expected.recordFile ?? 'the record file'} (the file is missing or empty) and input '${Input.FunctionName}' is not given: a deploy that stopped before writing its record moved no alias, and nothing names a function to look at. Nothing changed`,
    };
  }
  if (!record || !source) return { ...unusable, targets: [inputTarget(expected, unusable)] };
  if (record.environment && expected.environment && record.environment !== expected.environment) {
    throw new InputError(
      `${source} is of environment ${record.environment}, but input '${Input.Environment}' says ${expected.environment} — expected the record of the release being rolled back`,
    );
  }
  const chosen = chosenFunctions(record, expected, source);
  const recordRegion =
    record.region ?? record.functions.map((f) => arnParts(f.function.arn)?.region).find(Boolean);
  if (recordRegion && expected.region && recordRegion !== expected.region) {
    throw new InputError(
      `${source} is for region ${recordRegion}, but this rollback runs in ${expected.region} — expected the record of the release being rolled back (set 'region' to ${recordRegion} if that is where it ran)`,
    );
  }
  for (const released of chosen) checkRecordOwner(released, expected.functionName, source);
  if (chosen.length > 1) refuseOneFunctionInputs(expected, chosen.length);
  const [first, ...others] = chosen.map((released) => ({
    functionName: released.function.name,
    alias: released.alias,
  }));
  // chosenFunctions never answers an empty list; the check keeps the type honest.
  if (!first) throw new InputError(`${source} names no function to roll back`);
  return { record, targets: [first, ...others] };
}

/** Without a usable record, the inputs name the one function to restore. */
function inputTarget(
  expected: ExpectedRelease,
  unusable: Omit<RecordReading, 'source' | 'record'>,
): RollbackTarget {
  if (!expected.functionName) {
    throw new UserError(
      `${unusable.problem ?? unusable.missing ?? 'no deployment record was given'}; without it input '${Input.FunctionName}' must name the function to roll back. Nothing changed`,
    );
  }
  return { functionName: expected.functionName, alias: expected.alias ?? 'live' };
}

/** The record's functions the inputs select: the one 'function-name' names, else all, each on the 'alias' given. */
function chosenFunctions(
  record: DeploymentRecord,
  expected: ExpectedRelease,
  source: string,
): FunctionRelease[] {
  const name = expected.functionName && bareFunctionName(expected.functionName);
  const named = name
    ? record.functions.filter((f) => bareFunctionName(f.function.name) === name)
    : record.functions;
  const chosen = named.filter((f) => !expected.alias || f.alias === expected.alias);
  if (chosen.length > 0 && chosen.length === named.length) return chosen;
  const released = record.functions.map((f) => `${bareFunctionName(f.function.name)}:${f.alias}`).join(', ');
  const said = name
    ? `inputs '${Input.FunctionName}' and '${Input.Alias}' say ${name}:${expected.alias ?? named[0]?.alias ?? 'live'}`
    : `input '${Input.Alias}' says ${expected.alias ?? ''}`;
  throw new InputError(
    `${source} is for ${released}, but ${said} — expected the record of the release being rolled back`,
  );
}

/** Inputs that steer one function's rollback cannot apply to several: one function must be named. */
function refuseOneFunctionInputs(expected: ExpectedRelease, count: number): void {
  const given = [
    expected.targetVersion && Input.TargetVersion,
    expected.deploymentId && Input.DeploymentId,
    expected.codedeployGroup && Input.CodeDeployApplication,
  ].find(Boolean);
  if (given) {
    throw new InputError(
      `input '${given}' applies to one function, but the record's release has ${count} — expected '${Input.FunctionName}' naming the function it is for`,
    );
  }
}

/**
 * Refuses a record whose function ARN names another account or region than `arn` (the function-name input when it
 * is an ARN, or the ARN Lambda answered with): the same name in another account is another function.
 */
export function checkRecordOwner(
  released: FunctionRelease | undefined,
  arn: string | undefined,
  source = 'the record',
): void {
  const recordArn = released?.function.arn;
  const theirs = arnParts(recordArn);
  const ours = arnParts(arn);
  if (!theirs || !ours) return;
  if (theirs.account !== ours.account || theirs.region !== ours.region) {
    throw new UserError(
      `${source} is for ${recordArn} (account ${theirs.account}, region ${theirs.region}), but the function here is ${arn} (account ${ours.account}, region ${ours.region}); nothing changed — give the record of the release being rolled back`,
    );
  }
}

/** What the record's release did to this function and alias (undefined without a record or when it is not in it). */
export function releaseOf(
  record: DeploymentRecord | undefined,
  functionName: string,
  alias: string,
): FunctionRelease | undefined {
  const name = bareFunctionName(functionName);
  return record?.functions.find((f) => bareFunctionName(f.function.name) === name && f.alias === alias);
}

function arnParts(arn: string | undefined): { region: string; account: string } | undefined {
  const match = arn?.match(/^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:/);
  return match?.[1] && match[2] ? { region: match[1], account: match[2] } : undefined;
}
