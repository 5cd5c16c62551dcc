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

export interface LoadOptions {
  ratePerSecond: number;
  maxRequests: number;
  deadlineMs: number;
}

/**
 * Sends `request` at a steady rate until the request cap or the deadline, keeping every answer with its arrival
 * time; a request that throws is answered as status 0 (the connection failed).
 */
export function startLoad(
  request: (sequence: number) => Promise<Omit<Answer, 'at'>>,
  options: LoadOptions,
): Traffic {
  const answers: Answer[] = [];
  const inFlight = new Set<Promise<void>>();
  const started = Date.now();
  let sent = 0;
  const sendOne = async (sequence: number) => {
    try {
      answers.push({ at: Date.now(), ...(await request(sequence)) });
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
    const pending = sendOne(sent).finally(() => inFlight.delete(pending));
    inFlight.add(pending);
  }, 1000 / options.ratePerSecond);
  return {
    answers: () => [...answers],
    stop: async () => {
      clearInterval(timer);
      await Promise.all(inFlight);
    },
  };
}

/** The header the example functions set from AWS_LAMBDA_FUNCTION_VERSION: function URLs add no version header. */
export const FUNCTION_VERSION_HEADER = 'x-function-version';

/**
 * Requests to a function URL; the version is the one the function reports in `versionHeader` ('?' when it reports
 * none, as every answer of a function that does not set it).
 */
export function startTraffic(url: string, options: LoadOptions & { versionHeader?: string }): Traffic {
  const versionHeader = options.versionHeader ?? FUNCTION_VERSION_HEADER;
  return startLoad(async () => {
    const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
    await response.arrayBuffer();
    return { status: response.status, version: response.headers.get(versionHeader) ?? '?' };
  }, options);
}
