import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, MemoryLogger, serializeRecord, type AliasState } from '@lambda-release-kit/core';
import { decideAliasTarget, recheckAfterConflict, type VersionLookups } from '../src/decide.js';
import { loadRecord } from '../src/record-source.js';
import { failedRecord } from './sandbox-bed.js';

/** Lookups over a fixed list of published versions, counting the questions asked. */
function versions(...published: string[]): VersionLookups & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    exists: async (version) => {
      asked.push(`exists ${version}`);
      return published.includes(version);
    },
    published: async () => {
      asked.push('published');
      return published;
    },
  };
}

const alias = (version: string, weights: Record<string, number> = {}): AliasState => ({
  name: 'live',
  version,
  weights,
  revisionId: 'r1',
});

describe('decideAliasTarget', () => {
  it('an alias whose primary is the failed version is not "stable": the newest older version is chosen', async () => {
    const lookups = versions('1', '2', '3', '4');
    const plan = await decideAliasTarget(
      { functionName: 'fn', alias: alias('3', { '4': 0.5 }), record: failedRecord('fn', '9', '3') },
      { ...lookups, exists: async () => false },
      new MemoryLogger(),
    );
    expect(plan).toEqual({
      kind: 'move',
      from: '3',
      to: '2',
      why: 'version 2 is the newest published version older than version 3',
    });
  });

  it('a record without a previous version (the first release) falls back to the live state', async () => {
    const lookups = versions('1', '2');
    const record = failedRecord('fn', '1', '2');
    delete record.functions[0].previous;
    const plan = await decideAliasTarget(
      { functionName: 'fn', alias: alias('2'), record },
      lookups,
      new MemoryLogger(),
    );
    expect(plan).toMatchObject({ kind: 'move', from: '2', to: '1' });
  });

  it('asks Lambda nothing when the alias already answers the question', async () => {
    const lookups = versions('1', '2');
    await decideAliasTarget(
      { functionName: 'fn', alias: alias('1', { '2': 0.1 }), record: failedRecord('fn', '1', '2') },
      lookups,
      new MemoryLogger(),
    );
    await decideAliasTarget(
      { functionName: 'fn', alias: alias('2', { '1': 0.9 }), targetVersion: '1' },
      lookups,
      new MemoryLogger(),
    );
    expect(lookups.asked).toEqual([]);
  });

  it('an alias at 100% on the target version needs nothing', async () => {
    const plan = await decideAliasTarget(
      { functionName: 'fn', alias: alias('5'), targetVersion: '5' },
      versions('5'),
      new MemoryLogger(),
    );
    expect(plan).toMatchObject({ kind: 'nothing', version: '5' });
  });
});

describe('recheckAfterConflict', () => {
  it('done when someone else already moved the alias to our target; hands off when the failed version is gone', () => {
    expect(recheckAfterConflict(alias('1'), { from: '2', to: '1' })).toMatchObject({ kind: 'nothing' });
    expect(recheckAfterConflict(alias('3'), { from: '2', to: '1' })).toMatchObject({ kind: 'superseded' });
    expect(recheckAfterConflict(alias('1', { '2': 0.5 }), { from: '2', to: '1' })).toBeUndefined();
  });
});

describe('loadRecord', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'rollback-record-'));
  });
  afterAll(() => {
    rmSync(dir, { recursive: true, force: true });
  });
  const expected = { functionName: 'orders-api', alias: 'live' };

  it('tells a file never written (missing or empty) from a malformed one', async () => {
    const none = await loadRecord({ recordFile: join(dir, 'none.json') }, expected);
    expect(none).toEqual({
      missing: expect.stringMatching(/^no deployment record at .*none.json/),
      targets: [expected],
    });
    expect(none.missing).toMatch(/deciding from the live state/);
    writeFileSync(join(dir, 'empty.json'), '');
    expect(await loadRecord({ recordFile: join(dir, 'empty.json') }, expected)).toEqual({
      missing: expect.stringMatching(/empty.json \(the file is missing or empty\)/),
      targets: [expected],
    });
    writeFileSync(join(dir, 'bad.json'), '{"schema":"lambda-release-record/v1"');
    const bad = await loadRecord({ recordFile: join(dir, 'bad.json') }, expected);
    expect(bad.missing).toBeUndefined();
    expect(bad.problem).toMatch(/bad.json is not valid JSON/);
    const invalid = await loadRecord({ recordText: '{"schema":"other"}' }, expected);
    expect(invalid.problem).toMatch(/input 'record' is not a valid deployment record: schema is "other"/);
  });

  it('refuses a record from another region or account', async () => {
    const record = failedRecord(
      'orders-api',
      '1',
      '2',
      { region: 'eu-west-1' },
      { function: { name: 'orders-api', arn: 'arn:aws:lambda:eu-west-1:111111111111:function:orders-api' } },
    );
    const text = serializeRecord(record);
    await expect(loadRecord({ recordText: text }, { ...expected, region: 'us-east-1' })).rejects.toThrow(
      /input 'record' is for region eu-west-1, but this rollback runs in us-east-1/,
    );
    const otherAccount = 'arn:aws:lambda:eu-west-1:222222222222:function:orders-api';
    await expect(
      loadRecord({ recordText: text }, { ...expected, functionName: otherAccount, region: 'eu-west-1' }),
    ).rejects.toThrow(/account 111111111111.*account 222222222222/);
  });

  it('treats a huge or deeply nested record as invalid before anything else', async () => {
    const record = failedRecord('orders-api', '1', '2');
    const huge = serializeRecord({ ...record, error: 'x'.repeat(600 * 1024) });
    expect((await loadRecord({ recordText: huge }, expected)).problem).toMatch(/over the 524288 bytes/);
    let nested: unknown = 'deep';
    for (let i = 0; i < 40; i++) nested = { a: nested };
    const deep = JSON.stringify({ ...record, release: nested });
    expect((await loadRecord({ recordText: deep }, expected)).problem).toMatch(/nested 17 levels deep/);
  });

  it('accepts the record of the same function given by ARN, rejects another alias', async () => {
    const record = failedRecord('orders-api', '1', '2');
    const arn = 'arn:aws:lambda:us-east-1:123456789012:function:orders-api';
    expect(
      (await loadRecord({ recordText: serializeRecord(record) }, { ...expected, functionName: arn })).record,
    ).toEqual(record);
    await expect(
      loadRecord({ recordText: serializeRecord(record) }, { ...expected, alias: 'beta' }),
    ).rejects.toThrow(InputError);
  });
});
