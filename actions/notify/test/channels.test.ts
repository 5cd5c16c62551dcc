import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createHmac } from 'node:crypto';
import { SNSClient } from '@aws-sdk/client-sns';
import { MemoryLogger } from '@lambda-release-kit/core';
import { startSandbox, type Sandbox } from '@lambda-release-kit/sandbox';
import nock from 'nock';
import { buildMessage } from '../src/content.js';
import { notify, type NotifyPlan } from '../src/notify.js';
import { rolledBackRecord, sampleRecord } from './fixtures.js';
import { sinkState } from './sandbox-helpers.js';

let sandbox: Sandbox;
const options = { env: {}, now: () => new Date('2026-11-01T12:00:00Z') };

beforeAll(async () => {
  sandbox = await startSandbox();
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
});

afterEach(() => {
  sandbox.faults.clear();
  nock.cleanAll();
});

afterAll(async () => {
  nock.enableNetConnect();
  await sandbox.stop();
});

function plan(fields: Partial<NotifyPlan>): NotifyPlan {
  const record = fields.record ?? sampleRecord();
  return {
    record,
    message: buildMessage(
      { record, status: 'success', commitUrl: 'https://github.com/acme/orders/commit/faf8c65' },
      {},
      options,
    ),
    retryBudgetMs: 10_000,
    secrets: [],
    ...fields,
  };
}

const slackApi = () => ({
  apiUrl: sandbox.variable('SANDBOX_SLACK_API_URL'),
  token: sandbox.variable('SANDBOX_SLACK_BOT_TOKEN'),
  channel: '#releases',
});
const smtp = () => ({
  smtp: { url: sandbox.variable('SANDBOX_SMTP_URL') },
  addresses: { from: 'Releases <releases@example.com>', to: ['team@example.com'], cc: ['lead@example.com'] },
});

describe('notify through the sandbox', () => {
  it('sends Slack (webhook and Web API), e-mail and a signed webhook at once', async () => {
    const logger = new MemoryLogger();
    const secret = 'hmac-secret-value';
    const result = await notify(
      plan({
        slackWebhookUrl: sandbox.variable('SANDBOX_SLACK_WEBHOOK_URL'),
        slackApi: slackApi(),
        email: smtp(),
        webhook: { url: sandbox.variable('SANDBOX_WEBHOOK_URL'), secret },
      }),
      { logger },
    );
    expect(result.failed).toEqual([]);
    expect(result.sent.sort()).toEqual(['email', 'slack-api', 'slack-webhook', 'webhook']);
    expect(result.slackChannelId).toBe('C0123RELEAS');

    const state = await sinkState(sandbox);
    const posted = state.slack.messages.find((m) => m.ts === result.slackTs)!;
    expect(JSON.stringify(posted.blocks)).toContain('Canary steps');
    expect(state.slack.webhookPosts.at(-1)!.text).toContain('orders-api: release of version 8');

    const mail = state.smtp.received.at(-1)!;
    expect(mail).toMatchObject({
      messageId: result.emailMessageId,
      to: ['team@example.com'],
      cc: ['lead@example.com'],
    });
    expect(mail.subject).toBe('✅ orders-api: release of version 8 (v1.2.3) on alias live succeeded');
    expect(mail.html).toContain('<h3 style="margin:16px 0 4px">Canary steps</h3>');
    expect(mail.text).toContain('Versions: 7 → 8');

    const delivery = state.webhook.deliveries.at(-1)!;
    const expected = `sha256=${createHmac('sha256', secret).update(delivery.body).digest('hex')}`;
    expect(delivery.headers['x-signature-256']).toBe(expected);
    expect(delivery.json).toMatchObject({
      schema: 'lambda-release-notification/v1',
      status: 'success',
      record: { schema: 'lambda-release-record/v2', functions: [{ alias: 'live' }] },
    });
  });

  it('sends the user info of a webhook URL as Basic authentication, and never shows it', async () => {
    const url = sandbox.variable('SANDBOX_WEBHOOK_URL').replace('http://', 'http://hooks:s3cret-hook-pw@');
    const logger = new MemoryLogger();
    const result = await notify(plan({ webhook: { url }, secrets: [url] }), { logger });
    expect(result.sent).toEqual(['webhook']);
    const delivery = (await sinkState(sandbox)).webhook.deliveries.at(-1)!;
    expect(delivery.headers.authorization).toBe(`Basic ${btoa('hooks:s3cret-hook-pw')}`);
    expect(logger.text()).not.toContain('s3cret-hook-pw');
  });

  it('replies in a thread and then updates the first message in place', async () => {
    const logger = new MemoryLogger();
    const first = await notify(plan({ slackApi: slackApi() }), { logger });
    const reply = await notify(plan({ slackApi: { ...slackApi(), threadTs: first.slackTs } }), { logger });
    const update = await notify(
      plan({
        slackApi: { ...slackApi(), channel: first.slackChannelId!, updateTs: first.slackTs },
        message: buildMessage({ record: rolledBackRecord(), status: 'rolled-back' }, {}, options),
      }),
      { logger },
    );
    expect(update.slackTs).toBe(first.slackTs);
    const messages = (await sinkState(sandbox)).slack.messages;
    expect(messages.find((m) => m.ts === reply.slackTs)!.threadTs).toBe(first.slackTs);
    const updated = messages.find((m) => m.ts === first.slackTs)!;
    expect(updated.edits).toBe(1);
    expect(updated.text).toContain('rolled back from version 8 to 7');
  });

  it('honours Retry-After on 429 and retries SMTP 4xx within the budget', async () => {
    sandbox.faults.add({ service: 'slack', operation: 'chat.postMessage', kind: 'throttle', times: 1 });
    sandbox.faults.add({ service: 'slack', operation: 'webhook', kind: 'error', times: 1 });
    await fetch(`${sandbox.endpoint}/smtp/failures`, {
      method: 'POST',
      body: JSON.stringify({ count: 1, code: 451 }),
    });
    const logger = new MemoryLogger();
    const started = Date.now();
    const result = await notify(
      plan({
        slackApi: slackApi(),
        slackWebhookUrl: sandbox.variable('SANDBOX_SLACK_WEBHOOK_URL'),
        email: smtp(),
      }),
      { logger },
    );
    expect(result.failed).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    expect(logger.text()).toMatch(
      /chat\.postMessage: rate limited \(HTTP 429\) \(attempt 1\); retrying in 1\.0s/,
    );
    expect(logger.text()).toMatch(/slack-webhook: HTTP 500.*retrying in/);
    expect(logger.text()).toMatch(/email: SMTP 451.*retrying in/);
    const calls = sandbox
      .requestLog()
      .filter((e) => e.operation === 'chat.postMessage')
      .slice(-2);
    expect(calls.map((c) => c.status)).toEqual([429, 200]);
  });

  it('gives up when Retry-After is past the budget, and reports partial failure', async () => {
    sandbox.faults.add({ service: 'slack', operation: 'chat.postMessage', kind: 'throttle' });
    const logger = new MemoryLogger();
    // The budget must stay under Slack's Retry-After (1 s); the channel that succeeds is the quickest one, a
    // local webhook, so a loaded machine cannot make it miss the budget as an SMTP exchange could.
    const result = await notify(
      plan({
        slackApi: slackApi(),
        webhook: { url: sandbox.variable('SANDBOX_WEBHOOK_URL') },
        retryBudgetMs: 900,
      }),
      { logger },
    );
    expect(result.sent).toEqual(['webhook']);
    expect(result.failed).toEqual([
      { channel: 'slack-api', reason: expect.stringContaining('past the retry budget') },
    ]);
    expect(logger.text()).toContain('warning: slack-api: notification failed');
  });

  it('reports Slack API errors with their code and does not retry them', async () => {
    const result = await notify(plan({ slackApi: { ...slackApi(), channel: '#nowhere' } }), {
      logger: new MemoryLogger(),
    });
    expect(result.failed).toEqual([
      { channel: 'slack-api', reason: 'Slack chat.postMessage failed: channel_not_found' },
    ]);
    const bad = await notify(plan({ slackApi: { ...slackApi(), token: 'bad' }, secrets: ['bad'] }), {
      logger: new MemoryLogger(),
    });
    expect(bad.failed).toEqual([
      { channel: 'slack-api', reason: 'Slack chat.postMessage failed: invalid_auth' },
    ]);
  });
});

/** How often the text states the rollback's direction, and whether any arrow between the versions appears. */
function direction(text: string) {
  return {
    right: text.split('rolled back from version 8 to 7').length - 1,
    wrong: /from version 7 to 8|\b7 (→|->) 8\b|\b8 (→|->) 7\b/.test(text),
  };
}

describe("a rollback's direction, stated once and right in every channel", () => {
  const rolledBack = () =>
    buildMessage({ record: rolledBackRecord(), status: 'rolled-back' }, {}, { env: {}, now: options.now });

  it('Slack (webhook and Web API), e-mail and webhook', async () => {
    const result = await notify(
      plan({
        record: rolledBackRecord(),
        message: rolledBack(),
        slackWebhookUrl: sandbox.variable('SANDBOX_SLACK_WEBHOOK_URL'),
        slackApi: slackApi(),
        email: smtp(),
        webhook: { url: sandbox.variable('SANDBOX_WEBHOOK_URL') },
      }),
      { logger: new MemoryLogger() },
    );
    expect(result.failed).toEqual([]);
    const state = await sinkState(sandbox);
    const once = { right: 1, wrong: false };
    expect(direction(JSON.stringify(state.slack.webhookPosts.at(-1)!.blocks))).toEqual(once);
    const posted = state.slack.messages.find((m) => m.ts === result.slackTs)!;
    expect(direction(JSON.stringify(posted.blocks))).toEqual(once);
    const mail = state.smtp.received.at(-1)!;
    expect(direction(mail.text ?? '')).toEqual(once);
    expect(direction(mail.html ?? '')).toEqual(once);
    const delivery = state.webhook.deliveries.at(-1)!.json as { title: string; message: string };
    expect(direction(`${delivery.title}\n${delivery.message}`)).toEqual(once);
  });

  it('SNS', async () => {
    let form: URLSearchParams | undefined;
    nock('https://sns.eu-west-1.amazonaws.com')
      .post('/', (body: string) => {
        form = new URLSearchParams(body);
        return true;
      })
      .reply(
        200,
        '<PublishResponse><PublishResult><MessageId>m-2</MessageId></PublishResult></PublishResponse>',
        {
          'content-type': 'text/xml',
        },
      );
    const client = new SNSClient({
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const result = await notify(
      plan({
        record: rolledBackRecord(),
        message: rolledBack(),
        sns: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:releases', client },
      }),
      { logger: new MemoryLogger() },
    );
    expect(result.sent).toEqual(['sns']);
    expect(direction(form!.get('Subject')!)).toEqual({ right: 1, wrong: false });
    const document = JSON.parse(form!.get('Message')!) as { title: string; message: string };
    expect(direction(`${document.title}\n${document.message}`)).toEqual({ right: 1, wrong: false });
  });
});

describe('notify through nock', () => {
  it('publishes to SNS with subject and filterable attributes', async () => {
    let form: URLSearchParams | undefined;
    nock('https://sns.eu-west-1.amazonaws.com')
      .post('/')
      .reply(
        500,
        '<ErrorResponse><Error><Type>Receiver</Type><Code>InternalError</Code><Message>x</Message></Error></ErrorResponse>',
      )
      .post('/', (body: string) => {
        form = new URLSearchParams(body);
        return true;
      })
      .reply(
        200,
        '<PublishResponse><PublishResult><MessageId>m-1</MessageId></PublishResult></PublishResponse>',
        {
          'content-type': 'text/xml',
        },
      );
    const client = new SNSClient({
      region: 'eu-west-1',
      maxAttempts: 1,
      credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    });
    const logger = new MemoryLogger();
    const result = await notify(
      plan({
        record: rolledBackRecord(),
        sns: { topicArn: 'arn:aws:sns:eu-west-1:123456789012:releases', client },
      }),
      { logger },
    );
    expect(result).toMatchObject({ sent: ['sns'], snsMessageId: 'm-1' });
    expect(logger.text()).toMatch(/sns: InternalError.*retrying/);
    expect(form!.get('Action')).toBe('Publish');
    expect(form!.get('Subject')).toBe('orders-api: release of version 8 (v1.2.3) on alias live succeeded');
    expect(JSON.parse(form!.get('Message')!)).toMatchObject({
      status: 'success',
      record: { status: 'rolled-back' },
    });
    const attributes = Object.fromEntries(
      [1, 2, 3, 4, 5].map((n) => [
        form!.get(`MessageAttributes.entry.${n}.Name`),
        form!.get(`MessageAttributes.entry.${n}.Value.StringValue`),
      ]),
    );
    expect(attributes).toEqual({
      status: 'success',
      function: 'orders-api',
      alias: 'live',
      strategy: 'alias-weights',
      targetVersion: '8',
    });
  });

  it('retries a webhook on 503 and verifies the signature independently', async () => {
    const secret = 's3cr3t';
    let signature = '';
    let body = '';
    nock('https://hooks.example.com')
      .post('/release')
      .reply(503, 'busy', { 'retry-after': '0' })
      .post('/release')
      .reply(function (_uri, requestBody) {
        signature = String(this.req.headers['x-signature-256']);
        body = typeof requestBody === 'string' ? requestBody : JSON.stringify(requestBody);
        return [204];
      });
    const result = await notify(plan({ webhook: { url: 'https://hooks.example.com/release', secret } }), {
      logger: new MemoryLogger(),
    });
    expect(result.sent).toEqual(['webhook']);
    expect(signature).toBe(`sha256=${createHmac('sha256', secret).update(body).digest('hex')}`);
  });

  it('fails a webhook for good on 4xx, naming no URL', async () => {
    nock('https://hooks.example.com').post('/t0k3n').reply(410, 'gone');
    const result = await notify(
      plan({
        webhook: { url: 'https://hooks.example.com/t0k3n' },
        secrets: ['https://hooks.example.com/t0k3n'],
      }),
      {
        logger: new MemoryLogger(),
      },
    );
    expect(result.failed).toEqual([{ channel: 'webhook', reason: 'webhook answered HTTP 410: gone' }]);
  });
});
