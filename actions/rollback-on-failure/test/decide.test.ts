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
    delete record.previous;
    const plan = await decideAliasTarget(
      { functionName: 'fn', alias: alias('2'), record },
      lookups,
      new MemoryLogger(),
    );
    expect(plan).toMatchObject({ kind: 'move', from: '2', to: '1' });
  });

  it('a record of a deploy that stopped before publishing means nothing moved, unless weights are left over', async () => {
    const record = failedRecord('fn', '1', '2', { error: 'GetAlias failed: PreconditionFailedException' });
    delete record.previous;
    delete record.target;
    const lookups = versions('1');
    const plain = await decideAliasTarget(
      { functionName: 'fn', alias: alias('1'), record },
      lookups,
      new MemoryLogger(),
    );
    expect(plain).toMatchObject({ kind: 'nothing', version: '1' });
    expect(plain.kind === 'nothing' && plain.explanation).toContain(
      'the deployment record shows the deploy stopped before it published a version (status failed: GetAlias failed',
    );
    expect(lookups.asked).toEqual([]);
    const weighted = await decideAliasTarget(
      { functionName: 'fn', alias: alias('1', { '2': 0.1 }), record },
      versions('1', '2'),
      new MemoryLogger(),
    );
    expect(weighted).toMatchObject({ kind: 'move', from: '2', to: '1' });
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
    expect(await loadRecord({ recordFile: join(dir, 'none.json') }, expected)).toEqual({
      problem: `no deployment record at ${join(dir, 'none.json')}`,
      missing: true,
    });
    writeFileSync(join(dir, 'empty.json'), '');
    expect(await loadRecord({ recordFile: join(dir, 'empty.json') }, expected)).toMatchObject({
      missing: true,
    });
    writeFileSync(join(dir, 'bad.json'), '{"schema":"lambda-release-record/v1"');
    const bad = await loadRecord({ recordFile: join(dir, 'bad.json') }, expected);
    expect(bad.missing).toBeUndefined();
    expect(bad.problem).toMatch(/bad.json is not valid JSON/);
    const invalid = await loadRecord({ recordText: '{"schema":"other"}' }, expected);
    expect(invalid.problem).toMatch(/input 'record' is not a valid deployment record: schema is "other"/);
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
