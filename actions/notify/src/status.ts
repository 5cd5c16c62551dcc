import { InputError, type DeploymentRecord } from '@lambda-release-kit/core';
import { Input, type JobStatus, type NotifyStatus } from './constants.js';

/**
 * The status to announce when none is given: the record says what the deploy did, the job status says how the
 * job ended. A cancelled job is "cancelled" whatever the record says; a failed job with a record still in
 * progress failed; a rolled-back record stays "rolled-back" (the rollback job itself may have succeeded).
 */
export function deriveStatus(
  record: DeploymentRecord | undefined,
  jobStatus: JobStatus | undefined,
): NotifyStatus {
  if (jobStatus === 'cancelled') return 'cancelled';
  switch (record?.status) {
    case 'promoted':
    case 'no-op':
      return jobStatus === 'failure' ? 'failure' : 'success';
    case 'rolled-back':
      return 'rolled-back';
    case 'failed':
      return 'failure';
    case 'planned':
    case 'in-progress':
      return jobStatus === 'failure' ? 'failure' : jobStatus === 'success' ? 'success' : 'started';
  }
  if (jobStatus) return jobStatus;
  throw new InputError(
    `input '${Input.Status}' is required but was not given (or give '${Input.Record}', '${Input.RecordFile}' or '${Input.JobStatus}' to derive it)`,
  );
}
