// Core's duration module, imported by subpath so the engine does not pull in the Actions toolkit with core's index.
import { formatDuration, parseDuration as parseDurationText } from '@lambda-release-kit/core/duration';

/** Milliseconds from "250ms", "5s", "1m30s", "2h", or a number of seconds (YAML may give a number); else undefined. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number')
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  return typeof value === 'string' ? parseDurationText(value) : undefined;
}

export const formatMs = formatDuration;
