import { bareFunctionName } from '@lambda-release-kit/core';
import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import type { HealthJudgement, LookStage } from './health.js';
import { readAlarms, readVersionMetrics, type VersionMetrics } from './metrics.js';
import { type FunctionDeploy } from './plan.js';
import type { VerdictHistory } from './verdict-history.js';

/**
 * One look at the published evidence of the whole rollout so far: alarms, the new version's metrics and (if
 * asked) the stable version's over the same minutes, then the function's verdict at this stage of the schedule.
 */
export async function probeHealth(
  cloudwatch: CloudWatchClient,
  plan: FunctionDeploy,
  versions: { target: string; previous: string },
  window: { start: Date; end: Date },
  trafficSince: number,
  history: VerdictHistory,
  stage: LookStage,
  signal?: AbortSignal,
): Promise<HealthJudgement> {
  const functionName = bareFunctionName(plan.functionName);
  // Before the first minute of the rollout is published there is nothing to read (alarms still count).
  const published = window.end.getTime() > window.start.getTime();
  // With canary traffic, the canary's direct invocations count for it (never for the stable version); without it,
  // a pre-traffic check's deliberate failures must not.
  const of = (version: string, direct: boolean) =>
    published
      ? readVersionMetrics(cloudwatch, { functionName, alias: plan.alias, version, direct }, window, signal)
      : Promise.resolve(noMetrics(version));
  const [canary, stable, alarms] = await Promise.all([
    of(versions.target, plan.canaryTraffic !== undefined),
    plan.thresholds.compareToStable ? of(versions.previous, false) : Promise.resolve(undefined),
    plan.alarms.length > 0 ? readAlarms(cloudwatch, plan.alarms, signal) : Promise.resolve([]),
  ]);
  // The canary's own time in the window (the first minute starts before the shift), for its invocation rate.
  const windowMs = window.end.getTime() - Math.max(window.start.getTime(), trafficSince);
  return history.judge({ canary, stable, alarms, windowMs }, window.end.getTime(), plan.thresholds, stage);
}

/** A version's metrics before anything is published. */
export const noMetrics = (version: string): VersionMetrics => ({
  version,
  invocations: 0,
  errors: 0,
  throttles: 0,
  p95Ms: null,
  p99Ms: null,
});
