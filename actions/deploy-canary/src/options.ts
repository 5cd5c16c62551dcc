import { createHash } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import {
  defaultRecordPath,
  formatDuration,
  type Inputs,
  InputError,
  inputError,
  releaseContext,
  type Strategy,
} from '@lambda-release-kit/core';
import {
  ACTION_DEFAULTS,
  ALL_AT_ONCE_CONFIG,
  DEFAULT_DEPLOYMENT_CONFIG,
  DEFAULT_TAG_PATTERN,
  DEFAULT_TRAFFIC_STEPS,
  Input,
  ON_INCONCLUSIVE,
  STRATEGIES,
} from './constants.js';
import { parsePreTrafficCheck } from './pre-traffic-check.js';
import type { CodeSource, DeployPlan, Rollout } from './plan.js';
import { parseTrafficSteps, TRAFFIC_STEPS_EXPECTED, totalBakeMs } from './traffic-steps.js';

const FUNCTION_NAME = /^(?:arn:[\w-]+:lambda:[\w-]+:\d{12}:function:)?[A-Za-z0-9_-]{1,64}$/;
const FUNCTION_EXPECTED = 'a function name like "orders-api" or its ARN, without a version or alias';
const ALIAS_NAME = /^(?!\d+$)[A-Za-z0-9_-]{1,128}$/;
const S3_BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
/** UpdateFunctionCode takes at most 50 MB inline; larger packages go through S3. */
const MAX_ZIP_BYTES = 50 * 1024 * 1024;
const SIX_HOURS_MS = 6 * 3_600_000;

/**
 * Reads and validates every input (and the local zip file) before any AWS call. Cross-input rules live here
 * too, so a contradictory configuration fails with a message naming the inputs involved.
 */
export async function readDeployPlan(inputs: Inputs, env: NodeJS.ProcessEnv): Promise<DeployPlan> {
  const { functionName, alias, recordFile } = readRecordPlace(inputs, env);
  const source = await readCodeSource(inputs);
  const strategy: Strategy = inputs.enum(Input.Strategy, STRATEGIES, 'alias-weights');
  const skipCanary = readSkipCanary(inputs, env);
  const rollout = readRollout(inputs, strategy, skipCanary !== undefined);
  const canary = strategy === 'alias-weights' && !skipCanary;

  if (strategy !== 'alias-weights') rejectCanaryOnlyInputs(inputs, strategy);
  const stepsText = inputs.string(Input.TrafficSteps) ?? DEFAULT_TRAFFIC_STEPS;
  const parsedSteps = parseTrafficSteps(stepsText);
  if (typeof parsedSteps === 'string') {
    throw inputError(Input.TrafficSteps, stepsText, `${TRAFFIC_STEPS_EXPECTED} (${parsedSteps})`);
  }
  const steps = canary ? parsedSteps : [];

  const thresholds = {
    maxErrorRate: inputs.percentage(Input.MaxErrorRate, { default: 0.01 }),
    maxP95LatencyMs: inputs.duration(Input.MaxP95Latency, { min: 1 }),
    maxP99LatencyMs: inputs.duration(Input.MaxP99Latency, { min: 1 }),
    // At least one: with no invocation at all there is nothing to judge (on-inconclusive decides what happens then).
    minInvocations: inputs.integer(Input.MinInvocations, { default: 10, min: 1 }),
    compareToStable: inputs.boolean(Input.CompareToStable, false),
    falseRollbackRate: inputs.percentage(Input.FalseRollbackRate, { default: 0.01 }),
  };
  if (thresholds.falseRollbackRate <= 0 || thresholds.falseRollbackRate > 0.2) {
    throw inputError(
      Input.FalseRollbackRate,
      inputs.string(Input.FalseRollbackRate) ?? '',
      'a rate above 0% and at most 20%, like "1%"',
    );
  }
  const onInconclusive = inputs.enum(Input.OnInconclusive, ON_INCONCLUSIVE, 'wait');
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
    functionName,
    alias,
    source,
    ...rollout,
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
    wait,
    timeoutMs,
    recordFile,
    region: inputs.string(Input.Region),
  };
}

/** The function, alias and record file: enough to leave a record even when a later input is wrong. */
export function readRecordPlace(
  inputs: Inputs,
  env: NodeJS.ProcessEnv,
): { functionName: string; alias: string; recordFile: string } {
  const functionName = inputs.string(Input.FunctionName, {
    required: true,
    pattern: FUNCTION_NAME,
    expected: FUNCTION_EXPECTED,
  });
  const alias =
    inputs.string(Input.Alias, {
      pattern: ALIAS_NAME,
      expected: 'an alias name of letters, digits, "-" or "_" (not only digits)',
    }) ?? 'live';
  const recordFile =
    inputs.string(Input.RecordFile) ?? defaultRecordPath(functionName, alias, env.RUNNER_TEMP || tmpdir());
  return { functionName, alias, recordFile };
}

async function readCodeSource(inputs: Inputs): Promise<CodeSource> {
  const given = [Input.ZipFile, Input.S3Bucket, Input.ImageUri].filter((name) => inputs.has(name));
  if (given.length > 1) {
    throw new InputError(
      `inputs ${given.map((n) => `'${n}'`).join(' and ')} were both given — expected at most one code source`,
    );
  }
  if (inputs.has(Input.S3Key) && !inputs.has(Input.S3Bucket)) {
    throw new InputError(`input '${Input.S3Key}' was given without '${Input.S3Bucket}' — expected both`);
  }
  if (inputs.has(Input.S3ObjectVersion) && !inputs.has(Input.S3Bucket)) {
    throw new InputError(
      `input '${Input.S3ObjectVersion}' was given without '${Input.S3Bucket}' and '${Input.S3Key}'`,
    );
  }
  const zipPath = inputs.string(Input.ZipFile);
  if (zipPath) return readZip(zipPath);
  const bucket = inputs.string(Input.S3Bucket, { pattern: S3_BUCKET, expected: 'an S3 bucket name' });
  if (bucket) {
    if (!inputs.has(Input.S3Key)) {
      throw new InputError(`input '${Input.S3Key}' is required when '${Input.S3Bucket}' is given`);
    }
    return {
      kind: 's3',
      bucket,
      key: inputs.string(Input.S3Key, { required: true }),
      objectVersion: inputs.string(Input.S3ObjectVersion),
    };
  }
  const imageUri = inputs.string(Input.ImageUri, {
    pattern: /^\S+\/\S+$/,
    expected: 'a container image URI like "123456789012.dkr.ecr.us-east-1.amazonaws.com/orders:v1.2.3"',
  });
  if (imageUri) return { kind: 'image', imageUri };
  return { kind: 'latest' };
}

async function readZip(path: string): Promise<CodeSource> {
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) throw inputError(Input.ZipFile, path, 'the path of an existing .zip file');
  if (info.size > MAX_ZIP_BYTES) {
    throw new InputError(
      `input '${Input.ZipFile}' is ${info.size} bytes — Lambda takes at most ${MAX_ZIP_BYTES} bytes inline; ` +
        `upload it to S3 and use '${Input.S3Bucket}' and '${Input.S3Key}'`,
    );
  }
  const bytes = new Uint8Array(await readFile(path));
  if (bytes[0] !== 0x50 || bytes[1] !== 0x4b)
    throw inputError(Input.ZipFile, path, 'a .zip file (it does not start with "PK")');
  return { kind: 'zip', path, bytes, codeSha256: createHash('sha256').update(bytes).digest('base64') };
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

function readRollout(inputs: Inputs, strategy: Strategy, skipCanary: boolean): Rollout {
  const names = [
    Input.CodeDeployApplication,
    Input.CodeDeployDeploymentGroup,
    Input.DeploymentConfig,
    Input.BeforeTrafficHook,
    Input.AfterTrafficHook,
  ];
  if (strategy !== 'codedeploy') {
    const stray = names.find((name) => changedFromDefault(inputs, name));
    if (stray)
      throw new InputError(
        `input '${stray}' applies only to strategy codedeploy, but strategy is ${strategy}`,
      );
    // A skipped canary on alias weights moves all traffic at once, and the record says so.
    return { strategy: skipCanary && strategy === 'alias-weights' ? 'all-at-once' : strategy };
  }
  const hook = { pattern: FUNCTION_NAME, expected: FUNCTION_EXPECTED };
  const configured = inputs.string(Input.DeploymentConfig) ?? DEFAULT_DEPLOYMENT_CONFIG;
  const codedeploy = {
    application: inputs.string(Input.CodeDeployApplication, { required: true }),
    deploymentGroup: inputs.string(Input.CodeDeployDeploymentGroup, { required: true }),
    deploymentConfig: skipCanary ? ALL_AT_ONCE_CONFIG : configured,
    beforeTrafficHook: inputs.string(Input.BeforeTrafficHook, hook),
    afterTrafficHook: inputs.string(Input.AfterTrafficHook, hook),
  };
  return { strategy, codedeploy };
}

/**
 * Canary settings given to a strategy without a canary would silently do nothing: say so instead. (skip-canary
 * keeps them allowed: it is an override switched on for one run of a workflow that normally canaries.)
 */
function rejectCanaryOnlyInputs(inputs: Inputs, strategy: Strategy): void {
  const canaryOnly = [
    Input.TrafficSteps,
    Input.MaxErrorRate,
    Input.MaxP95Latency,
    Input.MaxP99Latency,
    Input.MinInvocations,
    Input.CompareToStable,
    Input.OnInconclusive,
    Input.BakeTimeout,
    Input.HealthCheckInterval,
    Input.MetricDelay,
    Input.FalseRollbackRate,
    ...(strategy === 'codedeploy' ? [Input.Alarms] : []),
  ];
  const stray = canaryOnly.find((name) => changedFromDefault(inputs, name));
  if (!stray) return;
  const hint =
    strategy === 'codedeploy'
      ? "CodeDeploy shifts traffic by its deployment-config and rolls back on the deployment group's alarms"
      : 'strategy all-at-once moves all traffic at once';
  throw new InputError(`input '${stray}' applies only to alias-weights canaries: ${hint}`);
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
  return { ...context, tag };
}

/** The runner passes action.yml's defaults as values: only a value other than the default counts as given. */
function changedFromDefault(inputs: Inputs, name: Input): boolean {
  const value = inputs.string(name);
  return value !== undefined && value !== ACTION_DEFAULTS[name];
}
