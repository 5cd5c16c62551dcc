import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRecordFile, serializeRecord } from '@lambda-release-kit/core';
import {
  requiredOutput,
  runInProcess,
  v1RecordJson,
  type InProcessRun,
} from '@lambda-release-kit/core/testing';
import { run } from '../src/main.js';
import {
  aliasState,
  failedRecord,
  functionWithVersions,
  pointAlias,
  startBed,
  type Bed,
} from './sandbox-bed.js';

let bed: Bed;
let last: InProcessRun;

beforeAll(async () => {
  bed = await startBed();
  await functionWithVersions(bed.lambda, 'orders-api', 3);
  await functionWithVersions(bed.lambda, 'orders-worker', 2);
});

/** A failed release of orders-api (2 → 3) and orders-worker (1 → 2). */
function serviceRecord(extra: Parameters<typeof failedRecord>[3] = {}) {
  const record = failedRecord('orders-api', '2', '3', extra);
  record.functions.push({
    function: { name: 'orders-worker' },
    alias: 'live',
    previous: { version: '1' },
    target: { version: '2' },
  });
  return record;
}

afterAll(async () => {
  await bed.stop();
});

beforeEach(() => {
  process.env.GITHUB_ACTOR = 'octocat';
});

afterEach(() => {
  delete process.env.GITHUB_ACTOR;
  process.exitCode = undefined;
});

/** Runs the action with these inputs, as the runner would; outputs() and log() then read that run. */
async function runWith(values: Record<string, string>, dir = bed.dir): Promise<void> {
  last = await runInProcess(run, values, { dir });
}

const outputs = () => last.outputs;
const log = () => last.log;

const output = (name: string) => requiredOutput(last.outputs, name);
const errors = () =>
  log()
    .split('\n')
    .filter((line) => line.startsWith('::error::'));

describe('run', () => {
  it('rolls back from a record file, writes the record back, and sets every output and the summary', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    const file = join(bed.dir, 'record.json');
    writeFileSync(file, serializeRecord(failedRecord('orders-api', '2', '3')));
    bed.sandbox.clearRequestLog();
    await runWith({
      'function-name': 'orders-api',
      alias: 'live',
      'record-file': file,
      reason: 'canary alarm',
    });

    expect(errors()).toEqual([]);
    expect(process.exitCode).toBeUndefined();
    const out = outputs();
    expect(out).toMatchObject({
      'rolled-back': 'true',
      outcome: 'rolled-back',
      'from-version': '3',
      'to-version': '2',
      method: 'alias',
      'record-file': file,
    });
    expect(Number(out['duration-ms'])).toBeGreaterThanOrEqual(0);
    expect(bed.sandbox.requestLog().map((entry) => entry.operation)).toEqual(['GetAlias', 'UpdateAlias']);
    const written = await readRecordFile(file);
    expect(written.status).toBe('rolled-back');
    expect(written.rollbacks).toEqual([
      expect.objectContaining({ from: '3', to: '2', method: 'alias', reason: 'canary alarm', by: 'octocat' }),
    ]);
    expect(JSON.parse(output('record'))).toEqual(written);
    expect(await aliasState(bed.lambda, 'orders-api')).toEqual({ version: '2', weights: {} });
    const summary = last.summary;
    expect(summary).toContain('Rollback of orders-api:live');
    expect(summary).toContain('Rolled back');
  });

  it('rolls back from a v1 record (from a release before schema v2) as before, and writes it back as v2', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    const file = join(bed.dir, 'record-v1.json');
    const given = failedRecord('orders-api', '2', '3');
    writeFileSync(file, v1RecordJson(given));
    bed.sandbox.clearRequestLog();
    await runWith({
      'function-name': 'orders-api',
      alias: 'live',
      'record-file': file,
      reason: 'canary alarm',
    });

    expect(errors()).toEqual([]);
    expect(outputs()).toMatchObject({
      outcome: 'rolled-back',
      'from-version': '3',
      'to-version': '2',
      method: 'alias',
    });
    expect(bed.sandbox.requestLog().map((entry) => entry.operation)).toEqual(['GetAlias', 'UpdateAlias']);
    const written = await readRecordFile(file);
    expect(JSON.parse(output('record'))).toMatchObject({ schema: 'lambda-release-record/v2' });
    expect(written).toMatchObject({ functions: given.functions, status: 'rolled-back' });
    expect(written.rollbacks).toEqual([expect.objectContaining({ from: '3', to: '2', method: 'alias' })]);
    expect(await aliasState(bed.lambda, 'orders-api')).toEqual({ version: '2', weights: {} });
  });

  it('without a record file and without function-name (the deploy failed before writing one), does nothing and exits 0', async () => {
    bed.sandbox.clearRequestLog();
    await runWith({ 'record-file': join(bed.dir, 'never-written.json'), alias: 'live' });
    expect(errors()).toEqual([]);
    expect(process.exitCode).toBeUndefined();
    expect(outputs()).toMatchObject({ outcome: 'nothing-to-do', 'rolled-back': 'false', functions: '[]' });
    expect(log()).toMatch(
      /nothing to do: no deployment record at .*never-written.json \(the file is missing or empty\) and input 'function-name' is not given/,
    );
    expect(bed.sandbox.requestLog()).toEqual([]);
  });

  it('a record with `rollbacks: null` is restored and written back, not crashed on', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    const file = join(bed.dir, 'null-rollbacks.json');
    writeFileSync(
      file,
      JSON.stringify({ ...failedRecord('orders-api', '2', '3'), rollbacks: null, steps: null }),
    );
    await runWith({ 'function-name': 'orders-api', 'record-file': file });
    expect(errors()).toEqual([]);
    expect(process.exitCode).toBeUndefined();
    expect((await readRecordFile(file)).rollbacks).toEqual([expect.objectContaining({ from: '3', to: '2' })]);
    expect(await aliasState(bed.lambda, 'orders-api')).toEqual({ version: '2', weights: {} });
  });

  it('restores every function of a v2 record of several, reports each, one rollback entry per function', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    await pointAlias(bed.lambda, 'orders-worker', 'live', '1', { '2': 0.1 });
    const file = join(bed.dir, 'service-record.json');
    writeFileSync(file, serializeRecord(serviceRecord({ environment: 'staging' })));
    bed.sandbox.clearRequestLog();
    await runWith({ 'record-file': file, environment: 'staging' });

    expect(errors()).toEqual([]);
    expect(outputs()).toMatchObject({ 'rolled-back': 'true', outcome: 'rolled-back', 'record-file': file });
    expect(outputs()['from-version']).toBeUndefined();
    expect(JSON.parse(output('functions'))).toEqual([
      { name: 'orders-api', alias: 'live', outcome: 'rolled-back', 'from-version': '3', 'to-version': '2' },
      {
        name: 'orders-worker',
        alias: 'live',
        outcome: 'rolled-back',
        'from-version': '2',
        'to-version': '1',
      },
    ]);
    expect(await aliasState(bed.lambda, 'orders-api')).toEqual({ version: '2', weights: {} });
    expect(await aliasState(bed.lambda, 'orders-worker')).toEqual({ version: '1', weights: {} });
    const written = await readRecordFile(file);
    expect(written.status).toBe('rolled-back');
    expect(written.rollbacks).toEqual([
      expect.objectContaining({ function: 'orders-api', from: '3', to: '2', method: 'alias' }),
      expect.objectContaining({ function: 'orders-worker', from: '2', to: '1', method: 'alias' }),
    ]);
    // The log has one group per function, each holding that function's decision.
    const text = log();
    const api = text.indexOf('::group::Rollback of orders-api:live');
    const worker = text.indexOf('::group::Rollback of orders-worker:live');
    expect(api).toBeGreaterThanOrEqual(0);
    expect(worker).toBeGreaterThan(api);
    expect(text.slice(api, worker)).toContain('move alias live from version 3 to version 2');
    expect(text.slice(worker)).toContain('move alias live from version 2 to version 1');
    expect(last.summary).toContain('Rollback of orders-api:live, orders-worker:live in staging');
    expect(last.summary).toContain('orders-worker');
  });

  it("with 'function-name', restores only that function of a record of several", async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    await pointAlias(bed.lambda, 'orders-worker', 'live', '1', { '2': 0.1 });
    await runWith({ 'function-name': 'orders-worker', record: serializeRecord(serviceRecord()) });

    expect(errors()).toEqual([]);
    expect(outputs()).toMatchObject({ outcome: 'rolled-back', 'from-version': '2', 'to-version': '1' });
    expect(await aliasState(bed.lambda, 'orders-worker')).toEqual({ version: '1', weights: {} });
    expect(await aliasState(bed.lambda, 'orders-api')).toEqual({ version: '2', weights: { '3': 0.1 } });
  });

  it("finds the default record file of the 'environment' given", async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    const runnerTemp = mkdtempSync(join(bed.dir, 'runner-temp-'));
    const file = join(runnerTemp, 'lambda-release-record.production.orders-api.live.json');
    writeFileSync(file, serializeRecord(failedRecord('orders-api', '2', '3', { environment: 'production' })));
    await runWith({ 'function-name': 'orders-api', environment: 'production' }, runnerTemp);

    expect(errors()).toEqual([]);
    expect(outputs()).toMatchObject({ outcome: 'rolled-back', 'to-version': '2', 'record-file': file });
  });

  it("without record inputs, reads deploy-canary's default record file of this function and alias", async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    // A runner temp folder of its own, so no other test finds this default record file.
    const runnerTemp = mkdtempSync(join(bed.dir, 'runner-temp-'));
    const file = join(runnerTemp, 'lambda-release-record.orders-api.live.json');
    writeFileSync(file, serializeRecord(failedRecord('orders-api', '2', '3')));
    await runWith({ 'function-name': 'orders-api', alias: 'live' }, runnerTemp);

    expect(errors()).toEqual([]);
    expect(outputs()).toMatchObject({ outcome: 'rolled-back', 'to-version': '2', 'record-file': file });
    expect((await readRecordFile(file)).status).toBe('rolled-back');
  });

  it('with the record as JSON, outputs the updated record but starts no record file', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    const runnerTemp = mkdtempSync(join(bed.dir, 'runner-temp-'));
    last = await runInProcess(
      run,
      { 'function-name': 'orders-api', record: serializeRecord(failedRecord('orders-api', '2', '3')) },
      { dir: bed.dir, env: { RUNNER_TEMP: runnerTemp } },
    );

    expect(errors()).toEqual([]);
    const out = outputs();
    expect(out).toMatchObject({ outcome: 'rolled-back', 'to-version': '2' });
    expect(JSON.parse(output('record'))).toMatchObject({
      status: 'rolled-back',
      rollbacks: [{ from: '3', to: '2' }],
    });
    expect(out['record-file']).toBeUndefined();
    expect(readdirSync(runnerTemp)).toEqual([]);
  });

  it('a superseded release is a warning: the record is passed on unchanged and its file left alone', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '1');
    const file = join(bed.dir, 'superseded-record.json');
    const given = serializeRecord(failedRecord('orders-api', '2', '3'));
    writeFileSync(file, given);
    await runWith({ 'function-name': 'orders-api', 'record-file': file });

    expect(errors()).toEqual([]);
    expect(log()).toMatch(
      /^::warning::alias live of orders-api .* no traffic to version 3, the version this release deployed/m,
    );
    const out = outputs();
    expect(out).toMatchObject({ 'rolled-back': 'false', outcome: 'superseded' });
    expect(JSON.parse(output('record'))).toEqual(JSON.parse(given));
    expect(out['record-file']).toBeUndefined();
    expect(readFileSync(file, 'utf8')).toBe(given);
  });

  it('a dry run sets outputs but changes nothing and writes no record file', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '3');
    const file = join(bed.dir, 'dry-record.json');
    bed.sandbox.clearRequestLog();
    await runWith({
      'function-name': 'orders-api',
      'dry-run': 'true',
      'target-version': '1',
      'record-file': file,
    });

    expect(errors()).toEqual([]);
    expect(outputs()).toMatchObject({
      'rolled-back': 'false',
      outcome: 'dry-run',
      'from-version': '3',
      'to-version': '1',
    });
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    expect(existsSync(file)).toBe(false);
    expect(log()).toMatch(/the change it would make: UpdateAlias \{"FunctionName":"orders-api"/);
  });

  it('runs the verify checks after the rollback and fails the step when they fail', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '3');
    const checks = (label: string) =>
      JSON.stringify([
        {
          name: 'live answers',
          invoke: { function: '{{ functionName }}', qualifier: '{{ alias }}' },
          expect: { json: [{ path: '$.label', equals: label }] },
        },
      ]);
    await runWith({ 'function-name': 'orders-api', 'target-version': '2', verify: checks('orders-api v2') });
    expect(errors()).toEqual([]);
    expect(log()).toMatch(/verify: 1 passed, 0 failed of 1 checks/);

    await runWith({ 'function-name': 'orders-api', 'target-version': '1', verify: checks('something else') });
    expect(process.exitCode).toBe(1);
    expect(errors()).toEqual([
      expect.stringMatching(
        /^::error::rollback-on-failure: rolled back to 1, but 1 of 1 verification checks failed: live answers/,
      ),
    ]);
    expect(outputs()).toMatchObject({ 'rolled-back': 'true', 'to-version': '1' });
  });
});

describe('bad inputs fail before any AWS call', () => {
  it('with no inputs: one error line naming function-name', async () => {
    bed.sandbox.clearRequestLog();
    await runWith({});
    expect(process.exitCode).toBe(1);
    expect(errors()).toEqual([
      "::error::rollback-on-failure: input 'function-name' is required but was not given (or give 'record' or 'record-file': the record names the functions to roll back)",
    ]);
    expect(bed.sandbox.requestLog()).toEqual([]);
  });

  it.each([
    [{ method: 'sideways' }, /input 'method' has "sideways" — expected one of auto, alias, codedeploy, code/],
    [
      { 'target-version': '$LATEST' },
      /input 'target-version' has "\$LATEST" — expected a published version number/,
    ],
    [{ timeout: 'soon' }, /input 'timeout' has "soon" — expected a duration/],
    [{ 'dry-run': 'maybe' }, /input 'dry-run' has "maybe"/],
    [
      { 'codedeploy-application': 'orders' },
      /input 'codedeploy-deployment-group' is required when 'codedeploy-application' is given/,
    ],
    [
      { method: 'alias', 'deployment-id': 'd-ABCDEF123' },
      /input 'deployment-id' cannot be used with method 'alias'/,
    ],
    [{ record: '{}', 'record-file': '/tmp/r.json' }, /inputs 'record' and 'record-file' were both given/],
    [{ verify: '- name: x\n  bogus: 1' }, /input 'verify' has invalid checks/],
    [
      { record: serializeRecord(failedRecord('billing-api', '1', '2')) },
      /input 'record' is for billing-api:live, but inputs 'function-name' and 'alias' say orders-api:live/,
    ],
    [
      { record: serializeRecord(serviceRecord()), 'function-name': 'billing-api' },
      /input 'record' is for orders-api:live, orders-worker:live, but inputs 'function-name' and 'alias' say billing-api:live/,
    ],
    [
      {
        record: serializeRecord(failedRecord('orders-api', '1', '2', { environment: 'staging' })),
        environment: 'production',
      },
      /input 'record' is of environment staging, but input 'environment' says production/,
    ],
    [
      { record: serializeRecord(serviceRecord()), 'function-name': '', 'target-version': '1' },
      /input 'target-version' applies to one function, but the record's release has 2 — expected 'function-name'/,
    ],
    // Contradictory records: acting on them moved an alias forward to a version that never served, or on either half.
    [
      { record: serializeRecord(failedRecord('orders-api', '3', '2')) },
      /^::error::rollback-on-failure: input 'record' contradicts itself: functions\[0\]\.target\.version is 2, older than its previous\.version 3 — expected/,
    ],
    [
      {
        record: serializeRecord({
          ...serviceRecord(),
          functions: [
            ...serviceRecord().functions,
            { ...serviceRecord().functions[0], target: { version: '2' } },
          ],
        }),
        'function-name': '',
      },
      /input 'record' contradicts itself: functions\[2\] is orders-api:live again \(first at functions\[0\]\) — expected one entry per function and alias/,
    ],
  ])('%j', async (given, message) => {
    bed.sandbox.clearRequestLog();
    await runWith({ 'function-name': 'orders-api', ...given });
    expect(process.exitCode).toBe(1);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatch(message);
    expect(bed.sandbox.requestLog()).toEqual([]);
  });
});
