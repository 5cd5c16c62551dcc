import { stat } from 'node:fs/promises';
import { InputError } from './errors.js';
import { parseRecord, readRecordFile } from './record-read.js';
import { ContradictoryRecordError, RecordError, type DeploymentRecord } from './record.js';

/** The `record` and `record-file` inputs as given; every action that reads a record reads it from these. */
export interface RecordInputs {
  /** The record JSON (the `record` input). */
  text?: string | undefined;
  /** The path of a record file (the `record-file` input). */
  file?: string | undefined;
}

/**
 * What to do with a record that was named but cannot be used. `error` (the default) stops the action with an input
 * error. `warning` is rollback-on-failure's policy: it can still decide from the live state, so a bad record comes
 * back as `problem` and a missing or empty file as `missing`, for the caller to warn about.
 */
export type BadRecordPolicy = 'error' | 'warning';

export interface RecordReading {
  record?: DeploymentRecord;
  /** Where the record came from, for messages: "input 'record'" or "record file <path>". */
  source?: string;
  /** With the `warning` policy: a record was given but is not JSON or not a valid record (the message says which). */
  problem?: string;
  /** With the `warning` policy: the record file does not exist or is empty. */
  missing?: string;
}

const RECORD_INPUT = "input 'record'";

/** Reads the deployment record from `record` or `record-file` (JSON, one of them), or nothing when neither is given. */
export async function readRecordInputs(
  given: RecordInputs,
  policy: BadRecordPolicy = 'error',
): Promise<RecordReading> {
  if (given.text && given.file) {
    throw new InputError(
      `inputs 'record' and 'record-file' were both given — expected one of them (the record JSON, or the path of a record file)`,
    );
  }
  try {
    if (given.text) return { record: parseRecord(given.text, RECORD_INPUT), source: RECORD_INPUT };
    if (!given.file) return {};
    if (policy === 'warning' && (await fileSize(given.file)) === 0) {
      return {
        missing: `no deployment record at ${given.file} (the file is missing or empty), which says nothing about what the deploy did; deciding from the live state as without a record`,
      };
    }
    return { record: await readRecordFile(given.file), source: `record file ${given.file}` };
  } catch (error) {
    if (!(error instanceof RecordError)) throw error;
    // A record that contradicts itself is refused whatever the policy: deciding around it could act on either half.
    if (policy === 'warning' && !(error instanceof ContradictoryRecordError))
      return { problem: error.message };
    throw new InputError(error.message);
  }
}

/** The size of a file, 0 when it does not exist or cannot be read. */
function fileSize(path: string): Promise<number> {
  return stat(path).then(
    (info) => info.size,
    () => 0,
  );
}
