/**
 * Issue 10, item 2: deploy-canary killed (SIGTERM, as a cancelled workflow does, and SIGKILL, as a lost runner
 * does) at each stage: after UpdateFunctionCode, after PublishVersion, at each weight step of an alias-weights
 * rollout, and during a CodeDeploy deployment. The stage is detected from the sandbox's request log and checked
 * again at the moment of the kill. Then rollback-on-failure runs with the record file (as the reference workflow
 * passes it, whether or not the deploy got to write it) and, separately, with no record at all; both must leave
 * the alias 100% on the stable version.
 *
 * The gap between publishing and the first traffic change lasts milliseconds, so the "after PublishVersion" deploy
 * runs a pre-traffic check whose Invoke the sandbox delays: the deploy has published and written its record, and
 * sits before any traffic change, when it is killed. (A held mutating call would not do: the sandbox would still
 * apply it after the kill.)
 */
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  CodeDeployClient,
  CreateApplicationCommand,
  CreateDeploymentGroupCommand,
  GetDeploymentCommand,
  ListDeploymentsCommand,
} from '@aws-sdk/client-codedeploy';
import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { createManualClock, type RequestLogEntry } from '@lambda-release-kit/sandbox';
import { errorLines, recordFileFor } from './fault-matrix.js';
import {
  aliasOf,
  ALIAS,
  createReleasedFunction,
  startFixture,
  writeReleaseZip,
  type AliasView,
  type Fixture,
} from './fixture.js';
import { recordOperations, recordResult, startCategory } from './results.js';
import { runAction, startAction, type ActionRun, type StartedAction } from './run-action.js';

const CATEGORY = 'interrupted';
const STABLE = '1';
const APP = 'orders-app';
const SIGNALS = ['SIGTERM', 'SIGKILL'] as const;
type Signal = (typeof SIGNALS)[number];

let fixture: Fixture;
let codedeployFixture: Fixture;
const codedeployClock = createManualClock();
/** CodeDeployDefault.LambdaCanary10Percent5Minutes's bake. */
const CANARY_MS = 5 * 60_000;
let codedeploy: CodeDeployClient;
let zip: string;
let counter = 0;

beforeAll(async () => {
  startCategory(CATEGORY);
  zip = writeReleaseZip(mkdtempSync(join(tmpdir(), 'reliability-interrupted-')), 'v1.1.0');
  // Lambda reports a code update in progress for 600 ms: the deploy is held "after UpdateFunctionCode" that long.
  fixture = await startFixture({ updateDelayMs: 600 });
  // CodeDeploy's 5-minute canary bakes on a manual clock: it holds until a case advances it, so the kill and the
  // rollback always meet it mid-bake, however slow the machine is. Updates finish at once (the clock stands still).
  codedeployFixture = await startFixture({ clock: codedeployClock, updateDelayMs: 0 });
  codedeploy = new CodeDeployClient({
    endpoint: codedeployFixture.sandbox.endpoint,
    region: codedeployFixture.sandbox.env.AWS_REGION,
    credentials: { accessKeyId: 'fixture', secretAccessKey: 'fixture' },
    maxAttempts: 1,
  });
  await codedeploy.send(new CreateApplicationCommand({ applicationName: APP, computePlatform: 'Lambda' }));
});

// A case that failed half-way must not leave a fault behind for the next one.
afterEach(() => {
  fixture.sandbox.faults.clear();
  codedeployFixture.sandbox.faults.clear();
});

afterAll(async () => {
  codedeploy?.destroy();
  await fixture?.sandbox.stop();
  await codedeployFixture?.sandbox.stop();
});

/** Polls the request log (bounded) until `done`; used to let in-flight sandbox work finish. */
async function waitForLog(
  target: Fixture,
  done: (log: RequestLogEntry[]) => boolean,
  timeoutMs: number,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!done(target.sandbox.requestLog()) && Date.now() < deadline)
    await new Promise((resolve) => setTimeout(resolve, 20));
}

/** Polls the request log (bounded) until `match` finds the entry that marks the stage. */
async function waitForStage(
  target: Fixture,
  deploy: StartedAction,
  what: string,
  match: (log: RequestLogEntry[], dir: string) => boolean,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!match(target.sandbox.requestLog(), deploy.dir)) {
    if (deploy.child.exitCode !== null || deploy.child.signalCode !== null) {
      const run = await deploy.result;
      throw new Error(`deploy-canary ended before ${what}: ${errorLines(run)[0] ?? run.stdout.slice(-400)}`);
    }
    if (Date.now() > deadline) throw new Error(`deploy-canary did not reach ${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const succeeded = (log: RequestLogEntry[], operation: string) =>
  log.filter((e) => e.operation === operation && e.status >= 200 && e.status < 300).length;

interface Stage {
  name: string;
  /** Extra deploy-canary inputs for this stage. */
  inputs?: Record<string, string>;
  /** Set up before the deploy starts (a delay that holds the deploy at the stage). */
  prepare?: (target: Fixture) => void;
  reached: (log: RequestLogEntry[], dir: string) => boolean;
  /** True when, at the moment of the kill, the deploy had not gone past the stage. */
  stillAt: (log: RequestLogEntry[]) => boolean;
}

const PRE_TRAFFIC_CHECK =
  '- name: new version answers\n  invoke: { function: "{{ function }}", payload: { path: /health } }';

const ALIAS_STAGES: Stage[] = [
  {
    name: 'after UpdateFunctionCode',
    reached: (log) => succeeded(log, 'UpdateFunctionCode') === 1,
    stillAt: (log) => !log.some((e) => e.operation === 'PublishVersion'),
  },
  {
    name: 'after PublishVersion',
    inputs: { 'pre-traffic-check': PRE_TRAFFIC_CHECK },
    prepare: (target) =>
      target.sandbox.faults.add({ service: 'lambda', operation: 'Invoke', kind: 'delay', delayMs: 1_500 }),
    reached: (log, dir) =>
      succeeded(log, 'PublishVersion') === 1 && recordHasTarget(join(dir, 'record.json')),
    stillAt: (log) => !log.some((e) => e.operation === 'UpdateAlias'),
  },
  {
    name: 'at weight step 1 (10%)',
    reached: (log) => succeeded(log, 'UpdateAlias') === 1 && succeeded(log, 'GetMetricData') >= 1,
    stillAt: (log) => succeeded(log, 'UpdateAlias') === 1,
  },
  {
    name: 'at weight step 2 (50%)',
    reached: (log) => succeeded(log, 'UpdateAlias') === 2 && succeeded(log, 'GetMetricData') >= 4,
    stillAt: (log) => succeeded(log, 'UpdateAlias') === 2,
  },
];

/** The deploy has written its record with the published version (it does so before any traffic change). */
function recordHasTarget(path: string): boolean {
  if (!existsSync(path)) return false;
  try {
    const record = JSON.parse(readFileSync(path, 'utf8')) as { functions?: Array<{ target?: unknown }> };
    return Boolean(record.functions?.[0]?.target);
  } catch {
    return false; // caught mid-write
  }
}

function startDeploy(target: Fixture, name: string, extra: Record<string, string>): StartedAction {
  return startAction(
    'deploy-canary',
    (dir) => ({
      'function-name': name,
      'zip-file': zip,
      'release-tag': 'v1.1.0',
      'record-file': join(dir, 'record.json'),
      timeout: '60s',
      ...extra,
    }),
    { env: target.env, timeoutMs: 90_000 },
  );
}

const ALIAS_WEIGHTS = {
  'traffic-steps': '10%:3s,50%:3s',
  'health-check-interval': '1s',
  // The sandbox publishes metrics at once.
  'metric-delay': '0',
  'min-invocations': '1',
  'on-inconclusive': 'promote',
};

interface Killed {
  run: ActionRun;
  /** The alias as the killed deploy left it. */
  left: AliasView;
  recordFile: string;
  /** The request log at the moment of the kill. */
  atKill: RequestLogEntry[];
}

/** Sends the signal and waits for the process to end. */
async function kill(target: Fixture, deploy: StartedAction, signal: Signal, name: string): Promise<Killed> {
  deploy.child.kill(signal);
  const atKill = target.sandbox.requestLog();
  const run = await deploy.result;
  recordOperations(CATEGORY, 'deploy-canary', target.sandbox.requestLog());
  return { run, left: aliasOf(target, name), recordFile: recordFileFor(run), atKill };
}

async function rollback(
  target: Fixture,
  name: string,
  recordFile?: string,
  extra: Record<string, string> = {},
) {
  target.sandbox.clearRequestLog();
  const run = await runAction(
    'rollback-on-failure',
    {
      'function-name': name,
      alias: ALIAS,
      reason: 'deploy was interrupted',
      ...(recordFile ? { 'record-file': recordFile } : {}),
      ...extra,
    },
    { env: target.env, timeoutMs: 60_000 },
  );
  recordOperations(CATEGORY, 'rollback-on-failure', target.sandbox.requestLog());
  return { run, alias: aliasOf(target, name) };
}

const onStable = (alias: AliasView) => alias.version === STABLE && Object.keys(alias.weights).length === 0;
/** Exit 0, or exit 1 with exactly one `::error::` line. */
const clearEnding = (run: ActionRun) => run.code === 0 || (run.code === 1 && errorLines(run).length === 1);
const describeRun = (run: ActionRun) =>
  run.signal
    ? `killed by ${run.signal}`
    : `exit ${run.code}${run.outputs.status ? ` (${run.outputs.status})` : ''}${run.outputs.outcome ? ` (${run.outputs.outcome})` : ''}${errorLines(run)[0] ? `: ${errorLines(run)[0]?.slice(0, 200)}` : ''}`;

/** What the killed deploy itself must have done: SIGTERM ends it cleanly, and restores the alias once traffic moved. */
function deployEndedAsExpected(signal: Signal, stage: string, killed: Killed): boolean {
  const { run, left } = killed;
  if (signal === 'SIGKILL') return run.signal === 'SIGKILL';
  return clearEnding(run) && run.code === 1 && (stage.startsWith('at weight') ? onStable(left) : true);
}

function recordRollback(
  signal: Signal,
  stage: string,
  variant: string,
  result: { run: ActionRun; alias: AliasView },
  note = '',
): boolean {
  const held = onStable(result.alias) && clearEnding(result.run);
  recordResult(CATEGORY, {
    action: 'rollback-on-failure',
    case: `${signal} ${stage}: rollback ${variant}`,
    held,
    outcome: describeRun(result.run),
    detail: `alias afterwards ${JSON.stringify(result.alias)}${note ? `; ${note}` : ''}`,
  });
  return held;
}

describe('deploy-canary interrupted during an alias-weights rollout', () => {
  it.each(
    SIGNALS.flatMap((signal) =>
      ALIAS_STAGES.map((stage) => [`${signal} ${stage.name}`, signal, stage] as const),
    ),
  )(
    '%s, then rollback with and without the record',
    async (_title, signal, stage) => {
      const name = `int-${++counter}`;
      await createReleasedFunction(fixture, name);
      fixture.sandbox.clearRequestLog();
      stage.prepare?.(fixture);
      const deploy = startDeploy(fixture, name, { ...ALIAS_WEIGHTS, ...stage.inputs });
      await waitForStage(fixture, deploy, stage.name, stage.reached);
      const killed = await kill(fixture, deploy, signal, name);
      // A delayed Invoke still runs after a SIGKILL; let it land before the rollback's own request log starts.
      await waitForLog(fixture, (log) => !stage.prepare || log.some((e) => e.operation === 'Invoke'), 3_000);
      fixture.sandbox.faults.clear();
      const atStage = stage.stillAt(killed.atKill);
      const deployHeld = atStage && deployEndedAsExpected(signal, stage.name, killed);
      recordResult(CATEGORY, {
        action: 'deploy-canary',
        case: `${signal} ${stage.name}`,
        held: deployHeld,
        outcome: describeRun(killed.run),
        detail: `alias left ${JSON.stringify(killed.left)}; record ${recordStatus(killed.recordFile)}${atStage ? '' : '; the kill landed after the stage'}`,
      });

      const withRecord = await rollback(fixture, name, killed.recordFile);
      const withHeld = recordRollback(signal, stage.name, 'with the record file', withRecord);

      // The same situation again for the record-less rollback: the alias exactly as the killed deploy left it.
      fixture.sandbox.lambda.setAliasRouting(name, ALIAS, killed.left.version, killed.left.weights);
      const withoutRecord = await rollback(fixture, name);
      const withoutHeld = recordRollback(signal, stage.name, 'without a record', withoutRecord);

      expect({ deploy: describeRun(killed.run), held: deployHeld }).toEqual({
        deploy: describeRun(killed.run),
        held: true,
      });
      expect({ withRecord: withRecord.alias, ending: describeRun(withRecord.run), held: withHeld }).toEqual({
        withRecord: { version: STABLE, weights: {} },
        ending: describeRun(withRecord.run),
        held: true,
      });
      expect({
        withoutRecord: withoutRecord.alias,
        ending: describeRun(withoutRecord.run),
        held: withoutHeld,
      }).toEqual({
        withoutRecord: { version: STABLE, weights: {} },
        ending: describeRun(withoutRecord.run),
        held: true,
      });
    },
    90_000,
  );
});

describe('deploy-canary interrupted during a CodeDeploy deployment', () => {
  async function codeDeployDeploy(name: string): Promise<StartedAction> {
    await createReleasedFunction(codedeployFixture, name);
    await codedeploy.send(
      new CreateDeploymentGroupCommand({
        applicationName: APP,
        deploymentGroupName: name,
        serviceRoleArn: 'arn:aws:iam::123456789012:role/codedeploy',
      }),
    );
    codedeployFixture.sandbox.clearRequestLog();
    const deploy = startDeploy(codedeployFixture, name, {
      strategy: 'codedeploy',
      'codedeploy-application': APP,
      'codedeploy-deployment-group': name,
      'deployment-config': 'CodeDeployDefault.LambdaCanary10Percent5Minutes',
    });
    // "During": CodeDeploy has shifted the canary's 10% and is baking, and the deploy has recorded the deployment
    // id and is polling it.
    await waitForStage(codedeployFixture, deploy, 'the CodeDeploy canary shift', (log, dir) => {
      const alias = codedeployFixture.sandbox.lambda.getAlias(name, ALIAS);
      return (
        succeeded(log, 'CreateDeployment') === 1 &&
        Object.keys(alias?.additionalVersionWeights ?? {}).length > 0 &&
        readDeploymentId(join(dir, 'record.json')) !== undefined
      );
    });
    return deploy;
  }

  /**
   * Waits (bounded) until every deployment of the group (the one the killed deploy started, and any rollback
   * deployment CodeDeploy made for it) has finished, so nothing moves the alias later; returns their statuses.
   */
  async function settled(group: string): Promise<string> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const listed = await codedeploy.send(
        new ListDeploymentsCommand({ applicationName: APP, deploymentGroupName: group }),
      );
      const statuses = await Promise.all(
        (listed.deployments ?? []).map(async (deploymentId) => {
          const info = await codedeploy.send(new GetDeploymentCommand({ deploymentId }));
          return `${deploymentId} ${info.deploymentInfo?.status ?? 'unknown'}`;
        }),
      );
      const finished = statuses.every((s) => /(Succeeded|Failed|Stopped)$/.test(s));
      if (finished || Date.now() > deadline) return statuses.sort().join(', ');
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }

  type Variant = 'with the record file' | 'without a record' | 'without a record, CodeDeploy group given';

  async function interruptAndRollBack(signal: Signal, variant: Variant) {
    const name = `cd-int-${++counter}`;
    const deploy = await codeDeployDeploy(name);
    const killed = await kill(codedeployFixture, deploy, signal, name);
    const deploymentId = readDeploymentId(killed.recordFile);
    const deployHeld =
      signal === 'SIGKILL'
        ? killed.run.signal === 'SIGKILL'
        : clearEnding(killed.run) && killed.run.code === 1 && onStable(killed.left);
    if (variant === 'with the record file') {
      recordResult(CATEGORY, {
        action: 'deploy-canary',
        case: `${signal} during a CodeDeploy canary bake`,
        held: deployHeld,
        outcome: describeRun(killed.run),
        detail: `alias left ${JSON.stringify(killed.left)}; deployment ${deploymentId ?? 'unknown'}`,
      });
    }
    const result = await rollback(
      codedeployFixture,
      name,
      variant === 'with the record file' ? killed.recordFile : undefined,
      variant === 'without a record, CodeDeploy group given'
        ? { 'codedeploy-application': APP, 'codedeploy-deployment-group': name }
        : {},
    );
    // A killed deploy leaves CodeDeploy running: let its bake end, and judge the alias only once that deployment
    // can move it no more.
    await codedeployClock.advance(CANARY_MS);
    const deployment = await settled(name);
    const after = { run: result.run, alias: aliasOf(codedeployFixture, name) };
    const held = recordRollback(
      signal,
      'during a CodeDeploy canary bake',
      variant,
      after,
      `deployment ${deployment}`,
    );
    expect(deployHeld).toBe(true);
    expect({ alias: after.alias, rollback: describeRun(result.run), deployment, held }).toEqual({
      alias: { version: STABLE, weights: {} },
      rollback: describeRun(result.run),
      deployment,
      held: true,
    });
  }

  const VARIANTS: Variant[] = [
    'with the record file',
    'without a record',
    'without a record, CodeDeploy group given',
  ];
  it.each(
    SIGNALS.flatMap((signal) => VARIANTS.map((variant) => [signal, variant] as const)).filter(
      ([signal, variant]) => !(signal === 'SIGKILL' && variant === 'without a record'),
    ),
  )(
    '%s during the canary bake, then rollback %s',
    (signal, variant) => interruptAndRollBack(signal, variant),
    90_000,
  );

  // Known limitation of rollback-on-failure: with neither a record nor 'codedeploy-application'/'-deployment-group'
  // it cannot see the CodeDeploy deployment the killed deploy left running. It moves the alias from 90/10 back to
  // version 1 and reports rolled-back (exit 0), then CodeDeploy finishes its canary and shifts the alias to 100% on
  // the failed version 2. Expected: stable afterwards, or a refusal that names the risk.
  it.failing(
    'SIGKILL during the canary bake, then rollback without a record (CodeDeploy re-promotes afterwards)',
    () => interruptAndRollBack('SIGKILL', 'without a record'),
    90_000,
  );
});

function recordStatus(recordFile: string): string {
  if (!existsSync(recordFile)) return 'not written';
  return (JSON.parse(readFileSync(recordFile, 'utf8')) as { status: string }).status;
}

/** The deployment id from the record file, when the killed deploy got to write it. */
function readDeploymentId(recordFile: string): string | undefined {
  if (!existsSync(recordFile)) return undefined;
  try {
    const record = JSON.parse(readFileSync(recordFile, 'utf8')) as {
      functions?: Array<{ codedeploy?: { deploymentId?: string } }>;
    };
    return record.functions?.[0]?.codedeploy?.deploymentId;
  } catch {
    return undefined; // caught mid-write
  }
}
