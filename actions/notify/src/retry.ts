import { backoffDelay, formatDuration, pause, type Logger } from '@lambda-release-kit/core';

/** A failure worth another try (429, 5xx, SMTP 4xx, a dropped connection); `retryAfterMs` is the server's ask. */
export class TransientError extends Error {
  override name = 'TransientError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

export interface RetryOptions {
  /** Epoch milliseconds after which no attempt starts and no wait is begun. */
  deadline: number;
  logger: Logger;
  signal?: AbortSignal;
  now?: () => number;
  random?: () => number;
}

const SCHEDULE = { initialDelayMs: 500, maxDelayMs: 8_000, factor: 2, jitter: 0.2 };

/** Retry-After as seconds or an HTTP date, in milliseconds; undefined when absent or unreadable. */
export function retryAfterMs(
  header: string | null | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!header) return undefined;
  if (/^\d+(\.\d+)?$/.test(header.trim())) return Math.round(Number(header) * 1000);
  const at = Date.parse(header);
  return Number.isFinite(at) ? Math.max(0, at - now) : undefined;
}

/**
 * Runs `attempt` until it succeeds, fails for good, or the shared deadline would pass. Each attempt is given the
 * time left, so a hung server cannot outlive the budget. Waits honour Retry-After, else back off exponentially.
 */
export async function withRetries<T>(
  what: string,
  attempt: (remainingMs: number) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  for (let n = 0; ; n++) {
    const remaining = options.deadline - now();
    if (remaining <= 0) throw new Error(`${what}: no time left in the retry budget`);
    try {
      return await attempt(remaining);
    } catch (error) {
      if (!(error instanceof TransientError)) throw error;
      const wait = error.retryAfterMs ?? backoffDelay(n, SCHEDULE, options.random);
      const left = options.deadline - now();
      if (wait >= left) {
        throw new Error(
          `${error.message} (gave up after ${n + 1} attempt${n === 0 ? '' : 's'}: the next try in ${formatDuration(wait)} is past the retry budget)`,
          { cause: error },
        );
      }
      options.logger.info(`${what}: ${error.message}; retrying in ${formatDuration(wait)}`);
      await pause(wait, options.signal);
    }
  }
}
