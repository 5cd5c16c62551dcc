import type { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { judgeHealth, type HealthJudgement } from './health.js';
import { readAlarms, readVersionMetrics } from './metrics.js';
import { functionShortName, type DeployPlan } from './plan.js';

/** One health check: alarms, the new version's metrics and (if asked) the stable version's, then the verdict. */
export async function probeHealth(
  cloudwatch: CloudWatchClient,
  plan: DeployPlan,
  versions: { target: string; previous: string },
  window: { start: Date; end: Date },
  signal?: AbortSignal,
): Promise<HealthJudgement> {
  const functionName = functionShortName(plan.functionName);
  const of = (version: string) =>
    readVersionMetrics(cloudwatch, { functionName, alias: plan.alias, version }, window, signal);
  const [canary, stable, alarms] = await Promise.all([
    of(versions.target),
    plan.thresholds.compareToStable ? of(versions.previous) : Promise.resolve(undefined),
    plan.alarms.length > 0 ? readAlarms(cloudwatch, plan.alarms, signal) : Promise.resolve([]),
  ]);
  return judgeHealth({ canary, stable, alarms }, plan.thresholds);
}
