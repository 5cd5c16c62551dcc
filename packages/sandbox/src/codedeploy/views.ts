import { epochSeconds } from '../cloudwatch/json-rpc.js';
import type { DeploymentConfig } from './configs.js';
import type { Application, Deployment, DeploymentGroup, DeploymentSummary } from './model.js';

/** The JSON shapes CodeDeploy returns (timestamps as epoch seconds). */

const time = (ms: number | undefined) => (ms === undefined ? undefined : epochSeconds(ms));

export function applicationView(app: Application): unknown {
  return {
    applicationId: app.applicationId,
    applicationName: app.applicationName,
    computePlatform: app.computePlatform,
    createTime: time(app.createTime),
    linkedToGitHub: false,
  };
}

function summaryView(summary: DeploymentSummary | undefined): unknown {
  if (!summary) return undefined;
  return { ...summary, endTime: time(summary.endTime), createTime: time(summary.createTime) };
}

export function deploymentGroupView(group: DeploymentGroup): unknown {
  return {
    applicationName: group.applicationName,
    deploymentGroupId: group.deploymentGroupId,
    deploymentGroupName: group.deploymentGroupName,
    deploymentConfigName: group.deploymentConfigName,
    serviceRoleArn: group.serviceRoleArn,
    alarmConfiguration: group.alarmConfiguration,
    autoRollbackConfiguration: group.autoRollbackConfiguration,
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    computePlatform: 'Lambda',
    lastAttemptedDeployment: summaryView(group.lastAttemptedDeployment),
    lastSuccessfulDeployment: summaryView(group.lastSuccessfulDeployment),
  };
}

export function deploymentConfigView(config: DeploymentConfig): unknown {
  return {
    deploymentConfigId: config.deploymentConfigId,
    deploymentConfigName: config.deploymentConfigName,
    computePlatform: config.computePlatform,
    trafficRoutingConfig: config.trafficRoutingConfig,
    createTime: time(config.createTime),
  };
}

/** A Lambda deployment has one target, the alias; the overview counts it by status. */
function overview(d: Deployment): Record<string, number> {
  const counts = { Pending: 0, InProgress: 0, Succeeded: 0, Failed: 0, Skipped: 0, Ready: 0 };
  if (d.status === 'Created') counts.Pending = 1;
  else if (d.status === 'InProgress') counts.InProgress = 1;
  else if (d.status === 'Succeeded') counts.Succeeded = 1;
  else counts.Failed = 1;
  return counts;
}

export function deploymentView(d: Deployment): unknown {
  return {
    applicationName: d.applicationName,
    deploymentGroupName: d.deploymentGroupName,
    deploymentConfigName: d.deploymentConfigName,
    deploymentId: d.deploymentId,
    revision: d.revision,
    status: d.status,
    errorInformation: d.errorInformation,
    createTime: time(d.createTime),
    startTime: time(d.startTime),
    completeTime: time(d.completeTime),
    deploymentOverview: overview(d),
    description: d.description,
    creator: d.creator,
    ignoreApplicationStopFailures: false,
    autoRollbackConfiguration: d.autoRollbackConfiguration,
    updateOutdatedInstancesOnly: false,
    rollbackInfo: d.rollbackInfo,
    deploymentStyle: { deploymentType: 'BLUE_GREEN', deploymentOption: 'WITH_TRAFFIC_CONTROL' },
    computePlatform: 'Lambda',
    deploymentStatusMessages: [],
  };
}

export function targetId(d: Deployment): string | undefined {
  return d.spec ? `${d.spec.functionName}:${d.spec.alias}` : undefined;
}

export function deploymentTargetView(d: Deployment, accountId: string, region: string): unknown {
  const spec = d.spec;
  if (!spec) return undefined;
  const targetStatus = d.status === 'Created' ? 'Pending' : d.status === 'Stopped' ? 'Failed' : d.status;
  return {
    deploymentTargetType: 'LambdaTarget',
    lambdaTarget: {
      deploymentId: d.deploymentId,
      targetId: targetId(d),
      targetArn: `arn:aws:lambda:${region}:${accountId}:function:${spec.functionName}:${spec.alias}`,
      status: targetStatus,
      lastUpdatedAt: time(d.completeTime ?? d.startTime ?? d.createTime),
      lifecycleEvents: d.lifecycleEvents.map((event) => ({
        lifecycleEventName: event.lifecycleEventName,
        status: event.status,
        startTime: time(event.startTime),
        endTime: time(event.endTime),
      })),
      lambdaFunctionInfo: {
        functionName: spec.functionName,
        functionAlias: spec.alias,
        currentVersion: spec.currentVersion,
        targetVersion: spec.targetVersion,
        targetVersionWeight: d.targetWeight,
      },
    },
  };
}
