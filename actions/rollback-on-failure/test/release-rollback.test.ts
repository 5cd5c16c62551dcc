import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { MemoryLogger, UserError } from '@lambda-release-kit/core';
import { rollbackRelease } from '../src/release-rollback.js';
import {
  aliasState,
  failedRecord,
  functionWithVersions,
  pointAlias,
  request,
  startBed,
  type Bed,
} from './sandbox-bed.js';

let bed: Bed;

beforeAll(async () => {
  bed = await startBed();
  await functionWithVersions(bed.lambda, 'api', 3);
  await functionWithVersions(bed.lambda, 'worker', 4);
});

afterAll(async () => {
  await bed.stop();
});

/** A failed release of api (2 → 3) and worker (3 → 4), both aliases still on their canary weights. */
async function halfReleased() {
  await pointAlias(bed.lambda, 'api', 'live', '2', { '3': 0.1 });
  await pointAlias(bed.lambda, 'worker', 'live', '3', { '4': 0.1 });
  const record = failedRecord('api', '2', '3');
  record.functions.push({
    function: { name: 'worker' },
    alias: 'live',
    previous: { version: '3' },
    target: { version: '4' },
  });
  return record;
}

const targets = [
  { functionName: 'api', alias: 'live' },
  { functionName: 'worker', alias: 'live' },
] as const;

describe('rollbackRelease', () => {
  it('a function that cannot be restored is named with the command that fixes it; the others are restored', async () => {
    const record = await halfReleased();
    // One function at a time, so the two refused alias updates (a 412 and the retry's 412) both hit api.
    bed.sandbox.faults.add({ service: 'lambda', operation: 'UpdateAlias', kind: 'stale-revision', times: 2 });
    const logger = new MemoryLogger();
    const result = await rollbackRelease(
      { ...request('api'), record, targets: [...targets] },
      { lambda: bed.lambda, codedeploy: async () => bed.clients.codedeploy, logger },
      1,
    );

    expect(result.outcome).toBe('failed');
    expect(result.failure).toBeInstanceOf(UserError);
    expect(result.failure?.message).toMatch(/^1 of 2 functions could not be rolled back/);
    expect(result.failure?.message).toContain(
      'api is left on version 3 (alias live: moving alias live of api',
    );
    expect(result.failure?.message).toContain(
      "fix it with: aws lambda update-alias --function-name api --name live --function-version 2 --routing-config '{}'",
    );
    expect(result.failure?.message).not.toContain('worker is left');
    expect(await aliasState(bed.lambda, 'api')).toEqual({ version: '2', weights: { '3': 0.1 } });
    expect(await aliasState(bed.lambda, 'worker')).toEqual({ version: '3', weights: {} });
    expect(result.functions.map((f) => [f.functionName, f.result?.outcome ?? 'failed'])).toEqual([
      ['api', 'failed'],
      ['worker', 'rolled-back'],
    ]);
    // The record keeps what was restored, and says the release is not back yet.
    expect(result.record?.status).toBe('failed');
    expect(result.record?.rollbacks).toEqual([
      expect.objectContaining({ function: 'worker', from: '4', to: '3', method: 'alias' }),
    ]);
    expect(logger.text()).toContain('[Rollback of api:live]');
    expect(logger.text()).toContain('warning: the rollback of api:live failed');
  });

  it('is idempotent: a second run over a restored release changes nothing', async () => {
    const record = await halfReleased();
    const deps = {
      lambda: bed.lambda,
      codedeploy: async () => bed.clients.codedeploy,
      logger: new MemoryLogger(),
    };
    const first = await rollbackRelease({ ...request('api'), record, targets: [...targets] }, deps);
    expect(first.outcome).toBe('rolled-back');
    expect(first.record?.rollbacks).toHaveLength(2);

    bed.sandbox.clearRequestLog();
    const again = await rollbackRelease(
      { ...request('api'), record: first.record, targets: [...targets] },
      deps,
    );
    expect(again.outcome).toBe('nothing-to-do');
    expect(again.rolledBack).toBe(false);
    expect(again.record?.rollbacks).toHaveLength(2);
    expect(bed.sandbox.requestLog().map((entry) => entry.operation)).toEqual(['GetAlias', 'GetAlias']);
  });

  it('names the first few functions that failed and counts the rest; deleted functions are gone, not failures', async () => {
    const names = Array.from({ length: 8 }, (_, i) => `no-alias-${i}`);
    for (const name of names) await functionWithVersions(bed.lambda, name, 1);
    const record = failedRecord('deleted-0', '1', '2');
    for (const name of [...names, 'deleted-1']) {
      record.functions.push({
        function: { name },
        alias: 'live',
        previous: { version: '1' },
        target: { version: '2' },
      });
    }
    const all = record.functions.map((f) => ({ functionName: f.function.name, alias: 'live' }));
    const [first, ...rest] = all;
    if (!first) throw new Error('the record has functions');
    const result = await rollbackRelease(
      { ...request('deleted-0'), record, targets: [first, ...rest] },
      { lambda: bed.lambda, codedeploy: async () => bed.clients.codedeploy, logger: new MemoryLogger() },
    );
    expect(result.functions.map((f) => f.result?.outcome ?? 'failed')).toEqual([
      'gone',
      ...names.map(() => 'failed'),
      'gone',
    ]);
    const message = result.failure?.message ?? '';
    expect(message).toMatch(
      /^8 of 10 functions could not be rolled back \(the other 2 were handled\): no-alias-0 is left/,
    );
    expect(message).toContain('no-alias-4 is left');
    expect(message).not.toContain('no-alias-5');
    expect(message).toMatch(/ \| and 3 more \(each in its own group of the log\)$/);
    expect(message).not.toMatch(/deleted-/);
  });
});
