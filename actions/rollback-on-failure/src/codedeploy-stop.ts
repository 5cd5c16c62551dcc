import {
  GetDeploymentCommand,
  ListDeploymentsCommand,
  StopDeploymentCommand,
  type CodeDeployClient,
  type DeploymentInfo,
  type DeploymentStatus,
} from '@aws-sdk/client-codedeploy';
import { awsErrorName, errorMessage, waitFor, withContext, type Logger } from '@lambda-release-kit/core';
import type { Call } from './rollback.js';

// Loaded with import() only when a CodeDeploy deployment may be involved, so the plain alias path never pays for it.

const ACTIVE: DeploymentStatus[] = ['Created', 'Queued', 'InProgress', 'Baking', 'Ready'];
const FINISHED = new Set<string>(['Succeeded', 'Failed', 'Stopped']);

export function isActive(status: string | undefined): boolean {
  return status !== undefined && (ACTIVE as string[]).includes(status);
}

/** The group's deployment that is still running, if any (CodeDeploy runs one at a time per group). */
export async function findActiveDeployment(
  client: CodeDeployClient,
  group: { application: string; deploymentGroup: string },
): Promise<string | undefined> {
  return withContext(
    `listing in-progress deployments of CodeDeploy group ${group.application}/${group.deploymentGroup}`,
    async () => {
      const result = await client.send(
        new ListDeploymentsCommand({
          applicationName: group.application,
          deploymentGroupName: group.deploymentGroup,
          includeOnlyStatuses: ACTIVE,
        }),
      );
      return result.deployments?.[0];
    },
  );
}

export async function getDeployment(client: CodeDeployClient, deploymentId: string): Promise<DeploymentInfo> {
  return withContext(`reading CodeDeploy deployment ${deploymentId}`, async () => {
    const result = await client.send(new GetDeploymentCommand({ deploymentId }));
    return result.deploymentInfo ?? {};
  });
}

/** The Lambda version a deployment shifts traffic to, read from its AppSpec (YAML or JSON) when it carries one. */
export function appSpecTargetVersion(info: DeploymentInfo): string | undefined {
  const content = info.revision?.appSpecContent?.content;
  return content?.match(/["']?TargetVersion["']?\s*:\s*["']?(\d+)/)?.[1];
}

export type StopOutcome =
  | { stopped: true; info: DeploymentInfo; rollbackDeploymentId?: string | undefined }
  | { stopped: false; message: string };

/**
 * Stops a deployment with autoRollbackEnabled and waits until it has finished and CodeDeploy's rollback
 * deployment (which points the alias back at the original version) has finished too. A deployment that already
 * completed is reported, not thrown: the caller then fixes the alias itself.
 */
export async function stopWithRollback(
  client: CodeDeployClient,
  deploymentId: string,
  options: { timeoutMs: number; signal?: AbortSignal | undefined; logger: Logger; call: Call },
): Promise<StopOutcome> {
  try {
    const result = await options.call(`StopDeployment ${deploymentId}`, (abortSignal) =>
      client.send(new StopDeploymentCommand({ deploymentId, autoRollbackEnabled: true }), { abortSignal }),
    );
    options.logger.info(
      `StopDeployment ${deploymentId}: ${result.status ?? 'accepted'}${result.statusMessage ? ` (${result.statusMessage})` : ''}`,
    );
  } catch (error) {
    if (awsErrorName(error) === 'DeploymentAlreadyCompletedException') {
      return { stopped: false, message: `CodeDeploy deployment ${deploymentId} had already completed` };
    }
    throw new Error(`stopping CodeDeploy deployment ${deploymentId} failed: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  const finished = await waitUntilFinished(client, deploymentId, options);
  const rollbackId = finished.rollbackInfo?.rollbackDeploymentId;
  if (rollbackId) await waitUntilFinished(client, rollbackId, options);
  return { stopped: true, info: finished, rollbackDeploymentId: rollbackId };
}

async function waitUntilFinished(
  client: CodeDeployClient,
  deploymentId: string,
  options: { timeoutMs: number; signal?: AbortSignal | undefined; logger: Logger; call: Call },
): Promise<DeploymentInfo> {
  const info = await waitFor<DeploymentInfo>({
    what: `CodeDeploy deployment ${deploymentId} to finish`,
    timeoutMs: options.timeoutMs,
    signal: options.signal,
    initialDelayMs: 250,
    maxDelayMs: 3_000,
    onProgress: (line) => options.logger.info(line),
    check: async () => {
      const current = await options.call(`reading CodeDeploy deployment ${deploymentId}`, () =>
        getDeployment(client, deploymentId),
      );
      const done = FINISHED.has(current.status ?? '');
      return current.status ? { done, value: current, status: current.status } : { done, value: current };
    },
  });
  return info ?? {};
}
