import type { DeploymentRecord } from '@lambda-release-kit/core';

/**
 * The functions of a release as notify names them: the one function of a single-function release reads as it
 * always did; the functions of a service release are listed in the record's order, joined by ", ".
 */
export interface ReleaseFunctions {
  names: string;
  aliases: string;
  /** Versions the release replaced; empty when none is recorded. */
  from: string;
  /** Versions the release published; empty when none is recorded. */
  to: string;
}

export function releaseFunctions(record: DeploymentRecord | undefined): ReleaseFunctions {
  const functions = record?.functions ?? [];
  const list = (values: Array<string | undefined>) => [...new Set(values.filter(Boolean))].join(', ');
  return {
    names: list(functions.map((entry) => entry.function.name)),
    aliases: list(functions.map((entry) => entry.alias)),
    from: functions
      .map((entry) => entry.previous?.version ?? '')
      .filter(Boolean)
      .join(', '),
    to: functions
      .map((entry) => entry.target?.version ?? '')
      .filter(Boolean)
      .join(', '),
  };
}
