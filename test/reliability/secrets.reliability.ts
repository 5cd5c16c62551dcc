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
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { SANDBOX_SMTP_PASSWORD } from '@lambda-release-kit/sandbox';
import { runWorkflow } from '../../examples/demo/workflow-runner.js';
import { aliasOf, createReleasedFunction, startFixture, writeReleaseZip, type Fixture } from './fixture.js';
import { recordResult, startCategory } from './results.js';
import { NODE24, REPO_ROOT, runAction, type ActionName, type ActionRun } from './run-action.js';

const AWS_SECRET = 'AWSSECRETKEY-reliability-0000000000000000';
const BOT_TOKEN = 'xoxb-SECRET-TOKEN-1234';
const WEBHOOK_SECRET = 'WEBHOOK-SECRET-5678';
const SMTP_WRONG_PASSWORD = 'SMTP-SECRET-PW';
const SMOKE_TOKEN = 'SMOKE-SECRET-BEARER-9012';
const SECRETPATH = 'SECRETPATH-0a1b2c3d';

const dir = mkdtempSync(join(tmpdir(), 'reliability-secrets-'));
let fixture: Fixture;
let env: Record<string, string>;
let secrets: string[];

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
  const slackBase = fixture.env.SANDBOX_SLACK_API_URL.replace(/\/api$/, '');
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
});

afterAll(async () => {
  await fixture?.sandbox.stop();
});

describe('no secret value reaches a log, summary, output or file', () => {
  const notifyInputs = () => ({
    status: 'success',
    title: 'orders-api released',
    'slack-webhook-url': env.SLACK_WEBHOOK,
    'slack-bot-token': BOT_TOKEN,
    'slack-channel': '#releases',
    'slack-api-url': fixture.env.SANDBOX_SLACK_API_URL,
    'webhook-url': `${fixture.env.SANDBOX_WEBHOOK_URL}/${SECRETPATH}`,
    'webhook-secret': WEBHOOK_SECRET,
    'smtp-url': fixture.env.SANDBOX_SMTP_URL,
    'email-from': 'releases@example.com',
    'email-to': 'oncall@example.com',
    'retry-budget': '3s',
  });

  it('notify, every channel delivered', async () => {
    const run = await runAction('notify', notifyInputs(), { env });
    expect(run.code).toBe(0);
    expect(run.outputs.sent.split(',').sort()).toEqual(['email', 'slack-api', 'slack-webhook', 'webhook']);
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
          'smtp-url': fixture.env.SANDBOX_SMTP_URL.replace(SANDBOX_SMTP_PASSWORD, SMTP_WRONG_PASSWORD),
          'fail-on-error': 'true',
        },
        { env },
      );
      expect(run.code).toBe(1);
      expect(JSON.parse(run.outputs.failed).length).toBe(4);
      check('notify', 'all channels failing', run);
    } finally {
      fixture.sandbox.faults.clear();
    }
  });

  it('smoke-test, passing and failing checks with secret headers', async () => {
    const hook = `${fixture.env.SANDBOX_WEBHOOK_URL}/smoke-${SECRETPATH}`;
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
      { 'function-name': 'orders-api', record: deploy.outputs.record, reason: 'reliability suite' },
      { env },
    );
    expect({ code: rollback.code, outcome: rollback.outputs.outcome }).toEqual({
      code: 0,
      outcome: 'rolled-back',
    });
    expect(aliasOf(fixture, 'orders-api')).toEqual({ version: '1', weights: {} });
    check('rollback-on-failure', 'rollback from the record', rollback);
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
    const runs = await runWorkflow({
      workflowFile: join(REPO_ROOT, '.github', 'workflows', 'deploy.yml'),
      event: { name: 'push', ref: 'refs/tags/v1.3.0' },
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
      vars: {
        TRAFFIC_STEPS: '10%:1s',
        HEALTH_CHECK_INTERVAL: '1s',
        MIN_INVOCATIONS: '1000',
        METRIC_DELAY: '0',
        SLACK_API_URL: fixture.env.SANDBOX_SLACK_API_URL,
        SLACK_CHANNEL: '#releases',
        EMAIL_FROM: 'releases@example.com',
        EMAIL_TO: 'oncall@example.com',
      },
      secrets: {
        SLACK_BOT_TOKEN: BOT_TOKEN,
        SMTP_URL: fixture.env.SANDBOX_SMTP_URL.replace(SANDBOX_SMTP_PASSWORD, SMTP_WRONG_PASSWORD),
      },
      nodeBinary: wrapper,
      repoRoot: REPO_ROOT,
    });
    expect(runs.deploy.result).toBe('failure');
    expect(runs.rollback.result).toBe('success');
    expect(runs.notify.result).toBe('success');
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
