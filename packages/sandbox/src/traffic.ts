/**
 * Steady user traffic to a function URL of the sandbox while a canary runs, so CloudWatch has invocations to
 * judge (used by tests, the demo and the benchmarks). Bounded by a request cap and a deadline; every answer is
 * kept with its arrival time and the version that served it.
 */
export interface Answer {
  /** Date.now() when the answer arrived. */
  at: number;
  status: number;
  version: string;
}

export interface Traffic {
  answers(): Answer[];
  stop(): Promise<void>;
}

export function startTraffic(
  url: string,
  options: { ratePerSecond: number; maxRequests: number; deadlineMs: number },
): Traffic {
  const answers: Answer[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  let sent = 0;
  const sendOne = async () => {
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
      await response.arrayBuffer();
      answers.push({
        at: Date.now(),
        status: response.status,
        version: response.headers.get('x-sandbox-executed-version') ?? '?',
      });
    } catch {
      answers.push({ at: Date.now(), status: 0, version: '?' });
    }
  };
  const timer = setInterval(() => {
    if (sent >= options.maxRequests || Date.now() - started > options.deadlineMs) {
      clearInterval(timer);
      return;
    }
    sent++;
    const request = sendOne().finally(() => inFlight.delete(request));
    inFlight.add(request);
  }, 1000 / options.ratePerSecond);
  return {
    answers: () => [...answers],
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}
