import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { GetAliasCommand, GetFunctionConfigurationCommand } from '@aws-sdk/client-lambda';
import { parseRecord } from '@lambda-release-kit/core';
import {
  deployUnderTraffic,
  driveTraffic,
  functionOnVersion1,
  handlers,
  plan,
  runDeploy,
  servicePlan,
  startTestBed,
  type TestBed,
  zipSource,
} from './helpers.js';

// Verdicts wait on evidence (up to the plans' bake timeout) rather than on a fixed bake: allow a slow machine.
jest.setTimeout(90_000);

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(async () => {
  await bed.stop();
});

const canary = { steps: [{ weight: 0.3, bakeMs: 600 }] };
const aliasOf = (name: string) =>
  bed.clients.lambda.send(new GetAliasCommand({ FunctionName: name, Name: 'live' }));
const recordOf = (file: string) => parseRecord(readFileSync(file, 'utf8'));

describe('a release of several functions', () => {
  it('publishes every function, judges each at every step and promotes them together', async () => {
    await functionOnVersion1(bed.clients.lambda, 'svc-api', handlers.ok('api-v1'));
    await functionOnVersion1(bed.clients.lambda, 'svc-worker', handlers.ok('worker-v1'));
    const run = await deployUnderTraffic(
      bed,
      servicePlan(
        [
          { functionName: 'svc-api', source: zipSource(handlers.ok('api-v2')) },
          { functionName: 'svc-worker', source: zipSource(handlers.ok('worker-v2')) },
        ],
        { ...canary, environment: 'staging' },
        bed.dir,
      ),
    );
    expect(run.error).toBeUndefined();
    expect(run.result?.functions).toEqual([
      { name: 'svc-api', alias: 'live', previousVersion: '1', newVersion: '2' },
      { name: 'svc-worker', alias: 'live', previousVersion: '1', newVersion: '2' },
    ]);
    expect(run.result?.newVersion).toBeUndefined();
    expect((await aliasOf('svc-api')).FunctionVersion).toBe('2');
    expect((await aliasOf('svc-worker')).FunctionVersion).toBe('2');
    const record = recordOf(run.recordFile);
    expect(record).toMatchObject({ status: 'promoted', environment: 'staging', rollbacks: [] });
    const [step] = record.steps;
    expect(step?.verdict).toBe('healthy');
    expect(Object.keys(step?.functions ?? {})).toEqual(['svc-api', 'svc-worker']);
    expect(step?.functions?.['svc-worker']).toMatchObject({ verdict: 'healthy' });
  });

  it('promotes a busy API beside a quiet worker whose own on-inconclusive is promote', async () => {
    await functionOnVersion1(bed.clients.lambda, 'svc-busy-api', handlers.ok('api-v1'));
    await functionOnVersion1(bed.clients.lambda, 'svc-quiet-worker', handlers.ok('worker-v1'));
    const release = servicePlan(
      [
        { functionName: 'svc-busy-api', source: zipSource(handlers.ok('api-v2')) },
        {
          functionName: 'svc-quiet-worker',
          source: zipSource(handlers.ok('worker-v2')),
          onInconclusive: 'promote',
        },
      ],
      { ...canary, onInconclusive: 'wait' },
      bed.dir,
    );
    let finished = false;
    // Traffic for the API only: the worker gets none, so its verdict can only be inconclusive.
    const [run] = await Promise.all([
      runDeploy(bed.clients, release).finally(() => {
        finished = true;
      }),
      driveTraffic(bed.sandbox, 'svc-busy-api', () => finished),
    ]);
    expect(run.error).toBeUndefined();
    expect(run.result?.status).toBe('promoted');
    expect((await aliasOf('svc-quiet-worker')).FunctionVersion).toBe('2');
    const [step] = recordOf(run.recordFile).steps;
    expect(step?.functions?.['svc-busy-api']?.verdict).toBe('healthy');
    expect(step?.functions?.['svc-quiet-worker']).toMatchObject({
      verdict: 'inconclusive',
      reason: 'no published invocations of version 2 yet',
    });
    expect(run.logger.text()).toContain('going on because on-inconclusive is promote');
  });

  it('outlasts Lambda throttling on a fifth of its control-plane calls and still promotes', async () => {
    await functionOnVersion1(bed.clients.lambda, 'busy-api', handlers.ok('api-v1'));
    await functionOnVersion1(bed.clients.lambda, 'busy-worker', handlers.ok('worker-v1'));
    // Six in a row outlast the SDK's own three attempts of both aliases' moves: the release's own retries carry them.
    bed.sandbox.faults.add({ service: 'lambda', operation: 'UpdateAlias', kind: 'throttle', times: 6 });
    bed.sandbox.faults.add({ service: 'lambda', operation: 'control-plane', kind: 'throttle', rate: 0.2 });
    const run = await deployUnderTraffic(
      bed,
      servicePlan(
        [
          { functionName: 'busy-api', source: zipSource(handlers.ok('api-v2')) },
          { functionName: 'busy-worker', configuration: { memorySize: 256 } },
        ],
        canary,
        bed.dir,
      ),
      // Paced and plenty, so the requests last while retries stretch the release out.
      { pauseMs: 5, max: 20_000 },
    ).finally(() => bed.sandbox.faults.clear());
    expect(run.error).toBeUndefined();
    expect(run.result?.status).toBe('promoted');
    expect(run.logger.text()).toMatch(
      /UpdateAlias of busy-\w+: TooManyRequestsException \(attempt 1\); retrying/,
    );
    expect((await aliasOf('busy-api')).FunctionVersion).toBe('2');
    expect((await aliasOf('busy-worker')).FunctionVersion).toBe('2');
  });

  it('restores every alias when one function of the release is broken by its configuration', async () => {
    await functionOnVersion1(bed.clients.lambda, 'svc2-api', handlers.ok('api-v1'));
    await functionOnVersion1(bed.clients.lambda, 'svc2-worker', handlers.ok('worker-v1'));
    const run = await deployUnderTraffic(
      bed,
      servicePlan(
        [
          { functionName: 'svc2-api', source: zipSource(handlers.ok('api-v2')) },
          { functionName: 'svc2-worker', configuration: { environment: { SANDBOX_ERROR_RATE: '1' } } },
        ],
        { steps: [{ weight: 0.5, bakeMs: 10_000 }] },
        bed.dir,
      ),
    );
    expect(run.error?.message).toMatch(
      /^the release was rolled back \(svc2-api:live 2 → 1, svc2-worker:live 2 → 1\): step 50%: svc2-worker: version 2 error rate 100%/,
    );
    expect((await aliasOf('svc2-api')).FunctionVersion).toBe('1');
    expect((await aliasOf('svc2-api')).RoutingConfig?.AdditionalVersionWeights ?? {}).toEqual({});
    expect((await aliasOf('svc2-worker')).FunctionVersion).toBe('1');
    const record = recordOf(run.recordFile);
    expect(record.status).toBe('rolled-back');
    expect(record.rollbacks.map((rollback) => [rollback.function, rollback.from, rollback.to])).toEqual([
      ['svc2-api', '2', '1'],
      ['svc2-worker', '2', '1'],
    ]);
    expect(record.steps[0]?.functions?.['svc2-worker']?.verdict).toBe('unhealthy');
  });
});

describe('configuration with the code', () => {
  it('publishes a configuration-only change as a version and canaries it', async () => {
    await functionOnVersion1(bed.clients.lambda, 'cfg-ok-fn', handlers.ok('v1'));
    const run = await deployUnderTraffic(
      bed,
      plan(
        {
          functionName: 'cfg-ok-fn',
          configuration: {
            memorySize: 256,
            timeoutSeconds: 20,
            environment: { STAGE: 'staging', API_TOKEN: 'tok-2f9a81c4' },
          },
          ...canary,
        },
        bed.dir,
      ),
    );
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ status: 'promoted', previousVersion: '1', newVersion: '2' });
    const version2 = await bed.clients.lambda.send(
      new GetFunctionConfigurationCommand({ FunctionName: 'cfg-ok-fn', Qualifier: '2' }),
    );
    expect({ memory: version2.MemorySize, timeout: version2.Timeout }).toEqual({ memory: 256, timeout: 20 });
    const text = readFileSync(run.recordFile, 'utf8');
    expect(text).not.toContain('tok-2f9a81c4');
    const record = parseRecord(text);
    expect(record.steps[0]?.verdict).toBe('healthy');
    expect(record.functions[0].target?.configuration).toMatchObject({
      memorySize: 256,
      timeout: 20,
      environment: { names: ['API_TOKEN', 'STAGE'], valuesSha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(record.functions[0].previous?.configuration?.environment).toBeUndefined();
  });

  it('rolls back a configuration that breaks the function', async () => {
    await functionOnVersion1(bed.clients.lambda, 'cfg-bad-fn', handlers.ok('v1'));
    const run = await deployUnderTraffic(
      bed,
      plan(
        {
          functionName: 'cfg-bad-fn',
          configuration: { environment: { SANDBOX_ERROR_RATE: '1' } },
          steps: [{ weight: 0.5, bakeMs: 10_000 }],
        },
        bed.dir,
      ),
    );
    expect(run.error?.message).toMatch(
      /^version 2 was rolled back to 1: step 50%: version 2 error rate 100%/,
    );
    expect((await aliasOf('cfg-bad-fn')).FunctionVersion).toBe('1');
    expect(recordOf(run.recordFile).status).toBe('rolled-back');
  });

  it('ends as a no-op when code and configuration are what the alias already runs', async () => {
    await functionOnVersion1(bed.clients.lambda, 'cfg-same-fn', handlers.ok('v1'), {
      extra: { MemorySize: 512 },
    });
    const run = await deployUnderTraffic(
      bed,
      plan({ functionName: 'cfg-same-fn', configuration: { memorySize: 512 } }, bed.dir),
    );
    expect(run.error).toBeUndefined();
    expect(run.result).toMatchObject({ status: 'no-op', newVersion: '1' });
  });
});
