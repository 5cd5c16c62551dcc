import { InputError, Inputs } from '@lambda-release-kit/core';
import { Input, ON_INCONCLUSIVE } from './constants.js';
import type { HealthThresholds, OnInconclusive } from './plan.js';

/** The gates a `functions` item may set for its own function, read with the same rules as the action's inputs. */
export const FUNCTION_GATE_KEYS = [
  Input.MaxErrorRate,
  Input.MaxP95Latency,
  Input.MaxP99Latency,
  Input.MinInvocations,
  Input.CompareToStable,
  Input.OnInconclusive,
] as const;

/** What one function is judged by, and what an inconclusive verdict of it does at the end of the schedule. */
export interface FunctionGates {
  thresholds: HealthThresholds;
  onInconclusive: OnInconclusive;
}

/**
 * The gate inputs over `base`: a gate not given keeps the base's. The action's inputs read over the documented
 * defaults; a `functions` item's keys read over the action's (see readItemGates).
 */
export function readGates(inputs: Inputs, base: FunctionGates): FunctionGates {
  const given = base.thresholds;
  return {
    thresholds: {
      ...given,
      maxErrorRate: inputs.percentage(Input.MaxErrorRate, { default: given.maxErrorRate }),
      maxP95LatencyMs: inputs.duration(Input.MaxP95Latency, { min: 1 }) ?? given.maxP95LatencyMs,
      maxP99LatencyMs: inputs.duration(Input.MaxP99Latency, { min: 1 }) ?? given.maxP99LatencyMs,
      // At least one: with no invocation at all there is nothing to judge (on-inconclusive decides what happens then).
      minInvocations: inputs.integer(Input.MinInvocations, { default: given.minInvocations, min: 1 }),
      compareToStable: inputs.boolean(Input.CompareToStable, given.compareToStable),
    },
    onInconclusive: inputs.enum(Input.OnInconclusive, ON_INCONCLUSIVE, base.onInconclusive),
  };
}

/**
 * A `functions` item's own gates over the action's: each key is checked as its input is, and an error names the
 * item and the key ("input 'functions' item 2 'max-error-rate' has ...").
 */
export function readItemGates(
  gates: Partial<Record<(typeof FUNCTION_GATE_KEYS)[number], unknown>>,
  where: string,
  base: FunctionGates,
): FunctionGates {
  const raw = (name: string): string => {
    const value = gates[name as (typeof FUNCTION_GATE_KEYS)[number]];
    if (value === undefined || value === null) return '';
    return typeof value === 'string'
      ? value
      : typeof value === 'object'
        ? JSON.stringify(value)
        : String(value);
  };
  try {
    return readGates(new Inputs(raw), base);
  } catch (error) {
    if (error instanceof InputError && error.message.startsWith(`input '`)) {
      throw new InputError(`${where} '${error.message.slice(`input '`.length)}`);
    }
    throw error;
  }
}
