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
