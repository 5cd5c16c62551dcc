import type { DeploymentRecord } from './record.js';

export const RELEASE_STATUSES = [
  'started',
  'success',
  'failure',
  'cancelled',
  'skipped',
  'rolled-back',
] as const;
/** How a release ended, as notify announces it and the reference workflow reports it. */
export type ReleaseStatus = (typeof RELEASE_STATUSES)[number];

export const JOB_STATUSES = ['success', 'failure', 'cancelled', 'skipped'] as const;
/**
 * How the GitHub job (or the job whose result is given) ended: `job.status` or `needs.<job>.result`, which is
 * `skipped` when the job did not run.
 */
export type JobStatus = (typeof JOB_STATUSES)[number];

/**
 * The release's final status, derived in this one place from the record and the job's result. "rolled-back" only
 * when a rollback entry shows that traffic was restored (deploy-canary and rollback-on-failure add one only then):
 * a rollback that found nothing to do, was superseded, or followed a deploy that failed before moving traffic is
 * not a rollback. A skipped job did nothing, so it says nothing about the release: the record alone decides, and
 * without one the status is `skipped`. Undefined when neither a record nor a job status says anything.
 */
export function releaseStatus(
  record: DeploymentRecord | undefined,
  jobStatus: JobStatus | undefined,
): ReleaseStatus | undefined {
  if (jobStatus === 'skipped') return record ? releaseStatus(record, undefined) : 'skipped';
  if (record && record.rollbacks.length > 0) return 'rolled-back';
  if (jobStatus === 'cancelled') return 'cancelled';
  switch (record?.status) {
    case 'promoted':
    case 'no-op':
      return jobStatus === 'failure' ? 'failure' : 'success';
    case 'rolled-back':
    case 'failed':
      return 'failure';
    case 'planned':
    case 'in-progress':
      return jobStatus ?? 'started';
  }
  return jobStatus;
}
