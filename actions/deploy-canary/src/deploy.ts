import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { CodeDeployClient } from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  createRecord,
  singleFunction,
  type DeploymentRecord,
  errorMessage,
  type FunctionRelease,
  listPublishedVersions,
  type Logger,
  type RecordStatus,
  type RecordWriter,
} from '@lambda-release-kit/core';
import { createAliasOn, moveAllTraffic } from './alias-moves.js';
import { aliasWeightsRollout } from './alias-rollout.js';
import type { RolloutClock } from './rollout-clock.js';
import { codeDeployRollout } from './codedeploy-rollout.js';
import { ACTION_NAME } from './constants.js';
import type { DeployPlan } from './plan.js';
import { formatPlan, type VersionForecast } from './plan-printer.js';
import { runPreTrafficCheck } from './pre-traffic-check.js';
import { preflight, type CurrentState } from './preflight.js';
import { publishNewVersion } from './publish.js';

export interface DeployClients {
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  codedeploy: CodeDeployClient;
}

/** 'in-progress' only when a CodeDeploy deployment was started with `wait: false`. */
export type DeployStatus = RecordStatus;

/** What a deploy did, as its outputs and summary report it; a failed deploy has one too, from its record. */
export interface DeployResult {
  status: DeployStatus;
  previousVersion?: string;
  /** The version published; on a no-op the version that already runs the code. */
  newVersion?: string;
  deploymentId?: string;
  /** The dry run's plan, one line each. */
  planLines?: string[];
  record: DeploymentRecord;
  /** The record's entry of the released function. */
  released: FunctionRelease;
}

/** The result of a deploy whose record is `record` (finished, or as far as a failed deploy got). */
export function deployResult(record: DeploymentRecord, planLines?: string[]): DeployResult {
  const released = singleFunction(record, ACTION_NAME);
  return {
    status: record.status,
    previousVersion: released.previous?.version,
    newVersion:
      released.target?.version ?? (record.status === 'no-op' ? released.previous?.version : undefined),
    deploymentId: released.codedeploy?.deploymentId,
    planLines,
    record,
    released,
  };
}

/** The record a deploy starts with (status planned), before anything is read. */
export function initialRecord(plan: DeployPlan, region?: string, now: Date = new Date()): DeploymentRecord {
  return createRecord(
    {
      functions: [
        {
          function: { name: plan.functionName },
          alias: plan.alias,
          ...(plan.codedeploy
            ? {
                codedeploy: {
                  application: plan.codedeploy.application,
                  deploymentGroup: plan.codedeploy.deploymentGroup,
                  deploymentConfig: plan.codedeploy.deploymentConfig,
                },
              }
            : {}),
        },
      ],
      region,
      strategy: plan.strategy,
      release: plan.release,
      ...(plan.skipCanary ? { skipCanary: plan.skipCanary } : {}),
    },
    now,
  );
}

/**
 * The whole deploy: read-only preflight, then (unless dry-run) publish, the record written, the pre-traffic
 * check, and the traffic shift by the chosen strategy. The record is persisted before the first traffic change
 * and after each step; on any failure it is finished as failed (or rolled-back by the rollout) before the error
 * is re-thrown.
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
  const released = singleFunction(record, 'deploy-canary');
  try {
    const state = await logger.group('Preflight', () => preflight(clients, plan, logger, signal));
    released.function.arn = state.functionArn;
    released.previous = state.previous;
    const previousVersion = state.previous?.version;

    if (plan.dryRun) {
      const forecast = await forecastVersion(clients.lambda, plan, state);
      const planLines = formatPlan(plan, state, forecast);
      await logger.group('Plan (dry run)', async () => planLines.forEach((line) => logger.info(line)));
      const status = forecast.kind === 'unchanged' ? 'no-op' : 'planned';
      await writer.finish(status);
      return deployResult(record, planLines);
    }

    const published = await logger.group('Publish', () =>
      publishNewVersion(clients.lambda, plan, state, logger, signal),
    );
    if (published.kind === 'unchanged') {
      logger.info(
        `no-op: the code (CodeSha256 ${published.codeSha256}) is what version ${previousVersion} already runs`,
      );
      await writer.finish('no-op');
      return deployResult(record);
    }
    const target = published.target.version;
    await writer.update((r) => {
      singleFunction(r, 'deploy-canary').target = published.target;
      r.status = 'in-progress';
    });

    const preTrafficCheck = plan.preTrafficCheck;
    if (preTrafficCheck) {
      await logger.group('Pre-traffic check', () =>
        runPreTrafficCheck(
          clients.lambda,
          plan,
          { target, previous: previousVersion },
          preTrafficCheck,
          logger,
          signal,
        ),
      );
    }

    const status = await logger.group('Traffic', () =>
      shiftTraffic(clients, plan, state, target, writer, logger, signal, clock),
    );
    if (status === 'promoted') await writer.finish('promoted');
    return deployResult(record);
  } catch (error) {
    if (!record.finishedAt) await writer.finish('failed', errorMessage(error));
    throw error;
  }
}

async function shiftTraffic(
  clients: DeployClients,
  plan: DeployPlan,
  state: CurrentState,
  target: string,
  writer: RecordWriter,
  logger: Logger,
  signal?: AbortSignal,
  clock?: RolloutClock,
): Promise<'promoted' | 'in-progress'> {
  const alias = state.alias;
  if (!alias) {
    await createAliasOn(
      clients.lambda,
      plan.functionName,
      plan.alias,
      target,
      `created by deploy-canary for ${plan.release.tag ?? 'the first release'}`,
    );
    logger.info(`first release: created alias ${plan.alias} on version ${target}`);
    return 'promoted';
  }
  if (plan.strategy === 'codedeploy') {
    return codeDeployRollout(clients, plan, alias, target, writer, logger, signal);
  }
  if (plan.steps.length === 0) {
    if (plan.skipCanary)
      logger.warning(`skipping the canary: "${plan.skipCanary.reason}" (by ${plan.skipCanary.by})`);
    await moveAllTraffic(clients.lambda, plan.functionName, alias, target);
    logger.info(`moved all of ${plan.alias} to version ${target} at once`);
    return 'promoted';
  }
  await aliasWeightsRollout(clients, plan, alias, target, writer, logger, signal, clock);
  return 'promoted';
}

/** For a dry run: whether the code is unchanged (when that can be known without uploading) and the next number. */
async function forecastVersion(
  lambda: LambdaClient,
  plan: DeployPlan,
  state: CurrentState,
): Promise<VersionForecast> {
  const previousSha = state.previous?.codeSha256;
  const knownSha =
    plan.source.kind === 'zip'
      ? plan.source.codeSha256
      : plan.source.kind === 'latest'
        ? state.latest.CodeSha256
        : undefined;
  if (knownSha !== undefined && knownSha === previousSha) return { kind: 'unchanged', codeSha256: knownSha };
  const versions = await listPublishedVersions(lambda, plan.functionName);
  const highest = Math.max(0, ...versions.map((v) => Number(v.Version)));
  return { kind: 'new', expectedVersion: String(highest + 1), codeSha256: knownSha };
}
