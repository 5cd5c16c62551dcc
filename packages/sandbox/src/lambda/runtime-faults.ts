/**
 * The environment variable that makes a version fail by configuration alone: the invoker fails that fraction
 * of the version's invocations before its handler runs, and simulated load counts the same fraction as errors.
 */
export const ERROR_RATE_VARIABLE = 'SANDBOX_ERROR_RATE';

/** The configured error rate within [0, 1]; anything else (absent, not a number) means none. */
export function configuredErrorRate(environment: Record<string, string>): number {
  const rate = Number(environment[ERROR_RATE_VARIABLE] ?? 0);
  return rate >= 0 && rate <= 1 ? rate : 0;
}
