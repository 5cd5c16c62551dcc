import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { XMLParser } from 'fast-xml-parser';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CheckDefinitionError,
  parseChecks,
  runChecks,
  toJsonReport,
  toJUnitXml,
  toRecordSummary,
  type CheckResult,
} from '../src/index.js';
import { startApiServer, type ApiServer } from './api-server.js';

let api: ApiServer;
beforeAll(async () => {
  api = await startApiServer({ version: '8' });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

async function runOne(definition: Record<string, unknown>, deps = {}): Promise<CheckResult> {
  const result = await runChecks(
    parseChecks({ 'base-url': api.url, checks: [{ name: 'c', ...definition }] }),
    deps,
  );
  const [check] = result.checks;
  if (!check) throw new Error('the suite returned no check result');
  return check;
}

describe('assertions', () => {
  it('passes every assertion kind against a real answer', async () => {
    const check = await runOne({
      request: '/health',
      expect: {
        status: ['2xx', 204],
        body: { contains: ['"status"', 'ok'], 'not-contains': 'error', matches: '"uptime":\\d+' },
        headers: {
          'content-type': 'application/json',
          'X-App-Version': { equals: '8' },
          'x-none': { exists: false },
        },
        'max-duration': '5s',
        'version-from': 'header:x-app-version',
        version: '8',
        json: [
          { path: '$.status', equals: 'ok' },
          { path: '$.status', 'not-equals': 'down' },
          { path: '$.status', 'one-of': ['ok', 'degraded'] },
          { path: '$.version', exists: true },
          { path: '$.missing', exists: false },
          { path: '$.version', matches: '^\\d+$' },
          { path: '$.services', type: 'array' },
          { path: '$.services', length: 2 },
          { path: '$.services', length: { gte: 1, lt: 5 } },
          { path: '$.services', contains: 'db' },
          { path: '$.uptime', gt: 10, lte: 12.5 },
          { path: 'services[0]', equals: 'db' },
        ],
      },
    });
    expect(check.failure).toBeUndefined();
    expect(check).toMatchObject({ passed: true, status: 200, executedVersion: '8', attempts: 1 });
  });

  it.each([
    [{ status: 201 }, 'status', '201', '200'],
    [{ status: '4xx' }, 'status', '4xx', '200'],
    [{ body: 'nope' }, 'body contains', '"nope"', undefined],
    [{ body: { 'not-contains': 'ok' } }, 'body not-contains', 'no "ok"', undefined],
    [{ body: { matches: '^<html' } }, 'body matches', '/^<html/', undefined],
    [
      { headers: { 'content-type': 'text/html' } },
      'header content-type contains',
      '"text/html"',
      '"application/json"',
    ],
    [{ headers: { 'x-trace': { exists: true } } }, 'header x-trace exists', 'present', 'nothing (missing)'],
    [{ json: { '$.status': 'down' } }, '$.status equals', '"down"', '"ok"'],
    [{ json: { '$.status': { 'one-of': ['a', 'b'] } } }, '$.status one-of', 'one of ["a","b"]', '"ok"'],
    [{ json: { '$.nothing': { exists: true } } }, '$.nothing exists', 'present', 'nothing (missing)'],
    [{ json: { '$.status': { type: 'number' } } }, '$.status type', 'number', 'string "ok"'],
    [{ json: { '$.services': { length: 3 } } }, '$.services length', '= 3', '2'],
    [{ json: { '$.uptime': { lt: 10 } } }, '$.uptime < 10', '< 10', '12.5'],
    [{ json: { '$.version': { matches: '^9' } } }, '$.version matches', '/^9/', '"8"'],
    [{ json: { '$.services': { contains: 'cache' } } }, '$.services contains', '"cache"', '["db","queue"]'],
    [{ version: '9', 'version-from': 'json:$.version' }, 'version', 'version 9', 'version 8'],
    [{ 'max-duration': '0ms' }, 'max-duration', 'at most 0ms', undefined],
  ])(
    'reports %j as a failure naming the assertion, expected and actual',
    async (expectation, assertion, wanted, actual) => {
      const check = await runOne({ request: '/health', expect: expectation });
      expect(check.passed).toBe(false);
      expect(check.failure?.assertion).toBe(assertion);
      expect(check.failure?.expected).toBe(wanted);
      if (actual !== undefined) expect(check.failure?.actual).toBe(actual);
      expect(check.failure?.request).toBe(`GET ${api.url}/health`);
      expect(check.failure?.response).toMatch(
        /^status 200 \{content-type: application\/json, x-app-version: 8\} \{"status":"ok"/,
      );
    },
  );

  it('says when a JSON assertion meets a body that is not JSON, and reads text with regex captures', async () => {
    const failing = await runOne({ request: '/text', expect: { json: { '$.a': 1 } } });
    expect(failing.failure?.reason).toBe('the body is not JSON');
    const result = await runChecks(
      parseChecks([
        {
          flow: 'text',
          steps: [
            {
              name: 'read',
              request: `${api.url}/text?name=ada`,
              capture: { id: { regex: 'request id ([0-9a-f-]{36})' } },
            },
            {
              name: 'echo',
              request: { method: 'POST', url: `${api.url}/echo`, query: { id: '{{ id }}' } },
              expect: { json: { '$.query.id': { matches: '^[0-9a-f-]{36}$' } } },
            },
          ],
        },
      ]),
    );
    expect(result.checks.map((check) => check.passed)).toEqual([true, true]);
  });
});

describe('retries and polling', () => {
  it('retries a failing check with backoff and counts the attempts', async () => {
    const passes = await runOne({
      request: '/flaky?key=a&failures=2',
      retry: { attempts: 3, delay: '10ms', backoff: 2 },
    });
    expect(passes).toMatchObject({ passed: true, attempts: 3 });
    const fails = await runOne({ request: '/flaky?key=b&failures=5', retry: { attempts: 2, delay: '5ms' } });
    expect(fails).toMatchObject({ passed: false, attempts: 2 });
    expect(fails.failure?.reason).toBe('status: expected 2xx, got 503');
  });

  it('gives up polling at the deadline and says what it was waiting for', async () => {
    const check = await runOne({
      request: '/health',
      until: { json: { '$.status': 'never' }, interval: '20ms', timeout: '150ms' },
    });
    expect(check.passed).toBe(false);
    const reason = check.failure?.reason ?? '';
    expect(reason).toMatch(
      /^still not true after 150ms \(\d+ polls\): \$\.status equals: expected "never", got "ok"$/,
    );
    // How many polls fit in 150 ms depends on the machine; that the count is reported truly does not.
    expect(check.attempts).toBe(Number(/\((\d+) polls\)/.exec(reason)?.[1]));
  });

  it('reports a connection failure with its code', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const { port } = closed.address() as AddressInfo;
    await new Promise((resolve) => closed.close(resolve));
    const check = await runOne({ request: `http://127.0.0.1:${port}/health` });
    expect(check.failure?.reason).toMatch(
      new RegExp(`^GET http://127\\.0\\.0\\.1:${port}/health failed: ECONNREFUSED`),
    );
  });

  it('times out a slow request at its own timeout', async () => {
    const check = await runOne({ request: { url: '/slow?ms=400', timeout: '50ms' } });
    expect(check.failure?.reason).toBe(`GET ${api.url}/slow?ms=400 failed: no answer within 50ms`);
  });
});

describe('samples and thresholds', () => {
  it('passes an error rate under max-error-rate and fails one over it', async () => {
    const under = await runOne({
      request: '/sometimes?every=4',
      samples: 20,
      'sample-concurrency': 4,
      'max-error-rate': '30%',
    });
    expect(under.passed).toBe(true);
    expect(under.latency).toMatchObject({ samples: 20, errors: 5, errorRate: 0.25 });
    api.reset();
    const over = await runOne({ request: '/sometimes?every=4', samples: 20, 'max-error-rate': 0.1 });
    expect(over.passed).toBe(false);
    expect(over.failure?.reason).toBe(
      'error rate 25% (5 of 20) is over max-error-rate 10%; first error: status: expected 2xx, got 500',
    );
  });

  it('judges p95 latency', async () => {
    const check = await runOne({ request: '/slow?ms=40', samples: 6, 'max-p95-latency': '10ms' });
    expect(check.passed).toBe(false);
    expect(check.latency!.p95Ms).toBeGreaterThanOrEqual(40);
    expect(check.failure?.reason).toMatch(/^p95 latency \d+ms is over max-p95-latency 10ms$/);
    const relaxed = await runOne({
      request: '/slow?ms=5',
      samples: 6,
      'max-p95-latency': '2s',
      'max-p50-latency': '2s',
    });
    expect(relaxed.passed).toBe(true);
  });
});

describe('concurrency and stopping', () => {
  it('runs independent checks concurrently, at most `concurrency` at once', async () => {
    const checks = Array.from({ length: 20 }, (_, index) => ({
      name: `slow ${index}`,
      request: `${api.url}/slow?ms=100`,
    }));
    const result = await runChecks(parseChecks(checks), { concurrency: 5 });
    expect(result.passed).toBe(true);
    // Concurrency is proven by the server's count of requests in flight, not by a wall-clock bound.
    expect(api.maxInFlight()).toBe(5);
  });

  it('defaults to 10 at once', async () => {
    const checks = Array.from({ length: 30 }, (_, index) => ({
      name: `n${index}`,
      request: `${api.url}/slow?ms=60`,
    }));
    await runChecks(parseChecks(checks));
    expect(api.maxInFlight()).toBe(10);
  });

  it('stops after the first failure with fail-fast and skips the rest', async () => {
    const checks = [
      { name: 'fails', request: `${api.url}/nope` },
      ...Array.from({ length: 6 }, (_, index) => ({
        name: `later ${index}`,
        request: `${api.url}/slow?ms=200`,
      })),
    ];
    const result = await runChecks(parseChecks(checks), { concurrency: 2, failFast: true });
    expect(result.checks[0]?.passed).toBe(false);
    expect(result.skippedCount).toBe(6);
    expect(result.checks[3]?.failure?.reason).toBe('fail-fast: stopped after check "fails" failed');
    expect(api.requests.length).toBeLessThanOrEqual(2);
  });

  it('fails checks still running when the suite times out', async () => {
    const result = await runChecks(parseChecks([{ name: 'slow', request: `${api.url}/slow?ms=2000` }]), {
      timeoutMs: 100,
    });
    expect(result.checks[0]).toMatchObject({ passed: false, skipped: false });
    expect(result.checks[0]?.failure?.reason).toBe('the suite timed out after 100ms');
  });
});

describe('bad definitions', () => {
  it('names the check, the field and the line of every problem, before anything is sent', () => {
    const text = [
      'checks:',
      '  - name: health',
      '    request: { url: /health, method: FETCH }',
      '    expect:',
      '      status: 2xy',
      '  - name: login',
      '    request: { url: /login, timeout: soon }',
      '    capture:',
      '      token: { json: "$.token", header: x }',
      '    retry: { attempts: 0 }',
      '  - request: /x',
      '  - name: health',
      '    invoke: { qualifier: live }',
      '    expect: { json: [{ path: $.a, type: text }], headers: { x: { matches: "(" } } }',
      '    maxDuration: 1s',
      '    until: { interval: 1s }',
      '    samples: 0',
    ].join('\n');
    let error: unknown;
    try {
      parseChecks(text, { file: 'smoke.yml' });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(CheckDefinitionError);
    expect((error as CheckDefinitionError).problems).toEqual([
      'check "health" (smoke.yml line 3): request.method has "FETCH" — expected one of GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS',
      'check "health" (smoke.yml line 5): expect.status has "2xy" — expected a status like 200, "2xx", "200-299" or a list of them',
      'check "login" (smoke.yml line 7): request.timeout has "soon" — expected a duration like 500ms, 5s, 2m',
      'check "login" (smoke.yml line 9): capture.token needs exactly one of json (a JSONPath), header (a name) or regex (optionally with header)',
      'check "login" (smoke.yml line 10): retry.attempts has 0 — expected a whole number from 1 to 100',
      'check #3 (smoke.yml line 11): name is required (a short unique name for reports)',
      'check "health" (smoke.yml line 12): name "health" is used by another check; names must be unique',
      'check "health" (smoke.yml line 15): maxDuration is not a known field — expected one of name, function, request, invoke, expect, capture, retry, until, samples, sample-concurrency, max-error-rate, max-p50-latency, max-p95-latency, max-p99-latency',
      'check "health" (smoke.yml line 13): invoke.function is required',
      'check "health" (smoke.yml line 14): expect.json[0].type has "text" — expected one of string, number, integer, boolean, object, array, null',
      'check "health" (smoke.yml line 14): expect.headers.x.matches is not a valid regular expression: Invalid regular expression: /(/: Unterminated group',
      'check "health" (smoke.yml line 16): until has no condition — give expect with one of status, body, json, headers, max-duration, version, version-from, function-error',
      'check "health" (smoke.yml line 17): samples has 0 — expected a whole number from 1 to 10000',
      'check "health" (smoke.yml line 16): until cannot be combined with samples',
    ]);
  });

  it('refuses a body with GET or HEAD, and a header value with a line break, naming the check and the field', () => {
    const text = [
      '- name: no method',
      '  request: { url: "http://x/a", json: { a: 1 } }',
      '- name: head with body',
      '  request: { method: HEAD, url: "http://x/a", body: "text" }',
      '- name: crlf',
      '  request: { method: POST, url: "http://x/a", json: {}, headers: { authorization: "Bearer HIDDEN\\r\\nx: y" } }',
    ].join('\n');
    let problems: string[] = [];
    try {
      parseChecks(text, { file: 'c.yml' });
    } catch (error) {
      problems = (error as CheckDefinitionError).problems;
    }
    expect(problems).toEqual([
      'check "no method" (c.yml line 2): request.json is sent with method GET (the default), which cannot carry a body — set method: POST, PUT, PATCH or DELETE',
      'check "head with body" (c.yml line 4): request.body is sent with method HEAD, which cannot carry a body — set method: POST, PUT, PATCH or DELETE',
      'check "crlf" (c.yml line 6): request.headers.authorization has a line break or NUL (value not shown) — a header value must be one line',
    ]);
  });

  it('refuses a YAML alias bomb and a huge document at once, naming the file and the line', () => {
    const bomb = [
      'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
      ...Array.from(
        { length: 6 },
        (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`,
      ),
    ].join('\n');
    expect(() => parseChecks(bomb, { file: 'bomb.yml' })).toThrow(
      /^invalid checks: bomb\.yml line 2 uses YAML aliases that expand too far/,
    );
    expect(() => parseChecks(`# ${'x'.repeat(1024 * 1024)}`, { file: 'huge.yml' })).toThrow(
      'invalid checks: huge.yml has 1048578 characters — at most 1048576 are accepted',
    );
  });

  it('reports YAML syntax errors with the line, and bad templates with the field', () => {
    expect(() => parseChecks('- name: a\n  request: { url: x\n', { file: 'f.yml' })).toThrow(
      /^invalid checks: f\.yml line \d+ is not valid YAML/,
    );
    expect(() => parseChecks([{ name: 'a', request: 'http://x/{{ random zero }}' }])).toThrow(
      'invalid checks: check "a": request has a bad template: helper "random" has length "zero" — expected a whole number 1-1024',
    );
  });
});

describe('secret redaction', () => {
  it('hides secret headers, registered secrets, secret captures and password fields in failures and reports', async () => {
    const suite = parseChecks({
      'base-url': api.url,
      checks: [
        {
          flow: 'secrets',
          steps: [
            {
              name: 'register',
              request: {
                method: 'POST',
                url: '/register',
                json: { email: 'r@x.io', password: 'p4ssw0rd-long' },
              },
            },
            {
              name: 'login',
              request: {
                method: 'POST',
                url: '/login',
                json: { email: 'r@x.io', password: 'p4ssw0rd-long' },
              },
              capture: { token: { json: '$.token', secret: true } },
            },
            {
              name: 'echo token',
              request: {
                method: 'POST',
                url: '/echo',
                headers: {
                  authorization: 'Bearer {{ token }}',
                  'x-api-key': 'key-123456',
                  'x-custom': '{{ env.API_SECRET }}',
                },
                body: 'token={{ token }} secret={{ env.API_SECRET }}',
              },
              expect: { status: 418 },
            },
          ],
        },
      ],
    });
    const result = await runChecks(suite, {
      env: { API_SECRET: 'sekrit-value-99' },
      secrets: ['sekrit-value-99'],
    });
    const echo = result.checks[2];
    expect(echo?.passed).toBe(false);
    const texts = [toJsonReport(result), toJUnitXml(result), JSON.stringify(echo?.failure)];
    for (const text of texts) {
      expect(text).not.toMatch(/tok_[0-9a-f]{32}/);
      expect(text).not.toContain('sekrit-value-99');
      expect(text).not.toContain('key-123456');
      expect(text).not.toContain('p4ssw0rd-long');
    }
    expect(echo?.failure?.request).toBe(
      `POST ${api.url}/echo headers {authorization: ***, x-api-key: ***, x-custom: ***} body token=*** secret=***`,
    );
  });
});

describe('credentials in URLs and headers', () => {
  it('sends the user info of a URL as Basic authentication and never shows the password', async () => {
    const url = api.url.replace('http://', 'http://smoke:pa%24%24-word-1@');
    const result = await runChecks(
      parseChecks([
        {
          name: 'basic auth',
          request: { method: 'POST', url: `${url}/echo` },
          expect: { json: { '$.headers.authorization': `Basic ${btoa('smoke:pa$$-word-1')}` } },
        },
        {
          name: 'echoed back in a failure',
          request: { method: 'POST', url: `${url}/echo` },
          expect: { status: 201 },
        },
      ]),
    );
    expect(result.checks.map((check) => check.passed)).toEqual([true, false]);
    const text = JSON.stringify(result) + toJUnitXml(result);
    expect(text).toContain('***');
    for (const secret of ['pa$$-word-1', 'pa%24%24-word-1', btoa('smoke:pa$$-word-1')]) {
      expect(text).not.toContain(secret);
    }
  });

  it('refuses a rendered header value with a line break without quoting it', async () => {
    const result = await runChecks(
      parseChecks([
        {
          name: 'bad header',
          request: { url: `${api.url}/health`, headers: { authorization: '{{ env.BAD_HEADER }}' } },
        },
      ]),
      { env: { BAD_HEADER: 'Bearer LEAKY-TOKEN\r\nx: y' } },
    );
    const reason = result.checks[0]?.failure?.reason ?? '';
    expect(reason).toContain("header 'authorization' has a value with a line break");
    expect(JSON.stringify(result)).not.toContain('LEAKY-TOKEN');
  });
});

describe('reports', () => {
  it('writes JUnit XML that a parser reads, a JSON report and a record summary', async () => {
    const result = await runChecks(
      parseChecks([
        { name: 'ok', request: `${api.url}/health` },
        { name: 'bad <one>', request: `${api.url}/health`, expect: { status: 500 } },
        {
          flow: 'f',
          steps: [
            { name: 'first', request: `${api.url}/nope` },
            { name: 'second', request: `${api.url}/health` },
          ],
        },
      ]),
    );
    const xml = new XMLParser({ ignoreAttributes: false }).parse(toJUnitXml(result));
    const suite = xml.testsuites.testsuite;
    expect(suite['@_tests']).toBe('4');
    expect(suite['@_failures']).toBe('2');
    expect(suite['@_skipped']).toBe('1');
    expect(suite.testcase.map((c: Record<string, string>) => c['@_name'])).toEqual([
      'ok',
      'bad <one>',
      'first',
      'second',
    ]);
    expect(suite.testcase[1].failure['@_message']).toBe('status: expected 500, got 200');
    expect(suite.testcase[2]['@_classname']).toBe('smoke-test.f');
    const json = JSON.parse(toJsonReport(result));
    expect(json).toMatchObject({
      schema: 'lambda-release-checks/v1',
      total: 4,
      failedCount: 2,
      skippedCount: 1,
    });
    expect(toRecordSummary(result, new Date('2026-01-01T00:00:00Z'))).toEqual({
      at: '2026-01-01T00:00:00.000Z',
      passed: 1,
      failed: 3,
      total: 4,
      failures: ['bad <one>: status: expected 500, got 200', 'f › first: status: expected 2xx, got 404'],
    });
  });
});
