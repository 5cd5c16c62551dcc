import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type AliasState,
  createRecord,
  type DeploymentRecord,
  errorMessage,
  type FunctionRelease,
  listPublishedVersions,
  type Logger,
  type RecordStatus,
  mapConcurrent,
  type RecordWriter,
  UserError,
  type VersionRef,
} from '@lambda-release-kit/core';
import { createAliasOn, moveAllTraffic } from './alias-moves.js';
import { aliasWeightsRollout } from './alias-rollout.js';
import type { RolloutClock } from './rollout-clock.js';
import { codeDeployRollouts } from './codedeploy-rollouts.js';
import { checkEvidence, type EvidenceCheck } from './evidence-check.js';
import { type DeployPlan, type FunctionDeploy, functionDeploys } from './plan.js';
import { formatPlan, type VersionForecast } from './plan-printer.js';
import { runPreTrafficCheck } from './pre-traffic-check.js';
import { preflight, type CurrentState } from './preflight.js';
import { publishRelease } from './release-publish.js';
import { systemClock } from './rollout-clock.js';
import { retryThrottling } from './throttle-retry.js';

export interface DeployClients {
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  codedeploy: CodeDeployClient;
  /** The client canary traffic invokes with; the deploy sets it to `lambda` before wrapping that in retries. */
  canaryInvoker?: LambdaClient;
}

/** 'in-progress' only when a CodeDeploy deployment was started with `wait: false`. */
export type DeployStatus = RecordStatus;

/** One function of the release as the `functions` output reports it. */
export interface FunctionOutcome {
  name: string;
  alias: string;
  previousVersion?: string | undefined;
  /** The version published; for a function whose code and configuration were unchanged, the one it runs. */
  newVersion?: string | undefined;
}

/** What a deploy did, as its outputs and summary report it; a failed deploy has one too, from its record. */
export interface DeployResult {
  status: DeployStatus;
  /** The single-function outputs: set for a release of one function only. */
  previousVersion?: string | undefined;
  newVersion?: string | undefined;
  deploymentId?: string | undefined;
  /** The dry run's plan, one line each. */
  planLines?: string[] | undefined;
  record: DeploymentRecord;
  functions: FunctionOutcome[];
}

/** The result of a deploy whose record is `record` (finished, or as far as a failed deploy got). */
export function deployResult(record: DeploymentRecord, planLines?: string[]): DeployResult {
  const settled = record.status === 'no-op' || record.status === 'promoted';
  const functions = record.functions.map((released) => ({
    name: released.function.name,
    alias: released.alias,
    previousVersion: released.previous?.version,
    newVersion: released.target?.version ?? (settled ? released.previous?.version : undefined),
  }));
  const [only, ...others] = record.functions;
  const single = others.length === 0 ? functions[0] : undefined;
  return {
    status: record.status,
    previousVersion: single?.previousVersion,
    newVersion: single?.newVersion,
    deploymentId: others.length === 0 ? only.codedeploy?.deploymentId : undefined,
    planLines,
    record,
    functions,
  };
}

/** The record a deploy starts with (status planned), before anything is read. */
export function initialRecord(plan: DeployPlan, region?: string, now: Date = new Date()): DeploymentRecord {
  const [first, ...rest] = functionDeploys(plan);
  const entry = (deploy: FunctionDeploy): FunctionRelease => ({
    function: { name: deploy.functionName },
    alias: deploy.alias,
    ...(deploy.codedeploy
      ? {
          codedeploy: {
            application: deploy.codedeploy.application,
            deploymentGroup: deploy.codedeploy.deploymentGroup,
            deploymentConfig: deploy.codedeploy.deploymentConfig,
          },
        }
      : {}),
  });
  return createRecord(
    {
      functions: [entry(first), ...rest.map(entry)],
      ...(region !== undefined ? { region } : {}),
      ...(plan.environment !== undefined ? { environment: plan.environment } : {}),
      strategy: plan.strategy,
      release: plan.release,
      ...(plan.skipCanary ? { skipCanary: plan.skipCanary } : {}),
    },
    now,
  );
}

/** A function of the release with its entry in the record and what preflight read. */
interface Release {
  deploy: FunctionDeploy;
  entry: FunctionRelease;
  state: CurrentState;
}

/**
 * The whole deploy of every function of the release: read-only preflight, then (unless dry-run) publish, the
 * record written, the pre-traffic check, and the traffic shift by the chosen strategy, all functions as one unit.
 * The record is persisted before the first traffic change and after each step; on any failure it is finished as
 * failed (or rolled-back by the rollout) before the error is re-thrown. Throttling is retried until the deadline.
 */
export async function deployCanary(
  clients: DeployClients,
  plan: DeployPlan,
  writer: RecordWriter,
  logger: Logger,
  signal?: AbortSignal,
  clock?: RolloutClock,
): Promise<DeployResult> {
  const record = writer.record;
  // A throttled canary invocation is evidence to count, not a call to retry: canary traffic keeps the bare client.
  const aws = {
    ...clients,
    lambda: retryThrottling(clients.lambda, Date.now() + plan.timeoutMs, logger),
    canaryInvoker: clients.lambda,
  };
  const each = <R>(items: Release[], fn: (release: Release) => Promise<R>) =>
    mapConcurrent(items, plan.concurrency, fn);
  try {
    const releases = await logger.group('Preflight', () =>
      mapConcurrent(functionDeploys(plan), plan.concurrency, async (deploy): Promise<Release> => {
        const state = await preflight(aws, deploy, logger, signal);
        const entry = entryOf(record, deploy);
        if (state.functionArn !== undefined) entry.function.arn = state.functionArn;
        if (state.previous) entry.previous = state.previous;
        return { deploy, entry, state };
      }),
    );

    // Before anything changes: can each function's schedule reach a verdict? (Refused here under fail.)
    const evidence: EvidenceCheck =
      plan.strategy === 'alias-weights' && plan.steps.length > 0
        ? await logger.group('Evidence', () =>
            checkEvidence(
              aws.cloudwatch,
              releases.filter((release) => release.state.alias).map((release) => release.deploy),
              (clock ?? systemClock).now(),
              logger,
              signal,
            ),
          )
        : { plans: new Map() };

    if (plan.dryRun) {
      const forecasts = await each(releases, (release) =>
        forecastVersion(aws.lambda, release.deploy, release.state),
      );
      const planLines = releases.flatMap((release, index) => {
        const forecast = forecasts[index];
        const expected = evidence.plans.get(release.deploy.functionName);
        return forecast ? formatPlan(release.deploy, release.state, forecast, expected) : [];
      });
      await logger.group('Plan (dry run)', async () => planLines.forEach((line) => logger.info(line)));
      if (evidence.refusal) throw new UserError(evidence.refusal);
      const status = forecasts.every((forecast) => forecast.kind === 'unchanged') ? 'no-op' : 'planned';
      await writer.finish(status);
      return deployResult(record, planLines);
    }

    if (evidence.refusal) throw new UserError(evidence.refusal);
    const published = await logger.group('Publish', () =>
      publishRelease(aws.lambda, releases, plan.concurrency, logger, signal),
    );
    const moving: Moving[] = [];
    for (const { item: release, outcome } of published) {
      if (outcome.kind === 'published') {
        moving.push({ ...release, target: outcome.target.version, published: outcome.target });
      } else if (releases.length > 1) {
        logger.info(
          `no-op for ${release.deploy.functionName}: its code (CodeSha256 ${outcome.codeSha256}) and configuration are what version ${release.state.previous?.version} already runs`,
        );
      }
    }
    if (moving.length === 0) {
      if (releases.length === 1) {
        const [only] = releases;
        logger.info(
          `no-op: the code (CodeSha256 ${only?.state.previous?.codeSha256}) is what version ${only?.state.previous?.version} already runs`,
        );
      }
      await writer.finish('no-op');
      return deployResult(record);
    }
    await writer.update((r) => {
      for (const release of moving) entryOf(r, release.deploy).target = release.published;
      r.status = 'in-progress';
    });

    const preTrafficCheck = plan.preTrafficCheck;
    if (preTrafficCheck) {
      await logger.group('Pre-traffic check', async () => {
        for (const release of moving) {
          await runPreTrafficCheck(
            aws.lambda,
            release.deploy,
            { target: release.target, previous: release.state.previous?.version },
            preTrafficCheck,
            logger,
            signal,
          );
        }
      });
    }

    const status = await logger.group('Traffic', () =>
      shiftTraffic(aws, plan, moving, writer, logger, signal, clock),
    );
    if (status === 'promoted') await writer.finish('promoted');
    return deployResult(record);
  } catch (error) {
    if (!record.finishedAt) await writer.finish('failed', errorMessage(error));
    throw error;
  }
}

/** A published function whose alias is to move to `target`. */
interface Moving extends Release {
  target: string;
  published: VersionRef;
}

/** The record's entry of a function of the plan (initialRecord wrote one per function). */
function entryOf(record: DeploymentRecord, deploy: FunctionDeploy): FunctionRelease {
  const entry = record.functions.find(
    (released) => released.function.name === deploy.functionName && released.alias === deploy.alias,
  );
  if (!entry) throw new Error(`the record has no entry for ${deploy.functionName}:${deploy.alias}`);
  return entry;
}

async function shiftTraffic(
  clients: DeployClients,
  plan: DeployPlan,
  moving: Moving[],
  writer: RecordWriter,
  logger: Logger,
  signal?: AbortSignal,
  clock?: RolloutClock,
): Promise<'promoted' | 'in-progress'> {
  const withAlias = moving.flatMap((release) =>
    release.state.alias ? [{ ...release, alias: release.state.alias }] : [],
  );
  const status =
    withAlias.length === 0
      ? 'promoted'
      : await moveAliases(clients, plan, withAlias, writer, logger, signal, clock);
  // First releases get their alias once every other function of the release is promoted with them.
  for (const release of moving) {
    if (release.state.alias) continue;
    await createAliasOn(
      clients.lambda,
      release.deploy.functionName,
      release.deploy.alias,
      release.target,
      `created by deploy-canary for ${plan.release.tag ?? 'the first release'}`,
    );
    logger.info(`first release: created alias ${release.deploy.alias} on version ${release.target}`);
  }
  return status;
}

async function moveAliases(
  clients: DeployClients,
  plan: DeployPlan,
  moving: Array<Moving & { alias: AliasState }>,
  writer: RecordWriter,
  logger: Logger,
  signal?: AbortSignal,
  clock?: RolloutClock,
): Promise<'promoted' | 'in-progress'> {
  const [only, ...others] = moving;
  if (plan.strategy === 'codedeploy') {
    return codeDeployRollouts(clients, moving, writer, logger, signal);
  }
  if (plan.steps.length === 0) {
    if (plan.skipCanary)
      logger.warning(`skipping the canary: "${plan.skipCanary.reason}" (by ${plan.skipCanary.by})`);
    if (only && others.length === 0) {
      await moveAllTraffic(clients.lambda, only.deploy.functionName, only.alias, only.target);
      logger.info(`moved all of ${only.deploy.alias} to version ${only.target} at once`);
      return 'promoted';
    }
  }
  await aliasWeightsRollout(
    clients,
    plan,
    moving.map((release) => ({
      deploy: release.deploy,
      alias: release.alias,
      previous: release.alias.version,
      target: release.target,
    })),
    writer,
    logger,
    signal,
    clock,
  );
  return 'promoted';
}

/** For a dry run: whether the code is unchanged (when that can be known without uploading) and the next number. */
async function forecastVersion(
  lambda: LambdaClient,
  plan: FunctionDeploy,
  state: CurrentState,
): Promise<VersionForecast> {
  const previousSha = state.previous?.codeSha256;
  const knownSha =
    plan.source.kind === 'zip'
      ? plan.source.codeSha256
      : plan.source.kind === 'latest'
        ? state.latest.CodeSha256
        : undefined;
  if (!plan.configuration && knownSha !== undefined && knownSha === previousSha)
    return { kind: 'unchanged', codeSha256: knownSha };
  const versions = await listPublishedVersions(lambda, plan.functionName);
  const highest = Math.max(0, ...versions.map((v) => Number(v.Version)));
  return { kind: 'new', expectedVersion: String(highest + 1), codeSha256: knownSha };
}
