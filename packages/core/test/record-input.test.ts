import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import {
  createRecord,
  InputError,
  readRecordInputs,
  serializeRecord,
  writeRecordFile,
} from '@lambda-release-kit/core';

const record = createRecord(
  {
    functions: [{ function: { name: 'orders-api' }, alias: 'live', target: { version: '8' } }],
    strategy: 'alias-weights',
  },
  new Date('2026-11-22T10:00:00Z'),
);

describe('readRecordInputs', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'record-input-'));
  });

  it('reads the record from the record input or from a record file, and nothing from neither', async () => {
    await expect(readRecordInputs({ text: serializeRecord(record) })).resolves.toEqual({
      record,
      source: "input 'record'",
    });
    const file = join(dir, 'record.json');
    await writeRecordFile(file, record);
    await expect(readRecordInputs({ file })).resolves.toEqual({ record, source: `record file ${file}` });
    await expect(readRecordInputs({})).resolves.toEqual({});
  });

  it('refuses both inputs at once, under either policy', async () => {
    for (const policy of ['error', 'warning'] as const) {
      await expect(readRecordInputs({ text: '{}', file: '/tmp/r.json' }, policy)).rejects.toThrow(
        "inputs 'record' and 'record-file' were both given",
      );
    }
  });

  it('by default, a bad or missing record is an input error that says what is wrong', async () => {
    await expect(readRecordInputs({ text: '{"schema":1}' })).rejects.toThrow(InputError);
    await expect(readRecordInputs({ text: 'not json' })).rejects.toThrow("input 'record' is not valid JSON");
    await expect(readRecordInputs({ file: join(dir, 'absent.json') })).rejects.toThrow(
      `record file ${join(dir, 'absent.json')} could not be read (ENOENT)`,
    );
  });

  it('with the warning policy, a bad record is a problem and a missing or empty file is missing, not an error', async () => {
    await expect(readRecordInputs({ text: '{"schema":1}' }, 'warning')).resolves.toEqual({
      problem: expect.stringContaining("input 'record' is not a valid deployment record"),
    });
    const empty = join(dir, 'empty.json');
    await writeFile(empty, '');
    for (const file of [empty, join(dir, 'absent.json')]) {
      await expect(readRecordInputs({ file }, 'warning')).resolves.toEqual({
        missing: expect.stringContaining(`no deployment record at ${file} (the file is missing or empty)`),
      });
    }
    const broken = join(dir, 'broken.json');
    await writeFile(broken, '{');
    await expect(readRecordInputs({ file: broken }, 'warning')).resolves.toEqual({
      problem: expect.stringContaining(`record file ${broken} is not valid JSON`),
    });
  });
});
