import { describe, expect, it } from '@jest/globals';
import { InputError, Inputs } from '@lambda-release-kit/core';
import { readOptions, renderMessage } from '../src/options.js';
import { sampleRecord } from './fixtures.js';

const inputs = (values: Record<string, string>) => new Inputs((name) => values[name] ?? '');
const WEBHOOK = 'https://hooks.example.com/release';

describe('readOptions', () => {
  it('derives the status from job-status when no record is given, and leaves it to the record otherwise', () => {
    expect(readOptions(inputs({ 'job-status': 'failure', 'webhook-url': WEBHOOK })).status).toBe('failure');
    const withRecord = readOptions(inputs({ record: '{}', 'webhook-url': WEBHOOK }));
    expect(withRecord.status).toBeUndefined();
    expect(withRecord.record).toEqual({ text: '{}', file: undefined });
  });

  it('takes the SNS region from the topic ARN, and the SMTP port from smtp-secure', () => {
    const options = readOptions(
      inputs({
        status: 'success',
        'sns-topic-arn': 'arn:aws:sns:eu-west-1:123456789012:releases',
        'smtp-host': 'mail.example.com',
        'smtp-secure': 'true',
        'email-from': 'releases@example.com',
        'email-to': 'team@example.com',
      }),
    );
    expect(options.channels.sns).toEqual({
      topicArn: 'arn:aws:sns:eu-west-1:123456789012:releases',
      region: 'eu-west-1',
    });
    expect(options.channels.email?.smtp).toMatchObject({ host: 'mail.example.com', port: 465, secure: true });
  });

  it('keeps every secret input as a value to redact', () => {
    const options = readOptions(
      inputs({ status: 'success', 'webhook-url': WEBHOOK, 'webhook-secret': 'whsec' }),
    );
    expect(options.channels.secrets).toEqual([WEBHOOK, 'whsec']);
  });
});

describe('renderMessage', () => {
  it('renders the e-mail subject from the record, and names the inputs of a template that fails', () => {
    const given = {
      status: 'success',
      'smtp-url': 'smtp://127.0.0.1:25',
      'email-from': 'a@example.com',
      'email-to': 'b@example.com',
      'email-subject': '[{{ status }}] {{ function }}',
    };
    const rendered = renderMessage(readOptions(inputs(given)), sampleRecord(), {});
    expect(rendered.emailSubject).toBe('[success] orders-api');
    const broken = readOptions(inputs({ ...given, title: '{{ fucntion }}' }));
    expect(() => renderMessage(broken, sampleRecord(), {})).toThrow(InputError);
    expect(() => renderMessage(broken, sampleRecord(), {})).toThrow(
      /^template in input 'title', 'email-subject' cannot be rendered: unknown variable "fucntion"/,
    );
  });

  it.each([
    ['record.function.name', 'record.functions.0.function.name', 'orders-api'],
    ['record.target.version', 'record.functions.0.target.version', '8'],
    ['record.alias', 'record.functions.0.alias', 'live'],
  ])('fails a 1.x template using {{ %s }} naming the path that works since schema v2', (old, now, value) => {
    const given = { status: 'success', 'webhook-url': WEBHOOK };
    const written = readOptions(inputs({ ...given, title: `{{ ${old} }}` }));
    expect(() => renderMessage(written, sampleRecord(), {})).toThrow(
      `template in input 'title' cannot be rendered: unknown variable "${old}": "record" has no "${old.split('.')[1]}" — since schema v2 (2.0.0) a record keeps each function's fields in "record.functions": write "${now}"`,
    );
    const rewritten = readOptions(inputs({ ...given, title: `{{ ${now} }}` }));
    expect(renderMessage(rewritten, sampleRecord(), {}).message.title).toBe(value);
  });
});
