import {
  formatDuration,
  type Inputs,
  InputError,
  inputError,
  Redactor,
  releaseContext,
  type Strategy,
  compact,
} from '@lambda-release-kit/core';
import {
  ACTION_DEFAULTS,
  ALL_AT_ONCE_CONFIG,
  DEFAULT_DEPLOYMENT_CONFIG,
  DEFAULT_TAG_PATTERN,
  DEFAULT_TRAFFIC_STEPS,
  FUNCTION_CONCURRENCY,
  Input,
  STRATEGIES,
} from './constants.js';
import { FUNCTION_GATE_KEYS, type FunctionGates, readGates, readItemGates } from './gate-inputs.js';
import {
  type CodeDeployNames,
  type NamedValue,
  type RecordPlaceInputs,
  FUNCTION_EXPECTED,
  FUNCTION_NAME,
  printedNames,
  readListedTargets,
  readRecordPlace,
  readSingleTarget,
} from './function-targets.js';
import { readCanaryTraffic } from './canary-traffic-input.js';
import { parsePreTrafficCheck } from './pre-traffic-check.js';
import type { CodeDeploySettings, DeployPlan, FunctionTarget, NonEmpty, Rollout } from './plan.js';
import { parseTrafficSteps, TRAFFIC_STEPS_EXPECTED, totalBakeMs } from './traffic-steps.js';

const SIX_HOURS_MS = 6 * 3_600_000;

/**
 * Reads and validates every input (and the local zip file) before any AWS call. Cross-input rules live here
 * too, so a contradictory configuration fails with a message naming the inputs involved.
 */
export async function readDeployPlan(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
  redactor: Redactor = new Redactor(),
): Promise<DeployPlan> {
  const place = readRecordPlace(inputs, env);
  const { recordFile, environment, entries } = place;
  redactor.keepVisible(...printedNames(place, inputs.string(Input.Region) ?? env.AWS_REGION));
  const strategy: Strategy = inputs.enum(Input.Strategy, STRATEGIES, 'alias-weights');
  const canaryPayload = inputs.string(Input.CanaryTrafficPayload);
  const canaryTraffic = await readCanaryTraffic(inputs.string(Input.CanaryTraffic) ?? 'off', canaryPayload, {
    rate: `input '${Input.CanaryTraffic}'`,
    payload: `input '${Input.CanaryTrafficPayload}'`,
  });
  const listed: NonEmpty<FunctionTarget & CodeDeployNames> = entries
    ? await readListedTargets(entries, redactor, { canaryTraffic, canaryPayload })
    : [{ ...(await readSingleTarget(inputs, redactor)), ...(canaryTraffic ? { canaryTraffic } : {}) }];
  if (canaryPayload !== undefined && !listed.some((target) => target.canaryTraffic)) {
    throw new InputError(
      `input '${Input.CanaryTrafficPayload}' was given, but no function has canary traffic — set '${Input.CanaryTraffic}' to a rate like "1/s", or leave the payload out`,
    );
  }
  const skipCanary = readSkipCanary(inputs, env);

  const { thresholds, onInconclusive, targets } = readReleaseGates(inputs, listed, entries);
  const rollout = readRollout(inputs, strategy, skipCanary !== undefined, targets);
  const canary = strategy === 'alias-weights' && !skipCanary;

  if (strategy !== 'alias-weights') rejectCanaryOnlyInputs(inputs, strategy, entries ?? []);

  const stepsText = inputs.string(Input.TrafficSteps) ?? DEFAULT_TRAFFIC_STEPS;
  const parsedSteps = parseTrafficSteps(stepsText);
  if (typeof parsedSteps === 'string') {
    throw inputError(Input.TrafficSteps, stepsText, `${TRAFFIC_STEPS_EXPECTED} (${parsedSteps})`);
  }
  const steps = canary ? parsedSteps : [];

  const longestBake = Math.max(0, ...steps.map((step) => step.bakeMs));
  const bakeTimeoutMs = inputs.duration(Input.BakeTimeout, { min: Math.max(1, longestBake) });
  const healthCheckIntervalMs = inputs.duration(Input.HealthCheckInterval, { default: 60_000, min: 100 });
  const shortestBake = Math.min(...steps.map((step) => step.bakeMs));
  if (healthCheckIntervalMs > shortestBake) {
    throw inputError(
      Input.HealthCheckInterval,
      inputs.string(Input.HealthCheckInterval) ?? `${formatDuration(healthCheckIntervalMs)} (the default)`,
      `an interval no longer than the shortest bake time in '${Input.TrafficSteps}' (${formatDuration(shortestBake)}), or a step would go unchecked until its end`,
    );
  }
  const metricDelayMs = inputs.duration(Input.MetricDelay, { default: 120_000, min: 0 });
  const wait = inputs.boolean(Input.Wait, true);
  if (!wait && canary) {
    throw new InputError(
      `input '${Input.Wait}' is false, but strategy alias-weights moves traffic from this step and must wait; ` +
        `use strategy codedeploy to hand the rollout to CodeDeploy`,
    );
  }
  const timeoutMs = inputs.duration(Input.Timeout, { default: SIX_HOURS_MS, min: 1000 });
  if (timeoutMs < totalBakeMs(steps)) {
    throw new InputError(
      `input '${Input.Timeout}' (${timeoutMs} ms) is shorter than the canary's total bake time ` +
        `(${totalBakeMs(steps)} ms from '${Input.TrafficSteps}'): raise the timeout or shorten the steps`,
    );
  }

  const preTrafficText = inputs.string(Input.PreTrafficCheck);
  return {
    ...rollout,
    ...(environment !== undefined ? { environment } : {}),
    concurrency: FUNCTION_CONCURRENCY,
    steps,
    alarms: inputs.list(Input.Alarms),
    thresholds,
    onInconclusive,
    bakeTimeoutMs,
    healthCheckIntervalMs,
    metricDelayMs,
    preTrafficCheck: preTrafficText ? parsePreTrafficCheck(preTrafficText) : undefined,
    skipCanary,
    dryRun: inputs.boolean(Input.DryRun, false),
    release: readRelease(inputs, env),
    ...(env.GITHUB_RUN_ATTEMPT ? { runAttempt: env.GITHUB_RUN_ATTEMPT } : {}),
    wait,
    timeoutMs,
    recordFile,
    region: inputs.string(Input.Region),
  };
}

/**
 * The action's gates over their defaults, the release-wide error budgets, and each listed function with its
 * `functions` item's own gates over the action's.
 */
function readReleaseGates(
  inputs: Inputs,
  listed: NonEmpty<FunctionTarget & CodeDeployNames>,
  entries: RecordPlaceInputs['entries'],
): FunctionGates & { targets: NonEmpty<FunctionTarget & CodeDeployNames> } {
  const falseRollbackRate = inputs.percentage(Input.FalseRollbackRate, { default: 0.01 });
  if (falseRollbackRate <= 0 || falseRollbackRate > 0.2) {
    throw inputError(
      Input.FalseRollbackRate,
      inputs.string(Input.FalseRollbackRate) ?? '',
      'a rate above 0% and at most 20%, like "1%"',
    );
  }
  const missedRegressionRate = inputs.percentage(Input.MissedRegressionRate, { default: 0.05 });
  if (missedRegressionRate <= 0 || missedRegressionRate >= 0.5) {
    throw inputError(
      Input.MissedRegressionRate,
      inputs.string(Input.MissedRegressionRate) ?? '',
      'a rate above 0% and below 50%, like "5%"',
    );
  }
  const { thresholds, onInconclusive } = readGates(inputs, {
    thresholds: {
      maxErrorRate: 0.01,
      minInvocations: 10,
      compareToStable: false,
      falseRollbackRate,
      missedRegressionRate,
    },
    onInconclusive: 'wait',
  });
  // A `functions` item's own gates (over the action's) judge that function alone.
  const withGates = (target: FunctionTarget & CodeDeployNames, index: number) => {
    const entry = entries?.[index];
    if (entry?.gates === undefined) return target;
    return { ...target, ...readItemGates(entry.gates, entry.where, { thresholds, onInconclusive }) };
  };
  const [first, ...rest] = listed;
  const targets: NonEmpty<FunctionTarget & CodeDeployNames> = [
    withGates(first, 0),
    ...rest.map((target, index) => withGates(target, index + 1)),
  ];
  return { thresholds, onInconclusive, targets };
}

function readSkipCanary(inputs: Inputs, env: NodeJS.ProcessEnv): DeployPlan['skipCanary'] {
  const skip = inputs.boolean(Input.SkipCanary, false);
  const reason = inputs.string(Input.SkipCanaryReason);
  if (!skip) return undefined;
  if (!reason) {
    throw new InputError(
      `input '${Input.SkipCanaryReason}' is required when '${Input.SkipCanary}' is true — say why the canary is skipped (it is recorded)`,
    );
  }
  return { reason, by: env.GITHUB_ACTOR || 'unknown' };
}

function readRollout(
  inputs: Inputs,
  strategy: Strategy,
  skipCanary: boolean,
  targets: NonEmpty<FunctionTarget & CodeDeployNames>,
): Rollout {
  const names = [Input.DeploymentConfig, Input.BeforeTrafficHook, Input.AfterTrafficHook];
  const [first, ...rest] = targets;
  if (strategy !== 'codedeploy') {
    const stray =
      [Input.CodeDeployApplication, Input.CodeDeployDeploymentGroup, ...names].find((name) =>
        changedFromDefault(inputs, name),
      ) ??
      targets
        .flatMap(({ names: given }) => [given.application, given.deploymentGroup])
        .find((given) => given.value !== undefined)?.where;
    if (stray) {
      const what = stray.startsWith('input ') ? stray : `input '${stray}'`;
      throw new InputError(`${what} applies only to strategy codedeploy, but strategy is ${strategy}`);
    }
    const plain = ({ names: _names, ...target }: FunctionTarget & CodeDeployNames) => target;
    // A skipped canary on alias weights moves all traffic at once, and the record says so.
    return {
      strategy: skipCanary && strategy === 'alias-weights' ? 'all-at-once' : strategy,
      functions: [plain(first), ...rest.map(plain)],
    };
  }
  const hook = { pattern: FUNCTION_NAME, expected: FUNCTION_EXPECTED };
  const configured = inputs.string(Input.DeploymentConfig) ?? DEFAULT_DEPLOYMENT_CONFIG;
  const shared = {
    deploymentConfig: skipCanary ? ALL_AT_ONCE_CONFIG : configured,
    beforeTrafficHook: inputs.string(Input.BeforeTrafficHook, hook),
    afterTrafficHook: inputs.string(Input.AfterTrafficHook, hook),
  };
  const withGroup = ({ names: given, ...target }: FunctionTarget & CodeDeployNames) => {
    const required = ({ value, missing }: NamedValue): string => {
      if (value !== undefined) return value;
      throw new InputError(missing);
    };
    const codedeploy: CodeDeploySettings = {
      application: required(given.application),
      deploymentGroup: required(given.deploymentGroup),
      deploymentConfig: shared.deploymentConfig,
      ...(shared.beforeTrafficHook !== undefined ? { beforeTrafficHook: shared.beforeTrafficHook } : {}),
      ...(shared.afterTrafficHook !== undefined ? { afterTrafficHook: shared.afterTrafficHook } : {}),
    };
    return { ...target, codedeploy };
  };
  return { strategy, functions: [withGroup(first), ...rest.map(withGroup)] };
}

/**
 * Canary settings given to a strategy without a canary would silently do nothing: say so instead. (skip-canary
 * keeps them allowed: it is an override switched on for one run of a workflow that normally canaries.)
 */
function rejectCanaryOnlyInputs(
  inputs: Inputs,
  strategy: Strategy,
  entries: readonly { where: string; gates?: Record<string, unknown>; canaryTraffic?: unknown }[],
): void {
  const canaryOnly = [
    Input.TrafficSteps,
    ...FUNCTION_GATE_KEYS,
    Input.BakeTimeout,
    Input.HealthCheckInterval,
    Input.MetricDelay,
    Input.FalseRollbackRate,
    Input.MissedRegressionRate,
    Input.CanaryTraffic,
    Input.CanaryTrafficPayload,
    ...(strategy === 'codedeploy' ? [Input.Alarms] : []),
  ];
  const hint =
    strategy === 'codedeploy'
      ? "CodeDeploy shifts traffic by its deployment-config and rolls back on the deployment group's alarms"
      : 'strategy all-at-once moves all traffic at once';
  const stray = canaryOnly.find((name) => changedFromDefault(inputs, name));
  if (stray) throw new InputError(`input '${stray}' applies only to alias-weights canaries: ${hint}`);
  const gated = entries.find((entry) => entry.gates !== undefined);
  const key = Object.keys(gated?.gates ?? {})[0];
  if (gated && key)
    throw new InputError(`${gated.where} '${key}' applies only to alias-weights canaries: ${hint}`);
  const withTraffic = entries.find((entry) => entry.canaryTraffic !== undefined);
  if (withTraffic) {
    throw new InputError(
      `${withTraffic.where} '${Input.CanaryTraffic}' applies only to alias-weights canaries: ${hint}`,
    );
  }
}

function readRelease(inputs: Inputs, env: NodeJS.ProcessEnv): DeployPlan['release'] {
  const context = releaseContext(env);
  const patternText = inputs.string(Input.TagPattern) ?? DEFAULT_TAG_PATTERN;
  let pattern: RegExp;
  try {
    pattern = new RegExp(patternText);
  } catch (error) {
    throw inputError(Input.TagPattern, patternText, `a regular expression (${(error as Error).message})`);
  }
  const explicit = inputs.string(Input.ReleaseTag);
  const tag = explicit ?? context.tag;
  if (tag !== undefined && !pattern.test(tag)) {
    const from = explicit ? `input '${Input.ReleaseTag}' has` : `the tag from GITHUB_REF is`;
    throw new InputError(
      `${from} ${JSON.stringify(tag)} — expected a tag matching ${patternText} (input '${Input.TagPattern}')`,
    );
  }
  return compact({ ...context, tag });
}

/** The runner passes action.yml's defaults as values: only a value other than the default counts as given. */
function changedFromDefault(inputs: Inputs, name: Input): boolean {
  const value = inputs.string(name);
  return value !== undefined && value !== ACTION_DEFAULTS[name];
}
