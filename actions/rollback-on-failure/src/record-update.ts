import { createRecord, type DeploymentRecord, type RollbackEntry } from '@lambda-release-kit/core';

const VERSION = /^\d+$/;

/**
 * Adds the rollbacks (one per function restored) to the record, status rolled-back. Without a record, starts one
 * that describes only the rollback, so notify and later runs still learn what happened.
 */
export function recordRollback(
  record: DeploymentRecord | undefined,
  entries: [RollbackEntry, ...RollbackEntry[]],
  context: {
    functionName: string;
    alias: string;
    region?: string | undefined;
    release: DeploymentRecord['release'];
  },
  now: Date,
): DeploymentRecord {
  const [entry] = entries;
  const base =
    record ??
    createRecord(
      {
        functions: [
          {
            function: { name: context.functionName },
            alias: context.alias,
            ...(VERSION.test(entry.to) ? { previous: { version: entry.to } } : {}),
            ...(VERSION.test(entry.from) ? { target: { version: entry.from } } : {}),
          },
        ],
        ...(context.region ? { region: context.region } : {}),
        release: context.release,
        strategy: entry.method === 'codedeploy-stop' ? 'codedeploy' : 'all-at-once',
      },
      new Date(now.getTime() - (entry.durationMs ?? 0)),
    );
  return {
    ...base,
    status: 'rolled-back',
    rollbacks: [...base.rollbacks, ...entries],
    finishedAt: now.toISOString(),
  };
}
