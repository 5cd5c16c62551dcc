import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DeleteFunctionCommand, LambdaClient, UpdateAliasCommand } from '@aws-sdk/client-lambda';
import { createRecord, MemoryLogger, UserError } from '@lambda-release-kit/core';
import { rollback } from '../src/rollback.js';
import {
  aliasState,
  failedRecord,
  functionWithVersions,
  operations,
  pointAlias,
  request,
  runRollback,
  startBed,
  type Bed,
} from './sandbox-bed.js';

let bed: Bed;

beforeAll(async () => {
  bed = await startBed();
});

afterAll(async () => {
  await bed.stop();
});

/** A function with `count` versions and alias live as given; the request log starts empty. */
async function given(name: string, count: number, version: string, weights: Record<string, number> = {}) {
  await functionWithVersions(bed.lambda, name, count);
  await pointAlias(bed.lambda, name, 'live', version, weights);
  bed.sandbox.clearRequestLog();
}

describe('alias rollback from the deployment record', () => {
  it('puts a half-shifted alias back on the previous version with two calls, records it, and is idempotent', async () => {
    await given('rec-weights', 2, '1', { '2': 0.1 });
    const result = await runRollback(
      bed,
      request('rec-weights', { record: failedRecord('rec-weights', '1', '2') }),
    );

    expect(result).toMatchObject({
      outcome: 'rolled-back',
      rolledBack: true,
      method: 'alias',
      from: '2',
      to: '1',
    });
    expect(operations(bed)).toEqual(['GetAlias', 'UpdateAlias']);
    expect(await aliasState(bed.lambda, 'rec-weights')).toEqual({ version: '1', weights: {} });
    expect(result.record?.status).toBe('rolled-back');
    expect(result.record?.rollbacks).toEqual([
      expect.objectContaining({ from: '2', to: '1', method: 'alias', reason: 'canary failed', by: 'tester' }),
    ]);
    expect(result.record?.rollbacks[0]?.durationMs).toBeGreaterThanOrEqual(0);

    bed.sandbox.clearRequestLog();
    const again = await runRollback(bed, request('rec-weights', { record: result.record }));
    expect(again).toMatchObject({ outcome: 'nothing-to-do', rolledBack: false, to: '1' });
    expect(again.explanation).toMatch(/already sends 100% to version 1.*already rolled back/);
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    expect(again.record?.rollbacks).toHaveLength(1);
  });

  it('checks that the previous version still exists when the alias does not route to it (three calls)', async () => {
    await given('rec-full', 3, '3');
    const result = await runRollback(
      bed,
      request('rec-full', { record: failedRecord('rec-full', '2', '3') }),
    );
    expect(result).toMatchObject({ outcome: 'rolled-back', from: '3', to: '2' });
    expect(operations(bed)).toEqual(['GetAlias', 'GetFunctionConfiguration', 'UpdateAlias']);
    expect(await aliasState(bed.lambda, 'rec-full')).toEqual({ version: '2', weights: {} });
  });

  it('falls back to the live state when the record’s previous version was deleted', async () => {
    await given('rec-deleted', 3, '3');
    await bed.lambda.send(new DeleteFunctionCommand({ FunctionName: 'rec-deleted', Qualifier: '2' }));
    const result = await runRollback(
      bed,
      request('rec-deleted', { record: failedRecord('rec-deleted', '2', '3') }),
    );
    expect(result).toMatchObject({ outcome: 'rolled-back', from: '3', to: '1' });
    expect(result.logger.text()).toMatch(/previous version 2 is no longer a published version/);
  });

  it('never undoes a newer release: an alias moved past the failed version is left alone', async () => {
    await given('rec-newer', 3, '3');
    const result = await runRollback(
      bed,
      request('rec-newer', { record: failedRecord('rec-newer', '1', '2') }),
    );
    expect(result).toMatchObject({ outcome: 'superseded', rolledBack: false });
    expect(result.explanation).toMatch(/no traffic to version 2.*would undo that/);
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    expect(await aliasState(bed.lambda, 'rec-newer')).toEqual({ version: '3', weights: {} });
  });
});

describe('alias rollback from the live state', () => {
  it('an explicit target version wins, and must be a published version', async () => {
    await given('target', 3, '3');
    const result = await runRollback(
      bed,
      request('target', { targetVersion: '1', record: failedRecord('target', '2', '3') }),
    );
    expect(result).toMatchObject({ outcome: 'rolled-back', from: '3', to: '1' });

    bed.sandbox.clearRequestLog();
    const missing = runRollback(bed, request('target', { targetVersion: '9' }));
    await expect(missing).rejects.toThrow(UserError);
    await expect(missing).rejects.toThrow(
      /'target-version' is 9, which is not a published version of target; versions: 1, 2, 3/,
    );
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
  });

  it('a stale alias that still routes weight goes back to its primary version', async () => {
    await given('stale', 3, '2', { '3': 0.25 });
    const result = await runRollback(bed, request('stale'));
    expect(result).toMatchObject({ outcome: 'rolled-back', from: '3', to: '2' });
    expect(result.explanation).toMatch(/still routes weight to version 3/);
    expect(operations(bed)).toEqual(['GetAlias', 'UpdateAlias']);
    expect(await aliasState(bed.lambda, 'stale')).toEqual({ version: '2', weights: {} });
  });

  it('without a record, the newest published version older than the current one (seed 002)', async () => {
    await given('second-to-last', 4, '3');
    const result = await runRollback(bed, request('second-to-last'));
    expect(result).toMatchObject({ outcome: 'rolled-back', from: '3', to: '2' });
    expect(operations(bed)).toEqual(['GetAlias', 'ListVersionsByFunction', 'UpdateAlias']);
    expect(result.record).toMatchObject({
      status: 'rolled-back',
      functions: [{ previous: { version: '2' }, target: { version: '3' } }],
      rollbacks: [expect.objectContaining({ from: '3', to: '2', method: 'alias' })],
    });
  });

  it('fails clearly, changing nothing, when there is no earlier version', async () => {
    await given('first', 1, '1');
    const attempt = runRollback(bed, request('first'));
    await expect(attempt).rejects.toThrow('no earlier version to roll back to; versions: 1');
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
  });

  it('names a missing alias and suggests method code', async () => {
    await functionWithVersions(bed.lambda, 'no-alias', 1);
    await expect(runRollback(bed, request('no-alias'))).rejects.toThrow(
      /alias live of no-alias does not exist.*method 'code'/,
    );
  });
});

describe('missing or malformed record', () => {
  it('a malformed record still allows the unambiguous live-state rollback of a weighted alias', async () => {
    await given('bad-record-weights', 2, '1', { '2': 0.5 });
    const result = await runRollback(
      bed,
      request('bad-record-weights', { recordProblem: "input 'record' is not valid JSON (Unexpected token)" }),
    );
    expect(result).toMatchObject({ outcome: 'rolled-back', to: '1' });
    expect(result.logger.text()).toMatch(
      /warning: input 'record' is not valid JSON.*live state where that is safe/,
    );
  });

  it('a malformed record with a plain alias is a clear error and nothing changes', async () => {
    await given('bad-record-plain', 3, '3');
    const attempt = runRollback(
      bed,
      request('bad-record-plain', {
        recordProblem: 'record file r.json is not a valid deployment record: status ...',
      }),
    );
    await expect(attempt).rejects.toThrow(
      /r.json is not a valid deployment record.*no safe way to tell whether version 3.*is the failed release/,
    );
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
  });

  it('a missing record file is no evidence: the rollback decides from the live state, as without a record', async () => {
    await given('no-record', 3, '3');
    const result = await runRollback(
      bed,
      request('no-record', { recordMissing: 'no deployment record at /tmp/x.json (the file is missing)' }),
    );
    expect(result).toMatchObject({ outcome: 'rolled-back', from: '3', to: '2' });
    expect(result.logger.text()).toMatch(/warning: no deployment record at \/tmp\/x.json/);
    expect(await aliasState(bed.lambda, 'no-record')).toEqual({ version: '2', weights: {} });
  });

  it('a record without a target (the deploy failed before publishing) changes nothing, with no AWS call', async () => {
    await given('no-target', 3, '3');
    const record = createRecord({
      functions: [{ function: { name: 'no-target' }, alias: 'live', previous: { version: '1' } }],
      strategy: 'alias-weights',
      status: 'failed',
      error: 'publishing failed',
    });
    const result = await runRollback(bed, request('no-target', { record }));
    expect(result).toMatchObject({ outcome: 'nothing-to-do', rolledBack: false });
    expect(result.explanation).toMatch(
      /stopped before it published a version \(status failed: publishing failed\)/,
    );
    expect(operations(bed)).toEqual([]);
    expect(await aliasState(bed.lambda, 'no-target')).toEqual({ version: '3', weights: {} });
  });
});

describe('dry run and concurrency', () => {
  it('a dry run prints the decision and the exact change, with zero mutations', async () => {
    await given('dry', 2, '1', { '2': 0.1 });
    const result = await runRollback(
      bed,
      request('dry', { dryRun: true, record: failedRecord('dry', '1', '2') }),
    );
    expect(result).toMatchObject({
      outcome: 'dry-run',
      rolledBack: false,
      from: '2',
      to: '1',
      method: 'alias',
    });
    expect(result.change).toMatch(
      /^UpdateAlias \{"FunctionName":"dry","Name":"live","FunctionVersion":"1","RoutingConfig":\{"AdditionalVersionWeights":\{\}\},"RevisionId":"/,
    );
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    expect(await aliasState(bed.lambda, 'dry')).toEqual({ version: '1', weights: { '2': 0.1 } });
  });

  it('a stale RevisionId (412) is read again and decided once more', async () => {
    await given('conflict-retry', 2, '1', { '2': 0.1 });
    bed.sandbox.faults.add({ service: 'lambda', operation: 'UpdateAlias', kind: 'stale-revision', times: 1 });
    const result = await runRollback(
      bed,
      request('conflict-retry', { record: failedRecord('conflict-retry', '1', '2') }),
    );
    expect(result).toMatchObject({ outcome: 'rolled-back', to: '1' });
    expect(operations(bed)).toEqual(['GetAlias', 'UpdateAlias', 'GetAlias', 'UpdateAlias']);
    expect(result.logger.text()).toMatch(/changed while we were rolling it back/);
  });

  it('a concurrent release that lands between our read and our update is not undone', async () => {
    await given('conflict-newer', 3, '1', { '2': 0.1 });
    // Another pipeline promotes version 3 right before our UpdateAlias is sent: Lambda answers 412.
    const other = new LambdaClient({});
    const racing = new LambdaClient({ maxAttempts: 1 });
    let raced = false;
    racing.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateAliasCommand' && !raced) {
          raced = true;
          await other.send(
            new UpdateAliasCommand({
              FunctionName: 'conflict-newer',
              Name: 'live',
              FunctionVersion: '3',
              RoutingConfig: { AdditionalVersionWeights: {} },
            }),
          );
        }
        return next(args);
      },
      { step: 'initialize' },
    );
    try {
      const result = await rollback(request('conflict-newer'), {
        lambda: racing,
        codedeploy: async () => bed.clients.codedeploy,
        logger: new MemoryLogger(),
      });
      expect(result).toMatchObject({ outcome: 'superseded', rolledBack: false });
      expect(result.explanation).toMatch(/changed while we were rolling back.*no longer version 2/);
      expect(await aliasState(bed.lambda, 'conflict-newer')).toEqual({ version: '3', weights: {} });
    } finally {
      other.destroy();
      racing.destroy();
    }
  });
});
