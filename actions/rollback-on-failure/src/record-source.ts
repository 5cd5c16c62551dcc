import { stat } from 'node:fs/promises';
import {
  InputError,
  parseRecord,
  readRecordFile,
  RecordError,
  type DeploymentRecord,
} from '@lambda-release-kit/core';
import { bareFunctionName } from './options.js';

/** The deployment record a rollback starts from, or why the one that was given could not be used. */
export interface RecordSource {
  record?: DeploymentRecord;
  /** A record was given but is missing, not JSON or not a valid record (the message says which). */
  problem?: string;
  /** The record file does not exist or is empty: the deploy never wrote one. */
  missing?: boolean;
}

/**
 * Loads the record from the `record` input or a record file. A missing or malformed record is not fatal (the
 * rollback falls back to the live state where that is safe), but a record for another function or alias is
 * an input error: acting on it could move the wrong alias.
 */
export async function loadRecord(
  given: { recordText?: string; recordFile?: string },
  expected: { functionName: string; alias: string },
): Promise<RecordSource> {
  let record: DeploymentRecord;
  try {
    if (given.recordText) record = parseRecord(given.recordText, "input 'record'");
    else if (given.recordFile) {
      const size = await stat(given.recordFile).then(
        (info) => info.size,
        () => 0,
      );
      if (size === 0) return { problem: `no deployment record at ${given.recordFile}`, missing: true };
      record = await readRecordFile(given.recordFile);
    } else return {};
  } catch (error) {
    if (error instanceof RecordError) return { problem: error.message };
    throw error;
  }
  const recordFunction = bareFunctionName(record.function.name);
  const inputFunction = bareFunctionName(expected.functionName);
  if (recordFunction !== inputFunction || record.alias !== expected.alias) {
    const source = given.recordText ? "input 'record'" : `record file ${given.recordFile}`;
    throw new InputError(
      `${source} is for ${recordFunction}:${record.alias}, but inputs 'function-name' and 'alias' say ${inputFunction}:${expected.alias} — expected the record of the release being rolled back`,
    );
  }
  return { record };
}
