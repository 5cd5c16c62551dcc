/**
 * Issue 13: rollback-on-failure never undoes a newer release, never gives up while time is left, does not read a
 * missing file as "nothing happened", makes `method: code` end with the alias on the previous code, and refuses
 * records that do not belong here. Issue 23: it never undoes another release's canary in progress, moves nothing
 * without a record unless this run's release is live, refuses contradictory records, survives records that crashed
 * their readers (and notify too), writes back only what readers accept, and reports deleted functions as gone.
 * The evidence is the sandbox's alias state and request log.
 */
import { mkdtempSync, statSync, writeFileSync } from 'node:fs';
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
import { readRecordFile, waitForFunctionUpdated } from '@lambda-release-kit/core';
import { errorLines } from './fault-matrix.js';
import {
  ALIAS,
  aliasOf,
  createReleasedFunction,
  publishRelease,
  routeCanary,
  THIS_RUN_DESCRIPTION,
  useFixture,
  writeReleaseZip,
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

  it("a missing record file, this run's canary at 10%: restored to the alias's primary from the live state", async () => {
    const name = 'lost-runner';
    await createReleasedFunction(fixture, name);
    const canary = await publishRelease(fixture, name, 'v1.1.0', THIS_RUN_DESCRIPTION);
    await routeCanary(fixture, name, '1', canary, 0.1);
    const { run, mutations } = await rollback(name, { 'record-file': join(dir, 'never-written.json') });
    const warned = /::warning::no deployment record at .*never-written.json/.test(run.stdout);
    const held = run.code === 0 && onVersion(name, '1') && warned;
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: "record file missing, this run's canary at 10% (runner lost)",
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

  it("a missing record file after this run's promotion: back to the version deploy-canary's description says it replaced", async () => {
    const name = 'lost-runner-promoted';
    await createReleasedFunction(fixture, name);
    // Version 2 was published but never released: "the newest version older than live" would be a guess.
    await publishRelease(fixture, name, 'v1.0.1');
    const deployed = await runAction(
      'deploy-canary',
      (runDir) => ({
        'function-name': name,
        alias: ALIAS,
        'zip-file': writeReleaseZip(dir, 'v1.1.0'),
        'release-tag': 'v1.1.0',
        'record-file': join(runDir, 'record.json'),
        'skip-canary': 'true',
        'skip-canary-reason': 'reliability suite',
        timeout: '60s',
      }),
      { env: fixture.env, timeoutMs: 90_000 },
    );
    const promoted = aliasOf(fixture, name);
    const { run, mutations } = await rollback(name, { 'record-file': join(dir, 'never-written-2.json') });
    const held =
      deployed.code === 0 &&
      promoted.version === '3' &&
      run.code === 0 &&
      run.outputs.outcome === 'rolled-back' &&
      mutations.join() === 'UpdateAlias' &&
      onVersion(name, '1');
    recordResult(CATEGORY, {
      action: 'deploy-canary + rollback-on-failure',
      case: "record file missing after this run's release was promoted",
      held,
      outcome: run.outputs.outcome ?? `exit ${run.code}`,
      detail: `deploy exit ${deployed.code}, alias then ${JSON.stringify(promoted)}; mutations: ${mutations.join(', ') || 'none'}; alias ${JSON.stringify(aliasOf(fixture, name))}; ${errorLines(run)[0]?.slice(0, 200) ?? ''}`,
    });
    expect({ deployed: deployed.code, promoted }).toEqual({
      deployed: 0,
      promoted: { version: '3', weights: {} },
    });
    expect({
      code: run.code,
      outcome: run.outputs.outcome,
      mutations,
      alias: aliasOf(fixture, name),
    }).toEqual({
      code: 0,
      outcome: 'rolled-back',
      mutations: ['UpdateAlias'],
      alias: { version: '1', weights: {} },
    });
  }, 120_000);

  it('no record written and no function-name (the deploy failed before publishing): nothing to do, exit 0', async () => {
    fixture.sandbox.clearRequestLog();
    const run = await runAction(
      'rollback-on-failure',
      { alias: ALIAS, 'record-file': join(dir, 'release-record-staging.json'), reason: 'reliability suite' },
      { env: fixture.env },
    );
    const calls = fixture.sandbox.requestLog().length;
    const said = /nothing to do: no deployment record at .* and input 'function-name' is not given/.test(
      run.stdout,
    );
    const held = run.code === 0 && run.outputs.outcome === 'nothing-to-do' && said && calls === 0;
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: 'reference rollback job after a deploy that failed before writing a record',
      held,
      outcome: run.outputs.outcome ?? `exit ${run.code}`,
      detail: `explained: ${said}; AWS calls: ${calls}; ${errorLines(run)[0]?.slice(0, 160) ?? ''}`,
    });
    expect({ code: run.code, outcome: run.outputs.outcome, said, calls }).toEqual({
      code: 0,
      outcome: 'nothing-to-do',
      said: true,
      calls: 0,
    });
  });

  it('a target-version that was never published: one error listing the versions, nothing changed', async () => {
    const name = 'no-such-version';
    await createReleasedFunction(fixture, name);
    const { run, mutations } = await rollback(name, { 'target-version': '9' });
    const errors = errorLines(run);
    const held =
      run.code === 1 &&
      errors.length === 1 &&
      /'target-version' is 9, which is not a published version of no-such-version; versions: 1/.test(
        errors[0] ?? '',
      ) &&
      mutations.length === 0;
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: 'target-version that was never published',
      held,
      outcome: `exit ${run.code}`,
      detail: `${errors[0]?.slice(0, 200) ?? ''}; mutations: ${mutations.length}`,
    });
    expect({ code: run.code, errors: errors.length, mutations }).toEqual({
      code: 1,
      errors: 1,
      mutations: [],
    });
  });

  it('no record, production on a good hotfix 3 after a bad 2 was rolled back: never moved back to 2', async () => {
    const name = 'hotfix';
    await createReleasedFunction(fixture, name);
    await publishRelease(
      fixture,
      name,
      'v1.1.0-bad',
      'release v1.1.0 https://github.com/example/lambda-release-kit/actions/runs/4100',
    );
    const hotfix = await publishRelease(
      fixture,
      name,
      'v1.1.1',
      'release v1.1.1 https://github.com/example/lambda-release-kit/actions/runs/4200',
    );
    fixture.sandbox.lambda.setAliasRouting(name, ALIAS, hotfix, {});
    const { run, mutations } = await rollback(name, {});
    const held =
      run.code === 0 &&
      run.outputs.outcome === 'nothing-to-do' &&
      mutations.length === 0 &&
      onVersion(name, hotfix);
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: 'no record; alias on a good hotfix of another run, older bad release published',
      held,
      outcome: run.outputs.outcome ?? `exit ${run.code}`,
      detail: `mutations: ${mutations.join(', ') || 'none'}; alias ${JSON.stringify(aliasOf(fixture, name))}`,
    });
    expect({
      code: run.code,
      outcome: run.outputs.outcome,
      mutations,
      alias: aliasOf(fixture, name),
    }).toEqual({
      code: 0,
      outcome: 'nothing-to-do',
      mutations: [],
      alias: { version: hotfix, weights: {} },
    });
  });

  it("a release of three; another release's canary on one (live on 2, 10% on 3): that one left, the others restored", async () => {
    const names = ['trio-a', 'trio-b', 'trio-c'];
    for (const name of names) {
      await createReleasedFunction(fixture, name);
      await publishRelease(fixture, name, 'v1.1.0');
      await routeCanary(fixture, name, '1', '2', 0.5);
    }
    const theirs = await publishRelease(fixture, 'trio-b', 'v1.2.0');
    await routeCanary(fixture, 'trio-b', '2', theirs, 0.1);
    const service = record('trio-a');
    service.functions = names.map((name) => ({
      function: { name, arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}` },
      alias: ALIAS,
      previous: { version: '1' },
      target: { version: '2' },
    }));
    const file = writeRecord('trio', service);
    fixture.sandbox.clearRequestLog();
    const run = await runAction(
      'rollback-on-failure',
      { alias: ALIAS, 'record-file': file, reason: 'reliability suite' },
      { env: fixture.env },
    );
    recordOperations(CATEGORY, 'rollback-on-failure', fixture.sandbox.requestLog());
    const outcomes = (
      JSON.parse(run.outputs.functions ?? '[]') as Array<{ name: string; outcome: string }>
    ).map((f) => `${f.name} ${f.outcome}`);
    const warned = run.stdout
      .split('\n')
      .some(
        (line) =>
          line.startsWith('::warning::') &&
          /trio-b:live: left: another release \(version 3\) is in progress on live/.test(line),
      );
    const written = (await readRecordFile(file)).rollbacks.map((entry) => entry.function);
    const held =
      run.code === 0 &&
      onVersion('trio-a', '1') &&
      onVersion('trio-c', '1') &&
      JSON.stringify(aliasOf(fixture, 'trio-b')) ===
        JSON.stringify({ version: '2', weights: { [theirs]: 0.1 } }) &&
      warned &&
      written.join() === 'trio-a,trio-c';
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: "release of three, another release's canary in progress on one",
      held,
      outcome: run.outputs.outcome ?? `exit ${run.code}`,
      detail: `${outcomes.join(', ')}; trio-b ${JSON.stringify(aliasOf(fixture, 'trio-b'))}; warned: ${warned}; rollbacks recorded: ${written.join(', ')}`,
    });
    expect({ code: run.code, outcomes, warned, written, b: aliasOf(fixture, 'trio-b') }).toEqual({
      code: 0,
      outcomes: ['trio-a rolled-back', 'trio-b superseded', 'trio-c rolled-back'],
      warned: true,
      written: ['trio-a', 'trio-c'],
      b: { version: '2', weights: { [theirs]: 0.1 } },
    });
  });

  const contradictions: Array<{
    title: string;
    name: string;
    fields: (name: string) => Record<string, unknown>;
    pattern: RegExp;
  }> = [
    {
      title: 'record whose target (2) is older than its previous (3)',
      name: 'backwards',
      fields: () => ({ previous: { version: '3' }, target: { version: '2' } }),
      pattern:
        /contradicts itself: functions\[0\]\.target\.version is 2, older than its previous\.version 3 — expected/,
    },
    {
      title: 'record with two disagreeing entries for one function',
      name: 'twice',
      fields: (name) => ({
        functions: [
          { function: { name }, alias: ALIAS, previous: { version: '1' }, target: { version: '2' } },
          { function: { name }, alias: ALIAS, previous: { version: '2' }, target: { version: '3' } },
        ],
      }),
      pattern:
        /contradicts itself: functions\[1\] is twice:live again \(first at functions\[0\]\) — expected one entry per function and alias/,
    },
  ];
  it.each(contradictions)(
    '$title is refused before any AWS call',
    async ({ title, name, fields, pattern }) => {
      await createReleasedFunction(fixture, name);
      await publishRelease(fixture, name, 'v1.1.0');
      await publishRelease(fixture, name, 'v1.2.0');
      fixture.sandbox.lambda.setAliasRouting(name, ALIAS, '2', {});
      const file = writeRecord(name, record(name, fields(name)));
      const { run, calls } = await rollback(name, { 'record-file': file });
      const errors = errorLines(run);
      const held =
        run.code === 1 &&
        errors.length === 1 &&
        pattern.test(errors[0] ?? '') &&
        calls === 0 &&
        onVersion(name, '2');
      recordResult(CATEGORY, {
        action: 'rollback-on-failure',
        case: title,
        held,
        outcome: `exit ${run.code}`,
        detail: `${errors[0]?.slice(0, 240) ?? ''}; AWS calls: ${calls}`,
      });
      expect({ code: run.code, errors: errors.length, calls, alias: aliasOf(fixture, name) }).toEqual({
        code: 1,
        errors: 1,
        calls: 0,
        alias: { version: '2', weights: {} },
      });
      expect(errors[0]).toMatch(pattern);
    },
  );

  const nullLists: Array<{ title: string; name: string; v1: boolean }> = [
    { title: 'v2 record with rollbacks: null and steps: null', name: 'null-lists-v2', v1: false },
    { title: 'v1 record with rollbacks: null and steps: null', name: 'null-lists-v1', v1: true },
  ];
  it.each(nullLists)('$title: restored, written back, and notify reads it', async ({ title, name, v1 }) => {
    await createReleasedFunction(fixture, name);
    const canary = await publishRelease(fixture, name, 'v1.1.0');
    await routeCanary(fixture, name, '1', canary, 0.1);
    const v2 = record(name, { target: { version: canary }, rollbacks: null, steps: null });
    const [only] = v2.functions as Array<Record<string, unknown>>;
    // A v1 record keeps its one function's fields at the top (undefined leaves `functions` out of the JSON).
    const content = v1 ? { ...v2, ...only, functions: undefined, schema: 'lambda-release-record/v1' } : v2;
    const file = writeRecord(name, content);
    const { run } = await rollback(name, { 'record-file': file });
    const written = run.code === 0 ? (await readRecordFile(file)).rollbacks.length : 0;
    const notified = await runAction(
      'notify',
      {
        record: JSON.stringify({ ...content, status: 'failed' }),
        'job-status': 'failure',
        'webhook-url': fixture.sandbox.variable('SANDBOX_WEBHOOK_URL'),
      },
      { env: fixture.env },
    );
    const held =
      run.code === 0 &&
      onVersion(name, '1') &&
      written === 1 &&
      notified.code === 0 &&
      errorLines(notified).length === 0;
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: title,
      held,
      outcome: `rollback exit ${run.code}, notify exit ${notified.code}`,
      detail: `rollbacks written: ${written}; alias ${JSON.stringify(aliasOf(fixture, name))}; ${[...errorLines(run), ...errorLines(notified)][0]?.slice(0, 200) ?? ''}`,
    });
    expect({
      code: run.code,
      written,
      alias: aliasOf(fixture, name),
      notify: notified.code,
      notifyErrors: errorLines(notified),
    }).toEqual({
      code: 0,
      written: 1,
      alias: { version: '1', weights: {} },
      notify: 0,
      notifyErrors: [],
    });
  });

  it('a 1,000-function record, 997 functions deleted since: 3 restored, 997 gone, the record written within 512 KiB', async () => {
    const live = ['big-0000', 'big-0001', 'big-0002'];
    for (const name of live) {
      await createReleasedFunction(fixture, name);
      await publishRelease(fixture, name, 'v1.1.0');
      await routeCanary(fixture, name, '1', '2', 0.1);
    }
    const names = Array.from({ length: 1000 }, (_, i) => `big-${String(i).padStart(4, '0')}`);
    // As deploy-canary records them: 380 KB compact, 589 KB indented (over the 512 KiB the readers accept).
    const version = (v: string) => ({
      version: v,
      codeSha256: 'a'.repeat(44),
      configuration: { memorySize: 512, timeout: 30 },
    });
    const service = record('big-0000');
    service.functions = names.map((name) => ({
      function: { name, arn: `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${name}` },
      alias: ALIAS,
      previous: version('1'),
      target: version('2'),
    }));
    const file = writeRecord('big', service);
    fixture.sandbox.clearRequestLog();
    const started = Date.now();
    const run = await runAction(
      'rollback-on-failure',
      { alias: ALIAS, 'record-file': file, reason: 'reliability suite', timeout: '5m' },
      { env: fixture.env, timeoutMs: 330_000 },
    );
    const seconds = Math.round((Date.now() - started) / 100) / 10;
    const outcomes = JSON.parse(run.outputs.functions ?? '[]') as Array<{ outcome: string }>;
    const gone = outcomes.filter((f) => f.outcome === 'gone').length;
    const bytes = statSync(file).size;
    const readable = await readRecordFile(file).then(
      (read) => read.rollbacks.length,
      (error: unknown) => String(error),
    );
    const longest = Math.max(...run.stdout.split('\n').map((line) => line.length));
    const held =
      run.code === 0 &&
      live.every((name) => onVersion(name, '1')) &&
      gone === 997 &&
      bytes <= 512 * 1024 &&
      readable === 3 &&
      errorLines(run).length === 0;
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: 'record of 1,000 functions, 997 deleted since the release',
      held,
      outcome: run.outputs.outcome ?? `exit ${run.code}`,
      seconds,
      detail: `gone: ${gone}; record file ${bytes} bytes, rollbacks read back: ${readable}; longest log line ${longest} characters; ${errorLines(run)[0]?.slice(0, 160) ?? ''}`,
    });
    expect({ code: run.code, gone, readable, errors: errorLines(run) }).toEqual({
      code: 0,
      gone: 997,
      readable: 3,
      errors: [],
    });
    expect(bytes).toBeLessThanOrEqual(512 * 1024);
  }, 340_000);

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
      // The canary names this run, as deploy-canary's do: a record that cannot be used leaves only that evidence.
      const canary = await publishRelease(fixture, name, 'v1.1.0', THIS_RUN_DESCRIPTION);
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
