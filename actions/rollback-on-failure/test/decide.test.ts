import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, serializeRecord, type AliasState } from '@lambda-release-kit/core';
import { decideAliasTarget, recheckAfterConflict, type VersionLookups } from '../src/decide.js';
import { namesRun } from '../src/workflow-run.js';
import { loadRecord } from '../src/record-source.js';
import { failedRecord } from './sandbox-bed.js';

const RUN = { url: 'https://github.com/o/r/actions/runs/4242', attempt: '1' };

/**
 * Lookups over a fixed list of published versions (with the descriptions given), counting the questions asked.
 */
function versions(
  published: string[],
  descriptions: Record<string, string> = {},
): VersionLookups & { asked: string[] } {
  const asked: string[] = [];
  return {
    asked,
    exists: async (version) => {
      asked.push(`exists ${version}`);
      return published.includes(version);
    },
    description: async (version) => {
      asked.push(`description ${version}`);
      return descriptions[version];
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
  it("another release's canary on top of ours (live on 2, 10% on 3) is left alone, asking Lambda nothing", async () => {
    const lookups = versions(['1', '2', '3']);
    const plan = await decideAliasTarget(
      { functionName: 'b', alias: alias('2', { '3': 0.1 }), record: failedRecord('b', '1', '2') },
      lookups,
    );
    expect(plan).toEqual({
      kind: 'superseded',
      explanation: expect.stringMatching(
        /^left: another release \(version 3\) is in progress on live \(alias live of b sends 90% on version 2, 10% on version 3/,
      ),
    });
    expect(lookups.asked).toEqual([]);
  });

  it('a record whose previous version is gone, or that has none, is an error: never a guessed older version', async () => {
    const record = failedRecord('fn', '9', '3');
    await expect(
      decideAliasTarget({ functionName: 'fn', alias: alias('3'), record }, versions(['1', '2', '3'])),
    ).rejects.toThrow(
      /previous version 9 is no longer a published version of fn, so there is no version to restore/,
    );
    delete record.functions[0].previous;
    await expect(
      decideAliasTarget({ functionName: 'fn', alias: alias('3'), record }, versions(['1', '2', '3'])),
    ).rejects.toThrow(/has no previous version of fn \(the release created live\).*'target-version'/);
  });

  it('asks Lambda nothing when the alias already answers the question', async () => {
    const lookups = versions(['1', '2']);
    await decideAliasTarget(
      { functionName: 'fn', alias: alias('1', { '2': 0.1 }), record: failedRecord('fn', '1', '2') },
      lookups,
    );
    await decideAliasTarget(
      { functionName: 'fn', alias: alias('2', { '1': 0.9 }), targetVersion: '1' },
      lookups,
    );
    expect(lookups.asked).toEqual([]);
  });

  it('an alias at 100% on the target version needs nothing', async () => {
    const plan = await decideAliasTarget(
      { functionName: 'fn', alias: alias('5'), targetVersion: '5' },
      versions(['5']),
    );
    expect(plan).toMatchObject({ kind: 'nothing', version: '5' });
  });
});

describe('decideAliasTarget without a record', () => {
  const ours = `release v2 commit abc ${RUN.url}`;
  const decide = (
    live: AliasState,
    descriptions: Record<string, string>,
    run: typeof RUN | undefined = RUN,
  ) => decideAliasTarget({ functionName: 'fn', alias: live, run }, versions(['1', '2', '3'], descriptions));

  it("moves a canary this run published back to the alias's primary version", async () => {
    await expect(decide(alias('2', { '3': 0.1 }), { '3': ours })).resolves.toMatchObject({
      kind: 'move',
      from: '3',
      to: '2',
    });
  });

  it("leaves another run's canary, a plain alias of another run, and everything outside a workflow run", async () => {
    const earlier = { '3': 'release v2 commit abc https://github.com/o/r/actions/runs/42' };
    await expect(decide(alias('2', { '3': 0.1 }), earlier)).resolves.toMatchObject({ kind: 'unproven' });
    // Production on a good hotfix 3 after a bad 2 was rolled back: never back to 2.
    await expect(decide(alias('3'), { '3': 'hotfix', '2': 'release v2' })).resolves.toMatchObject({
      kind: 'unproven',
      explanation: expect.stringMatching(/version 3 was not published by .*runs\/4242/),
    });
    const outside = decideAliasTarget(
      { functionName: 'fn', alias: alias('2', { '3': 0.1 }) },
      versions(['1', '2', '3'], { '3': ours }),
    );
    await expect(outside).resolves.toMatchObject({
      kind: 'unproven',
      explanation: expect.stringMatching(/outside a workflow run/),
    });
  });

  it('this run promoted and nothing says what it replaced: a clear error, never a guess', async () => {
    await expect(decide(alias('3'), { '3': ours })).rejects.toThrow(
      /sends 100% to version 3, which this run published .* nothing says which version it replaced; nothing changed/,
    );
  });
});

describe('namesRun', () => {
  it('matches the run address as a whole word, and the attempt when the description names one', () => {
    expect(namesRun(`release v1 ${RUN.url}`, RUN)).toBe(true);
    expect(namesRun(`release v1 ${RUN.url}/attempts/1 s3://b/k`, RUN)).toBe(true);
    expect(namesRun(`release v1 ${RUN.url}/attempts/2`, RUN)).toBe(false);
    expect(namesRun(`release v1 ${RUN.url}1`, RUN)).toBe(false);
    expect(
      namesRun('https://github.com/o/r/actions/runs/42', { url: 'https://github.com/o/r/actions/runs/4' }),
    ).toBe(false);
    expect(namesRun(undefined, RUN)).toBe(false);
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
    const huge = JSON.stringify({ ...record, error: 'x'.repeat(600 * 1024) });
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
