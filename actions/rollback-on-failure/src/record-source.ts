import {
  InputError,
  readRecordInputs,
  UserError,
  bareFunctionName,
  singleFunction,
  type DeploymentRecord,
  type FunctionRelease,
  type RecordReading,
} from '@lambda-release-kit/core';

/** The deployment record a rollback starts from, or why the one that was given could not be used. */
export type RecordSource = Omit<RecordReading, 'source'>;

/**
 * Loads the record from the `record` input or a record file (the command line's way; the action's skeleton reads
 * it the same way) and checks it is this release's (see recordSource).
 */
export async function loadRecord(
  given: { recordText?: string; recordFile?: string },
  expected: { functionName: string; alias: string; region?: string },
): Promise<RecordSource> {
  return recordSource(
    await readRecordInputs({ text: given.recordText, file: given.recordFile }, 'warning'),
    expected,
  );
}

/**
 * The record a rollback starts from, out of what was read. A missing or malformed record is not fatal (the rollback
 * falls back to the live state where that is safe), but a record for another function, alias or region is an input
 * error: acting on it could move the wrong alias.
 */
export function recordSource(
  reading: RecordReading,
  expected: { functionName: string; alias: string; region?: string },
): RecordSource {
  const { record, source, ...unusable } = reading;
  if (!record || !source) return unusable;
  const released = singleFunction(record, 'rollback-on-failure');
  const recordFunction = bareFunctionName(released.function.name);
  const inputFunction = bareFunctionName(expected.functionName);
  if (recordFunction !== inputFunction || released.alias !== expected.alias) {
    throw new InputError(
      `${source} is for ${recordFunction}:${released.alias}, but inputs 'function-name' and 'alias' say ${inputFunction}:${expected.alias} — expected the record of the release being rolled back`,
    );
  }
  const recordRegion = record.region ?? arnParts(released.function.arn)?.region;
  if (recordRegion && expected.region && recordRegion !== expected.region) {
    throw new InputError(
      `${source} is for region ${recordRegion}, but this rollback runs in ${expected.region} — expected the record of the release being rolled back (set 'region' to ${recordRegion} if that is where it ran)`,
    );
  }
  checkRecordOwner(record, expected.functionName, source);
  return { record };
}

/**
 * Refuses a record whose function ARN names another account or region than `arn` (the function-name input when it
 * is an ARN, or the ARN Lambda answered with): the same name in another account is another function.
 */
export function checkRecordOwner(
  record: DeploymentRecord,
  arn: string | undefined,
  source = 'the record',
): void {
  const recordArn = recordedFunction(record)?.function.arn;
  const theirs = arnParts(recordArn);
  const ours = arnParts(arn);
  if (!theirs || !ours) return;
  if (theirs.account !== ours.account || theirs.region !== ours.region) {
    throw new UserError(
      `${source} is for ${recordArn} (account ${theirs.account}, region ${theirs.region}), but the function here is ${arn} (account ${ours.account}, region ${ours.region}); nothing changed — give the record of the release being rolled back`,
    );
  }
}

/** The one function a rollback restores, as the record describes it (a record of several is refused). */
export function recordedFunction(record: DeploymentRecord | undefined): FunctionRelease | undefined {
  return record && singleFunction(record, 'rollback-on-failure');
}

function arnParts(arn: string | undefined): { region: string; account: string } | undefined {
  const match = arn?.match(/^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:/);
  return match ? { region: match[1], account: match[2] } : undefined;
}
