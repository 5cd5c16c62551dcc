import { splitUrlCredentials, type Logger } from '@lambda-release-kit/core';
import { retryAfterMs, TransientError, withRetries } from './retry.js';

export type FetchFn = typeof fetch;

/** What every channel sender needs: the shared deadline, a logger, and the means to reach the network. */
export interface SendContext {
  deadline: number;
  logger: Logger;
  fetch: FetchFn;
  signal?: AbortSignal;
  now?: () => number;
}

const ATTEMPT_TIMEOUT_MS = 15_000;

/** Status and body of an HTTP answer worth reading (not 429 or 5xx, which are retried). */
export interface HttpAnswer {
  status: number;
  text: string;
  headers: Headers;
}

/**
 * POSTs with retries: 408, 429 (after Retry-After) and 5xx and dropped connections are transient. Errors never
 * name the URL, which is often the secret itself (Slack webhooks).
 */
export function postWithRetries(
  what: string,
  ctx: SendContext,
  url: string,
  init: { headers: Record<string, string>; body: string },
): Promise<HttpAnswer> {
  const { url: target, authorization } = splitUrlCredentials(new URL(url));
  const headers = authorization ? { authorization, ...init.headers } : init.headers;
  return withRetries(
    what,
    async (remainingMs) => {
      const timeout = AbortSignal.timeout(Math.min(remainingMs, ATTEMPT_TIMEOUT_MS));
      let response: Response;
      try {
        response = await ctx.fetch(target, {
          method: 'POST',
          headers,
          body: init.body,
          redirect: 'error',
          signal: ctx.signal ? AbortSignal.any([ctx.signal, timeout]) : timeout,
        });
      } catch (error) {
        if (ctx.signal?.aborted) throw error;
        if (timeout.aborted)
          throw new TransientError(
            `no answer within ${Math.round(Math.min(remainingMs, ATTEMPT_TIMEOUT_MS) / 1000)}s`,
          );
        const cause = (error as { cause?: { code?: string; message?: string } }).cause;
        throw new TransientError(`connection failed (${cause?.code ?? cause?.message ?? 'network error'})`);
      }
      const text = await response.text();
      if (response.status === 429) {
        throw new TransientError(
          `rate limited (HTTP 429)`,
          retryAfterMs(response.headers.get('retry-after')) ?? undefined,
        );
      }
      if (response.status >= 500 || response.status === 408) {
        throw new TransientError(
          `HTTP ${response.status}${text ? `: ${text.slice(0, 200)}` : ''}`,
          retryAfterMs(response.headers.get('retry-after')),
        );
      }
      return { status: response.status, text, headers: response.headers };
    },
    ctx,
  );
}
