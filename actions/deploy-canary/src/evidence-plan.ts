import { GetMetricDataCommand, type CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { abortOptions, bareFunctionName, formatDuration, formatPercent } from '@lambda-release-kit/core';
import { formatRate } from './canary-traffic.js';
import { PERCENTILE_SAMPLES } from './health.js';
import type { CanaryTraffic } from './canary-traffic-input.js';
import type { HealthThresholds, OnInconclusive } from './plan.js';
import { expectedInvocations, type ErrorRateGate, type StableBaseline } from './sequential-test.js';
import type { CanaryStep } from './traffic-steps.js';

/**
 * Before any traffic moves: from what each alias served in the last hour, how many canary invocations the
 * schedule will give each function, and whether that is enough for the sequential test to reach a verdict.
 */

/** How far back the plan looks at the alias's traffic. */
export const HISTORY_MS = 3_600_000;
const MINUTE_MS = 60_000;
/** GetMetricData takes at most 500 queries per call; two per function. */
const FUNCTIONS_PER_CALL = 250;

/** What an alias served in the window read: invocations and errors, all versions together. */
export interface AliasHistory {
  invocations: number;
  errors: number;
  windowMs: number;
}

/**
 * Reads the Invocations and Errors of every alias (FunctionName + Resource=fn:alias, per-minute Sum) over the
 * hour before the last published minute, in one GetMetricData call for up to 250 functions.
 */
export async function readAliasHistory(
  cloudwatch: CloudWatchClient,
  aliases: ReadonlyArray<{ functionName: string; alias: string }>,
  publishedUntil: number,
  signal?: AbortSignal,
): Promise<AliasHistory[]> {
  const end = Math.floor(publishedUntil / MINUTE_MS) * MINUTE_MS;
  const start = end - HISTORY_MS;
  const sums = new Map<string, number>();
  for (let first = 0; first < aliases.length; first += FUNCTIONS_PER_CALL) {
    const queries = aliases
      .slice(first, first + FUNCTIONS_PER_CALL)
      .flatMap(({ functionName, alias }, offset) => {
        const name = bareFunctionName(functionName);
        const dimensions = [
          { Name: 'FunctionName', Value: name },
          { Name: 'Resource', Value: `${name}:${alias}` },
        ];
        return (['Invocations', 'Errors'] as const).map((metric) => ({
          Id: `${metric === 'Invocations' ? 'i' : 'e'}${first + offset}`,
          MetricStat: {
            Metric: { Namespace: 'AWS/Lambda', MetricName: metric, Dimensions: dimensions },
            Period: 60,
            Stat: 'Sum',
          },
        }));
      });
    let nextToken: string | undefined;
    for (let page = 0; page < 20; page++) {
      const result = await cloudwatch.send(
        new GetMetricDataCommand({
          StartTime: new Date(start),
          EndTime: new Date(end),
          MetricDataQueries: queries,
          NextToken: nextToken,
        }),
        abortOptions(signal),
      );
      for (const series of result.MetricDataResults ?? []) {
        if (series.Id === undefined) continue;
        const total = (series.Values ?? []).reduce((sum, value) => sum + value, 0);
        sums.set(series.Id, (sums.get(series.Id) ?? 0) + total);
      }
      nextToken = result.NextToken;
      if (!nextToken) break;
    }
  }
  return aliases.map((_, index) => ({
    invocations: sums.get(`i${index}`) ?? 0,
    errors: sums.get(`e${index}`) ?? 0,
    windowMs: HISTORY_MS,
  }));
}

/** One function's part of the release, as the evidence plan needs it. */
export interface EvidenceTarget {
  functionName: string;
  steps: readonly CanaryStep[];
  thresholds: HealthThresholds;
  onInconclusive: OnInconclusive;
  canaryTraffic?: CanaryTraffic | undefined;
  /** How many functions share the release's false-rollback-rate (it is split evenly between them). */
  functionsInRelease: number;
}

/** expected: the schedule gives what the test needs on average; unlikely: less; impossible: not even its minimum. */
export type Outlook = 'expected' | 'unlikely' | 'impossible';

export interface EvidencePlan {
  functionName: string;
  /** Requests per second through the alias over the last hour. */
  requestsPerSecond: number;
  /** The alias's error rate over the last hour; undefined when it served nothing (a quiet function). */
  stableErrorRate?: number | undefined;
  /** Canary invocations the whole schedule should give, canary traffic included. */
  canaryInvocations: number;
  fromCanaryTraffic: number;
  /** Invocations the sequential test needs on average for a canary that behaves like the stable version. */
  needed: number;
  /** The fewest invocations with which the test can conclude at all (a canary with no errors). */
  minimum: number;
  outlook: Outlook;
  /** The plan's sentence: traffic, invocations, what a verdict needs, the outlook. */
  line: string;
  /** What to set when a verdict is not expected. */
  advice?: string | undefined;
}

/** The evidence plan of one function from its alias's last hour. */
export function planEvidence(target: EvidenceTarget, history: AliasHistory): EvidencePlan {
  const { thresholds, steps } = target;
  const requestsPerSecond = history.invocations / (history.windowMs / 1000);
  const stableErrorRate = history.invocations > 0 ? history.errors / history.invocations : undefined;
  const canaryPerSecond = target.canaryTraffic?.ratePerSecond ?? 0;
  const seconds = (step: CanaryStep) => step.bakeMs / 1000;
  const fromUsers = steps.reduce((sum, step) => sum + requestsPerSecond * step.weight * seconds(step), 0);
  const fromCanaryTraffic = steps.reduce((sum, step) => sum + canaryPerSecond * seconds(step), 0);
  const stableInvocations = steps.reduce(
    (sum, step) => sum + requestsPerSecond * (1 - step.weight) * seconds(step),
    0,
  );
  const canaryInvocations = fromUsers + fromCanaryTraffic;
  // As the verdict does: compare-to-stable falls back to the gate alone when the stable version has no traffic.
  const compared = thresholds.compareToStable && stableInvocations >= 1;
  const gate: ErrorRateGate = {
    maxErrorRate: thresholds.maxErrorRate,
    compareToStable: compared,
    falseRollbackRate: thresholds.falseRollbackRate / target.functionsInRelease,
    missedRegressionRate: thresholds.missedRegressionRate,
  };
  const rate = stableErrorRate ?? 0;
  const baseline = (canaryRate: number): StableBaseline | undefined =>
    compared
      ? { errorRate: rate, invocationsPerCanaryInvocation: stableInvocations / Math.max(1, canaryRate) }
      : undefined;
  // Healthy also needs min-invocations and the samples a latency gate is judged from.
  const floor = Math.max(
    thresholds.minInvocations,
    thresholds.maxP95LatencyMs !== undefined ? PERCENTILE_SAMPLES.p95 : 0,
    thresholds.maxP99LatencyMs !== undefined ? PERCENTILE_SAMPLES.p99 : 0,
  );
  const needed = Math.max(floor, expectedInvocations(gate, rate, baseline(canaryInvocations)));
  const minimum = Math.max(floor, expectedInvocations(gate, 0, baseline(canaryInvocations)));
  const outlook: Outlook =
    canaryInvocations >= needed ? 'expected' : canaryInvocations >= minimum ? 'unlikely' : 'impossible';

  const plan = { requestsPerSecond, canaryPerSecond, stableErrorRate, canaryInvocations, fromCanaryTraffic };
  const line =
    `${target.functionName}: ${describeTraffic(plan, steps)}; ` +
    `${describeNeed(thresholds, compared, stableErrorRate, needed)}: ` +
    (outlook === 'expected'
      ? 'expected to conclude'
      : outlook === 'unlikely'
        ? `a verdict is unlikely (it needs ~${count(minimum)} at the very least)`
        : `no verdict possible for ${target.functionName} in this schedule` +
          (minimum < needed ? ` (it needs ~${count(minimum)} at the very least)` : ''));
  return {
    functionName: target.functionName,
    requestsPerSecond,
    stableErrorRate,
    canaryInvocations,
    fromCanaryTraffic,
    needed,
    minimum,
    outlook,
    line,
    advice: outlook === 'expected' ? undefined : advise(target, canaryInvocations, needed),
  };
}

/** "at ~40 requests/s, 10%:3m,50%:3m gives ~4,300 canary invocations". */
function describeTraffic(
  plan: {
    requestsPerSecond: number;
    canaryPerSecond: number;
    stableErrorRate?: number | undefined;
    canaryInvocations: number;
    fromCanaryTraffic: number;
  },
  steps: readonly CanaryStep[],
): string {
  const schedule = steps
    .map((step) => `${formatPercent(step.weight)}:${formatDuration(step.bakeMs)}`)
    .join(',');
  const users =
    plan.stableErrorRate === undefined
      ? 'no invocations in the last hour (planned as quiet)'
      : `at ~${formatRequests(plan.requestsPerSecond)}`;
  const traffic =
    plan.canaryPerSecond > 0
      ? ` plus canary traffic at ${formatRate(plan.canaryPerSecond)}`
      : ', no canary traffic';
  const share =
    plan.fromCanaryTraffic > 0 && plan.canaryInvocations > plan.fromCanaryTraffic
      ? ` (~${count(plan.fromCanaryTraffic)} of them canary traffic)`
      : '';
  return `${users}${traffic}, ${schedule} gives ~${count(plan.canaryInvocations)} canary invocations${share}`;
}

/** "a verdict within 0.5% of stable's 1.0% needs ~3,000". */
function describeNeed(
  thresholds: HealthThresholds,
  compared: boolean,
  stableErrorRate: number | undefined,
  needed: number,
): string {
  const gate = formatPercent(thresholds.maxErrorRate, { significant: 2 });
  const stable =
    stableErrorRate === undefined ? undefined : formatPercent(stableErrorRate, { significant: 2 });
  const verdict = compared
    ? `a verdict within ${gate} of stable's ${stable ?? '0%'}`
    : stable === undefined
      ? `a verdict at the ${gate} gate, for a canary without errors,`
      : `a verdict at the ${gate} gate, for a canary failing like stable's ${stable},`;
  const above =
    !compared && stableErrorRate !== undefined && stableErrorRate > thresholds.maxErrorRate
      ? ` (stable is above the gate: a canary like it is rolled back)`
      : '';
  return `${verdict} needs ~${count(needed)}${above}`;
}

/** What would let the function conclude: canary traffic at a rate, longer steps, or its own on-inconclusive. */
function advise(target: EvidenceTarget, canaryInvocations: number, needed: number): string {
  const bakeSeconds = target.steps.reduce((sum, step) => sum + step.bakeMs / 1000, 0);
  const options: string[] = [];
  if (Number.isFinite(needed) && bakeSeconds > 0) {
    const current = target.canaryTraffic?.ratePerSecond ?? 0;
    const extra = (needed - canaryInvocations) / bakeSeconds;
    options.push(`canary-traffic: ${adviseRate(current + extra)} or more`);
    if (canaryInvocations > 0) {
      const longer = (bakeSeconds * needed) / canaryInvocations;
      options.push(`steps baking ~${formatDuration(Math.ceil(longer / 60) * 60_000)} in total`);
    }
  }
  const consequence =
    target.onInconclusive === 'fail'
      ? 'now fail: the release is refused'
      : target.onInconclusive === 'promote'
        ? 'now promote: it is promoted without a verdict'
        : 'now wait: it waits up to the bake timeout for more evidence, then rolls back';
  options.push(`its own on-inconclusive`);
  return `set ${options.join(', or ')} (${consequence})`;
}

/** A rate as the canary-traffic input takes it, two significant digits rounded up so the advice is enough. */
function adviseRate(perSecond: number): string {
  const [value, unit] = perSecond >= 1 ? [perSecond, 's'] : [perSecond * 60, 'm'];
  const magnitude = 10 ** (Math.floor(Math.log10(value)) - 1);
  return `${Number((Math.ceil(value / magnitude) * magnitude).toPrecision(2))}/${unit}`;
}

/** "40 requests/s", "0.1 requests/s", "3 requests/min". */
function formatRequests(perSecond: number): string {
  if (perSecond >= 1) return `${Number(perSecond.toPrecision(2))} requests/s`;
  if (perSecond >= 0.1) return `${Number(perSecond.toPrecision(1))} requests/s`;
  return `${Number((perSecond * 60).toPrecision(2))} requests/min`;
}

/** "4,300": two significant digits above 100, exact below. */
function count(value: number): string {
  if (!Number.isFinite(value)) return '∞';
  const rounded = value >= 100 ? Number(Math.round(value).toPrecision(2)) : Math.round(value);
  return rounded.toLocaleString('en-US');
}
