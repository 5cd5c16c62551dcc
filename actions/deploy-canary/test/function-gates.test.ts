import { describe, expect, it } from '@jest/globals';
import { Inputs } from '@lambda-release-kit/core';
import { ACTION_DEFAULTS, Input } from '../src/constants.js';
import { readDeployPlan } from '../src/options.js';
import { functionDeploys } from '../src/plan.js';

const read = (values: Record<string, string>) =>
  readDeployPlan(new Inputs((name) => values[name] ?? ACTION_DEFAULTS[name as Input] ?? ''), {
    RUNNER_TEMP: '/runner/tmp',
  });

const service = (worker: string[]) =>
  ['- name: orders-api', '- name: orders-worker', ...worker.map((line) => `  ${line}`)].join('\n');

describe('per-function gates in functions items', () => {
  it('judge each function by its own gates over the action’s, with its own on-inconclusive', async () => {
    const plan = await read({
      functions: service([
        'max-error-rate: 2%',
        'max-p95-latency: 3s',
        'min-invocations: 3',
        'compare-to-stable: true',
        'on-inconclusive: promote',
      ]),
      'max-error-rate': '0.5%',
      'max-p99-latency': '900ms',
      'missed-regression-rate': '10%',
    });
    const [api, worker] = functionDeploys(plan);
    expect(api.thresholds).toEqual({
      maxErrorRate: 0.005,
      maxP95LatencyMs: undefined,
      maxP99LatencyMs: 900,
      minInvocations: 10,
      compareToStable: false,
      falseRollbackRate: 0.01,
      missedRegressionRate: 0.1,
    });
    expect(api.onInconclusive).toBe('wait');
    expect(worker?.thresholds).toEqual({
      maxErrorRate: 0.02,
      maxP95LatencyMs: 3000,
      maxP99LatencyMs: 900,
      minInvocations: 3,
      compareToStable: true,
      falseRollbackRate: 0.01,
      missedRegressionRate: 0.1,
    });
    expect(worker?.onInconclusive).toBe('promote');
  });

  it('accept YAML numbers and booleans as their inputs do', async () => {
    const plan = await read({
      functions: service(['max-error-rate: 0.02', 'min-invocations: 3', 'compare-to-stable: true']),
    });
    expect(functionDeploys(plan)[1]?.thresholds).toMatchObject({
      maxErrorRate: 0.02,
      minInvocations: 3,
      compareToStable: true,
    });
  });

  it('reject a bad value naming the item and the key, before anything else', async () => {
    await expect(read({ functions: service(['max-error-rate: lots']) })).rejects.toThrow(
      `input 'functions' item 2 'max-error-rate' has "lots" — expected a percentage like "0.5%" or a fraction like "0.005"`,
    );
    await expect(read({ functions: service(['on-inconclusive: maybe']) })).rejects.toThrow(
      `input 'functions' item 2 'on-inconclusive' has "maybe" — expected one of wait, fail, promote`,
    );
    await expect(read({ functions: service(['min-invocations: 0']) })).rejects.toThrow(
      /^input 'functions' item 2 'min-invocations' has "0" — expected /,
    );
    await expect(read({ functions: service(['max-p95-latency: soon']) })).rejects.toThrow(
      /^input 'functions' item 2 'max-p95-latency' has "soon" — expected a duration/,
    );
  });

  it('apply only to alias-weights canaries', async () => {
    await expect(
      read({ functions: service(['max-error-rate: 2%']), strategy: 'all-at-once' }),
    ).rejects.toThrow(
      "input 'functions' item 2 'max-error-rate' applies only to alias-weights canaries: strategy all-at-once moves all traffic at once",
    );
  });
});

describe('missed-regression-rate', () => {
  it('defaults to 5% and accepts rates below 50%', async () => {
    expect((await read({ 'function-name': 'orders-api' })).thresholds.missedRegressionRate).toBe(0.05);
    await expect(read({ 'function-name': 'orders-api', 'missed-regression-rate': '60%' })).rejects.toThrow(
      `input 'missed-regression-rate' has "60%" — expected a rate above 0% and below 50%, like "5%"`,
    );
  });
});
