import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { createRecord, readRecordFile, RecordWriter, writeRecordFile } from '@lambda-release-kit/core';

describe('RecordWriter', () => {
  it('persists the record after every change, and finishing ends it with a status and the error', async () => {
    const path = join(await mkdtemp(join(tmpdir(), 'record-writer-')), 'record.json');
    const writer = new RecordWriter(
      createRecord({
        functions: [{ function: { name: 'orders-api' }, alias: 'live' }],
        strategy: 'alias-weights',
      }),
      (record) => writeRecordFile(path, record),
    );

    await writer.update((record) => {
      record.functions[0].target = { version: '8' };
      record.status = 'in-progress';
    });
    expect(await readRecordFile(path)).toMatchObject({
      status: 'in-progress',
      functions: [{ target: { version: '8' } }],
    });

    await writer.finish('failed', 'step 10%: error rate 50%', new Date('2026-12-04T10:00:00Z'));
    expect(await readRecordFile(path)).toMatchObject({
      status: 'failed',
      error: 'step 10%: error rate 50%',
      finishedAt: '2026-12-04T10:00:00.000Z',
    });
    expect(writer.record.status).toBe('failed');
  });
});
