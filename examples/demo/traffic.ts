/**
 * Steady user traffic to the alias's function URL while the pipeline runs, so the canary has real invocations to
 * judge. Bounded: it sends at most `maxRequests` and stops when asked or at `deadlineMs`.
 */
export interface TrafficWindow {
  requests: number;
  errors: number;
  /** Requests answered by each version (from the sandbox's x-sandbox-executed-version header). */
  byVersion: Record<string, number>;
}

export interface Traffic {
  /** Counts since the last call, then starts a new window. */
  takeWindow(): TrafficWindow;
  stop(): Promise<void>;
}

export function startTraffic(
  url: string,
  options: { ratePerSecond: number; maxRequests: number; deadlineMs: number },
): Traffic {
  let window: TrafficWindow = { requests: 0, errors: 0, byVersion: {} };
  let sent = 0;
  let stopped = false;
  const started = Date.now();
  const inFlight = new Set<Promise<void>>();

  const sendOne = async () => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      const version = response.headers.get('x-sandbox-executed-version') ?? '?';
      window.requests++;
      window.byVersion[version] = (window.byVersion[version] ?? 0) + 1;
      if (response.status >= 500) window.errors++;
    } catch {
      window.requests++;
      window.errors++;
    }
  };

  const timer = setInterval(() => {
    if (stopped || sent >= options.maxRequests || Date.now() - started > options.deadlineMs) {
      clearInterval(timer);
      return;
    }
    sent++;
    const request = sendOne().finally(() => inFlight.delete(request));
    inFlight.add(request);
  }, 1000 / options.ratePerSecond);

  return {
    takeWindow: () => {
      const taken = window;
      window = { requests: 0, errors: 0, byVersion: {} };
      return taken;
    },
    stop: async () => {
      stopped = true;
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
