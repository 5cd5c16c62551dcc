import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { readRecordFile, serializeRecord } from '@lambda-release-kit/core';
import { main } from '../src/cli.js';
import {
  aliasState,
  failedRecord,
  functionWithVersions,
  pointAlias,
  startBed,
  type Bed,
} from './sandbox-bed.js';

let bed: Bed;
let printed: string[];

beforeAll(async () => {
  bed = await startBed();
  await functionWithVersions(bed.lambda, 'orders-api', 3);
  await functionWithVersions(bed.lambda, 'orders-worker', 2);
});

afterAll(async () => {
  await bed.stop();
});

beforeEach(() => {
  printed = [];
  const capture = (...parts: unknown[]) => {
    printed.push(parts.map(String).join(' '));
  };
  jest.spyOn(console, 'log').mockImplementation(capture);
  jest.spyOn(console, 'warn').mockImplementation(capture);
  jest.spyOn(console, 'error').mockImplementation(capture);
});

afterEach(() => {
  jest.restoreAllMocks();
});

const text = () => printed.join('\n');

describe('break-glass command line', () => {
  it('--dry-run prints the decision and the exact change, and changes nothing', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '3', { '2': 0.2 });
    bed.sandbox.clearRequestLog();
    const code = await main([
      '--function-name',
      'orders-api',
      '--alias',
      'live',
      '--target-version',
      '3',
      '--dry-run',
    ]);
    expect(code).toBe(0);
    expect(text()).toMatch(/decision: move alias live from version 2 to version 3/);
    expect(text()).toMatch(/Change it would make\s+UpdateAlias \{"FunctionName":"orders-api"/);
    expect(text()).toMatch(/rolled-back=false/);
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
  });

  it('rolls back from a record file, records who did it, and prints the outputs as JSON', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    const file = join(bed.dir, 'cli-record.json');
    writeFileSync(file, serializeRecord(failedRecord('orders-api', '2', '3')));
    const code = await main(
      ['--function-name', 'orders-api', '--record-file', file, '--reason', 'pager: 5xx spike', '--json'],
      { ...process.env, USER: 'oncall' },
    );
    expect(code).toBe(0);
    const outputs = JSON.parse(printed.at(-1)!);
    expect(outputs).toMatchObject({
      'rolled-back': true,
      'from-version': '3',
      'to-version': '2',
      method: 'alias',
      // Nested values, not JSON text inside JSON.
      functions: [
        { name: 'orders-api', alias: 'live', outcome: 'rolled-back', 'from-version': '3', 'to-version': '2' },
      ],
      record: { status: 'rolled-back', functions: [{ function: { name: 'orders-api' } }] },
    });
    // The record says alias-weights: no CodeDeploy deployment can be shifting the weights.
    expect(text()).not.toMatch(/CodeDeploy/);
    expect((await readRecordFile(file)).rollbacks).toEqual([
      expect.objectContaining({ by: 'oncall', reason: 'pager: 5xx spike', to: '2' }),
    ]);
    expect(await aliasState(bed.lambda, 'orders-api')).toEqual({ version: '2', weights: {} });
  });

  it('with only --record-file, restores every function of the release and names them all', async () => {
    await pointAlias(bed.lambda, 'orders-api', 'live', '2', { '3': 0.1 });
    await pointAlias(bed.lambda, 'orders-worker', 'live', '1', { '2': 0.1 });
    const file = join(bed.dir, 'cli-service-record.json');
    const record = failedRecord('orders-api', '2', '3');
    record.functions.push({
      function: { name: 'orders-worker' },
      alias: 'live',
      previous: { version: '1' },
      target: { version: '2' },
    });
    writeFileSync(file, serializeRecord(record));
    expect(await main(['--record-file', file])).toBe(0);
    expect(text()).toMatch(/Aliases\s+orders-api:live, orders-worker:live/);
    expect(await aliasState(bed.lambda, 'orders-api')).toEqual({ version: '2', weights: {} });
    expect(await aliasState(bed.lambda, 'orders-worker')).toEqual({ version: '1', weights: {} });
    expect((await readRecordFile(file)).rollbacks.map((entry) => entry.function)).toEqual([
      'orders-api',
      'orders-worker',
    ]);
  });

  it('explains bad flags and inputs with the same messages as the action', async () => {
    expect(await main(['--function-name', 'orders-api', '--bogus'])).toBe(2);
    expect(text()).toMatch(/Unknown option '--bogus'[\s\S]*usage: rollback-on-failure/);
    printed.length = 0;
    bed.sandbox.clearRequestLog();
    expect(await main(['--function-name', 'orders-api', '--method', 'sideways'])).toBe(1);
    expect(text()).toMatch(/rollback-on-failure: input 'method' has "sideways"/);
    expect(bed.sandbox.requestLog()).toEqual([]);
    expect(await main(['--help'])).toBe(0);
  });
});
