import {
  GetDeploymentConfigCommand,
  GetDeploymentGroupCommand,
  ListDeploymentsCommand,
  type CodeDeployClient,
} from '@aws-sdk/client-codedeploy';
import { GetFunctionCommand, type FunctionConfiguration, type LambdaClient } from '@aws-sdk/client-lambda';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import {
  type AliasState,
  awsErrorName,
  describeAlias,
  findS3Location,
  getFunctionConfiguration,
  type Logger,
  readAlias,
  UserError,
  type VersionRef,
  waitForFunctionUpdated,
  withContext,
  compact,
} from '@lambda-release-kit/core';
import { configurationRef } from './configuration.js';
import { readAlarms } from './metrics.js';
import type { CodeDeploySettings, FunctionDeploy } from './plan.js';

/** What the deploy starts from, read without changing anything. */
export interface CurrentState {
  functionArn?: string | undefined;
  /** $LATEST as read last (its RevisionId guards the code update). */
  latest: FunctionConfiguration;
  /** The alias as read; undefined on a first release. */
  alias?: AliasState | undefined;
  /** The version the alias serves now, with what rollback needs. */
  previous?: VersionRef | undefined;
}

export interface PreflightClients {
  lambda: LambdaClient;
  cloudwatch: CloudWatchClient;
  codedeploy: CodeDeployClient;
}

/** Deployments in these states still own the deployment group's alias. */
const ACTIVE_DEPLOYMENT_STATUSES = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'] as const;

/**
 * Every check that can fail before anything changes, each failure saying what to do. Read-only: this is
 * also all that a dry run does against AWS.
 */
export async function preflight(
  clients: PreflightClients,
  plan: FunctionDeploy,
  logger: Logger,
  signal?: AbortSignal,
): Promise<CurrentState> {
  const { lambda } = clients;
  const fn = plan.functionName;
  const latest = await withContext(`reading function ${fn}`, () =>
    readReadyFunction(lambda, plan, logger, signal),
  );

  // First: a running CodeDeploy deployment explains an alias with weights better than the weights do.
  if (plan.codedeploy) await checkCodeDeploy(clients, plan.codedeploy);
  const alias = await withContext(`reading alias ${plan.alias} of ${fn}`, () =>
    readAlias(lambda, fn, plan.alias),
  );
  let previous: VersionRef | undefined;
  if (!alias) {
    logger.info(
      `alias ${plan.alias} does not exist yet: this is the first release, the alias will be created on the new version`,
    );
  } else {
    checkAlias(alias, plan);
    previous = await withContext(`reading version ${alias.version} of ${fn}`, () =>
      readVersion(lambda, fn, alias),
    );
    logger.info(`alias ${plan.alias} serves ${describeAlias(alias)} (CodeSha256 ${previous.codeSha256})`);
  }

  if (plan.alarms.length > 0) {
    const found = await withContext('reading the CloudWatch alarms', () =>
      readAlarms(clients.cloudwatch, plan.alarms, signal),
    );
    const missing = plan.alarms.filter((name) => !found.some((alarm) => alarm.name === name));
    if (missing.length > 0) {
      throw new UserError(
        `alarm ${missing.join(', ')} does not exist in this account and region: fix the 'alarms' input or create the alarm`,
      );
    }
  }
  return { functionArn: latest.FunctionArn, latest, alias, previous };
}

async function readReadyFunction(
  lambda: LambdaClient,
  plan: FunctionDeploy,
  logger: Logger,
  signal?: AbortSignal,
): Promise<FunctionConfiguration> {
  const fn = plan.functionName;
  let config = await getFunctionConfiguration(lambda, fn);
  if (!config) {
    throw new UserError(
      `function ${fn} does not exist in this account and region: create it first (deploy-canary publishes new versions of an existing function), or fix 'function-name' / 'region'`,
    );
  }
  if (config.State === 'Pending' || config.LastUpdateStatus === 'InProgress') {
    config = await waitForFunctionUpdated(
      lambda,
      fn,
      compact({ timeoutMs: 5 * 60_000, signal, onProgress: (line: string) => logger.info(line) }),
    );
  }
  if (config.State !== 'Active') {
    const why = config.StateReason ? ` (${config.StateReasonCode ?? ''}: ${config.StateReason})` : '';
    throw new UserError(
      `function ${fn} is ${config.State}${why}, not Active: fix the function (see its StateReason in the Lambda console) before deploying`,
    );
  }
  if (config.LastUpdateStatus === 'Failed') {
    throw new UserError(
      `the last update of ${fn} failed (${config.LastUpdateStatusReasonCode}: ${config.LastUpdateStatusReason}): fix it before deploying`,
    );
  }
  const packageType = config.PackageType ?? 'Zip';
  if (plan.source.kind === 'image' && packageType !== 'Image') {
    throw new UserError(
      `function ${fn} is a ${packageType} function, so 'image-uri' cannot be deployed to it: use 'zip-file' or 's3-bucket'`,
    );
  }
  if ((plan.source.kind === 'zip' || plan.source.kind === 's3') && packageType === 'Image') {
    throw new UserError(`function ${fn} runs a container image, so it takes 'image-uri', not a .zip package`);
  }
  return config;
}

function checkAlias(alias: AliasState, plan: FunctionDeploy): void {
  const fn = plan.functionName;
  if (alias.version === '$LATEST') {
    throw new UserError(
      `alias ${plan.alias} of ${fn} points at $LATEST, which cannot be canaried or rolled back: point it at a published version first ` +
        `(aws lambda update-alias --function-name ${fn} --name ${plan.alias} --function-version <N>)`,
    );
  }
  const extra = Object.keys(alias.weights);
  if (extra.length > 0) {
    throw new UserError(
      `alias ${plan.alias} of ${fn} routes ${describeAlias(alias)} from an unfinished deploy: run rollback-on-failure, ` +
        `or settle it on one version (aws lambda update-alias --function-name ${fn} --name ${plan.alias} ` +
        `--function-version ${alias.version} --routing-config AdditionalVersionWeights={}) and deploy again`,
    );
  }
}

async function readVersion(lambda: LambdaClient, fn: string, alias: AliasState): Promise<VersionRef> {
  const result = await lambda.send(new GetFunctionCommand({ FunctionName: fn, Qualifier: alias.version }));
  return compact({
    version: alias.version,
    codeSha256: result.Configuration?.CodeSha256,
    imageUri: result.Code?.ImageUri,
    s3: findS3Location(result.Configuration?.Description),
    aliasRevisionId: alias.revisionId,
    configuration: result.Configuration && configurationRef(result.Configuration),
  });
}

async function checkCodeDeploy(clients: PreflightClients, settings: CodeDeploySettings): Promise<void> {
  const { application, deploymentGroup } = settings;
  const group = await withContext(
    `reading CodeDeploy deployment group ${application}/${deploymentGroup}`,
    () =>
      clients.codedeploy
        .send(
          new GetDeploymentGroupCommand({
            applicationName: application,
            deploymentGroupName: deploymentGroup,
          }),
        )
        .catch((error: unknown) => {
          const name = awsErrorName(error);
          if (name === 'ApplicationDoesNotExistException') {
            throw new UserError(
              `CodeDeploy application ${application} does not exist: fix 'codedeploy-application' or create it (compute platform Lambda)`,
            );
          }
          if (name === 'DeploymentGroupDoesNotExistException') {
            throw new UserError(
              `CodeDeploy deployment group ${deploymentGroup} does not exist in application ${application}: fix 'codedeploy-deployment-group' or create it`,
            );
          }
          throw error;
        }),
  );
  const platform = group.deploymentGroupInfo?.computePlatform;
  if (platform && platform !== 'Lambda') {
    throw new UserError(
      `CodeDeploy deployment group ${deploymentGroup} deploys to ${platform}, not Lambda: use a group of a Lambda application`,
    );
  }
  const active = await withContext(`listing deployments of ${application}/${deploymentGroup}`, () =>
    clients.codedeploy.send(
      new ListDeploymentsCommand({
        applicationName: application,
        deploymentGroupName: deploymentGroup,
        includeOnlyStatuses: [...ACTIVE_DEPLOYMENT_STATUSES],
      }),
    ),
  );
  const running = active.deployments ?? [];
  if (running.length > 0) {
    throw new UserError(
      `CodeDeploy deployment ${running.join(', ')} is still in progress for ${application}/${deploymentGroup}: wait for it to finish ` +
        `or stop it (aws deploy stop-deployment --deployment-id ${running[0]} --auto-rollback-enabled), then deploy again`,
    );
  }
  if (!settings.deploymentConfig.startsWith('CodeDeployDefault.')) {
    await withContext(`reading CodeDeploy deployment config ${settings.deploymentConfig}`, () =>
      clients.codedeploy
        .send(new GetDeploymentConfigCommand({ deploymentConfigName: settings.deploymentConfig }))
        .catch((error: unknown) => {
          if (awsErrorName(error) === 'DeploymentConfigDoesNotExistException') {
            throw new UserError(
              `CodeDeploy deployment config ${settings.deploymentConfig} does not exist: fix 'deployment-config' or create it`,
            );
          }
          throw error;
        }),
    );
  }
  for (const hook of [settings.beforeTrafficHook, settings.afterTrafficHook]) {
    if (hook && !(await getFunctionConfiguration(clients.lambda, hook))) {
      throw new UserError(
        `hook function ${hook} does not exist: fix 'before-traffic-hook' / 'after-traffic-hook' or deploy the hook first`,
      );
    }
  }
}

/**
 * CodeDeploy is told CurrentVersion = the version read in preflight. If the alias moved since (another deploy),
 * the AppSpec would be wrong, so stop before creating the deployment.
 */
export function assertSameAlias(expected: AliasState, now: AliasState | undefined): void {
  if (!now || now.version !== expected.version || Object.keys(now.weights).length > 0) {
    throw new UserError(
      `alias ${expected.name} changed during the deploy (it was on version ${expected.version}, now ${now ? describeAlias(now) : 'gone'}): ` +
        'another deploy may be running; run this again when it has finished',
    );
  }
}
