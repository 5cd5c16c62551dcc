import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  InvokeCommand,
  PublishVersionCommand,
  UpdateAliasCommand,
  UpdateFunctionCodeCommand,
} from '@aws-sdk/client-lambda';
import { Inputs, pause, readRecordFile, Redactor } from '@lambda-release-kit/core';
import { startCanaryTraffic } from '../src/canary-traffic.js';
import { ACTION_DEFAULTS, Input } from '../src/constants.js';
import { readVersionMetrics } from '../src/metrics.js';
import { readDeployPlan } from '../src/options.js';
import type { RolloutClock } from '../src/rollout-clock.js';
import {
  functionOnVersion1,
  handlers,
  plan,
  runDeploy,
  startTestBed,
  waitReady,
  zipSource,
  type TestBed,
} from './helpers.js';

const read = (values: Record<string, string>) =>
  readDeployPlan(
    new Inputs((name) => values[name] ?? ACTION_DEFAULTS[name as Input] ?? ''),
    { RUNNER_TEMP: '/runner/tmp' },
    new Redactor(),
  );

const dir = mkdtempSync(join(tmpdir(), 'canary-traffic-'));
const file = (name: string, text: string) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
};

describe('the canary-traffic input and functions key', () => {
  it('is off by default', async () => {
    const plan = await read({ 'function-name': 'orders-api' });
    expect(plan.functions[0].canaryTraffic).toBeUndefined();
  });

  it('reads a rate per second or per minute and a JSON payload file', async () => {
    const payload = file('ping.json', '{"path":"/health"}');
    const plan = await read({
      'function-name': 'orders-api',
      'canary-traffic': '30/m',
      'canary-traffic-payload': payload,
    });
    expect(plan.functions[0].canaryTraffic).toEqual({
      ratePerSecond: 0.5,
      payload: '{"path":"/health"}',
      payloadFile: payload,
    });
    const plain = await read({ 'function-name': 'orders-api', 'canary-traffic': '2/s' });
    expect(plain.functions[0].canaryTraffic).toEqual({ ratePerSecond: 2, payload: '{}' });
  });

  it("gives each functions item the input's traffic unless its own key says otherwise", async () => {
    const jobs = file('job.json', '{"job":"noop"}');
    const plan = await read({
      functions: [
        '- name: orders-api',
        '  canary-traffic: "off"',
        '- name: orders-worker',
        `  canary-traffic: { rate: 1/s, payload: ${jobs} }`,
        '- name: orders-mailer',
      ].join('\n'),
      'canary-traffic': '3/s',
    });
    const [api, worker, mailer] = plan.functions;
    expect(api.canaryTraffic).toBeUndefined();
    expect(worker?.canaryTraffic).toEqual({ ratePerSecond: 1, payload: '{"job":"noop"}', payloadFile: jobs });
    expect(mailer?.canaryTraffic).toEqual({ ratePerSecond: 3, payload: '{}' });
  });

  it.each([
    [{ 'canary-traffic': 'fast' }, `input 'canary-traffic' has "fast" — expected "off" or a rate like "2/s"`],
    [{ 'canary-traffic': '100/s' }, `input 'canary-traffic' has "100/s" — expected "off" or a rate`],
    [
      { 'canary-traffic': '1/s', 'canary-traffic-payload': file('bad.json', '{nope') },
      `input 'canary-traffic-payload' has "${join(dir, 'bad.json')}" — expected a JSON event`,
    ],
    [
      { 'canary-traffic-payload': file('ok.json', '{}') },
      `input 'canary-traffic-payload' was given, but no function has canary traffic`,
    ],
    [
      { 'canary-traffic': '1/s', strategy: 'all-at-once' },
      `input 'canary-traffic' applies only to alias-weights canaries`,
    ],
  ])('refuses %j before any AWS call', async (values, message) => {
    await expect(read({ 'function-name': 'orders-api', ...values })).rejects.toThrow(message);
  });

  it('refuses a functions item with canary traffic under another strategy, naming the item', async () => {
    await expect(
      read({ functions: '- name: orders-api\n  canary-traffic: 1/s', strategy: 'all-at-once' }),
    ).rejects.toThrow(
      `input 'functions' item 1 'canary-traffic' applies only to alias-weights canaries: strategy all-at-once moves all traffic at once`,
    );
    await expect(read({ functions: '- name: orders-api\n  canary-traffic: [1]' })).rejects.toThrow(
      `input 'functions' item 1 'canary-traffic' has "[1]" — expected "off" or a rate`,
    );
  });
});

describe('canary traffic against the sandbox', () => {
  let bed: TestBed;
  const clock: RolloutClock = { now: () => Date.now(), sleep: pause };

  beforeAll(async () => {
    bed = await startTestBed();
  });
  afterAll(async () => {
    await bed.stop();
  });

  /** A function whose alias `live` serves version 1; version 2 runs `zip`. */
  async function canaryOnVersion2(name: string, zip: Uint8Array) {
    await functionOnVersion1(bed.clients.lambda, name, handlers.ok('v1'));
    await bed.clients.lambda.send(new UpdateFunctionCodeCommand({ FunctionName: name, ZipFile: zip }));
    await waitReady(bed.clients.lambda, name);
    await bed.clients.lambda.send(new PublishVersionCommand({ FunctionName: name }));
  }

  /** Waits (bounded) until `check` holds, so a loaded machine only makes the test slower. */
  async function until(check: () => boolean, what: string) {
    const deadline = Date.now() + 30_000;
    while (!check()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await pause(20);
    }
  }

  it('invokes only the new version, directly, counts its function errors, and stops when told', async () => {
    await canaryOnVersion2('direct-broken', handlers.failing());
    const run = startCanaryTraffic(
      bed.clients.lambda,
      { functionName: 'direct-broken', version: '2' },
      { ratePerSecond: 50, payload: '{"probe":true}' },
      clock,
    );
    await until(() => run.tally().functionErrors >= 5, 'five answered invocations');
    const tally = await run.stop();
    const recorded = bed.sandbox.lambda.invocations('direct-broken');
    expect(recorded.length).toBeGreaterThanOrEqual(tally.functionErrors);
    expect(recorded.length).toBeLessThanOrEqual(tally.sent);
    expect(recorded.every((r) => r.invokedVersion === '2' && r.alias === undefined)).toBe(true);
    expect(recorded.every((r) => r.executedVersion === '2' && r.error)).toBe(true);
    expect(tally).toMatchObject({ ratePerSecond: 50, failedRequests: 0 });
    // Stopped means stopped: nothing more is sent, whatever the clock does next.
    await pause(200);
    expect(bed.sandbox.lambda.invocations('direct-broken')).toHaveLength(recorded.length);
    expect(run.tally().sent).toBe(tally.sent);
  });

  it('stops when the rollout is cancelled, and counts requests the function never answered', async () => {
    const cancel = new AbortController();
    const run = startCanaryTraffic(
      bed.clients.lambda,
      { functionName: 'no-such-function', version: '2' },
      { ratePerSecond: 50, payload: '{}' },
      clock,
      cancel.signal,
    );
    await until(() => run.tally().failedRequests >= 3, 'three failed requests');
    cancel.abort(new Error('SIGTERM'));
    const tally = await run.stop();
    expect(tally.functionErrors).toBe(0);
    expect(tally.failedRequests).toBeGreaterThanOrEqual(3);
    await pause(200);
    expect(run.tally().sent).toBe(tally.sent);
  });

  it("reads the canary's direct invocations with its alias traffic, and never into the stable version's", async () => {
    await canaryOnVersion2('both-sets', handlers.failing());
    await bed.clients.lambda.send(
      new UpdateAliasCommand({
        FunctionName: 'both-sets',
        Name: 'live',
        FunctionVersion: '1',
        RoutingConfig: { AdditionalVersionWeights: { '2': 0.5 } },
      }),
    );
    const start = new Date(bed.sandbox.clock.now() - 60_000);
    const run = startCanaryTraffic(
      bed.clients.lambda,
      { functionName: 'both-sets', version: '2' },
      { ratePerSecond: 50, payload: '{}' },
      clock,
    );
    await until(() => run.tally().functionErrors >= 4, 'four direct invocations');
    await run.stop();
    for (let i = 0; i < 20; i++) {
      await bed.clients.lambda.send(new InvokeCommand({ FunctionName: 'both-sets', Qualifier: 'live' }));
    }
    const recorded = bed.sandbox.lambda.invocations('both-sets');
    const direct = recorded.filter((r) => r.invokedVersion === '2');
    const throughAlias = (version: string) =>
      recorded.filter((r) => r.alias === 'live' && r.executedVersion === version);
    expect(throughAlias('1').length + throughAlias('2').length).toBe(20);
    const window = { start, end: new Date(bed.sandbox.clock.now() + 60_000) };
    const target = { functionName: 'both-sets', alias: 'live' };
    const canary = await readVersionMetrics(
      bed.clients.cloudwatch,
      { ...target, version: '2', direct: true },
      window,
    );
    expect(canary.invocations).toBe(direct.length + throughAlias('2').length);
    expect(canary.errors).toBe(direct.length + throughAlias('2').length);
    const durations = [...direct, ...throughAlias('2')].map((r) => r.durationMs).sort((a, b) => a - b);
    expect(canary.p99Ms).toBeGreaterThanOrEqual(durations[Math.ceil(0.99 * durations.length) - 1] ?? 0);
    const aliasOnly = await readVersionMetrics(bed.clients.cloudwatch, { ...target, version: '2' }, window);
    expect(aliasOnly.invocations).toBe(throughAlias('2').length);
    const stable = await readVersionMetrics(bed.clients.cloudwatch, { ...target, version: '1' }, window);
    expect(stable.invocations).toBe(throughAlias('1').length);
    expect(stable.errors).toBe(0);
  });

  it('stops with the rollout when it is cancelled, before the alias is restored, and records what it sent', async () => {
    await functionOnVersion1(bed.clients.lambda, 'cancelled-fn', handlers.ok('v1'));
    const cancel = new AbortController();
    const direct = () =>
      bed.sandbox.lambda.invocations('cancelled-fn').filter((r) => r.invokedVersion === '2');
    const running = runDeploy(
      bed.clients,
      plan(
        {
          functionName: 'cancelled-fn',
          source: zipSource(handlers.ok('v2')),
          steps: [{ weight: 0.1, bakeMs: 120_000 }],
          healthCheckIntervalMs: 60_000,
          timeoutMs: 300_000,
          canaryTraffic: { ratePerSecond: 20, payload: '{}' },
        },
        bed.dir,
      ),
      cancel.signal,
    );
    await until(() => direct().length >= 5, 'five canary invocations');
    cancel.abort(new Error('SIGTERM'));
    const run = await running;
    expect(run.error?.message).toMatch(
      /cancelled \(Error: SIGTERM\); alias live was rolled back to version 1/,
    );
    const record = await readRecordFile(run.recordFile);
    expect(record.status).toBe('rolled-back');
    const sent = record.functions[0].canaryTraffic?.sent ?? 0;
    expect(sent).toBeGreaterThanOrEqual(5);
    const seen = direct().length;
    expect(seen).toBeLessThanOrEqual(sent);
    await pause(300);
    expect(direct()).toHaveLength(seen);
  });
});
