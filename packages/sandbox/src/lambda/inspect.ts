import type { InvocationRecord } from '../contracts.js';
import type { FunctionStore } from './functions.js';

/** Lambda's part of GET /_sandbox/state: functions, versions, aliases, and invocation counts. */
export function inspectLambda(store: FunctionStore, invocations: readonly InvocationRecord[]): unknown {
  return {
    functions: store.all().map((fn) => ({
      name: fn.name,
      state: store.state(fn),
      lastUpdateStatus: store.lastUpdateStatus(fn),
      revisionId: fn.latest.revisionId,
      codeSha256: fn.latest.snapshot.codeSha256,
      imageUri: fn.latest.snapshot.imageUri,
      reservedConcurrency: fn.reservedConcurrency,
      versions: [...fn.versions.values()].map((v) => ({
        version: v.version,
        codeSha256: v.snapshot.codeSha256,
        imageUri: v.snapshot.imageUri,
        description: v.description,
      })),
      aliases: [...fn.aliases.values()].map((a) => ({
        name: a.name,
        functionVersion: a.functionVersion,
        additionalVersionWeights: a.additionalVersionWeights,
        revisionId: a.revisionId,
      })),
      invocations: summarize(invocations.filter((i) => i.functionName === fn.name)),
    })),
  };
}

function summarize(
  records: readonly InvocationRecord[],
): Record<string, { count: number; errors: number; throttles: number }> {
  const byVersion: Record<string, { count: number; errors: number; throttles: number }> = {};
  for (const r of records) {
    const s = (byVersion[r.executedVersion] ??= { count: 0, errors: 0, throttles: 0 });
    s.count += 1;
    if (r.error) s.errors += 1;
    if (r.throttled) s.throttles += 1;
  }
  return byVersion;
}
