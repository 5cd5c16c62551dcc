/**
 * The demo's view of the user traffic the sandbox's generator sends: answers counted per 2-second window, so
 * the timeline can show how the traffic split moves with the canary.
 */
import { startTraffic } from '@lambda-release-kit/sandbox';

export interface TrafficWindow {
  requests: number;
  errors: number;
  /** Requests answered by each version (from the sandbox's x-sandbox-executed-version header). */
  byVersion: Record<string, number>;
}

export interface WindowedTraffic {
  /** Counts since the last call, then starts a new window. */
  takeWindow(): TrafficWindow;
  stop(): Promise<void>;
}

export function startWindowedTraffic(
  url: string,
  options: { ratePerSecond: number; maxRequests: number; deadlineMs: number },
): WindowedTraffic {
  const traffic = startTraffic(url, options);
  let taken = 0;
  return {
    takeWindow: () => {
      const answers = traffic.answers().slice(taken);
      taken += answers.length;
      const window: TrafficWindow = { requests: answers.length, errors: 0, byVersion: {} };
      for (const answer of answers) {
        if (answer.status === 0 || answer.status >= 500) window.errors++;
        window.byVersion[answer.version] = (window.byVersion[answer.version] ?? 0) + 1;
      }
      return window;
    },
    stop: () => traffic.stop(),
  };
}
