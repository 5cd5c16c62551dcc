import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  DeleteFunctionCommand,
  GetFunctionCommand,
  PublishVersionCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { createRecord, UserError, waitForFunctionUpdated, type VersionRef } from '@lambda-release-kit/core';
import {
  aliasState,
  handler,
  operations,
  request,
  ROLE,
  runRollback,
  startBed,
  type Bed,
} from './sandbox-bed.js';

const REPO = '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders';
let bed: Bed;

beforeAll(async () => {
  bed = await startBed();
});

afterAll(async () => {
  await bed.stop();
});

function codeRecord(name: string, previous: VersionRef, target: VersionRef) {
  return createRecord({
    functions: [{ function: { name }, alias: 'live', previous, target }],
    strategy: 'all-at-once',
    status: 'failed',
  });
}

/** An image function on `:v1`, then updated to `:v2`; with `publish`, each is published (versions 1 and 2). */
async function imageFunction(name: string, options: { publish: boolean }) {
  const publish = () =>
    options.publish ? bed.lambda.send(new PublishVersionCommand({ FunctionName: name })) : undefined;
  await bed.lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Role: ROLE,
      PackageType: 'Image',
      Code: { ImageUri: `${REPO}:v1` },
    }),
  );
  await waitForFunctionUpdated(bed.lambda, name, { timeoutMs: 5_000 });
  await publish();
  await bed.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ImageUri: `${REPO}:v2` }));
  await waitForFunctionUpdated(bed.lambda, name, { timeoutMs: 5_000 });
  await publish();
}

async function code(name: string) {
  const out = await bed.lambda.send(new GetFunctionCommand({ FunctionName: name }));
  return { imageUri: out.Code?.ImageUri, sha: out.Configuration?.CodeSha256 };
}

describe("method 'code' (functions without aliases)", () => {
  it('restores the previous image URI, waits until it is live, and is idempotent', async () => {
    const name = 'image-fn';
    await imageFunction(name, { publish: false });
    const record = codeRecord(
      name,
      { version: '1', imageUri: `${REPO}:v1` },
      { version: '2', imageUri: `${REPO}:v2` },
    );

    bed.sandbox.clearRequestLog();
    const dry = await runRollback(bed, request(name, { method: 'code', record, dryRun: true }));
    expect(dry).toMatchObject({ outcome: 'dry-run', method: 'code', from: '2', to: '1' });
    expect(dry.change).toMatch(
      new RegExp(`^UpdateFunctionCode \\{"FunctionName":"${name}","ImageUri":"${REPO}:v1"`),
    );
    expect(bed.sandbox.mutatingRequests()).toEqual([]);

    const result = await runRollback(bed, request(name, { method: 'code', record }));
    expect(result).toMatchObject({
      outcome: 'rolled-back',
      rolledBack: true,
      method: 'code',
      from: '2',
      to: '1',
    });
    expect(result.explanation).toMatch(/the update is live/);
    expect((await code(name)).imageUri).toBe(`${REPO}:v1`);
    expect(result.record?.rollbacks).toEqual([
      expect.objectContaining({ method: 'code', from: '2', to: '1' }),
    ]);

    bed.sandbox.clearRequestLog();
    const again = await runRollback(bed, request(name, { method: 'code', record: result.record }));
    expect(again).toMatchObject({ outcome: 'nothing-to-do', rolledBack: false });
    expect(operations(bed)).toEqual(['GetFunction', 'GetAlias']);
  });

  it('behind an alias, also moves the alias to the previous version, and says both changes', async () => {
    const name = 'image-alias-fn';
    await imageFunction(name, { publish: true });
    await bed.lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '2' }));
    const record = codeRecord(
      name,
      { version: '1', imageUri: `${REPO}:v1` },
      { version: '2', imageUri: `${REPO}:v2` },
    );

    const result = await runRollback(bed, request(name, { method: 'code', record }));
    expect(result).toMatchObject({ outcome: 'rolled-back', method: 'code', from: '2', to: '1' });
    expect(result.explanation).toMatch(
      /^code: restored .* alias: rolled back alias live .* from version 2 to version 1/,
    );
    expect(result.change).toMatch(/^UpdateFunctionCode .*; UpdateAlias /);
    expect((await code(name)).imageUri).toBe(`${REPO}:v1`);
    expect(await aliasState(bed.lambda, name)).toEqual({ version: '1', weights: {} });
  });

  it('a function deleted since the release is "gone", as with method alias: nothing left to restore', async () => {
    const name = 'image-deleted-fn';
    await imageFunction(name, { publish: true });
    await bed.lambda.send(new DeleteFunctionCommand({ FunctionName: name }));
    const record = codeRecord(
      name,
      { version: '1', imageUri: `${REPO}:v1` },
      { version: '2', imageUri: `${REPO}:v2` },
    );
    bed.sandbox.clearRequestLog();
    const result = await runRollback(bed, request(name, { method: 'code', record }));
    expect(result).toMatchObject({ outcome: 'gone', rolledBack: false });
    expect(result.explanation).toBe(
      `${name} no longer exists (deleted since the release): nothing is left to restore, and nothing changed`,
    );
    expect(operations(bed)).toEqual(['GetFunction']);
  });

  it('restores a zip from the previous S3 object and checks its CodeSha256', async () => {
    const name = 'zip-fn';
    const v1 = handler('zip v1');
    const objectVersion = bed.sandbox.putS3Object('artifacts', 'orders/v1.zip', v1);
    await bed.lambda.send(
      new CreateFunctionCommand({
        FunctionName: name,
        Role: ROLE,
        Runtime: 'nodejs22.x',
        Handler: 'index.handler',
        Code: { S3Bucket: 'artifacts', S3Key: 'orders/v1.zip', S3ObjectVersion: objectVersion },
      }),
    );
    await waitForFunctionUpdated(bed.lambda, name, { timeoutMs: 5_000 });
    const v1Sha = (await code(name)).sha;
    if (!v1Sha) throw new Error(`GetFunction of ${name} gave no CodeSha256`);
    await bed.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: handler('zip v2') }));
    await waitForFunctionUpdated(bed.lambda, name, { timeoutMs: 5_000 });

    const record = codeRecord(
      name,
      { version: '1', codeSha256: v1Sha, s3: { bucket: 'artifacts', key: 'orders/v1.zip', objectVersion } },
      { version: '2' },
    );
    const result = await runRollback(bed, request(name, { method: 'code', record }));
    expect(result).toMatchObject({ outcome: 'rolled-back', method: 'code' });
    expect((await code(name)).sha).toBe(v1Sha);
    expect(result.logger.text()).not.toMatch(/warning/);
  });

  it('without the previous code location it is a clear error before any AWS call', async () => {
    bed.sandbox.clearRequestLog();
    const attempt = runRollback(
      bed,
      request('image-fn', {
        method: 'code',
        record: codeRecord('image-fn', { version: '1' }, { version: '2' }),
      }),
    );
    await expect(attempt).rejects.toThrow(UserError);
    await expect(attempt).rejects.toThrow(/needs the deployment record's previous image URI or S3 object/);
    expect(bed.sandbox.requestLog()).toEqual([]);
  });
});
