import { formatDuration, parseDuration, formatPercent } from '@lambda-release-kit/core';

/** One canary step: route `weight` (0–1) of the alias to the new version, then watch it for `bakeMs`. */
export interface CanaryStep {
  weight: number;
  bakeMs: number;
}

export const TRAFFIC_STEPS_EXPECTED =
  'steps like "10%:5m" or "10%:5m,50%:5m" (increasing weights below 100%), or a preset like ' +
  '"Canary10Percent5Minutes" or "Linear10PercentEvery1Minute" (CodeDeploy\'s names, with or without ' +
  'the "CodeDeployDefault.Lambda" prefix)';

const CANARY_PRESET = /^(?:CodeDeployDefault\.Lambda)?Canary(\d{1,2})Percent(\d+)Minutes?$/i;
const LINEAR_PRESET = /^(?:CodeDeployDefault\.Lambda)?Linear(\d{1,2})PercentEvery(\d+)Minutes?$/i;
const STEP = /^(\d+(?:\.\d+)?)\s*%\s*:\s*(\S+)$/;

/** Rounds a fraction to 5 decimals so 3 × 10% is 0.3, not 0.30000000000000004. */
const fraction = (percent: number) => Math.round(percent * 1000) / 100_000;

/**
 * Parses the `traffic-steps` input into the steps before promotion (100% is always the last move and is not a
 * step). Presets mirror CodeDeploy's Lambda configurations: a canary holds one weight for its interval, a
 * linear one adds its percentage every interval until the next addition would reach 100%.
 * Returns an error message (what is wrong) instead of throwing, so the caller can name the input.
 */
export function parseTrafficSteps(text: string): CanaryStep[] | string {
  const value = text.trim();
  const canary = CANARY_PRESET.exec(value);
  if (canary) {
    const percent = Number(canary[1]);
    const minutes = Number(canary[2]);
    if (percent < 1 || minutes < 1) return 'a preset needs a percentage and minutes of at least 1';
    return [{ weight: fraction(percent), bakeMs: minutes * 60_000 }];
  }
  const linear = LINEAR_PRESET.exec(value);
  if (linear) {
    const percent = Number(linear[1]);
    const minutes = Number(linear[2]);
    if (percent < 1 || minutes < 1) return 'a preset needs a percentage and minutes of at least 1';
    const steps: CanaryStep[] = [];
    for (let total = percent; total < 100; total += percent) {
      steps.push({ weight: fraction(total), bakeMs: minutes * 60_000 });
    }
    return steps;
  }
  const steps: CanaryStep[] = [];
  for (const part of value.split(',').map((item) => item.trim())) {
    const match = STEP.exec(part);
    // A bare number is ambiguous here ("10%:5" — seconds or minutes?), so a step's duration needs its unit.
    const [, weight, duration] = match ?? [];
    const bakeMs = duration !== undefined && /[a-z]$/.test(duration) ? parseDuration(duration) : undefined;
    if (weight === undefined || bakeMs === undefined) return `"${part}" is not a step`;
    const percent = Number(weight);
    if (percent <= 0 || percent >= 100) return `"${part}" must route more than 0% and less than 100%`;
    if (bakeMs <= 0) return `"${part}" needs a bake time above zero`;
    const previous = steps.at(-1);
    if (previous && fraction(percent) <= previous.weight)
      return `"${part}" must route more than the step before`;
    steps.push({ weight: fraction(percent), bakeMs });
  }
  return steps;
}

export function totalBakeMs(steps: readonly CanaryStep[]): number {
  return steps.reduce((sum, step) => sum + step.bakeMs, 0);
}

/** "10% for 5m, 50% for 5m, then 100%". */
export function describeSteps(steps: readonly CanaryStep[]): string {
  const parts = steps.map((step) => `${formatPercent(step.weight)} for ${formatDuration(step.bakeMs)}`);
  return [...parts, 'then 100%'].join(', ');
}
