import { formatDuration } from './duration.js';
import { awsErrorName, errorMessage, UserError } from './errors.js';
import type { Logger } from './logger.js';
import { backoffDelay, pause } from './wait.js';

/** Exception names AWS uses for throttling and for "another operation is in progress" (409): both pass. */
const TRANSIENT_NAMES = new Set([
  'TooManyRequestsException',
  'ThrottlingException',
  'Throttling',
  'Throttled',
  'ThrottledException',
  'KMSThrottlingException',
  'RequestLimitExceeded',
  'SlowDown',
  'ResourceConflictException',
  'ServiceException',
  'ServiceUnavailableException',
  'InternalFailure',
  'InternalServerError',
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
]);

/** Socket errors of a dropped or refused connection. */
const NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'ENOTFOUND']);

/** What to do about errors that retrying cannot fix. */
const FIXES: Record<string, string> = {
  AccessDeniedException: "the role needs permission for this call: see the IAM policy in the action's docs",
  AccessDenied: "the role needs permission for this call: see the IAM policy in the action's docs",
  ResourceNotFoundException: "check 'function-name', 'alias' and 'region'",
};

/**
 * A failure worth another try, raised by callers that know their protocol (HTTP 429 or 5xx, SMTP 4xx, a Slack
 * "ratelimited"); `retryAfterMs` is the server's own ask (Retry-After) and replaces the backoff.
 */
export class TransientError extends Error {
  override name = 'TransientError';
  constructor(
    message: string,
    readonly retryAfterMs?: number,
  ) {
    super(message);
  }
}

/** True for errors that may pass by themselves: throttling, 5xx, 409 in progress, dropped connections, timeouts. */
export function isTransient(error: unknown): boolean {
  if (error instanceof TransientError) return true;
  if (!(error instanceof Error)) return false;
  const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
  const code = (error as NodeJS.ErrnoException).code;
  return (
    TRANSIENT_NAMES.has(error.name) ||
    (status !== undefined && status >= 500) ||
    (code !== undefined && NETWORK_CODES.has(code)) ||
    /socket hang up/i.test(error.message)
  );
}

export interface RetryOptions {
  /** The call, for retry lines and errors ("UpdateAlias live of orders-api"). */
  operation: string;
  /** Epoch milliseconds after which no attempt starts: the action's own deadline. */
  deadline: number;
  logger: Logger;
  /** The action's cancellation; each attempt also gets a signal that fires at the deadline. */
  signal?: AbortSignal | undefined;
  initialDelayMs?: number;
  maxDelayMs?: number;
  now?: () => number;
  /**
   * The error to throw when time runs out: the last failure, the attempts made and the wait the next try needed.
   * Default: "<operation> still failed at the deadline after N attempts: <error> — raise 'timeout' or run again".
   */
  outOfTime?: (failure: { error: unknown; attempts: number; nextDelayMs: number }) => Error;
}

/**
 * Runs `call` until it succeeds, retrying transient errors with backoff and jitter (or the server's Retry-After)
 * until the deadline (each retry logged on one line), for operations that must not give up while time is left,
 * such as restoring traffic. A wait that would end past the deadline is not begun: the last failure is thrown at
 * once. Each attempt gets an AbortSignal that fires at the deadline, so the SDK's own retries cannot overrun it.
 * Other errors (access denied, not found, validation) are thrown at once with the fix where one is known.
 */
export async function retryTransient<T>(
  call: (signal: AbortSignal) => Promise<T>,
  options: RetryOptions,
): Promise<T> {
  const now = options.now ?? Date.now;
  const schedule = {
    initialDelayMs: options.initialDelayMs ?? 500,
    maxDelayMs: options.maxDelayMs ?? 5_000,
    factor: 2,
    jitter: 0.3,
  };
  for (let attempt = 1; ; attempt++) {
    const remaining = options.deadline - now();
    const atDeadline = AbortSignal.timeout(Math.max(1, remaining));
    const signal = options.signal ? AbortSignal.any([options.signal, atDeadline]) : atDeadline;
    try {
      return await call(signal);
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const name = awsErrorName(error) ?? (error as NodeJS.ErrnoException).code ?? 'Error';
      const left = options.deadline - now();
      if (!isTransient(error) && !atDeadline.aborted) {
        const fix = FIXES[name];
        // Other errors go back unchanged: callers decide on them by their AWS name (412, already completed).
        if (!fix) throw error;
        throw new UserError(`${options.operation} failed: ${errorMessage(error)} — ${fix}`, { cause: error });
      }
      const retryAfter = error instanceof TransientError ? error.retryAfterMs : undefined;
      const delay = retryAfter ?? backoffDelay(attempt - 1, schedule);
      if (delay >= left || atDeadline.aborted) {
        if (options.outOfTime) throw options.outOfTime({ error, attempts: attempt, nextDelayMs: delay });
        throw new UserError(
          `${options.operation} still failed at the deadline after ${attempt} attempts: ${errorMessage(error)} — raise 'timeout' or run again`,
        );
      }
      // A TransientError says in its message what happened ("rate limited (HTTP 429)"); an AWS error by its name.
      const failure = error instanceof TransientError ? error.message : name;
      options.logger.info(
        `${options.operation}: ${failure} (attempt ${attempt}); retrying in ${formatDuration(delay)}`,
      );
      await pause(delay, options.signal);
    }
  }
}
