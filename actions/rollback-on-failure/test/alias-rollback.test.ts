import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  DeleteFunctionCommand,
  LambdaClient,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import {
  createRecord,
  formatVersionDescription,
  MemoryLogger,
  UserError,
  waitForFunctionUpdated,
} from '@lambda-release-kit/core';
import { rollbackRelease } from '../src/release-rollback.js';
import { rollback } from '../src/rollback.js';
import {
  RUN,
  aliasState,
  failedRecord,
  functionWithVersions,
  handler,
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

/**
 * A function with `count` versions (those in `ours` published by RUN) and alias live as given; the request log
 * starts empty.
 */
async function given(
  name: string,
  count: number,
  version: string,
  weights: Record<string, number> = {},
  ours: number[] = [],
) {
  await functionWithVersions(bed.lambda, name, count, ours);
  await pointAlias(bed.lambda, name, 'live', version, weights);
  bed.sandbox.clearRequestLog();
}

/**
 * A function with `count` versions by hand, then version count+1 published by RUN with the description
 * deploy-canary gives it when the alias served `replaced`; alias live on it at 100%, request log empty.
 */
async function ourVersionReplacing(name: string, count: number, replaced: string) {
  await functionWithVersions(bed.lambda, name, count);
  await bed.lambda.send(
    new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: handler(`${name} ours`) }),
  );
  await waitForFunctionUpdated(bed.lambda, name, { timeoutMs: 5_000 });
  const description = formatVersionDescription({
    release: 'release v1.1.0 commit 0123456789ab',
    replaces: replaced,
    runUrl: RUN.url,
    attempt: RUN.attempt,
  });
  const ours = await bed.lambda.send(
    new PublishVersionCommand({ FunctionName: name, Description: description }),
  );
  await pointAlias(bed.lambda, name, 'live', ours.Version ?? '');
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

  it('never guesses an older version when the record’s previous version was deleted: a clear error', async () => {
    await given('rec-deleted', 3, '3');
    await bed.lambda.send(new DeleteFunctionCommand({ FunctionName: 'rec-deleted', Qualifier: '2' }));
    bed.sandbox.clearRequestLog();
    const attempt = runRollback(
      bed,
      request('rec-deleted', { record: failedRecord('rec-deleted', '2', '3') }),
    );
    await expect(attempt).rejects.toThrow(
      /previous version 2 is no longer a published version of rec-deleted, so there is no version to restore.*nothing changed — give 'target-version'/,
    );
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    expect(await aliasState(bed.lambda, 'rec-deleted')).toEqual({ version: '3', weights: {} });
  });

  it('leaves a function another release has given a canary (live on 2, 10% on 3) and restores the others', async () => {
    for (const name of ['svc-a', 'svc-b', 'svc-c']) await functionWithVersions(bed.lambda, name, 3);
    await pointAlias(bed.lambda, 'svc-a', 'live', '2');
    await pointAlias(bed.lambda, 'svc-b', 'live', '2', { '3': 0.1 });
    await pointAlias(bed.lambda, 'svc-c', 'live', '1', { '2': 0.5 });
    const record = failedRecord('svc-a', '1', '2');
    for (const name of ['svc-b', 'svc-c']) {
      record.functions.push({
        function: { name },
        alias: 'live',
        previous: { version: '1' },
        target: { version: '2' },
      });
    }
    const targets = ['svc-a', 'svc-b', 'svc-c'].map((functionName) => ({ functionName, alias: 'live' }));
    const result = await rollbackRelease(
      { ...request('svc-a'), record, targets: [targets[0]!, ...targets.slice(1)] },
      { lambda: bed.lambda, codedeploy: async () => bed.clients.codedeploy, logger: new MemoryLogger() },
    );
    expect(result.functions.map((f) => [f.functionName, f.result?.outcome])).toEqual([
      ['svc-a', 'rolled-back'],
      ['svc-b', 'superseded'],
      ['svc-c', 'rolled-back'],
    ]);
    expect(result.functions[1]?.result?.explanation).toMatch(
      /^left: another release \(version 3\) is in progress on live/,
    );
    expect(await aliasState(bed.lambda, 'svc-b')).toEqual({ version: '2', weights: { '3': 0.1 } });
    expect(await aliasState(bed.lambda, 'svc-a')).toEqual({ version: '1', weights: {} });
    expect(await aliasState(bed.lambda, 'svc-c')).toEqual({ version: '1', weights: {} });
    expect(result.record?.rollbacks.map((entry) => entry.function)).toEqual(['svc-a', 'svc-c']);
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

  it("without a record, a canary this run published goes back to the alias's primary version", async () => {
    await given('stale', 3, '2', { '3': 0.25 }, [3]);
    const result = await runRollback(bed, request('stale', { run: RUN }));
    expect(result).toMatchObject({ outcome: 'rolled-back', from: '3', to: '2' });
    expect(result.explanation).toMatch(
      /version 3, which alias live of stale routes weight to, was published by this run/,
    );
    expect(operations(bed)).toEqual(['GetAlias', 'GetFunctionConfiguration', 'UpdateAlias']);
    expect(await aliasState(bed.lambda, 'stale')).toEqual({ version: '2', weights: {} });
    expect(result.record).toMatchObject({
      status: 'rolled-back',
      functions: [{ previous: { version: '2' }, target: { version: '3' } }],
      rollbacks: [expect.objectContaining({ from: '3', to: '2', method: 'alias' })],
    });
  });

  it("without a record, another run's canary is not touched", async () => {
    await given('their-canary', 3, '2', { '3': 0.25 });
    const result = await runRollback(bed, request('their-canary', { run: RUN }));
    expect(result).toMatchObject({ outcome: 'nothing-to-do', rolledBack: false });
    expect(result.explanation).toMatch(/version 3 was not published by .*runs\/4242/);
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    expect(await aliasState(bed.lambda, 'their-canary')).toEqual({ version: '2', weights: { '3': 0.25 } });
  });

  it('without a record, production on a good hotfix 3 is never moved to an older release (2, rolled back before)', async () => {
    await given('hotfix', 3, '3');
    const result = await runRollback(bed, request('hotfix', { run: RUN }));
    expect(result).toMatchObject({ outcome: 'nothing-to-do', rolledBack: false });
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    expect(await aliasState(bed.lambda, 'hotfix')).toEqual({ version: '3', weights: {} });
  });

  it("without a record, this run's version at 100% is a clear error: nothing says what it replaced", async () => {
    await given('promoted-ours', 3, '3', {}, [3]);
    const attempt = runRollback(bed, request('promoted-ours', { run: RUN }));
    await expect(attempt).rejects.toThrow(
      /sends 100% to version 3, which this run published.*give 'target-version'/,
    );
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
  });

  it("without a record, this run's version at 100% goes back to the version its description says it replaced", async () => {
    // Versions 1 and 2 by hand; this run published 3 while the alias served 1 (2 was never released).
    await ourVersionReplacing('promoted-replacing', 2, '1');
    const result = await runRollback(bed, request('promoted-replacing', { run: RUN }));
    expect(result).toMatchObject({ outcome: 'rolled-back', from: '3', to: '1' });
    expect(result.explanation).toMatch(
      /sends 100% to version 3, which this run published .*its description says it replaced version 1/,
    );
    // Guarded by the RevisionId of the alias as read: a stale one would have been refused (412).
    expect(operations(bed)).toEqual([
      'GetAlias',
      'GetFunctionConfiguration',
      'GetFunctionConfiguration',
      'UpdateAlias',
    ]);
    expect(await aliasState(bed.lambda, 'promoted-replacing')).toEqual({ version: '1', weights: {} });
  });

  it("without a record, this run's version at 100% whose replaced version was deleted: a clear error", async () => {
    await ourVersionReplacing('replaced-deleted', 2, '2');
    await bed.lambda.send(new DeleteFunctionCommand({ FunctionName: 'replaced-deleted', Qualifier: '2' }));
    bed.sandbox.clearRequestLog();
    const attempt = runRollback(bed, request('replaced-deleted', { run: RUN }));
    await expect(attempt).rejects.toThrow(
      /version 3, which this run published .*its description says it replaced version 2, which is no longer published; nothing changed/,
    );
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
    expect(await aliasState(bed.lambda, 'replaced-deleted')).toEqual({ version: '3', weights: {} });
  });

  it('a function deleted since the release is "gone": nothing left to restore, not a failure', async () => {
    await given('deleted', 2, '1', { '2': 0.1 });
    await bed.lambda.send(new DeleteFunctionCommand({ FunctionName: 'deleted' }));
    bed.sandbox.clearRequestLog();
    const result = await runRollback(bed, request('deleted', { record: failedRecord('deleted', '1', '2') }));
    expect(result).toMatchObject({ outcome: 'gone', rolledBack: false });
    expect(result.explanation).toBe(
      'deleted no longer exists (deleted since the release): nothing is left to restore, and nothing changed',
    );
    expect(operations(bed)).toEqual(['GetAlias', 'GetFunctionConfiguration']);
  });

  it('names a missing alias and suggests method code', async () => {
    await functionWithVersions(bed.lambda, 'no-alias', 1);
    await expect(runRollback(bed, request('no-alias'))).rejects.toThrow(
      /alias live of no-alias does not exist.*method 'code'/,
    );
  });
});

describe('missing or malformed record', () => {
  it("a malformed record still allows the live-state rollback of this run's canary", async () => {
    await given('bad-record-weights', 2, '1', { '2': 0.5 }, [2]);
    const result = await runRollback(
      bed,
      request('bad-record-weights', {
        recordProblem: "input 'record' is not valid JSON (Unexpected token)",
        run: RUN,
      }),
    );
    expect(result).toMatchObject({ outcome: 'rolled-back', to: '1' });
    expect(result.logger.text()).toMatch(
      /warning: input 'record' is not valid JSON.*live state where that is safe/,
    );
  });

  it('a malformed record with a plain alias of another run is a clear error and nothing changes', async () => {
    await given('bad-record-plain', 3, '3');
    const attempt = runRollback(
      bed,
      request('bad-record-plain', {
        recordProblem: 'record file r.json is not a valid deployment record: status ...',
        run: RUN,
      }),
    );
    await expect(attempt).rejects.toThrow(
      /^record file r.json is not a valid deployment record: status ...; without it, nothing ties alias live of bad-record-plain \(100% on version 3\) to this run.*or a valid 'record'\/'record-file'$/,
    );
    expect(bed.sandbox.mutatingRequests()).toEqual([]);
  });

  it('a missing record file is no evidence: the rollback decides from the live state, as without a record', async () => {
    await given('no-record', 3, '2', { '3': 0.1 }, [3]);
    const result = await runRollback(
      bed,
      request('no-record', {
        recordMissing: 'no deployment record at /tmp/x.json (the file is missing)',
        run: RUN,
      }),
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
      const record = failedRecord('conflict-newer', '1', '2');
      const result = await rollback(request('conflict-newer', { record }), {
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
