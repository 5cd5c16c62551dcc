// What Lambda refuses, the sandbox refuses too, with the same exception, status and message form: the rows of the
// fidelity table in packages/sandbox/README.md that are about names, ARNs and parameter constraints.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetAliasCommand,
  GetFunctionCommand,
  InvokeCommand,
  PublishVersionCommand,
  Runtime,
  UpdateAliasCommand,
  UpdateFunctionConfigurationCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { startSandbox, type Sandbox } from '../src/index.js';
import { createReadyFunction, esmHandler, lambdaClient, ROLE, waitUntilReady } from './helpers.js';

let sandbox: Sandbox;
let client: LambdaClient;

const LOCAL = 'arn:aws:lambda:us-east-1:123456789012:function:fid-fn';

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 100, updateDelayMs: 200 });
  client = lambdaClient(sandbox);
  await createReadyFunction(client, 'fid-fn', esmHandler('one'));
  await client.send(new PublishVersionCommand({ FunctionName: 'fid-fn' }));
  await client.send(new CreateAliasCommand({ FunctionName: 'fid-fn', Name: 'live', FunctionVersion: '1' }));
});
afterAll(async () => {
  client.destroy();
  await sandbox.stop();
});

/** The error a call fails with: its name, HTTP status and message (fails the test if nothing is thrown). */
async function refusal(
  call: () => Promise<unknown>,
): Promise<{ name: string; status: number | undefined; message: string }> {
  try {
    await call();
  } catch (e) {
    const error = e as Error & { $metadata?: { httpStatusCode?: number } };
    return { name: error.name, status: error.$metadata?.httpStatusCode, message: error.message };
  }
  throw new Error('expected the call to be refused');
}

const moveLive = (functionName: string) =>
  client.send(
    new UpdateAliasCommand({ FunctionName: functionName, Name: 'live', FunctionVersion: '$LATEST' }),
  );

describe('function ARNs of another region or account', () => {
  it('refuses an ARN of another region: a regional endpoint cannot reach it (ResourceNotFoundException)', async () => {
    expect(await refusal(() => moveLive('arn:aws:lambda:eu-west-1:123456789012:function:fid-fn'))).toEqual({
      name: 'ResourceNotFoundException',
      status: 404,
      message: "Functions from 'eu-west-1' are not reachable in this region ('us-east-1')",
    });
    const alias = await client.send(new GetAliasCommand({ FunctionName: 'fid-fn', Name: 'live' }));
    expect(alias.FunctionVersion).toBe('1');
  });

  it.each([
    ['a full ARN', 'arn:aws:lambda:us-east-1:210987654321:function:fid-fn'],
    ['a partial ARN', '210987654321:function:fid-fn'],
    ['a qualified partial ARN', '210987654321:function:fid-fn:live'],
  ])('refuses %s of another account (AccessDeniedException, 403) and moves nothing', async (_what, name) => {
    const refused = await refusal(() =>
      client.send(new GetAliasCommand({ FunctionName: name.replace(/:live$/, ''), Name: 'live' })),
    );
    expect(refused).toEqual({
      name: 'AccessDeniedException',
      status: 403,
      message:
        'User: arn:aws:sts::123456789012:assumed-role/sandbox-caller/sandbox is not authorized to perform: lambda:GetAlias on resource: arn:aws:lambda:us-east-1:210987654321:function:fid-fn because no resource-based policy allows the lambda:GetAlias action',
    });
    expect((await refusal(() => moveLive(name.replace(/:live$/, '')))).name).toBe('AccessDeniedException');
    const invoke = await refusal(() => client.send(new InvokeCommand({ FunctionName: name })));
    expect(invoke.message).toContain('lambda:InvokeFunction on resource');
    const alias = await client.send(new GetAliasCommand({ FunctionName: 'fid-fn', Name: 'live' }));
    expect(alias.FunctionVersion).toBe('1');
  });

  it("answers the sandbox's own ARNs, full and partial, as the function", async () => {
    const full = await client.send(new GetFunctionCommand({ FunctionName: LOCAL }));
    const partial = await client.send(
      new GetFunctionCommand({ FunctionName: '123456789012:function:fid-fn' }),
    );
    expect(full.Configuration?.FunctionArn).toBe(LOCAL);
    expect(partial.Configuration?.FunctionArn).toBe(LOCAL);
  });
});

describe('parameter constraints of the service model', () => {
  const configure = (input: Record<string, unknown>) =>
    client.send(new UpdateFunctionConfigurationCommand({ FunctionName: 'fid-fn', ...input }));

  it("refuses a runtime that is not in the SDK's Runtime enum, on create and on update", async () => {
    const created = await refusal(() =>
      client.send(
        new CreateFunctionCommand({
          FunctionName: 'fid-nodejs99',
          Role: ROLE,
          Runtime: 'nodejs99.x' as Runtime,
          Handler: 'index.handler',
          Code: { ZipFile: esmHandler('x') },
        }),
      ),
    );
    expect(created).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(created.message).toMatch(
      /^1 validation error detected: Value 'nodejs99\.x' at 'runtime' failed to satisfy constraint: Member must satisfy enum value set: \[.*nodejs22\.x.*\] or be a valid ARN$/,
    );
    expect((await refusal(() => configure({ Runtime: 'node22' }))).name).toBe('ValidationException');
    expect(
      (await refusal(() => client.send(new GetFunctionCommand({ FunctionName: 'fid-nodejs99' })))).name,
    ).toBe('ResourceNotFoundException');
  });

  it('accepts runtimes the SDK names (python3.13, nodejs22.x)', async () => {
    await configure({ Runtime: Runtime.python313 });
    await waitUntilReady(client, 'fid-fn');
    await configure({ Runtime: Runtime.nodejs22x });
    await waitUntilReady(client, 'fid-fn');
  });

  it.each([
    ['Timeout 0', { Timeout: 0 }, 'ValidationException', "Value '0' at 'timeout'"],
    ['Timeout 901', { Timeout: 901 }, 'InvalidParameterValueException', '900'],
    ['MemorySize 10241', { MemorySize: 10241 }, 'ValidationException', "at 'memorySize'"],
    [
      'EphemeralStorage 10241',
      { EphemeralStorage: { Size: 10241 } },
      'ValidationException',
      'ephemeralStorage',
    ],
    [
      'a 257-character Description',
      { Description: 'd'.repeat(257) },
      'ValidationException',
      "at 'description'",
    ],
    ['a Role that is not a role ARN', { Role: 'lambda-exec' }, 'ValidationException', "at 'role'"],
    ['a Handler with a space', { Handler: 'index handler' }, 'ValidationException', "at 'handler'"],
  ])('refuses %s in UpdateFunctionConfiguration', async (_what, input, name, says) => {
    const refused = await refusal(() => configure(input));
    expect(refused).toMatchObject({ name, status: 400 });
    expect(refused.message).toContain(says);
  });

  it('refuses environment variables over 4 KB, quoting the measured string as Lambda does, and a bad variable name', async () => {
    const big = await refusal(() => configure({ Environment: { Variables: { BLOB: 'x'.repeat(4090) } } }));
    expect(big).toMatchObject({ name: 'InvalidParameterValueException', status: 400 });
    expect(big.message).toMatch(
      /^Lambda was unable to configure your environment variables because the environment variables you have provided exceeded the 4KB limit\. String measured: \{"BLOB":"x+"\}$/,
    );
    const badName = await refusal(() => configure({ Environment: { Variables: { '1ST': 'secret-value' } } }));
    expect(badName).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(badName.message).not.toContain('secret-value');
    await configure({ Environment: { Variables: { BLOB: 'x'.repeat(4000) } } });
    await waitUntilReady(client, 'fid-fn');
  });

  it('refuses a Description over 256 characters on PublishVersion and CreateAlias', async () => {
    const long = 'd'.repeat(257);
    expect(
      (
        await refusal(() =>
          client.send(new PublishVersionCommand({ FunctionName: 'fid-fn', Description: long })),
        )
      ).name,
    ).toBe('ValidationException');
    expect(
      (
        await refusal(() =>
          client.send(
            new CreateAliasCommand({
              FunctionName: 'fid-fn',
              Name: 'desc',
              FunctionVersion: '1',
              Description: long,
            }),
          ),
        )
      ).name,
    ).toBe('ValidationException');
  });

  it.each([
    ['a name of digits only', '123'],
    ['a name of 129 characters', 'a'.repeat(129)],
    ['a name with a dot', 'v1.2'],
  ])('refuses %s for an alias, created or read', async (_what, name) => {
    expect(
      (
        await refusal(() =>
          client.send(new CreateAliasCommand({ FunctionName: 'fid-fn', Name: name, FunctionVersion: '1' })),
        )
      ).name,
    ).toBe('ValidationException');
    expect(
      (await refusal(() => client.send(new GetAliasCommand({ FunctionName: 'fid-fn', Name: name })))).name,
    ).toBe('ValidationException');
  });

  it('refuses a FunctionVersion that is neither $LATEST nor a number', async () => {
    const refused = await refusal(() =>
      client.send(new UpdateAliasCommand({ FunctionName: 'fid-fn', Name: 'live', FunctionVersion: 'v1' })),
    );
    expect(refused).toMatchObject({ name: 'ValidationException', status: 400 });
    expect(refused.message).toContain("at 'functionVersion'");
  });

  it('refuses a function name over 64 characters, and a dot where only GetFunction and Invoke allow one', async () => {
    const long = 'f'.repeat(65);
    expect((await refusal(() => client.send(new GetFunctionCommand({ FunctionName: long })))).name).toBe(
      'ValidationException',
    );
    expect((await refusal(() => moveLive('fid.fn'))).name).toBe('ValidationException');
    expect((await refusal(() => client.send(new GetFunctionCommand({ FunctionName: 'fid.fn' })))).name).toBe(
      'ResourceNotFoundException',
    );
  });

  it('refuses a Qualifier outside its pattern', async () => {
    const refused = await refusal(() =>
      client.send(new GetFunctionCommand({ FunctionName: 'fid-fn', Qualifier: 'live/1' })),
    );
    expect(refused).toMatchObject({ name: 'ValidationException', status: 400 });
  });
});

describe('statuses', () => {
  it('answers DeleteFunction with 204, after which the function is not found', async () => {
    await createReadyFunction(client, 'fid-deleted', esmHandler('gone'));
    const deleted = await client.send(new DeleteFunctionCommand({ FunctionName: 'fid-deleted' }));
    expect(deleted.$metadata.httpStatusCode).toBe(204);
    expect(
      await refusal(() => client.send(new GetFunctionCommand({ FunctionName: 'fid-deleted' }))),
    ).toMatchObject({ name: 'ResourceNotFoundException', status: 404 });
  });
});
