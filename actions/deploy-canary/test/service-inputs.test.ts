import { describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Inputs, Redactor } from '@lambda-release-kit/core';
import { ACTION_DEFAULTS, Input } from '../src/constants.js';
import { readDeployPlan } from '../src/options.js';
import { handlers } from './helpers.js';

const read = (values: Record<string, string>, redactor = new Redactor()) =>
  readDeployPlan(
    new Inputs((name) => values[name] ?? ACTION_DEFAULTS[name as Input] ?? ''),
    { RUNNER_TEMP: '/runner/tmp' },
    redactor,
  );

describe('the functions, configuration and environment inputs', () => {
  it('reads a list of functions with their own alias, code, configuration and CodeDeploy group', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'service-inputs-'));
    const zip = join(dir, 'api.zip');
    writeFileSync(zip, handlers.ok('api'));
    const plan = await read({
      functions: [
        `- name: orders-api`,
        `  zip-file: ${zip}`,
        `  codedeploy-application: orders`,
        `  codedeploy-deployment-group: api`,
        `- name: orders-worker`,
        `  alias: beta`,
        `  zip-file: s3://artifacts/worker.zip?versionId=7`,
        `  configuration: { memory-size: 1024, timeout: 2m, environment: { QUEUE: jobs } }`,
        `  codedeploy-application: orders`,
        `  codedeploy-deployment-group: worker`,
      ].join('\n'),
      strategy: 'codedeploy',
      environment: 'production',
    });
    expect(plan).toMatchObject({
      strategy: 'codedeploy',
      environment: 'production',
      concurrency: 10,
      recordFile: '/runner/tmp/lambda-release-record.production.orders-api.live.json',
      functions: [
        {
          functionName: 'orders-api',
          alias: 'live',
          source: { kind: 'zip', path: zip },
          codedeploy: { application: 'orders', deploymentGroup: 'api' },
        },
        {
          functionName: 'orders-worker',
          alias: 'beta',
          source: { kind: 's3', bucket: 'artifacts', key: 'worker.zip', objectVersion: '7' },
          configuration: { memorySize: 1024, timeoutSeconds: 120, environment: { QUEUE: 'jobs' } },
          codedeploy: { application: 'orders', deploymentGroup: 'worker' },
        },
      ],
    });
  });

  it('rejects a bad functions list naming the item and what is accepted', async () => {
    await expect(read({ 'function-name': 'f', functions: '- name: g' })).rejects.toThrow(
      "inputs 'function-name' and 'functions' were both given — expected one",
    );
    await expect(read({ functions: 'name: g' })).rejects.toThrow(
      'input \'functions\' is not a list of functions — expected items like "- name: orders-api"',
    );
    await expect(read({ functions: '- name: g\n  zip: a.zip' })).rejects.toThrow(
      `input 'functions' item 1 has the key "zip" — expected only name, alias, zip-file, image-uri, configuration, codedeploy-application, codedeploy-deployment-group`,
    );
    await expect(read({ functions: '- name: g\n- alias: live' })).rejects.toThrow(
      "input 'functions' item 2 has no 'name' — expected the function's name or ARN",
    );
    await expect(read({ functions: '- name: g\n- name: g' })).rejects.toThrow(
      "input 'functions' item 2 names g:live again — expected each function and alias once",
    );
    await expect(read({ functions: '- name: g:live' })).rejects.toThrow(
      `input 'functions' item 1 has the name "g:live" — expected a function name`,
    );
    await expect(read({ functions: '- name: g', 'zip-file': 'a.zip' })).rejects.toThrow(
      "input 'zip-file' applies to 'function-name'; with 'functions', give it as the key 'zip-file' of each item",
    );
    await expect(read({ functions: '- name: g\n  codedeploy-application: app' })).rejects.toThrow(
      "input 'functions' item 1 'codedeploy-application' applies only to strategy codedeploy, but strategy is alias-weights",
    );
    await expect(read({ functions: '- name: g', strategy: 'codedeploy' })).rejects.toThrow(
      "input 'functions' item 1 has no 'codedeploy-application' — expected one with strategy codedeploy",
    );
    await expect(read({ functions: '- name: [g' })).rejects.toThrow(
      "input 'functions' is not valid YAML or JSON at line 1",
    );
  });

  it('rejects a bad configuration naming the key and the accepted keys, never quoting a variable value', async () => {
    await expect(read({ 'function-name': 'f', configuration: 'memory: 512' })).rejects.toThrow(
      `input 'configuration' has the key "memory" — expected only environment, memory-size, timeout, handler, runtime, layers, ephemeral-storage, description`,
    );
    await expect(read({ 'function-name': 'f', configuration: 'memory-size: 64' })).rejects.toThrow(
      `input 'configuration' key 'memory-size' has 64 — expected a whole number of megabytes from 128 to 10240`,
    );
    await expect(read({ 'function-name': 'f', configuration: 'timeout: 20m' })).rejects.toThrow(
      `input 'configuration' key 'timeout' has "20m" — expected whole seconds from 1 to 900`,
    );
    await expect(read({ 'function-name': 'f', configuration: 'layers: [not-an-arn]' })).rejects.toThrow(
      `input 'configuration' key 'layers' has "not-an-arn" — expected a list of at most 5 layer version ARNs`,
    );
    await expect(read({ 'function-name': 'f', configuration: '- a' })).rejects.toThrow(
      `input 'configuration' is not a map`,
    );
    const redactor = new Redactor();
    const secret = 'pa55-w0rd-value';
    const failure = read(
      {
        'function-name': 'f',
        configuration: `environment: { DB_PASSWORD: ${secret}, STAGE: production, QUEUE: "https://svc:s3cr3t-pw@mq.example/q", bad-name: x }`,
      },
      redactor,
    );
    await expect(failure).rejects.toThrow(
      `input 'configuration' key 'environment' has the variable name "bad-name" — expected letters, digits and "_", starting with a letter`,
    );
    expect(redactor.redact(`connecting with ${secret}`)).toBe('connecting with ***');
    // A value named like a credential is masked, and a URL's password; a plain value like a stage name is not.
    expect(redactor.redact('s3cr3t-pw to production')).toBe('*** to production');
    await expect(
      read({ 'function-name': 'f', configuration: `environment: { DB: { nested: ${secret} } }` }),
    ).rejects.toThrow(
      /^input 'configuration' key 'environment' variable DB is not a string, number or boolean$/,
    );
  });

  it('accepts an environment name and rejects a bad one', async () => {
    await expect(read({ 'function-name': 'f', environment: 'prod/eu' })).rejects.toThrow(
      `input 'environment' has "prod/eu" — expected an environment name of at most 64 letters, digits, ".", "-" or "_"`,
    );
    expect((await read({ 'function-name': 'f', environment: 'staging' })).recordFile).toBe(
      '/runner/tmp/lambda-release-record.staging.f.live.json',
    );
  });
});

describe('what Lambda would refuse is refused before any function is changed', () => {
  const dir = mkdtempSync(join(tmpdir(), 'local-validation-'));
  const file = (name: string, bytes: Uint8Array) => {
    const path = join(dir, name);
    writeFileSync(path, bytes);
    return path;
  };

  it('a runtime Lambda does not know, a reserved variable, variables over 4 KB', async () => {
    await expect(read({ 'function-name': 'f', configuration: 'runtime: nodejs99.x' })).rejects.toThrow(
      /^input 'configuration' key 'runtime' has "nodejs99.x" — expected one of Lambda's runtimes: .*nodejs22\.x/,
    );
    expect(
      (await read({ 'function-name': 'f', configuration: 'runtime: python3.12' })).functions[0],
    ).toMatchObject({ configuration: { runtime: 'python3.12' } });
    await expect(
      read({ 'function-name': 'f', configuration: 'environment: { AWS_REGION: eu-west-1 }' }),
    ).rejects.toThrow(
      "input 'configuration' key 'environment' sets AWS_REGION — expected variables Lambda does not reserve",
    );
    await expect(
      read({ 'function-name': 'f', configuration: `environment: { BIG: ${'x'.repeat(4100)} }` }),
    ).rejects.toThrow(
      /^input 'configuration' key 'environment' takes 4110 bytes — expected at most 4096 bytes/,
    );
  });

  it('a zip that is empty, truncated or holds no files; an image URI outside ECR; an S3 key with a line break', async () => {
    const whole = handlers.ok('v2');
    const cases: Array<[Uint8Array, string]> = [
      [new Uint8Array(), 'the file is empty'],
      [whole.slice(0, whole.length - 30), 'it has no end of central directory record: truncated or damaged'],
      [Uint8Array.from([0x50, 0x4b, 5, 6, ...new Array<number>(18).fill(0)]), 'it holds no files'],
    ];
    for (const [index, [bytes, problem]] of cases.entries()) {
      const path = file(`bad-${index}.zip`, bytes);
      await expect(read({ 'function-name': 'f', 'zip-file': path })).rejects.toThrow(
        `input 'zip-file' has "${path}" — expected a .zip file (${problem})`,
      );
    }
    await expect(read({ 'function-name': 'f', 'zip-file': file('good.zip', whole) })).resolves.toBeDefined();
    await expect(read({ 'function-name': 'f', 'image-uri': 'docker.io/library/orders:v1' })).rejects.toThrow(
      `input 'image-uri' has "docker.io/library/orders:v1" — expected a container image URI like "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:v1.2.3"`,
    );
    await expect(
      read({ functions: '- name: g\n  image-uri: 123456789012.dkr.ecr.us-east-1.amazonaws.com/orders' }),
    ).rejects.toThrow(`input 'functions' item 1 has the image-uri`);
    await expect(
      read({
        'function-name': 'f',
        'image-uri': '123456789012.dkr.ecr.us-east-1.amazonaws.com/team/orders@sha256:' + 'a'.repeat(64),
      }),
    ).resolves.toBeDefined();
    await expect(read({ 'function-name': 'f', 's3-bucket': 'builds', 's3-key': 'a\nb.zip' })).rejects.toThrow(
      `input 's3-key' has`,
    );
  });
});
