import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseRecord } from '@lambda-release-kit/core';
import { requiredOutput, runInProcess, unescapeCommand } from '@lambda-release-kit/core/testing';
import { run } from '../src/main.js';
import { driveTraffic, functionOnVersion1, handlers, startTestBed, type TestBed } from './helpers.js';

// Verdicts wait on evidence (up to the plans' bake timeout) rather than on a fixed bake: allow a slow machine.
jest.setTimeout(90_000);

let bed: TestBed;

beforeAll(async () => {
  bed = await startTestBed();
});
afterAll(async () => {
  await bed.stop();
});
afterEach(() => {
  process.exitCode = undefined;
});

/** Runs the action with these inputs; returns its outputs, summary, exit code and log (commands unescaped). */
async function runAction(inputs: Record<string, string>) {
  const result = await runInProcess(run, inputs, { dir: bed.dir, env: bed.sandbox.env });
  return { ...result, log: unescapeCommand(result.log) };
}

describe('run()', () => {
  it('deploys a zip through a canary and sets every output and the summary', async () => {
    await functionOnVersion1(bed.clients.lambda, 'main-fn', handlers.ok('v1'));
    const zipPath = join(bed.dir, 'function.zip');
    writeFileSync(zipPath, handlers.ok('v2'));
    let done = false;
    const traffic = driveTraffic(bed.sandbox, 'main-fn', () => done);
    const { outputs, summary, exitCode } = await runAction({
      'function-name': 'main-fn',
      'zip-file': zipPath,
      'traffic-steps': '30%:600ms',
      'health-check-interval': '300ms',
      'min-invocations': '3',
      // A wide gate and time to gather evidence: a verdict waits on the invocations it needs, up to 60 s.
      'max-error-rate': '10%',
      'bake-timeout': '60s',
      // The test bed's sandbox publishes metrics at once.
      'metric-delay': '0',
      'release-tag': 'v2.0.0',
    }).finally(() => {
      done = true;
    });
    await traffic;
    expect(exitCode).toBeUndefined();
    expect(outputs).toMatchObject({
      'function-name': 'main-fn',
      alias: 'live',
      'previous-version': '1',
      'new-version': '2',
      status: 'promoted',
      'record-file': join(bed.dir, 'lambda-release-record.main-fn.live.json'),
    });
    expect(Number(outputs['duration-ms'])).toBeGreaterThan(0);
    const record = parseRecord(requiredOutput(outputs, 'record'));
    expect(record).toMatchObject({
      status: 'promoted',
      release: { tag: 'v2.0.0' },
      functions: [{ target: { version: '2' } }],
    });
    expect(parseRecord(readFileSync(requiredOutput(outputs, 'record-file'), 'utf8')).status).toBe('promoted');
    expect(summary).toContain('deploy-canary: main-fn:live promoted');
    expect(summary).toMatch(/<td>30%<\/td><td>healthy<\/td>/);
  });

  it('promotes a function nobody calls on the canary traffic its inputs ask for, and says so everywhere', async () => {
    await functionOnVersion1(bed.clients.lambda, 'main-quiet', handlers.ok('v1'));
    const zipPath = join(bed.dir, 'quiet.zip');
    writeFileSync(zipPath, handlers.ok('v2'));
    const payloadPath = join(bed.dir, 'probe.json');
    writeFileSync(payloadPath, '{"probe":true}');
    const { outputs, summary, exitCode, log } = await runAction({
      'function-name': 'main-quiet',
      'zip-file': zipPath,
      'traffic-steps': '30%:2s',
      'health-check-interval': '500ms',
      'min-invocations': '3',
      'max-error-rate': '10%',
      'bake-timeout': '60s',
      'metric-delay': '0',
      'canary-traffic': '20/s',
      'canary-traffic-payload': payloadPath,
      'release-tag': 'v2.0.0',
    });
    expect(exitCode).toBeUndefined();
    expect(outputs.status).toBe('promoted');
    expect(log).toMatch(
      /main-quiet: no invocations in the last hour \(planned as quiet\) plus canary traffic at 20\/s/,
    );
    const traffic = parseRecord(requiredOutput(outputs, 'record')).functions[0].canaryTraffic;
    expect(traffic).toMatchObject({ ratePerSecond: 20, functionErrors: 0, failedRequests: 0 });
    expect(summary).toContain(
      `Canary traffic</td><td>${traffic?.sent} invocations sent at 20/s, 0 function errors`,
    );
    const direct = bed.sandbox.lambda.invocations('main-quiet').filter((r) => r.invokedVersion === '2');
    expect(direct.length).toBeGreaterThan(0);
    expect(bed.sandbox.lambda.invocations('main-quiet').every((r) => r.invokedVersion !== '1')).toBe(true);
  });

  it('fails on a bad input naming it, before any AWS call', async () => {
    bed.sandbox.clearRequestLog();
    const missing = await runAction({});
    expect(missing.exitCode).toBe(1);
    expect(missing.log).toContain(
      "::error::deploy-canary: input 'function-name' is required but was not given",
    );
    const bad = await runAction({ 'function-name': 'main-fn', 'traffic-steps': '10%:5' });
    expect(bad.exitCode).toBe(1);
    expect(bad.log).toContain(`input 'traffic-steps' has "10%:5" — expected steps like "10%:5m"`);
    const skip = await runAction({ 'function-name': 'main-fn', 'skip-canary': 'true' });
    expect(skip.log).toContain("input 'skip-canary-reason' is required when 'skip-canary' is true");
    expect(skip.exitCode).toBe(1);
    const tag = await runAction({ 'function-name': 'main-fn', 'release-tag': 'latest' });
    expect(tag.log).toContain(`input 'release-tag' has "latest" — expected a tag matching`);
    expect(tag.exitCode).toBe(1);
    expect(bed.sandbox.requestLog()).toEqual([]);
  });

  it('a bad input still leaves a record that says this release moved no traffic', async () => {
    const bad = await runAction({ 'function-name': 'input-fn', 'traffic-steps': '10%:5' });
    expect(bad.exitCode).toBe(1);
    const file = join(bed.dir, 'lambda-release-record.input-fn.live.json');
    const record = parseRecord(readFileSync(file, 'utf8'));
    expect(record).toMatchObject({
      schema: 'lambda-release-record/v2',
      functions: [{ function: { name: 'input-fn' }, alias: 'live' }],
      status: 'failed',
    });
    expect(record.functions[0].target).toBeUndefined();
    expect(record.error).toMatch(/input 'traffic-steps' has "10%:5"/);
    expect(parseRecord(requiredOutput(bad.outputs, 'record'))).toEqual(record);
    expect(bad.outputs).toMatchObject({ status: 'failed', 'record-file': file });
  });

  it('on failure still sets the outputs and writes the record, then fails the step', async () => {
    await functionOnVersion1(bed.clients.lambda, 'main-bad-fn', handlers.ok('v1'));
    const zipPath = join(bed.dir, 'broken.zip');
    writeFileSync(zipPath, handlers.failing());
    let done = false;
    const traffic = driveTraffic(bed.sandbox, 'main-bad-fn', () => done);
    const { outputs, summary, exitCode, log } = await runAction({
      'function-name': 'main-bad-fn',
      'zip-file': zipPath,
      'traffic-steps': '50%:10s',
      'health-check-interval': '300ms',
      'metric-delay': '0',
      'record-file': join(bed.dir, 'bad', 'record.json'),
    }).finally(() => {
      done = true;
    });
    await traffic;
    expect(exitCode).toBe(1);
    expect(log).toMatch(
      /::error::deploy-canary: version 2 was rolled back to 1: step 50%: version 2 error rate 100%/,
    );
    expect(outputs).toMatchObject({ status: 'rolled-back', 'previous-version': '1', 'new-version': '2' });
    const record = parseRecord(readFileSync(join(bed.dir, 'bad', 'record.json'), 'utf8'));
    expect(record.status).toBe('rolled-back');
    expect(record.rollbacks).toHaveLength(1);
    expect(summary).toContain('Rolled back');
  });

  it('releases several functions with configuration, never showing an environment value anywhere', async () => {
    await functionOnVersion1(bed.clients.lambda, 'main-api', handlers.ok('api-v1'));
    await functionOnVersion1(bed.clients.lambda, 'main-worker', handlers.ok('worker-v1'));
    const secret = 'sk-live-9f8e7d6c5b4a';
    const zipPath = join(bed.dir, 'api.zip');
    writeFileSync(zipPath, handlers.ok('api-v2'));
    const { outputs, summary, exitCode, log } = await runAction({
      functions: [
        `- name: main-api`,
        `  zip-file: ${zipPath}`,
        `  configuration: { environment: { PAYMENT_KEY: ${secret}, STAGE: eu1 } }`,
        `- name: main-worker`,
        `  configuration: { memory-size: 256 }`,
      ].join('\n'),
      strategy: 'all-at-once',
      environment: 'production',
      'release-tag': 'v2.1.0',
    });
    expect(exitCode).toBeUndefined();
    const file = join(bed.dir, 'lambda-release-record.production.main-api.live.json');
    expect(outputs).toMatchObject({ status: 'promoted', 'record-file': file });
    expect(outputs['function-name']).toBeUndefined();
    expect(outputs['new-version']).toBeUndefined();
    expect(JSON.parse(outputs.functions ?? '[]')).toEqual([
      { name: 'main-api', alias: 'live', 'previous-version': '1', 'new-version': '2' },
      { name: 'main-worker', alias: 'live', 'previous-version': '1', 'new-version': '2' },
    ]);
    expect(summary).toContain('deploy-canary: 2 functions to production promoted');
    expect(summary).toMatch(/<td>main-worker<\/td><td>live<\/td><td>1<\/td><td>2<\/td>/);
    // The runner is told the value once, to mask it; it appears nowhere else.
    expect(log).toContain(`::add-mask::${secret}`);
    const shown = [
      log.replace(`::add-mask::${secret}`, ''),
      JSON.stringify(outputs),
      summary,
      readFileSync(file, 'utf8'),
    ];
    expect(shown.filter((text) => text.includes(secret))).toEqual([]);
    expect(
      parseRecord(readFileSync(file, 'utf8')).functions[0].target?.configuration?.environment?.names,
    ).toEqual(['PAYMENT_KEY', 'STAGE']);
  });

  it('masks a credential-named secret, but not a "true" or a value equal to the function name', async () => {
    await functionOnVersion1(bed.clients.lambda, 'mask-rule-fn', handlers.ok('v1'));
    const secret = 'tok-3c1a9e77b2d4';
    const { outputs, summary, exitCode, log } = await runAction({
      'function-name': 'mask-rule-fn',
      configuration: `environment: { SESSION_NAME_KEY: mask-rule-fn, COOKIE_SECURE: "true", API_TOKEN: ${secret} }`,
      'skip-canary': 'true',
      'skip-canary-reason': 'masking rule',
      'release-tag': 'v2.2.0',
    });
    expect(exitCode).toBeUndefined();
    expect(log).toContain(`::add-mask::${secret}`);
    expect(log).not.toContain('::add-mask::true');
    expect(log).not.toContain('::add-mask::mask-rule-fn');
    expect(outputs['function-name']).toBe('mask-rule-fn');
    expect(JSON.parse(outputs.functions ?? '[]')).toEqual([
      { name: 'mask-rule-fn', alias: 'live', 'previous-version': '1', 'new-version': '2' },
    ]);
    expect(parseRecord(outputs.record ?? '').functions[0].function.name).toBe('mask-rule-fn');
    expect(summary).toContain('mask-rule-fn');
    const shown = [log.replace(`::add-mask::${secret}`, ''), JSON.stringify(outputs), summary];
    expect(shown.filter((text) => text.includes(secret))).toEqual([]);
  });
});
