/**
 * Issue 10, item 4: a table of bad inputs for the four bundled actions. Each one must end with exit 1, exactly
 * one `::error::` line naming the input, no workflow command smuggled into the log through a value, and no
 * mutating AWS call in the sandbox's request log. The sandbox holds a real function on a real alias, so an
 * action that validated too late would visibly change it.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { aliasOf, createReleasedFunction, startFixture, writeReleaseZip, type Fixture } from './fixture.js';
import { recordResult, startCategory } from './results.js';
import { injectedCommands, runAction, workflowCommands, type ActionName } from './run-action.js';

const FN = 'orders-api';
const dir = mkdtempSync(join(tmpdir(), 'reliability-bad-inputs-'));
const file = (name: string, content: string | Buffer) => {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
};

const zip = writeReleaseZip(dir, 'v1.1.0');
// Linux caps one environment string at 128 KiB, so this is about the largest value a runner can pass.
const huge = 'x'.repeat(100_000);
const setOutput = 'v1.0.0\n::set-output name=status::promoted';
const addMask = 'v1.0.0\n::add-mask::live';
const rmRf = '$(rm -rf /)';
const notUtf8 = Buffer.from([0x7b, 0x22, 0x73, 0xff, 0xfe, 0x22, 0x3a, 0x31, 0x7d]);
const validRecord = JSON.stringify({
  schema: 'lambda-release-record/v1',
  function: { name: FN, arn: `arn:aws:lambda:us-east-1:123456789012:function:${FN}` },
  alias: 'live',
  release: { tag: 'v1.1.0' },
  strategy: 'alias-weights',
  previous: { version: '1' },
  target: { version: '2' },
  steps: [],
  status: 'failed',
  rollbacks: [],
  startedAt: '2026-11-01T10:00:00.000Z',
});

// A billion laughs: ten levels of ten aliases each; the first alias is on line 2.
const aliasBomb = [
  'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]',
  ...Array.from({ length: 9 }, (_, i) => `l${i + 1}: &l${i + 1} [${Array(10).fill(`*l${i}`).join(', ')}]`),
  'checks: [{ name: boom, invoke: { function: orders-api, payload: *l9 } }]',
].join('\n');
const aliasBombLine = 'line 2';

interface Case {
  action: ActionName;
  what: string;
  /** The input the error line must name. */
  input: string;
  /** For problems inside a file's content: the error may name the file instead of the input. */
  orFile?: string;
  /** Text the error line must also hold (the line of a problem inside a document). */
  mentions?: string;
  inputs: Record<string, string>;
  rawInputs?: Record<string, string>;
}

/** Valid inputs that would deploy, notify, test or roll back for real; each case breaks one thing. */
const base: Record<ActionName, Record<string, string>> = {
  'deploy-canary': {
    'function-name': FN,
    alias: 'live',
    'zip-file': zip,
    'traffic-steps': '10%:1s',
    'health-check-interval': '1s',
    // The sandbox publishes metrics at once.
    'metric-delay': '0',
    'min-invocations': '1',
    'on-inconclusive': 'promote',
    'release-tag': 'v1.1.0',
    timeout: '30s',
  },
  notify: { status: 'success', title: 'orders-api released', 'webhook-url': '' },
  'smoke-test': { checks: `- name: health\n  invoke: { function: ${FN}, qualifier: live }\n` },
  'rollback-on-failure': { 'function-name': FN, alias: 'live', record: validRecord },
};

const cases: Case[] = [
  // deploy-canary
  {
    action: 'deploy-canary',
    what: 'missing function name',
    input: 'function-name',
    inputs: { 'function-name': '' },
  },
  {
    action: 'deploy-canary',
    what: 'function name with a shell substitution',
    input: 'function-name',
    inputs: { 'function-name': rmRf },
  },
  {
    action: 'deploy-canary',
    what: 'malformed traffic steps',
    input: 'traffic-steps',
    inputs: { 'traffic-steps': '10%:5' },
  },
  {
    action: 'deploy-canary',
    what: 'traffic step above 100%',
    input: 'traffic-steps',
    inputs: { 'traffic-steps': '150%:1s' },
  },
  {
    action: 'deploy-canary',
    what: 'decreasing traffic steps',
    input: 'traffic-steps',
    inputs: { 'traffic-steps': '50%:1s,10%:1s' },
  },
  {
    action: 'deploy-canary',
    what: 'two code sources (zip and image)',
    input: 'image-uri',
    inputs: { 'image-uri': '123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:1' },
  },
  {
    action: 'deploy-canary',
    what: 's3-bucket without s3-key',
    input: 's3-key',
    inputs: { 'zip-file': '', 's3-bucket': 'builds' },
  },
  { action: 'deploy-canary', what: 'unknown strategy', input: 'strategy', inputs: { strategy: 'yolo' } },
  {
    action: 'deploy-canary',
    what: 'codedeploy without an application',
    input: 'codedeploy-application',
    inputs: { strategy: 'codedeploy', 'codedeploy-deployment-group': 'g' },
  },
  {
    action: 'deploy-canary',
    what: 'skip-canary without a reason',
    input: 'skip-canary-reason',
    inputs: { 'skip-canary': 'true' },
  },
  {
    action: 'deploy-canary',
    what: 'error rate above 100%',
    input: 'max-error-rate',
    inputs: { 'max-error-rate': '150%' },
  },
  {
    action: 'deploy-canary',
    what: 'negative min-invocations',
    input: 'min-invocations',
    inputs: { 'min-invocations': '-3' },
  },
  {
    action: 'deploy-canary',
    what: 'timeout that is not a duration',
    input: 'timeout',
    inputs: { timeout: 'forever' },
  },
  {
    action: 'deploy-canary',
    what: 'zip file that does not exist',
    input: 'zip-file',
    inputs: { 'zip-file': join(dir, 'missing.zip') },
  },
  {
    action: 'deploy-canary',
    what: 'release tag with a shell substitution',
    input: 'release-tag',
    inputs: { 'release-tag': rmRf },
  },
  {
    action: 'deploy-canary',
    what: 'release tag carrying ::set-output',
    input: 'release-tag',
    inputs: { 'release-tag': setOutput },
  },
  {
    action: 'deploy-canary',
    what: 'release tag carrying ::add-mask::',
    input: 'release-tag',
    inputs: { 'release-tag': addMask },
  },
  {
    action: 'deploy-canary',
    what: 'release tag that is not UTF-8',
    input: 'release-tag',
    inputs: {},
    rawInputs: { 'release-tag': 'v1.1.0\\xff\\xfe' },
  },
  { action: 'deploy-canary', what: 'huge alias name', input: 'alias', inputs: { alias: huge } },
  {
    action: 'deploy-canary',
    what: 'on-inconclusive not in the list',
    input: 'on-inconclusive',
    inputs: { 'on-inconclusive': 'shrug' },
  },
  {
    action: 'deploy-canary',
    what: 'pre-traffic-check with a YAML alias bomb',
    input: 'pre-traffic-check',
    mentions: aliasBombLine,
    inputs: { 'pre-traffic-check': aliasBomb },
  },
  // smoke-test
  { action: 'smoke-test', what: 'no url, checks or checks-file', input: 'url', inputs: { checks: '' } },
  {
    action: 'smoke-test',
    what: 'checks and checks-file together',
    input: 'checks-file',
    inputs: { 'checks-file': file('checks.yml', '- name: a\n  request: { url: http://127.0.0.1:9/ }\n') },
  },
  {
    action: 'smoke-test',
    what: 'url that is not a URL',
    input: 'url',
    inputs: { checks: '', url: 'not a url' },
  },
  {
    action: 'smoke-test',
    what: 'malformed url carrying ::set-output',
    input: 'url',
    inputs: { checks: '', url: `not a url\n::set-output name=passed::99` },
  },
  {
    action: 'smoke-test',
    what: 'malformed expect-status',
    input: 'expect-status',
    inputs: { checks: '', url: 'http://127.0.0.1:9/', 'expect-status': '99x' },
  },
  { action: 'smoke-test', what: 'concurrency 0', input: 'concurrency', inputs: { concurrency: '0' } },
  {
    action: 'smoke-test',
    what: 'concurrency above 100',
    input: 'concurrency',
    inputs: { concurrency: '101' },
  },
  {
    action: 'smoke-test',
    what: 'samples 0',
    input: 'samples',
    inputs: { checks: '', url: 'http://127.0.0.1:9/', samples: '0' },
  },
  {
    action: 'smoke-test',
    what: 'max-error-rate without samples',
    input: 'max-error-rate',
    inputs: { checks: '', url: 'http://127.0.0.1:9/', 'max-error-rate': '1%' },
  },
  {
    action: 'smoke-test',
    what: 'timeout that is not a duration',
    input: 'timeout',
    inputs: { timeout: 'soon' },
  },
  {
    action: 'smoke-test',
    what: 'checks that are not YAML',
    input: 'checks',
    inputs: { checks: '- name: [unclosed' },
  },
  {
    action: 'smoke-test',
    what: 'checks-file that does not exist',
    input: 'checks-file',
    inputs: { checks: '', 'checks-file': join(dir, 'missing.yml') },
  },
  {
    action: 'smoke-test',
    what: 'checks-file that is not UTF-8',
    input: 'checks-file',
    orFile: join(dir, 'bad.yml'),
    inputs: { checks: '', 'checks-file': file('bad.yml', Buffer.concat([Buffer.from('- name: '), notUtf8])) },
  },
  {
    action: 'smoke-test',
    what: 'checks with a YAML alias bomb',
    input: 'checks',
    mentions: aliasBombLine,
    inputs: { checks: aliasBomb },
  },
  {
    action: 'smoke-test',
    what: 'checks-file with a YAML alias bomb',
    input: 'checks-file',
    mentions: `bomb.yml (input 'checks-file') ${aliasBombLine}`,
    inputs: { checks: '', 'checks-file': file('bomb.yml', aliasBomb) },
  },
  {
    action: 'smoke-test',
    what: 'checks-file of 2 MB',
    input: 'checks-file',
    mentions: 'huge.yml',
    inputs: { checks: '', 'checks-file': file('huge.yml', `# ${'x'.repeat(2_000_000)}\n`) },
  },
  { action: 'smoke-test', what: 'record that is not JSON', input: 'record', inputs: { record: '{not json' } },
  { action: 'smoke-test', what: 'vars that are not a map', input: 'vars', inputs: { vars: '- a\n- b' } },
  {
    action: 'smoke-test',
    what: 'secrets list carrying ::add-mask:: with bad concurrency',
    input: 'concurrency',
    inputs: { secrets: 'tok\n::add-mask::x', concurrency: 'many' },
  },
  // notify
  {
    action: 'notify',
    what: 'no status and nothing to derive it from',
    input: 'status',
    inputs: { status: '' },
  },
  { action: 'notify', what: 'unknown status', input: 'status', inputs: { status: 'exploded' } },
  {
    action: 'notify',
    what: 'unknown job-status',
    input: 'job-status',
    inputs: { status: '', 'job-status': 'meh' },
  },
  {
    action: 'notify',
    what: 'record and record-file together',
    input: 'record-file',
    inputs: { record: validRecord, 'record-file': file('rec.json', validRecord) },
  },
  { action: 'notify', what: 'record that is not JSON', input: 'record', inputs: { record: '{bad' } },
  {
    action: 'notify',
    what: 'record-file that is not UTF-8',
    input: 'record-file',
    orFile: join(dir, 'rec-bad.json'),
    inputs: { 'record-file': file('rec-bad.json', notUtf8) },
  },
  {
    action: 'notify',
    what: 'retry budget above 10m',
    input: 'retry-budget',
    inputs: { 'retry-budget': '11m' },
  },
  {
    action: 'notify',
    what: 'bot token without a channel',
    input: 'slack-channel',
    inputs: { 'slack-bot-token': 'xoxb-1-abc' },
  },
  {
    action: 'notify',
    what: 'thread and update together',
    input: 'slack-update-ts',
    inputs: {
      'slack-bot-token': 'xoxb-1-abc',
      'slack-channel': '#releases',
      'slack-thread-ts': '1712345678.123456',
      'slack-update-ts': '1712345678.654321',
    },
  },
  {
    action: 'notify',
    what: 'SMTP port out of range',
    input: 'smtp-port',
    inputs: {
      'smtp-host': '127.0.0.1',
      'smtp-port': '70000',
      'email-from': 'a@example.com',
      'email-to': 'b@example.com',
    },
  },
  {
    action: 'notify',
    what: 'e-mail sender that is not an address',
    input: 'email-from',
    inputs: { 'smtp-host': '127.0.0.1', 'email-from': 'not an address', 'email-to': 'b@example.com' },
  },
  {
    action: 'notify',
    what: 'malformed SNS topic ARN',
    input: 'sns-topic-arn',
    inputs: { 'sns-topic-arn': 'arn:bad' },
  },
  {
    action: 'notify',
    what: 'webhook URL that is not http(s)',
    input: 'webhook-url',
    inputs: { 'webhook-url': 'ftp://example.com/hook' },
  },
  {
    action: 'notify',
    what: 'title template with a shell substitution',
    input: 'title',
    inputs: { title: `{{ ${rmRf} }}` },
  },
  {
    action: 'notify',
    what: 'message template carrying ::set-output',
    input: 'message',
    inputs: { message: '{{ nope\n::set-output name=sent::all' },
  },
  {
    action: 'notify',
    what: 'fail-on-error not a boolean',
    input: 'fail-on-error',
    inputs: { 'fail-on-error': 'maybe' },
  },
  // rollback-on-failure
  {
    action: 'rollback-on-failure',
    // With a record the function name is optional (the record names the functions of the release).
    what: 'missing function name without a record',
    input: 'function-name',
    inputs: { 'function-name': '', record: '' },
  },
  {
    action: 'rollback-on-failure',
    what: 'function name carrying ::add-mask::',
    input: 'function-name',
    inputs: { 'function-name': `${FN}\n::add-mask::live` },
  },
  {
    action: 'rollback-on-failure',
    what: 'record and record-file together',
    input: 'record-file',
    inputs: { 'record-file': file('rec2.json', validRecord) },
  },
  {
    action: 'rollback-on-failure',
    what: 'record that is not JSON',
    input: 'record',
    inputs: { record: '{bad json' },
  },
  {
    action: 'rollback-on-failure',
    what: 'record with another schema',
    input: 'record',
    inputs: { record: '{"schema":"something-else/v9"}' },
  },
  {
    action: 'rollback-on-failure',
    what: 'record-file that is not UTF-8',
    input: 'record-file',
    orFile: join(dir, 'rec3.json'),
    inputs: { record: '', 'record-file': file('rec3.json', notUtf8) },
  },
  {
    action: 'rollback-on-failure',
    what: 'target version that is not a number',
    input: 'target-version',
    inputs: { 'target-version': 'latest' },
  },
  {
    action: 'rollback-on-failure',
    what: 'target version with a shell substitution',
    input: 'target-version',
    inputs: { 'target-version': rmRf },
  },
  { action: 'rollback-on-failure', what: 'unknown method', input: 'method', inputs: { method: 'yolo' } },
  {
    action: 'rollback-on-failure',
    what: 'dry-run not a boolean',
    input: 'dry-run',
    inputs: { 'dry-run': 'maybe' },
  },
  {
    action: 'rollback-on-failure',
    what: 'timeout that is not a duration',
    input: 'timeout',
    inputs: { timeout: 'eventually' },
  },
  {
    action: 'rollback-on-failure',
    what: 'application without a deployment group',
    input: 'codedeploy-deployment-group',
    inputs: { 'codedeploy-application': 'orders' },
  },
  {
    action: 'rollback-on-failure',
    what: 'verify checks with a YAML alias bomb',
    input: 'verify',
    mentions: aliasBombLine,
    inputs: { verify: aliasBomb },
  },
  {
    action: 'rollback-on-failure',
    what: 'verify checks that are not YAML',
    input: 'verify',
    inputs: { verify: '- name: [unclosed' },
  },
  {
    action: 'rollback-on-failure',
    what: 'reason carrying ::set-output with a bad method',
    input: 'method',
    inputs: { reason: 'x\n::set-output name=rolled-back::true', method: 'sideways' },
  },
];

let fixture: Fixture;

beforeAll(async () => {
  startCategory('bad-inputs');
  fixture = await startFixture();
  await createReleasedFunction(fixture, FN);
});

afterAll(async () => {
  await fixture?.sandbox.stop();
});

describe('bad inputs fail cleanly before any change', () => {
  it('covers at least 40 cases across the four actions', () => {
    expect(cases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(cases.map((c) => c.action)).size).toBe(4);
  });

  it.each(cases.map((c) => [`${c.action}: ${c.what}`, c] as const))('%s', async (_title, c) => {
    fixture.sandbox.clearRequestLog();
    const inputs: Record<string, string> = {
      ...base[c.action],
      ...(c.action === 'notify' ? { 'webhook-url': fixture.sandbox.variable('SANDBOX_WEBHOOK_URL') } : {}),
      ...c.inputs,
    };
    for (const name of Object.keys(c.rawInputs ?? {})) delete inputs[name];
    const run = await runAction(c.action, inputs, {
      env: fixture.env,
      rawInputs: c.rawInputs,
      timeoutMs: 30_000,
    });
    const errors = workflowCommands(run.stdout).filter((line) => line.startsWith('::error::'));
    const injected = injectedCommands(run.stdout, { ...inputs, ...c.rawInputs });
    const mutating = fixture.sandbox.mutatingRequests();
    const named =
      errors.length === 1 &&
      [`'${c.input}'`, c.orFile].some((n) => n && (errors[0] ?? '').includes(n)) &&
      (errors[0] ?? '').includes(c.mentions ?? '');
    const held = run.code === 1 && named && injected.length === 0 && mutating.length === 0;
    recordResult('bad-inputs', {
      action: c.action,
      case: c.what,
      held,
      detail: errors[0] ?? run.stdout.slice(-300),
    });

    expect({ code: run.code, errors: errors.length }).toEqual({ code: 1, errors: 1 });
    expect({ error: errors[0], named }).toEqual({ error: errors[0], named: true });
    expect(errors[0]?.startsWith(`::error::${c.action}: `)).toBe(true);
    expect(injected).toEqual([]);
    expect(mutating).toEqual([]);
    expect(aliasOf(fixture, FN)).toEqual({ version: '1', weights: {} });
  });
});
