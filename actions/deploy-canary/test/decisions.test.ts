import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { Inputs } from '@lambda-release-kit/core';
import nock from 'nock';
import { parse } from 'yaml';
import { ACTION_DEFAULTS, Input } from '../src/constants.js';
import { readDeployPlan } from '../src/options.js';
import { readVersionMetrics } from '../src/metrics.js';
import { parseTrafficSteps } from '../src/traffic-steps.js';

describe('traffic steps', () => {
  it('parses explicit steps and CodeDeploy-equivalent presets', () => {
    expect(parseTrafficSteps('10%:5m, 50%:90s')).toEqual([
      { weight: 0.1, bakeMs: 300_000 },
      { weight: 0.5, bakeMs: 90_000 },
    ]);
    expect(parseTrafficSteps('CodeDeployDefault.LambdaCanary10Percent5Minutes')).toEqual([
      { weight: 0.1, bakeMs: 300_000 },
    ]);
    const linear = parseTrafficSteps('Linear10PercentEvery1Minute') as { weight: number }[];
    expect(linear.map((s) => s.weight)).toEqual([0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9]);
    expect(parseTrafficSteps('linear30percentevery2minutes')).toHaveLength(3);
  });

  it('rejects malformed, unordered, 100% and unit-less steps with the reason', () => {
    expect(parseTrafficSteps('10%:5')).toBe('"10%:5" is not a step');
    expect(parseTrafficSteps('50%:1m,10%:1m')).toBe('"10%:1m" must route more than the step before');
    expect(parseTrafficSteps('100%:1m')).toBe('"100%:1m" must route more than 0% and less than 100%');
    expect(parseTrafficSteps('10%:0s')).toBe('"10%:0s" needs a bake time above zero');
  });
});

describe('reading metrics (GetMetricData over the wire)', () => {
  const client = new CloudWatchClient({
    region: 'us-east-1',
    credentials: { accessKeyId: 'a', secretAccessKey: 'b' },
    maxAttempts: 1,
  });
  beforeAll(() => nock.disableNetConnect());
  afterEach(() => nock.cleanAll());
  afterAll(() => {
    nock.enableNetConnect();
    client.destroy();
  });

  it('asks for the version behind the alias over one period covering the window, and sums pages', async () => {
    const bodies: Record<string, unknown>[] = [];
    const series = (p: string) => [
      { Id: 'invocations', Values: [p === '1' ? 40 : 10] },
      { Id: 'errors', Values: [1] },
      { Id: 'throttles', Values: [] },
      { Id: 'p95', Values: [p === '1' ? 120 : 300] },
      { Id: 'p99', Values: [200] },
    ];
    nock('https://monitoring.us-east-1.amazonaws.com')
      .post('/')
      .times(2)
      .reply(
        200,
        (_uri, body) => {
          const parsed = JSON.parse(body as string);
          bodies.push(parsed);
          const page = parsed.NextToken ? '2' : '1';
          return { MetricDataResults: series(page), ...(page === '1' ? { NextToken: 't2' } : {}) };
        },
        { 'content-type': 'application/x-amz-json-1.0' },
      );
    const result = await readVersionMetrics(
      client,
      { functionName: 'orders-api', alias: 'live', version: '8' },
      { start: new Date('2026-01-01T00:00:00Z'), end: new Date('2026-01-01T00:02:30Z') },
    );
    expect(result).toEqual({
      version: '8',
      invocations: 50,
      errors: 2,
      throttles: 0,
      p95Ms: 300,
      p99Ms: 200,
    });
    const query = (bodies[0]?.MetricDataQueries as { MetricStat: Record<string, unknown> }[] | undefined)?.[0]
      ?.MetricStat;
    if (!query) throw new Error('the first GetMetricData request had no MetricStat query');
    expect(query.Period).toBe(180);
    expect((query.Metric as { Dimensions: unknown }).Dimensions).toEqual([
      { Name: 'FunctionName', Value: 'orders-api' },
      { Name: 'Resource', Value: 'orders-api:live' },
      { Name: 'ExecutedVersion', Value: '8' },
    ]);
  });
});

describe('inputs', () => {
  const read = (values: Record<string, string>, env: NodeJS.ProcessEnv = {}) =>
    readDeployPlan(new Inputs((name) => values[name] ?? ACTION_DEFAULTS[name as Input] ?? ''), env);

  it('applies the documented defaults', async () => {
    const plan = await read(
      { 'function-name': 'orders-api' },
      { RUNNER_TEMP: '/runner/tmp', GITHUB_REF: 'refs/tags/v1.4.0' },
    );
    expect(plan).toMatchObject({
      functions: [{ functionName: 'orders-api', alias: 'live', source: { kind: 'latest' } }],
      strategy: 'alias-weights',
      steps: [{ weight: 0.1, bakeMs: 300_000 }],
      thresholds: {
        maxErrorRate: 0.01,
        minInvocations: 10,
        compareToStable: false,
        falseRollbackRate: 0.01,
        missedRegressionRate: 0.05,
      },
      onInconclusive: 'wait',
      healthCheckIntervalMs: 60_000,
      metricDelayMs: 120_000,
      release: { tag: 'v1.4.0' },
      recordFile: '/runner/tmp/lambda-release-record.orders-api.live.json',
    });
  });

  it('rejects contradictions naming the inputs', async () => {
    await expect(read({ 'function-name': 'f', 'zip-file': 'a.zip', 'image-uri': 'r/x:1' })).rejects.toThrow(
      "inputs 'zip-file' and 'image-uri' were both given — expected at most one code source",
    );
    await expect(read({ 'function-name': 'f', strategy: 'codedeploy' })).rejects.toThrow(
      "input 'codedeploy-application' is required but was not given",
    );
    await expect(
      read({ 'function-name': 'f', strategy: 'all-at-once', 'traffic-steps': '10%:1m' }),
    ).rejects.toThrow("input 'traffic-steps' applies only to alias-weights canaries");
    await expect(read({ 'function-name': 'f', 'codedeploy-application': 'app' })).rejects.toThrow(
      "input 'codedeploy-application' applies only to strategy codedeploy",
    );
    await expect(read({ 'function-name': 'f', wait: 'false' })).rejects.toThrow("input 'wait' is false");
    await expect(read({ 'function-name': 'f', 'zip-file': '/nonexistent.zip' })).rejects.toThrow(
      `input 'zip-file' has "/nonexistent.zip" — expected the path of an existing .zip file`,
    );
    await expect(read({ 'function-name': 'f' }, { GITHUB_REF: 'refs/tags/nightly' })).rejects.toThrow(
      'the tag from GITHUB_REF is "nightly" — expected a tag matching',
    );
    await expect(read({ 'function-name': 'f:live' })).rejects.toThrow('input \'function-name\' has "f:live"');
    await expect(read({ 'function-name': 'f', 'min-invocations': '0' })).rejects.toThrow(
      `input 'min-invocations' has "0" — expected a whole number of at least 1`,
    );
    await expect(
      read({ 'function-name': 'f', 'traffic-steps': '10%:30s,50%:5m', 'health-check-interval': '1m' }),
    ).rejects.toThrow(
      `input 'health-check-interval' has "1m" — expected an interval no longer than the shortest bake time in 'traffic-steps' (30s)`,
    );
    await expect(read({ 'function-name': 'f', 'false-rollback-rate': '0%' })).rejects.toThrow(
      `input 'false-rollback-rate' has "0%" — expected a rate above 0% and at most 20%`,
    );
  });

  it('records skip-canary with the actor and uses AllAtOnce under CodeDeploy', async () => {
    const plan = await read(
      {
        'function-name': 'f',
        strategy: 'codedeploy',
        'codedeploy-application': 'app',
        'codedeploy-deployment-group': 'grp',
        'skip-canary': 'true',
        'skip-canary-reason': 'hotfix',
      },
      { GITHUB_ACTOR: 'jdoe' },
    );
    expect(plan.skipCanary).toEqual({ reason: 'hotfix', by: 'jdoe' });
    expect(plan.functions[0].codedeploy?.deploymentConfig).toBe('CodeDeployDefault.LambdaAllAtOnce');
    expect(plan.strategy).toBe('codedeploy');
  });

  it('records a skipped canary on alias weights as strategy all-at-once, which is what happens', async () => {
    const plan = await read({ 'function-name': 'f', 'skip-canary': 'true', 'skip-canary-reason': 'hotfix' });
    expect({ strategy: plan.strategy, steps: plan.steps }).toEqual({ strategy: 'all-at-once', steps: [] });
  });

  it('gives each function and alias its own default record file', async () => {
    const env = { RUNNER_TEMP: '/runner/tmp' };
    const first = await read({ 'function-name': 'orders-api' }, env);
    const second = await read(
      { 'function-name': 'arn:aws:lambda:us-east-1:123456789012:function:billing', alias: 'beta' },
      env,
    );
    expect([first.recordFile, second.recordFile]).toEqual([
      '/runner/tmp/lambda-release-record.orders-api.live.json',
      '/runner/tmp/lambda-release-record.billing.beta.json',
    ]);
  });

  it('accepts only invoke checks as the pre-traffic check', async () => {
    const plan = await read({
      'function-name': 'f',
      'pre-traffic-check':
        '- name: answers\n  invoke: { function: "{{ function }}", payload: { ping: true } }\n  expect: { json: [{ path: $.ok, equals: true }] }',
    });
    expect(plan.preTrafficCheck?.items).toHaveLength(1);
    await expect(
      read({
        'function-name': 'f',
        'pre-traffic-check': '- name: web\n  request: { url: "https://example.com" }',
      }),
    ).rejects.toThrow(`input 'pre-traffic-check' has the HTTP check "web" — expected invoke checks only`);
  });

  it('keeps action.yml defaults in step with the code', () => {
    const action = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8'));
    const declared = Object.fromEntries(
      Object.entries(action.inputs as Record<string, { default?: string }>)
        .filter(([, spec]) => spec.default !== undefined)
        .map(([name, spec]) => [name, String(spec.default)]),
    );
    expect(declared).toEqual(ACTION_DEFAULTS);
  });
});
