import { bareFunctionName, type DeploymentRecord } from '@lambda-release-kit/core';

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
  /** The names of the functions a rollback restored, joined by ", "; empty when none was. */
  restored: string;
  /** One entry per function, in the record's order. */
  each: FunctionLine[];
}

/** One function of the release: what it was, what the release made it, and where a rollback put it back. */
export interface FunctionLine {
  name: string;
  alias: string;
  from?: string | undefined;
  to?: string | undefined;
  /** The version a rollback restored, when one did. */
  restoredTo?: string | undefined;
}

export function releaseFunctions(record: DeploymentRecord | undefined): ReleaseFunctions {
  const functions = record?.functions ?? [];
  const list = (values: Array<string | undefined>) => [...new Set(values.filter(Boolean))].join(', ');
  const each = functions.map((entry): FunctionLine => ({
    name: entry.function.name,
    alias: entry.alias,
    from: entry.previous?.version,
    to: entry.target?.version,
    restoredTo: restoredVersion(record, entry.function.name),
  }));
  return {
    names: list(each.map((entry) => entry.name)),
    aliases: list(each.map((entry) => entry.alias)),
    from: each
      .map((entry) => entry.from ?? '')
      .filter(Boolean)
      .join(', '),
    to: each
      .map((entry) => entry.to ?? '')
      .filter(Boolean)
      .join(', '),
    restored: list(each.map((entry) => (entry.restoredTo ? entry.name : undefined))),
    each,
  };
}

/** The version the latest rollback of this function restored; an entry that names no function covers the release. */
function restoredVersion(record: DeploymentRecord | undefined, name: string): string | undefined {
  const bare = bareFunctionName(name);
  return record?.rollbacks.findLast(
    (entry) => entry.function === undefined || bareFunctionName(entry.function) === bare,
  )?.to;
}
