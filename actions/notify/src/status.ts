import { InputError, releaseStatus, type DeploymentRecord, type JobStatus } from '@lambda-release-kit/core';
import { Input, type NotifyStatus } from './constants.js';

/** The status to announce when none is given: core's releaseStatus, or an input error when nothing says. */
export function deriveStatus(
  record: DeploymentRecord | undefined,
  jobStatus: JobStatus | undefined,
): NotifyStatus {
  const status = releaseStatus(record, jobStatus);
  if (status) return status;
  throw new InputError(
    `input '${Input.Status}' is required but was not given (or give '${Input.Record}', '${Input.RecordFile}' or '${Input.JobStatus}' to derive it)`,
  );
}
