import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import { buildSuite } from '../src/suite.js';
import { runSmokeTest } from '../src/smoke-test.js';
import { createRecord, MemoryLogger } from '@lambda-release-kit/core';
import { startSandbox, type Sandbox } from '@lambda-release-kit/sandbox';
import { deployTwoVersions, lambdaClient } from './sandbox-helpers.js';

let sandbox: Sandbox;
let lambda: LambdaClient;

beforeAll(async () => {
  sandbox = await startSandbox({ timeScale: 100 });
  lambda = lambdaClient(sandbox);
  await deployTwoVersions(lambda, 'orders');
  await deployTwoVersions(lambda, 'billing');
});
afterAll(async () => {
  lambda.destroy();
  await sandbox.stop();
});

const record = () =>
  createRecord({
    functions: [
      { function: { name: 'orders' }, alias: 'live', previous: { version: '1' }, target: { version: '2' } },
    ],
    strategy: 'alias-weights',
  });

/** A release of orders (1 → 2) and billing (2 → 1): billing's alias still answers from 2, not its new version 1. */
const serviceRecord = () =>
  createRecord({
    functions: [
      { function: { name: 'orders' }, alias: 'live', previous: { version: '1' }, target: { version: '2' } },
      { function: { name: 'billing' }, alias: 'live', previous: { version: '2' }, target: { version: '1' } },
    ],
    strategy: 'alias-weights',
  });

const checks = `
- name: invoke new version
  invoke:
    function: "{{ function }}"
    qualifier: "{{ alias }}"
    payload: { orderId: "{{ uuid }}", day: '{{ now "+1d" "YYYY-MM-DD" }}' }
  expect:
    json:
      $.label: new
      $.echo.day: { matches: '^\\d{4}-\\d{2}-\\d{2}$' }
- name: health through the function URL
  request: "{{ url }}health"
  expect:
    json: { $.status: ok, $.label: new }
`;

const options = (overrides = {}) => ({
  vars: { url: sandbox.functionUrl('orders', 'live') },
  env: {},
  concurrency: 4,
  failFast: false,
  timeoutMs: 20_000,
  secrets: [],
  ...overrides,
});

describe('smoke test against the sandbox', () => {
  it('proves through Invoke and the function URL that the new version answers, and records it', async () => {
    const suite = buildSuite({ checks: { text: checks, file: 'checks.yml' } });
    const outcome = await runSmokeTest(suite, options({ record: record(), expectVersion: '2' }), {
      logger: new MemoryLogger(),
      lambda,
      now: () => new Date('2026-11-05T10:00:00Z'),
    });
    expect(outcome.result.checks.map((check) => [check.name, check.passed, check.executedVersion])).toEqual([
      ['invoke new version', true, '2'],
      ['health through the function URL', true, '2'],
    ]);
    expect(outcome.record?.smokeTests).toEqual([
      { at: '2026-11-05T10:00:00.000Z', passed: 2, failed: 0, total: 2 },
    ]);
    expect(sandbox.requestLog().filter((entry) => entry.operation === 'Invoke').length).toBeGreaterThan(0);
  });

  it('fails when the alias answers from another version than expected', async () => {
    const suite = buildSuite({ checks: { text: checks, file: 'checks.yml' } });
    const outcome = await runSmokeTest(suite, options({ expectVersion: '3', record: record() }), {
      logger: new MemoryLogger(),
      lambda,
    });
    expect(outcome.result.passed).toBe(false);
    for (const check of outcome.result.checks) {
      expect(check.failure?.reason).toBe('answered by version 2, expected version 3');
    }
  });

  it("with a record of several functions, each invoke check expects its own function's new version", async () => {
    const service = serviceRecord();
    const perFunction = `
- name: orders answers
  invoke: { function: orders, qualifier: live, payload: {} }
- name: billing answers
  invoke: { function: "arn:aws:lambda:us-east-1:123456789012:function:billing", qualifier: live, payload: {} }
`;
    const suite = buildSuite({ checks: { text: perFunction, file: 'checks.yml' } });
    const outcome = await runSmokeTest(suite, options({ record: service }), {
      logger: new MemoryLogger(),
      lambda,
    });
    expect(outcome.expectVersion).toBe('orders 2, billing 1');
    expect(outcome.result.checks.map((check) => [check.name, check.passed, check.failure?.reason])).toEqual([
      ['orders answers', true, undefined],
      ['billing answers', false, 'answered by version 2, expected version 1'],
    ]);
    expect(outcome.record?.smokeTests).toEqual([expect.objectContaining({ passed: 1, failed: 1, total: 2 })]);
  });

  it("with a record of several functions, an HTTP check naming its function expects that function's new version", async () => {
    const service = serviceRecord();
    const httpChecks = `
- name: orders health
  function: orders
  request: "{{ orders }}health"
- name: billing health
  function: billing
  request: "{{ billing }}health"
- name: some health
  request: "{{ orders }}health"
`;
    const suite = buildSuite({ checks: { text: httpChecks, file: 'checks.yml' } });
    const urls = {
      orders: sandbox.functionUrl('orders', 'live'),
      billing: sandbox.functionUrl('billing', 'live'),
    };
    const outcome = await runSmokeTest(suite, options({ record: service, vars: urls }), {
      logger: new MemoryLogger(),
    });
    expect(
      outcome.result.checks.map((check) => [
        check.name,
        check.passed,
        check.version?.outcome,
        check.failure?.reason,
      ]),
    ).toEqual([
      ['orders health', true, 'proven', undefined],
      ['billing health', false, 'other version', 'answered by version 2, expected version 1'],
      ['some health', true, 'not checked', undefined],
    ]);
    expect(outcome.record?.smokeTests?.[0]?.unproven).toEqual([
      'some health: version not checked: the release has several functions and this check names none (give it `function: <name>`)',
    ]);
  });

  it('reports a function error with the error text, and a function-URL 404 with the request', async () => {
    const suite = buildSuite({
      checks: {
        text: `
- name: broken payment
  invoke: { function: orders, qualifier: "1", payload: { fail: true } }
- name: missing route
  request: "{{ url }}nowhere"
`,
        file: 'checks.yml',
      },
    });
    const outcome = await runSmokeTest(suite, options(), { logger: new MemoryLogger(), lambda });
    const [invoke, url] = outcome.result.checks;
    if (!invoke || !url) throw new Error('expected two check results');
    expect(invoke.failure?.reason).toBe('the function returned an error (Unhandled)');
    expect(invoke.failure?.actual).toContain('payment service unreachable');
    expect(invoke.failure?.request).toBe('invoke orders:1 payload {"fail":true}');
    expect(invoke.executedVersion).toBe('1');
    expect(url.failure?.reason).toBe('status: expected 2xx, got 404');
    expect(url.failure?.request).toBe(`GET ${sandbox.functionUrl('orders', 'live')}nowhere`);
  });
});
