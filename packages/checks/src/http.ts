import type { Answer } from './answer.js';
import { maskSensitiveJson, type Redactor, snippet } from '@lambda-release-kit/core/redact';
import { splitUrlCredentials } from '@lambda-release-kit/core/url-credentials';
import type { HttpRequestSpec } from './types.js';

export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** A request that got no HTTP answer (refused, reset, timed out); the message says which and where. */
export class TransportError extends Error {
  override name = 'TransportError';
}

/** Sends one rendered request and reads the whole answer, within the request's own timeout. */
export async function sendHttp(
  spec: HttpRequestSpec,
  context: { fetch: typeof fetch; signal?: AbortSignal; redactor: Redactor },
): Promise<Answer> {
  // Header values are secrets from the moment they are read: before anything can throw with one in its message.
  for (const [name, value] of Object.entries(spec.headers)) context.redactor.addHeader(name, value);
  const given = new URL(spec.url);
  context.redactor.addUserInfo(given);
  const { url, authorization } = splitUrlCredentials(given);
  for (const [name, value] of Object.entries(spec.query)) url.searchParams.append(name, value);
  const headers = new Headers(headerEntries(spec.headers));
  if (authorization && !headers.has('authorization')) headers.set('authorization', authorization);
  let body: string | undefined = spec.body;
  if (spec.json !== undefined) {
    body = JSON.stringify(spec.json);
    if (!headers.has('content-type')) headers.set('content-type', 'application/json');
  }
  const request = describeRequest(spec.method, url, headers, body, context.redactor);
  const timeoutMs = spec.timeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const timeout = AbortSignal.timeout(timeoutMs);
  const signal = context.signal ? AbortSignal.any([context.signal, timeout]) : timeout;
  const started = performance.now();
  try {
    const response = await context.fetch(url, {
      method: spec.method,
      headers,
      body: body ?? null,
      signal,
      redirect: 'manual',
    });
    const text = await response.text();
    return {
      kind: 'http',
      status: response.status,
      headers: Object.fromEntries([...response.headers].map(([name, value]) => [name.toLowerCase(), value])),
      body: text,
      durationMs: performance.now() - started,
      request,
    };
  } catch (error) {
    if (context.signal?.aborted) throw error;
    const reason = timeout.aborted ? `no answer within ${timeoutMs}ms` : transportReason(error);
    throw new TransportError(`${request} failed: ${reason}`);
  }
}

/** The headers as entries; a value with a line break is refused without quoting it (it may be a secret). */
function headerEntries(given: Record<string, string>): Array<[string, string]> {
  for (const [name, value] of Object.entries(given)) {
    if (/[\r\n\0]/.test(value)) {
      throw new TransportError(
        `header '${name}' has a value with a line break or NUL (not shown) — a header value must be one line`,
      );
    }
  }
  return Object.entries(given);
}

function transportReason(error: unknown): string {
  // Duck-typed: errors from fetch may come from another realm (test sandboxes), where instanceof fails.
  if (typeof error !== 'object' || error === null || !('message' in error)) return String(error);
  // undici wraps the socket error; a refused dual-stack connect is an AggregateError of several.
  const cause = (error as { cause?: unknown }).cause as {
    code?: string;
    message?: string;
    errors?: Array<{ code?: string; message?: string }>;
  };
  const detail = cause?.code ? cause : (cause?.errors?.find((inner) => inner.code) ?? cause);
  if (detail?.code) return `${detail.code}${detail.message ? ` (${detail.message})` : ''}`;
  const message = String(error.message);
  return detail?.message ? `${message}: ${detail.message}` : message;
}

/** "POST http://host/path?q=1 headers: {authorization: ***} body: {...}" with secrets masked. */
export function describeRequest(
  method: string,
  url: URL,
  headers: Headers,
  body: string | undefined,
  redactor: Redactor,
): string {
  const parts = [`${method} ${redactor.redact(url.toString())}`];
  const shownHeaders = [...headers]
    .filter(([name]) => name !== 'content-type')
    .map(([name, value]) => `${name}: ${redactor.header(name, value)}`);
  if (shownHeaders.length > 0) parts.push(`headers {${shownHeaders.join(', ')}}`);
  if (body) parts.push(`body ${snippet(redactor.redact(maskSensitiveJson(body)), 200)}`);
  return parts.join(' ');
}
