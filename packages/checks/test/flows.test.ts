import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { MemoryLogger } from '@lambda-release-kit/core';
import { CheckDefinitionError, parseChecks, runChecks } from '../src/index.js';
import { startApiServer, type ApiServer } from './api-server.js';

let api: ApiServer;
beforeAll(async () => {
  api = await startApiServer({ version: '8', pollsToComplete: 3 });
});
afterAll(() => api.close());
beforeEach(() => api.reset());

const seedFlow = (analysisName = 'nightly') => `
base-url: "{{ api }}"
vars:
  password: "correct horse battery"
checks:
  - name: health
    request: /health
    expect:
      status: 200
      json:
        $.status: ok
  - flow: analysis
    steps:
      - name: register
        request:
          method: POST
          url: /register
          json: { email: "smoke+{{ random 8 }}@example.com", password: "{{ password }}" }
        expect: { status: 201, headers: { location: /users/ } }
        capture:
          email: $.email
          user_path: { header: location }
          user_id: { regex: "/users/(\\\\d+)", header: location }
      - name: login
        request:
          method: POST
          url: /login
          json: { email: "{{ email }}", password: "{{ password }}" }
        capture:
          token: { json: $.token, secret: true }
      - name: upload
        request:
          method: POST
          url: /uploads
          headers: { authorization: "Bearer {{ token }}" }
          body: "sample,data\\n1,2"
        expect: { status: 201 }
        capture: { upload_id: $.uploadId }
      - name: start analysis
        request:
          method: POST
          url: /analyses
          headers: { authorization: "Bearer {{ token }}" }
          json: { uploadId: "{{ upload_id }}", date: '{{ now "YYYY-MM-DD" }}', name: ${analysisName} }
        expect: { status: 202 }
        capture: { analysis_id: $.analysisId }
      - name: report completes
        request:
          url: "/analyses/{{ analysis_id }}"
          headers: { authorization: "Bearer {{ token }}" }
        until:
          json:
            - path: $.status
              one-of: [completed, failed]
          interval: 10ms
          timeout: 60s
        expect:
          json:
            - path: $.status
              equals: completed
            - path: $.report.score
              gte: 90
`;

describe('flows against a multi-step API', () => {
  it('registers, logs in, uploads, starts an analysis dated today and polls it to completion', async () => {
    const logger = new MemoryLogger();
    const suite = parseChecks(seedFlow(), { file: 'smoke.yml' });
    const result = await runChecks(suite, { vars: { api: api.url }, logger });

    expect(result.checks.map((check) => [check.name, check.passed])).toEqual([
      ['health', true],
      ['register', true],
      ['login', true],
      ['upload', true],
      ['start analysis', true],
      ['report completes', true],
    ]);
    expect(result).toMatchObject({ passed: true, total: 6, passedCount: 6, failedCount: 0, skippedCount: 0 });
    const [analysis] = [...api.analyses.values()].slice(-1);
    expect(analysis?.date).toBe(new Date().toISOString().slice(0, 10));
    expect(analysis?.uploadId).toMatch(/^up-\d+$/);
    const poll = result.checks.find((check) => check.name === 'report completes')!;
    expect(poll.attempts).toBe(3);
    expect(result.checks.find((check) => check.name === 'register')!.captured).toEqual([
      'email',
      'user_path',
      'user_id',
    ]);
    expect(logger.text()).toContain('✓ analysis › report completes (200');
  });

  it('fails the poll when the analysis ends as failed, and skips nothing after the last step', async () => {
    const result = await runChecks(parseChecks(seedFlow('doomed')), { vars: { api: api.url } });
    const poll = result.checks.find((check) => check.name === 'report completes')!;
    expect(poll.passed).toBe(false);
    expect(poll.failure).toMatchObject({
      assertion: '$.status equals',
      expected: '"completed"',
      actual: '"failed"',
    });
    expect(result.passed).toBe(false);
  });

  it('stops polling at once when fail-if holds, and says which assertion held', async () => {
    const failIf = seedFlow('doomed').replace(
      /until:\n {10}json:\n {12}- path: \$\.status\n {14}one-of: \[completed, failed\]/,
      'until:\n          expect: { json: { $.status: completed } }\n          fail-if: { json: { $.status: failed } }',
    );
    expect(failIf).toContain('fail-if');
    const result = await runChecks(parseChecks(failIf), { vars: { api: api.url } });
    const poll = result.checks.find((check) => check.name === 'report completes')!;
    expect(poll).toMatchObject({ passed: false, attempts: 3 });
    expect(poll.failure).toMatchObject({
      reason: 'stopped polling: fail-if held: {"json":{"$.status":"failed"}}',
      assertion: 'until.fail-if',
    });
    expect(poll.failure?.response).toContain('"status":"failed"');
  });

  it('checks until and fail-if when the suite is parsed', () => {
    const problems = (text: string) => {
      try {
        parseChecks(text, { file: 'p.yml' });
        return [];
      } catch (error) {
        return (error as CheckDefinitionError).problems;
      }
    };
    const check = (until: string) => `- name: poll\n  request: http://x/a\n  until: ${until}`;
    expect(problems(check('{ expect: { status: 200 }, fail-if: { status: 5xx }, timeout: 5s }'))).toEqual([]);
    expect(problems(check('{ status: 200, fail-if: { status: 500 } }'))).toEqual([]);
    expect(problems(check('{ expect: { status: 200 }, fail-if: { state: failed } }'))).toEqual([
      'check "poll" (p.yml line 3): until.fail-if.state is not a known field — expected one of status, body, json, headers, max-duration, version, version-from, function-error',
    ]);
    expect(problems(check('{ fail-if: { status: 500 } }'))).toEqual([
      'check "poll" (p.yml line 3): until has no condition — give expect with one of status, body, json, headers, max-duration, version, version-from, function-error',
    ]);
    expect(problems(check('{ expect: { status: 200 }, fail-if: {} }'))).toEqual([
      'check "poll" (p.yml line 3): until.fail-if has no condition — give one of status, body, json, headers, max-duration, version, version-from, function-error',
    ]);
    expect(problems(check('{ expect: { status: 200 }, status: 201 }'))).toEqual([
      'check "poll" (p.yml line 3): until.status is not a known field — expected one of expect, fail-if, interval, timeout, backoff, max-interval',
    ]);
  });

  it('skips the remaining steps of a flow after a failing step, and runs other items', async () => {
    const suite = parseChecks(`
- flow: broken
  steps:
    - name: bad login
      request: { method: POST, url: "${api.url}/login", json: { email: nobody, password: x } }
      capture: { token: $.token }
    - name: use token
      request: { url: "${api.url}/uploads", headers: { authorization: "Bearer {{ token }}" } }
- name: health
  request: "${api.url}/health"
`);
    const result = await runChecks(suite);
    expect(result.checks.map((check) => [check.name, check.passed, check.skipped])).toEqual([
      ['bad login', false, false],
      ['use token', false, true],
      ['health', true, false],
    ]);
    expect(result.checks[0]?.failure?.reason).toBe('status: expected 2xx, got 401');
    expect(result.checks[1]?.failure?.reason).toBe('skipped: step "bad login" of flow "broken" failed');
    expect(result).toMatchObject({ failedCount: 1, skippedCount: 1, passedCount: 1, passed: false });
    expect(api.requests).not.toContain('GET /uploads');
  });

  it('rejects a variable that no earlier step captures before sending anything', async () => {
    const text = `
- flow: order
  steps:
    - name: first
      request: { url: "${api.url}/health", headers: { authorization: "Bearer {{ token }}" } }
    - name: second
      request: "${api.url}/health"
      capture: { token: $.status }
- name: standalone
  request: "${api.url}/health?x={{ env.SMOKE_MISSING_VAR }}"
`;
    const suite = parseChecks(text, { file: 'smoke.yml' });
    const error = await runChecks(suite, { env: {} }).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(CheckDefinitionError);
    const problems = (error as CheckDefinitionError).problems;
    expect(problems[0]).toBe(
      'check "first" (smoke.yml line 5): request.headers.authorization uses unknown variable "token" — not given in vars nor captured by an earlier step of flow "order"',
    );
    expect(problems[1]).toBe(
      'check "standalone" (smoke.yml line 10): request uses env.SMOKE_MISSING_VAR, which is not set',
    );
    expect(api.requests).toEqual([]);
  });
});
