import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { PutMetricAlarmCommand, CloudWatchClient, DescribeAlarmsCommand } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  type CreateDeploymentGroupCommandInput,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import {
  CreateAliasCommand,
  GetAliasCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { createManualClock, startSandbox, zipFunction, type Sandbox } from '../src/index.js';
import { createActiveFunction, eventually, lambdaClient, waitUntilReady } from './helpers.js';

// The canary's 5 minutes pass only when the test advances the clock: nothing races a real-time bake.
const UPDATE_DELAY_MS = 1000;
const ALARM_POLL_MS = 10_000;
const clock = createManualClock();
let sandbox: Sandbox;
let lambda: LambdaClient;
let codedeploy: CodeDeployClient;
let cloudwatch: CloudWatchClient;

const APP = 'canary-app';
const credentials = { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' };

const healthy = zipFunction({ 'index.mjs': 'export const handler = async () => ({ ok: true });' });
const healthyToo = zipFunction({
  'index.mjs': 'export const handler = async () => ({ ok: true, release: 2 });',
});
const broken = zipFunction({
  'index.mjs': "export const handler = async () => { throw new Error('v2 is broken'); };",
});

/** Version 1 from `v1`, version 2 from `v2`, alias live on version 1. */
async function functionWithAlias(name: string, v1: Uint8Array, v2: Uint8Array): Promise<void> {
  await createActiveFunction(lambda, clock, UPDATE_DELAY_MS, name, v1);
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: v2 }));
  await clock.advance(UPDATE_DELAY_MS);
  await waitUntilReady(lambda, name);
  const second = await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  expect(second.Version).toBe('2');
  await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
}

function revision(fn: string) {
  const content = `version: 0.0
Resources:
  - app:
      Type: AWS::Lambda::Function
      Properties:
        Name: ${fn}
        Alias: live
        CurrentVersion: "1"
        TargetVersion: "2"
`;
  return {
    revisionType: 'AppSpecContent' as const,
    appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
  };
}

async function group(name: string, extra: Partial<CreateDeploymentGroupCommandInput> = {}): Promise<void> {
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: APP,
      deploymentGroupName: name,
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
      ...extra,
    }),
  );
}

async function aliasOf(fn: string) {
  const out = await lambda.send(new GetAliasCommand({ FunctionName: fn, Name: 'live' }));
  return { version: out.FunctionVersion, weights: out.RoutingConfig?.AdditionalVersionWeights ?? {} };
}

async function getDeployment(deploymentId: string): Promise<DeploymentInfo> {
  return (await codedeploy.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo!;
}

beforeAll(async () => {
  sandbox = await startSandbox({ clock, updateDelayMs: UPDATE_DELAY_MS });
  lambda = lambdaClient(sandbox);
  const common = { endpoint: sandbox.endpoint, region: 'us-east-1', credentials, maxAttempts: 1 };
  codedeploy = new CodeDeployClient(common);
  cloudwatch = new CloudWatchClient(common);
  await codedeploy.send(new CreateApplicationCommand({ applicationName: APP, computePlatform: 'Lambda' }));
});
afterAll(async () => {
  lambda.destroy();
  codedeploy.destroy();
  cloudwatch.destroy();
  await sandbox.stop();
});

describe('LambdaCanary10Percent5Minutes', () => {
  it('routes 10% to the target, then promotes it after 5 simulated minutes', async () => {
    await functionWithAlias('canary-fn', healthy, healthyToo);
    await group('canary');
    const { deploymentId } = await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: APP,
        deploymentGroupName: 'canary',
        revision: revision('canary-fn'),
      }),
    );
    const canary = await eventually(
      'the 10% canary',
      async () => {
        const a = await aliasOf('canary-fn');
        return a.weights['2'] !== undefined ? a : undefined;
      },
      5000,
    );
    expect(canary).toEqual({ version: '1', weights: { '2': 0.1 } });
    await clock.advance(5 * 60_000 - 1);
    expect((await getDeployment(deploymentId!)).status).toBe('InProgress');
    expect(await aliasOf('canary-fn')).toEqual({ version: '1', weights: { '2': 0.1 } });
    await clock.advance(1);
    const info = await eventually(
      'the deployment to finish',
      async () => {
        const d = await getDeployment(deploymentId!);
        return d.status === 'InProgress' || d.status === 'Created' ? undefined : d;
      },
      20_000,
    );
    expect(info.status).toBe('Succeeded');
    expect(await aliasOf('canary-fn')).toEqual({ version: '2', weights: {} });
    expect(info.completeTime!.getTime() - info.startTime!.getTime()).toBe(5 * 60_000);
  });
});

describe('alarms during a deployment', () => {
  it('stops the deployment when an alarm fires on the target version and rolls the alias back', async () => {
    await functionWithAlias('alarmed-fn', healthy, broken);
    await cloudwatch.send(
      new PutMetricAlarmCommand({
        AlarmName: 'alarmed-fn-v2-errors',
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [
          { Name: 'FunctionName', Value: 'alarmed-fn' },
          { Name: 'Resource', Value: 'alarmed-fn:live' },
          { Name: 'ExecutedVersion', Value: '2' },
        ],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        Period: 60,
        EvaluationPeriods: 1,
      }),
    );
    await group('alarmed', {
      alarmConfiguration: { enabled: true, alarms: [{ name: 'alarmed-fn-v2-errors' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM'] },
    });
    const { deploymentId } = await codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: APP,
        deploymentGroupName: 'alarmed',
        revision: revision('alarmed-fn'),
      }),
    );
    await eventually(
      'the 10% canary',
      async () => ((await aliasOf('alarmed-fn')).weights['2'] ? true : undefined),
      5000,
    );
    // Real traffic through the alias until the canary version has failed once (bounded).
    let failures = 0;
    for (let i = 0; i < 400 && failures === 0; i++) {
      const out = await lambda.send(
        new InvokeCommand({ FunctionName: 'alarmed-fn', Qualifier: 'live', Payload: Buffer.from('{}') }),
      );
      if (out.ExecutedVersion === '2' && out.FunctionError) failures++;
    }
    expect(failures).toBe(1);
    // The canary holds at 10% until CodeDeploy polls its alarms, one poll interval later.
    expect((await getDeployment(deploymentId!)).status).toBe('InProgress');
    await clock.advance(ALARM_POLL_MS);
    const alarms = await cloudwatch.send(new DescribeAlarmsCommand({ AlarmNames: ['alarmed-fn-v2-errors'] }));
    expect(alarms.MetricAlarms![0]?.StateValue).toBe('ALARM');
    const info = await eventually(
      'the alarm to stop the deployment',
      async () => {
        const d = await getDeployment(deploymentId!);
        return d.status === 'Stopped' || d.status === 'Succeeded' || d.status === 'Failed' ? d : undefined;
      },
      5000,
    );
    expect(info.status).toBe('Stopped');
    expect(info.errorInformation?.code).toBe('ALARM_ACTIVE');
    expect(info.errorInformation?.message).toMatch(/alarmed-fn-v2-errors/);
    expect(info.rollbackInfo?.rollbackDeploymentId).toMatch(/^d-/);
    expect(await aliasOf('alarmed-fn')).toEqual({ version: '1', weights: {} });
  });
});
