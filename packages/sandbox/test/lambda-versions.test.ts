import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  GetFunctionCommand,
  GetFunctionConfigurationCommand,
  InvokeCommand,
  ListVersionsByFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { createHash } from 'node:crypto';
import { startSandbox, type Sandbox } from '../src/index.js';
import { createReadyFunction, errorName, esmHandler, lambdaClient, waitUntilReady } from './helpers.js';

// 1 simulated second of update delay passes in 20 real ms.
let sandbox: Sandbox;
let client: LambdaClient;

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 50, updateDelayMs: 1000 });
  client = lambdaClient(sandbox);
});
afterAll(async () => {
  client.destroy();
  await sandbox.stop();
});

describe('functions and versions', () => {
  it('creates a function from a zip and reports its CodeSha256 as base64 SHA-256 of the zip', async () => {
    const zip = esmHandler('v1');
    await createReadyFunction(client, 'sha-fn', zip);
    const got = await client.send(new GetFunctionCommand({ FunctionName: 'sha-fn' }));
    expect(got.Configuration?.CodeSha256).toBe(createHash('sha256').update(zip).digest('base64'));
    expect(got.Configuration?.State).toBe('Active');
    expect(got.Code?.RepositoryType).toBe('S3');
    const zipBack = await fetch(got.Code!.Location!);
    expect(Buffer.from(await zipBack.arrayBuffer()).equals(Buffer.from(zip))).toBe(true);
  });

  it('refuses a stale RevisionId with PreconditionFailedException (412)', async () => {
    await createReadyFunction(client, 'rev-fn', esmHandler('v1'));
    const before = await client.send(new GetFunctionConfigurationCommand({ FunctionName: 'rev-fn' }));
    const updated = await client.send(
      new UpdateFunctionConfigurationCommand({
        FunctionName: 'rev-fn',
        Description: 'new',
        RevisionId: before.RevisionId,
      }),
    );
    expect(updated.RevisionId).not.toBe(before.RevisionId);
    await waitUntilReady(client, 'rev-fn');
    expect(
      await errorName(() =>
        client.send(
          new UpdateFunctionCodeCommand({
            FunctionName: 'rev-fn',
            ZipFile: esmHandler('x'),
            RevisionId: before.RevisionId,
          }),
        ),
      ),
    ).toBe('PreconditionFailedException');
    expect(
      await errorName(() =>
        client.send(new PublishVersionCommand({ FunctionName: 'rev-fn', RevisionId: before.RevisionId })),
      ),
    ).toBe('PreconditionFailedException');
  });

  it('publishes increasing immutable versions and returns the existing one when $LATEST is unchanged', async () => {
    await createReadyFunction(client, 'ver-fn', esmHandler('one'));
    const v1 = await client.send(new PublishVersionCommand({ FunctionName: 'ver-fn', Description: 'first' }));
    const again = await client.send(new PublishVersionCommand({ FunctionName: 'ver-fn' }));
    expect(again.Version).toBe(v1.Version);
    await client.send(new UpdateFunctionCodeCommand({ FunctionName: 'ver-fn', ZipFile: esmHandler('two') }));
    await waitUntilReady(client, 'ver-fn');
    const v2 = await client.send(new PublishVersionCommand({ FunctionName: 'ver-fn' }));
    expect(Number(v2.Version)).toBe(Number(v1.Version) + 1);
    const one = await client.send(new InvokeCommand({ FunctionName: 'ver-fn', Qualifier: v1.Version }));
    expect(JSON.parse(Buffer.from(one.Payload!).toString())).toMatchObject({
      label: 'one',
      version: v1.Version,
      env: v1.Version,
    });
    expect(one.ExecutedVersion).toBe(v1.Version);
    const config = await client.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'ver-fn', Qualifier: v1.Version }),
    );
    expect(config.CodeSha256).toBe(v1.CodeSha256);
    expect(config.Description).toBe('first');
  });

  it('refuses PublishVersion with a CodeSha256 that is not $LATEST’s (InvalidParameterValueException)', async () => {
    await createReadyFunction(client, 'sha-check-fn', esmHandler('a'));
    const wrong = Buffer.alloc(32).toString('base64');
    expect(
      await errorName(() =>
        client.send(new PublishVersionCommand({ FunctionName: 'sha-check-fn', CodeSha256: wrong })),
      ),
    ).toBe('InvalidParameterValueException');
    const listed = await client.send(new ListVersionsByFunctionCommand({ FunctionName: 'sha-check-fn' }));
    expect(listed.Versions?.map((v) => v.Version)).toEqual(['$LATEST']);
  });

  it('paginates ListVersionsByFunction with Marker and MaxItems', async () => {
    await createReadyFunction(client, 'page-fn', esmHandler('p0'));
    for (let i = 1; i <= 4; i++) {
      await client.send(
        new UpdateFunctionCodeCommand({
          FunctionName: 'page-fn',
          ZipFile: esmHandler(`p${i}`),
          Publish: true,
        }),
      );
      await waitUntilReady(client, 'page-fn');
    }
    const seen: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await client.send(
        new ListVersionsByFunctionCommand({ FunctionName: 'page-fn', MaxItems: 2, Marker: marker }),
      );
      expect(r.Versions!.length).toBeLessThanOrEqual(2);
      seen.push(...r.Versions!.map((v) => v.Version!));
      marker = r.NextMarker;
      if (!marker) break;
    }
    expect(seen).toEqual(['$LATEST', '1', '2', '3', '4']);
  });

  it('answers unknown functions with ResourceNotFoundException', async () => {
    expect(await errorName(() => client.send(new GetFunctionCommand({ FunctionName: 'nope' })))).toBe(
      'ResourceNotFoundException',
    );
    expect(await errorName(() => client.send(new InvokeCommand({ FunctionName: 'nope' })))).toBe(
      'ResourceNotFoundException',
    );
  });
});
