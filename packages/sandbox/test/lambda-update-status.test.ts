import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  waitUntilFunctionActiveV2,
  waitUntilFunctionUpdatedV2,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../src/index.js';
import { ROLE, createReadyFunction, errorName, esmHandler, lambdaClient, waitUntilReady } from './helpers.js';

// A 600 ms real window for Pending / InProgress: wide enough to observe them on a busy machine.
let sandbox: Sandbox;
let client: LambdaClient;

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 5, updateDelayMs: 3000 });
  client = lambdaClient(sandbox);
});
afterAll(async () => {
  client.destroy();
  await sandbox.stop();
});

describe('State and LastUpdateStatus', () => {
  it('refuses an update while the previous one is InProgress (409), then accepts it', async () => {
    await createReadyFunction(client, 'busy-fn', esmHandler('v1'));
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
    await waitUntilReady(client, 'busy-fn');
    const published = await client.send(new PublishVersionCommand({ FunctionName: 'busy-fn' }));
    expect(published.Version).toBe('1');
  });

  it('gives $LATEST a new RevisionId when an update finishes, as Lambda does; both PublishVersion guards answer as AWS', async () => {
    await createReadyFunction(client, 'revision-fn', esmHandler('v1'));
    const updated = await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: 'revision-fn', ZipFile: esmHandler('v2') }),
    );
    await waitUntilReady(client, 'revision-fn');
    const settled = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'revision-fn' }));
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
    await client.send(
      new CreateFunctionCommand({
        FunctionName: 'waiter-fn',
        Role: ROLE,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { ZipFile: esmHandler('a') },
      }),
    );
    expect(
      (await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'waiter-fn' }))).State,
    ).toBe('Pending');
    expect(await errorName(() => client.send(new InvokeCommand({ FunctionName: 'waiter-fn' })))).toBe(
      'ResourceConflictException',
    );
    await waitUntilFunctionActiveV2({ client, maxWaitTime: 5, minDelay: 0.05, maxDelay: 0.1 } as never, {
      FunctionName: 'waiter-fn',
    });
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
    await waitUntilFunctionUpdatedV2({ client, maxWaitTime: 5, minDelay: 0.05, maxDelay: 0.1 } as never, {
      FunctionName: 'waiter-fn',
    });
    const r = await client.send(new InvokeCommand({ FunctionName: 'waiter-fn', Qualifier: '1' }));
    expect(JSON.parse(Buffer.from(r.Payload!).toString()).label).toBe('b');
  });
});
