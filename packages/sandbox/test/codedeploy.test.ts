import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CodeDeployClient,
  type RevisionLocation,
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  GetApplicationCommand,
  GetDeploymentCommand,
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  GetDeploymentTargetCommand,
  ListDeploymentsCommand,
  ListDeploymentTargetsCommand,
  StopDeploymentCommand,
  type CreateDeploymentGroupCommandInput,
  type DeploymentInfo,
  type DeploymentStatus,
} from '@aws-sdk/client-codedeploy';
import {
  CreateAliasCommand,
  GetAliasCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { createManualClock, startSandbox, zipFunction, type Sandbox } from '../src/index.js';
import {
  createActiveFunction,
  createReadyFunction,
  errorName,
  esmHandler,
  eventually,
  lambdaClient,
  waitUntilReady,
} from './helpers.js';

// Bakes last until the test advances the clock, so every traffic step is seen however slow the machine is.
const UPDATE_DELAY_MS = 1000;
const clock = createManualClock();
let sandbox: Sandbox;
let lambda: LambdaClient;
let codedeploy: CodeDeployClient;

const APP = 'orders-app';
const SERVICE_ROLE = 'arn:aws:iam::123456789012:role/codedeploy';
const FN = 'cd-fn';

/** A hook that reports `status` back through CodeDeploy's JSON API on the sandbox, as a real hook would. */
const hookCode = zipFunction({
  'index.mjs': `export const handler = async (event) => {
    const res = await fetch(process.env.AWS_ENDPOINT_URL, {
      method: 'POST',
      headers: { 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': 'CodeDeploy_20141006.PutLifecycleEventHookExecutionStatus' },
      body: JSON.stringify({ deploymentId: event.DeploymentId, lifecycleEventHookExecutionId: event.LifecycleEventHookExecutionId, status: process.env.HOOK_STATUS }),
    });
    if (!res.ok) throw new Error('reporting the hook status failed: ' + res.status + ' ' + (await res.text()));
    return { reported: process.env.HOOK_STATUS };
  };`,
});

function appSpec(
  props: { current: string; target: string; alias?: string; name?: string },
  hooks: Record<string, string> = {},
) {
  const content = JSON.stringify({
    version: 0.0,
    Resources: [
      {
        fn: {
          Type: 'AWS::Lambda::Function',
          Properties: {
            Name: props.name ?? FN,
            Alias: props.alias ?? 'live',
            CurrentVersion: props.current,
            TargetVersion: props.target,
          },
        },
      },
    ],
    Hooks: Object.entries(hooks).map(([event, fn]) => ({ [event]: fn })),
  });
  return {
    revisionType: 'AppSpecContent' as const,
    appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
  };
}

async function createGroup(
  name: string,
  extra: Partial<CreateDeploymentGroupCommandInput> = {},
): Promise<void> {
  await codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: APP,
      deploymentGroupName: name,
      serviceRoleArn: SERVICE_ROLE,
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
      ...extra,
    }),
  );
}

async function deploy(
  group: string,
  revision: RevisionLocation,
  deploymentConfigName?: string,
): Promise<string> {
  const out = await codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: APP,
      deploymentGroupName: group,
      revision,
      deploymentConfigName,
    }),
  );
  return out.deploymentId!;
}

const FINISHED: DeploymentStatus[] = ['Succeeded', 'Failed', 'Stopped'];

/** Polls GetDeployment (bounded, with backoff) until the deployment has finished. */
async function finished(deploymentId: string, deadlineMs = 20_000): Promise<DeploymentInfo> {
  const deadline = Date.now() + deadlineMs;
  for (let delay = 5; Date.now() < deadline; delay = Math.min(delay * 2, 50)) {
    const { deploymentInfo } = await codedeploy.send(new GetDeploymentCommand({ deploymentId }));
    if (FINISHED.includes(deploymentInfo!.status!)) return deploymentInfo!;
    await new Promise((r) => setTimeout(r, delay));
  }
  throw new Error(`deployment ${deploymentId} did not finish within ${deadlineMs} ms`);
}

/**
 * The weights the alias gives the target version, step by step until the target is promoted (1): waits for
 * each step to appear, then advances the clock by its bake.
 */
async function shiftedWeights(target: string, stepMs: number): Promise<number[]> {
  const seen: number[] = [];
  while (seen.at(-1) !== 1) {
    if (seen.length > 20) throw new Error(`no promotion after ${seen.length} steps: ${seen.join(', ')}`);
    const weight = await eventually('the next traffic step', () => {
      const state = sandbox.lambda.getAlias(FN, 'live');
      const now = state?.functionVersion === target ? 1 : state?.additionalVersionWeights[target];
      return now !== undefined && now !== seen.at(-1) ? now : undefined;
    });
    seen.push(weight);
    if (weight !== 1) await clock.advance(stepMs);
  }
  return seen;
}

async function alias(name = 'live', fn = FN) {
  const out = await lambda.send(new GetAliasCommand({ FunctionName: fn, Name: name }));
  return { version: out.FunctionVersion, weights: out.RoutingConfig?.AdditionalVersionWeights ?? {} };
}

async function resetAlias(version: string): Promise<void> {
  await lambda.send(
    new UpdateAliasCommand({
      FunctionName: FN,
      Name: 'live',
      FunctionVersion: version,
      RoutingConfig: { AdditionalVersionWeights: {} },
    }),
  );
}

beforeAll(async () => {
  sandbox = await startSandbox({ clock, updateDelayMs: UPDATE_DELAY_MS });
  lambda = lambdaClient(sandbox);
  codedeploy = new CodeDeployClient({
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts: 1,
  });
  await createActiveFunction(lambda, clock, UPDATE_DELAY_MS, FN, esmHandler('v'));
  for (let v = 1; v <= 3; v++) {
    if (v > 1) {
      await lambda.send(new UpdateFunctionConfigurationCommand({ FunctionName: FN, Description: `v${v}` }));
      await clock.advance(UPDATE_DELAY_MS);
      await waitUntilReady(lambda, FN);
    }
    await lambda.send(new PublishVersionCommand({ FunctionName: FN }));
  }
  await lambda.send(new CreateAliasCommand({ FunctionName: FN, Name: 'live', FunctionVersion: '1' }));
  for (const status of ['Succeeded', 'Failed']) {
    await createActiveFunction(lambda, clock, UPDATE_DELAY_MS, `hook-${status}`, hookCode, {
      Environment: { Variables: { HOOK_STATUS: status } },
    });
  }
  await codedeploy.send(new CreateApplicationCommand({ applicationName: APP, computePlatform: 'Lambda' }));
});
afterAll(async () => {
  lambda.destroy();
  codedeploy.destroy();
  await sandbox.stop();
});

describe('applications, groups and configurations', () => {
  it('creates and reads applications and deployment groups', async () => {
    const app = await codedeploy.send(new GetApplicationCommand({ applicationName: APP }));
    expect(app.application?.computePlatform).toBe('Lambda');
    expect(
      await errorName(() =>
        codedeploy.send(new CreateApplicationCommand({ applicationName: APP, computePlatform: 'Lambda' })),
      ),
    ).toBe('ApplicationAlreadyExistsException');
    expect(
      await errorName(() => codedeploy.send(new GetApplicationCommand({ applicationName: 'missing' }))),
    ).toBe('ApplicationDoesNotExistException');
    await createGroup('read-group', {
      alarmConfiguration: { enabled: true, alarms: [{ name: 'a1' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
    });
    const group = await codedeploy.send(
      new GetDeploymentGroupCommand({ applicationName: APP, deploymentGroupName: 'read-group' }),
    );
    expect(group.deploymentGroupInfo).toMatchObject({
      serviceRoleArn: SERVICE_ROLE,
      deploymentConfigName: 'CodeDeployDefault.LambdaAllAtOnce',
      alarmConfiguration: { enabled: true, alarms: [{ name: 'a1' }] },
      autoRollbackConfiguration: { enabled: true, events: ['DEPLOYMENT_FAILURE'] },
      computePlatform: 'Lambda',
    });
    expect(
      await errorName(() =>
        codedeploy.send(
          new CreateDeploymentGroupCommand({
            applicationName: APP,
            deploymentGroupName: 'no-role',
            serviceRoleArn: undefined as unknown as string,
          }),
        ),
      ),
    ).toBe('RoleRequiredException');
    expect(await errorName(() => createGroup('bad-config', { deploymentConfigName: 'Nope' }))).toBe(
      'DeploymentConfigDoesNotExistException',
    );
  });

  it('serves predefined configs and creates custom Lambda ones', async () => {
    const canary = await codedeploy.send(
      new GetDeploymentConfigCommand({
        deploymentConfigName: 'CodeDeployDefault.LambdaCanary10Percent15Minutes',
      }),
    );
    expect(canary.deploymentConfigInfo?.trafficRoutingConfig).toEqual({
      type: 'TimeBasedCanary',
      timeBasedCanary: { canaryPercentage: 10, canaryInterval: 15 },
    });
    await codedeploy.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: 'Linear25Every1',
        computePlatform: 'Lambda',
        trafficRoutingConfig: {
          type: 'TimeBasedLinear',
          timeBasedLinear: { linearPercentage: 25, linearInterval: 1 },
        },
      }),
    );
    const custom = await codedeploy.send(
      new GetDeploymentConfigCommand({ deploymentConfigName: 'Linear25Every1' }),
    );
    expect(custom.deploymentConfigInfo?.computePlatform).toBe('Lambda');
    expect(
      await errorName(() =>
        codedeploy.send(
          new CreateDeploymentConfigCommand({
            deploymentConfigName: 'Bad',
            computePlatform: 'Lambda',
            trafficRoutingConfig: { type: 'TimeBasedCanary' },
          }),
        ),
      ),
    ).toBe('InvalidTrafficRoutingConfigurationException');
    expect(
      await errorName(() =>
        codedeploy.send(
          new CreateDeploymentConfigCommand({
            deploymentConfigName: 'Linear25Every1',
            computePlatform: 'Lambda',
            trafficRoutingConfig: { type: 'AllAtOnce' },
          }),
        ),
      ),
    ).toBe('DeploymentConfigAlreadyExistsException');
  });
});

describe('deployments', () => {
  beforeAll(async () => {
    await createGroup('main');
    await createGroup('rollback', {
      autoRollbackConfiguration: {
        enabled: true,
        events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_REQUEST'],
      },
    });
  });

  it('shifts weights linearly, then promotes the target version', async () => {
    await resetAlias('1');
    const id = await deploy(
      'main',
      appSpec({ current: '1', target: '2' }),
      'CodeDeployDefault.LambdaLinear10PercentEvery1Minute',
    );
    const seen = await shiftedWeights('2', 60_000);
    const info = await finished(id);
    expect(info.status).toBe('Succeeded');
    expect(await alias()).toEqual({ version: '2', weights: {} });
    expect(seen.map((w) => Math.round(w * 100))).toEqual([10, 20, 30, 40, 50, 60, 70, 80, 90, 100]);
    expect(info.completeTime!.getTime() - info.startTime!.getTime()).toBe(9 * 60_000);
  });

  it('uses a custom configuration and reports the Lambda target with its lifecycle events', async () => {
    await resetAlias('1');
    const id = await deploy(
      'main',
      appSpec(
        { current: '1', target: '3' },
        { BeforeAllowTraffic: 'hook-Succeeded', AfterAllowTraffic: 'hook-Succeeded' },
      ),
      'Linear25Every1',
    );
    expect((await shiftedWeights('3', 60_000)).map((w) => Math.round(w * 100))).toEqual([25, 50, 75, 100]);
    const info = await finished(id);
    expect(info.status).toBe('Succeeded');
    expect(info.deploymentConfigName).toBe('Linear25Every1');
    expect(info.deploymentOverview?.Succeeded).toBe(1);
    expect(await alias()).toEqual({ version: '3', weights: {} });
    const targets = await codedeploy.send(new ListDeploymentTargetsCommand({ deploymentId: id }));
    expect(targets.targetIds).toEqual([`${FN}:live`]);
    const target = await codedeploy.send(
      new GetDeploymentTargetCommand({ deploymentId: id, targetId: `${FN}:live` }),
    );
    expect(
      target.deploymentTarget?.lambdaTarget?.lifecycleEvents?.map((e) => [e.lifecycleEventName, e.status]),
    ).toEqual([
      ['BeforeAllowTraffic', 'Succeeded'],
      ['AllowTraffic', 'Succeeded'],
      ['AfterAllowTraffic', 'Succeeded'],
    ]);
    expect(target.deploymentTarget?.lambdaTarget?.lambdaFunctionInfo).toMatchObject({
      currentVersion: '1',
      targetVersion: '3',
      targetVersionWeight: 1,
    });
  });

  it('fails deployments whose AppSpec does not match Lambda, leaving the alias alone', async () => {
    await resetAlias('1');
    const cases: [ReturnType<typeof appSpec>, string, RegExp][] = [
      [
        appSpec({ current: '2', target: '3' }),
        'INVALID_LAMBDA_CONFIGURATION',
        /CurrentVersion 2 does not match the version \(1\)/,
      ],
      [appSpec({ current: '1', target: '1' }), 'INVALID_LAMBDA_CONFIGURATION', /must be different/],
      [appSpec({ current: '1', target: '9' }), 'INVALID_LAMBDA_FUNCTION', /not a published version/],
      [appSpec({ current: '1', target: '2', alias: 'nope' }), 'INVALID_LAMBDA_FUNCTION', /does not exist/],
    ];
    for (const [revision, code, message] of cases) {
      const info = await finished(await deploy('main', revision));
      expect(info.status).toBe('Failed');
      expect(info.errorInformation?.code).toBe(code);
      expect(info.errorInformation?.message).toMatch(message);
      expect(info.rollbackInfo).toBeUndefined();
    }
    const badVersion = {
      revisionType: 'AppSpecContent' as const,
      appSpecContent: { content: 'version: 1.0\nResources: []' },
    };
    const info = await finished(await deploy('main', badVersion));
    expect(info.errorInformation?.message).toMatch(
      /AppSpec file that specifies the AWS Lambda deployment configuration/,
    );
    expect(await alias()).toEqual({ version: '1', weights: {} });
    const tampered = appSpec({ current: '1', target: '2' });
    tampered.appSpecContent.sha256 = '0'.repeat(64);
    expect(await errorName(() => deploy('main', tampered))).toBe('InvalidRevisionException');
  });

  it('fails on a hook that reports Failed and rolls the alias back', async () => {
    await resetAlias('1');
    const id = await deploy(
      'rollback',
      appSpec({ current: '1', target: '2' }, { AfterAllowTraffic: 'hook-Failed' }),
    );
    const info = await finished(id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('HOOK_EXECUTION_FAILURE');
    expect(info.rollbackInfo?.rollbackDeploymentId).toMatch(/^d-[A-Z0-9]{9}$/);
    expect(await alias()).toEqual({ version: '1', weights: {} });
    const rollback = await codedeploy.send(
      new GetDeploymentCommand({ deploymentId: info.rollbackInfo!.rollbackDeploymentId! }),
    );
    expect(rollback.deploymentInfo).toMatchObject({
      creator: 'autoRollback',
      rollbackInfo: { rollbackTriggeringDeploymentId: id },
    });
  });

  it('refuses a second deployment while one runs; StopDeployment rolls back; a finished one cannot be stopped', async () => {
    await resetAlias('1');
    const id = await deploy(
      'rollback',
      appSpec({ current: '1', target: '2' }),
      'CodeDeployDefault.LambdaCanary10Percent30Minutes',
    );
    // The canary holds at 10% until the test advances the clock: nothing here races its 30 minutes.
    await eventually('the 10% canary', async () => ((await alias()).weights['2'] === 0.1 ? true : undefined));
    expect(await alias()).toEqual({ version: '1', weights: { '2': 0.1 } });
    expect(await errorName(() => deploy('rollback', appSpec({ current: '1', target: '3' })))).toBe(
      'DeploymentLimitExceededException',
    );
    const stop = await codedeploy.send(
      new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }),
    );
    expect(stop.status).toBe('Succeeded');
    const info = await finished(id);
    expect(info.status).toBe('Stopped');
    expect(info.errorInformation?.code).toBe('MANUAL_STOP');
    expect(info.rollbackInfo?.rollbackDeploymentId).toBeDefined();
    expect(await alias()).toEqual({ version: '1', weights: {} });
    expect(await errorName(() => codedeploy.send(new StopDeploymentCommand({ deploymentId: id })))).toBe(
      'DeploymentAlreadyCompletedException',
    );
  });

  it('lists deployments by group and status, page by page', async () => {
    await createGroup('many');
    const ids: string[] = [];
    for (let i = 0; i < 27; i++) {
      const id = await deploy('many', appSpec({ current: '7', target: '8' }));
      await finished(id);
      ids.push(id);
    }
    const listed: string[] = [];
    let nextToken: string | undefined;
    for (let page = 0; page < 5; page++) {
      const out = await codedeploy.send(
        new ListDeploymentsCommand({
          applicationName: APP,
          deploymentGroupName: 'many',
          includeOnlyStatuses: ['Failed'],
          nextToken,
        }),
      );
      listed.push(...out.deployments!);
      nextToken = out.nextToken;
      if (!nextToken) break;
    }
    expect(listed.sort()).toEqual([...ids].sort());
    const succeeded = await codedeploy.send(
      new ListDeploymentsCommand({
        applicationName: APP,
        deploymentGroupName: 'many',
        includeOnlyStatuses: ['Succeeded'],
      }),
    );
    expect(succeeded.deployments).toEqual([]);
    expect(
      await errorName(() =>
        codedeploy.send(new ListDeploymentsCommand({ applicationName: APP, deploymentGroupName: 'nope' })),
      ),
    ).toBe('DeploymentGroupDoesNotExistException');
  });

  it('fails at once when a hook function cannot be invoked', async () => {
    await resetAlias('1');
    const id = await deploy(
      'main',
      appSpec({ current: '1', target: '2' }, { BeforeAllowTraffic: 'no-such-hook' }),
    );
    const info = await finished(id);
    expect(info.status).toBe('Failed');
    expect(info.errorInformation?.code).toBe('HOOK_EXECUTION_FAILURE');
    expect(info.errorInformation?.message).toMatch(/no-such-hook could not be invoked/);
    expect(await alias()).toEqual({ version: '1', weights: {} });
  });
});

describe('as a sandbox service', () => {
  it('logs CodeDeploy operations with whether they mutate, and renders injected faults', async () => {
    sandbox.clearRequestLog();
    await codedeploy.send(new GetApplicationCommand({ applicationName: APP }));
    await createGroup('logged');
    const entries = sandbox.requestLog().filter((e) => e.service === 'codedeploy');
    expect(entries.map((e) => [e.operation, e.mutating])).toEqual([
      ['GetApplication', false],
      ['CreateDeploymentGroup', true],
    ]);
    sandbox.faults.add({ service: 'codedeploy', operation: 'GetApplication', kind: 'throttle', times: 1 });
    expect(await errorName(() => codedeploy.send(new GetApplicationCommand({ applicationName: APP })))).toBe(
      'ThrottlingException',
    );
    await codedeploy.send(new GetApplicationCommand({ applicationName: APP }));
  });
});

describe('a hook that never reports', () => {
  // Two simulated hours per real second, so the one-hour hook deadline passes in half a second.
  let fast: Sandbox;
  afterAll(async () => {
    await fast?.stop();
  });

  it('fails the deployment after one simulated hour', async () => {
    fast = await startSandbox({ timeScale: 7200, updateDelayMs: 1000 });
    const client = lambdaClient(fast);
    const deployer = new CodeDeployClient({
      endpoint: fast.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
      maxAttempts: 1,
    });
    try {
      await createReadyFunction(client, FN, esmHandler('one'));
      await client.send(new PublishVersionCommand({ FunctionName: FN }));
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: FN, Description: 'two' }));
      await waitUntilReady(client, FN);
      await client.send(new PublishVersionCommand({ FunctionName: FN }));
      await client.send(new CreateAliasCommand({ FunctionName: FN, Name: 'live', FunctionVersion: '1' }));
      await createReadyFunction(client, 'silent-hook', esmHandler('silent'));
      await deployer.send(new CreateApplicationCommand({ applicationName: APP, computePlatform: 'Lambda' }));
      await deployer.send(
        new CreateDeploymentGroupCommand({
          applicationName: APP,
          deploymentGroupName: 'g',
          serviceRoleArn: SERVICE_ROLE,
        }),
      );
      const { deploymentId } = await deployer.send(
        new CreateDeploymentCommand({
          applicationName: APP,
          deploymentGroupName: 'g',
          revision: appSpec({ current: '1', target: '2' }, { BeforeAllowTraffic: 'silent-hook' }),
        }),
      );
      const deadline = Date.now() + 20_000;
      let info: DeploymentInfo | undefined;
      while (Date.now() < deadline) {
        info = (await deployer.send(new GetDeploymentCommand({ deploymentId }))).deploymentInfo;
        if (FINISHED.includes(info!.status!)) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      expect(info?.status).toBe('Failed');
      expect(info?.errorInformation?.code).toBe('HOOK_EXECUTION_FAILURE');
      expect(info?.errorInformation?.message).toMatch(/did not report a status .* within 60 minutes/);
      expect(info!.completeTime!.getTime() - info!.startTime!.getTime()).toBeGreaterThanOrEqual(3_600_000);
    } finally {
      client.destroy();
      deployer.destroy();
    }
  });
});
