import type { HookEvent, LambdaAppSpec } from './appspec.js';

/** CodeDeploy's resources as the sandbox keeps them (times are simulated epoch ms). */

export interface Application {
  applicationId: string;
  applicationName: string;
  computePlatform: string;
  createTime: number;
}

export interface AlarmConfiguration {
  enabled: boolean;
  ignorePollAlarmFailure: boolean;
  alarms: { name: string }[];
}

export type AutoRollbackEvent =
  'DEPLOYMENT_FAILURE' | 'DEPLOYMENT_STOP_ON_ALARM' | 'DEPLOYMENT_STOP_ON_REQUEST';

export interface AutoRollbackConfiguration {
  enabled: boolean;
  events: AutoRollbackEvent[];
}

export interface DeploymentSummary {
  deploymentId: string;
  status: DeploymentStatus;
  endTime?: number | undefined;
  createTime: number;
}

export interface DeploymentGroup {
  applicationName: string;
  deploymentGroupId: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  serviceRoleArn: string;
  alarmConfiguration: AlarmConfiguration;
  autoRollbackConfiguration: AutoRollbackConfiguration;
  lastAttemptedDeployment?: DeploymentSummary;
  lastSuccessfulDeployment?: DeploymentSummary;
}

export type DeploymentStatus = 'Created' | 'InProgress' | 'Succeeded' | 'Failed' | 'Stopped';
export const DEPLOYMENT_STATUSES: readonly string[] = [
  'Created',
  'Queued',
  'InProgress',
  'Baking',
  'Succeeded',
  'Failed',
  'Stopped',
  'Ready',
];

export type LifecycleEventName = HookEvent | 'AllowTraffic';
export type LifecycleEventStatus = 'Pending' | 'InProgress' | 'Succeeded' | 'Failed' | 'Skipped';

export interface LifecycleEvent {
  lifecycleEventName: LifecycleEventName;
  status: LifecycleEventStatus;
  startTime?: number;
  endTime?: number;
}

export interface Deployment {
  deploymentId: string;
  applicationName: string;
  deploymentGroupName: string;
  deploymentConfigName: string;
  revision: unknown;
  appSpecContent: string;
  description?: string | undefined;
  creator: 'user' | 'autoRollback';
  status: DeploymentStatus;
  errorInformation?: { code: string; message: string } | undefined;
  createTime: number;
  startTime?: number;
  completeTime?: number;
  rollbackInfo?: {
    rollbackDeploymentId?: string;
    rollbackTriggeringDeploymentId?: string;
    rollbackMessage?: string;
  };
  autoRollbackConfiguration: AutoRollbackConfiguration;
  alarmConfiguration: AlarmConfiguration;
  lifecycleEvents: LifecycleEvent[];
  /** Set once the AppSpec parsed. */
  spec?: LambdaAppSpec;
  /** Share of the alias's traffic on TargetVersion (0 before shifting, 1 once promoted). */
  targetWeight: number;
}

export interface HookExecution {
  lifecycleEventHookExecutionId: string;
  deploymentId: string;
  event: HookEvent;
  status: 'Pending' | 'Succeeded' | 'Failed';
}

export const isFinished = (status: DeploymentStatus) =>
  status === 'Succeeded' || status === 'Failed' || status === 'Stopped';
