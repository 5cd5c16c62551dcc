import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  StopDeploymentCommand,
  type CreateDeploymentGroupCommandInput,
} from '@aws-sdk/client-codedeploy';
import { GetAliasCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import { readRecordFile } from '@lambda-release-kit/core';
import { zipFunction } from '@lambda-release-kit/sandbox';
import { appSpecRevision, buildAppSpec } from '../src/appspec.js';
import type { CodeDeploySettings, CodeSource, DeployPlan } from '../src/plan.js';
import {
  deployUnderTraffic,
  functionOnVersion1,
  handlers,
  plan,
  runDeploy,
  startTestBed,
  zipSource,
  type TestBed,
} from './helpers.js';

// CodeDeploy's bake times run in the sandbox: at time scale 60 a 5-minute canary takes 5 real seconds.
const APP = 'orders-app';
// Traffic steps of two days (48 real minutes here), longer than any test runs: a deployment a test stops
// (by an alarm or StopDeployment) cannot finish first on a slow machine.
const CANARY_TWO_DAYS = 'Canary10PercentEveryTwoDays';
const LINEAR_TWO_DAYS = 'Linear10PercentEveryTwoDays';
let bed: TestBed;
let lambda: LambdaClient;

beforeAll(async () => {
  bed = await startTestBed({
    timeScale: 60,
    updateDelayMs: 1000,
    alarms: [
      {
        name: 'cd-alarm-fn-errors',
        metricName: 'Errors',
        dimensions: { FunctionName: 'cd-alarm-fn' },
        statistic: 'Sum',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
        periodSeconds: 60,
        evaluationPeriods: 1,
      },
      {
        name: 'cd-svc-worker-errors',
        metricName: 'Errors',
        dimensions: { FunctionName: 'cd-svc-worker' },
        statistic: 'Sum',
        comparisonOperator: 'GreaterThanThreshold',
        threshold: 0,
        periodSeconds: 60,
        evaluationPeriods: 1,
      },
    ],
  });
  lambda = bed.clients.lambda;
  await bed.clients.codedeploy.send(
    new CreateApplicationCommand({ applicationName: APP, computePlatform: 'Lambda' }),
  );
  await bed.clients.codedeploy.send(
    new CreateDeploymentConfigCommand({
      deploymentConfigName: CANARY_TWO_DAYS,
      computePlatform: 'Lambda',
      trafficRoutingConfig: {
        type: 'TimeBasedCanary',
        timeBasedCanary: { canaryPercentage: 10, canaryInterval: 2880 },
      },
    }),
  );
  await bed.clients.codedeploy.send(
    new CreateDeploymentConfigCommand({
      deploymentConfigName: LINEAR_TWO_DAYS,
      computePlatform: 'Lambda',
      trafficRoutingConfig: {
        type: 'TimeBasedLinear',
        timeBasedLinear: { linearPercentage: 10, linearInterval: 2880 },
      },
    }),
  );
});
afterAll(async () => {
  await bed.stop();
});

async function group(name: string, extra: Partial<CreateDeploymentGroupCommandInput> = {}): Promise<void> {
  await bed.clients.codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: APP,
      deploymentGroupName: name,
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      ...extra,
    }),
  );
}

function codeDeployPlan(
  functionName: string,
  settings: Partial<CodeDeploySettings>,
  source: CodeSource = zipSource(handlers.ok(`${functionName}-v2`)),
): DeployPlan {
  return plan(
    {
      functionName,
      strategy: 'codedeploy',
      source,
      codedeploy: {
        application: APP,
        deploymentGroup: functionName,
        deploymentConfig: 'CodeDeployDefault.LambdaAllAtOnce',
        ...settings,
      },
    },
    bed.dir,
  );
}

const aliasOf = (name: string) => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));

/** A hook that reports `status` through CodeDeploy's API on the sandbox, as a real hook does. */
const hookCode = zipFunction({
  'index.mjs': `export const handler = async (event) => {
    const res = await fetch(process.env.AWS_ENDPOINT_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus' },
      body: JSON.stringify({ deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: process.env.HOOK_STATUS }),
    });
    return { reported: res.status };
  };`,
});

describe('strategy codedeploy', () => {
  it('creates the deployment with the AppSpec, polls it to success and records its id', async () => {
    await functionOnVersion1(lambda, 'cd-ok-fn', handlers.ok('v1'));
    await group('cd-ok-fn');
    const run = await runDeploy(bed.clients, codeDeployPlan('cd-ok-fn', {}));
    expect(run.error).toBeUndefined();
    expect(run.result?.status).toBe('promoted');
    expect(run.result?.deploymentId).toMatch(/^d-/);
    expect((await aliasOf('cd-ok-fn')).FunctionVersion).toBe('2');
    const record = await readRecordFile(run.recordFile);
    expect(record.functions[0].codedeploy).toMatchObject({
      application: APP,
      deploymentGroup: 'cd-ok-fn',
      deploymentConfig: 'CodeDeployDefault.LambdaAllAtOnce',
      deploymentId: run.result?.deploymentId,
    });
    expect(run.logger.text()).toMatch(/CodeDeploy deployment d-\S+: Succeeded, 100% on version 2/);
  });

  it('fails with CodeDeploy error information when the alarm stops the canary and CodeDeploy rolls back', async () => {
    await functionOnVersion1(lambda, 'cd-alarm-fn', handlers.ok('v1'));
    await group('cd-alarm-fn', {
      alarmConfiguration: { enabled: true, alarms: [{ name: 'cd-alarm-fn-errors' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM'] },
    });
    const run = await deployUnderTraffic(
      bed,
      codeDeployPlan('cd-alarm-fn', { deploymentConfig: CANARY_TWO_DAYS }, zipSource(handlers.failing())),
      { pauseMs: 5 },
    );
    expect(run.error?.message).toMatch(
      /CodeDeploy deployment d-\S+ (Stopped|Failed): ALARM_ACTIVE_OR_DEPLOYMENT_STOP_ON_ALARM|alarm/i,
    );
    expect(run.error?.message).toMatch(/live is back on version 1/);
    expect((await aliasOf('cd-alarm-fn')).FunctionVersion).toBe('1');
    const record = await readRecordFile(run.recordFile);
    expect(record.status).toBe('rolled-back');
    expect(record.rollbacks).toEqual([
      expect.objectContaining({ from: '2', to: '1', method: 'codedeploy-auto', by: 'codedeploy' }),
    ]);
  });

  it('fails when the BeforeAllowTraffic hook reports Failed, without moving traffic', async () => {
    await functionOnVersion1(lambda, 'cd-hook-fn', handlers.ok('v1'));
    await functionOnVersion1(lambda, 'cd-hook-check', hookCode, {
      alias: false,
      extra: { Environment: { Variables: { HOOK_STATUS: 'Failed' } } },
    });
    await group('cd-hook-fn');
    const run = await runDeploy(
      bed.clients,
      codeDeployPlan('cd-hook-fn', { beforeTrafficHook: 'cd-hook-check' }),
    );
    expect(run.error?.message).toMatch(/CodeDeploy deployment d-\S+ Failed: HOOK_EXECUTION_FAILURE/);
    expect((await aliasOf('cd-hook-fn')).FunctionVersion).toBe('1');
    const record = await readRecordFile(run.recordFile);
    expect({ status: record.status, rollbacks: record.rollbacks }).toEqual({
      status: 'failed',
      rollbacks: [],
    });
  });

  it('preflight: refuses while another deployment runs for the group, and names a missing group', async () => {
    await functionOnVersion1(lambda, 'cd-busy-fn', handlers.ok('v1'));
    await group('cd-busy-fn', { deploymentConfigName: CANARY_TWO_DAYS });
    const other = await runDeploy(bed.clients, {
      ...codeDeployPlan('cd-busy-fn', { deploymentConfig: CANARY_TWO_DAYS }),
      wait: false,
    });
    expect(other.result?.status).toBe('in-progress');
    bed.sandbox.clearRequestLog();
    const busy = await runDeploy(bed.clients, codeDeployPlan('cd-busy-fn', {}, zipSource(handlers.ok('v3'))));
    expect(busy.error?.message).toMatch(
      new RegExp(
        `CodeDeploy deployment ${other.result!.deploymentId} is still in progress .*aws deploy stop-deployment --deployment-id ${other.result!.deploymentId}`,
      ),
    );
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    await bed.clients.codedeploy.send(
      new StopDeploymentCommand({ deploymentId: other.result!.deploymentId!, autoRollbackEnabled: true }),
    );

    const missing = await runDeploy(bed.clients, codeDeployPlan('cd-busy-fn', { deploymentGroup: 'nope' }));
    expect(missing.error?.message).toMatch(
      /CodeDeploy deployment group nope does not exist in application orders-app/,
    );
  });

  it('builds an AppSpec CodeDeploy accepts', async () => {
    await functionOnVersion1(lambda, 'cd-spec-fn', handlers.ok('v1'));
    const content = buildAppSpec({
      functionName: 'cd-spec-fn',
      alias: 'live',
      currentVersion: '1',
      targetVersion: '1',
    });
    expect(content).toMatch(
      /^\{"version":0\.0,"Resources":\[\{"LambdaFunction":\{"Type":"AWS::Lambda::Function"/,
    );
    await group('cd-spec-fn');
    const created = await bed.clients.codedeploy.send(
      new CreateDeploymentCommand({
        applicationName: APP,
        deploymentGroupName: 'cd-spec-fn',
        revision: appSpecRevision(content),
      }),
    );
    expect(created.deploymentId).toMatch(/^d-/);
  });

  it('stops every deployment of the release with rollback when one function fails', async () => {
    await functionOnVersion1(lambda, 'cd-svc-api', handlers.ok('api-v1'));
    await functionOnVersion1(lambda, 'cd-svc-worker', handlers.ok('worker-v1'));
    await group('cd-svc-api');
    await group('cd-svc-worker', {
      alarmConfiguration: { enabled: true, alarms: [{ name: 'cd-svc-worker-errors' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_STOP_ON_ALARM'] },
    });
    const api = codeDeployPlan('cd-svc-api', { deploymentConfig: LINEAR_TWO_DAYS });
    const worker = codeDeployPlan(
      'cd-svc-worker',
      { deploymentConfig: CANARY_TWO_DAYS },
      zipSource(handlers.failing()),
    );
    if (api.strategy !== 'codedeploy' || worker.strategy !== 'codedeploy')
      throw new Error('codedeploy plans expected');
    const run = await deployUnderTraffic(
      bed,
      { ...api, functions: [api.functions[0], worker.functions[0]] },
      { pauseMs: 5 },
    );
    expect(run.error?.message).toMatch(
      /^the release was rolled back: .*cd-svc-worker: CodeDeploy deployment d-\S+ (Stopped|Failed)/,
    );
    expect((await aliasOf('cd-svc-api')).FunctionVersion).toBe('1');
    expect((await aliasOf('cd-svc-worker')).FunctionVersion).toBe('1');
    const record = await readRecordFile(run.recordFile);
    expect(record.status).toBe('rolled-back');
    expect(record.rollbacks.map((rollback) => [rollback.function, rollback.method]).sort()).toEqual([
      ['cd-svc-api', 'codedeploy-stop'],
      ['cd-svc-worker', 'codedeploy-auto'],
    ]);
    expect(record.functions.map((fn) => fn.codedeploy?.deploymentId)).toEqual([
      expect.stringMatching(/^d-/),
      expect.stringMatching(/^d-/),
    ]);
  });
});
