import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
  PutMetricAlarmCommand,
  SetAlarmStateCommand,
  type Dimension,
} from '@aws-sdk/client-cloudwatch';
import {
  CreateAliasCommand,
  InvokeCommand,
  PublishVersionCommand,
  PutFunctionConcurrencyCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createManualClock, startSandbox, zipFunction, type Sandbox } from '../src/index.js';
import { createActiveFunction, errorName, lambdaClient, waitUntilReady } from './helpers.js';

// The test moves the clock: each invocation lands in the period it means, however slow the machine is.
const UPDATE_DELAY_MS = 1000;
const clock = createManualClock();
let sandbox: Sandbox;
let lambda: LambdaClient;
let cloudwatch: CloudWatchClient;

const handler = zipFunction({
  'index.mjs': `export const handler = async (event) => {
    if (event?.sleep) await new Promise((r) => setTimeout(r, event.sleep));
    if (event?.fail) throw new Error('boom');
    return { ok: true };
  };`,
});

async function functionWithTwoVersions(name: string): Promise<void> {
  await createActiveFunction(lambda, clock, UPDATE_DELAY_MS, name, handler);
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Description: 'second' }));
  await clock.advance(UPDATE_DELAY_MS);
  await waitUntilReady(lambda, name);
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
}

async function invoke(name: string, qualifier: string | undefined, event: unknown) {
  const out = await lambda.send(
    new InvokeCommand({
      FunctionName: name,
      Qualifier: qualifier,
      Payload: Buffer.from(JSON.stringify(event)),
    }),
  );
  return { version: out.ExecutedVersion as string, failed: out.FunctionError !== undefined };
}

/** Simulated-time range that covers everything recorded so far. */
const range = () => ({
  StartTime: new Date(sandbox.clock.now() - 3_600_000),
  EndTime: new Date(sandbox.clock.now() + 60_000),
});
const dims = (d: Record<string, string>): Dimension[] =>
  Object.entries(d).map(([Name, Value]) => ({ Name, Value }));

async function statistic(
  metric: string,
  dimensions: Record<string, string>,
  stat: string,
): Promise<number | undefined> {
  const percentile = stat.startsWith('p');
  const out = await cloudwatch.send(
    new GetMetricStatisticsCommand({
      Namespace: 'AWS/Lambda',
      MetricName: metric,
      Dimensions: dims(dimensions),
      Period: 7200,
      ...range(),
      ...(percentile ? { ExtendedStatistics: [stat] } : { Statistics: [stat as 'Sum'] }),
    }),
  );
  expect(out.Datapoints!.length).toBeLessThanOrEqual(1);
  const point = out.Datapoints![0];
  if (!point) return undefined;
  return percentile ? point.ExtendedStatistics?.[stat] : (point[stat as 'Sum'] as number);
}

async function alarmState(name: string) {
  const out = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: [name] }));
  return out.MetricAlarms![0];
}

/** Moves the sandbox clock to `simulatedMs`. */
const untilSimulated = (simulatedMs: number) => clock.advance(simulatedMs - clock.now());

/** A second passes: an alarm evaluates the periods that end now, so what was just recorded counts. */
const aSecondLater = () => clock.advance(1000);

beforeAll(async () => {
  sandbox = await startSandbox({
    clock,
    updateDelayMs: UPDATE_DELAY_MS,
    metricDelayMs: 0,
    alarms: [
      {
        name: 'configured-throttles',
        metricName: 'Throttles',
        dimensions: { FunctionName: 'throttled-fn' },
        statistic: 'Sum',
        comparisonOperator: 'GreaterThanOrEqualToThreshold',
        threshold: 1,
        periodSeconds: 60,
        evaluationPeriods: 2,
      },
    ],
  });
  lambda = lambdaClient(sandbox);
  cloudwatch = new CloudWatchClient({
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
});
afterAll(async () => {
  lambda.destroy();
  cloudwatch.destroy();
  await sandbox.stop();
});

describe('Lambda metrics from real invocations', () => {
  const seen = { total: 0, byVersion: {} as Record<string, { calls: number; errors: number }> };

  beforeAll(async () => {
    await functionWithTwoVersions('metrics-fn');
    await lambda.send(
      new CreateAliasCommand({
        FunctionName: 'metrics-fn',
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
      }),
    );
    for (let i = 0; i < 24; i++) {
      const { version, failed } = await invoke('metrics-fn', 'live', {
        fail: i % 4 === 0,
        sleep: i % 3 === 0 ? 20 : 0,
      });
      const counts = (seen.byVersion[version] ??= { calls: 0, errors: 0 });
      counts.calls++;
      if (failed) counts.errors++;
    }
    await invoke('metrics-fn', undefined, {});
    seen.total = 25;
  });

  it('counts Invocations and Errors by FunctionName, Resource and ExecutedVersion', async () => {
    expect(await statistic('Invocations', { FunctionName: 'metrics-fn' }, 'Sum')).toBe(seen.total);
    expect(
      await statistic('Invocations', { FunctionName: 'metrics-fn', Resource: 'metrics-fn:live' }, 'Sum'),
    ).toBe(24);
    expect(
      await statistic('Errors', { FunctionName: 'metrics-fn', Resource: 'metrics-fn:live' }, 'Sum'),
    ).toBe(6);
    for (const [version, counts] of Object.entries(seen.byVersion)) {
      const d = { FunctionName: 'metrics-fn', Resource: 'metrics-fn:live', ExecutedVersion: version };
      expect(await statistic('Invocations', d, 'Sum')).toBe(counts.calls);
      expect(await statistic('Errors', d, 'SampleCount')).toBe(counts.calls);
      expect(await statistic('Errors', d, 'Sum')).toBe(counts.errors);
      expect(await statistic('Errors', d, 'Average')).toBeCloseTo(counts.errors / counts.calls, 10);
    }
    expect(
      await statistic('Invocations', { FunctionName: 'metrics-fn', ExecutedVersion: '1' }, 'Sum'),
    ).toBeUndefined();
  });

  it('counts a direct invoke of version N under Resource=fn:N, alias traffic under Resource=fn:alias + ExecutedVersion', async () => {
    await functionWithTwoVersions('direct-fn');
    await lambda.send(
      new CreateAliasCommand({ FunctionName: 'direct-fn', Name: 'live', FunctionVersion: '1' }),
    );
    await invoke('direct-fn', '2', {});
    await invoke('direct-fn', '2', { fail: true });
    await invoke('direct-fn', '2', {});
    await invoke('direct-fn', 'live', {});
    const direct = { FunctionName: 'direct-fn', Resource: 'direct-fn:2' };
    expect(await statistic('Invocations', direct, 'Sum')).toBe(3);
    expect(await statistic('Errors', direct, 'Sum')).toBe(1);
    for (const version of ['1', '2']) {
      const behindAlias = { ...direct, ExecutedVersion: version };
      expect(await statistic('Invocations', behindAlias, 'Sum')).toBeUndefined();
    }
    const alias = { FunctionName: 'direct-fn', Resource: 'direct-fn:live' };
    expect(await statistic('Invocations', alias, 'Sum')).toBe(1);
    expect(await statistic('Invocations', { ...alias, ExecutedVersion: '1' }, 'Sum')).toBe(1);
    expect(await statistic('Invocations', { ...alias, ExecutedVersion: '2' }, 'Sum')).toBeUndefined();
    expect(
      await statistic('Invocations', { FunctionName: 'direct-fn', Resource: 'direct-fn:1' }, 'Sum'),
    ).toBeUndefined();
    expect(await statistic('Invocations', { FunctionName: 'direct-fn' }, 'Sum')).toBe(4);
  });

  it('reports Duration statistics and percentiles over the recorded durations', async () => {
    const durations = sandbox.lambda
      .invocations()
      .filter((r) => r.functionName === 'metrics-fn')
      .map((r) => r.durationMs)
      .sort((a, b) => a - b);
    expect(durations).toHaveLength(seen.total);
    const d = { FunctionName: 'metrics-fn' };
    expect(await statistic('Duration', d, 'Maximum')).toBe(durations[durations.length - 1]);
    expect(await statistic('Duration', d, 'Minimum')).toBe(durations[0]);
    expect(await statistic('Duration', d, 'Average')).toBeCloseTo(
      durations.reduce((a, b) => a + b, 0) / durations.length,
      6,
    );
    expect(await statistic('Duration', d, 'p50')).toBe(durations[Math.ceil(0.5 * durations.length) - 1]);
    expect(await statistic('Duration', d, 'p90')).toBe(durations[Math.ceil(0.9 * durations.length) - 1]);
    expect(await statistic('Duration', d, 'p99')).toBe(durations[durations.length - 1]);
  });

  it('answers GetMetricData per period, newest first by default, with percentile stats', async () => {
    // Periods start at whole minutes (StartTime is rounded down), so start at one.
    await untilSimulated(Math.ceil(sandbox.clock.now() / 60_000) * 60_000);
    const startedAt = sandbox.clock.now();
    await invoke('metrics-fn', 'live', {});
    await untilSimulated(startedAt + 61_000);
    await invoke('metrics-fn', 'live', {});
    await invoke('metrics-fn', 'live', {});
    const metric = {
      Namespace: 'AWS/Lambda',
      Dimensions: dims({ FunctionName: 'metrics-fn', Resource: 'metrics-fn:live' }),
    };
    const out = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime: new Date(startedAt),
        EndTime: new Date(sandbox.clock.now() + 1000),
        MetricDataQueries: [
          {
            Id: 'calls',
            MetricStat: { Metric: { ...metric, MetricName: 'Invocations' }, Period: 60, Stat: 'Sum' },
          },
          {
            Id: 'slow',
            Label: 'p95 duration',
            MetricStat: { Metric: { ...metric, MetricName: 'Duration' }, Period: 60, Stat: 'p95' },
          },
          {
            Id: 'hidden',
            ReturnData: false,
            MetricStat: { Metric: { ...metric, MetricName: 'Errors' }, Period: 60, Stat: 'Sum' },
          },
        ],
      }),
    );
    expect(out.MetricDataResults!.map((r) => r.Id)).toEqual(['calls', 'slow']);
    const calls = out.MetricDataResults![0];
    expect(calls?.Values).toEqual([2, 1]);
    expect(calls?.StatusCode).toBe('Complete');
    const [latest, earlier] = calls?.Timestamps ?? [];
    expect(Number(latest?.getTime()) - Number(earlier?.getTime())).toBe(60_000);
    expect(calls?.Timestamps![1]?.getTime()).toBe(Math.floor(startedAt / 60_000) * 60_000);
    expect(out.MetricDataResults![1]?.Label).toBe('p95 duration');
    expect(out.MetricDataResults![1]?.Values).toHaveLength(2);
  });

  it('counts throttled requests as Throttles, not Invocations', async () => {
    await createActiveFunction(lambda, clock, UPDATE_DELAY_MS, 'throttled-fn', handler);
    await lambda.send(
      new PutFunctionConcurrencyCommand({ FunctionName: 'throttled-fn', ReservedConcurrentExecutions: 0 }),
    );
    expect(await errorName(() => invoke('throttled-fn', undefined, {}))).toBe('TooManyRequestsException');
    expect(await statistic('Throttles', { FunctionName: 'throttled-fn' }, 'Sum')).toBe(1);
    expect(await statistic('Invocations', { FunctionName: 'throttled-fn' }, 'Sum')).toBeUndefined();
    await aSecondLater();
    const configured = await alarmState('configured-throttles');
    expect(configured?.StateValue).toBe('ALARM');
    expect(configured?.Threshold).toBe(1);
  });

  it('rejects bad requests with the CloudWatch exception names', async () => {
    const base = { Namespace: 'AWS/Lambda', MetricName: 'Invocations', ...range() };
    expect(
      await errorName(() =>
        cloudwatch.send(new GetMetricStatisticsCommand({ ...base, Period: 61, Statistics: ['Sum'] })),
      ),
    ).toBe('InvalidParameterValueException');
    expect(
      await errorName(() => cloudwatch.send(new GetMetricStatisticsCommand({ ...base, Period: 60 }))),
    ).toBe('InvalidParameterCombinationException');
    expect(
      await errorName(() =>
        cloudwatch.send(new SetAlarmStateCommand({ AlarmName: 'nope', StateValue: 'OK', StateReason: 'x' })),
      ),
    ).toBe('ResourceNotFound');
  });
});

describe('alarms', () => {
  it('moves from INSUFFICIENT_DATA to OK to ALARM as invocations arrive', async () => {
    await createActiveFunction(lambda, clock, UPDATE_DELAY_MS, 'alarm-fn', handler);
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'alarm-fn-errors',
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: dims({ FunctionName: 'alarm-fn' }),
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        Period: 300,
        EvaluationPeriods: 1,
      }),
    );
    expect((await alarmState('alarm-fn-errors'))?.StateValue).toBe('INSUFFICIENT_DATA');
    await invoke('alarm-fn', undefined, {});
    await aSecondLater();
    expect((await alarmState('alarm-fn-errors'))?.StateValue).toBe('OK');
    await invoke('alarm-fn', undefined, { fail: true });
    await aSecondLater();
    const alarm = await alarmState('alarm-fn-errors');
    expect(alarm?.StateValue).toBe('ALARM');
    expect(alarm?.StateReason).toMatch(/Threshold Crossed/);
    expect(alarm?.AlarmArn).toBe('arn:aws:cloudwatch:us-east-1:123456789012:alarm:alarm-fn-errors');
    const inAlarm = await cloudwatch.send(new DescribeAlarmsCommand({ StateValue: 'ALARM' }));
    expect(inAlarm.MetricAlarms!.map((a) => a.AlarmName)).toContain('alarm-fn-errors');
  });

  it('holds a state set with SetAlarmState until the next evaluation', async () => {
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'quiet-p99',
        Namespace: 'AWS/Lambda',
        MetricName: 'Duration',
        Dimensions: dims({ FunctionName: 'nobody' }),
        ExtendedStatistic: 'p99',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 1000,
        Period: 60,
        EvaluationPeriods: 1,
      }),
    );
    const forcedAt = sandbox.clock.now();
    await cloudwatch.send(
      new SetAlarmStateCommand({ AlarmName: 'quiet-p99', StateValue: 'ALARM', StateReason: 'testing' }),
    );
    const forced = await alarmState('quiet-p99');
    expect(forced?.StateValue).toBe('ALARM');
    expect(forced?.StateReason).toBe('testing');
    expect(forced?.ExtendedStatistic).toBe('p99');
    await untilSimulated(forcedAt + 61_000);
    expect((await alarmState('quiet-p99'))?.StateValue).toBe('INSUFFICIENT_DATA');
  });

  it('renders an injected throttle the way the query-compatible client reads it', async () => {
    sandbox.faults.add({ service: 'cloudwatch', operation: 'DescribeAlarms', kind: 'throttle', times: 1 });
    expect(await errorName(() => cloudwatch.send(new DescribeAlarmsCommand({})))).toBe('Throttling');
    const logged = sandbox.requestLog().filter((e) => e.service === 'cloudwatch');
    expect(logged[logged.length - 1]).toMatchObject({
      operation: 'DescribeAlarms',
      mutating: false,
      fault: 'throttle',
    });
    expect(logged.some((e) => e.operation === 'PutMetricAlarm' && e.mutating)).toBe(true);
  });
});
