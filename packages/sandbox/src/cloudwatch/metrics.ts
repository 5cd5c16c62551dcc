import type { InvocationRecord } from '../contracts.js';

/**
 * AWS/Lambda metrics computed from the sandbox's invocation records. Lambda publishes each metric under
 * several dimension sets (https://docs.aws.amazon.com/lambda/latest/dg/monitoring-metrics-types.html):
 * none (account-wide), {FunctionName}, {FunctionName, Resource} for an alias or a version, and
 * {FunctionName, Resource, ExecutedVersion} for the version that ran behind that alias. ExecutedVersion exists
 * only for invocations through an alias: a direct invoke of version N is counted under {FunctionName,
 * Resource=<fn>:N} alone. CloudWatch treats each dimension set as its own metric, so a query matches only when
 * its dimensions equal one set exactly.
 */

export const LAMBDA_NAMESPACE = 'AWS/Lambda';
export const LAMBDA_METRICS = ['Invocations', 'Errors', 'Throttles', 'Duration'] as const;
export type LambdaMetricName = (typeof LAMBDA_METRICS)[number];

export const BASIC_STATISTICS = ['SampleCount', 'Average', 'Sum', 'Minimum', 'Maximum'] as const;

export interface Sample {
  at: number;
  value: number;
}

export interface MetricSelector {
  namespace: string;
  metricName: string;
  dimensions: Record<string, string>;
}

export function unitOf(metricName: string): string {
  return metricName === 'Duration' ? 'Milliseconds' : 'Count';
}

function dimensionSets(record: InvocationRecord): Record<string, string>[] {
  const sets: Record<string, string>[] = [{}, { FunctionName: record.functionName }];
  if (record.alias) {
    const resource = `${record.functionName}:${record.alias}`;
    sets.push({ FunctionName: record.functionName, Resource: resource });
    sets.push({
      FunctionName: record.functionName,
      Resource: resource,
      ExecutedVersion: record.executedVersion,
    });
  } else if (record.invokedVersion) {
    sets.push({
      FunctionName: record.functionName,
      Resource: `${record.functionName}:${record.invokedVersion}`,
    });
  }
  return sets;
}

function sameDimensions(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

/**
 * One sample per invocation, as Lambda emits them: Invocations and Errors count every non-throttled
 * invocation (Errors as 0 or 1, so its Average is the error rate), Throttles counts throttled requests
 * (which are not invocations), Duration is the run time of non-throttled invocations.
 */
function sampleOf(metricName: LambdaMetricName, record: InvocationRecord): number | undefined {
  switch (metricName) {
    case 'Invocations':
      return record.throttled ? undefined : 1;
    case 'Errors':
      return record.throttled ? undefined : record.error ? 1 : 0;
    case 'Throttles':
      return record.throttled ? 1 : undefined;
    case 'Duration':
      return record.throttled ? undefined : record.durationMs;
  }
}

/** Samples of one metric in [startMs, endMs), oldest first. Unknown namespaces and metrics have no data. */
export function metricSamples(
  invocations: readonly InvocationRecord[],
  selector: MetricSelector,
  startMs: number,
  endMs: number,
): Sample[] {
  if (selector.namespace !== LAMBDA_NAMESPACE) return [];
  if (!(LAMBDA_METRICS as readonly string[]).includes(selector.metricName)) return [];
  const metricName = selector.metricName as LambdaMetricName;
  const samples: Sample[] = [];
  for (const record of invocations) {
    if (record.at < startMs || record.at >= endMs) continue;
    if (!dimensionSets(record).some((set) => sameDimensions(set, selector.dimensions))) continue;
    const value = sampleOf(metricName, record);
    if (value !== undefined) samples.push({ at: record.at, value });
  }
  return samples;
}

const MINUTE_MS = 60_000;

/** When metric data becomes readable: Lambda publishes whole minutes, `delayMs` after each minute ends. */
export interface MetricPublication {
  now: number;
  /** 0 publishes every sample at once, the current minute included (for tests that do not care about timing). */
  delayMs: number;
}

/**
 * The part of a query's range that has data, as CloudWatch answers for Lambda: StartTime rounded down to the
 * whole minute, and with a publication delay, only the minutes that ended at least `delayMs` ago.
 */
export function publishedRange(
  range: { start: number; end: number },
  publication: MetricPublication,
): { start: number; end: number } {
  const start = Math.floor(range.start / MINUTE_MS) * MINUTE_MS;
  if (publication.delayMs === 0) return { start, end: range.end };
  const published = Math.floor((publication.now - publication.delayMs) / MINUTE_MS) * MINUTE_MS;
  return { start, end: Math.max(start, Math.min(range.end, published)) };
}

/** Groups samples into periods of `periodMs` starting at `startMs`; only periods with data are returned. */
export function bucketByPeriod(
  samples: readonly Sample[],
  startMs: number,
  periodMs: number,
): Map<number, number[]> {
  const buckets = new Map<number, number[]>();
  for (const sample of samples) {
    const bucketStart = startMs + Math.floor((sample.at - startMs) / periodMs) * periodMs;
    const values = buckets.get(bucketStart) ?? [];
    values.push(sample.value);
    buckets.set(bucketStart, values);
  }
  return new Map([...buckets.entries()].sort(([a], [b]) => a - b));
}

const PERCENTILE = /^p(\d{1,2}(\.\d+)?|100)$/;

export function isSupportedStatistic(stat: string): boolean {
  return (BASIC_STATISTICS as readonly string[]).includes(stat) || PERCENTILE.test(stat);
}

/** A statistic over one period's values (non-empty); percentiles use the nearest-rank method. */
export function computeStatistic(values: readonly number[], stat: string): number {
  switch (stat) {
    case 'SampleCount':
      return values.length;
    case 'Sum':
      return values.reduce((sum, value) => sum + value, 0);
    case 'Average':
      return values.reduce((sum, value) => sum + value, 0) / values.length;
    case 'Minimum':
      return Math.min(...values);
    case 'Maximum':
      return Math.max(...values);
  }
  const match = PERCENTILE.exec(stat);
  if (!match) throw new Error(`unsupported statistic ${stat}`);
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.max(1, Math.ceil((Number(match[1]) / 100) * sorted.length));
  return sorted[rank - 1] ?? Number.NaN;
}
