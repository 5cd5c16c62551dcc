/**
 * Issue 10, item 1, for the two actions that do not move traffic: smoke-test's Invoke (an `invoke` check of an
 * exact version) and notify's SNS Publish, each × {429, 500, dropped connection, 409, 412} as a transient fault
 * (the next 2 calls fail). Held = the action recovered within its retry budget, or failed with exactly one clear
 * `::error::` line; and the alias was never touched (neither action may change traffic).
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { CreateTopicCommand, SNSClient } from '@aws-sdk/client-sns';
import { aliasIsSafe, errorLines, FAULT_KINDS } from './fault-matrix.js';
import { aliasOf, createReleasedFunction, startFixture, type Fixture } from './fixture.js';
import { recordOperations, recordResult, startCategory } from './results.js';
import { runAction, type ActionName } from './run-action.js';

const CATEGORY = 'faults-others';
const FUNCTION = 'checked-fn';

let fixture: Fixture;
let topicArn: string;

beforeAll(async () => {
  startCategory(CATEGORY);
  fixture = await startFixture();
  await createReleasedFunction(fixture, FUNCTION);
  const sns = new SNSClient({
    endpoint: fixture.sandbox.endpoint,
    region: fixture.env.AWS_REGION,
    credentials: { accessKeyId: 'fixture', secretAccessKey: 'fixture' },
  });
  topicArn = (await sns.send(new CreateTopicCommand({ Name: 'releases' }))).TopicArn!;
  sns.destroy();
});

afterEach(() => fixture.sandbox.faults.clear());

afterAll(async () => {
  await fixture?.sandbox.stop();
});

interface Target {
  action: ActionName;
  service: string;
  operation: string;
  inputs: () => Record<string, string>;
}

const TARGETS: Target[] = [
  {
    action: 'smoke-test',
    service: 'lambda',
    operation: 'Invoke',
    inputs: () => ({
      checks: [
        '- name: version 1 answers',
        `  invoke: { function: ${FUNCTION}, qualifier: '1', payload: {} }`,
        '  expect: { json: { $.status: ok } }',
      ].join('\n'),
    }),
  },
  {
    action: 'notify',
    service: 'sns',
    operation: 'Publish',
    inputs: () => ({ status: 'success', 'sns-topic-arn': topicArn, 'fail-on-error': 'true' }),
  },
];

const cells = TARGETS.flatMap((target) => FAULT_KINDS.map((kind) => ({ target, kind })));

describe('smoke-test and notify under injected AWS faults', () => {
  it.each(
    cells.map(
      (c) =>
        [`${c.target.action}: transient ${c.kind} on ${c.target.service}:${c.target.operation}`, c] as const,
    ),
  )(
    '%s',
    async (_title, { target, kind }) => {
      fixture.sandbox.clearRequestLog();
      fixture.sandbox.faults.add({ service: target.service, operation: target.operation, kind, times: 2 });
      const started = Date.now();
      const run = await runAction(target.action, target.inputs(), { env: fixture.env, timeoutMs: 60_000 });
      fixture.sandbox.faults.clear();
      const log = fixture.sandbox.requestLog();
      recordOperations(CATEGORY, target.action, log);
      const injected = log.filter((entry) => entry.fault).length;
      const recovered = run.code === 0 && errorLines(run).length === 0;
      const clearFailure = run.code === 1 && errorLines(run).length === 1;
      const untouched = aliasIsSafe(aliasOf(fixture, FUNCTION), '1', undefined, []);
      const trafficCalls = log.filter((entry) => entry.operation === 'UpdateAlias').length;
      const held = (recovered || clearFailure) && untouched && trafficCalls === 0 && injected > 0;
      recordResult(CATEGORY, {
        action: target.action,
        case: `transient (2 calls) ${kind} on ${target.service}:${target.operation}`,
        held,
        outcome: recovered ? 'recovered' : clearFailure ? 'failed cleanly' : `exit ${run.code}`,
        injected,
        seconds: Math.round((Date.now() - started) / 100) / 10,
        detail: recovered
          ? `outputs ${JSON.stringify({ passed: run.outputs.passed, sent: run.outputs.sent, failed: run.outputs.failed })}`
          : errorLines(run)[0]?.slice(0, 240),
      });
      expect(injected).toBeGreaterThan(0);
      expect({ recovered, clearFailure, errors: errorLines(run) }).toEqual(
        recovered
          ? { recovered, clearFailure, errors: [] }
          : { recovered, clearFailure: true, errors: errorLines(run) },
      );
      expect({ untouched, trafficCalls }).toEqual({ untouched: true, trafficCalls: 0 });
    },
    60_000,
  );
});
