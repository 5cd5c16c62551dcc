import type { CheckSuite } from '@lambda-release-kit/checks';
import type { DeploymentRecord, Strategy } from '@lambda-release-kit/core';
import type { CanaryTraffic } from './canary-traffic-input.js';
import type { CanaryStep } from './traffic-steps.js';

/** Where the new code comes from; `latest` publishes whatever $LATEST holds. */
export type CodeSource =
  | { kind: 'zip'; path: string; bytes: Uint8Array; codeSha256: string }
  | { kind: 's3'; bucket: string; key: string; objectVersion?: string | undefined }
  | { kind: 'image'; imageUri: string }
  | { kind: 'latest' };

export type OnInconclusive = 'wait' | 'fail' | 'promote';

/** What makes a canary healthy. Rates are fractions (0.005 = 0.5%), latencies milliseconds. */
export interface HealthThresholds {
  maxErrorRate: number;
  maxP95LatencyMs?: number | undefined;
  maxP99LatencyMs?: number | undefined;
  /** Below this many invocations of the new version in the window, a verdict is inconclusive. */
  minInvocations: number;
  /** Judge the canary's error rate against the stable version's in the same minutes (plus maxErrorRate). */
  compareToStable: boolean;
  /** Most a canary as good as the gate (or stable) may be rolled back, over the whole rollout and all functions. */
  falseRollbackRate: number;
  /** Most a canary worse by the whole margin may be promoted when the sequential test concludes. */
  missedRegressionRate: number;
}

export interface CodeDeploySettings {
  application: string;
  deploymentGroup: string;
  deploymentConfig: string;
  beforeTrafficHook?: string | undefined;
  afterTrafficHook?: string | undefined;
}

/**
 * What UpdateFunctionConfiguration is asked to change before publishing; a setting left out stays as it is.
 * `environment` replaces every variable, as UpdateFunctionConfiguration does; its values may be secrets.
 */
export interface ConfigurationChange {
  environment?: Record<string, string>;
  memorySize?: number;
  timeoutSeconds?: number;
  handler?: string;
  runtime?: string;
  layers?: string[];
  ephemeralStorage?: number;
  description?: string;
}

/** One function of the release: what is published and which alias moves. */
export interface FunctionTarget {
  functionName: string;
  alias: string;
  /** `latest` without configuration publishes $LATEST as it is; with configuration, a configuration-only change. */
  source: CodeSource;
  configuration?: ConfigurationChange;
  /** Invocations sent straight to the new version during every bake (canary-traffic); absent: none. */
  canaryTraffic?: CanaryTraffic | undefined;
  /** The function's own gates (a `functions` item's keys over the action's inputs), when it has any. */
  thresholds?: HealthThresholds;
  /** The function's own on-inconclusive, when its item sets one. */
  onInconclusive?: OnInconclusive;
}

export type NonEmpty<T> = [T, ...T[]];

/** Who moves the traffic; each function has its CodeDeploy settings exactly when CodeDeploy does. */
export type Rollout =
  | { strategy: 'codedeploy'; functions: NonEmpty<FunctionTarget & { codedeploy: CodeDeploySettings }> }
  | {
      strategy: Exclude<Strategy, 'codedeploy'>;
      functions: NonEmpty<FunctionTarget & { codedeploy?: never }>;
    };

/** Everything a deploy needs, validated, with no runner or environment access left to do. */
export type DeployPlan = Rollout & DeploySettings;

/** One function of a plan with the release's settings: what preflight, publishing and its rollout read. */
export type FunctionDeploy = DeploySettings &
  FunctionTarget &
  (
    | { strategy: 'codedeploy'; codedeploy: CodeDeploySettings }
    | { strategy: Exclude<Strategy, 'codedeploy'>; codedeploy?: never }
  );

/** A function whose traffic CodeDeploy moves. */
export type CodeDeployPlan = Extract<FunctionDeploy, { strategy: 'codedeploy' }>;

/** The plan's functions, each with the release's settings, in the order given. */
export function functionDeploys(plan: DeployPlan): NonEmpty<FunctionDeploy> {
  if (plan.strategy === 'codedeploy') {
    const { functions, ...settings } = plan;
    const [first, ...rest] = functions;
    const of = (fn: typeof first): FunctionDeploy => ({ ...settings, ...fn });
    return [of(first), ...rest.map(of)];
  }
  const { functions, ...settings } = plan;
  const [first, ...rest] = functions;
  const of = (fn: typeof first): FunctionDeploy => ({ ...settings, ...fn });
  return [of(first), ...rest.map(of)];
}

/** The plan apart from who moves the traffic. */
export interface DeploySettings {
  /** The deployment environment (staging, production), recorded and part of the default record file name. */
  environment?: string;
  /** How many functions are published or moved at once (Lambda's control-plane rate limits). */
  concurrency: number;
  /** Canary steps before promotion; empty when traffic moves at once (all-at-once or skip-canary). */
  steps: CanaryStep[];
  alarms: string[];
  thresholds: HealthThresholds;
  onInconclusive: OnInconclusive;
  /** Longest one step may last while waiting for a conclusive sample; default twice its bake time. */
  bakeTimeoutMs?: number | undefined;
  healthCheckIntervalMs: number;
  /** How long after a minute ends CloudWatch has all of its data; 0 reads up to now. */
  metricDelayMs: number;
  /** Invoke checks (smoke-test syntax) run against the new version before any traffic moves. */
  preTrafficCheck?: CheckSuite | undefined;
  skipCanary?: { reason: string; by: string } | undefined;
  dryRun: boolean;
  release: DeploymentRecord['release'];
  /** GITHUB_RUN_ATTEMPT, named with the run in the descriptions of the versions published. */
  runAttempt?: string | undefined;
  /** False: start a CodeDeploy deployment and return without waiting for it. */
  wait: boolean;
  timeoutMs: number;
  recordFile: string;
  /** The `region` input; without it the SDK's AWS_REGION or AWS_DEFAULT_REGION. */
  region?: string | undefined;
}

/** The longest a step may last when `on-inconclusive` is wait. */
export function stepDeadlineMs(plan: Pick<DeployPlan, 'bakeTimeoutMs'>, step: CanaryStep): number {
  return Math.max(step.bakeMs, plan.bakeTimeoutMs ?? 2 * step.bakeMs);
}
