import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as core from '@actions/core';
import { errorMessage, withContext } from '../errors.js';
import { Inputs, splitList } from '../inputs.js';
import type { Logger } from '../logger.js';
import {
  defaultPathOfRecord,
  defaultRecordPath,
  serializeRecord,
  writeRecordFile,
  type DeploymentRecord,
} from '../record.js';
import { readRecordInputs, type BadRecordPolicy, type RecordReading } from '../record-input.js';
import type { SaveRecord } from '../record-writer.js';
import type { Redactor } from '../redact.js';
import { cancellationSignal } from '../wait.js';
import {
  actionsLogger,
  maskSecrets,
  runAction,
  runnerRedactor,
  setOutputs,
  writeSummary,
  type OutputValue,
  type SummaryTable,
} from './actions-runner.js';

/** Where an action's record comes from and goes to, as its options say. */
export interface RecordPlace {
  /** The `record` input (JSON), as given. */
  text?: string | undefined;
  /** The `record-file` input (a path), as given. */
  file?: string | undefined;
  /**
   * The release's function and alias when the inputs name them: without `record`/`record-file`, the default
   * record file of this function, alias and environment (deploy-canary's, in $RUNNER_TEMP) is read when it exists.
   */
  release?: { functionName: string; alias: string; environment?: string | undefined } | undefined;
  /** `error` (default): a bad record stops the action. `warning`: it reaches the step as `problem`/`missing`. */
  badRecord?: BadRecordPolicy;
  /** The step starts a new record (deploy-canary): nothing is read, and `file` is only where it is written. */
  newRecord?: boolean;
  /**
   * `file-or-default` (default): records are saved to `file`, else to the default file of the record's function and
   * alias. `file-read`: only back to the file the record was read from (`file`, or the default file when it
   * existed); without one, saving sets the `record` output alone (rollback-on-failure starts no record file).
   */
  writeBack?: 'file-or-default' | 'file-read';
}

export type { SaveRecord };

/** What every step is given besides its options. */
export interface StepContext<Clients> {
  clients: Clients;
  /** The record read from `record`, `record-file` or the default file (empty when there is none). */
  reading: RecordReading;
  /** Persists a record at once (the record file and the `record` output), e.g. after every traffic move. */
  saveRecord: SaveRecord;
  /** The file saveRecord writes to, when it is known before the step runs. */
  recordFile?: string | undefined;
  logger: Logger;
  redactor: Redactor;
  /** Fires on cancellation (SIGTERM/SIGINT) or when the action's timeout passes. */
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
}

/** What a step hands back: its result, the record as it ends, and the error to fail with once all is reported. */
export interface StepOutcome<Result> {
  result: Result;
  /** Written to the record file and the `record` output (actions that write records only). */
  record?: DeploymentRecord | undefined;
  /** The step failed: outputs, record and summary are written first, then the action fails with this error. */
  failure?: unknown;
}

export interface InputErrorRecord {
  record: DeploymentRecord;
  file?: string | undefined;
  /** Outputs set with the record (e.g. its status). */
  outputs?: Record<string, OutputValue>;
}

export interface Summary {
  title: string;
  facts: Array<[string, string]>;
  tables?: SummaryTable[];
}

/** One action: how it reads its inputs, what it does, and how it reports. Everything else is runReleaseAction's. */
export interface ReleaseActionDefinition<Options, Clients, Result> {
  /** The action's name: the prefix of its error line and its AWS user agent. */
  name: string;
  /** Inputs whose values are secrets: masked before any input is parsed. */
  secretInputs?: readonly string[];
  /** Inputs that are lists of secrets (one per line or comma-separated): each item is masked. */
  secretListInputs?: readonly string[];
  /** Inputs that may hold URLs with user info (`https://user:pass@host/`): their user info is masked the same way. */
  urlInputs?: readonly string[];
  /**
   * Parses and validates every input; throws an InputError before any AWS call. Secrets found inside an input
   * (environment values in a configuration map) are registered with `redactor` the moment they are read.
   */
  readOptions(inputs: Inputs, env: NodeJS.ProcessEnv, redactor: Redactor): Options | Promise<Options>;
  /**
   * A record to leave behind when an input is invalid (deploy-canary's "failed, no traffic moved"), and the
   * `record-file` it goes to when that input could be read.
   */
  inputErrorRecord?(inputs: Inputs, error: unknown, env: NodeJS.ProcessEnv): InputErrorRecord | undefined;
  /** Where the record is read from and written to; actions without a record leave this out. */
  recordPlace?(options: Options): RecordPlace;
  /** Whether the step's record is written back (the file and the `record`/`record-file` outputs). */
  writesRecord?: boolean;
  /** The action's overall timeout, when it has one. */
  timeoutMs?(options: Options): number | undefined;
  /** Builds the AWS clients (or other adapters) the step uses; called after the record is read. */
  clients(options: Options, reading: RecordReading, env: NodeJS.ProcessEnv): Clients;
  run(options: Options, context: StepContext<Clients>): Promise<StepOutcome<Result>>;
  outputs(result: Result, options: Options): Record<string, OutputValue>;
  summary(result: Result, options: Options): Summary | undefined;
}

/**
 * The one skeleton of every action: masks secrets, reads the inputs and the record one way, builds clients, applies
 * the timeout and cancellation, runs the step, writes the record back, sets outputs and the summary, and turns any
 * error into one `::error::` line.
 */
export async function runReleaseAction<Options, Clients, Result>(
  action: ReleaseActionDefinition<Options, Clients, Result>,
  env: NodeJS.ProcessEnv = process.env,
): Promise<void> {
  await runAction(action.name, async () => {
    const raw = (name: string) => core.getInput(name);
    for (const name of action.secretInputs ?? []) runnerRedactor.addUrl(raw(name).trim());
    for (const name of action.secretListInputs ?? []) maskSecrets(...splitList(raw(name)));
    for (const name of action.urlInputs ?? []) runnerRedactor.addUrlsIn(raw(name));
    const inputs = new Inputs(raw);
    const place: SavePlace = {};
    const saveRecord = recordSaver(place, env, action.writesRecord ?? false);

    let options: Options;
    try {
      options = await action.readOptions(inputs, env, runnerRedactor);
    } catch (error) {
      await leaveInputErrorRecord(action.inputErrorRecord?.(inputs, error, env), place, saveRecord);
      throw error;
    }
    const given = action.recordPlace?.(options) ?? {};
    const found = given.newRecord ? undefined : (given.file ?? existing(defaultFile(given.release, env)));
    place.writeBack = given.writeBack;
    place.file = given.writeBack === 'file-read' ? found : (given.file ?? defaultFile(given.release, env));
    const reading: RecordReading = given.newRecord
      ? {}
      : await readRecordInputs({ text: given.text, file: found }, given.badRecord);
    const clients = action.clients(options, reading, env);

    const cancellation = cancellationSignal(action.timeoutMs?.(options));
    let outcome: StepOutcome<Result>;
    try {
      outcome = await action.run(options, {
        clients,
        reading,
        saveRecord,
        recordFile: place.file,
        logger: actionsLogger,
        redactor: runnerRedactor,
        signal: cancellation.signal,
        env,
      });
    } finally {
      cancellation.dispose();
    }

    if (outcome.record && action.writesRecord) await saveRecord(outcome.record);
    setOutputs(action.outputs(outcome.result, options));
    const summary = action.summary(outcome.result, options);
    if (summary) await writeSummary(summary.title, summary.facts, summary.tables);
    if (outcome.failure !== undefined) throw outcome.failure;
  });
}

interface SavePlace {
  file?: string | undefined;
  writeBack?: RecordPlace['writeBack'];
}

/**
 * Saves records to the `record-file` input's path, else to the default file of the record's function and alias
 * (so a later step of the job finds it), and sets the `record` and `record-file` outputs. With `writeBack:
 * 'file-read'` and no file read, only the `record` output is set.
 */
function recordSaver(place: SavePlace, env: NodeJS.ProcessEnv, writes: boolean): SaveRecord {
  return async (record) => {
    if (!writes) return;
    const path =
      place.file ??
      (place.writeBack === 'file-read' ? undefined : defaultPathOfRecord(record, runnerTemp(env)));
    if (!path) {
      setOutputs({ record: serializeRecord(record) });
      return;
    }
    await withContext(`writing the deployment record to ${path}`, () => writeRecordFile(path, record));
    setOutputs({ record: serializeRecord(record), 'record-file': path });
  };
}

/** Best effort: the input error is what the user needs to see, so a record that cannot be written is a warning. */
async function leaveInputErrorRecord(
  left: InputErrorRecord | undefined,
  place: SavePlace,
  saveRecord: SaveRecord,
): Promise<void> {
  if (!left) return;
  place.file = left.file;
  await saveRecord(left.record).catch((failure: unknown) => {
    actionsLogger.warning(errorMessage(failure));
    // Without the file, the `record` output still carries the record to later jobs.
    setOutputs({ record: serializeRecord(left.record) });
  });
  setOutputs(left.outputs ?? {});
}

function runnerTemp(env: NodeJS.ProcessEnv): string {
  return env.RUNNER_TEMP || tmpdir();
}

function defaultFile(release: RecordPlace['release'], env: NodeJS.ProcessEnv): string | undefined {
  return (
    release && defaultRecordPath(release.functionName, release.alias, runnerTemp(env), release.environment)
  );
}

function existing(path: string | undefined): string | undefined {
  return path && existsSync(path) ? path : undefined;
}
