import { describeAlias, formatDuration, formatPercent, bareFunctionName } from '@lambda-release-kit/core';
import { buildAppSpec } from './appspec.js';
import { formatRate } from './canary-traffic.js';
import type { EvidencePlan } from './evidence-plan.js';
import { stepDeadlineMs, type FunctionDeploy } from './plan.js';
import type { CurrentState } from './preflight.js';
import { describeSource } from './publish.js';
import { totalBakeMs } from './traffic-steps.js';

/** What a dry run can tell about the new version without publishing it. */
export type VersionForecast =
  | { kind: 'unchanged'; codeSha256: string }
  | { kind: 'new'; expectedVersion: string; codeSha256?: string | undefined };

/**
 * The full plan a dry run prints: what the alias serves now, what would be published, every alias change with
 * its weights and bake time, the health gates, and (for CodeDeploy) the exact AppSpec.
 */
export function formatPlan(
  plan: FunctionDeploy,
  state: CurrentState,
  forecast: VersionForecast,
  evidence?: EvidencePlan,
): string[] {
  const fn = plan.functionName;
  const previous = state.alias?.version;
  const target = forecast.kind === 'new' ? forecast.expectedVersion : (previous ?? '?');
  const lines = [
    `Function: ${fn}, alias ${plan.alias}`,
    state.alias
      ? `Now: ${plan.alias} serves ${describeAlias(state.alias)} (CodeSha256 ${state.previous?.codeSha256}, RevisionId ${state.alias.revisionId})`
      : `Now: alias ${plan.alias} does not exist (first release)`,
    `Code: ${describeSource(plan)}`,
  ];
  if (plan.release.tag || plan.release.commit) {
    lines.push(
      `Release: ${[plan.release.tag, plan.release.commit && `commit ${plan.release.commit}`].filter(Boolean).join(', ')}`,
    );
  }
  if (forecast.kind === 'unchanged') {
    lines.push(
      `Result: no-op — the code (CodeSha256 ${forecast.codeSha256}) is what version ${previous} already runs; nothing would change`,
    );
    return lines;
  }
  lines.push(
    plan.source.kind === 'latest'
      ? `1. PublishVersion of $LATEST (CodeSha256 ${forecast.codeSha256}) → version ${target} (expected number)`
      : `1. UpdateFunctionCode (guarded by RevisionId ${state.latest.RevisionId}), wait for LastUpdateStatus Successful, ` +
          `PublishVersion guarded by the new CodeSha256 → version ${target} (expected number)`,
  );
  if (plan.preTrafficCheck)
    lines.push(`2. Pre-traffic check: invoke version ${target} directly and assert the results`);
  if (plan.skipCanary) lines.push(`Skip canary: "${plan.skipCanary.reason}" (by ${plan.skipCanary.by})`);
  lines.push(...trafficLines(plan, state, target));
  if (plan.canaryTraffic && plan.steps.length > 0 && state.alias) {
    const payload = plan.canaryTraffic.payloadFile
      ? `the event in ${plan.canaryTraffic.payloadFile}`
      : 'the event {}';
    lines.push(
      `Canary traffic: Invoke ${plan.functionName} Qualifier ${target} at ${formatRate(plan.canaryTraffic.ratePerSecond)} with ${payload} during every bake, stopped before promotion or restore`,
    );
  }
  if (evidence) lines.push(`Evidence: ${evidence.line}${evidence.advice ? `; ${evidence.advice}` : ''}`);
  lines.push('Dry run: nothing was changed.');
  return lines;
}

function trafficLines(plan: FunctionDeploy, state: CurrentState, target: string): string[] {
  const alias = state.alias;
  if (!alias) return [`Traffic: CreateAlias ${plan.alias} → version ${target} (100%)`];
  const guard = `guarded by RevisionId ${alias.revisionId}`;
  if (plan.strategy === 'codedeploy') {
    const settings = plan.codedeploy;
    return [
      `Traffic: CodeDeploy CreateDeployment in ${settings.application}/${settings.deploymentGroup} with ${settings.deploymentConfig}` +
        (plan.wait ? ', polled until it finishes' : ', not waited for'),
      `AppSpec: ${buildAppSpec({
        functionName: plan.functionName,
        alias: plan.alias,
        currentVersion: alias.version,
        targetVersion: target,
        beforeTrafficHook: settings.beforeTrafficHook,
        afterTrafficHook: settings.afterTrafficHook,
      })}`,
    ];
  }
  if (plan.steps.length === 0) {
    return [`Traffic: one UpdateAlias ${plan.alias} → version ${target} (100%, ${guard})`];
  }
  const lines = plan.steps.map(
    (step, index) =>
      `Step ${index + 1}: UpdateAlias ${plan.alias} FunctionVersion ${alias.version}, AdditionalVersionWeights {"${target}": ${step.weight}} ` +
      `(${formatPercent(step.weight)} on ${target}); bake ${formatDuration(step.bakeMs)}, health check every ${formatDuration(plan.healthCheckIntervalMs)}` +
      (plan.onInconclusive === 'wait'
        ? `, up to ${formatDuration(stepDeadlineMs(plan, step))} while inconclusive`
        : ''),
  );
  lines[0] += ` (${guard})`;
  const t = plan.thresholds;
  const gates = [
    `error rate ≤ ${t.compareToStable ? `stable version's + ${formatPercent(t.maxErrorRate)}` : formatPercent(t.maxErrorRate)}`,
    `throttles ≤ ${formatPercent(t.maxErrorRate)}`,
    ...(t.maxP95LatencyMs !== undefined ? [`p95 ≤ ${t.maxP95LatencyMs} ms`] : []),
    ...(t.maxP99LatencyMs !== undefined ? [`p99 ≤ ${t.maxP99LatencyMs} ms`] : []),
    `at least ${t.minInvocations} invocations (else inconclusive: ${plan.onInconclusive})`,
  ];
  return [
    ...lines,
    `Promote: UpdateAlias ${plan.alias} FunctionVersion ${target}, AdditionalVersionWeights {}`,
    `Total bake time: ${formatDuration(totalBakeMs(plan.steps))}`,
    `Health gates (metrics of ${bareFunctionName(plan.functionName)}:${plan.alias} by ExecutedVersion${plan.canaryTraffic ? `, plus direct invocations of ${bareFunctionName(plan.functionName)}:${target}` : ''}): ${gates.join(', ')}`,
    `Verdicts: a sequential test on all published minutes since the first step, at most ${formatPercent(t.falseRollbackRate)} false rollbacks over the rollout and ${formatPercent(t.missedRegressionRate)} missed regressions when it concludes; ` +
      `minutes count once ${formatDuration(plan.metricDelayMs)} after they end, so a bad version is caught within ${formatDuration(plan.healthCheckIntervalMs + plan.metricDelayMs)}`,
    `Alarms: ${plan.alarms.length > 0 ? plan.alarms.join(', ') : 'none'} (any in ALARM rolls back)`,
    `On failure: UpdateAlias ${plan.alias} FunctionVersion ${alias.version}, AdditionalVersionWeights {}`,
  ];
}
