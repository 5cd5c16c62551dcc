import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { CreateTopicCommand, PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { startSandbox, type Sandbox } from '../src/index.js';
import type { SlackState, SnsPublished, WebhookDelivery } from '../src/sinks/index.js';

let sandbox: Sandbox;

beforeAll(async () => {
  sandbox = await startSandbox();
});

afterAll(async () => {
  await sandbox.stop();
});

beforeEach(() => sandbox.faults.clear());

async function services(): Promise<Record<string, unknown>> {
  const response = await fetch(`${sandbox.endpoint}/_sandbox/state`);
  return ((await response.json()) as { services: Record<string, unknown> }).services;
}

const slackState = async () => (await services()).slack as SlackState;

function slackApi(method: string, body: unknown, token = sandbox.variable('SANDBOX_SLACK_BOT_TOKEN')) {
  return fetch(`${sandbox.variable('SANDBOX_SLACK_API_URL')}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8', authorization: `Bearer ${token}` },
    body: JSON.stringify(body),
  });
}

describe('slack sink', () => {
  it('answers an incoming webhook with "ok" and records the message', async () => {
    const response = await fetch(sandbox.variable('SANDBOX_SLACK_WEBHOOK_URL'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        text: 'deployed v8',
        blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'hi' } }],
      }),
    });
    expect(response.status).toBe(200);
    expect(await response.text()).toBe('ok');
    const posts = (await slackState()).webhookPosts;
    expect(posts.at(-1)).toMatchObject({
      hook: '/T0SANDBOX/B0SANDBOX/sandbox-webhook-secret',
      text: 'deployed v8',
    });
  });

  it('refuses webhook payloads Slack refuses', async () => {
    const post = (body: string) =>
      fetch(sandbox.variable('SANDBOX_SLACK_WEBHOOK_URL'), {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    const empty = await post('{}');
    expect([empty.status, await empty.text()]).toEqual([400, 'no_text']);
    const broken = await post('{not json');
    expect([broken.status, await broken.text()]).toEqual([400, 'invalid_payload']);
    const header = await post(
      JSON.stringify({ blocks: [{ type: 'header', text: { type: 'plain_text', text: 'x'.repeat(151) } }] }),
    );
    expect([header.status, await header.text()]).toEqual([400, 'invalid_blocks']);
  });

  it('posts, replies in a thread and updates in place through the Web API', async () => {
    const first = (await (
      await slackApi('chat.postMessage', { channel: '#releases', text: 'deploying' })
    ).json()) as {
      ok: boolean;
      channel: string;
      ts: string;
      message: { text: string };
    };
    expect(first).toMatchObject({ ok: true, channel: 'C0123RELEAS', message: { text: 'deploying' } });
    expect(first.ts).toMatch(/^\d{10}\.\d{6}$/);

    const reply = (await (
      await slackApi('chat.postMessage', {
        channel: first.channel,
        text: 'step 1 healthy',
        thread_ts: first.ts,
      })
    ).json()) as { ok: boolean; ts: string; message: { thread_ts: string } };
    expect(reply.ok).toBe(true);
    expect(reply.message.thread_ts).toBe(first.ts);
    expect(Number(reply.ts)).toBeGreaterThan(Number(first.ts));

    const updated = (await (
      await slackApi('chat.update', { channel: first.channel, ts: first.ts, text: 'promoted' })
    ).json()) as { ok: boolean; ts: string; text: string };
    expect(updated).toMatchObject({ ok: true, ts: first.ts, text: 'promoted' });

    const messages = (await slackState()).messages.filter((m) => m.channel === 'C0123RELEAS');
    expect(messages.find((m) => m.ts === first.ts)).toMatchObject({ text: 'promoted', edits: 1 });
    expect(messages.find((m) => m.ts === reply.ts)).toMatchObject({ threadTs: first.ts });
  });

  it('accepts form-encoded calls with the token in the body', async () => {
    const response = await fetch(`${sandbox.variable('SANDBOX_SLACK_API_URL')}/chat.postMessage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        token: 'xoxb-form-token',
        channel: 'general',
        blocks: JSON.stringify([{ type: 'section', text: { type: 'mrkdwn', text: '*bold*' } }]),
      }),
    });
    expect(await response.json()).toMatchObject({ ok: true, channel: 'C0123GENRAL' });
  });

  it('answers errors as Slack does: HTTP 200 with ok false', async () => {
    const cases: Array<[string, unknown, string | undefined, string]> = [
      ['chat.postMessage', { channel: '#nowhere', text: 'x' }, undefined, 'channel_not_found'],
      ['chat.postMessage', { channel: 'releases', text: 'x' }, 'not-a-token', 'invalid_auth'],
      ['chat.postMessage', { channel: 'releases', text: 'x' }, '', 'not_authed'],
      ['chat.update', { channel: 'releases', ts: '1.000001', text: 'x' }, undefined, 'message_not_found'],
      ['chat.postMessage', { channel: 'releases' }, undefined, 'no_text'],
    ];
    for (const [method, body, token, error] of cases) {
      const response = await slackApi(method, body, token ?? sandbox.variable('SANDBOX_SLACK_BOT_TOKEN'));
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({ ok: false, error });
    }
  });

  it('refuses blocks beyond Slack limits with invalid_blocks', async () => {
    const blocks = Array.from({ length: 51 }, () => ({ type: 'divider' }));
    const response = await slackApi('chat.postMessage', { channel: 'releases', blocks });
    expect(await response.json()).toMatchObject({ ok: false, error: 'invalid_blocks' });
  });

  it('answers 429 with Retry-After when the sandbox throttles it', async () => {
    sandbox.faults.add({ service: 'slack', operation: 'chat.postMessage', kind: 'throttle', times: 1 });
    const limited = await slackApi('chat.postMessage', { channel: 'releases', text: 'x' });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(await limited.json()).toEqual({ ok: false, error: 'ratelimited' });
    const next = await slackApi('chat.postMessage', { channel: 'releases', text: 'x' });
    expect(await next.json()).toMatchObject({ ok: true });
  });
});

describe('webhook sink', () => {
  it('records headers and the exact body', async () => {
    const body = JSON.stringify({ status: 'success', n: 1 });
    const response = await fetch(`${sandbox.variable('SANDBOX_WEBHOOK_URL')}?source=test`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-signature-256': 'sha256=abc' },
      body,
    });
    expect(response.status).toBe(200);
    const deliveries = ((await services()).webhook as { deliveries: WebhookDelivery[] }).deliveries;
    expect(deliveries.at(-1)).toMatchObject({
      hook: '/release',
      query: { source: 'test' },
      body,
      json: { status: 'success', n: 1 },
      headers: { 'x-signature-256': 'sha256=abc' },
    });
  });

  it('fails deliveries on an injected fault', async () => {
    sandbox.faults.add({ service: 'webhook', operation: 'deliver', kind: 'error', times: 1 });
    const response = await fetch(sandbox.variable('SANDBOX_WEBHOOK_URL'), { method: 'POST', body: '{}' });
    expect(response.status).toBe(500);
  });
});

describe('sns sink', () => {
  const client = () =>
    new SNSClient({
      endpoint: sandbox.endpoint,
      region: sandbox.env.AWS_REGION,
      credentials: {
        accessKeyId: sandbox.env.AWS_ACCESS_KEY_ID,
        secretAccessKey: sandbox.env.AWS_SECRET_ACCESS_KEY,
      },
      maxAttempts: 1,
    });

  it('publishes with subject and message attributes through the real SNS client', async () => {
    const sns = client();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'releases' }));
    expect(TopicArn).toBe('arn:aws:sns:us-east-1:123456789012:releases');
    const { MessageId } = await sns.send(
      new PublishCommand({
        TopicArn,
        Subject: 'orders-api v8 promoted',
        Message: '{"status":"success"}',
        MessageAttributes: {
          status: { DataType: 'String', StringValue: 'success' },
          attempt: { DataType: 'Number', StringValue: '1' },
        },
      }),
    );
    expect(MessageId).toMatch(/^[0-9a-f-]{36}$/);
    const published = ((await services()).sns as { published: SnsPublished[] }).published;
    expect(published.at(-1)).toEqual({
      MessageId,
      TopicArn,
      Subject: 'orders-api v8 promoted',
      Message: '{"status":"success"}',
      MessageAttributes: {
        status: { DataType: 'String', StringValue: 'success' },
        attempt: { DataType: 'Number', StringValue: '1' },
      },
    });
    expect(sandbox.requestLog().at(-1)).toMatchObject({ service: 'sns', operation: 'Publish', status: 200 });
  });

  it('answers NotFound for a topic that does not exist, as the SDK names it', async () => {
    const sns = client();
    await expect(
      sns.send(new PublishCommand({ TopicArn: 'arn:aws:sns:us-east-1:123456789012:missing', Message: 'x' })),
    ).rejects.toMatchObject({ name: 'NotFoundException', message: 'Topic does not exist' });
  });

  it('renders an injected throttle as the SDK expects', async () => {
    const sns = client();
    const { TopicArn } = await sns.send(new CreateTopicCommand({ Name: 'throttled' }));
    sandbox.faults.add({ service: 'sns', operation: 'Publish', kind: 'throttle', times: 1 });
    await expect(sns.send(new PublishCommand({ TopicArn, Message: 'x' }))).rejects.toMatchObject({
      name: 'ThrottledException',
    });
  });
});
