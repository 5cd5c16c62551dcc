/**
 * Issue 10, item 5: every action and the reference workflow run with recognisable secret values, on paths that
 * succeed and paths that fail (failure messages are where URLs and tokens usually leak). None of the values may
 * appear in raw stdout (except in the `::add-mask::` line that registers it), stderr, job summaries, output files
 * or any file the run wrote (records, reports). We scan raw output: masking is the runner's job, not ours.
 */
import {
  chmodSync,
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SANDBOX_SMTP_PASSWORD } from '@lambda-release-kit/sandbox';
import { runWorkflow } from '@lambda-release-kit/core/testing';
import { aliasOf, createReleasedFunction, startFixture, writeReleaseZip, type Fixture } from './fixture.js';
import { recordResult, startCategory } from './results.js';
import { NODE24, REPO_ROOT, runAction, type ActionName, type ActionRun } from './run-action.js';

const AWS_SECRET = 'AWSSECRETKEY-reliability-0000000000000000';
const BOT_TOKEN = 'xoxb-SECRET-TOKEN-1234';
const WEBHOOK_SECRET = 'WEBHOOK-SECRET-5678';
const SMTP_WRONG_PASSWORD = 'SMTP-SECRET-PW';
const SMOKE_TOKEN = 'SMOKE-SECRET-BEARER-9012';
const SECRETPATH = 'SECRETPATH-0a1b2c3d';

// Secrets that only a server's answer carries back: user info, echoed headers, webhook paths, the bot token.
const USERINFO_PASSWORD = 'USERINFO-PW-3456';
const BASIC_TOKEN = Buffer.from(`echo-user:${USERINFO_PASSWORD}`).toString('base64');
const HOOK_BASIC_TOKEN = Buffer.from(`hook:${USERINFO_PASSWORD}`).toString('base64');
const ECHOED_TOKEN = 'ECHOED-BEARER-7890';
const CRLF_TOKEN = 'CRLF-BEARER-2468';
const ECHOED_PATH = 'ECHOEDPATH-9f8e7d6c';
const ECHOED_BOT_TOKEN = 'xoxb-ECHOED-BOT-1357';
const ECHOED = [
  USERINFO_PASSWORD,
  BASIC_TOKEN,
  HOOK_BASIC_TOKEN,
  ECHOED_TOKEN,
  CRLF_TOKEN,
  ECHOED_PATH,
  ECHOED_BOT_TOKEN,
];

/**
 * A server that repeats every request back: `/status/<code>/...` answers that status with the method, path and
 * headers in the body and in `x-echo-*` headers, the way careless error pages and proxies do.
 */
async function startEchoServer(): Promise<{ url: string; server: Server }> {
  const server = createServer((req, res) => {
    const status = Number(/^\/status\/(\d{3})\//.exec(req.url ?? '')?.[1] ?? 200);
    // Secrets first, so they survive the 200-character snippets of error messages.
    const { authorization, 'x-api-key': apiKey } = req.headers;
    const echo = { authorization, apiKey, path: req.url, headers: req.headers };
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-echo-path': req.url ?? '',
      'x-echo-authorization': req.headers.authorization ?? '',
    });
    res.end(JSON.stringify({ echo, ok: false, error: `cannot serve ${req.url}` }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, server };
}

const dir = mkdtempSync(join(tmpdir(), 'reliability-secrets-'));
let fixture: Fixture;
let env: Record<string, string>;
let secrets: string[];
let echo: { url: string; server: Server };

/** Every place a run leaves text: raw stdout minus mask registrations, stderr, summary, outputs, its files. */
function leaks(run: ActionRun, values: string[]): string[] {
  const stdout = run.stdout
    .split('\n')
    .filter((line) => !line.startsWith('::add-mask::'))
    .join('\n');
  const files = readdirSync(run.dir)
    .map((name) => join(run.dir, name))
    .filter((path) => statSync(path).isFile())
    .map((path) => readFileSync(path, 'utf8'));
  const text = [stdout, run.stderr, run.summary, run.outputFile, ...files].join('\n');
  return values.filter((value) => text.includes(value));
}

function check(action: ActionName, scenario: string, run: ActionRun, values = secrets): void {
  const found = leaks(run, values);
  recordResult('secrets', {
    action,
    case: scenario,
    held: found.length === 0,
    detail: found.length ? `leaked ${found.join(', ')}` : `exit ${run.code}`,
  });
  expect(found).toEqual([]);
}

beforeAll(async () => {
  startCategory('secrets');
  fixture = await startFixture();
  env = { ...fixture.env, AWS_SECRET_ACCESS_KEY: AWS_SECRET };
  const slackBase = fixture.sandbox.variable('SANDBOX_SLACK_API_URL').replace(/\/api$/, '');
  secrets = [
    AWS_SECRET,
    BOT_TOKEN,
    WEBHOOK_SECRET,
    SMTP_WRONG_PASSWORD,
    SMOKE_TOKEN,
    SECRETPATH,
    SANDBOX_SMTP_PASSWORD,
  ];
  env.SLACK_WEBHOOK = `${slackBase}/webhook/T0RELY/B0RELY/${SECRETPATH}`;
  await createReleasedFunction(fixture, 'orders-api');
  await createReleasedFunction(fixture, 'echo-api');
  echo = await startEchoServer();
});

afterAll(async () => {
  await fixture?.sandbox.stop();
  await new Promise((resolve) => echo?.server.close(resolve));
});

describe('no secret value reaches a log, summary, output or file', () => {
  const notifyInputs = () => ({
    status: 'success',
    title: 'orders-api released',
    'slack-webhook-url': env.SLACK_WEBHOOK ?? '',
    'slack-bot-token': BOT_TOKEN,
    'slack-channel': '#releases',
    'slack-api-url': fixture.sandbox.variable('SANDBOX_SLACK_API_URL'),
    'webhook-url': `${fixture.sandbox.variable('SANDBOX_WEBHOOK_URL')}/${SECRETPATH}`,
    'webhook-secret': WEBHOOK_SECRET,
    'smtp-url': fixture.sandbox.variable('SANDBOX_SMTP_URL'),
    'email-from': 'releases@example.com',
    'email-to': 'oncall@example.com',
    'retry-budget': '3s',
  });

  it('notify, every channel delivered', async () => {
    const run = await runAction('notify', notifyInputs(), { env });
    expect(run.code).toBe(0);
    expect(run.outputs.sent?.split(',').sort()).toEqual(['email', 'slack-api', 'slack-webhook', 'webhook']);
    check('notify', 'all channels delivered', run);
  });

  it('notify, every channel failing (wrong SMTP password, 500s from Slack and the webhook)', async () => {
    fixture.sandbox.faults.add({ service: 'slack', operation: '*', kind: 'error' });
    fixture.sandbox.faults.add({ service: 'webhook', operation: '*', kind: 'error' });
    try {
      const run = await runAction(
        'notify',
        {
          ...notifyInputs(),
          'smtp-url': fixture.sandbox
            .variable('SANDBOX_SMTP_URL')
            .replace(SANDBOX_SMTP_PASSWORD, SMTP_WRONG_PASSWORD),
          'fail-on-error': 'true',
        },
        { env },
      );
      expect(run.code).toBe(1);
      expect(JSON.parse(run.outputs.failed ?? '').length).toBe(4);
      check('notify', 'all channels failing', run);
    } finally {
      fixture.sandbox.faults.clear();
    }
  });

  it('smoke-test, passing and failing checks with secret headers', async () => {
    const hook = `${fixture.sandbox.variable('SANDBOX_WEBHOOK_URL')}/smoke-${SECRETPATH}`;
    const checks = [
      `- name: authorised`,
      `  request: { method: POST, url: "${hook}", headers: { Authorization: "Bearer ${SMOKE_TOKEN}" }, json: { token: "${SMOKE_TOKEN}" } }`,
      `  expect: { status: 200 }`,
      `- name: wrong body`,
      `  request: { method: POST, url: "${hook}", headers: { X-Api-Key: "${SMOKE_TOKEN}" } }`,
      `  expect: { status: 200, body: "${SMOKE_TOKEN} never answered" }`,
      `- name: invoke`,
      `  invoke: { function: orders-api, qualifier: live, payload: { token: "${SMOKE_TOKEN}" } }`,
    ].join('\n');
    const run = await runAction(
      'smoke-test',
      (out) => ({
        checks,
        secrets: `${SMOKE_TOKEN}\n${SECRETPATH}`,
        'report-file': join(out, 'smoke-report.xml'),
      }),
      { env },
    );
    expect(run.code).toBe(1);
    expect(run.outputs.passed).toBe('2');
    check('smoke-test', 'secret headers, URL and payload; one failing check', run);
  });

  it('deploy-canary and rollback-on-failure with a recognisable AWS secret key', async () => {
    const deploy = await runAction(
      'deploy-canary',
      (out) => ({
        'function-name': 'orders-api',
        'zip-file': writeReleaseZip(dir, 'v1.1.0'),
        'skip-canary': 'true',
        'skip-canary-reason': 'reliability suite',
        'release-tag': 'v1.1.0',
        'record-file': join(out, 'record.json'),
        timeout: '30s',
      }),
      { env },
    );
    expect({ code: deploy.code, status: deploy.outputs.status }).toEqual({ code: 0, status: 'promoted' });
    check('deploy-canary', 'skip-canary release', deploy);
    const failing = await runAction(
      'deploy-canary',
      (out) => ({
        'function-name': 'orders-api',
        'zip-file': writeReleaseZip(dir, 'v1.2.0'),
        'traffic-steps': '10%:1s',
        'health-check-interval': '1s',
        // The sandbox publishes metrics at once.
        'metric-delay': '0',
        'on-inconclusive': 'fail',
        'release-tag': 'v1.2.0',
        'record-file': join(out, 'record.json'),
        timeout: '30s',
      }),
      { env },
    );
    expect(failing.code).toBe(1);
    check('deploy-canary', 'canary rolled back (no traffic, inconclusive)', failing);

    const rollback = await runAction(
      'rollback-on-failure',
      { 'function-name': 'orders-api', record: deploy.outputs.record ?? '', reason: 'reliability suite' },
      { env },
    );
    expect({ code: rollback.code, outcome: rollback.outputs.outcome }).toEqual({
      code: 0,
      outcome: 'rolled-back',
    });
    expect(aliasOf(fixture, 'orders-api')).toEqual({ version: '1', weights: {} });
    check('rollback-on-failure', 'rollback from the record', rollback);
  });

  it('deploy-canary masks a credential-named secret, but not "true" nor a value equal to the function name', async () => {
    const name = 'masking-rule';
    const secret = 'tok-7Hq2-reliability-5e9c';
    await createReleasedFunction(fixture, name);
    const deploy = await runAction(
      'deploy-canary',
      (out) => ({
        'function-name': name,
        'zip-file': writeReleaseZip(dir, 'v1.4.0'),
        configuration: `environment: { SESSION_KEY: ${name}, COOKIE_SECURE: "true", API_TOKEN: ${secret} }`,
        'skip-canary': 'true',
        'skip-canary-reason': 'reliability suite',
        'release-tag': 'v1.4.0',
        'record-file': join(out, 'record.json'),
        timeout: '30s',
      }),
      { env },
    );
    const masks = deploy.stdout.split('\n').filter((line) => line.startsWith('::add-mask::'));
    const functions = JSON.parse(deploy.outputs.functions ?? '[]') as Array<{ name: string }>;
    const recorded = deploy.outputs.record ? JSON.parse(deploy.outputs.record) : undefined;
    const readable =
      deploy.outputs['function-name'] === name &&
      functions[0]?.name === name &&
      recorded?.functions?.[0]?.function?.name === name &&
      deploy.summary.includes(name);
    const maskedOnly =
      masks.includes(`::add-mask::${secret}`) &&
      !masks.some((line) => /::add-mask::(true|masking-rule)$/.test(line));
    recordResult('secrets', {
      action: 'deploy-canary',
      case: 'masking rule: "true" and the function name stay readable, a real-looking token is masked',
      held: deploy.code === 0 && readable && maskedOnly,
      detail: `exit ${deploy.code}; masks ${masks.length}; outputs readable: ${readable}`,
    });
    expect({ code: deploy.code, readable, maskedOnly }).toEqual({
      code: 0,
      readable: true,
      maskedOnly: true,
    });
    check('deploy-canary', 'credential-named token among ordinary values', deploy, [secret]);
    // The record it wrote is one a rollback can act on.
    const rollback = await runAction(
      'rollback-on-failure',
      { 'function-name': name, record: deploy.outputs.record ?? '', reason: 'reliability suite' },
      { env },
    );
    expect({ code: rollback.code, outcome: rollback.outputs.outcome }).toEqual({
      code: 0,
      outcome: 'rolled-back',
    });
    expect(aliasOf(fixture, name)).toEqual({ version: '1', weights: {} });
  });

  it('the reference workflow end to end (deploy fails, rollback job, notify jobs)', async () => {
    // The runner masks what it knows; to see the raw output the actions are started through a wrapper that
    // copies their stdout, stderr, summary, output file and records into a log before the runner sees them.
    const raw = join(dir, 'raw.log');
    writeFileSync(raw, '');
    const wrapper = join(dir, 'node-tee.sh');
    writeFileSync(
      wrapper,
      `#!/usr/bin/env bash
out=$(mktemp); err=$(mktemp)
"${NODE24}" "$@" >"$out" 2>"$err"; code=$?
{ cat "$out" "$err" "$GITHUB_STEP_SUMMARY" "$GITHUB_OUTPUT"; cat "$RUNNER_TEMP"/*.json "$RUNNER_TEMP"/record/*.json 2>/dev/null; } >>"${raw}"
cat "$out"; cat "$err" >&2
rm -f "$out" "$err"
exit $code
`,
    );
    chmodSync(wrapper, 0o755);
    // The reference workflow releases the service: orders-api and orders-worker together.
    await createReleasedFunction(fixture, 'orders-worker');
    const runs = await runWorkflow({
      workflowFile: join(REPO_ROOT, '.github', 'workflows', 'deploy.yml'),
      event: { name: 'push', ref: 'refs/tags/v1.3.0' },
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      vars: {
        AWS_DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/release',
        TRAFFIC_STEPS: '10%:1s',
        HEALTH_CHECK_INTERVAL: '1s',
        MIN_INVOCATIONS: '1000',
        METRIC_DELAY: '0',
        SLACK_API_URL: fixture.sandbox.variable('SANDBOX_SLACK_API_URL'),
        SLACK_CHANNEL: '#releases',
        EMAIL_FROM: 'releases@example.com',
        EMAIL_TO: 'oncall@example.com',
      },
      secrets: {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SMTP_URL: fixture.sandbox
          .variable('SANDBOX_SMTP_URL')
          .replace(SANDBOX_SMTP_PASSWORD, SMTP_WRONG_PASSWORD),
      },
      nodeBinary: wrapper,
      repoRoot: REPO_ROOT,
    });
    expect(runs.staging?.result).toBe('failure');
    expect(runs['rollback-staging']?.result).toBe('success');
    expect(runs.notify?.result).toBe('success');
    const text = readFileSync(raw, 'utf8')
      .split('\n')
      .filter((line) => !line.startsWith('::add-mask::'))
      .join('\n');
    expect(text.length).toBeGreaterThan(1000);
    const outputs = JSON.stringify(Object.values(runs).map((job) => job.outputs));
    const found = secrets.filter((value) => text.includes(value) || outputs.includes(value));
    recordResult('secrets', {
      action: 'workflow',
      case: 'deploy.yml: failed deploy, rollback, notify (raw output of every action)',
      held: found.length === 0,
      detail: found.length ? `leaked ${found.join(', ')}` : `${Object.keys(runs).length} jobs`,
    });
    expect(found).toEqual([]);
    expect(existsSync(raw)).toBe(true);
  }, 90_000);
});

/** Checks whose failures carry a server's answer: user info, echoed secret headers on retries and polls, CR/LF. */
function echoingChecks(): string {
  const withUserInfo = echo.url.replace('http://', `http://echo-user:${USERINFO_PASSWORD}@`);
  return [
    `- name: user info in the URL`,
    `  request: { url: "${withUserInfo}/status/404/login" }`,
    `- name: user info, nothing listening`,
    `  request: { url: "http://echo-user:${USERINFO_PASSWORD}@127.0.0.1:1/health", timeout: 2s }`,
    `- name: echoed bearer, retried`,
    `  request: { url: "${echo.url}/status/500/retry", headers: { Authorization: "Bearer ${ECHOED_TOKEN}" } }`,
    `  expect: { status: 500, body: { contains: "never answered" } }`,
    `  retry: { attempts: 2, delay: 10ms }`,
    `- name: echoed key, polled`,
    `  request: { url: "${echo.url}/status/503/poll", headers: { X-Api-Key: "${ECHOED_TOKEN}" } }`,
    `  until: { status: 503, body: { contains: "never answered" }, interval: 10ms, timeout: 200ms }`,
    `- name: line break in a rendered header`,
    `  request: { url: "${echo.url}/status/200/crlf", headers: { Authorization: "{{ env.CRLF_AUTHORIZATION }}" } }`,
  ].join('\n');
}

describe.each([
  ['off', {}],
  ['on', { RUNNER_DEBUG: '1' }],
])('servers that echo secrets back, RUNNER_DEBUG %s', (debug, debugEnv) => {
  const runEnv = () => ({ ...env, ...debugEnv, CRLF_AUTHORIZATION: `Bearer ${CRLF_TOKEN}\r\nX-Injected: 1` });
  const literalCrlf = [
    `- name: line break in a written header`,
    `  request: { url: "http://127.0.0.1:9/x", headers: { Authorization: "Bearer ${CRLF_TOKEN}\\r\\nX: 1" } }`,
  ].join('\n');

  it('notify: webhook paths and user info in 404/5xx bodies and retry lines, the bot token in Slack 5xx bodies', async () => {
    const run = await runAction(
      'notify',
      {
        status: 'success',
        title: 'orders-api released',
        'slack-webhook-url': `${echo.url}/status/404/services/T0ECHO/B0ECHO/${ECHOED_PATH}`,
        'slack-bot-token': ECHOED_BOT_TOKEN,
        'slack-channel': '#releases',
        'slack-api-url': `${echo.url}/status/500/api`,
        'webhook-url': `${echo.url.replace('http://', `http://hook:${USERINFO_PASSWORD}@`)}/status/503/hooks/${ECHOED_PATH}`,
        'retry-budget': '2s',
        'fail-on-error': 'true',
      },
      { env: runEnv() },
    );
    expect(run.code).toBe(1);
    expect(JSON.parse(run.outputs.failed ?? '').length).toBe(3);
    expect(run.stdout).toMatch(/retrying in/);
    check('notify', `echoed webhook paths and bot token (debug ${debug})`, run, ECHOED);
  });

  it('smoke-test: user info, echoed headers on retries and polls, a CR/LF header value', async () => {
    const run = await runAction(
      'smoke-test',
      (out) => ({ checks: echoingChecks(), 'report-file': join(out, 'smoke-report.xml') }),
      { env: runEnv() },
    );
    expect(run.code).toBe(1);
    expect(run.outputs.failed).toBe('5');
    check('smoke-test', `echoing server (debug ${debug})`, run, ECHOED);
  });

  it('smoke-test and rollback-on-failure: a header value with a line break is refused without quoting it', async () => {
    const smoke = await runAction('smoke-test', { checks: literalCrlf }, { env: runEnv() });
    expect(smoke.code).toBe(1);
    expect(smoke.stdout).toContain('has a line break or NUL (value not shown)');
    check('smoke-test', `CR/LF header value refused (debug ${debug})`, smoke, ECHOED);
    const rollback = await runAction(
      'rollback-on-failure',
      { 'function-name': 'echo-api', 'target-version': '1', verify: literalCrlf },
      { env: runEnv() },
    );
    expect(rollback.code).toBe(1);
    expect(rollback.stdout).toContain("input 'verify'");
    check('rollback-on-failure', `CR/LF header value refused (debug ${debug})`, rollback, ECHOED);
  });

  it('rollback-on-failure: the same checks as verify', async () => {
    const run = await runAction(
      'rollback-on-failure',
      (out) => ({
        'function-name': 'echo-api',
        'target-version': '1',
        verify: echoingChecks(),
        'record-file': join(out, 'record.json'),
        reason: 'reliability suite',
      }),
      { env: runEnv() },
    );
    expect(run.code).toBe(1);
    expect(run.stdout + run.stderr).toMatch(/verify/);
    check('rollback-on-failure', `verify against an echoing server (debug ${debug})`, run, ECHOED);
  });

  it('deploy-canary: a pre-traffic check with user info is refused without showing it', async () => {
    const run = await runAction(
      'deploy-canary',
      (out) => ({
        'function-name': 'echo-api',
        'zip-file': writeReleaseZip(dir, 'v1.0.1'),
        'pre-traffic-check': echoingChecks(),
        'traffic-steps': '10%:1s',
        'health-check-interval': '1s',
        'record-file': join(out, 'record.json'),
        timeout: '30s',
      }),
      { env: runEnv() },
    );
    expect(run.code).toBe(1);
    expect(run.stdout).toContain("input 'pre-traffic-check'");
    check('deploy-canary', `pre-traffic check with user info (debug ${debug})`, run, ECHOED);
  });
});
