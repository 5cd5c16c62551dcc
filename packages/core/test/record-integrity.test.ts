import { mkdtemp, readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  ContradictoryRecordError,
  createRecord,
  InputError,
  MAX_RECORD_BYTES,
  parseRecord,
  readRecordFile,
  readRecordInputs,
  RecordError,
  serializeRecord,
  writeRecordFile,
  type DeploymentRecord,
} from '@lambda-release-kit/core';

/** A failed release of `count` functions, as deploy-canary records it, with a rollback of each. */
function service(count: number): DeploymentRecord {
  const names = Array.from(
    { length: count },
    (_, i) => `orders-service-function-${String(i).padStart(4, '0')}`,
  );
  const [first, ...others] = names.map((name) => ({
    function: { name, arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}` },
    alias: 'live',
    previous: { version: '1' },
    target: { version: '2' },
  }));
  if (!first) throw new Error('a release has at least one function');
  const record = createRecord({
    functions: [first, ...others],
    strategy: 'alias-weights',
    status: 'failed',
  });
  record.rollbacks = names.map((name) => ({
    at: record.startedAt,
    from: '2',
    to: '1',
    method: 'alias',
    reason: 'canary failed',
    by: 'octocat',
    durationMs: 120,
    function: name,
  }));
  return record;
}

const v2 = (fields: Record<string, unknown>) =>
  JSON.stringify({
    schema: 'lambda-release-record/v2',
    functions: [
      { function: { name: 'a' }, alias: 'live', previous: { version: '1' }, target: { version: '2' } },
    ],
    strategy: 'alias-weights',
    status: 'failed',
    steps: [],
    rollbacks: [],
    startedAt: '2026-12-01T00:00:00Z',
    ...fields,
  });

describe('record lists every reader walks', () => {
  it('reads null lists as empty (v1 and v2), so no reader iterates null', () => {
    expect(parseRecord(v2({ rollbacks: null, steps: null, smokeTests: null }))).toMatchObject({
      rollbacks: [],
      steps: [],
    });
    expect(parseRecord(v2({ smokeTests: null }))).not.toHaveProperty('smokeTests');
    const v1 = JSON.stringify({
      schema: 'lambda-release-record/v1',
      function: { name: 'a' },
      alias: 'live',
      strategy: 'alias-weights',
      status: 'failed',
      rollbacks: null,
      steps: null,
      startedAt: '2026-12-01T00:00:00Z',
    });
    expect(parseRecord(v1)).toMatchObject({ rollbacks: [], steps: [], functions: [{ alias: 'live' }] });
  });

  it('refuses entries that are not objects, naming the field', () => {
    expect(() => parseRecord(v2({ rollbacks: [null] }))).toThrow(/rollbacks\[0\] must be an object/);
    expect(() => parseRecord(v2({ steps: [{ weight: 0.1 }, 'x'] }))).toThrow(/steps\[1\] must be an object/);
    expect(() => parseRecord(v2({ smokeTests: {} }))).toThrow(/smokeTests must be an array/);
  });
});

describe('contradictory records', () => {
  it('refuses a target older than its previous version, naming the field, what was given and what is accepted', () => {
    const text = v2({
      functions: [
        { function: { name: 'a' }, alias: 'live', previous: { version: '3' }, target: { version: '2' } },
      ],
    });
    expect(() => parseRecord(text)).toThrow(ContradictoryRecordError);
    expect(() => parseRecord(text)).toThrow(
      'record contradicts itself: functions[0].target.version is 2, older than its previous.version 3 — expected the version the release published, not older than the one it replaced',
    );
  });

  it('refuses two entries for one function and alias, by name or ARN', () => {
    const text = v2({
      functions: [
        { function: { name: 'a' }, alias: 'live', previous: { version: '1' }, target: { version: '2' } },
        { function: { name: 'b' }, alias: 'live', previous: { version: '1' }, target: { version: '2' } },
        {
          function: { name: 'arn:aws:lambda:us-east-1:123456789012:function:a' },
          alias: 'live',
          previous: { version: '4' },
          target: { version: '5' },
        },
      ],
    });
    expect(() => parseRecord(text)).toThrow(
      'functions[2] is a:live again (first at functions[0]) — expected one entry per function and alias',
    );
  });

  it('are refused even by a reader that tolerates bad records (rollback), as an input error', async () => {
    const text = v2({
      functions: [
        { function: { name: 'a' }, alias: 'live', previous: { version: '3' }, target: { version: '2' } },
      ],
    });
    await expect(readRecordInputs({ text }, 'warning')).rejects.toThrow(InputError);
    await expect(readRecordInputs({ text: '{"schema":1' }, 'warning')).resolves.toHaveProperty('problem');
  });
});

describe('record writers stay within what readers accept', () => {
  it('a 1,000-function record with its rollbacks is written compact when indenting would pass 512 KiB, and reads back', async () => {
    const record = service(1000);
    const pretty = Buffer.byteLength(JSON.stringify(record, null, 2));
    expect(pretty).toBeGreaterThan(MAX_RECORD_BYTES);
    const dir = await mkdtemp(join(tmpdir(), 'record-integrity-'));
    const file = join(dir, 'record.json');
    await writeRecordFile(file, record);
    expect((await stat(file)).size).toBeLessThanOrEqual(MAX_RECORD_BYTES);
    expect(await readRecordFile(file)).toEqual(record);

    const small = service(2);
    await writeRecordFile(file, small);
    expect(await readFile(file, 'utf8')).toBe(`${JSON.stringify(small, null, 2)}\n`);
  });

  it('refuses to write a record over the limit even compact, and says so', async () => {
    const record = { ...service(1), error: 'x'.repeat(MAX_RECORD_BYTES) };
    const file = join(await mkdtemp(join(tmpdir(), 'record-integrity-')), 'record.json');
    await expect(writeRecordFile(file, record)).rejects.toThrow(RecordError);
    await expect(writeRecordFile(file, record)).rejects.toThrow(
      /the deployment record is \d+ bytes as compact JSON, over the 524288 bytes \(512 KiB\) its readers accept; it was not written/,
    );
    await expect(stat(file)).rejects.toThrow(/ENOENT/);
    expect(() => serializeRecord(record)).toThrow(RecordError);
  });
});
