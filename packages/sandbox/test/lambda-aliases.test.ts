import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateAliasCommand,
  DeleteAliasCommand,
  GetAliasCommand,
  ListAliasesCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../src/index.js';
import { createReadyFunction, errorName, esmHandler, lambdaClient, waitUntilReady } from './helpers.js';

let sandbox: Sandbox;
let client: LambdaClient;

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 100, updateDelayMs: 1000 });
  client = lambdaClient(sandbox);
});
afterAll(async () => {
  client.destroy();
  await sandbox.stop();
});

/** Creates `name` with versions 1..count, each with different code. */
async function functionWithVersions(
  name: string,
  count: number,
  roleOf?: (v: number) => string,
): Promise<void> {
  await createReadyFunction(client, name, esmHandler(`${name}-1`), roleOf ? { Role: roleOf(1) } : {});
  await client.send(new PublishVersionCommand({ FunctionName: name }));
  for (let v = 2; v <= count; v++) {
    await client.send(
      new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: esmHandler(`${name}-${v}`) }),
    );
    await waitUntilReady(client, name);
    if (roleOf) {
      await client.send(new UpdateFunctionConfigurationCommand({ FunctionName: name, Role: roleOf(v) }));
      await waitUntilReady(client, name);
    }
    await client.send(new PublishVersionCommand({ FunctionName: name }));
  }
}

describe('aliases', () => {
  beforeAll(async () => {
    await functionWithVersions('alias-fn', 3);
  });

  it('creates, reads, moves and weights an alias, changing RevisionId on every update', async () => {
    const created = await client.send(
      new CreateAliasCommand({ FunctionName: 'alias-fn', Name: 'live', FunctionVersion: '1' }),
    );
    expect(created.AliasArn).toBe('arn:aws:lambda:us-east-1:123456789012:function:alias-fn:live');
    const moved = await client.send(
      new UpdateAliasCommand({
        FunctionName: 'alias-fn',
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } },
        RevisionId: created.RevisionId,
      }),
    );
    expect(moved.RevisionId).not.toBe(created.RevisionId);
    const got = await client.send(new GetAliasCommand({ FunctionName: 'alias-fn', Name: 'live' }));
    expect(got.RoutingConfig?.AdditionalVersionWeights).toEqual({ '2': 0.1 });
    expect(sandbox.lambda.getAlias('alias-fn', 'live')).toMatchObject({
      functionVersion: '1',
      additionalVersionWeights: { '2': 0.1 },
    });

    expect(
      await errorName(() =>
        client.send(
          new UpdateAliasCommand({
            FunctionName: 'alias-fn',
            Name: 'live',
            FunctionVersion: '2',
            RevisionId: created.RevisionId,
          }),
        ),
      ),
    ).toBe('PreconditionFailedException');

    const promoted = await client.send(
      new UpdateAliasCommand({
        FunctionName: 'alias-fn',
        Name: 'live',
        FunctionVersion: '2',
        RoutingConfig: { AdditionalVersionWeights: {} },
      }),
    );
    expect(promoted.FunctionVersion).toBe('2');
    expect(promoted.RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
  });

  it.each([
    ['two additional versions', '1', { '2': 0.1, '3': 0.1 }, 'InvalidParameterValueException'],
    ['$LATEST as the additional version', '1', { $LATEST: 0.1 }, 'ValidationException'],
    [
      '$LATEST as the primary version with routing',
      '$LATEST',
      { '1': 0.1 },
      'InvalidParameterValueException',
    ],
    ['a weight above 1', '1', { '2': 1.5 }, 'ValidationException'],
    ['a negative weight', '1', { '2': -0.1 }, 'ValidationException'],
    ['the primary version again', '1', { '1': 0.5 }, 'InvalidParameterValueException'],
  ])('refuses routing with %s', async (_what, primary, weights, error) => {
    const name = `bad-${Math.random().toString(36).slice(2, 8)}`;
    expect(
      await errorName(() =>
        client.send(
          new CreateAliasCommand({
            FunctionName: 'alias-fn',
            Name: name,
            FunctionVersion: primary,
            RoutingConfig: { AdditionalVersionWeights: weights },
          }),
        ),
      ),
    ).toBe(error);
  });

  it('refuses routing to a version that does not exist (ResourceNotFoundException)', async () => {
    expect(
      await errorName(() =>
        client.send(
          new CreateAliasCommand({
            FunctionName: 'alias-fn',
            Name: 'ghost',
            FunctionVersion: '1',
            RoutingConfig: { AdditionalVersionWeights: { '9': 0.5 } },
          }),
        ),
      ),
    ).toBe('ResourceNotFoundException');
  });

  it('refuses routing between versions with different execution roles', async () => {
    await functionWithVersions('roles-fn', 2, (v) => `arn:aws:iam::123456789012:role/role-${v}`);
    expect(
      await errorName(() =>
        client.send(
          new CreateAliasCommand({
            FunctionName: 'roles-fn',
            Name: 'live',
            FunctionVersion: '1',
            RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
          }),
        ),
      ),
    ).toBe('InvalidParameterValueException');
  });

  it('refuses a duplicate alias with ResourceConflictException', async () => {
    await client.send(
      new CreateAliasCommand({ FunctionName: 'alias-fn', Name: 'dup', FunctionVersion: '1' }),
    );
    expect(
      await errorName(() =>
        client.send(new CreateAliasCommand({ FunctionName: 'alias-fn', Name: 'dup', FunctionVersion: '2' })),
      ),
    ).toBe('ResourceConflictException');
    await client.send(new DeleteAliasCommand({ FunctionName: 'alias-fn', Name: 'dup' }));
    expect(
      await errorName(() => client.send(new GetAliasCommand({ FunctionName: 'alias-fn', Name: 'dup' }))),
    ).toBe('ResourceNotFoundException');
  });

  it('paginates ListAliases', async () => {
    for (const n of ['a1', 'a2', 'a3'])
      await client.send(
        new CreateAliasCommand({ FunctionName: 'alias-fn', Name: `page-${n}`, FunctionVersion: '3' }),
      );
    const names: string[] = [];
    let marker: string | undefined;
    for (let page = 0; page < 10; page++) {
      const r = await client.send(
        new ListAliasesCommand({
          FunctionName: 'alias-fn',
          FunctionVersion: '3',
          MaxItems: 2,
          Marker: marker,
        }),
      );
      names.push(...r.Aliases!.map((a) => a.Name!));
      marker = r.NextMarker;
      if (!marker) break;
    }
    expect(names).toEqual(['page-a1', 'page-a2', 'page-a3']);
  });
});
