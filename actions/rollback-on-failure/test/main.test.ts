import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRecordFile, serializeRecord } from '@lambda-release-kit/core';
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
let stdout: string[];
const setEnv: string[] = [];

beforeAll(async () => {
  bed = await startBed();
  await functionWithVersions(bed.lambda, 'orders-api', 3);
});

afterAll(async () => {
  await bed.stop();
});

beforeEach(() => {
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  writeFileSync(join(bed.dir, 'output'), '');
  writeFileSync(join(bed.dir, 'summary'), '');
  process.env.GITHUB_OUTPUT = join(bed.dir, 'output');
  process.env.GITHUB_STEP_SUMMARY = join(bed.dir, 'summary');
  process.env.GITHUB_ACTOR = 'octocat';
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const name of setEnv.splice(0)) delete process.env[name];
  delete process.env.GITHUB_OUTPUT;
  delete process.env.GITHUB_STEP_SUMMARY;
  delete process.env.GITHUB_ACTOR;
  process.exitCode = undefined;
});

function inputs(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const key = `INPUT_${name.toUpperCase()}`;
    process.env[key] = value;
    setEnv.push(key);
  }
}

function outputs(): Record<string, string> {
  const text = readFileSync(join(bed.dir, 'output'), 'utf8');
  const result: Record<string, string> = {};
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) result[match[1]] = match[3];
  return result;
}

const log = () => stdout.join('');
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
    inputs({ 'function-name': 'orders-api', alias: 'live', 'record-file': file, reason: 'canary alarm' });

    await run();

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
    expect(JSON.parse(out.record)).toEqual(written);
    expect(await aliasState(bed.lambda, 'orders-api')).toEqual({ version: '2', weights: {} });
    const summary = readFileSync(join(bed.dir, 'summary'), 'utf8');
    expect(summary).toContain('Rollback of orders-api:live');
    expect(summary).toContain('Rolled back');
  });

  it("without record inputs, reads deploy-canary's default record file of this function and alias", async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    const file = join(bed.dir, 'lambda-release-record.orders-api.live.json');
    writeFileSync(file, serializeRecord(failedRecord('orders-api', '2', '3')));
    process.env.RUNNER_TEMP = bed.dir;
    setEnv.push('RUNNER_TEMP');
    inputs({ 'function-name': 'orders-api', alias: 'live' });

    await run();

    expect(errors()).toEqual([]);
    expect(outputs()).toMatchObject({ outcome: 'rolled-back', 'to-version': '2', 'record-file': file });
    expect((await readRecordFile(file)).status).toBe('rolled-back');
  });

  it('a dry run sets outputs but changes nothing and writes no record file', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '3');
    const file = join(bed.dir, 'dry-record.json');
    bed.sandbox.clearRequestLog();
    inputs({ 'function-name': 'orders-api', 'dry-run': 'true', 'target-version': '1', 'record-file': file });

    await run();

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
    inputs({ 'function-name': 'orders-api', 'target-version': '2', verify: checks('orders-api v2') });
    await run();
    expect(errors()).toEqual([]);
    expect(log()).toMatch(/verify: 1 passed, 0 failed of 1 checks/);

    stdout.length = 0;
    inputs({ 'target-version': '1', verify: checks('something else') });
    await run();
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
    await run();
    expect(process.exitCode).toBe(1);
    expect(errors()).toEqual([
      "::error::rollback-on-failure: input 'function-name' is required but was not given",
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
  ])('%j', async (given, message) => {
    bed.sandbox.clearRequestLog();
    inputs({ 'function-name': 'orders-api', ...given });
    await run();
    expect(process.exitCode).toBe(1);
    expect(errors()).toHaveLength(1);
    expect(errors()[0]).toMatch(message);
    expect(bed.sandbox.requestLog()).toEqual([]);
  });
});
