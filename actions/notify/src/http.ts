import {
  errorMessage,
  formatDuration,
  retryTransient,
  splitUrlCredentials,
  TransientError,
  type Logger,
} from '@lambda-release-kit/core';

export type FetchFn = typeof fetch;

/** What every channel sender needs: the shared deadline, a logger, and the means to reach the network. */
export interface SendContext {
  deadline: number;
  logger: Logger;
  fetch: FetchFn;
  signal?: AbortSignal | undefined;
  now?: (() => number) | undefined;
}

const ATTEMPT_TIMEOUT_MS = 15_000;

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
 * Runs one channel's attempts with core's retryTransient, all channels within the one retry budget. Each attempt
 * is cut after 15 s or at the budget's end (its signal, and `timeoutMs` for clients that take a number), so a hung
 * server cannot outlive the budget.
 */
export function withRetries<T>(
  what: string,
  ctx: SendContext,
  attempt: (signal: AbortSignal, timeoutMs: number) => Promise<T>,
): Promise<T> {
  const now = ctx.now ?? Date.now;
  return retryTransient(
    (signal) =>
      attempt(
        AbortSignal.any([signal, AbortSignal.timeout(ATTEMPT_TIMEOUT_MS)]),
        Math.min(ctx.deadline - now(), ATTEMPT_TIMEOUT_MS),
      ),
    {
      operation: what,
      deadline: ctx.deadline,
      logger: ctx.logger,
      signal: ctx.signal,
      now,
      maxDelayMs: 8_000,
      outOfTime: ({ error, attempts, nextDelayMs }) =>
        new Error(
          `${errorMessage(error)} (gave up after ${attempts} attempt${attempts === 1 ? '' : 's'}: the next try in ${formatDuration(nextDelayMs)} is past the retry budget)`,
          { cause: error },
        ),
    },
  );
}

/** Status and body of an HTTP answer worth reading (not 429 or 5xx, which are retried). */
export interface HttpAnswer {
  status: number;
  text: string;
  headers: Headers;
}

/**
 * One POST: 408, 429 (after Retry-After), 5xx and dropped connections throw a TransientError. Errors never name
 * the URL, which is often the secret itself (Slack webhooks).
 */
export async function post(
  ctx: SendContext,
  url: string,
  init: { headers: Record<string, string>; body: string },
  attempt: { signal: AbortSignal; timeoutMs: number },
): Promise<HttpAnswer> {
  const { url: target, authorization } = splitUrlCredentials(new URL(url));
  const headers = authorization ? { authorization, ...init.headers } : init.headers;
  let response: Response;
  try {
    response = await ctx.fetch(target, {
      method: 'POST',
      headers,
      body: init.body,
      redirect: 'error',
      signal: attempt.signal,
    });
  } catch (error) {
    if (ctx.signal?.aborted) throw error;
    if (attempt.signal.aborted)
      throw new TransientError(`no answer within ${Math.round(attempt.timeoutMs / 1000)}s`);
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    throw new TransientError(`connection failed (${cause?.code ?? cause?.message ?? 'network error'})`);
  }
  const text = await response.text();
  if (response.status === 429) {
    throw new TransientError(`rate limited (HTTP 429)`, retryAfterMs(response.headers.get('retry-after')));
  }
  if (response.status >= 500 || response.status === 408) {
    throw new TransientError(
      `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
      retryAfterMs(response.headers.get('retry-after')),
    );
  }
  return { status: response.status, text, headers: response.headers };
}

/** POSTs with retries (see post). */
export function postWithRetries(
  what: string,
  ctx: SendContext,
  url: string,
  init: { headers: Record<string, string>; body: string },
): Promise<HttpAnswer> {
  return withRetries(what, ctx, (signal, timeoutMs) => post(ctx, url, init, { signal, timeoutMs }));
}
