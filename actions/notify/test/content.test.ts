import { describe, expect, it } from '@jest/globals';
import { InputError, TemplateError } from '@lambda-release-kit/core';
import { blockProblems } from '../../../packages/sandbox/src/sinks/slack-blocks.js';
import { buildMessage, cut } from '../src/content.js';
import { emailBody } from '../src/email-message.js';
import { slackPayload } from '../src/slack-message.js';
import { snsSubject } from '../src/sns.js';
import { deriveStatus } from '../src/status.js';
import { rolledBackRecord, sampleRecord } from './fixtures.js';

/** orders-api 7 → 8 and orders-worker 3 → 4 released to production; the rollback restored orders-api only. */
function serviceRecord() {
  const record = rolledBackRecord();
  const [api] = record.functions;
  record.environment = 'production';
  record.functions = [
    api,
    {
      function: { name: 'orders-worker' },
      alias: 'live',
      previous: { version: '3' },
      target: { version: '4' },
    },
  ];
  record.rollbacks = record.rollbacks.map((entry) => ({ ...entry, function: 'orders-api' }));
  return record;
}

const options = { env: { TEAM: 'payments' }, now: () => new Date('2026-11-01T12:00:00Z') };

describe('status', () => {
  it('derives the status from the record and the job', () => {
    expect(deriveStatus(sampleRecord(), 'success')).toBe('success');
    expect(deriveStatus(sampleRecord({ status: 'no-op' }), undefined)).toBe('success');
    expect(deriveStatus(sampleRecord(), 'cancelled')).toBe('cancelled');
    expect(deriveStatus(rolledBackRecord(), 'success')).toBe('rolled-back');
    expect(deriveStatus(sampleRecord({ status: 'failed' }), 'success')).toBe('failure');
    expect(deriveStatus(sampleRecord({ status: 'in-progress' }), undefined)).toBe('started');
    expect(deriveStatus(sampleRecord({ status: 'in-progress' }), 'failure')).toBe('failure');
    expect(deriveStatus(undefined, 'failure')).toBe('failure');
    expect(() => deriveStatus(undefined, undefined)).toThrow(InputError);
  });
});

describe('message content', () => {
  it('carries the release facts, canary steps and links', () => {
    const message = buildMessage(
      {
        record: sampleRecord(),
        status: 'success',
        commitUrl: 'https://github.com/acme/orders/commit/faf8c65',
      },
      {},
      options,
    );
    expect(message.title).toBe('orders-api: release of version 8 (v1.2.3) on alias live succeeded');
    expect(message.text).toContain('7 → 8 with strategy alias-weights, 2 traffic steps, took 12m 30s');
    expect(message.facts).toContainEqual(['Versions', '7 → 8']);
    expect(message.steps[0]).toEqual({
      traffic: '10%',
      verdict: 'healthy',
      metrics: 'errors=0 p95=120.5',
      reason: undefined,
    });
    expect(message.links).toEqual({
      run: 'https://github.com/acme/orders/actions/runs/42',
      commit: 'https://github.com/acme/orders/commit/faf8c65',
    });
  });

  it('says why a release was rolled back', () => {
    const message = buildMessage({ record: rolledBackRecord(), status: 'rolled-back' }, {}, options);
    expect(message.title).toBe('orders-api: rolled back from version 8 to 7 on alias live');
    expect(message.text).toContain('canary unhealthy: errors 5 > 0');
  });

  it('shows the environment in the title and as a field, one-function messages otherwise unchanged', () => {
    const message = buildMessage(
      { record: sampleRecord({ environment: 'staging' }), status: 'success' },
      {},
      options,
    );
    expect(message.title).toBe(
      'orders-api: release of version 8 (v1.2.3) on alias live in staging succeeded',
    );
    expect(message.facts.slice(0, 3)).toEqual([
      ['Status', 'success'],
      ['Environment', 'staging'],
      ['Function', 'orders-api'],
    ]);
    expect(message.text).toContain('orders-api 7 → 8 with strategy alias-weights');
  });

  it('names every function of a release of several, and which ones a rollback restored', () => {
    const record = serviceRecord();
    const message = buildMessage({ record, status: 'rolled-back' }, {}, options);
    expect(message.title).toBe(
      'orders-api, orders-worker: rolled back, 1 of 2 functions restored on alias live in production',
    );
    expect(message.text.split('\n')).toEqual([
      '2 functions with strategy alias-weights, 1 traffic step, took 12m 30s.',
      '• orders-api on live: 7 → 8, restored to 7',
      '• orders-worker on live: 3 → 4, not restored',
      'Reason: canary unhealthy: errors 5 > 0',
    ]);
    expect(message.facts).toContainEqual(['Environment', 'production']);
    expect(message.facts).toContainEqual(['Functions', 'orders-api, orders-worker']);
    expect(message.facts).toContainEqual(['Restored', 'orders-api']);
    expect(message.rollbacks).toEqual([expect.objectContaining({ function: 'orders-api', to: '7' })]);
    const payload = slackPayload(message);
    expect(blockProblems(payload.blocks)).toEqual([]);
    expect(JSON.stringify(payload.blocks)).toContain('*Rollback of orders-api*');
    expect(emailBody(message).text).toContain('Rollback of orders-api (alias, by deploy-canary)');

    const promoted = buildMessage(
      { record: { ...record, status: 'promoted', rollbacks: [] }, status: 'success' },
      {},
      options,
    );
    expect(promoted.title).toBe(
      'orders-api, orders-worker: release of v1.2.3 on alias live in production succeeded',
    );
    expect(promoted.facts).toContainEqual(['Versions', 'orders-api 7 → 8, orders-worker 3 → 4']);
    expect(promoted.text).toContain('• orders-worker on live: 3 → 4');
    expect(promoted.text).not.toContain('restored');
  });

  it('renders title and message templates, and rejects unknown variables', () => {
    const message = buildMessage(
      { record: rolledBackRecord(), status: 'rolled-back' },
      {
        title: '{{ emoji }} {{ function }}@{{ alias }} {{ from }}->{{ to }} for {{ env.TEAM }}',
        message: 'Why: {{ reason }} ({{ record.rollbacks.0.method }})',
      },
      options,
    );
    expect(message.title).toBe('⏪ orders-api@live 7->8 for payments');
    expect(message.text).toBe('Why: canary unhealthy: errors 5 > 0 (alias)');
    expect(() =>
      buildMessage({ record: sampleRecord(), status: 'success' }, { title: '{{ versoin }}' }, options),
    ).toThrow(TemplateError);
  });
});

describe('slack payload', () => {
  it('stays within Slack limits however long the content is', () => {
    const record = sampleRecord({
      steps: Array.from({ length: 400 }, (_, i) => ({
        at: '2026-11-01T10:00:00Z',
        weight: (i % 100) / 100,
        verdict: 'healthy' as const,
        metrics: { errors: i, p95: 100 + i, p99: 200 + i, throttles: 0 },
      })),
      rollbacks: [{ at: 'x', from: '8', to: '7', method: 'alias', reason: 'r'.repeat(5000), by: 'bot' }],
      skipCanary: { reason: 'hotfix '.repeat(1000), by: 'jdoe' },
    });
    const message = buildMessage(
      { record, status: 'rolled-back' },
      { title: 'T'.repeat(400), message: 'word '.repeat(2000) },
      options,
    );
    const payload = slackPayload(message);
    expect(blockProblems(payload.blocks)).toEqual([]);
    const table = payload.blocks.find((b) => JSON.stringify(b).includes('Canary steps')) as {
      text: { text: string };
    };
    expect(table.text.text).toMatch(/```\n…and \d+ more steps$/);
    expect((payload.blocks[0] as { text: { text: string } }).text.text.endsWith('…')).toBe(true);
  });

  it('links the run and the commit with buttons', () => {
    const payload = slackPayload(
      buildMessage({ record: sampleRecord(), status: 'success', commitUrl: 'https://c' }, {}, options),
    );
    expect(payload.blocks.at(-1)).toEqual({
      type: 'actions',
      elements: [
        {
          type: 'button',
          text: { type: 'plain_text', text: 'View run' },
          url: 'https://github.com/acme/orders/actions/runs/42',
        },
        { type: 'button', text: { type: 'plain_text', text: 'View commit' }, url: 'https://c' },
      ],
    });
  });

  it('cuts text at a word boundary', () => {
    expect(cut('alpha beta gamma delta', 14)).toBe('alpha beta…');
    expect(cut('short', 14)).toBe('short');
  });
});

describe('email body and SNS subject', () => {
  it('has the same content as text and escaped HTML', () => {
    const message = buildMessage(
      { record: rolledBackRecord(), status: 'rolled-back' },
      { message: '<b>{{ reason }}</b>' },
      options,
    );
    const body = emailBody(message);
    expect(body.subject).toBe('⏪ orders-api: rolled back from version 8 to 7 on alias live');
    expect(body.text).toContain('Rollback (alias, by deploy-canary): canary unhealthy: errors 5 > 0');
    expect(body.html).toContain('&lt;b&gt;canary unhealthy: errors 5 &gt; 0&lt;/b&gt;');
    expect(body.html).toContain('<a href="https://github.com/acme/orders/actions/runs/42">View run</a>');
  });

  it('keeps SNS subjects ASCII and under 100 characters', () => {
    expect(snsSubject('⏪ a → b\nc')).toBe('a -> b c');
    expect(snsSubject('x'.repeat(300))).toHaveLength(99);
  });
});
