import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { createRecord, serializeRecord } from '@lambda-release-kit/core';
import { requiredOutput, runInProcess } from '@lambda-release-kit/core/testing';
import { startSandbox, type Sandbox } from '@lambda-release-kit/sandbox';
import { run } from '../src/main.js';
import { deployTwoVersions, lambdaClient } from './sandbox-helpers.js';

let sandbox: Sandbox;
let lambda: LambdaClient;
let dir: string;

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 100 });
  lambda = lambdaClient(sandbox);
  await deployTwoVersions(lambda, 'orders');
  dir = mkdtempSync(join(tmpdir(), 'smoke-main-'));
});
afterAll(async () => {
  lambda.destroy();
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});
afterEach(() => {
  process.exitCode = undefined;
});

/** Runs main's run() like the runner would, against the sandbox. */
function runAction(inputs: Record<string, string>) {
  return runInProcess(run, inputs, { dir, env: sandbox.env });
}

const output = requiredOutput;

const record = createRecord({
  functions: [
    { function: { name: 'orders' }, alias: 'live', previous: { version: '1' }, target: { version: '2' } },
  ],
  strategy: 'alias-weights',
});

describe('run()', () => {
  it('runs the url check and inline checks, and sets every output', async () => {
    const reportFile = join(dir, 'reports', 'smoke.xml');
    const { outputs, summary } = await runAction({
      url: `${sandbox.functionUrl('orders', 'live')}health`,
      'expect-body': '"status":"ok"',
      samples: '5',
      'max-error-rate': '0%',
      'max-p95-latency': '5s',
      checks:
        '- name: invoke\n  invoke: { function: "{{ function }}", qualifier: "{{ alias }}", payload: { hello: world } }\n  expect: { json: { $.echo.hello: world } }\n',
      record: serializeRecord(record),
      'report-file': reportFile,
    });
    expect(process.exitCode).toBeUndefined();
    expect(outputs).toMatchObject({ passed: '2', total: '2', failed: '0', 'report-file': reportFile });
    expect(Number(outputs['duration-ms'])).toBeGreaterThan(0);
    expect(JSON.parse(output(outputs, 'report'))).toMatchObject({ passed: true, total: 2 });
    expect(JSON.parse(output(outputs, 'record')).smokeTests).toEqual([
      expect.objectContaining({ passed: 2, failed: 0, total: 2 }),
    ]);
    expect(readFileSync(reportFile, 'utf8')).toContain(
      '<testsuites name="smoke-test" tests="2" failures="0"',
    );
    expect(
      JSON.parse(readFileSync(join(dir, 'reports', 'smoke.json'), 'utf8')).checks[0].latency.samples,
    ).toBe(5);
    const defaultFile = join(dir, 'lambda-release-record.orders.live.json');
    expect(outputs['record-file']).toBe(defaultFile);
    expect(JSON.parse(readFileSync(defaultFile, 'utf8'))).toEqual(JSON.parse(output(outputs, 'record')));
    expect(summary).toContain('Smoke test passed: 2 of 2 checks');
    expect(summary).toContain('<td>invoke</td><td>✅ passed</td><td>1</td>');
  });

  it('reads the record from record-file and appends a failed run to it, in the file and the output', async () => {
    const file = join(dir, 'release-record.json');
    writeFileSync(
      file,
      serializeRecord({ ...record, smokeTests: [{ at: record.startedAt, passed: 1, failed: 0, total: 1 }] }),
    );
    const { outputs } = await runAction({
      url: `${sandbox.functionUrl('orders', 'live')}health`,
      'expect-version': '1',
      'record-file': file,
    });
    expect(process.exitCode).toBe(1);
    const written = JSON.parse(readFileSync(file, 'utf8'));
    expect(written.smokeTests).toEqual([
      expect.objectContaining({ passed: 1, failed: 0, total: 1 }),
      expect.objectContaining({ passed: 0, failed: 1, total: 1 }),
    ]);
    expect(JSON.parse(output(outputs, 'record'))).toEqual(written);
    expect(outputs['record-file']).toBe(file);
  });

  it('fails the step naming the failed check, with outputs still set', async () => {
    const { outputs, log } = await runAction({
      url: `${sandbox.functionUrl('orders', 'live')}health`,
      'expect-version': '1',
    });
    expect(process.exitCode).toBe(1);
    expect(outputs).toMatchObject({ passed: '0', total: '1', failed: '1' });
    expect(log).toContain(
      '::error::smoke-test: 1 of 1 checks failed: url (answered by version 2, expected version 1)',
    );
  });

  it('passes a healthy release whose endpoint reports no version, saying "not proven" in the log, summary and record', async () => {
    const { outputs, summary, log } = await runAction({
      url: `${sandbox.functionUrl('orders', 'live')}ping`,
      record: serializeRecord(record),
    });
    expect(process.exitCode).toBeUndefined();
    expect(outputs).toMatchObject({ passed: '1', total: '1', failed: '0' });
    const [smoke] = JSON.parse(output(outputs, 'record')).smokeTests;
    expect(smoke).toMatchObject({ passed: 1, failed: 0, total: 1 });
    expect(smoke.unproven).toEqual([
      expect.stringMatching(/^url: version not proven: the answer reported no version, expected 2/),
    ]);
    expect(JSON.parse(output(outputs, 'report')).checks[0].version).toMatchObject({ outcome: 'not proven' });
    expect(summary).toContain('<td>Version proof</td><td>1 not proven</td>');
    expect(log).toContain('::warning::1 of 1 checks passed without proving which version answered');
  });

  it("fails an endpoint that reports another version than the record's new one", async () => {
    const { log } = await runAction({
      url: `${sandbox.functionUrl('orders', '1')}health`,
      record: serializeRecord(record),
    });
    expect(process.exitCode).toBe(1);
    expect(log).toContain(
      '::error::smoke-test: 1 of 1 checks failed: url (answered by version 1, expected version 2)',
    );
  });

  it('with version-from, fails an answer that does not report its version there, naming the header', async () => {
    const { log } = await runAction({
      url: `${sandbox.functionUrl('orders', 'live')}ping`,
      record: serializeRecord(record),
      'version-from': 'header:x-function-version',
    });
    expect(process.exitCode).toBe(1);
    expect(log).toContain(
      '::error::smoke-test: 1 of 1 checks failed: url (answered with no x-function-version header (version-from: header:x-function-version), expected version 2)',
    );
  });

  it("masks the user info of a checks file's URLs as soon as the file is read, before any error quotes it", async () => {
    const file = join(dir, 'checks-with-password.yml');
    writeFileSync(
      file,
      '- name: a\n  request: https://smoke:hunter2pass@api.example.com/\n  expect: { status: hunter2pass }\n',
    );
    const { log } = await runAction({ 'checks-file': file });
    expect(process.exitCode).toBe(1);
    expect(log).toContain('::add-mask::hunter2pass');
    expect(log).toContain('expect.status has "***"');
    expect(log.split('::add-mask::hunter2pass').slice(1).join('')).not.toContain('hunter2pass');
  });

  it.each([
    [{}, "input 'url' is required but was not given (or give 'checks' or 'checks-file')"],
    [{ url: 'ftp://x' }, 'input \'url\' has "ftp://x" — expected an http(s) URL'],
    [{ url: 'http://x', 'expect-status': 'ok' }, 'input \'expect-status\' has "ok"'],
    [{ url: 'http://x', 'max-p95-latency': '1s' }, "input 'samples' is required with 'max-error-rate'"],
    [
      { url: 'http://x', 'expect-version': 'latest' },
      'input \'expect-version\' has "latest" — expected a published version number like "8" (HTTP answers prove it when they report their version: see \'version-from\')',
    ],
    [
      {
        checks: '- name: a\n  function: billing\n  request: http://x/\n',
        record: serializeRecord(record),
      },
      'invalid checks: check "a" (input \'checks\' line 1): function "billing" is not a function of the release — expected one of orders',
    ],
    [{ url: 'http://x', record: '{"schema":1}' }, "input 'record'"],
    [
      { url: 'http://x', 'record-file': '/nonexistent/record.json' },
      'record file /nonexistent/record.json could not be read (ENOENT)',
    ],
    [
      { url: 'http://x', record: '{}', 'record-file': '/tmp/r.json' },
      "inputs 'record' and 'record-file' were both given",
    ],
    [
      { checks: '- name: a\n  request: http://x\n  expect: { status: nine }\n' },
      'invalid checks: check "a" (input \'checks\' line 3): expect.status has "nine"',
    ],
    [
      { checks: '- name: a\n  invoke: { function: orders }\n  expect: { json: { $.x: "{{ nope }}" } }\n' },
      'invalid checks: check "a" (input \'checks\' line 3): expect.json.$.x.equals uses unknown variable "nope" — not given in vars (captures are shared only between the steps of a flow)',
    ],
  ])('rejects bad inputs %j before any request', async (inputs, message) => {
    sandbox.clearRequestLog();
    const { log } = await runAction(inputs as Record<string, string>);
    expect(process.exitCode).toBe(1);
    const errors = log.split('\n').filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(`::error::smoke-test: ${message}`);
    expect(sandbox.requestLog()).toEqual([]);
  });
});
