import { describe, expect, it } from '@jest/globals';
import type { InvocationRecord } from '../src/contracts.js';
import {
  bucketByPeriod,
  computeStatistic,
  isSupportedStatistic,
  metricSamples,
} from '../src/cloudwatch/metrics.js';

const T0 = Date.UTC(2026, 10, 1, 12, 0, 0);
const record = (at: number, extra: Partial<InvocationRecord> = {}): InvocationRecord => ({
  functionName: 'orders',
  executedVersion: '1',
  alias: 'live',
  at,
  durationMs: 10,
  error: false,
  throttled: false,
  ...extra,
});

describe('Lambda metric samples', () => {
  const records = [
    record(T0, { durationMs: 5 }),
    record(T0 + 1000, { executedVersion: '2', error: true, durationMs: 50 }),
    record(T0 + 2000, { alias: undefined, durationMs: 7 }),
    record(T0 + 3000, { throttled: true }),
    record(T0 + 4000, { functionName: 'other' }),
  ];
  const select = (metricName: string, dimensions: Record<string, string>) =>
    metricSamples(records, { namespace: 'AWS/Lambda', metricName, dimensions }, T0, T0 + 60_000).map(
      (s) => s.value,
    );

  it('matches a dimension set exactly, as CloudWatch does', () => {
    expect(select('Invocations', { FunctionName: 'orders' })).toEqual([1, 1, 1]);
    expect(select('Invocations', { FunctionName: 'orders', Resource: 'orders:live' })).toEqual([1, 1]);
    expect(
      select('Invocations', { FunctionName: 'orders', Resource: 'orders:live', ExecutedVersion: '2' }),
    ).toEqual([1]);
    expect(select('Invocations', { FunctionName: 'orders', ExecutedVersion: '2' })).toEqual([]);
    expect(select('Invocations', {})).toHaveLength(4);
  });

  it('counts a direct invoke of a version under Resource=fn:N only, never under ExecutedVersion', () => {
    const direct = [record(T0, { alias: undefined, executedVersion: '2', invokedVersion: '2' })];
    const of = (dimensions: Record<string, string>) =>
      metricSamples(
        direct,
        { namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions },
        T0,
        T0 + 60_000,
      );
    expect(of({ FunctionName: 'orders', Resource: 'orders:2' })).toHaveLength(1);
    expect(of({ FunctionName: 'orders' })).toHaveLength(1);
    expect(of({ FunctionName: 'orders', Resource: 'orders:2', ExecutedVersion: '2' })).toEqual([]);
    expect(of({ FunctionName: 'orders', Resource: 'orders:live', ExecutedVersion: '2' })).toEqual([]);
  });

  it('emits Errors as 0/1 per invocation, Throttles only for throttled requests, Duration in ms', () => {
    expect(select('Errors', { FunctionName: 'orders' })).toEqual([0, 1, 0]);
    expect(select('Throttles', { FunctionName: 'orders' })).toEqual([1]);
    expect(select('Duration', { FunctionName: 'orders' })).toEqual([5, 50, 7]);
  });

  it('has no data for other namespaces or metrics and honours the time range', () => {
    expect(
      metricSamples(
        records,
        { namespace: 'AWS/EC2', metricName: 'Invocations', dimensions: {} },
        T0,
        T0 + 60_000,
      ),
    ).toEqual([]);
    expect(
      metricSamples(records, { namespace: 'AWS/Lambda', metricName: 'Foo', dimensions: {} }, T0, T0 + 60_000),
    ).toEqual([]);
    expect(
      metricSamples(
        records,
        { namespace: 'AWS/Lambda', metricName: 'Invocations', dimensions: {} },
        T0 + 1000,
        T0 + 2000,
      ),
    ).toHaveLength(1);
  });
});

describe('statistics and periods', () => {
  it('computes basic statistics and nearest-rank percentiles', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(computeStatistic(values, 'Sum')).toBe(5050);
    expect(computeStatistic(values, 'Average')).toBe(50.5);
    expect(computeStatistic(values, 'Minimum')).toBe(1);
    expect(computeStatistic(values, 'Maximum')).toBe(100);
    expect(computeStatistic(values, 'SampleCount')).toBe(100);
    expect(computeStatistic(values, 'p50')).toBe(50);
    expect(computeStatistic(values, 'p95')).toBe(95);
    expect(computeStatistic(values, 'p99.5')).toBe(100);
    expect(computeStatistic([7], 'p90')).toBe(7);
  });

  it('knows which statistics exist', () => {
    expect(['Sum', 'p99', 'p99.9', 'p100'].every(isSupportedStatistic)).toBe(true);
    expect(['sum', 'p', 'p101', 'tm90'].some(isSupportedStatistic)).toBe(false);
  });

  it('buckets samples into periods from the start time, leaving empty periods out', () => {
    const buckets = bucketByPeriod(
      [
        { at: T0 + 59_999, value: 1 },
        { at: T0 + 1, value: 2 },
        { at: T0 + 180_000, value: 3 },
      ],
      T0,
      60_000,
    );
    expect([...buckets.entries()]).toEqual([
      [T0, [1, 2]],
      [T0 + 180_000, [3]],
    ]);
  });
});
