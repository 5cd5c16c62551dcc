import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  createRecord,
  parseRecord,
  readRecordFile,
  RecordError,
  releaseContext,
  serializeRecord,
  validateRecord,
  writeRecordFile,
} from '@lambda-release-kit/core';

const sample = () =>
  createRecord(
    {
      function: { name: 'orders-api' },
      alias: 'live',
      strategy: 'alias-weights',
      previous: { version: '7', codeSha256: 'abc=' },
      target: { version: '8' },
    },
    new Date('2026-11-22T10:00:00Z'),
  );

describe('deployment record', () => {
  it('round-trips through JSON and a file', async () => {
    const record = sample();
    expect(record).toMatchObject({
      schema: 'lambda-release-record/v1',
      status: 'planned',
      steps: [],
      rollbacks: [],
    });
    expect(parseRecord(serializeRecord(record))).toEqual(record);
    const dir = await mkdtemp(join(tmpdir(), 'record-'));
    await writeRecordFile(join(dir, 'nested', 'record.json'), record);
    expect(await readRecordFile(join(dir, 'nested', 'record.json'))).toEqual(record);
  });

  it('says exactly what is wrong with a bad record', () => {
    const bad = { ...sample(), schema: 'other/v9', strategy: 'blue-green', target: { version: '$LATEST' } };
    expect(() => validateRecord(bad)).toThrow(
      'record is not a valid deployment record: schema is "other/v9", expected "lambda-release-record/v1"; ' +
        'strategy must be one of codedeploy, alias-weights, all-at-once; target.version must be a published version number',
    );
    expect(() => parseRecord('{not json', "input 'record'")).toThrow(/^input 'record' is not valid JSON/);
    expect(() => validateRecord([1, 2])).toThrow(RecordError);
  });

  it('explains a missing record file', async () => {
    await expect(readRecordFile('/nonexistent/record.json')).rejects.toThrow(
      'record file /nonexistent/record.json could not be read (ENOENT)',
    );
    const dir = await mkdtemp(join(tmpdir(), 'record-'));
    await writeFile(join(dir, 'r.json'), '');
    await expect(readRecordFile(join(dir, 'r.json'))).rejects.toThrow(/is not valid JSON/);
  });

  it('takes release metadata from the runner environment', () => {
    expect(
      releaseContext({
        GITHUB_REF: 'refs/tags/v1.2.3',
        GITHUB_SHA: 'faf8c65d1e2f3a4b5c6d',
        GITHUB_ACTOR: 'jdoe',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_RUN_ID: '1',
      }),
    ).toEqual({
      tag: 'v1.2.3',
      commit: 'faf8c65d1e2f',
      ref: 'refs/tags/v1.2.3',
      actor: 'jdoe',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(releaseContext({ GITHUB_REF: 'refs/heads/main' }).tag).toBeUndefined();
  });
});
