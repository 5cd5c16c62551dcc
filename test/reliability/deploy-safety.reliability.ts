/**
 * Issue 13: deploy-canary never publishes another run's code, records what code rollbacks need, keeps one record
 * file per function and alias, and every status and message says what actually happened (one releaseStatus, used
 * by notify and the reference workflow). Evidence: the sandbox's request log, alias state and notification sinks.
 */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { describe, expect, it } from '@jest/globals';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
} from '@aws-sdk/client-lambda';
import { parseRecord, type DeploymentRecord } from '@lambda-release-kit/core';
import { buildOrdersApi } from '../../examples/orders-api/build.mjs';
import { runWorkflow } from '@lambda-release-kit/core/testing';
import { errorLines } from './fault-matrix.js';
import {
  ALIAS,
  aliasOf,
  createReleasedFunction,
  useFixture,
  writeReleaseZip,
  type Fixture,
} from './fixture.js';
import { recordOperations, recordResult } from './results.js';
import { NODE24, REPO_ROOT, runAction, startAction, type ActionRun } from './run-action.js';

const CATEGORY = 'deploy-safety';
let fixture: Fixture;
const dir = mkdtempSync(join(tmpdir(), 'reliability-deploy-safety-'));

useFixture(CATEGORY, (started) => (fixture = started));

const skipCanary = { 'skip-canary': 'true', 'skip-canary-reason': 'reliability suite', timeout: '60s' };

function deploy(inputs: Record<string, string>, env: Record<string, string> = {}): Promise<ActionRun> {
  return runAction(
    'deploy-canary',
    { alias: ALIAS, ...inputs },
    { env: { ...fixture.env, ...env }, timeoutMs: 90_000 },
  );
}

/** What the sandbox's webhook sink received last: the notification document notify sends. */
async function lastWebhookDocument(): Promise<{ status: string; title: string; message: string }> {
  const response = await fetch(`${fixture.sandbox.endpoint}/_sandbox/state`);
  const state = (await response.json()) as {
    services: {
      webhook: { deliveries: Array<{ json: { status: string; title: string; message: string } }> };
    };
  };
  return state.services.webhook.deliveries.at(-1)!.json;
}

async function announce(record: string, jobStatus: string): Promise<ActionRun> {
  return runAction(
    'notify',
    {
      record,
      'job-status': jobStatus,
      'webhook-url': fixture.sandbox.variable('SANDBOX_WEBHOOK_URL'),
      'fail-on-error': 'true',
    },
    { env: fixture.env },
  );
}

async function waitForUpdate(name: string): Promise<void> {
  // GetFunctionConfiguration, not GetFunction: the fault below must only ever meet deploy-canary's own polls.
  for (;;) {
    const state = await fixture.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (state.LastUpdateStatus !== 'InProgress') return;
    await sleep(50);
  }
}

/**
 * Waits (deadline 30 s) until deploy-canary's UpdateFunctionCode is accepted, then holds its next GetFunction
 * poll for 3 s and waits for the update to finish, so the test can act as another writer in between.
 */
async function holdAfterOurCodeUpdate(name: string): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (
    !fixture.sandbox.requestLog().some((e) => e.operation === 'UpdateFunctionCode' && e.status === 200)
  ) {
    if (Date.now() > deadline) throw new Error('deploy-canary never updated the code');
    await sleep(10);
  }
  fixture.sandbox.faults.add({
    service: 'lambda',
    operation: 'GetFunction',
    kind: 'delay',
    delayMs: 3_000,
    times: 1,
  });
  await waitForUpdate(name);
}

/** $LATEST's settings a release's configuration changes, and the function's published versions. */
async function latestOf(
  name: string,
): Promise<{ memory: number | undefined; timeout: number | undefined; versions: string[] }> {
  const config = await fixture.lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
  const listed = await fixture.lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }));
  return {
    memory: config.MemorySize,
    timeout: config.Timeout,
    versions: (listed.Versions ?? []).flatMap((v) =>
      v.Version && v.Version !== '$LATEST' ? [v.Version] : [],
    ),
  };
}

/** What createReleasedFunction leaves in $LATEST (orders-api's settings), and version 1 only. */
const UNTOUCHED = { memory: 128, timeout: 5, versions: ['1'] };
const CONFIGURATION = 'memory-size: 512\ntimeout: 30\nenvironment: { STAGE: staging }';

describe('deploy safety and truthful status', () => {
  it('two deploys at once: the one whose code was replaced publishes nothing, and its rollback finds nothing to undo', async () => {
    const name = 'two-deploys';
    await createReleasedFunction(fixture, name);
    const zip = writeReleaseZip(dir, 'v1.1.0');
    fixture.sandbox.clearRequestLog();
    const ours = startAction(
      'deploy-canary',
      (runDir) => ({
        'function-name': name,
        alias: ALIAS,
        'zip-file': zip,
        'release-tag': 'v1.1.0',
        'record-file': join(runDir, 'record.json'),
        ...skipCanary,
      }),
      { env: fixture.env, timeoutMs: 90_000 },
    );
    // Once our update is accepted, hold our next poll for its end, and meanwhile let "another run" upload its code.
    await holdAfterOurCodeUpdate(name);
    const other = await fixture.lambda.send(
      new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: buildOrdersApi({ release: 'v9.9.9' }) }),
    );
    const run = await ours.result;
    const log = fixture.sandbox.requestLog();
    recordOperations(CATEGORY, 'deploy-canary', log);
    const published = log.filter((e) => e.operation === 'PublishVersion' && e.status < 300).length;
    const errors = errorLines(run);
    const record = parseRecord(readFileSync(join(run.dir, 'record.json'), 'utf8'));
    const names = errors.length === 1 && (errors[0] ?? '').includes(other.CodeSha256!);
    const followUp = await runAction(
      'rollback-on-failure',
      { 'function-name': name, alias: ALIAS, 'record-file': join(run.dir, 'record.json') },
      { env: fixture.env },
    );
    const held =
      run.code === 1 &&
      names &&
      published === 0 &&
      record.status === 'failed' &&
      record.functions[0].target === undefined &&
      aliasOf(fixture, name).version === '1' &&
      followUp.code === 0 &&
      followUp.outputs.outcome === 'nothing-to-do';
    recordResult(CATEGORY, {
      action: 'deploy-canary',
      case: '$LATEST replaced by another run between our UpdateFunctionCode and PublishVersion',
      held,
      outcome: `exit ${run.code}; record ${record.status}`,
      detail: `${errors[0]?.slice(0, 200) ?? ''}; successful PublishVersion: ${published}; alias ${JSON.stringify(aliasOf(fixture, name))}; its rollback: ${followUp.outputs.outcome ?? errorLines(followUp)[0]}`,
    });
    expect({
      code: run.code,
      names,
      published,
      status: record.status,
      target: record.functions[0].target,
    }).toEqual({
      code: 1,
      names: true,
      published: 0,
      status: 'failed',
      target: undefined,
    });
    expect(aliasOf(fixture, name)).toEqual({ version: '1', weights: {} });
    expect({ code: followUp.code, outcome: followUp.outputs.outcome }).toEqual({
      code: 0,
      outcome: 'nothing-to-do',
    });
  }, 120_000);

  it('an S3 release records previous.s3, and method code after it restores the S3 code and the alias', async () => {
    const name = 's3-release';
    await createReleasedFunction(fixture, name);
    const first = buildOrdersApi({ release: 'v1.1.0' });
    const firstVersion = fixture.sandbox.putS3Object('artifacts', 'orders/v1.1.0.zip', first);
    fixture.sandbox.putS3Object('artifacts', 'orders/v1.2.0.zip', buildOrdersApi({ release: 'v1.2.0' }));
    const s3 = (key: string) => ({ 's3-bucket': 'artifacts', 's3-key': key, ...skipCanary });
    const one = await deploy({
      'function-name': name,
      'release-tag': 'v1.1.0',
      's3-object-version': firstVersion,
      ...s3('orders/v1.1.0.zip'),
    });
    const two = await deploy({ 'function-name': name, 'release-tag': 'v1.2.0', ...s3('orders/v1.2.0.zip') });
    const record = two.outputs.record ? parseRecord(two.outputs.record) : undefined;
    const expectedS3 = { bucket: 'artifacts', key: 'orders/v1.1.0.zip', objectVersion: firstVersion };
    const recorded = JSON.stringify(record?.functions[0].previous?.s3) === JSON.stringify(expectedS3);
    fixture.sandbox.clearRequestLog();
    const undo = await runAction(
      'rollback-on-failure',
      { 'function-name': name, alias: ALIAS, record: two.outputs.record ?? '', method: 'code' },
      { env: fixture.env, timeoutMs: 60_000 },
    );
    recordOperations(CATEGORY, 'rollback-on-failure', fixture.sandbox.requestLog());
    const latest = await fixture.lambda.send(new GetFunctionCommand({ FunctionName: name }));
    const restoredCode = latest.Configuration?.CodeSha256 === record?.functions[0].previous?.codeSha256;
    const alias = aliasOf(fixture, name);
    const held =
      one.code === 0 &&
      two.code === 0 &&
      recorded &&
      undo.code === 0 &&
      restoredCode &&
      alias.version === record?.functions[0].previous?.version;
    recordResult(CATEGORY, {
      action: 'deploy-canary + rollback-on-failure',
      case: 'S3 release: previous.s3 recorded; method code restores it and the alias',
      held,
      outcome: `deploys ${one.code}/${two.code}; rollback ${undo.outputs.outcome ?? `exit ${undo.code}`}`,
      detail: `previous.s3 ${JSON.stringify(record?.functions[0].previous?.s3)}; $LATEST is the previous code: ${restoredCode}; alias ${JSON.stringify(alias)}; ${errorLines(undo)[0]?.slice(0, 160) ?? ''}`,
    });
    expect({ one: one.code, two: two.code, s3: record?.functions[0].previous?.s3 }).toEqual({
      one: 0,
      two: 0,
      s3: expectedS3,
    });
    expect({ code: undo.code, restoredCode, alias: alias.version }).toEqual({
      code: 0,
      restoredCode: true,
      alias: record?.functions[0].previous?.version,
    });
  }, 120_000);

  it('two deploys in one job keep separate default record files; the first rolls back from its own', async () => {
    const names = ['job-first', 'job-second'] as const;
    for (const name of names) await createReleasedFunction(fixture, name);
    const runnerTemp = mkdtempSync(join(tmpdir(), 'reliability-one-job-'));
    const zip = writeReleaseZip(dir, 'v1.1.0');
    const runs: ActionRun[] = [];
    for (const name of names) {
      runs.push(
        await deploy(
          { 'function-name': name, 'zip-file': zip, 'release-tag': 'v1.1.0', ...skipCanary },
          {
            RUNNER_TEMP: runnerTemp,
          },
        ),
      );
    }
    const files = runs.map((run) => run.outputs['record-file']);
    const undo = await runAction(
      'rollback-on-failure',
      { 'function-name': names[0], alias: ALIAS, 'record-file': files[0] ?? '' },
      { env: { ...fixture.env, RUNNER_TEMP: runnerTemp } },
    );
    const distinct = new Set(files).size === 2 && files.every((file) => file && existsSync(file));
    const held =
      runs.every((run) => run.code === 0) &&
      distinct &&
      undo.code === 0 &&
      aliasOf(fixture, names[0]).version === '1';
    recordResult(CATEGORY, {
      action: 'deploy-canary + rollback-on-failure',
      case: 'two deploys in one job (same RUNNER_TEMP), default record file',
      held,
      outcome: `rollback ${undo.outputs.outcome ?? `exit ${undo.code}`}`,
      detail: `record files ${files.map((f) => f?.replace(runnerTemp, '$RUNNER_TEMP')).join(', ')}; first alias ${JSON.stringify(aliasOf(fixture, names[0]))}; ${errorLines(undo)[0]?.slice(0, 160) ?? ''}`,
    });
    expect(distinct).toBe(true);
    expect({ code: undo.code, alias: aliasOf(fixture, names[0]) }).toEqual({
      code: 0,
      alias: { version: '1', weights: {} },
    });
  }, 120_000);

  it('a skip-canary deploy is recorded and announced as strategy all-at-once', async () => {
    const name = 'hotfix';
    await createReleasedFunction(fixture, name);
    const zip = writeReleaseZip(dir, 'v1.1.1');
    const run = await deploy({
      'function-name': name,
      'zip-file': zip,
      'release-tag': 'v1.1.1',
      ...skipCanary,
    });
    const record = parseRecord(run.outputs.record ?? '{}');
    const told = await announce(run.outputs.record ?? '', 'success');
    const document = await lastWebhookDocument();
    const held =
      run.code === 0 &&
      record.strategy === 'all-at-once' &&
      told.code === 0 &&
      /strategy all-at-once/.test(document.message);
    recordResult(CATEGORY, {
      action: 'deploy-canary + notify',
      case: 'skip-canary: strategy in the record and the message',
      held,
      outcome: record.strategy,
      detail: document.message.split('\n')[0],
    });
    expect({ code: run.code, strategy: record.strategy, told: told.code }).toEqual({
      code: 0,
      strategy: 'all-at-once',
      told: 0,
    });
    expect(document.message).toMatch(/strategy all-at-once/);
  });

  it('a deploy that never moved traffic never says "rolled back", in its error, its record or notify', async () => {
    const name = 'never-moved';
    await createReleasedFunction(fixture, name);
    const zip = writeReleaseZip(dir, 'v1.2.0');
    fixture.sandbox.faults.add({ service: 'lambda', operation: 'UpdateAlias', kind: 'error' });
    const run = await deploy({
      'function-name': name,
      'zip-file': zip,
      'release-tag': 'v1.2.0',
      'traffic-steps': '10%:5s',
      'health-check-interval': '1s',
      timeout: '60s',
    });
    fixture.sandbox.faults.clear();
    const errors = errorLines(run);
    const record: DeploymentRecord = parseRecord(run.outputs.record ?? '{}');
    const told = await announce(run.outputs.record ?? '', 'failure');
    const document = await lastWebhookDocument();
    const claims =
      /rolled back/i.test(errors.join('\n')) || /rolled back/i.test(`${document.title}\n${document.message}`);
    const held =
      run.code === 1 &&
      errors.length === 1 &&
      !claims &&
      record.status === 'failed' &&
      record.rollbacks.length === 0 &&
      told.code === 0 &&
      document.status === 'failure' &&
      aliasOf(fixture, name).version === '1';
    recordResult(CATEGORY, {
      action: 'deploy-canary + notify',
      case: 'every UpdateAlias fails (500): traffic never moved',
      held,
      outcome: `record ${record.status}, notify ${document.status}`,
      detail: errors[0]?.slice(0, 220),
    });
    expect({
      code: run.code,
      errors: errors.length,
      claims,
      status: record.status,
      rollbacks: record.rollbacks,
    }).toEqual({
      code: 1,
      errors: 1,
      claims: false,
      status: 'failed',
      rollbacks: [],
    });
    expect(document.status).toBe('failure');
  }, 120_000);

  it('the reference workflow announces a deploy that failed before moving traffic as failed, not rolled back', async () => {
    // The reference workflow releases the service: orders-api and orders-worker together.
    const names = ['orders-api', 'orders-worker'];
    for (const name of names) await createReleasedFunction(fixture, name);
    fixture.sandbox.faults.add({ service: 'lambda', operation: 'PublishVersion', kind: 'error' });
    const runs = await runWorkflow({
      workflowFile: join(REPO_ROOT, '.github', 'workflows', 'deploy.yml'),
      event: { name: 'push', ref: 'refs/tags/v1.3.0' },
      env: {
        PATH: process.env.PATH,
        HOME: process.env.HOME,
        ...fixture.env,
        AWS_REGION: fixture.env.AWS_REGION,
      },
      vars: {
        AWS_DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/release',
        TRAFFIC_STEPS: '10%:2s',
        HEALTH_CHECK_INTERVAL: '1s',
        MIN_INVOCATIONS: '1',
        SLACK_API_URL: fixture.sandbox.variable('SANDBOX_SLACK_API_URL'),
        SLACK_CHANNEL: '#releases',
      },
      secrets: { SLACK_BOT_TOKEN: fixture.sandbox.variable('SANDBOX_SLACK_BOT_TOKEN') },
      nodeBinary: NODE24,
      repoRoot: REPO_ROOT,
    });
    fixture.sandbox.faults.clear();
    const response = await fetch(`${fixture.sandbox.endpoint}/_sandbox/state`);
    const state = (await response.json()) as {
      services: { slack: { messages: Array<{ text?: string; threadTs?: string }> } };
    };
    // The notify job updates the run's first message in place (the rollback job replied in its thread).
    const final = state.services.slack.messages.find((message) => !message.threadTs)?.text ?? '';
    const versions = names.map((name) => aliasOf(fixture, name).version);
    const got = {
      staging: runs.staging?.result,
      rollback: runs['rollback-staging']?.result,
      production: runs.production?.result,
      notify: runs.notify?.result,
      versions,
    };
    const held =
      got.staging === 'failure' &&
      got.rollback === 'success' &&
      got.production === 'skipped' &&
      got.notify === 'success' &&
      /failed/.test(final) &&
      !/rolled back/i.test(final) &&
      versions.every((version) => version === '1');
    recordResult(CATEGORY, {
      action: 'deploy.yml',
      case: 'staging deploy fails at PublishVersion; rollback job finds nothing to do; notify job',
      held,
      outcome: `staging ${got.staging}, rollback ${got.rollback}, production ${got.production}, notify ${got.notify}, aliases on ${versions.join(', ')}`,
      detail: final.slice(0, 200),
    });
    expect(got).toEqual({
      staging: 'failure',
      rollback: 'success',
      production: 'skipped',
      notify: 'success',
      versions: ['1', '1'],
    });
    expect(final).toMatch(/failed/);
    expect(final).not.toMatch(/rolled back/i);
  }, 180_000);

  it("another writer's execution role in $LATEST before PublishVersion: nothing published, the error names Role", async () => {
    const name = 'role-race';
    await createReleasedFunction(fixture, name);
    fixture.sandbox.clearRequestLog();
    const ours = startAction(
      'deploy-canary',
      (runDir) => ({
        'function-name': name,
        alias: ALIAS,
        'zip-file': writeReleaseZip(dir, 'v1.1.0'),
        configuration: 'memory-size: 256',
        'release-tag': 'v1.1.0',
        'record-file': join(runDir, 'record.json'),
        ...skipCanary,
      }),
      { env: fixture.env, timeoutMs: 90_000 },
    );
    // Once our code update is accepted, hold our next poll, and meanwhile "another writer" changes the role.
    await holdAfterOurCodeUpdate(name);
    await fixture.lambda.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: name,
        Role: 'arn:aws:iam::123456789012:role/another-writer',
      }),
    );
    const run = await ours.result;
    recordOperations(CATEGORY, 'deploy-canary', fixture.sandbox.requestLog());
    const errors = errorLines(run);
    const names =
      errors.length === 1 && /differs from what this deploy read and set \(Role\)/.test(errors[0] ?? '');
    const after = await latestOf(name);
    const held =
      run.code === 1 && names && after.versions.length === 1 && aliasOf(fixture, name).version === '1';
    recordResult(CATEGORY, {
      action: 'deploy-canary',
      case: "another writer's role change between our update and PublishVersion",
      held,
      outcome: `exit ${run.code}; versions ${after.versions.join(', ')}`,
      detail: errors[0]?.slice(0, 220) ?? '',
    });
    expect({ code: run.code, names, versions: after.versions }).toEqual({
      code: 1,
      names: true,
      versions: ['1'],
    });
    expect(aliasOf(fixture, name)).toEqual({ version: '1', weights: {} });
  }, 120_000);

  it('a corrupt zip with a valid configuration is refused before anything changes', async () => {
    const name = 'corrupt-zip';
    await createReleasedFunction(fixture, name);
    const zip = join(dir, 'corrupt.zip');
    writeFileSync(zip, Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64, 7)]));
    fixture.sandbox.clearRequestLog();
    const run = await deploy({
      'function-name': name,
      'zip-file': zip,
      configuration: CONFIGURATION,
      'release-tag': 'v1.1.0',
      ...skipCanary,
    });
    const changes = fixture.sandbox.requestLog().filter((e) => e.mutating).length;
    const errors = errorLines(run);
    const after = await latestOf(name);
    const held =
      run.code === 1 &&
      /input 'zip-file'/.test(errors[0] ?? '') &&
      changes === 0 &&
      JSON.stringify(after) === JSON.stringify(UNTOUCHED);
    recordResult(CATEGORY, {
      action: 'deploy-canary',
      case: 'corrupt zip after a valid configuration: refused before any change',
      held,
      outcome: `exit ${run.code}; ${changes} AWS changes; $LATEST memory ${after.memory}`,
      detail: errors[0]?.slice(0, 220) ?? '',
    });
    expect({ code: run.code, changes, after }).toEqual({ code: 1, changes: 0, after: UNTOUCHED });
    expect(errors[0]).toMatch(/input 'zip-file' has ".*corrupt\.zip" — expected a \.zip file/);
  });

  it('code Lambda refuses after the configuration was applied: the configuration is put back and the error says so', async () => {
    const name = 'refused-code';
    await createReleasedFunction(fixture, name);
    const run = await deploy({
      'function-name': name,
      's3-bucket': 'artifacts',
      's3-key': 'never-uploaded.zip',
      configuration: CONFIGURATION,
      'release-tag': 'v1.1.0',
      ...skipCanary,
    });
    const errors = errorLines(run);
    const after = await latestOf(name);
    const says = (errors[0] ?? '').includes(
      `the environment, memory, timeout of $LATEST of ${name} were put back as they were before this deploy`,
    );
    const held = run.code === 1 && says && JSON.stringify(after) === JSON.stringify(UNTOUCHED);
    recordResult(CATEGORY, {
      action: 'deploy-canary',
      case: 'code refused by Lambda after the configuration: $LATEST configuration put back, said',
      held,
      outcome: `exit ${run.code}; $LATEST memory ${after.memory}, timeout ${after.timeout}`,
      detail: errors[0]?.slice(0, 260) ?? '',
    });
    expect({ code: run.code, says, after }).toEqual({ code: 1, says: true, after: UNTOUCHED });
  });

  it("two functions, one's configuration update refused (412): the error names both, the other's version left and $LATEST put back", async () => {
    const names = ['pair-a', 'pair-b'];
    for (const name of names) await createReleasedFunction(fixture, name);
    // The first configuration update to arrive is refused as another writer's would be (a 412, which nothing
    // retries); the other function's goes through and is published.
    fixture.sandbox.faults.add({
      service: 'lambda',
      operation: 'UpdateFunctionConfiguration',
      kind: 'stale-revision',
      times: 1,
    });
    const zip = writeReleaseZip(dir, 'v1.1.0');
    const run = await deploy({
      functions: names
        .map(
          (name) => `- { name: ${name}, zip-file: ${zip}, configuration: { memory-size: 512, timeout: 30 } }`,
        )
        .join('\n'),
      'release-tag': 'v1.1.0',
      ...skipCanary,
    });
    fixture.sandbox.faults.clear();
    const error = errorLines(run)[0] ?? '';
    const refused = names.find((name) => error.includes(`updating the configuration of ${name} failed`));
    const other = names.find((name) => name !== refused) ?? '';
    const afters = await Promise.all(names.map(latestOf));
    const says =
      refused !== undefined &&
      error.includes(`version 2 of ${other} was published and is left as it is`) &&
      error.includes(`the memory, timeout of $LATEST of ${other} were put back`) &&
      error.includes(`$LATEST of ${refused} was left as the other writer has it`);
    const restored = afters.every(
      (after) => after.memory === UNTOUCHED.memory && after.timeout === UNTOUCHED.timeout,
    );
    const aliases = names.map((name) => aliasOf(fixture, name).version);
    const held = run.code === 1 && says && restored && aliases.every((version) => version === '1');
    recordResult(CATEGORY, {
      action: 'deploy-canary',
      case: "release of two: one function's configuration refused (412); the other's published version and $LATEST reported",
      held,
      outcome: `exit ${run.code}; $LATEST memory ${afters.map((a) => a.memory).join('/')}; aliases ${aliases.join('/')}`,
      detail: error.slice(0, 300),
    });
    expect({ code: run.code, says, restored, aliases }).toEqual({
      code: 1,
      says: true,
      restored: true,
      aliases: ['1', '1'],
    });
  });

  it('one alias move of a release of two fails: the error names the operation and the function', async () => {
    const names = ['move-a', 'move-b'];
    for (const name of names) await createReleasedFunction(fixture, name);
    fixture.sandbox.faults.add({
      service: 'lambda',
      operation: 'UpdateAlias',
      kind: 'stale-revision',
      times: 1,
    });
    const zip = writeReleaseZip(dir, 'v1.1.0');
    const run = await deploy({
      functions: names.map((name) => `- { name: ${name}, zip-file: ${zip} }`).join('\n'),
      'release-tag': 'v1.1.0',
      'traffic-steps': '10%:30s',
      'health-check-interval': '1s',
      timeout: '60s',
    });
    fixture.sandbox.faults.clear();
    const error = errorLines(run)[0] ?? '';
    // Workflow commands escape "%" as "%25".
    const failed = names.find((name) =>
      new RegExp(
        `^::error::deploy-canary: moving alias live of ${name} to .* \\(UpdateAlias\\) failed: PreconditionFailed`,
      ).test(error),
    );
    const aliases = names.map((name) => aliasOf(fixture, name).version);
    const held = run.code === 1 && failed !== undefined && aliases.every((version) => version === '1');
    recordResult(CATEGORY, {
      action: 'deploy-canary',
      case: 'one UpdateAlias of a release of two refused: the error names the function',
      held,
      outcome: `exit ${run.code}; aliases ${aliases.join('/')}`,
      detail: error.slice(0, 260),
    });
    expect({ code: run.code, names: failed !== undefined, aliases }).toEqual({
      code: 1,
      names: true,
      aliases: ['1', '1'],
    });
  }, 120_000);
});
