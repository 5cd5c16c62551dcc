import {
  errorMessage,
  mapConcurrent,
  UserError,
  type DeploymentRecord,
  type RollbackEntry,
} from '@lambda-release-kit/core';
import { BufferedLogger } from './buffered-logger.js';
import { recordRollback } from './record-update.js';
import { releaseOf, type RollbackTarget } from './record-source.js';
import {
  rollback,
  type Outcome,
  type RollbackDeps,
  type RollbackRequest,
  type RollbackResult,
} from './rollback.js';

/** Functions restored at once: Lambda's control-plane limits are per account, and a rollback must not be throttled. */
export const ROLLBACK_CONCURRENCY = 4;
/** Functions named one by one in a line about several (the error, the explanation); the rest are counted. */
export const NAMED_FUNCTIONS = 5;

/** How the rollback of one function of the release ended: its result, or why it failed. */
export type FunctionRollback = RollbackTarget &
  ({ result: RollbackResult; error?: undefined } | { result?: undefined; error: unknown });

/** 'failed': a function could not be restored (the others still were). */
export type ReleaseOutcome = Outcome | 'failed';

/** The rollback of a release: the one result of a one-function release, or the summary of several. */
export interface ReleaseRollbackResult extends Omit<RollbackResult, 'outcome' | 'entry'> {
  outcome: ReleaseOutcome;
  /** One per function, in the record's order (none when nothing named a function to roll back). */
  functions: FunctionRollback[];
  /** Names each function left on its new version and the command that fixes it; set once the others are done. */
  failure?: UserError | undefined;
}

export interface ReleaseRollbackRequest extends Omit<RollbackRequest, 'functionName' | 'alias'> {
  targets: [RollbackTarget, ...RollbackTarget[]];
}

/**
 * Restores every function of the release, at most `concurrency` at once, each exactly as a one-function rollback
 * (RevisionId-guarded, never over a newer release, its own CodeDeploy deployment stopped). One function failing
 * does not stop the others; the record gets one rollback entry per function restored.
 */
export async function rollbackRelease(
  request: ReleaseRollbackRequest,
  deps: RollbackDeps,
  concurrency = ROLLBACK_CONCURRENCY,
): Promise<ReleaseRollbackResult> {
  const { targets, ...shared } = request;
  const [only, ...others] = targets;
  if (others.length === 0) {
    const result = await rollback({ ...shared, ...only }, deps);
    return { ...result, functions: [{ ...only, result }] };
  }

  const now = deps.now ?? (() => new Date());
  const started = now().getTime();
  deps.logger.info(
    `restoring the ${targets.length} functions of the release, ${Math.min(concurrency, targets.length)} at a time: ${firstFew(targets.map(label), ', ')}`,
  );
  const settled = await mapConcurrent(targets, concurrency, async (target): Promise<Settled> => {
    const logger = new BufferedLogger();
    const timeoutMs = Math.max(1_000, request.timeoutMs - (now().getTime() - started));
    try {
      const result = await rollback({ ...shared, ...target, timeoutMs }, { ...deps, logger });
      return { logger, rollback: { ...target, result } };
    } catch (error) {
      logger.warning(`the rollback of ${label(target)} failed: ${errorMessage(error)}`);
      return { logger, rollback: { ...target, error } };
    }
  });
  for (const { logger, rollback: done } of settled) {
    await deps.logger.group(`Rollback of ${label(done)}`, async () => logger.replay(deps.logger));
  }
  const functions = settled.map((entry) => entry.rollback);
  const [first, ...rest] = functions;
  if (!first) throw new UserError('the release has no function to roll back');

  const failed = functions.filter((f) => !f.result);
  const failure = failed.length > 0 ? partialFailure(failed, functions.length, request.record) : undefined;
  const entries = functions.flatMap((f): RollbackEntry[] => (f.result?.entry ? [f.result.entry] : []));
  const record = releaseRecord(request, first, entries, failure, now());
  const outcome = releaseOutcome(functions);
  const explanation = firstFew(
    functions.map(
      (f) => `${label(f)}: ${f.result ? f.result.explanation : `failed: ${errorMessage(f.error)}`}`,
    ),
    '; ',
  );
  return {
    outcome,
    rolledBack: entries.length > 0,
    durationMs: now().getTime() - started,
    explanation,
    record,
    functions: [first, ...rest],
    failure,
  };
}

/**
 * The record with one rollback entry per function restored: status rolled-back, or failed (its error saying which
 * functions are left on the new version) when a function could not be restored. Unchanged when none was restored.
 */
function releaseRecord(
  request: ReleaseRollbackRequest,
  first: RollbackTarget,
  entries: RollbackEntry[],
  failure: UserError | undefined,
  now: Date,
): DeploymentRecord | undefined {
  const [firstEntry, ...moreEntries] = entries;
  if (!firstEntry) return request.record;
  const context = { ...first, region: request.region, release: request.release ?? {} };
  const record = recordRollback(request.record, [firstEntry, ...moreEntries], context, now);
  if (!failure) return record;
  const error = request.record?.error ? `${request.record.error}; ${failure.message}` : failure.message;
  return { ...record, status: 'failed', error };
}

interface Settled {
  logger: BufferedLogger;
  rollback: FunctionRollback;
}

function label(target: RollbackTarget): string {
  return `${target.functionName}:${target.alias}`;
}

/** The release's outcome: failed if any function failed, else the strongest of the functions' outcomes. */
function releaseOutcome(functions: FunctionRollback[]): ReleaseOutcome {
  const outcomes = functions.map((f) => (f.result ? f.result.outcome : 'failed'));
  const order: ReleaseOutcome[] = ['failed', 'dry-run', 'rolled-back', 'superseded', 'nothing-to-do', 'gone'];
  return order.find((outcome) => outcomes.includes(outcome)) ?? 'nothing-to-do';
}

/** The error naming each function left on its new version, why, and the command that puts it back by hand. */
function partialFailure(
  failed: FunctionRollback[],
  total: number,
  record: DeploymentRecord | undefined,
): UserError {
  const each = failed.map((f) => {
    const released = releaseOf(record, f.functionName, f.alias);
    const newVersion = released?.target?.version;
    const previous = released?.previous?.version ?? '<previous version>';
    const command = `aws lambda update-alias --function-name ${f.functionName} --name ${f.alias} --function-version ${previous} --routing-config '{}'`;
    return `${f.functionName} is left on ${newVersion ? `version ${newVersion}` : 'the new version'} (alias ${f.alias}: ${errorMessage(f.error)}); fix it with: ${command}`;
  });
  const restored = total - failed.length;
  return new UserError(
    `${failed.length} of ${total} functions could not be rolled back (the other ${restored} ${restored === 1 ? 'was' : 'were'} handled): ${firstFew(each, ' | ')}`,
  );
}

/** The first NAMED_FUNCTIONS lines joined, and how many more there are: a line about a thousand functions stays short. */
export function firstFew(lines: string[], separator: string): string {
  const shown = lines.slice(0, NAMED_FUNCTIONS).join(separator);
  const more = lines.length - NAMED_FUNCTIONS;
  return more > 0 ? `${shown}${separator}and ${more} more (each in its own group of the log)` : shown;
}
