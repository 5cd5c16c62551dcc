import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetAliasCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
  type LambdaClient,
} from '@aws-sdk/client-lambda';
import { readRecordFile } from '@lambda-release-kit/core';
import { parsePreTrafficCheck } from '../src/pre-traffic-check.js';
import {
  functionOnVersion1,
  handlers,
  plan,
  ROLE,
  runDeploy,
  sandboxClients,
  sha256,
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

const operations = () => bed.sandbox.mutatingRequests().map((entry) => entry.operation);
const aliasOf = (name: string) => lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
const IMAGE = (tag: string) => `123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:${tag}`;

describe('deploy lifecycle', () => {
  it('first release: publishes and creates the alias on the new version', async () => {
    await functionOnVersion1(lambda, 'first-fn', handlers.ok('v1'), { alias: false });
    const run = await runDeploy(
      bed.clients,
      plan({ functionName: 'first-fn', source: zipSource(handlers.ok('v2')) }, bed.dir),
    );
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ status: 'promoted', newVersion: '2' });
    expect(run.result?.previousVersion).toBeUndefined();
    expect((await aliasOf('first-fn')).FunctionVersion).toBe('2');
    const record = await readRecordFile(run.recordFile);
    expect(record).toMatchObject({
      status: 'promoted',
      functions: [{ target: { version: '2' } }],
      release: { tag: 'v1.2.3' },
    });
    expect(record.functions[0].previous).toBeUndefined();
  });

  it('dry-run: reads the state and prints the full plan with zero mutating calls', async () => {
    await functionOnVersion1(lambda, 'dry-fn', handlers.ok('v1'));
    bed.sandbox.clearRequestLog();
    const run = await runDeploy(
      bed.clients,
      plan(
        {
          functionName: 'dry-fn',
          dryRun: true,
          source: zipSource(handlers.ok('v2')),
          steps: [
            { weight: 0.1, bakeMs: 300_000 },
            { weight: 0.5, bakeMs: 300_000 },
          ],
          thresholds: {
            maxErrorRate: 0.005,
            maxP95LatencyMs: 800,
            minInvocations: 50,
            compareToStable: false,
            falseRollbackRate: 0.01,
            missedRegressionRate: 0.05,
          },
        },
        bed.dir,
      ),
    );
    expect(run.error).toBeUndefined();
    expect(operations()).toEqual([]);
    expect(bed.sandbox.requestLog().length).toBeGreaterThan(0);
    expect(run.result?.status).toBe('planned');
    const text = run.result!.planLines!.join('\n');
    expect(text).toContain('Now: live serves 100% on version 1');
    expect(text).toContain(
      'Step 1: UpdateAlias live FunctionVersion 1, AdditionalVersionWeights {"2": 0.1} (10% on 2); bake 5m',
    );
    expect(text).toContain('Step 2: UpdateAlias live FunctionVersion 1, AdditionalVersionWeights {"2": 0.5}');
    expect(text).toContain('Promote: UpdateAlias live FunctionVersion 2, AdditionalVersionWeights {}');
    expect(text).toContain('Total bake time: 10m');
    expect(text).toMatch(/error rate ≤ 0.5%.*p95 ≤ 800 ms.*at least 50 invocations/);
    expect(text).toContain('at most 1% false rollbacks over the rollout');
    expect(text).toContain('On failure: UpdateAlias live FunctionVersion 1, AdditionalVersionWeights {}');
    expect((await readRecordFile(run.recordFile)).status).toBe('planned');
  });

  it('no-op: unchanged code ends cleanly without changing anything', async () => {
    await functionOnVersion1(lambda, 'same-fn', handlers.ok('v1'));
    bed.sandbox.clearRequestLog();
    const zip = await runDeploy(
      bed.clients,
      plan({ functionName: 'same-fn', source: zipSource(handlers.ok('v1')) }, bed.dir),
    );
    expect(zip.error).toBeUndefined();
    expect(zip.result).toMatchObject({ status: 'no-op', previousVersion: '1', newVersion: '1' });
    const latest = await runDeploy(bed.clients, plan({ functionName: 'same-fn' }, bed.dir));
    expect(latest.result?.status).toBe('no-op');
    expect(operations()).toEqual([]);
    expect((await readRecordFile(latest.recordFile)).status).toBe('no-op');
  });

  it('skip-canary: one guarded alias move, the reason recorded with the actor', async () => {
    await functionOnVersion1(lambda, 'hotfix-fn', handlers.ok('v1'));
    bed.sandbox.clearRequestLog();
    const run = await runDeploy(
      bed.clients,
      plan(
        {
          functionName: 'hotfix-fn',
          source: zipSource(handlers.ok('v2')),
          skipCanary: { reason: 'CVE-2026-1234 hotfix', by: 'jdoe' },
        },
        bed.dir,
      ),
    );
    expect(run.error).toBeUndefined();
    expect(operations()).toEqual(['UpdateFunctionCode', 'PublishVersion', 'UpdateAlias']);
    expect((await aliasOf('hotfix-fn')).FunctionVersion).toBe('2');
    const record = await readRecordFile(run.recordFile);
    expect(record).toMatchObject({
      status: 'promoted',
      skipCanary: { reason: 'CVE-2026-1234 hotfix', by: 'jdoe' },
    });
  });

  it('deploys code from S3 (all-at-once) and records the object', async () => {
    await functionOnVersion1(lambda, 's3-fn', handlers.ok('v1'));
    const objectVersion = bed.sandbox.putS3Object('artifacts', 'orders/v2.zip', handlers.ok('v2'));
    const run = await runDeploy(
      bed.clients,
      plan(
        {
          functionName: 's3-fn',
          strategy: 'all-at-once',
          source: { kind: 's3', bucket: 'artifacts', key: 'orders/v2.zip', objectVersion },
        },
        bed.dir,
      ),
    );
    expect(run.error).toBeUndefined();
    const record = await readRecordFile(run.recordFile);
    expect(record.functions[0].target).toMatchObject({
      version: '2',
      s3: { bucket: 'artifacts', key: 'orders/v2.zip', objectVersion },
    });
    expect((await aliasOf('s3-fn')).FunctionVersion).toBe('2');

    // The next release reads the S3 object back from version 2's description, for code rollbacks.
    bed.sandbox.putS3Object('artifacts', 'orders/v3.zip', handlers.ok('v3'));
    const next = await runDeploy(
      bed.clients,
      plan(
        {
          functionName: 's3-fn',
          strategy: 'all-at-once',
          source: { kind: 's3', bucket: 'artifacts', key: 'orders/v3.zip' },
        },
        bed.dir,
      ),
    );
    expect(next.error).toBeUndefined();
    expect((await readRecordFile(next.recordFile)).functions[0].previous).toMatchObject({
      version: '2',
      s3: { bucket: 'artifacts', key: 'orders/v2.zip', objectVersion },
    });
  });

  it("another run's code in $LATEST before publishing: nothing published, alias untouched, record without target", async () => {
    await functionOnVersion1(lambda, 'race-fn', handlers.ok('v1'));
    const theirs = handlers.ok('their release');
    const racing = sandboxClients(bed.sandbox);
    // Right after our UpdateFunctionCode succeeds, "another run" uploads its own code once ours has applied.
    racing.lambda.middlewareStack.add(
      (next, context) => async (args) => {
        const result = await next(args);
        if (context.commandName === 'UpdateFunctionCodeCommand') {
          await waitReady(lambda, 'race-fn');
          await lambda.send(new UpdateFunctionCodeCommand({ FunctionName: 'race-fn', ZipFile: theirs }));
        }
        return result;
      },
      { step: 'initialize', name: 'anotherRun' },
    );
    bed.sandbox.clearRequestLog();
    const run = await runDeploy(
      { ...bed.clients, lambda: racing.lambda },
      plan(
        { functionName: 'race-fn', strategy: 'all-at-once', source: zipSource(handlers.ok('v2')) },
        bed.dir,
      ),
    );
    racing.destroy();
    expect(run.error?.message).toMatch(
      new RegExp(
        `holds code sha256 ${escapeRegExp(sha256(theirs))}, not the ${escapeRegExp(sha256(handlers.ok('v2')))} this deploy uploaded`,
      ),
    );
    expect(operations()).toEqual(['UpdateFunctionCode', 'UpdateFunctionCode']);
    expect((await aliasOf('race-fn')).FunctionVersion).toBe('1');
    const record = await readRecordFile(run.recordFile);
    expect({ status: record.status, target: record.functions[0].target }).toEqual({
      status: 'failed',
      target: undefined,
    });
  });

  it('deploys a container image and records both image URIs', async () => {
    await lambda.send(
      new CreateFunctionCommand({
        FunctionName: 'image-fn',
        Role: ROLE,
        PackageType: 'Image',
        Code: { ImageUri: IMAGE('v1') },
        Publish: true,
      }),
    );
    await waitReady(lambda, 'image-fn');
    await lambda.send(
      new CreateAliasCommand({ FunctionName: 'image-fn', Name: 'live', FunctionVersion: '1' }),
    );
    const run = await runDeploy(
      bed.clients,
      plan(
        {
          functionName: 'image-fn',
          strategy: 'all-at-once',
          source: { kind: 'image', imageUri: IMAGE('v2') },
        },
        bed.dir,
      ),
    );
    expect(run.error).toBeUndefined();
    const record = await readRecordFile(run.recordFile);
    expect(record.functions[0].previous).toMatchObject({ version: '1', imageUri: IMAGE('v1') });
    expect(record.functions[0].target).toMatchObject({ version: '2', imageUri: IMAGE('v2') });
  });
});

describe('pre-traffic check', () => {
  const suite = (label: string) =>
    parsePreTrafficCheck(
      `- name: answers with its label\n  invoke: { function: "{{ function }}", payload: { ping: true } }\n  expect: { json: [{ path: $.label, equals: ${label} }] }`,
    );

  it('invokes the new version directly; a failure stops the deploy before any traffic moves', async () => {
    await functionOnVersion1(lambda, 'checked-fn', handlers.ok('v1'));
    const failed = await runDeploy(
      bed.clients,
      plan(
        { functionName: 'checked-fn', source: zipSource(handlers.ok('v2')), preTrafficCheck: suite('v3') },
        bed.dir,
      ),
    );
    expect(failed.error?.message).toMatch(
      /pre-traffic check of version 2 failed \(1 of 1\), no traffic was moved: answers with its label/,
    );
    expect((await aliasOf('checked-fn')).FunctionVersion).toBe('1');
    expect((await readRecordFile(failed.recordFile)).status).toBe('failed');

    const passed = await runDeploy(
      bed.clients,
      plan(
        {
          functionName: 'checked-fn',
          strategy: 'all-at-once',
          source: zipSource(handlers.ok('v2')),
          preTrafficCheck: suite('v2'),
        },
        bed.dir,
      ),
    );
    expect(passed.error).toBeUndefined();
    expect(passed.logger.text()).toContain('pre-traffic check passed: 1 of 1 checks on version 2');
    expect((await aliasOf('checked-fn')).FunctionVersion).toBe('2');
  });
});

describe('preflight failures change nothing and say what to do', () => {
  async function failsWith(deployPlan: Parameters<typeof plan>[0], pattern: RegExp): Promise<void> {
    bed.sandbox.clearRequestLog();
    const run = await runDeploy(bed.clients, plan(deployPlan, bed.dir));
    expect(run.error?.message).toMatch(pattern);
    expect(operations()).toEqual([]);
    expect((await readRecordFile(run.recordFile)).status).toBe('failed');
  }

  it('a missing function', async () => {
    await failsWith({ functionName: 'nowhere-fn' }, /function nowhere-fn does not exist .* create it first/);
  });

  it('an alias on $LATEST', async () => {
    await functionOnVersion1(lambda, 'latest-alias-fn', handlers.ok('v1'), { alias: false });
    await lambda.send(
      new CreateAliasCommand({ FunctionName: 'latest-alias-fn', Name: 'live', FunctionVersion: '$LATEST' }),
    );
    await failsWith(
      { functionName: 'latest-alias-fn' },
      /points at \$LATEST.*aws lambda update-alias --function-name latest-alias-fn --name live/,
    );
  });

  it('leftover routing weights from an unfinished deploy', async () => {
    await functionOnVersion1(lambda, 'leftover-fn', handlers.ok('v1'));
    await runDeploy(
      bed.clients,
      plan(
        { functionName: 'leftover-fn', strategy: 'all-at-once', source: zipSource(handlers.ok('v2')) },
        bed.dir,
      ),
    );
    await lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'leftover-fn',
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.1 } },
      }),
    );
    await failsWith(
      { functionName: 'leftover-fn', source: zipSource(handlers.ok('v3')) },
      /routes 90% on version 1, 10% on version 2 from an unfinished deploy: run rollback-on-failure/,
    );
  });

  it('an image for a zip function', async () => {
    await functionOnVersion1(lambda, 'zip-only-fn', handlers.ok('v1'));
    await failsWith(
      { functionName: 'zip-only-fn', source: { kind: 'image', imageUri: IMAGE('v9') } },
      /is a Zip function, so 'image-uri' cannot be deployed/,
    );
  });

  it('an alarm that does not exist', async () => {
    await functionOnVersion1(lambda, 'alarm-fn', handlers.ok('v1'));
    await failsWith(
      { functionName: 'alarm-fn', alarms: ['orders-errors'], steps: [{ weight: 0.1, bakeMs: 1000 }] },
      /alarm orders-errors does not exist/,
    );
  });
});
