import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import {
  CreateAliasCommand,
  CreateFunctionCommand,
  GetFunctionConfigurationCommand,
  LambdaClient,
  PublishVersionCommand,
  type CreateFunctionCommandInput,
} from '@aws-sdk/client-lambda';
import { MemoryLogger, pause, RecordWriter, writeRecordFile } from '@lambda-release-kit/core';
import { startSandbox, zipFunction, type Sandbox, type SandboxOptions } from '@lambda-release-kit/sandbox';
import { deployCanary, initialRecord, type DeployClients, type DeployResult } from '../src/deploy.js';
import type {
  CodeDeploySettings,
  CodeSource,
  DeployPlan,
  DeploySettings,
  FunctionTarget,
} from '../src/plan.js';
import type { RolloutClock } from '../src/rollout-clock.js';

export const ROLE = 'arn:aws:iam::123456789012:role/lambda-exec';

export const handlers = {
  ok: (label = 'ok') =>
    zipFunction({
      'index.mjs': `export const handler = async () => ({ ok: true, label: ${JSON.stringify(label)} });`,
    }),
  failing: () =>
    zipFunction({
      'index.mjs': "export const handler = async () => { throw new Error('broken release'); };",
    }),
  slow: (ms: number) =>
    zipFunction({
      'index.mjs': `export const handler = async () => { await new Promise((r) => setTimeout(r, ${ms})); return { ok: true, slow: true }; };`,
    }),
};

export const sha256 = (bytes: Uint8Array) => createHash('sha256').update(bytes).digest('base64');

/** Real SDK clients pointed at the sandbox (endpoint given explicitly, so nothing leaks into process.env). */
export function sandboxClients(sandbox: Sandbox, maxAttempts = 3): DeployClients & { destroy(): void } {
  const config = {
    endpoint: sandbox.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'AKIAEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts,
    retryMode: 'adaptive',
  };
  const lambda = new LambdaClient(config);
  const cloudwatch = new CloudWatchClient(config);
  const codedeploy = new CodeDeployClient(config);
  return {
    lambda,
    cloudwatch,
    codedeploy,
    destroy: () => [lambda, cloudwatch, codedeploy].forEach((client) => client.destroy()),
  };
}

export interface TestBed {
  sandbox: Sandbox;
  clients: ReturnType<typeof sandboxClients>;
  dir: string;
  stop(): Promise<void>;
}

export async function startTestBed(options: SandboxOptions = {}): Promise<TestBed> {
  const sandbox = await startSandbox({ timeScale: 1, updateDelayMs: 50, metricDelayMs: 0, ...options });
  const clients = sandboxClients(sandbox);
  const dir = mkdtempSync(join(tmpdir(), 'deploy-canary-'));
  return {
    sandbox,
    clients,
    dir,
    stop: async () => {
      clients.destroy();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** The rollout's clock on the sandbox's scaled time: a sleep of simulated time takes 1/scale of it for real. */
export function sandboxClock(sandbox: Sandbox): RolloutClock {
  return { now: () => sandbox.clock.now(), sleep: (ms, signal) => pause(ms / sandbox.clock.scale, signal) };
}

/** Polls until the function's update is applied (bounded). */
export async function waitReady(lambda: LambdaClient, name: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    const c = await lambda.send(new GetFunctionConfigurationCommand({ FunctionName: name }));
    if (c.State === 'Active' && c.LastUpdateStatus !== 'InProgress') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${name} never became ready`);
}

/** A function with version 1 from `zip`; the alias `live` on it unless `alias: false`. */
export async function functionOnVersion1(
  lambda: LambdaClient,
  name: string,
  zip: Uint8Array,
  options: { alias?: boolean; extra?: Partial<CreateFunctionCommandInput> } = {},
): Promise<void> {
  await lambda.send(
    new CreateFunctionCommand({
      FunctionName: name,
      Role: ROLE,
      Runtime: 'nodejs22.x',
      Handler: 'index.handler',
      Code: { ZipFile: zip },
      ...options.extra,
    }),
  );
  await waitReady(lambda, name);
  await lambda.send(new PublishVersionCommand({ FunctionName: name }));
  if (options.alias !== false) {
    await lambda.send(new CreateAliasCommand({ FunctionName: name, Name: 'live', FunctionVersion: '1' }));
  }
}

/** One function's target as a test names it: the alias defaults to live, the code to $LATEST as it is. */
export type TargetOverrides = Pick<FunctionTarget, 'functionName'> & {
  [K in Exclude<keyof FunctionTarget, 'functionName'>]?: FunctionTarget[K] | undefined;
};

/** A plan's settings to change; the strategy with its CodeDeploy block, or neither (alias weights). */
type PlanOverrides = Partial<DeploySettings> &
  TargetOverrides &
  (
    | { strategy: 'codedeploy'; codedeploy: CodeDeploySettings }
    | { strategy?: Exclude<DeployPlan['strategy'], 'codedeploy'>; codedeploy?: never }
  );

const target = ({
  functionName,
  alias,
  source,
  configuration,
  thresholds,
  onInconclusive,
  canaryTraffic,
}: TargetOverrides): FunctionTarget => ({
  functionName,
  alias: alias ?? 'live',
  source: source ?? { kind: 'latest' },
  ...(configuration ? { configuration } : {}),
  ...(thresholds ? { thresholds } : {}),
  ...(onInconclusive ? { onInconclusive } : {}),
  ...(canaryTraffic ? { canaryTraffic } : {}),
});

function settings(overrides: Partial<DeploySettings>, firstFunction: string, dir: string): DeploySettings {
  return {
    concurrency: 4,
    steps: [],
    alarms: [],
    // A wide gate, so a healthy verdict needs tens of invocations, not hundreds.
    thresholds: {
      maxErrorRate: 0.1,
      minInvocations: 5,
      compareToStable: false,
      falseRollbackRate: 0.01,
      missedRegressionRate: 0.05,
    },
    // Waits on evidence (bounded by the bake timeout) instead of betting on what a loaded machine serves in a bake.
    onInconclusive: 'wait',
    bakeTimeoutMs: 60_000,
    healthCheckIntervalMs: 300,
    // The test bed's sandbox publishes metrics at once.
    metricDelayMs: 0,
    dryRun: false,
    release: { tag: 'v1.2.3', actor: 'tester' },
    wait: true,
    timeoutMs: 60_000,
    recordFile: join(dir, `${firstFunction}-record.json`),
    ...overrides,
  };
}

/** A plan releasing one function. */
export function plan(overrides: PlanOverrides, dir: string): DeployPlan {
  const { functionName, alias, source, configuration, canaryTraffic, strategy, codedeploy, ...rest } =
    overrides;
  const fn = target({ functionName, alias, source, configuration, canaryTraffic });
  const base = settings(rest, functionName, dir);
  if (strategy === 'codedeploy') return { ...base, strategy, functions: [{ ...fn, codedeploy }] };
  return { ...base, strategy: strategy ?? 'alias-weights', functions: [fn] };
}

/** A plan releasing several functions as one (alias weights or all at once). */
export function servicePlan(
  functions: [TargetOverrides, ...TargetOverrides[]],
  overrides: Partial<DeploySettings> & { strategy?: Exclude<DeployPlan['strategy'], 'codedeploy'> },
  dir: string,
): DeployPlan {
  const { strategy, ...rest } = overrides;
  const [first, ...others] = functions;
  return {
    ...settings(rest, first.functionName, dir),
    strategy: strategy ?? 'alias-weights',
    functions: [target(first), ...others.map(target)],
  };
}

export function zipSource(zip: Uint8Array): CodeSource {
  return { kind: 'zip', path: 'build/function.zip', bytes: zip, codeSha256: sha256(zip) };
}

export interface Run {
  result?: DeployResult;
  error?: Error;
  /** The file the writer saves the record to after every change. */
  recordFile: string;
  logger: MemoryLogger;
}

/** Runs a deploy to the end and keeps what happened (result or error), the record and the log. */
export async function runDeploy(
  clients: DeployClients,
  deployPlan: DeployPlan,
  signal?: AbortSignal,
  clock?: RolloutClock,
): Promise<Run> {
  const { recordFile } = deployPlan;
  const writer = new RecordWriter(initialRecord(deployPlan, 'us-east-1'), (record) =>
    writeRecordFile(recordFile, record),
  );
  const logger = new MemoryLogger();
  try {
    const result = await deployCanary(clients, deployPlan, writer, logger, signal, clock);
    return { result, recordFile, logger };
  } catch (error) {
    return { error: error as Error, recordFile, logger };
  }
}

/**
 * Sends requests to the alias's function URL, a few at a time, until `done()` says stop (bounded by `max`), so
 * the canary has metrics to judge. Returns how many requests were sent.
 */
export async function driveTraffic(
  sandbox: Sandbox,
  functionName: string,
  done: () => boolean,
  options: { max?: number; concurrency?: number; pauseMs?: number | undefined } = {},
): Promise<number> {
  const url = sandbox.functionUrl(functionName, 'live');
  const max = options.max ?? 3000;
  let sent = 0;
  const worker = async () => {
    while (!done() && sent < max) {
      sent++;
      await fetch(url)
        .then((res) => res.arrayBuffer())
        .catch(() => undefined);
      if (options.pauseMs) await new Promise((r) => setTimeout(r, options.pauseMs));
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 4 }, worker));
  return sent;
}

/** Runs a deploy while driving traffic through the alias until the deploy ends. */
export async function deployUnderTraffic(
  bed: TestBed,
  deployPlan: DeployPlan,
  options: { signal?: AbortSignal; pauseMs?: number; max?: number } = {},
): Promise<Run & { requests: number }> {
  let finished = false;
  const running = runDeploy(bed.clients, deployPlan, options.signal).finally(() => {
    finished = true;
  });
  const [run, requests] = await Promise.all([
    running,
    Promise.all(
      deployPlan.functions.map((fn) =>
        driveTraffic(bed.sandbox, fn.functionName, () => finished, {
          pauseMs: options.pauseMs,
          ...(options.max !== undefined ? { max: options.max } : {}),
        }),
      ),
    ).then((counts) => counts.reduce((sum, count) => sum + count, 0)),
  ]);
  return { ...run, requests };
}

/** mulberry32: a small seeded generator, so a simulation is the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
