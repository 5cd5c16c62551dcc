import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, jest } from '@jest/globals';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startSandbox, type Sandbox } from '@lambda-release-kit/sandbox';
import { run } from '../src/main.js';
import { rolledBackRecord } from './fixtures.js';
import { sinkState } from './sandbox-helpers.js';

let sandbox: Sandbox;
let dir: string;
let stdout: string[];
const setEnv: string[] = [];

beforeAll(async () => {
  sandbox = await startSandbox();
  dir = mkdtempSync(join(tmpdir(), 'notify-main-'));
});

afterAll(async () => {
  await sandbox.stop();
  rmSync(dir, { recursive: true, force: true });
});

beforeEach(() => {
  stdout = [];
  jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    stdout.push(String(chunk));
    return true;
  });
  writeFileSync(join(dir, 'output'), '');
  writeFileSync(join(dir, 'summary'), '');
  process.env.GITHUB_OUTPUT = join(dir, 'output');
  process.env.GITHUB_STEP_SUMMARY = join(dir, 'summary');
  sandbox.clearRequestLog();
});

afterEach(() => {
  jest.restoreAllMocks();
  for (const name of setEnv.splice(0)) delete process.env[name];
  delete process.env.GITHUB_OUTPUT;
  delete process.env.GITHUB_STEP_SUMMARY;
  sandbox.faults.clear();
  process.exitCode = undefined;
});

function inputs(values: Record<string, string>): void {
  for (const [name, value] of Object.entries(values)) {
    const key = `INPUT_${name.toUpperCase()}`;
    process.env[key] = value;
    setEnv.push(key);
  }
}

/** Outputs from the GITHUB_OUTPUT file (name<<delimiter ... delimiter). */
function outputs(): Record<string, string> {
  const text = readFileSync(join(dir, 'output'), 'utf8');
  const result: Record<string, string> = {};
  for (const match of text.matchAll(/^([\w-]+)<<(\S+)\n([\s\S]*?)\n\2$/gm)) result[match[1]] = match[3];
  return result;
}

const log = () => stdout.join('');

describe('run', () => {
  it('notifies every channel, sets outputs, and never shows a secret', async () => {
    const webhookSecret = 'whsec-do-not-print';
    const webhookUrl = `${sandbox.env.SANDBOX_WEBHOOK_URL}?token=hook-token-do-not-print`;
    inputs({
      record: JSON.stringify(rolledBackRecord()),
      'job-status': 'success',
      'slack-webhook-url': sandbox.env.SANDBOX_SLACK_WEBHOOK_URL,
      'slack-bot-token': sandbox.env.SANDBOX_SLACK_BOT_TOKEN,
      'slack-channel': 'releases',
      'slack-api-url': sandbox.env.SANDBOX_SLACK_API_URL,
      'smtp-url': sandbox.env.SANDBOX_SMTP_URL,
      'email-from': 'releases@example.com',
      'email-to': 'team@example.com',
      'email-subject': '[{{ status }}] {{ function }}',
      'webhook-url': webhookUrl,
      'webhook-secret': webhookSecret,
      'retry-budget': '10s',
    });
    await run();
    expect(process.exitCode).toBeUndefined();
    const out = outputs();
    expect(out.sent.split(',').sort()).toEqual(['email', 'slack-api', 'slack-webhook', 'webhook']);
    expect(JSON.parse(out.failed)).toEqual([]);
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
      readFileSync(join(dir, 'output'), 'utf8'),
      readFileSync(join(dir, 'summary'), 'utf8'),
    ].join('\n');
    expect(shown).toContain('rolled back from version 8 to 7');
    for (const secret of [
      sandbox.env.SANDBOX_SLACK_WEBHOOK_URL,
      'sandbox-webhook-secret',
      sandbox.env.SANDBOX_SLACK_BOT_TOKEN,
      sandbox.env.SANDBOX_SMTP_PASSWORD,
      webhookSecret,
      'hook-token-do-not-print',
    ]) {
      expect(shown).not.toContain(secret);
    }
    for (const secret of [
      sandbox.env.SANDBOX_SLACK_BOT_TOKEN,
      sandbox.env.SANDBOX_SMTP_PASSWORD,
      webhookSecret,
    ]) {
      expect(log()).toContain(`::add-mask::${secret}`);
    }
  });

  it('warns about a failed channel without failing the step, unless fail-on-error', async () => {
    const base = {
      status: 'success',
      'slack-bot-token': 'xoxb-sandbox-token',
      'slack-channel': '#nowhere',
      'slack-api-url': sandbox.env.SANDBOX_SLACK_API_URL,
      'webhook-url': sandbox.env.SANDBOX_WEBHOOK_URL,
    };
    inputs(base);
    await run();
    expect(process.exitCode).toBeUndefined();
    expect(outputs().sent).toBe('webhook');
    expect(JSON.parse(outputs().failed)).toEqual([
      { channel: 'slack-api', reason: 'Slack chat.postMessage failed: channel_not_found' },
    ]);
    expect(log()).toContain(
      '::warning::slack-api: notification failed: Slack chat.postMessage failed: channel_not_found',
    );

    inputs({ ...base, 'fail-on-error': 'true' });
    await run();
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
        v.replace('WEBHOOK', sandbox.env.SANDBOX_WEBHOOK_URL),
      ]),
    );
    inputs(values);
    await run();
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
