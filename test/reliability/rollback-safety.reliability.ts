/**
 * Issue 13: rollback-on-failure never undoes a newer release, never gives up while time is left, does not read a
 * missing file as "nothing happened", makes `method: code` end with the alias on the previous code, and refuses
 * records that do not belong here. The evidence is the sandbox's alias state and request log.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { waitForFunctionUpdated } from '@lambda-release-kit/core';
import { errorLines } from './fault-matrix.js';
import {
  ALIAS,
  aliasOf,
  createReleasedFunction,
  publishRelease,
  routeCanary,
  useFixture,
  type Fixture,
} from './fixture.js';
import { recordOperations, recordResult } from './results.js';
import { runAction, type ActionRun } from './run-action.js';

const CATEGORY = 'rollback-safety';
const ACCOUNT = '123456789012';
let fixture: Fixture;
const dir = mkdtempSync(join(tmpdir(), 'reliability-rollback-safety-'));

useFixture(CATEGORY, (started) => (fixture = started));

/**
 * The record deploy-canary writes for `name`; fields override (undefined removes one): function, alias, previous,
 * target and codedeploy those of its one function, the others the release's.
 */
function record(name: string, fields: Record<string, unknown> = {}): Record<string, unknown> {
  const {
    function: fn,
    alias,
    previous,
    target,
    codedeploy,
    ...release
  } = {
    function: { name, arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}` },
    alias: ALIAS,
    previous: { version: '1' },
    target: { version: '2' },
    codedeploy: undefined,
    ...fields,
  };
  return {
    schema: 'lambda-release-record/v2',
    functions: [{ function: fn, alias, previous, target, codedeploy }],
    region: 'us-east-1',
    release: { tag: 'v1.1.0' },
    strategy: 'alias-weights',
    steps: [],
    status: 'failed',
    rollbacks: [],
    startedAt: new Date().toISOString(),
    ...release,
  };
}

function writeRecord(name: string, content: unknown): string {
  const path = join(dir, `${name}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

async function rollback(
  name: string,
  inputs: Record<string, string>,
  timeoutMs = 60_000,
): Promise<{ run: ActionRun; mutations: string[]; calls: number }> {
  fixture.sandbox.clearRequestLog();
  const run = await runAction(
    'rollback-on-failure',
    { 'function-name': name, alias: ALIAS, reason: 'reliability suite', ...inputs },
    { env: fixture.env, timeoutMs },
  );
  const log = fixture.sandbox.requestLog();
  recordOperations(CATEGORY, 'rollback-on-failure', log);
  return {
    run,
    mutations: log.filter((e) => e.mutating && e.status < 300).map((e) => e.operation),
    calls: log.length,
  };
}

const onVersion = (name: string, version: string) => {
  const alias = aliasOf(fixture, name);
  return alias.version === version && Object.keys(alias.weights).length === 0;
};

describe('rollback safety', () => {
  it('a record without a target (deploy failed before publishing) never undoes a newer live release', async () => {
    const name = 'no-target';
    await createReleasedFunction(fixture, name);
    await publishRelease(fixture, name, 'v1.1.0');
    const newer = await publishRelease(fixture, name, 'v1.2.0');
    fixture.sandbox.lambda.setAliasRouting(name, ALIAS, newer, {});
    const file = writeRecord(
      name,
      record(name, { target: undefined, error: 'publishing a version failed: ServiceException' }),
    );
    const { run, mutations, calls } = await rollback(name, { 'record-file': file });
    const held =
      run.code === 0 && run.outputs.outcome === 'nothing-to-do' && calls === 0 && onVersion(name, newer);
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: 'record with previous but no target; alias on a newer release',
      held,
      outcome: run.outputs.outcome ?? `exit ${run.code}`,
      detail: `AWS calls: ${calls}; mutations: ${mutations.join(', ') || 'none'}; alias ${JSON.stringify(aliasOf(fixture, name))}`,
    });
    expect({ code: run.code, outcome: run.outputs.outcome, calls, alias: aliasOf(fixture, name) }).toEqual({
      code: 0,
      outcome: 'nothing-to-do',
      calls: 0,
      alias: { version: newer, weights: {} },
    });
  });

  it('a 60-second storm of 429/500/dropped connections on every UpdateAlias: restored before the deadline', async () => {
    const name = 'storm';
    await createReleasedFunction(fixture, name);
    const canary = await publishRelease(fixture, name, 'v1.1.0');
    await routeCanary(fixture, name, '1', canary, 0.1);
    const file = writeRecord(name, record(name, { target: { version: canary } }));
    // Every UpdateAlias fails for 60 s, a third each as throttling, server error and dropped connection.
    fixture.sandbox.faults.add({
      service: 'lambda',
      operation: 'UpdateAlias',
      kind: 'throttle',
      rate: 1 / 3,
    });
    fixture.sandbox.faults.add({ service: 'lambda', operation: 'UpdateAlias', kind: 'error', rate: 1 / 2 });
    fixture.sandbox.faults.add({ service: 'lambda', operation: 'UpdateAlias', kind: 'drop' });
    const stormMs = 60_000;
    const calm = setTimeout(() => fixture.sandbox.faults.clear(), stormMs);
    const started = Date.now();
    const { run } = await rollback(name, { 'record-file': file, timeout: '3m' }, 240_000).finally(() =>
      clearTimeout(calm),
    );
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const faults = fixture.sandbox.requestLog().filter((e) => e.operation === 'UpdateAlias' && e.fault);
    const retryLines = run.stdout
      .split('\n')
      .filter((line) => /UpdateAlias .*\(attempt \d+\); retrying in/.test(line));
    const held = run.code === 0 && onVersion(name, '1') && seconds < 180 && faults.length > 0;
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: '60 s storm of 429/500/dropped connections on every UpdateAlias, timeout 3m',
      held,
      outcome: run.outputs.outcome ?? `exit ${run.code}`,
      seconds,
      detail: `${faults.length} faulted UpdateAlias calls (${['throttle', 'error', 'drop'].map((k) => `${k} ${faults.filter((f) => f.fault === k).length}`).join(', ')}); ${retryLines.length} retry lines; alias ${JSON.stringify(aliasOf(fixture, name))}`,
    });
    expect({ code: run.code, alias: aliasOf(fixture, name) }).toEqual({
      code: 0,
      alias: { version: '1', weights: {} },
    });
    expect(seconds).toBeLessThan(180);
    expect(retryLines.length).toBeGreaterThan(0);
  }, 260_000);

  it('a missing record file after a promotion: falls back to the live state and restores the older version', async () => {
    const name = 'lost-runner';
    await createReleasedFunction(fixture, name);
    const bad = await publishRelease(fixture, name, 'v1.1.0');
    fixture.sandbox.lambda.setAliasRouting(name, ALIAS, bad, {});
    const { run, mutations } = await rollback(name, { 'record-file': join(dir, 'never-written.json') });
    const warned = /::warning::no deployment record at .*never-written.json/.test(run.stdout);
    const held = run.code === 0 && onVersion(name, '1') && warned;
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: 'record file missing after the canary was promoted (runner lost)',
      held,
      outcome: run.outputs.outcome ?? `exit ${run.code}`,
      detail: `warning given: ${warned}; mutations: ${mutations.join(', ') || 'none'}; alias ${JSON.stringify(aliasOf(fixture, name))}`,
    });
    expect({ code: run.code, warned, alias: aliasOf(fixture, name) }).toEqual({
      code: 0,
      warned: true,
      alias: { version: '1', weights: {} },
    });
  });

  it('method code on an image function behind an alias: code and alias end on the previous release', async () => {
    const name = 'image-behind-alias';
    const repo = `${ACCOUNT}.dkr.ecr.us-east-1.amazonaws.com/orders`;
    await fixture.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Role: `arn:aws:iam::${ACCOUNT}:role/orders`,
        PackageType: 'Image',
        Code: { ImageUri: `${repo}:v1` },
      }),
    );
    await waitForFunctionUpdated(fixture.lambda, name, { timeoutMs: 10_000 });
    await fixture.lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await fixture.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ImageUri: `${repo}:v2` }));
    await waitForFunctionUpdated(fixture.lambda, name, { timeoutMs: 10_000 });
    await fixture.lambda.send(new PublishVersionCommand({ FunctionName: name }));
    await fixture.lambda.send(
      new CreateAliasCommand({ FunctionName: name, Name: ALIAS, FunctionVersion: '2' }),
    );
    const file = writeRecord(
      name,
      record(name, {
        previous: { version: '1', imageUri: `${repo}:v1` },
        target: { version: '2', imageUri: `${repo}:v2` },
      }),
    );
    const { run, mutations } = await rollback(name, { 'record-file': file, method: 'code' });
    const latest = await fixture.lambda.send(new GetFunctionCommand({ FunctionName: name }));
    const image = latest.Code?.ImageUri;
    const held =
      run.code === 0 &&
      image === `${repo}:v1` &&
      onVersion(name, '1') &&
      run.outputs['from-version'] === '2' &&
      run.outputs['to-version'] === '1';
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: 'method code, image function with alias on the bad version',
      held,
      outcome: run.outputs.outcome ?? `exit ${run.code}`,
      detail: `$LATEST ${image}; alias ${JSON.stringify(aliasOf(fixture, name))}; outputs ${run.outputs['from-version']} → ${run.outputs['to-version']}; mutations: ${mutations.join(', ')}`,
    });
    expect({ code: run.code, image, alias: aliasOf(fixture, name) }).toEqual({
      code: 0,
      image: `${repo}:v1`,
      alias: { version: '1', weights: {} },
    });
    expect([run.outputs['from-version'], run.outputs['to-version']]).toEqual(['2', '1']);
  });

  const belongs: Array<{ title: string; name: string; fields: Record<string, unknown>; pattern: RegExp }> = [
    {
      title: 'record from another region',
      name: 'other-region',
      fields: { region: 'eu-west-1' },
      pattern: /is for region eu-west-1, but this rollback runs in us-east-1/,
    },
    {
      title: 'record from another account',
      name: 'other-account',
      fields: {
        function: {
          name: 'other-account',
          arn: 'arn:aws:lambda:us-east-1:999999999999:function:other-account',
        },
      },
      pattern: /account 999999999999.*account 123456789012/,
    },
  ];
  it.each(belongs)('$title is refused before any change', async ({ title, name, fields, pattern }) => {
    await createReleasedFunction(fixture, name);
    const canary = await publishRelease(fixture, name, 'v1.1.0');
    await routeCanary(fixture, name, '1', canary, 0.1);
    const file = writeRecord(name, record(name, { target: { version: canary }, ...fields }));
    const { run, mutations } = await rollback(name, { 'record-file': file });
    const errors = errorLines(run);
    const after = aliasOf(fixture, name);
    const held =
      run.code === 1 && errors.length === 1 && pattern.test(errors[0] ?? '') && mutations.length === 0;
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: title,
      held,
      outcome: `exit ${run.code}`,
      detail: `${errors[0]?.slice(0, 200) ?? ''}; mutations: ${mutations.length}; alias ${JSON.stringify(after)}`,
    });
    expect({ code: run.code, errors: errors.length, mutations }).toEqual({
      code: 1,
      errors: 1,
      mutations: [],
    });
    expect(errors[0]).toMatch(pattern);
    expect(after).toEqual({ version: '1', weights: { [canary]: 0.1 } });
  });

  let nested: unknown = 'deep';
  for (let level = 0; level < 40; level++) nested = { level: nested };
  const hostile: Array<{
    title: string;
    name: string;
    content: (name: string, canary: string) => unknown;
    warning: RegExp;
  }> = [
    {
      title: 'record of 600 KiB',
      name: 'huge-record',
      content: (name, canary) => record(name, { target: { version: canary }, error: 'x'.repeat(600 * 1024) }),
      warning: /over the 524288 bytes \(512 KiB\)/,
    },
    {
      title: 'record nested 40 levels deep',
      name: 'deep-record',
      content: (name, canary) => record(name, { target: { version: canary }, release: nested }),
      warning: /nested 17 levels deep, more than the 16/,
    },
    {
      title: 'record naming a CodeDeploy deployment that does not exist',
      name: 'ghost-deployment',
      content: (name, canary) =>
        record(name, {
          target: { version: canary },
          codedeploy: { application: 'orders', deploymentGroup: 'live', deploymentId: 'd-GHOST0001' },
        }),
      warning: /CodeDeploy deployment d-GHOST0001, which CodeDeploy does not know/,
    },
    {
      title: 'record with a malformed CodeDeploy deployment id',
      name: 'bad-deployment-id',
      content: (name, canary) =>
        record(name, {
          target: { version: canary },
          codedeploy: { application: 'orders', deploymentGroup: 'live', deploymentId: 'not an id' },
        }),
      warning: /names CodeDeploy deployment "not an id", which is not a deployment id/,
    },
  ];
  it.each(hostile)(
    '$title: warned, and the alias restored from its live state',
    async ({ title, name, content, warning }) => {
      await createReleasedFunction(fixture, name);
      const canary = await publishRelease(fixture, name, 'v1.1.0');
      await routeCanary(fixture, name, '1', canary, 0.1);
      const file = writeRecord(name, content(name, canary));
      const { run, mutations } = await rollback(name, { 'record-file': file });
      const warned = run.stdout
        .split('\n')
        .some((line) => line.startsWith('::warning::') && warning.test(line));
      const held = run.code === 0 && warned && onVersion(name, '1') && errorLines(run).length === 0;
      recordResult(CATEGORY, {
        action: 'rollback-on-failure',
        case: title,
        held,
        outcome: run.outputs.outcome ?? `exit ${run.code}`,
        detail: `warned: ${warned}; mutations: ${mutations.join(', ') || 'none'}; alias ${JSON.stringify(aliasOf(fixture, name))}; ${errorLines(run)[0]?.slice(0, 160) ?? ''}`,
      });
      expect({ code: run.code, warned, alias: aliasOf(fixture, name) }).toEqual({
        code: 0,
        warned: true,
        alias: { version: '1', weights: {} },
      });
    },
  );
});
