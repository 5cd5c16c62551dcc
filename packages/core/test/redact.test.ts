import { describe, expect, it } from '@jest/globals';
import { canBeSecret, MemoryLogger, redactingLogger, Redactor } from '@lambda-release-kit/core';

describe('the redactor', () => {
  it('masks registered values, longest first, and the user info of any URL', () => {
    const redactor = new Redactor(['SECRET-TOKEN', 'SECRET-TOKEN-LONGER', 'abc']);
    expect(redactor.redact('a SECRET-TOKEN-LONGER b SECRET-TOKEN abc smtp://u:p@host/x')).toBe(
      'a *** b *** abc smtp://***@host/x',
    );
  });

  it('treats a webhook URL as a credential whole: the URL, its path and its query', () => {
    const redactor = new Redactor();
    redactor.addUrl('https://hooks.example.com/services/T1/B2/XYZ123?token=QUERYSECRET');
    expect(redactor.redact('404 no route for /services/T1/B2/XYZ123')).toBe('404 no route for ***');
    expect(redactor.redact('bad ?token=QUERYSECRET')).toBe('bad ***');
    expect(redactor.redact('POST https://hooks.example.com/services/T1/B2/XYZ123?token=QUERYSECRET')).toBe(
      'POST ***',
    );
  });

  it('masks user info as given and decoded, and secret headers with and without their scheme', () => {
    const redactor = new Redactor();
    redactor.addUrl('http://smoke:p%40ss-word@127.0.0.1:9/health');
    redactor.addHeader('Authorization', 'Bearer TOKEN-1234');
    redactor.addHeader('x-request-id', 'NOT-A-SECRET');
    expect(redactor.redact('p@ss-word p%40ss-word smoke:p@ss-word TOKEN-1234 NOT-A-SECRET')).toBe(
      '*** *** *** *** NOT-A-SECRET',
    );
  });

  it('finds the user info of every URL written in a document', () => {
    const registered: string[] = [];
    const redactor = new Redactor([], (secret) => registered.push(secret));
    redactor.addUrlsIn('- request: { url: "http://ops:hunter22@api.local/x" }\n- url: https://plain/y');
    expect(registered).toContain('hunter22');
    expect(redactor.redact('echo hunter22')).toBe('echo ***');
  });

  it('redacts every line a logger is given', () => {
    const memory = new MemoryLogger();
    const logger = redactingLogger(memory, new Redactor(['xoxb-TOKEN']));
    logger.info('retrying: HTTP 500: token xoxb-TOKEN invalid');
    logger.warning('xoxb-TOKEN');
    logger.debug('xoxb-TOKEN');
    expect(memory.text()).not.toContain('xoxb-TOKEN');
  });

  it('masks a credential-named value only when it can be a secret: not booleans, numbers or short words', () => {
    const registered: string[] = [];
    const redactor = new Redactor([], (secret) => registered.push(secret));
    for (const ordinary of [
      'true',
      'FALSE',
      'yes',
      'off',
      'null',
      '3000',
      '0.25',
      '123456789012',
      'strict',
      'Enabled',
      'abc',
    ]) {
      redactor.addNamed(ordinary);
    }
    for (const secret of [
      'hunter22',
      'pa55',
      'xoxb-1-2',
      'S3cr3t!',
      '1234567890123',
      'correcthorsebattery',
    ]) {
      redactor.addNamed(secret);
    }
    expect(registered).toEqual([
      'hunter22',
      'pa55',
      'xoxb-1-2',
      'S3cr3t!',
      '1234567890123',
      'correcthorsebattery',
    ]);
    expect(redactor.redact('COOKIE_SECURE is true; port 3000; hunter22')).toBe(
      'COOKIE_SECURE is true; port 3000; ***',
    );
    expect(canBeSecret(' true ')).toBe(false);
    expect(canBeSecret('abcdefgh')).toBe(true);
  });

  it('never masks what the run prints anyway, nor a part of it, nor the ARN of a visible function', () => {
    const registered: string[] = [];
    const redactor = new Redactor([], (secret) => registered.push(secret));
    redactor.keepVisible('orders-api', 'production');
    redactor.add('orders-api');
    redactor.addNamed('orders');
    redactor.addNamed('arn:aws:lambda:us-east-1:123456789012:function:orders-api:live');
    redactor.add('a-real-secret-value');
    expect(registered).toEqual(['a-real-secret-value']);
    expect(redactor.redact('orders-api on production: a-real-secret-value')).toBe(
      'orders-api on production: ***',
    );
  });
});
