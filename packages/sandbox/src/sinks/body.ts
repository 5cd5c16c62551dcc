import type { SandboxRequest, SandboxResponse } from '../contracts.js';

/** A request body as a flat object: JSON objects as sent, form bodies as their fields (last value wins). */
export function readFields(req: SandboxRequest): Record<string, unknown> | undefined {
  const text = req.body.toString('utf8');
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(text));
  }
  if (text.trim() === '') return {};
  try {
    const parsed: unknown = JSON.parse(text);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)
      ? (parsed as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

export function jsonResponse(
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(body),
  };
}

export function textResponse(
  status: number,
  body: string,
  headers: Record<string, string> = {},
): SandboxResponse {
  return { status, headers: { 'content-type': 'text/plain; charset=utf-8', ...headers }, body };
}

/** The path after `prefix`, or undefined when the request is not under it. */
export function pathUnder(req: SandboxRequest, prefix: string): string | undefined {
  return req.path === prefix || req.path.startsWith(`${prefix}/`) ? req.path.slice(prefix.length) : undefined;
}
