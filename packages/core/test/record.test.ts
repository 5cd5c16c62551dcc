import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import {
  createRecord,
  defaultPathOfRecord,
  defaultRecordPath,
  parseRecord,
  readRecordFile,
  RecordError,
  releaseContext,
  serializeRecord,
  validateRecord,
  writeRecordFile,
} from '@lambda-release-kit/core';

const sample = () =>
  createRecord(
    {
      functions: [
        {
          function: { name: 'orders-api' },
          alias: 'live',
          previous: { version: '7', codeSha256: 'abc=' },
          target: { version: '8' },
        },
      ],
      strategy: 'alias-weights',
    },
    new Date('2026-11-22T10:00:00Z'),
  );

describe('deployment record', () => {
  it('round-trips through JSON and a file', async () => {
    const record = sample();
    expect(record).toMatchObject({
      schema: 'lambda-release-record/v2',
      status: 'planned',
      steps: [],
      rollbacks: [],
    });
    expect(parseRecord(serializeRecord(record))).toEqual(record);
    const dir = await mkdtemp(join(tmpdir(), 'record-'));
    await writeRecordFile(join(dir, 'nested', 'record.json'), record);
    expect(await readRecordFile(join(dir, 'nested', 'record.json'))).toEqual(record);
  });

  it('round-trips a release of several functions with their configuration and per-function verdicts', () => {
    const record = createRecord(
      {
        environment: 'staging',
        functions: [
          {
            function: { name: 'orders-api' },
            alias: 'live',
            previous: {
              version: '7',
              configuration: {
                memorySize: 512,
                layers: ['arn:aws:lambda:us-east-1:123456789012:layer:deps:3'],
                environment: { names: ['DB_URL', 'STAGE'], valuesSha256: 'e3b0c442' },
              },
            },
            target: { version: '8', configuration: { memorySize: 1024, timeout: 10 } },
          },
          {
            function: { name: 'orders-worker' },
            alias: 'live',
            previous: { version: '3' },
            target: { version: '4' },
            codedeploy: { application: 'orders', deploymentGroup: 'worker', deploymentId: 'd-ABC123' },
          },
        ],
        strategy: 'alias-weights',
        steps: [
          {
            at: '2026-11-22T10:01:00Z',
            weight: 0.1,
            verdict: 'unhealthy',
            functions: {
              'orders-api': { verdict: 'healthy', metrics: { errors: 0 } },
              'orders-worker': { verdict: 'unhealthy', reason: 'errors 3 > 0', metrics: { errors: 3 } },
            },
          },
        ],
        rollbacks: [
          {
            at: '2026-11-22T10:02:00Z',
            from: '4',
            to: '3',
            method: 'alias',
            reason: 'r',
            by: 'ci',
            function: 'orders-worker',
          },
        ],
      },
      new Date('2026-11-22T10:00:00Z'),
    );
    expect(parseRecord(serializeRecord(record))).toEqual(record);
  });

  it('reads a v1 record as a v2 record of one function', () => {
    const v1 = {
      schema: 'lambda-release-record/v1',
      function: { name: 'orders-api', arn: 'arn:aws:lambda:us-east-1:123456789012:function:orders-api' },
      alias: 'live',
      region: 'us-east-1',
      release: { tag: 'v1.2.3' },
      strategy: 'codedeploy',
      previous: { version: '7', codeSha256: 'abc=' },
      target: { version: '8' },
      codedeploy: { application: 'orders', deploymentGroup: 'api', deploymentId: 'd-ABC123' },
      steps: [{ at: '2026-11-22T10:01:00Z', weight: 0.1, verdict: 'unhealthy' }],
      status: 'rolled-back',
      rollbacks: [
        { at: '2026-11-22T10:02:00Z', from: '8', to: '7', method: 'codedeploy-stop', reason: 'r', by: 'ci' },
      ],
      startedAt: '2026-11-22T10:00:00Z',
      finishedAt: '2026-11-22T10:03:00Z',
    };
    expect(parseRecord(JSON.stringify(v1))).toEqual({
      schema: 'lambda-release-record/v2',
      functions: [
        {
          function: v1.function,
          alias: 'live',
          previous: v1.previous,
          target: v1.target,
          codedeploy: v1.codedeploy,
        },
      ],
      region: 'us-east-1',
      release: { tag: 'v1.2.3' },
      strategy: 'codedeploy',
      steps: v1.steps,
      status: 'rolled-back',
      rollbacks: v1.rollbacks,
      startedAt: v1.startedAt,
      finishedAt: v1.finishedAt,
    });
    expect(() => validateRecord({ ...v1, alias: '', target: { version: '$LATEST' } })).toThrow(
      'record is not a valid deployment record: alias must be a non-empty string; target.version must be a published version number',
    );
  });

  it('files records by environment, function and alias', () => {
    expect(defaultRecordPath('orders-api', 'live', '/tmp')).toBe(
      '/tmp/lambda-release-record.orders-api.live.json',
    );
    expect(
      defaultRecordPath(
        'arn:aws:lambda:us-east-1:123456789012:function:orders-api',
        'live',
        '/tmp',
        'staging',
      ),
    ).toBe('/tmp/lambda-release-record.staging.orders-api.live.json');
    expect(defaultPathOfRecord({ ...sample(), environment: 'production' }, '/tmp')).toBe(
      '/tmp/lambda-release-record.production.orders-api.live.json',
    );
  });

  it('says exactly what is wrong with a bad record', () => {
    const bad = { ...sample(), schema: 'other/v9', strategy: 'blue-green' };
    expect(() => validateRecord(bad)).toThrow(
      'record is not a valid deployment record: schema is "other/v9", expected "lambda-release-record/v2" (or the older "lambda-release-record/v1"); ' +
        'strategy must be one of codedeploy, alias-weights, all-at-once',
    );
    const [api] = sample().functions;
    expect(() =>
      validateRecord({
        ...sample(),
        functions: [api, { function: { name: 'worker' }, target: { version: '$LATEST' } }, 'worker'],
      }),
    ).toThrow(
      'record is not a valid deployment record: functions[1].alias must be a non-empty string; ' +
        'functions[1].target.version must be a published version number; functions[2] must be an object',
    );
    expect(() => validateRecord({ ...sample(), functions: [] })).toThrow(
      'record is not a valid deployment record: functions must be a non-empty array (one entry per function of the release)',
    );
    expect(() =>
      validateRecord({ ...sample(), functions: [{ ...api, function: {} }], environment: '' }),
    ).toThrow(
      'record is not a valid deployment record: functions[0].function.name must be a non-empty string; environment must be a non-empty string',
    );
    expect(() => parseRecord('{not json', "input 'record'")).toThrow(/^input 'record' is not valid JSON/);
    expect(() => validateRecord([1, 2])).toThrow(RecordError);
  });

  it("keeps each function's canary traffic, and says what is wrong with a bad one", () => {
    const record = sample();
    const [api] = record.functions;
    const traffic = { ratePerSecond: 0.5, sent: 180, functionErrors: 2, failedRequests: 1 };
    record.functions = [{ ...api, canaryTraffic: traffic }];
    expect(parseRecord(serializeRecord(record)).functions[0].canaryTraffic).toEqual(traffic);
    expect(() =>
      validateRecord({ ...sample(), functions: [{ ...api, canaryTraffic: { ...traffic, sent: -1 } }] }),
    ).toThrow(
      'record is not a valid deployment record: functions[0].canaryTraffic must have ratePerSecond above 0 and the counts sent, functionErrors, failedRequests',
    );
  });

  it('explains a missing record file', async () => {
    await expect(readRecordFile('/nonexistent/record.json')).rejects.toThrow(
      'record file /nonexistent/record.json could not be read (ENOENT)',
    );
    const dir = await mkdtemp(join(tmpdir(), 'record-'));
    await writeFile(join(dir, 'r.json'), '');
    await expect(readRecordFile(join(dir, 'r.json'))).rejects.toThrow(/is not valid JSON/);
  });

  it('takes release metadata from the runner environment', () => {
    expect(
      releaseContext({
        GITHUB_REF: 'refs/tags/v1.2.3',
        GITHUB_SHA: 'faf8c65d1e2f3a4b5c6d',
        GITHUB_ACTOR: 'jdoe',
        GITHUB_SERVER_URL: 'https://github.com',
        GITHUB_REPOSITORY: 'o/r',
        GITHUB_RUN_ID: '1',
      }),
    ).toEqual({
      tag: 'v1.2.3',
      commit: 'faf8c65d1e2f',
      ref: 'refs/tags/v1.2.3',
      actor: 'jdoe',
      runUrl: 'https://github.com/o/r/actions/runs/1',
    });
    expect(releaseContext({ GITHUB_REF: 'refs/heads/main' }).tag).toBeUndefined();
  });
});
