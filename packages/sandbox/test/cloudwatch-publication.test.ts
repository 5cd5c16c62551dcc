import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CloudWatchClient, GetMetricDataCommand } from '@aws-sdk/client-cloudwatch';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { createManualClock, startSandbox, type Sandbox } from '../src/index.js';
import { createActiveFunction, esmHandler, lambdaClient } from './helpers.js';

// Lambda's metrics as real CloudWatch serves them: whole minutes, readable 90 s (sandbox time) after the minute
// ends. The test moves the clock, so each invocation lands in the minute it means, however slow the machine.
const MINUTE = 60_000;
const UPDATE_DELAY_MS = 1000;
const clock = createManualClock();
let sandbox: Sandbox;
let lambda: LambdaClient;
let cloudwatch: CloudWatchClient;

beforeAll(async () => {
  sandbox = await startSandbox({ clock, updateDelayMs: UPDATE_DELAY_MS, metricDelayMs: 90_000 });
  lambda = lambdaClient(sandbox);
  cloudwatch = new CloudWatchClient({
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  await createActiveFunction(lambda, clock, UPDATE_DELAY_MS, 'late-fn', esmHandler('late'));
});
afterAll(async () => {
  lambda.destroy();
  cloudwatch.destroy();
  await sandbox.stop();
});

/** Moves the sandbox clock to `at`. */
const until = (at: number) => clock.advance(at - clock.now());

async function invocations(start: number, end: number, periodSeconds: number) {
  const out = await cloudwatch.send(
    new GetMetricDataCommand({
      StartTime: new Date(start),
      EndTime: new Date(end),
      ScanBy: 'TimestampAscending',
      MetricDataQueries: [
        {
          Id: 'calls',
          MetricStat: {
            Metric: {
              Namespace: 'AWS/Lambda',
              MetricName: 'Invocations',
              Dimensions: [{ Name: 'FunctionName', Value: 'late-fn' }],
            },
            Period: periodSeconds,
            Stat: 'Sum',
          },
        },
      ],
    }),
  );
  const series = out.MetricDataResults![0];
  return series?.Timestamps!.map((at, i) => [at.getTime(), series?.Values![i]]);
}

describe('CloudWatch publication delay', () => {
  it('returns a minute only once it has ended and 90 s have passed, with StartTime rounded down', async () => {
    const minute = Math.ceil(sandbox.clock.now() / MINUTE) * MINUTE;
    await until(minute + 5_000);
    await lambda.send(new InvokeCommand({ FunctionName: 'late-fn' }));
    await lambda.send(new InvokeCommand({ FunctionName: 'late-fn' }));
    await until(minute + MINUTE + 5_000);
    await lambda.send(new InvokeCommand({ FunctionName: 'late-fn' }));

    // The first minute has ended but is not published yet: a query ending "now" sees nothing.
    expect(await invocations(minute + 30_000, sandbox.clock.now(), 60)).toEqual([]);

    await until(minute + MINUTE + 90_000 + 1_000);
    // Published: the first minute, whole, from a StartTime inside it; the second is still to come.
    expect(await invocations(minute + 30_000, sandbox.clock.now(), 60)).toEqual([[minute, 2]]);

    await until(minute + 2 * MINUTE + 90_000 + 1_000);
    expect(await invocations(minute, sandbox.clock.now(), 60)).toEqual([
      [minute, 2],
      [minute + MINUTE, 1],
    ]);
    // One period over both minutes sums them.
    expect(await invocations(minute, sandbox.clock.now(), 180)).toEqual([[minute, 3]]);
  });
});
