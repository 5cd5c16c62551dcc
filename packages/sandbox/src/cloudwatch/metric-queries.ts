import type { InvocationRecord } from '../contracts.js';
import { AwsServiceError, epochSeconds, type JsonObject, readTimestamp } from './json-rpc.js';
import {
  bucketByPeriod,
  type MetricPublication,
  publishedRange,
  computeStatistic,
  isSupportedStatistic,
  metricSamples,
  unitOf,
  type MetricSelector,
} from './metrics.js';

/** GetMetricStatistics and GetMetricData over Lambda's invocation records. */

export const invalidValue = (message: string) =>
  new AwsServiceError('InvalidParameterValueException', message, 400, 'InvalidParameterValue');
export const missingParameter = (message: string) =>
  new AwsServiceError('MissingRequiredParameterException', message, 400, 'MissingParameter');
const invalidCombination = (message: string) =>
  new AwsServiceError('InvalidParameterCombinationException', message, 400, 'InvalidParameterCombination');

/** The invocations a query may match: one function's when its dimensions name one, else all. */
export type InvocationSource = (functionName?: string) => readonly InvocationRecord[];

/** CloudWatch returns at most 1,440 datapoints from one GetMetricStatistics call. */
const MAX_DATAPOINTS = 1440;

export function readDimensions(value: unknown, field: string): Record<string, string> {
  if (value === undefined) return {};
  if (!Array.isArray(value)) throw invalidValue(`${field} must be a list of {Name, Value}`);
  const dimensions: Record<string, string> = {};
  for (const entry of value as JsonObject[]) {
    if (typeof entry?.Name !== 'string' || typeof entry?.Value !== 'string') {
      throw invalidValue(`${field} entries need a Name and a Value, got ${JSON.stringify(entry)}`);
    }
    dimensions[entry.Name] = entry.Value;
  }
  return dimensions;
}

export function writeDimensions(dimensions: Record<string, string>): { Name: string; Value: string }[] {
  return Object.entries(dimensions).map(([Name, Value]) => ({ Name, Value }));
}

/** Standard-resolution metrics take periods of 60 s multiples; 1, 5, 10, 30 are for high resolution. */
export function readPeriod(value: unknown, field: string): number {
  if (value === undefined) throw missingParameter(`The parameter ${field} is required.`);
  const period = Number(value);
  if (
    !Number.isInteger(period) ||
    period < 1 ||
    (period >= 60 ? period % 60 !== 0 : ![1, 5, 10, 30].includes(period))
  ) {
    throw invalidValue(
      `The parameter ${field} must be 1, 5, 10, 30 or a multiple of 60, got ${JSON.stringify(value)}.`,
    );
  }
  return period;
}

function readRange(body: JsonObject): { start: number; end: number } {
  if (body.StartTime === undefined) throw missingParameter('The parameter StartTime is required.');
  if (body.EndTime === undefined) throw missingParameter('The parameter EndTime is required.');
  const start = readTimestamp(body.StartTime, 'StartTime', invalidValue);
  const end = readTimestamp(body.EndTime, 'EndTime', invalidValue);
  if (start >= end) throw invalidValue('The parameter StartTime must be less than the parameter EndTime.');
  return { start, end };
}

function readSelector(metric: JsonObject, where: string): MetricSelector {
  if (typeof metric.Namespace !== 'string')
    throw missingParameter(`The parameter ${where}Namespace is required.`);
  if (typeof metric.MetricName !== 'string')
    throw missingParameter(`The parameter ${where}MetricName is required.`);
  return {
    namespace: metric.Namespace,
    metricName: metric.MetricName,
    dimensions: readDimensions(metric.Dimensions, `${where}Dimensions`),
  };
}

function readStringList(value: unknown, field: string): string[] {
  if (value === undefined) return [];
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string'))
    throw invalidValue(`${field} must be a list of strings`);
  return value as string[];
}

export function getMetricStatistics(
  body: JsonObject,
  invocations: InvocationSource,
  publication: MetricPublication,
): unknown {
  const selector = readSelector(body, '');
  const { start, end } = publishedRange(readRange(body), publication);
  const period = readPeriod(body.Period, 'Period');
  const statistics = readStringList(body.Statistics, 'Statistics');
  const extended = readStringList(body.ExtendedStatistics, 'ExtendedStatistics');
  if (statistics.length === 0 && extended.length === 0) {
    throw invalidCombination('Must specify either Statistics or ExtendedStatistics.');
  }
  for (const stat of statistics) {
    if (!isSupportedStatistic(stat) || stat.startsWith('p'))
      throw invalidValue(`Statistics has an unknown statistic ${stat}`);
  }
  for (const stat of extended) {
    if (!/^p/.test(stat) || !isSupportedStatistic(stat))
      throw invalidValue(`ExtendedStatistics has an unsupported statistic ${stat}`);
  }
  if ((end - start) / (period * 1000) > MAX_DATAPOINTS) {
    throw invalidCombination(
      `You have requested up to ${Math.ceil((end - start) / (period * 1000))} datapoints, which exceeds the limit of ${MAX_DATAPOINTS}.`,
    );
  }
  const unit = unitOf(selector.metricName);
  const buckets = bucketByPeriod(
    metricSamples(invocations(selector.dimensions.FunctionName), selector, start, end),
    start,
    period * 1000,
  );
  const datapoints = [...buckets.entries()].map(([bucketStart, values]) => {
    const datapoint: JsonObject = { Timestamp: epochSeconds(bucketStart), Unit: unit };
    for (const stat of statistics) datapoint[stat] = computeStatistic(values, stat);
    if (extended.length > 0) {
      datapoint.ExtendedStatistics = Object.fromEntries(
        extended.map((stat) => [stat, computeStatistic(values, stat)]),
      );
    }
    return datapoint;
  });
  return { Label: selector.metricName, Datapoints: datapoints };
}

const QUERY_ID = /^[a-z][a-zA-Z0-9_]*$/;

export function getMetricData(
  body: JsonObject,
  invocations: InvocationSource,
  publication: MetricPublication,
): unknown {
  const queries = body.MetricDataQueries;
  if (!Array.isArray(queries) || queries.length === 0)
    throw missingParameter('The parameter MetricDataQueries is required.');
  const { start, end } = publishedRange(readRange(body), publication);
  const descending = (body.ScanBy ?? 'TimestampDescending') === 'TimestampDescending';
  const results = [];
  for (const [index, query] of (queries as JsonObject[]).entries()) {
    const where = `MetricDataQueries.member.${index + 1}.`;
    if (typeof query.Id !== 'string' || !QUERY_ID.test(query.Id)) {
      throw invalidValue(
        `${where}Id must start with a lowercase letter and contain only letters, digits and underscores.`,
      );
    }
    if (query.Expression !== undefined) {
      throw invalidValue(`${where}Expression: metric math is not supported by the sandbox; use MetricStat.`);
    }
    const stat = query.MetricStat as JsonObject | undefined;
    if (!stat) throw missingParameter(`The parameter ${where}MetricStat is required.`);
    const selector = readSelector((stat.Metric ?? {}) as JsonObject, `${where}MetricStat.Metric.`);
    const period = readPeriod(stat.Period, `${where}MetricStat.Period`);
    if (typeof stat.Stat !== 'string' || !isSupportedStatistic(stat.Stat)) {
      throw invalidValue(`${where}MetricStat.Stat has an unsupported statistic ${JSON.stringify(stat.Stat)}`);
    }
    if (query.ReturnData === false) continue;
    const buckets = bucketByPeriod(
      metricSamples(invocations(selector.dimensions.FunctionName), selector, start, end),
      start,
      period * 1000,
    );
    const points = [...buckets.entries()].map(([at, values]): [number, number] => [
      at,
      computeStatistic(values, stat.Stat as string),
    ]);
    if (descending) points.reverse();
    results.push({
      Id: query.Id,
      Label: typeof query.Label === 'string' ? query.Label : selector.metricName,
      Timestamps: points.map(([at]) => epochSeconds(at)),
      Values: points.map(([, value]) => value),
      StatusCode: 'Complete',
    });
  }
  return { MetricDataResults: results, Messages: [] };
}
