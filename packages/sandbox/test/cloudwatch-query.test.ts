import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CloudWatchClient,
  DescribeAlarmsCommand,
  GetMetricDataCommand,
  GetMetricStatisticsCommand,
} from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentGroupCommand,
  UpdateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { XMLParser } from 'fast-xml-parser';
import { startSandbox, zipFunction, type Sandbox } from '../src/index.js';
import { createReadyFunction, errorName, lambdaClient } from './helpers.js';

// The AWS CLI v2 speaks awsQuery to CloudWatch; these requests are written the way it writes them.
let sandbox: Sandbox;
let lambda: LambdaClient;
let cloudwatch: CloudWatchClient;
let codedeploy: CodeDeployClient;
const xml = new XMLParser({ isArray: (name) => name === 'member' });

async function query(action: string, params: Record<string, string | number>) {
  const body = new URLSearchParams({ Action: action, Version: '2010-08-01' });
  for (const [name, value] of Object.entries(params)) body.append(name, String(value));
  const response = await fetch(`${sandbox.endpoint}/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' },
    body,
  });
  const text = await response.text();
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    text,
    parsed: xml.parse(text),
  };
}

const range = () => ({
  StartTime: new Date(sandbox.clock.now() - 3_600_000),
  EndTime: new Date(sandbox.clock.now() + 3_600_000),
});
const dimension = { Name: 'FunctionName', Value: 'query-fn' };

beforeAll(async () => {
  sandbox = await startSandbox({ updateDelayMs: 0 });
  const options = {
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  };
  lambda = lambdaClient(sandbox);
  cloudwatch = new CloudWatchClient(options);
  codedeploy = new CodeDeployClient(options);
  await createReadyFunction(
    lambda,
    'query-fn',
    zipFunction({
      'index.mjs': `export const handler = async (event) => { if (event.fail) throw new Error('boom'); return 1; };`,
    }),
  );
  for (const fail of [false, false, true])
    await lambda.send(new InvokeCommand({ FunctionName: 'query-fn', Payload: JSON.stringify({ fail }) }));
});

afterAll(async () => {
  await sandbox?.stop();
});

describe('CloudWatch over the query protocol (AWS CLI)', () => {
  it('creates an alarm the SDK then reads, with numbers and booleans typed', async () => {
    const put = await query('PutMetricAlarm', {
      AlarmName: 'query-errors',
      MetricName: 'Errors',
      Namespace: 'AWS/Lambda',
      Statistic: 'Sum',
      Period: 60,
      EvaluationPeriods: 2,
      Threshold: 1.5,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      ActionsEnabled: 'false',
      'Dimensions.member.1.Name': 'FunctionName',
      'Dimensions.member.1.Value': 'query-fn',
    });
    expect(put.status).toBe(200);
    expect(put.text).toContain(
      '<PutMetricAlarmResponse xmlns="http://monitoring.amazonaws.com/doc/2010-08-01/">',
    );
    const { MetricAlarms } = await cloudwatch.send(
      new DescribeAlarmsCommand({ AlarmNames: ['query-errors'] }),
    );
    expect(MetricAlarms?.[0]).toMatchObject({
      Threshold: 1.5,
      EvaluationPeriods: 2,
      ActionsEnabled: false,
      Dimensions: [dimension],
    });
  });

  it('describes alarms in XML: lists as members, timestamps as ISO 8601', async () => {
    const answer = await query('DescribeAlarms', { 'AlarmNames.member.1': 'query-errors' });
    expect(answer.type).toBe('text/xml');
    const alarm = answer.parsed.DescribeAlarmsResponse.DescribeAlarmsResult.MetricAlarms.member[0];
    expect(alarm).toMatchObject({ AlarmName: 'query-errors', Threshold: 1.5, Statistic: 'Sum' });
    expect(alarm.Dimensions.member).toEqual([dimension]);
    expect(alarm.StateUpdatedTimestamp).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
  });

  it('answers GetMetricStatistics and GetMetricData with the same numbers as the JSON protocol', async () => {
    const { StartTime, EndTime } = range();
    const times = { StartTime: StartTime.toISOString(), EndTime: EndTime.toISOString() };
    const statistics = await query('GetMetricStatistics', {
      ...times,
      Namespace: 'AWS/Lambda',
      MetricName: 'Invocations',
      Period: 3600,
      'Statistics.member.1': 'Sum',
      'Dimensions.member.1.Name': 'FunctionName',
      'Dimensions.member.1.Value': 'query-fn',
    });
    const viaSdk = await cloudwatch.send(
      new GetMetricStatisticsCommand({
        StartTime,
        EndTime,
        Namespace: 'AWS/Lambda',
        MetricName: 'Invocations',
        Period: 3600,
        Statistics: ['Sum'],
        Dimensions: [dimension],
      }),
    );
    const points = statistics.parsed.GetMetricStatisticsResponse.GetMetricStatisticsResult.Datapoints;
    const sums = (points ? points.member : []).map((p: { Sum: number }) => p.Sum);
    expect(sums).toEqual(viaSdk.Datapoints?.map((p) => p.Sum));

    const metric = 'MetricDataQueries.member';
    const data = await query('GetMetricData', {
      ...times,
      [`${metric}.1.Id`]: 'errors',
      [`${metric}.1.MetricStat.Metric.Namespace`]: 'AWS/Lambda',
      [`${metric}.1.MetricStat.Metric.MetricName`]: 'Errors',
      [`${metric}.1.MetricStat.Metric.Dimensions.member.1.Name`]: 'FunctionName',
      [`${metric}.1.MetricStat.Metric.Dimensions.member.1.Value`]: 'query-fn',
      [`${metric}.1.MetricStat.Period`]: 3600,
      [`${metric}.1.MetricStat.Stat`]: 'Sum',
      [`${metric}.2.Id`]: 'hidden',
      [`${metric}.2.ReturnData`]: 'false',
      [`${metric}.2.MetricStat.Metric.Namespace`]: 'AWS/Lambda',
      [`${metric}.2.MetricStat.Metric.MetricName`]: 'Errors',
      [`${metric}.2.MetricStat.Period`]: 3600,
      [`${metric}.2.MetricStat.Stat`]: 'Sum',
    });
    const results = data.parsed.GetMetricDataResponse.GetMetricDataResult.MetricDataResults.member;
    expect(results.map((r: { Id: string }) => r.Id)).toEqual(['errors']);
    const sdkData = await cloudwatch.send(
      new GetMetricDataCommand({
        StartTime,
        EndTime,
        MetricDataQueries: [
          {
            Id: 'errors',
            MetricStat: {
              Metric: { Namespace: 'AWS/Lambda', MetricName: 'Errors', Dimensions: [dimension] },
              Period: 3600,
              Stat: 'Sum',
            },
          },
        ],
      }),
    );
    expect(results[0].Values ? results[0].Values.member : []).toEqual(sdkData.MetricDataResults?.[0]?.Values);
  });

  it('answers errors, its own and injected ones, as awsQuery XML with the error code', async () => {
    const missing = await query('DeleteAlarms', { 'AlarmNames.member.1': 'no-such-alarm' });
    expect(missing.status).toBe(404);
    expect(missing.parsed.ErrorResponse.Error).toMatchObject({ Type: 'Sender', Code: 'ResourceNotFound' });
    sandbox.faults.add({ service: 'cloudwatch', operation: 'DescribeAlarms', kind: 'throttle', times: 1 });
    const throttled = await query('DescribeAlarms', {});
    expect(throttled.status).toBe(400);
    expect(throttled.parsed.ErrorResponse.Error.Code).toMatch(/Throttl/);
    const unknown = await query('ListDashboards', {});
    expect(unknown.parsed.ErrorResponse.Error.Code).toBe('UnknownOperationException');
  });
});

describe('CodeDeploy UpdateDeploymentGroup', () => {
  it('changes the configuration, alarms and name, keeps the rest, and refuses an unknown group', async () => {
    await codedeploy.send(
      new CreateApplicationCommand({ applicationName: 'query-app', computePlatform: 'Lambda' }),
    );
    await codedeploy.send(
      new CreateDeploymentGroupCommand({
        applicationName: 'query-app',
        deploymentGroupName: 'live',
        serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      }),
    );
    await codedeploy.send(
      new UpdateDeploymentGroupCommand({
        applicationName: 'query-app',
        currentDeploymentGroupName: 'live',
        newDeploymentGroupName: 'prod',
        deploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
        alarmConfiguration: { enabled: true, alarms: [{ name: 'query-errors' }] },
      }),
    );
    const { deploymentGroupInfo } = await codedeploy.send(
      new GetDeploymentGroupCommand({ applicationName: 'query-app', deploymentGroupName: 'prod' }),
    );
    expect(deploymentGroupInfo).toMatchObject({
      deploymentGroupName: 'prod',
      deploymentConfigName: 'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      alarmConfiguration: { enabled: true, alarms: [{ name: 'query-errors' }] },
    });
    const update = (currentDeploymentGroupName: string) =>
      codedeploy.send(
        new UpdateDeploymentGroupCommand({ applicationName: 'query-app', currentDeploymentGroupName }),
      );
    expect(await errorName(() => update('live'))).toBe('DeploymentGroupDoesNotExistException');
    expect(
      sandbox.requestLog().some((entry) => entry.operation === 'UpdateDeploymentGroup' && entry.mutating),
    ).toBe(true);
  });
});
