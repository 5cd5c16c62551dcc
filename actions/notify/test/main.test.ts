import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '@lambda-release-kit/sandbox';
import {
  requiredOutput,
  runInProcess,
  v1RecordJson,
  type InProcessRun,
} from '@lambda-release-kit/core/testing';
import { run } from '../src/main.js';
import { rolledBackRecord, sampleRecord } from './fixtures.js';
import { sinkState } from './sandbox-helpers.js';

let sandbox: Sandbox;
let dir: string;
let last: InProcessRun;

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'notify-main-'));
});

afterAll(async () => {
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  sandbox.clearRequestLog();
});

afterEach(() => {
  sandbox.faults.clear();
  process.exitCode = undefined;
});

/** Runs the action with these inputs, as the runner would; outputs() and log() then read that run. */
async function runWith(values: Record<string, string>): Promise<void> {
  last = await runInProcess(run, values, { dir });
}

const outputs = () => last.outputs;
const log = () => last.log;

const output = (name: string) => requiredOutput(last.outputs, name);

describe('run', () => {
  it('notifies every channel, sets outputs, and never shows a secret', async () => {
    const webhookSecret = 'whsec-do-not-print';
    const webhookUrl = `${sandbox.variable('SANDBOX_WEBHOOK_URL')}?token=hook-token-do-not-print`;
    await runWith({
      record: JSON.stringify(rolledBackRecord()),
      'job-status': 'success',
      'slack-webhook-url': sandbox.variable('SANDBOX_SLACK_WEBHOOK_URL'),
      'slack-bot-token': sandbox.variable('SANDBOX_SLACK_BOT_TOKEN'),
      'slack-channel': 'releases',
      'slack-api-url': sandbox.variable('SANDBOX_SLACK_API_URL'),
      'smtp-url': sandbox.variable('SANDBOX_SMTP_URL'),
      'email-from': 'releases@example.com',
      'email-to': 'team@example.com',
      'email-subject': '[{{ status }}] {{ function }}',
      'webhook-url': webhookUrl,
      'webhook-secret': webhookSecret,
      'retry-budget': '10s',
    });
    expect(process.exitCode).toBeUndefined();
    const out = outputs();
    expect(output('sent').split(',').sort()).toEqual(['email', 'slack-api', 'slack-webhook', 'webhook']);
    expect(JSON.parse(output('failed'))).toEqual([]);
    expect(out['slack-ts']).toMatch(/^\d+\.\d{6}$/);
    expect(out['slack-channel-id']).toBe('C0123RELEAS');
    const state = await sinkState(sandbox);
    expect(state.smtp.received.at(-1)).toMatchObject({
      subject: '[rolled-back] orders-api',
      messageId: out['email-message-id'],
    });

    const shown = [
      log()
        .split('\n')
        .filter((line) => !line.startsWith('::add-mask::'))
        .join('\n'),
      last.outputFile,
      last.summary,
    ].join('\n');
    expect(shown).toContain('rolled back from version 8 to 7');
    for (const secret of [
      sandbox.variable('SANDBOX_SLACK_WEBHOOK_URL'),
      'sandbox-webhook-secret',
      sandbox.variable('SANDBOX_SLACK_BOT_TOKEN'),
      sandbox.variable('SANDBOX_SMTP_PASSWORD'),
      webhookSecret,
      'hook-token-do-not-print',
    ]) {
      expect(shown).not.toContain(secret);
    }
    for (const secret of [
      sandbox.variable('SANDBOX_SLACK_BOT_TOKEN'),
      sandbox.variable('SANDBOX_SMTP_PASSWORD'),
      webhookSecret,
    ]) {
      expect(log()).toContain(`::add-mask::${secret}`);
    }
  });

  it('a v1 record (from a release before schema v2) sends the same message as its v2 form', async () => {
    const slackPost = async (record: string) => {
      await runWith({
        record,
        'job-status': 'success',
        'slack-webhook-url': sandbox.variable('SANDBOX_SLACK_WEBHOOK_URL'),
      });
      expect(outputs().sent).toBe('slack-webhook');
      return (await sinkState(sandbox)).slack.webhookPosts.at(-1);
    };
    const v2 = await slackPost(JSON.stringify(rolledBackRecord()));
    const v1 = await slackPost(v1RecordJson(rolledBackRecord()));
    expect(v1).toEqual(v2);
    expect(JSON.stringify(v1)).toContain('orders-api');
  });

  it.each([
    // needs.<job>.result of a job that did not run, with no record: nothing ran, and the message says so.
    { given: 'no record', record: undefined, title: 'release did not run' },
    // With a record, the skipped job says nothing about the release: the record does.
    { given: 'a promoted record', record: sampleRecord(), title: 'orders-api: release of version 8' },
  ])('accepts job-status skipped with $given and announces what happened', async ({ record, title }) => {
    await runWith({
      ...(record ? { record: JSON.stringify(record) } : {}),
      'job-status': 'skipped',
      'slack-webhook-url': sandbox.variable('SANDBOX_SLACK_WEBHOOK_URL'),
    });
    expect(process.exitCode).toBeUndefined();
    expect(outputs().sent).toBe('slack-webhook');
    const post = JSON.stringify((await sinkState(sandbox)).slack.webhookPosts.at(-1));
    expect(post).toContain(title);
    expect(post).toContain(record ? 'succeeded' : 'did not run');
    expect(post).not.toMatch(/failed|was cancelled/);
  });

  it('sends one message for a release of several, naming every function and which were restored', async () => {
    const service = rolledBackRecord();
    const [api] = service.functions;
    service.environment = 'production';
    service.functions = [
      api,
      {
        function: { name: 'orders-worker' },
        alias: 'live',
        previous: { version: '3' },
        target: { version: '4' },
      },
    ];
    service.rollbacks = [
      {
        at: '2026-11-01T10:02:00Z',
        from: '8',
        to: '7',
        method: 'alias',
        reason: 'worker unhealthy',
        by: 'bot',
        function: 'orders-api',
      },
      {
        at: '2026-11-01T10:02:00Z',
        from: '4',
        to: '3',
        method: 'alias',
        reason: 'worker unhealthy',
        by: 'bot',
        function: 'orders-worker',
      },
    ];
    const before = await sinkState(sandbox);
    await runWith({
      record: JSON.stringify(service),
      'job-status': 'failure',
      'slack-webhook-url': sandbox.variable('SANDBOX_SLACK_WEBHOOK_URL'),
      'webhook-url': sandbox.variable('SANDBOX_WEBHOOK_URL'),
    });
    expect(outputs().sent).toBe('slack-webhook,webhook');
    const after = await sinkState(sandbox);
    expect(after.slack.webhookPosts).toHaveLength(before.slack.webhookPosts.length + 1);
    expect(after.webhook.deliveries).toHaveLength(before.webhook.deliveries.length + 1);
    const slack = JSON.stringify(after.slack.webhookPosts.at(-1));
    for (const text of [
      'orders-api, orders-worker: rolled back, 2 of 2 functions restored on alias live in production',
      'orders-api on live: 7 → 8, restored to 7',
      'orders-worker on live: 3 → 4, restored to 3',
      'Environment',
    ]) {
      expect(slack).toContain(text);
    }
    expect(JSON.stringify(after.webhook.deliveries.at(-1))).toContain(
      'orders-worker on live: 3 → 4, restored to 3',
    );
  });

  it('warns about a failed channel without failing the step, unless fail-on-error', async () => {
    const base = {
      status: 'success',
      'slack-bot-token': 'xoxb-sandbox-token',
      'slack-channel': '#nowhere',
      'slack-api-url': sandbox.variable('SANDBOX_SLACK_API_URL'),
      'webhook-url': sandbox.variable('SANDBOX_WEBHOOK_URL'),
    };
    await runWith(base);
    expect(process.exitCode).toBeUndefined();
    expect(outputs().sent).toBe('webhook');
    expect(JSON.parse(output('failed'))).toEqual([
      { channel: 'slack-api', reason: 'Slack chat.postMessage failed: channel_not_found' },
    ]);
    expect(log()).toContain(
      '::warning::slack-api: notification failed: Slack chat.postMessage failed: channel_not_found',
    );

    await runWith({ ...base, 'fail-on-error': 'true' });
    expect(process.exitCode).toBe(1);
    expect(log()).toContain(
      '::error::notify: 1 notification failed: slack-api (Slack chat.postMessage failed: channel_not_found)',
    );
  });

  it.each([
    [{}, "::error::notify: input 'status' is required but was not given"],
    [{ status: 'done', 'webhook-url': 'https://x.example' }, 'input \'status\' has "done"'],
    [{ status: 'success' }, 'no channel to notify'],
    [
      { status: 'success', 'slack-webhook-url': 'hooks.slack.com/services/T/B/SECRETPART' },
      "input 'slack-webhook-url' is not usable (value hidden",
    ],
    [
      { status: 'success', 'smtp-url': 'smtp://u:p@127.0.0.1:25', 'email-from': 'a@example.com' },
      "input 'email-to' is required but was not given (no recipients)",
    ],
    [
      {
        status: 'success',
        'smtp-url': 'smtp://127.0.0.1:25',
        'email-from': 'a@example.com',
        'email-to': 'not-an-address',
      },
      'input \'email-to\' has "not-an-address"',
    ],
    [
      { status: 'success', 'webhook-url': 'WEBHOOK', title: '{{ fucntion }}' },
      'template in input \'title\' cannot be rendered: unknown variable "fucntion"',
    ],
    [
      { 'record-file': '/nonexistent/record.json', 'webhook-url': 'WEBHOOK' },
      'record file /nonexistent/record.json could not be read (ENOENT)',
    ],
    [
      {
        status: 'success',
        'slack-bot-token': 'xoxb-1',
        'slack-channel': 'releases',
        'slack-update-ts': 'yesterday',
      },
      'input \'slack-update-ts\' has "yesterday"',
    ],
    [
      { status: 'success', 'sns-topic-arn': 'arn:aws:sns:topic' },
      'input \'sns-topic-arn\' has "arn:aws:sns:topic"',
    ],
  ])('rejects bad inputs before sending anything: %j', async (given, error) => {
    const values = Object.fromEntries(
      Object.entries(given as Record<string, string>).map(([k, v]) => [
        k,
        v.replace('WEBHOOK', sandbox.variable('SANDBOX_WEBHOOK_URL')),
      ]),
    );
    await runWith(values);
    expect(process.exitCode).toBe(1);
    const errors = log()
      .split('\n')
      .filter((line) => line.startsWith('::error::'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(error);
    expect(errors[0]).not.toContain('SECRETPART');
    expect(sandbox.mutatingRequests()).toEqual([]);
  });
});
