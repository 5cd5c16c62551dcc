/**
 * Runs the bundles through the features whose AWS operations no other reliability file reaches, so the operations
 * the suite observes (test/reliability/observed-operations.json, against which test/iam-policy.test.ts checks
 * examples/docs/iam.md) include every operation the actions' code can send: a first release with `configuration`,
 * `alarms` and a `pre-traffic-check` (CreateAlias, UpdateFunctionConfiguration, DescribeAlarms, Invoke), a
 * CodeDeploy release with a custom configuration (GetDeploymentConfig), a dry run (ListVersionsByFunction), and a
 * rollback with an invoke `verify` check (Invoke).
 */
import { describe, expect, it } from '@jest/globals';
import { PutMetricAlarmCommand, CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentConfigCommand,
  CreateDeploymentGroupCommand,
} from '@aws-sdk/client-codedeploy';
import { GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOrdersApiFunction } from '../../examples/orders-api/create-function.js';
import {
  ALIAS,
  aliasOf,
  createReleasedFunction,
  useFixture,
  writeReleaseZip,
  type Fixture,
} from './fixture.js';
import { recordOperations, recordResult } from './results.js';
import { runAction, type ActionName, type ActionRun } from './run-action.js';

const CATEGORY = 'permissions';
let fixture: Fixture;
const dir = mkdtempSync(join(tmpdir(), 'reliability-permissions-'));

useFixture(CATEGORY, (started) => (fixture = started));

const skipCanary = { 'skip-canary': 'true', 'skip-canary-reason': 'reliability suite', timeout: '60s' };

/** Runs the action on a clean request log; returns the run and the operations it called (service:Operation). */
async function run(action: ActionName, inputs: Record<string, string>): Promise<[ActionRun, string[]]> {
  fixture.sandbox.clearRequestLog();
  const result = await runAction(action, inputs, { env: fixture.env, timeoutMs: 90_000 });
  const log = fixture.sandbox.requestLog();
  recordOperations(CATEGORY, action, log);
  const called = [...new Set(log.filter((e) => e.status < 300).map((e) => `${e.service}:${e.operation}`))];
  return [result, called.sort()];
}

function clients<T>(make: new (config: object) => T): T {
  return new make({
    endpoint: fixture.sandbox.endpoint,
    region: fixture.sandbox.env.AWS_REGION,
    credentials: { accessKeyId: 'fixture', secretAccessKey: 'fixture' },
  });
}

function report(action: string, name: string, result: ActionRun, called: string[], needed: string[]): void {
  const missing = needed.filter((op) => !called.includes(op));
  recordResult(CATEGORY, {
    action,
    case: name,
    held: result.code === 0 && missing.length === 0,
    outcome: `exit ${result.code}`,
    detail: missing.length > 0 ? `not called: ${missing.join(', ')}` : `called ${needed.join(', ')}`,
  });
  expect({ code: result.code, missing }).toEqual({ code: 0, missing: [] });
}

describe('operations only some features call', () => {
  it('a first release with configuration, alarms and a pre-traffic check', async () => {
    const name = 'first-release';
    await createOrdersApiFunction(fixture.lambda, name);
    await clients(CloudWatchClient).send(
      new PutMetricAlarmCommand({
        AlarmName: `${name}-errors`,
        Namespace: 'AWS/Lambda',
        MetricName: 'Errors',
        Dimensions: [{ Name: 'FunctionName', Value: name }],
        Statistic: 'Sum',
        ComparisonOperator: 'GreaterThanThreshold',
        Threshold: 0,
        Period: 60,
        EvaluationPeriods: 1,
      }),
    );
    const [result, called] = await run('deploy-canary', {
      'function-name': name,
      alias: ALIAS,
      'zip-file': writeReleaseZip(dir, 'v1.1.0'),
      'release-tag': 'v1.1.0',
      configuration: 'memory-size: 256',
      alarms: `${name}-errors`,
      'pre-traffic-check': `checks:\n  - name: answers\n    invoke: { function: ${name}, payload: {} }\n    expect: { status: 200 }\n`,
      ...skipCanary,
    });
    const memory = (
      await fixture.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: ALIAS }))
    ).MemorySize;
    report('deploy-canary', 'first release: configuration, alarms, pre-traffic-check', result, called, [
      'lambda:CreateAlias',
      'lambda:UpdateFunctionConfiguration',
      'lambda:Invoke',
      'cloudwatch:DescribeAlarms',
    ]);
    expect({ memory, alias: aliasOf(fixture, name) }).toEqual({
      memory: 256,
      alias: { version: '1', weights: {} },
    });
  }, 120_000);

  it('a CodeDeploy release with a custom deployment configuration', async () => {
    const name = 'codedeploy-release';
    await createReleasedFunction(fixture, name);
    const codedeploy = clients(CodeDeployClient);
    await codedeploy.send(new CreateApplicationCommand({ applicationName: name, computePlatform: 'Lambda' }));
    await codedeploy.send(
      new CreateDeploymentGroupCommand({
        applicationName: name,
        deploymentGroupName: name,
        serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      }),
    );
    // deploy-canary reads only a custom configuration back (a predefined one always exists).
    await codedeploy.send(
      new CreateDeploymentConfigCommand({
        deploymentConfigName: `${name}.AllAtOnce`,
        computePlatform: 'Lambda',
        trafficRoutingConfig: { type: 'AllAtOnce' },
      }),
    );
    const [result, called] = await run('deploy-canary', {
      'function-name': name,
      alias: ALIAS,
      'zip-file': writeReleaseZip(dir, 'v1.2.0'),
      'release-tag': 'v1.2.0',
      strategy: 'codedeploy',
      'codedeploy-application': name,
      'codedeploy-deployment-group': name,
      'deployment-config': `${name}.AllAtOnce`,
      timeout: '60s',
    });
    report('deploy-canary', 'CodeDeploy release with a custom deployment-config', result, called, [
      'codedeploy:GetDeploymentConfig',
      'codedeploy:CreateDeployment',
    ]);
  }, 120_000);

  it('a dry run, which forecasts the next version number', async () => {
    const name = 'dry-run';
    await createReleasedFunction(fixture, name);
    const [result, called] = await run('deploy-canary', {
      'function-name': name,
      alias: ALIAS,
      'zip-file': writeReleaseZip(dir, 'v1.4.0'),
      'release-tag': 'v1.4.0',
      'dry-run': 'true',
    });
    report('deploy-canary', 'dry run', result, called, ['lambda:ListVersionsByFunction']);
    expect(called.filter((op) => /:(Update|Publish|Create)/.test(op))).toEqual([]);
  }, 120_000);

  it('a rollback with an invoke verify check', async () => {
    const name = 'verified-rollback';
    await createReleasedFunction(fixture, name);
    const [deployed] = await run('deploy-canary', {
      'function-name': name,
      alias: ALIAS,
      'zip-file': writeReleaseZip(dir, 'v1.3.0'),
      'release-tag': 'v1.3.0',
      ...skipCanary,
    });
    const [result, called] = await run('rollback-on-failure', {
      record: deployed.outputs.record ?? '',
      alias: ALIAS,
      verify: `checks:\n  - name: answers\n    invoke: { function: ${name}, qualifier: ${ALIAS}, payload: {} }\n    expect: { status: 200 }\n`,
    });
    report('rollback-on-failure', 'rollback with an invoke verify check', result, called, [
      'lambda:UpdateAlias',
      'lambda:Invoke',
    ]);
    expect(aliasOf(fixture, name)).toEqual({ version: '1', weights: {} });
  }, 120_000);
});
