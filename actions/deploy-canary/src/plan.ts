import type { CheckSuite } from '@lambda-release-kit/checks';
import type { DeploymentRecord, Strategy } from '@lambda-release-kit/core';
import type { CanaryStep } from './traffic-steps.js';

/** Where the new code comes from; `latest` publishes whatever $LATEST holds. */
export type CodeSource =
  | { kind: 'zip'; path: string; bytes: Uint8Array; codeSha256: string }
  | { kind: 's3'; bucket: string; key: string; objectVersion?: string }
  | { kind: 'image'; imageUri: string }
  | { kind: 'latest' };

export type OnInconclusive = 'wait' | 'fail' | 'promote';

/** What makes a canary healthy. Rates are fractions (0.005 = 0.5%), latencies milliseconds. */
export interface HealthThresholds {
  maxErrorRate: number;
  maxP95LatencyMs?: number;
  maxP99LatencyMs?: number;
  /** Below this many invocations of the new version in the window, a verdict is inconclusive. */
  minInvocations: number;
  /** Judge the canary's error rate against the stable version's in the same minutes (plus maxErrorRate). */
  compareToStable: boolean;
  /** Most a canary exactly at the gate may be rolled back, over the whole rollout (alpha spending). */
  falseRollbackRate: number;
}

export interface CodeDeploySettings {
  application: string;
  deploymentGroup: string;
  deploymentConfig: string;
  beforeTrafficHook?: string;
  afterTrafficHook?: string;
}

/** Who moves the traffic; CodeDeploy's settings exist exactly when CodeDeploy does. */
export type Rollout =
  | { strategy: 'codedeploy'; codedeploy: CodeDeploySettings }
  | { strategy: Exclude<Strategy, 'codedeploy'>; codedeploy?: never };

/** Everything a deploy needs, validated, with no runner or environment access left to do. */
export type DeployPlan = Rollout & DeploySettings;

/** A plan whose traffic CodeDeploy moves. */
export type CodeDeployPlan = Extract<DeployPlan, { strategy: 'codedeploy' }>;

/** The plan apart from who moves the traffic. */
export interface DeploySettings {
  functionName: string;
  alias: string;
  source: CodeSource;
  /** Canary steps before promotion; empty when traffic moves at once (all-at-once or skip-canary). */
  steps: CanaryStep[];
  alarms: string[];
  thresholds: HealthThresholds;
  onInconclusive: OnInconclusive;
  /** Longest one step may last while waiting for a conclusive sample; default twice its bake time. */
  bakeTimeoutMs?: number;
  healthCheckIntervalMs: number;
  /** How long after a minute ends CloudWatch has all of its data; 0 reads up to now. */
  metricDelayMs: number;
  /** Invoke checks (smoke-test syntax) run against the new version before any traffic moves. */
  preTrafficCheck?: CheckSuite;
  skipCanary?: { reason: string; by: string };
  dryRun: boolean;
  release: DeploymentRecord['release'];
  /** False: start a CodeDeploy deployment and return without waiting for it. */
  wait: boolean;
  timeoutMs: number;
  recordFile: string;
  /** The `region` input; without it the SDK's AWS_REGION or AWS_DEFAULT_REGION. */
  region?: string;
}

/** The longest a step may last when `on-inconclusive` is wait. */
export function stepDeadlineMs(plan: Pick<DeployPlan, 'bakeTimeoutMs'>, step: CanaryStep): number {
  return Math.max(step.bakeMs, plan.bakeTimeoutMs ?? 2 * step.bakeMs);
}
