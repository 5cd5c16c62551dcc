import { InvokeCommand, type LambdaClient } from '@aws-sdk/client-lambda';
import type { CanaryTrafficRecord, DeploymentRecord, Logger } from '@lambda-release-kit/core';
import type { CanaryTraffic } from './canary-traffic-input.js';
import type { RolloutClock } from './rollout-clock.js';

export interface CanaryTrafficRun {
  /** Stops sending, abandons requests still in flight, and returns the tally. Safe to call twice. */
  stop(): Promise<CanaryTrafficRecord>;
  tally(): CanaryTrafficRecord;
}

/** At most this many requests wait for an answer at once: a slow version slows the traffic instead of piling up. */
const MAX_IN_FLIGHT = 10;

/**
 * Invokes `version` of the function directly (Qualifier = the version number, never the alias, so the stable
 * version gets none of it) at `traffic.ratePerSecond` on the rollout's clock, until stopped or `signal` fires.
 * A pace that falls behind (a loaded machine, a slow version) skips ahead rather than bursting to catch up.
 * Failures are evidence, not faults: they are counted and never thrown. CloudWatch counts these invocations
 * under FunctionName + Resource=<function>:<version>, where readVersionMetrics reads them for the canary.
 */
export function startCanaryTraffic(
  lambda: LambdaClient,
  target: { functionName: string; version: string },
  traffic: CanaryTraffic,
  clock: RolloutClock,
  signal?: AbortSignal,
): CanaryTrafficRun {
  const stopping = new AbortController();
  const until = signal ? AbortSignal.any([stopping.signal, signal]) : stopping.signal;
  const tally: CanaryTrafficRecord = {
    ratePerSecond: traffic.ratePerSecond,
    sent: 0,
    functionErrors: 0,
    failedRequests: 0,
  };
  const payload = new TextEncoder().encode(traffic.payload);
  const inFlight = new Set<Promise<void>>();
  const invokeOnce = async () => {
    tally.sent++;
    try {
      const answer = await lambda.send(
        new InvokeCommand({ FunctionName: target.functionName, Qualifier: target.version, Payload: payload }),
        { abortSignal: until },
      );
      if (answer.FunctionError !== undefined) tally.functionErrors++;
    } catch {
      // A request abandoned because the traffic stopped is not a failure of anything.
      if (!until.aborted) tally.failedRequests++;
    }
  };
  const intervalMs = 1000 / traffic.ratePerSecond;
  const loop = (async () => {
    let next = clock.now();
    while (!until.aborted) {
      next = Math.max(next + intervalMs, clock.now() - intervalMs);
      try {
        await clock.sleep(Math.max(0, next - clock.now()), until);
        if (inFlight.size >= MAX_IN_FLIGHT) await Promise.race(inFlight);
      } catch {
        break;
      }
      if (until.aborted) break;
      const request = invokeOnce().finally(() => inFlight.delete(request));
      inFlight.add(request);
    }
  })();
  let stopped: Promise<CanaryTrafficRecord> | undefined;
  return {
    tally: () => ({ ...tally }),
    stop: () =>
      (stopped ??= (async () => {
        stopping.abort(new Error('canary traffic stopped'));
        await loop;
        await Promise.all(inFlight);
        return { ...tally };
      })()),
  };
}

/** A function of the release as the rollout moves it: its deploy settings and the version being canaried. */
interface CanaryTarget {
  deploy: { functionName: string; alias: string; canaryTraffic?: CanaryTraffic | undefined };
  target: string;
}

/**
 * The canary traffic of every function of a release that asks for it, started when the first step has moved
 * the aliases and stopped before promotion or restore (or when `signal` fires), each tally written to the
 * function's record entry.
 */
export class ReleaseCanaryTraffic {
  private constructor(private readonly runs: Array<{ fn: CanaryTarget; run: CanaryTrafficRun }>) {}

  static start(
    lambda: LambdaClient,
    functions: readonly CanaryTarget[],
    clock: RolloutClock,
    logger: Logger,
    signal?: AbortSignal,
  ): ReleaseCanaryTraffic {
    const runs = functions.flatMap((fn) => {
      const traffic = fn.deploy.canaryTraffic;
      if (!traffic) return [];
      logger.info(
        `canary traffic: ${formatRate(traffic.ratePerSecond)} straight to ${fn.deploy.functionName} version ${fn.target} during every bake`,
      );
      const target = { functionName: fn.deploy.functionName, version: fn.target };
      return [{ fn, run: startCanaryTraffic(lambda, target, traffic, clock, signal) }];
    });
    return new ReleaseCanaryTraffic(runs);
  }

  /** Writes each function's tally so far into its entry of `record`. */
  record(record: DeploymentRecord, tallies = this.runs.map(({ run }) => run.tally())): void {
    this.runs.forEach(({ fn }, index) => {
      const entry = record.functions.find(
        (released) => released.function.name === fn.deploy.functionName && released.alias === fn.deploy.alias,
      );
      const tally = tallies[index];
      if (entry && tally) entry.canaryTraffic = tally;
    });
  }

  /** Stops every function's traffic and says what each sent; returns the final tallies in start order. */
  async stop(logger: Logger): Promise<CanaryTrafficRecord[]> {
    const tallies = await Promise.all(this.runs.map(({ run }) => run.stop()));
    this.runs.forEach(({ fn }, index) => {
      const tally = tallies[index];
      if (!tally) return;
      logger.info(
        `canary traffic to ${fn.deploy.functionName} version ${fn.target} stopped: ${tally.sent} invocations sent, ` +
          `${tally.functionErrors} function errors, ${tally.failedRequests} requests without an answer`,
      );
    });
    return tallies;
  }
}

/** A rate as the canary-traffic input writes it: "2/s" from one a second, "30/m" below. */
export function formatRate(perSecond: number): string {
  if (perSecond >= 1) return `${Number(perSecond.toPrecision(3))}/s`;
  return `${Number((perSecond * 60).toPrecision(3))}/m`;
}
