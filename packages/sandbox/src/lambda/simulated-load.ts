import type { Clock } from '../contracts.js';
import type { FunctionStore } from './functions.js';
import { drawVersion, type Invoker } from './invoker.js';
import type { FunctionState } from './model.js';
import { configuredErrorRate } from './runtime-faults.js';

/** What each version does under simulated load: its error probability and its duration range. */
export interface VersionBehaviour {
  errorRate: number;
  durationMs?: { min: number; max: number };
}

export interface SimulatedLoadOptions {
  functionName: string;
  alias: string;
  /** Requests per second of sandbox time, routed by the alias's current weights. */
  ratePerSecond: number;
  /**
   * By version number. A version not listed takes its error rate from its configuration (the
   * SANDBOX_ERROR_RATE environment variable, as real invocations do) and lasts 50–150 ms.
   */
  versions?: Record<string, VersionBehaviour>;
  /** A seeded generator makes a run repeatable. */
  random?: () => number;
  /**
   * Also records, at once, the traffic this rate would have served over the last `historyMs` (through the alias as
   * it is now), as if the load had been running already: for what reads an alias's recent past. Default 0.
   */
  historyMs?: number;
}

export interface SimulatedLoad {
  /** Invocations recorded so far, by version: total and errors. */
  counts(): Record<string, { invocations: number; errors: number }>;
  stop(): void;
}

const TICK_MS = 20;
const DEFAULT_DURATION_MS = { min: 50, max: 150 };

/** A listed behaviour, else the one the version's configuration gives; `timeoutMs` is the version's Timeout. */
function behaviourOf(
  fn: FunctionState,
  version: string,
  listed: Record<string, VersionBehaviour>,
): VersionBehaviour & { timeoutMs: number } {
  const snapshot = (fn.versions.get(version) ?? fn.latest).snapshot;
  const behaviour = listed[version] ?? { errorRate: configuredErrorRate(snapshot.environment) };
  return { ...behaviour, timeoutMs: snapshot.timeoutSeconds * 1000 };
}

/**
 * Production-sized traffic at a time scale, without running handlers: every few real milliseconds it records
 * the invocations the elapsed sandbox time would have served through the alias (CloudWatch sees them like
 * real ones). At time scale 60, 50 requests/s of sandbox time would be 3,000 real requests a second, more than
 * a test machine serves; this keeps the statistics of a canary verdict realistic in a benchmark.
 */
export function simulateLoad(
  store: FunctionStore,
  invoker: Invoker,
  clock: Clock,
  options: SimulatedLoadOptions,
): SimulatedLoad {
  const random = options.random ?? Math.random;
  const counts: Record<string, { invocations: number; errors: number }> = {};
  let last = clock.now() - (options.historyMs ?? 0);
  let owed = 0;
  const tick = () => {
    const now = clock.now();
    const fn = store.find(options.functionName);
    const alias = fn?.aliases.get(options.alias);
    if (!fn || !alias) {
      last = now;
      return;
    }
    owed += ((now - last) / 1000) * options.ratePerSecond;
    const due = Math.floor(owed);
    owed -= due;
    for (let i = 0; i < due; i++) {
      const version = drawVersion(alias, random);
      const behaviour = behaviourOf(fn, version, options.versions ?? {});
      const range = behaviour.durationMs ?? DEFAULT_DURATION_MS;
      const failed = random() < behaviour.errorRate;
      const duration = range.min + random() * (range.max - range.min);
      // A request running past the version's Timeout ends as a timeout error, its duration the Timeout.
      const timedOut = duration > behaviour.timeoutMs;
      const error = failed || timedOut;
      const count = (counts[version] ??= { invocations: 0, errors: 0 });
      count.invocations++;
      if (error) count.errors++;
      invoker.record({
        functionName: fn.name,
        executedVersion: version,
        alias: alias.name,
        // Spread evenly over the elapsed sandbox time.
        at: last + ((now - last) * (i + 1)) / (due + 1),
        durationMs: timedOut ? behaviour.timeoutMs : duration,
        error,
        throttled: false,
      });
    }
    last = now;
  };
  if (options.historyMs) tick();
  const timer = setInterval(tick, TICK_MS);
  // A load left running must not keep a test or benchmark process alive.
  timer.unref();
  return { counts: () => counts, stop: () => clearInterval(timer) };
}
