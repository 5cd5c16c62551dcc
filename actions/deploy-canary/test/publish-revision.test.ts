import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GetAliasCommand,
  GetFunctionConfigurationCommand,
  ListVersionsByFunctionCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { parseVersionDescription } from '@lambda-release-kit/core';
import {
  functionOnVersion1,
  handlers,
  plan,
  runDeploy,
  sandboxClients,
  startTestBed,
  waitReady,
  zipSource,
  type TestBed,
} from './helpers.js';

let bed: TestBed;
let lambda: LambdaClient;
beforeAll(async () => {
  bed = await startTestBed();
  lambda = bed.clients.lambda;
});
afterAll(async () => {
  await bed.stop();
});

const OTHER_ROLE = 'arn:aws:iam::123456789012:role/another-writer';
const aliasOf = (name: string) => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
const versionsOf = async (name: string) =>
  ((await lambda.send(new ListVersionsByFunctionCommand({ FunctionName: name }))).Versions ?? []).map(
    (v) => v.Version,
  );

/** A release of new code and configuration, published and promoted at once (no traffic needed). */
const release = (functionName: string) =>
  plan(
    {
      functionName,
      strategy: 'all-at-once',
      source: zipSource(handlers.ok('v2')),
      configuration: { memorySize: 256, environment: { STAGE: 'staging' } },
    },
    bed.dir,
  );

/** A client that runs `before` once, right before its first `command` (PublishVersion unless named) is sent. */
function clientsRacing(
  before: () => Promise<void>,
  command = 'PublishVersionCommand',
  after = (): boolean => true,
): ReturnType<typeof sandboxClients> {
  const racing = sandboxClients(bed.sandbox);
  let raced = false;
  racing.lambda.middlewareStack.add(
    (next, context) => async (args) => {
      if (context.commandName === command && !raced && after()) {
        raced = true;
        await before();
      }
      return next(args);
    },
    { step: 'initialize', name: 'anotherWriter' },
  );
  return racing;
}

describe('publishing after the configuration and code updates', () => {
  it('a RevisionId that changed after the update finished: re-reads $LATEST, publishes again and promotes', async () => {
    await functionOnVersion1(lambda, 'orders-worker', handlers.ok('v1'));
    bed.sandbox.faults.add({ operation: 'PublishVersion', kind: 'stale-revision', times: 1 });
    const run = await runDeploy(bed.clients, release('orders-worker')).finally(() =>
      bed.sandbox.faults.clear(),
    );
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ status: 'promoted', previousVersion: '1', newVersion: '2' });
    expect(run.logger.text()).toContain(
      'the RevisionId of orders-worker changed after its update finished; $LATEST still holds our code and configuration: publishing again',
    );
    expect((await aliasOf('orders-worker')).FunctionVersion).toBe('2');
  });

  it('a RevisionId changed by an update that left code and configuration as ours: publishes again', async () => {
    await functionOnVersion1(lambda, 'same-settings-fn', handlers.ok('v1'));
    // The same memory size again: a new RevisionId for $LATEST, nothing else changed.
    const racing = clientsRacing(async () => {
      await lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'same-settings-fn', MemorySize: 256 }),
      );
      await waitReady(lambda, 'same-settings-fn');
    });
    const run = await runDeploy({ ...bed.clients, lambda: racing.lambda }, release('same-settings-fn'));
    racing.destroy();
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ status: 'promoted', newVersion: '2' });
    expect((await aliasOf('same-settings-fn')).FunctionVersion).toBe('2');
  });

  it("another run's configuration in $LATEST before publishing: fails naming the setting, nothing published", async () => {
    await functionOnVersion1(lambda, 'reconfigured-fn', handlers.ok('v1'));
    const racing = clientsRacing(async () => {
      await lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'reconfigured-fn', MemorySize: 512 }),
      );
    });
    const run = await runDeploy({ ...bed.clients, lambda: racing.lambda }, release('reconfigured-fn'));
    racing.destroy();
    expect(run.error?.message).toContain(
      'the configuration of $LATEST of reconfigured-fn differs from what this deploy read and set (MemorySize): another writer changed it meanwhile',
    );
    expect(await versionsOf('reconfigured-fn')).toEqual(['$LATEST', '1']);
    expect((await aliasOf('reconfigured-fn')).FunctionVersion).toBe('1');
  });

  it("another writer's execution role in $LATEST when PublishVersion is refused: fails naming Role, nothing published", async () => {
    await functionOnVersion1(lambda, 'role-race-fn', handlers.ok('v1'));
    const racing = clientsRacing(async () => {
      await lambda.send(
        new UpdateFunctionConfigurationCommand({ FunctionName: 'role-race-fn', Role: OTHER_ROLE }),
      );
      await waitReady(lambda, 'role-race-fn');
    });
    const run = await runDeploy({ ...bed.clients, lambda: racing.lambda }, release('role-race-fn'));
    racing.destroy();
    expect(run.error?.message).toContain(
      'the configuration of $LATEST of role-race-fn differs from what this deploy read and set (Role): another writer changed it meanwhile',
    );
    expect(run.logger.text()).not.toContain('publishing again');
    // A function another writer is changing is theirs: this deploy's settings are not put back over theirs.
    expect(run.error?.message).toContain(
      '$LATEST of role-race-fn was left as the other writer has it; alias live was not moved',
    );
    expect(await versionsOf('role-race-fn')).toEqual(['$LATEST', '1']);
    expect((await aliasOf('role-race-fn')).FunctionVersion).toBe('1');
  });

  it("another writer's role and timeout in $LATEST before our update is read back: nothing published", async () => {
    await functionOnVersion1(lambda, 'role-before-read-fn', handlers.ok('v1'));
    let codeSent = false;
    const racing = clientsRacing(
      async () => {
        await waitReady(lambda, 'role-before-read-fn');
        await lambda.send(
          new UpdateFunctionConfigurationCommand({
            FunctionName: 'role-before-read-fn',
            Role: OTHER_ROLE,
            Timeout: 30,
          }),
        );
        await waitReady(lambda, 'role-before-read-fn');
      },
      'GetFunctionCommand',
      () => codeSent,
    );
    racing.lambda.middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'UpdateFunctionCodeCommand') codeSent = true;
        return next(args);
      },
      { step: 'initialize', name: 'codeSent' },
    );
    const run = await runDeploy({ ...bed.clients, lambda: racing.lambda }, release('role-before-read-fn'));
    racing.destroy();
    expect(run.error?.message).toContain(
      'the configuration of $LATEST of role-before-read-fn differs from what this deploy read and set (Role, Timeout)',
    );
    expect(await versionsOf('role-before-read-fn')).toEqual(['$LATEST', '1']);
    expect((await aliasOf('role-before-read-fn')).FunctionVersion).toBe('1');
  });
});

describe('the description of the version published', () => {
  const descriptionOf = async (name: string, version: string) =>
    (await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name, Qualifier: version })))
      .Description ?? '';

  it('names the version it replaces on the alias and the run attempt, so a rollback without the record can undo it', async () => {
    await functionOnVersion1(lambda, 'described-fn', handlers.ok('v1'));
    const runUrl = 'https://github.com/o/r/actions/runs/4242';
    const run = await runDeploy(bed.clients, {
      ...release('described-fn'),
      release: { tag: 'v1.2.3', commit: '0123456789ab', runUrl },
      runAttempt: '2',
    });
    expect(run.result).toMatchObject({ status: 'promoted', newVersion: '2' });
    const description = await descriptionOf('described-fn', '2');
    expect(description).toBe(`release v1.2.3 commit 0123456789ab replaces 1 ${runUrl}/attempts/2`);
    expect(parseVersionDescription(description)).toMatchObject({ replaces: '1', runUrl, attempt: '2' });
  });

  it('stays within the 256 characters Lambda takes with a long repository and tag, keeping the run and the replaced version whole', async () => {
    await functionOnVersion1(lambda, 'long-described-fn', handlers.ok('v1'));
    const runUrl = `https://github.com/${'o'.repeat(39)}/${'r'.repeat(100)}/actions/runs/12345678901`;
    const run = await runDeploy(bed.clients, {
      ...release('long-described-fn'),
      release: { tag: `v1.2.3-${'x'.repeat(120)}`, commit: '0123456789ab', runUrl },
      runAttempt: '1',
    });
    expect(run.error).toBeUndefined();
    const description = await descriptionOf('long-described-fn', '2');
    expect(description.length).toBeLessThanOrEqual(256);
    expect(description).toMatch(
      new RegExp(`^release v1\\.2\\.3-x+\\.\\.\\. replaces 1 ${runUrl}/attempts/1$`),
    );
  });
});
