import {
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  type CloudWatchClient,
} from '@aws-sdk/client-cloudwatch';

/** What one version did behind the alias during a window. Latencies are null when nothing ran. */
export interface VersionMetrics {
  version: string;
  invocations: number;
  errors: number;
  throttles: number;
  p95Ms: number | null;
  p99Ms: number | null;
}

export interface AlarmStatus {
  name: string;
  state: string;
  reason?: string | undefined;
}

const QUERIES = [
  { id: 'invocations', metric: 'Invocations', stat: 'Sum' },
  { id: 'errors', metric: 'Errors', stat: 'Sum' },
  { id: 'throttles', metric: 'Throttles', stat: 'Sum' },
  { id: 'p95', metric: 'Duration', stat: 'p95' },
  { id: 'p99', metric: 'Duration', stat: 'p99' },
] as const;

type Dimensions = Array<{ Name: string; Value: string }>;

/**
 * Reads the AWS/Lambda metrics of `version` between `start` and `end` as served through `alias` (dimensions
 * FunctionName, Resource fn:alias, ExecutedVersion) and, with `direct`, also as invoked directly (FunctionName,
 * Resource fn:version: CloudWatch counts a direct invoke of a version there, never under ExecutedVersion, so the
 * canary traffic this action sends lands only there). Counts of both sets add up. The period covers the whole
 * window (rounded up to a minute, as CloudWatch requires) so percentiles are computed over every request, not
 * averaged per minute. With two sets (or several periods) a percentile of all requests together cannot be
 * rebuilt: the larger one is read, which is an upper bound of the true combined percentile (exact when one set
 * is empty), so a latency gate is never judged too kindly. The stable version is read without `direct`: canary
 * traffic never counts for it.
 */
export async function readVersionMetrics(
  cloudwatch: CloudWatchClient,
  target: { functionName: string; alias: string; version: string; direct?: boolean },
  window: { start: Date; end: Date },
  signal?: AbortSignal,
): Promise<VersionMetrics> {
  const seconds = Math.max(1, (window.end.getTime() - window.start.getTime()) / 1000);
  const period = Math.max(60, Math.ceil(seconds / 60) * 60);
  const sets: Array<{ prefix: string; dimensions: Dimensions }> = [
    {
      prefix: 'alias',
      dimensions: [
        { Name: 'FunctionName', Value: target.functionName },
        { Name: 'Resource', Value: `${target.functionName}:${target.alias}` },
        { Name: 'ExecutedVersion', Value: target.version },
      ],
    },
    ...(target.direct
      ? [
          {
            prefix: 'direct',
            dimensions: [
              { Name: 'FunctionName', Value: target.functionName },
              { Name: 'Resource', Value: `${target.functionName}:${target.version}` },
            ],
          },
        ]
      : []),
  ];
  const values = new Map<string, number[]>();
  let nextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: window.start,
        EndTime: window.end,
        NextToken: nextToken,
        MetricDataQueries: sets.flatMap(({ prefix, dimensions }) =>
          QUERIES.map((query) => ({
            Id: `${prefix}_${query.id}`,
            MetricStat: {
              Metric: { Namespace: 'AWS/Lambda', MetricName: query.metric, Dimensions: dimensions },
              Period: period,
              Stat: query.stat,
            },
          })),
        ),
      }),
      signal ? { abortSignal: signal } : {},
    );
    for (const series of result.MetricDataResults ?? []) {
      const id = series.Id?.replace(/^[a-z]+_/, '');
      if (id === undefined)
        throw new Error('GetMetricData answered a series without the Id it was asked for');
      values.set(id, [...(values.get(id) ?? []), ...(series.Values ?? [])]);
    }
    nextToken = result.NextToken;
    if (!nextToken) break;
  }
  const sum = (id: string) => (values.get(id) ?? []).reduce((total, value) => total + value, 0);
  const largest = (id: string) => {
    const periods = values.get(id) ?? [];
    return periods.length ? Math.max(...periods) : null;
  };
  return {
    version: target.version,
    invocations: sum('invocations'),
    errors: sum('errors'),
    throttles: sum('throttles'),
    p95Ms: largest('p95'),
    p99Ms: largest('p99'),
  };
}

/** The current state of each named alarm (metric or composite); names that do not exist are left out. */
export async function readAlarms(
  cloudwatch: CloudWatchClient,
  names: readonly string[],
  signal?: AbortSignal,
): Promise<AlarmStatus[]> {
  const statuses: AlarmStatus[] = [];
  // DescribeAlarms takes at most 100 names per call.
  for (let start = 0; start < names.length; start += 100) {
    const result = await cloudwatch.send(
      new DescribeAlarmsCommand({
        AlarmNames: names.slice(start, start + 100),
        AlarmTypes: ['MetricAlarm', 'CompositeAlarm'],
      }),
      signal ? { abortSignal: signal } : {},
    );
    for (const alarm of [...(result.MetricAlarms ?? []), ...(result.CompositeAlarms ?? [])]) {
      // DescribeAlarms answers only the alarms it was asked for by name: one without a name is none of ours.
      if (alarm.AlarmName === undefined) continue;
      statuses.push({
        name: alarm.AlarmName,
        state: alarm.StateValue ?? 'INSUFFICIENT_DATA',
        reason: alarm.StateReason,
      });
    }
  }
  return statuses;
}
