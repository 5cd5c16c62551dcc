import { stat } from 'node:fs/promises';
import {
  InputError,
  parseRecord,
  readRecordFile,
  RecordError,
  UserError,
  bareFunctionName,
  type DeploymentRecord,
} from '@lambda-release-kit/core';

/** The deployment record a rollback starts from, or why the one that was given could not be used. */
export interface RecordSource {
  record?: DeploymentRecord;
  /** A record was given but is not JSON or not a valid record (the message says which). */
  problem?: string;
  /** The record file does not exist or is empty: the rollback decides from the live state, as with no record. */
  missing?: string;
}

/**
 * Loads the record from the `record` input or a record file. A missing or malformed record is not fatal (the
 * rollback falls back to the live state where that is safe), but a record for another function, alias or region
 * is an input error: acting on it could move the wrong alias.
 */
export async function loadRecord(
  given: { recordText?: string; recordFile?: string },
  expected: { functionName: string; alias: string; region?: string },
): Promise<RecordSource> {
  let record: DeploymentRecord;
  try {
    if (given.recordText) record = parseRecord(given.recordText, "input 'record'");
    else if (given.recordFile) {
      const size = await stat(given.recordFile).then(
        (info) => info.size,
        () => 0,
      );
      if (size === 0) {
        return {
          missing: `no deployment record at ${given.recordFile} (the file is missing or empty), which says nothing about what the deploy did; deciding from the live state as without a record`,
        };
      }
      record = await readRecordFile(given.recordFile);
    } else return {};
  } catch (error) {
    if (error instanceof RecordError) return { problem: error.message };
    throw error;
  }
  const source = given.recordText ? "input 'record'" : `record file ${given.recordFile}`;
  const recordFunction = bareFunctionName(record.function.name);
  const inputFunction = bareFunctionName(expected.functionName);
  if (recordFunction !== inputFunction || record.alias !== expected.alias) {
    throw new InputError(
      `${source} is for ${recordFunction}:${record.alias}, but inputs 'function-name' and 'alias' say ${inputFunction}:${expected.alias} — expected the record of the release being rolled back`,
    );
  }
  const recordRegion = record.region ?? arnParts(record.function.arn)?.region;
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
  const theirs = arnParts(record.function.arn);
  const ours = arnParts(arn);
  if (!theirs || !ours) return;
  if (theirs.account !== ours.account || theirs.region !== ours.region) {
    throw new UserError(
      `${source} is for ${record.function.arn} (account ${theirs.account}, region ${theirs.region}), but the function here is ${arn} (account ${ours.account}, region ${ours.region}); nothing changed — give the record of the release being rolled back`,
    );
  }
}

function arnParts(arn: string | undefined): { region: string; account: string } | undefined {
  const match = arn?.match(/^arn:aws[a-z-]*:lambda:([a-z0-9-]+):(\d{12}):function:/);
  return match ? { region: match[1], account: match[2] } : undefined;
}
