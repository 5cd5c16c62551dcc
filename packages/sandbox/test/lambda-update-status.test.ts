import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GetFunctionConfigurationCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createManualClock, startSandbox, type Sandbox } from '../src/index.js';
import {
  createActiveFunction,
  createFunction,
  errorName,
  esmHandler,
  eventually,
  lambdaClient,
} from './helpers.js';

// Pending and InProgress last until the test advances the clock, however slow the machine is.
const UPDATE_DELAY_MS = 3000;
const clock = createManualClock();
let sandbox: Sandbox;
let client: LambdaClient;

beforeAll(async () => {
  sandbox = await startSandbox({ clock, updateDelayMs: UPDATE_DELAY_MS });
  client = lambdaClient(sandbox);
});
afterAll(async () => {
  client.destroy();
  await sandbox.stop();
});

const configuration = (name: string) =>
  client.send(new GetFunctionConfigurationCommand({ FunctionName: name }));

/** How many requests of `operation` the sandbox has answered. */
const answered = (operation: string) => sandbox.requestLog().filter((e) => e.operation === operation).length;

describe('State and LastUpdateStatus', () => {
  it('refuses an update while the previous one is InProgress (409), then accepts it', async () => {
    await createActiveFunction(client, clock, UPDATE_DELAY_MS, 'busy-fn', esmHandler('v1'));
    const first = await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'busy-fn', ZipFile: esmHandler('v2') }),
    );
    expect(first.LastUpdateStatus).toBe('InProgress');
    expect(
      await errorName(() =>
        client.send(new UpdateFunctionCodeCommand({ FunctionName: 'busy-fn', ZipFile: esmHandler('v3') })),
      ),
    ).toBe('ResourceConflictException');
    expect(await errorName(() => client.send(new PublishVersionCommand({ FunctionName: 'busy-fn' })))).toBe(
      'ResourceConflictException',
    );
    await clock.advance(UPDATE_DELAY_MS - 1);
    expect((await configuration('busy-fn')).LastUpdateStatus).toBe('InProgress');
    await clock.advance(1);
    expect((await configuration('busy-fn')).LastUpdateStatus).toBe('Successful');
    const published = await client.send(new PublishVersionCommand({ FunctionName: 'busy-fn' }));
    expect(published.Version).toBe('1');
  });

  it('gives $LATEST a new RevisionId when an update finishes, as Lambda does; both PublishVersion guards answer as AWS', async () => {
    await createActiveFunction(client, clock, UPDATE_DELAY_MS, 'revision-fn', esmHandler('v1'));
    const updated = await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'revision-fn', ZipFile: esmHandler('v2') }),
    );
    await clock.advance(UPDATE_DELAY_MS);
    const settled = await configuration('revision-fn');
    expect(settled.LastUpdateStatus).toBe('Successful');
    expect(settled.RevisionId).not.toBe(updated.RevisionId);
    const publish = (input: { RevisionId?: string | undefined; CodeSha256?: string }) =>
      errorName(() => client.send(new PublishVersionCommand({ FunctionName: 'revision-fn', ...input })));
    expect(await publish({ RevisionId: updated.RevisionId })).toBe('PreconditionFailedException');
    expect(await publish({ RevisionId: settled.RevisionId, CodeSha256: 'not-the-code' })).toBe(
      'InvalidParameterValueException',
    );
    const published = await client.send(
      new PublishVersionCommand({
        FunctionName: 'revision-fn',
        RevisionId: settled.RevisionId,
        CodeSha256: updated.CodeSha256,
      }),
    );
    expect(published.CodeSha256).toBe(updated.CodeSha256);
  });

  it('works with the SDK waiters, validates DryRun updates without applying them, and publishes on update', async () => {
    await createFunction(client, 'waiter-fn', esmHandler('a'));
    expect((await configuration('waiter-fn')).State).toBe('Pending');
    expect(await errorName(() => client.send(new InvokeCommand({ FunctionName: 'waiter-fn' })))).toBe(
      'ResourceConflictException',
    );
    // The waiter polls in real time; it must still be waiting after it has seen Pending, until the clock moves.
    const polls = answered('GetFunction');
    const active = waitUntilFunctionActiveV2(
      { client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.1 } as never,
      {
        FunctionName: 'waiter-fn',
      },
    );
    await eventually('the waiter to poll twice', () =>
      answered('GetFunction') >= polls + 2 ? true : undefined,
    );
    expect((await configuration('waiter-fn')).State).toBe('Pending');
    await clock.advance(UPDATE_DELAY_MS);
    expect((await active).state).toBe('SUCCESS');
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'waiter-fn' }));
    const dry = await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'waiter-fn', ZipFile: esmHandler('b'), DryRun: true }),
    );
    expect(dry.CodeSha256).not.toBe(before.CodeSha256);
    const after = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'waiter-fn' }));
    expect(after.CodeSha256).toBe(before.CodeSha256);
    expect(after.RevisionId).toBe(before.RevisionId);
    const published = await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'waiter-fn', ZipFile: esmHandler('b'), Publish: true }),
    );
    expect(published.Version).toBe('1');
    const updatePolls = answered('GetFunction');
    const updated = waitUntilFunctionUpdatedV2(
      { client, maxWaitTime: 30, minDelay: 0.05, maxDelay: 0.1 } as never,
      {
        FunctionName: 'waiter-fn',
      },
    );
    await eventually('the waiter to poll twice', () =>
      answered('GetFunction') >= updatePolls + 2 ? true : undefined,
    );
    expect((await configuration('waiter-fn')).LastUpdateStatus).toBe('InProgress');
    await clock.advance(UPDATE_DELAY_MS);
    expect((await updated).state).toBe('SUCCESS');
    const r = await client.send(new InvokeCommand({ FunctionName: 'waiter-fn', Qualifier: '1' }));
    expect(JSON.parse(Buffer.from(r.Payload!).toString()).label).toBe('b');
  });
});
