export enum Input {
  Url = 'url',
  ExpectStatus = 'expect-status',
  ExpectBody = 'expect-body',
  Checks = 'checks',
  ChecksFile = 'checks-file',
  Vars = 'vars',
  Concurrency = 'concurrency',
  Samples = 'samples',
  MaxErrorRate = 'max-error-rate',
  MaxP50Latency = 'max-p50-latency',
  MaxP95Latency = 'max-p95-latency',
  MaxP99Latency = 'max-p99-latency',
  ExpectVersion = 'expect-version',
  VersionFrom = 'version-from',
  FailFast = 'fail-fast',
  Timeout = 'timeout',
  Record = 'record',
  RecordFile = 'record-file',
  ReportFile = 'report-file',
  Secrets = 'secrets',
  Region = 'region',
}

export enum Output {
  Passed = 'passed',
  Total = 'total',
  Failed = 'failed',
  Report = 'report',
  ReportFile = 'report-file',
  DurationMs = 'duration-ms',
}

export const ACTION = 'smoke-test';
export const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** The name of the check built from the `url` input. */
export const URL_CHECK_NAME = 'url';
