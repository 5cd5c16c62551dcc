import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import {
  CreateApplicationCommand,
  CreateDeploymentCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  StopDeploymentCommand,
} from '@aws-sdk/client-codedeploy';
import { UserError, waitFor } from '@lambda-release-kit/core';
import {
  aliasState,
  failedRecord,
  functionWithVersions,
  operations,
  pointAlias,
  request,
  runRollback,
  startBed,
  type Bed,
} from './sandbox-bed.js';

const APP = 'orders';
// A canary of two days (almost 5 real minutes at the bed's time scale 600), longer than any test runs: a
// deployment caught mid-canary stays there on a slow machine until the test stops it.
const CANARY_TWO_DAYS = 'Canary10PercentTwoDays';
let bed: Bed;

beforeAll(async () => {
  bed = await startBed();
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
});

afterAll(async () => {
  await bed.stop();
});

/** Versions 1 and 2, alias live on 1, and a CodeDeploy deployment from 1 to 2 with the given config. */
async function deploy(name: string, config: string): Promise<string> {
  await functionWithVersions(bed.lambda, name, 2);
  await pointAlias(bed.lambda, name, 'live', '1');
  await bed.clients.codedeploy.send(
    new CreateDeploymentGroupCommand({
      applicationName: APP,
      deploymentGroupName: name,
      serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      deploymentConfigName: config,
    }),
  );
  const content = [
    'version: 0.0',
    'Resources:',
    '  - app:',
    '      Type: AWS::Lambda::Function',
    '      Properties:',
    `        Name: ${name}`,
    '        Alias: live',
    '        CurrentVersion: "1"',
    '        TargetVersion: "2"',
  ].join('\n');
  const { deploymentId } = await bed.clients.codedeploy.send(
    new CreateDeploymentCommand({
      applicationName: APP,
      deploymentGroupName: name,
      revision: {
        revisionType: 'AppSpecContent',
        appSpecContent: { content, sha256: createHash('sha256').update(content).digest('hex') },
      },
    }),
  );
  return deploymentId!;
}

async function until(what: string, check: () => Promise<boolean>): Promise<void> {
  await waitFor({
    what,
    timeoutMs: 5_000,
    initialDelayMs: 20,
    maxDelayMs: 100,
    check: async () => ({ done: await check() }),
  });
}

async function midCanary(name: string): Promise<string> {
  const id = await deploy(name, CANARY_TWO_DAYS);
  await until('the 10% canary', async () => (await aliasState(bed.lambda, name)).weights['2'] === 0.1);
  return id;
}

async function deploymentStatus(deploymentId: string): Promise<string | undefined> {
  const out = await bed.clients.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
  return out.deploymentInfo?.status;
}

describe('CodeDeploy deployments', () => {
  it('stops a deployment mid-canary with rollback and waits until CodeDeploy has put the alias back', async () => {
    const id = await midCanary('cd-mid');
    const record = failedRecord(
      'cd-mid',
      '1',
      '2',
      { strategy: 'codedeploy' },
      { codedeploy: { application: APP, deploymentGroup: 'cd-mid', deploymentId: id } },
    );
    bed.sandbox.clearRequestLog();
    const result = await runRollback(bed, request('cd-mid', { record }));

    expect(result).toMatchObject({ outcome: 'rolled-back', method: 'codedeploy-stop', from: '2', to: '1' });
    expect(operations(bed).filter((op) => op !== 'GetDeployment')).toEqual([
      'GetAlias',
      'StopDeployment',
      'GetAlias',
    ]);
    expect(await aliasState(bed.lambda, 'cd-mid')).toEqual({ version: '1', weights: {} });
    expect(await deploymentStatus(id)).toBe('Stopped');
    expect(result.record?.rollbacks).toEqual([
      expect.objectContaining({ method: 'codedeploy-stop', from: '2', to: '1' }),
    ]);
    expect(result.explanation).toMatch(new RegExp(`stopped CodeDeploy deployment ${id} with rollback`));
  });

  it('finds the in-progress deployment of a group when there is no record', async () => {
    await midCanary('cd-group');
    const result = await runRollback(
      bed,
      request('cd-group', {
        method: 'codedeploy',
        codedeployGroup: { application: APP, deploymentGroup: 'cd-group' },
      }),
    );
    // Without a record the failed version comes from the deployment's AppSpec.
    expect(result).toMatchObject({ outcome: 'rolled-back', method: 'codedeploy-stop', from: '2', to: '1' });
    expect(await aliasState(bed.lambda, 'cd-group')).toEqual({ version: '1', weights: {} });
  });

  it('a deployment that already completed is reported, and the alias is rolled back directly', async () => {
    const id = await deploy('cd-done', 'CodeDeployDefault.LambdaAllAtOnce');
    await until('the deployment to succeed', async () => (await deploymentStatus(id)) === 'Succeeded');
    const record = failedRecord(
      'cd-done',
      '1',
      '2',
      { strategy: 'codedeploy' },
      { codedeploy: { application: APP, deploymentGroup: 'cd-done', deploymentId: id } },
    );
    bed.sandbox.clearRequestLog();
    const result = await runRollback(bed, request('cd-done', { record }));
    expect(result).toMatchObject({ outcome: 'rolled-back', method: 'alias', from: '2', to: '1' });
    expect(result.logger.text()).toMatch(/had already completed; deciding from the alias/);
    expect(operations(bed)).toEqual([
      'GetAlias',
      'StopDeployment',
      'GetFunctionConfiguration',
      'UpdateAlias',
    ]);
  });

  it.each([
    ['does not exist', 'd-NOPE00001', /deployment d-NOPE00001, which CodeDeploy does not know/],
    ['is malformed', 'not an id', /deployment "not an id", which is not a deployment id/],
  ])(
    "a record's deployment that %s is a warning, and the alias is restored from its live state",
    async (_what, deploymentId, warning) => {
      const name = `cd-${deploymentId.length}`;
      await functionWithVersions(bed.lambda, name, 2);
      await pointAlias(bed.lambda, name, 'live', '1', { '2': 0.1 });
      const record = failedRecord(
        name,
        '1',
        '2',
        { strategy: 'codedeploy' },
        { codedeploy: { application: APP, deploymentGroup: name, deploymentId } },
      );
      const result = await runRollback(bed, request(name, { record }));
      expect(result).toMatchObject({ outcome: 'rolled-back', method: 'alias', from: '2', to: '1' });
      expect(result.logger.text()).toMatch(warning);
      expect(await aliasState(bed.lambda, name)).toEqual({ version: '1', weights: {} });
    },
  );

  it('a dry run only reads the deployment and says what stopping it would do', async () => {
    const id = await midCanary('cd-dry');
    bed.sandbox.clearRequestLog();
    const result = await runRollback(bed, request('cd-dry', { dryRun: true, deploymentId: id }));
    expect(result).toMatchObject({ outcome: 'dry-run', method: 'codedeploy-stop', from: '2', to: '1' });
    expect(result.change).toBe(`StopDeployment {"deploymentId":"${id}","autoRollbackEnabled":true}`);
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    expect(await deploymentStatus(id)).toBe('InProgress');
    await bed.clients.codedeploy.send(
      new StopDeploymentCommand({ deploymentId: id, autoRollbackEnabled: true }),
    );
  });

  it("method 'codedeploy' without any deployment to look at is a clear error that changes nothing", async () => {
    await functionWithVersions(bed.lambda, 'cd-none', 2);
    await pointAlias(bed.lambda, 'cd-none', 'live', '2');
    bed.sandbox.clearRequestLog();
    const attempt = runRollback(bed, request('cd-none', { method: 'codedeploy' }));
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(/method 'codedeploy' needs a deployment/);
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
  });
});
