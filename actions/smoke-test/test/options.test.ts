import { afterAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InputError, Inputs, Redactor } from '@lambda-release-kit/core';
import { readOptions } from '../src/options.js';

const dir = mkdtempSync(join(tmpdir(), 'smoke-options-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const read = (given: Record<string, string>, redactor = new Redactor()) =>
  readOptions(new Inputs((name) => given[name] ?? ''), redactor);

describe('readOptions', () => {
  it("builds the url check's sampling from the inputs, latency limits in milliseconds", async () => {
    const options = await read({
      url: 'https://api.example.com/health',
      samples: '20',
      'max-error-rate': '5%',
      'max-p50-latency': '250ms',
      'max-p95-latency': '1.5s',
    });
    const [item] = options.suite.items;
    if (!item) throw new Error('readOptions built no check from the url input');
    expect('check' in item && item.check.samples).toEqual({
      count: 20,
      concurrency: 5,
      maxErrorRate: 0.05,
      maxP50Ms: 250,
      maxP95Ms: 1500,
      maxP99Ms: undefined,
    });
  });

  it('reads the defaults, the record inputs and the version inputs without the record', async () => {
    const options = await read({
      checks: '- name: a\n  request: https://api.example.com/\n',
      'record-file': '/tmp/record.json',
      'expect-version': '8',
      region: 'eu-west-1',
      secrets: 'tok-1234\npass-5678',
    });
    expect(options).toMatchObject({
      vars: {},
      secrets: ['tok-1234', 'pass-5678'],
      concurrency: 10,
      failFast: false,
      timeoutMs: 600_000,
      expectVersion: '8',
      region: 'eu-west-1',
      recordInputs: { text: undefined, file: '/tmp/record.json' },
    });
  });

  it("masks the user info of a checks file's URLs before a definition error can quote them", async () => {
    const file = join(dir, 'checks.yml');
    writeFileSync(
      file,
      '- name: a\n  request: https://smoke:hunter2pass@api.example.com/\n  expect: { status: nine }\n',
    );
    const redactor = new Redactor();
    await expect(read({ 'checks-file': file }, redactor)).rejects.toThrow(InputError);
    expect(redactor.redact('password hunter2pass')).toBe('password ***');
  });
});
