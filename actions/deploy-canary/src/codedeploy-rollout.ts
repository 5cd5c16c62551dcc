import {
  CreateDeploymentCommand,
  GetDeploymentCommand,
  StopDeploymentCommand,
  type CodeDeployClient,
  type DeploymentInfo,
} from '@aws-sdk/client-codedeploy';
import type { LambdaClient } from '@aws-sdk/client-lambda';
import {
  type AliasState,
  awsErrorName,
  CancelledError,
  describeAlias,
  errorMessage,
  type Logger,
  type FunctionRelease,
  type RecordWriter,
  readAlias,
  UserError,
  waitFor,
  withContext,
  compact,
} from '@lambda-release-kit/core';
import { appSpecRevision, buildAppSpec } from './appspec.js';
import type { CodeDeployPlan } from './plan.js';
import { assertSameAlias } from './preflight.js';

export interface CodeDeployClients {
  lambda: LambdaClient;
  codedeploy: CodeDeployClient;
}

const TERMINAL = new Set(['Succeeded', 'Failed', 'Stopped']);

/**
 * Hands the traffic shift to CodeDeploy: CreateDeployment with the AppSpec (CurrentVersion = what the alias
 * serves, re-checked just before), then polls with backoff, logging each change of status and of the alias's
 * traffic split. Returns 'promoted' on success, or 'in-progress' when `wait` is false. A failed or stopped
 * deployment throws with CodeDeploy's error information; cancellation stops it with automatic rollback.
 */
export async function codeDeployRollout(
  clients: CodeDeployClients,
  plan: CodeDeployPlan,
  from: AliasState,
  target: string,
  entry: FunctionRelease,
  writer: RecordWriter,
  logger: Logger,
  signal?: AbortSignal,
): Promise<'promoted' | 'in-progress'> {
  const settings = plan.codedeploy;
  const fn = plan.functionName;
  assertSameAlias(from, await readAlias(clients.lambda, fn, plan.alias));
  const content = buildAppSpec({
    functionName: fn,
    alias: plan.alias,
    currentVersion: from.version,
    targetVersion: target,
    beforeTrafficHook: settings.beforeTrafficHook,
    afterTrafficHook: settings.afterTrafficHook,
  });
  const created = await withContext(
    `creating a CodeDeploy deployment in ${settings.application}/${settings.deploymentGroup}`,
    () =>
      clients.codedeploy.send(
        new CreateDeploymentCommand({
          applicationName: settings.application,
          deploymentGroupName: settings.deploymentGroup,
          deploymentConfigName: settings.deploymentConfig,
          revision: appSpecRevision(content),
          description:
            `${fn}:${plan.alias} ${from.version} -> ${target}${plan.release.tag ? ` (${plan.release.tag})` : ''}`.slice(
              0,
              100,
            ),
        }),
      ),
  );
  const deploymentId = created.deploymentId;
  if (!deploymentId) throw new Error(`CodeDeploy's CreateDeployment answered no deployment id for ${fn}`);
  await writer.update(() => {
    const { application, deploymentGroup, deploymentConfig } = settings;
    entry.codedeploy = { application, deploymentGroup, deploymentConfig, deploymentId };
  });
  logger.info(
    `CodeDeploy deployment ${deploymentId} created (${settings.deploymentConfig}): version ${from.version} -> ${target}`,
  );
  if (!plan.wait) return 'in-progress';

  let info: DeploymentInfo | undefined;
  let lastSeen: string | undefined;
  try {
    info = await waitFor<DeploymentInfo>({
      what: `CodeDeploy deployment ${deploymentId}`,
      timeoutMs: plan.timeoutMs,
      initialDelayMs: 500,
      maxDelayMs: 10_000,
      ...(signal ? { signal } : {}),
      check: async () => {
        const result = await clients.codedeploy.send(new GetDeploymentCommand({ deploymentId }));
        const status = result.deploymentInfo?.status ?? 'Unknown';
        const alias = await readAlias(clients.lambda, fn, plan.alias);
        const seen = `${status}, ${alias ? describeAlias(alias) : 'alias missing'}`;
        // Every change of status or traffic split is logged, the final one included.
        if (seen !== lastSeen) logger.info(`CodeDeploy deployment ${deploymentId}: ${seen}`);
        lastSeen = seen;
        return compact({ done: TERMINAL.has(status), value: result.deploymentInfo, status: seen });
      },
    });
  } catch (error) {
    if (error instanceof CancelledError || signal?.aborted) {
      await stopDeployment(
        clients.codedeploy,
        deploymentId,
        `cancelled (${String(signal?.reason ?? errorMessage(error))})`,
        { previous: from.version, target, functionName: fn },
        writer,
        logger,
      );
    }
    throw error;
  }
  if (info?.status === 'Succeeded') {
    logger.info(`CodeDeploy deployment ${deploymentId} succeeded: ${plan.alias} serves version ${target}`);
    return 'promoted';
  }
  const detail = [
    info?.errorInformation ? `${info.errorInformation.code}: ${info.errorInformation.message}` : undefined,
    info?.rollbackInfo?.rollbackMessage,
  ]
    .filter(Boolean)
    .join('; ');
  const alias = await readAlias(clients.lambda, fn, plan.alias);
  const back = alias?.version === from.version && Object.keys(alias.weights).length === 0;
  // Rolled back only when CodeDeploy ran a rollback deployment; a deployment that failed before shifting traffic
  // (a BeforeAllowTraffic hook) left the alias where it was, which is a failure, not a rollback.
  const rolledBack = back && info?.rollbackInfo?.rollbackDeploymentId !== undefined;
  const failure = `CodeDeploy deployment ${deploymentId} ${info?.status}: ${detail || 'no error information'}`;
  if (rolledBack) {
    await writer.update((record) =>
      record.rollbacks.push({
        at: new Date().toISOString(),
        from: target,
        to: from.version,
        method: 'codedeploy-auto',
        reason: failure,
        by: 'codedeploy',
        function: fn,
      }),
    );
  }
  await writer.finish(rolledBack ? 'rolled-back' : 'failed', failure);
  throw new UserError(
    back
      ? `${failure}; ${plan.alias} ${rolledBack ? 'is back' : 'stayed'} on version ${from.version}`
      : `${failure}; ${plan.alias} serves ${alias ? describeAlias(alias) : 'nothing'}: run rollback-on-failure`,
  );
}

/** Cancellation: StopDeployment with automatic rollback (no signal: this is the cleanup). */
async function stopDeployment(
  codedeploy: CodeDeployClient,
  deploymentId: string,
  reason: string,
  versions: { previous: string; target: string; functionName: string },
  writer: RecordWriter,
  logger: Logger,
): Promise<void> {
  const started = Date.now();
  logger.warning(`stopping CodeDeploy deployment ${deploymentId} with automatic rollback: ${reason}`);
  try {
    await codedeploy.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }));
  } catch (error) {
    if (awsErrorName(error) === 'DeploymentAlreadyCompletedException') {
      logger.warning(
        `CodeDeploy deployment ${deploymentId} had already completed; run rollback-on-failure to undo it`,
      );
      await writer.finish('failed', `${reason}; the deployment had already completed`);
      return;
    }
    await writer.finish('failed', `${reason}; stopping ${deploymentId} failed: ${errorMessage(error)}`);
    throw new Error(`stopping CodeDeploy deployment ${deploymentId} failed: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  await writer.update((record) =>
    record.rollbacks.push({
      at: new Date(started).toISOString(),
      from: versions.target,
      to: versions.previous,
      method: 'codedeploy-stop',
      reason,
      by: 'deploy-canary',
      durationMs: Date.now() - started,
      function: versions.functionName,
    }),
  );
  await writer.finish('rolled-back', reason);
}
