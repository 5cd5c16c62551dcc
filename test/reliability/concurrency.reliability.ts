/**
 * Issue 10, item 3: two rollbacks at once (exactly one changes the alias, the other reports nothing to do), and a
 * rollback racing a newer deliberate release (the newer release is never undone, no update is lost).
 */
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  aliasOf,
  createReleasedFunction,
  publishRelease,
  routeCanary,
  startFixture,
  type Fixture,
} from './fixture.js';
import { recordOperations, recordResult, startCategory } from './results.js';
import { runAction } from './run-action.js';

const CATEGORY = 'concurrency';
let fixture: Fixture;

beforeAll(async () => {
  startCategory(CATEGORY);
  fixture = await startFixture();
});

afterAll(async () => {
  await fixture?.sandbox.stop();
});

describe('concurrent operations', () => {
  // Both rollbacks get the deploy's record, as the workflow's rollback jobs would: the record is what tells the
  // loser that the alias is already back on the previous version. (Without any record, a rollback that reads the
  // alias after the winner's change sees a plain alias on the oldest version and, as the spec's last rule says,
  // fails with "no earlier version to roll back to".)
  it.each([1, 2, 3])('two rollbacks at once on a half-shifted alias (round %i)', async (round) => {
    const name = `twice-${round}`;
    await createReleasedFunction(fixture, name);
    const canary = await publishRelease(fixture, name, 'v1.1.0');
    await routeCanary(fixture, name, '1', canary, 0.1);
    const record = JSON.stringify({
      schema: 'lambda-release-record/v1',
      function: { name },
      alias: 'live',
      release: { tag: 'v1.1.0' },
      strategy: 'alias-weights',
      previous: { version: '1' },
      target: { version: canary },
      steps: [],
      status: 'failed',
      rollbacks: [],
      startedAt: new Date().toISOString(),
    });
    fixture.sandbox.clearRequestLog();
    const inputs = { 'function-name': name, alias: 'live', record, reason: 'reliability suite' };
    const runs = await Promise.all([
      runAction('rollback-on-failure', inputs, { env: fixture.env }),
      runAction('rollback-on-failure', inputs, { env: fixture.env }),
    ]);
    recordOperations(CATEGORY, 'rollback-on-failure', fixture.sandbox.requestLog());
    const outcomes = runs.map((r) => r.outputs.outcome).sort();
    const changes = fixture.sandbox
      .requestLog()
      .filter((e) => e.operation === 'UpdateAlias' && e.status === 200).length;
    const after = aliasOf(fixture, name);
    const held =
      runs.every((r) => r.code === 0) &&
      JSON.stringify(outcomes) === JSON.stringify(['nothing-to-do', 'rolled-back']) &&
      changes === 1 &&
      after.version === '1' &&
      Object.keys(after.weights).length === 0;
    recordResult(CATEGORY, {
      action: 'rollback-on-failure',
      case: `two rollbacks at once (round ${round})`,
      held,
      detail: `outcomes ${outcomes.join(' + ')}; successful UpdateAlias calls: ${changes}; ${runs.map((r) => r.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? '').join(' ')}`,
    });
    expect(runs.map((r) => r.code)).toEqual([0, 0]);
    expect(outcomes).toEqual(['nothing-to-do', 'rolled-back']);
    expect(changes).toBe(1);
    expect(after).toEqual({ version: '1', weights: {} });
  });

  it('a rollback for an old failed release racing a newer deliberate release does not undo it', async () => {
    const name = 'race';
    await createReleasedFunction(fixture, name);
    const failed = await publishRelease(fixture, name, 'v1.1.0');
    const newer = await publishRelease(fixture, name, 'v1.2.0');
    const record = JSON.stringify({
      schema: 'lambda-release-record/v1',
      function: { name, arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}` },
      alias: 'live',
      release: { tag: 'v1.1.0' },
      strategy: 'alias-weights',
      previous: { version: '1' },
      target: { version: failed },
      steps: [],
      status: 'failed',
      rollbacks: [],
      startedAt: new Date().toISOString(),
    });
    fixture.sandbox.clearRequestLog();
    // The newer release lands while the rollback of the older one starts: whichever order the sandbox sees, the
    // alias must end on the newer release, because the rollback may only undo the version its record names.
    const deploy = runAction(
      'deploy-canary',
      {
        'function-name': name,
        'skip-canary': 'true',
        'skip-canary-reason': 'newer release during a rollback',
        'release-tag': 'v1.2.0',
        timeout: '30s',
      },
      { env: fixture.env },
    );
    const rollback = runAction(
      'rollback-on-failure',
      { 'function-name': name, alias: 'live', record, reason: 'v1.1.0 failed' },
      { env: fixture.env },
    );
    const [d, r] = await Promise.all([deploy, rollback]);
    recordOperations(CATEGORY, 'deploy-canary', fixture.sandbox.requestLog());
    const after = aliasOf(fixture, name);
    const held =
      d.code === 0 && r.code === 0 && after.version === newer && Object.keys(after.weights).length === 0;
    recordResult(CATEGORY, {
      action: 'rollback-on-failure + deploy-canary',
      case: 'rollback of an older failed release racing a newer release',
      held,
      detail: `deploy ${d.code} ${d.outputs.status ?? ''}; rollback ${r.code} ${r.outputs.outcome ?? ''}; alias ${JSON.stringify(after)}; ${r.stdout.split('\n').find((l) => l.startsWith('::error::')) ?? ''}`,
    });
    expect({ deploy: d.code, rollback: r.code }).toEqual({ deploy: 0, rollback: 0 });
    expect(after).toEqual({ version: newer, weights: {} });
  });
});
