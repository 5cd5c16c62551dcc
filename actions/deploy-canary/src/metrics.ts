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

/**
 * Reads the AWS/Lambda metrics of `version` as served through `alias` (dimensions FunctionName, Resource
 * fn:alias, ExecutedVersion) between `start` and `end`. The period covers the whole window (rounded up to a
 * minute, as CloudWatch requires) so percentiles are computed over every request, not averaged per minute.
 */
export async function readVersionMetrics(
  cloudwatch: CloudWatchClient,
  target: { functionName: string; alias: string; version: string },
  window: { start: Date; end: Date },
  signal?: AbortSignal,
): Promise<VersionMetrics> {
  const seconds = Math.max(1, (window.end.getTime() - window.start.getTime()) / 1000);
  const period = Math.max(60, Math.ceil(seconds / 60) * 60);
  const dimensions = [
    { Name: 'FunctionName', Value: target.functionName },
    { Name: 'Resource', Value: `${target.functionName}:${target.alias}` },
    { Name: 'ExecutedVersion', Value: target.version },
  ];
  const values = new Map<string, number[]>();
  let nextToken: string | undefined;
  for (let page = 0; page < 20; page++) {
    const result = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: window.start,
        EndTime: window.end,
        NextToken: nextToken,
        MetricDataQueries: QUERIES.map((query) => ({
          Id: query.id,
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: query.metric, Dimensions: dimensions },
            Period: period,
            Stat: query.stat,
          },
        })),
      }),
      signal ? { abortSignal: signal } : {},
    );
    for (const series of result.MetricDataResults ?? []) {
      const id = series.Id;
      if (id === undefined)
        throw new Error('GetMetricData answered a series without the Id it was asked for');
      values.set(id, [...(values.get(id) ?? []), ...(series.Values ?? [])]);
    }
    nextToken = result.NextToken;
    if (!nextToken) break;
  }
  const sum = (id: string) => (values.get(id) ?? []).reduce((total, value) => total + value, 0);
  // With more than one period a true percentile cannot be rebuilt; the worst period is the safe reading.
  const worst = (id: string) => {
    const periods = values.get(id) ?? [];
    return periods.length ? Math.max(...periods) : null;
  };
  return {
    version: target.version,
    invocations: sum('invocations'),
    errors: sum('errors'),
    throttles: sum('throttles'),
    p95Ms: worst('p95'),
    p99Ms: worst('p99'),
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
