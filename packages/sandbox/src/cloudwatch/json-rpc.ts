import { gunzipSync } from 'node:zlib';
import type { SandboxRequest, SandboxResponse } from '../contracts.js';

/**
 * The AWS JSON RPC protocol shared by CloudWatch (JSON 1.0, query-compatible) and CodeDeploy (JSON 1.1):
 * POST / with `X-Amz-Target: <ServiceTarget>.<Operation>`, a JSON body, errors as {"__type", "message"}.
 */

/** A service error the SDK turns into the named exception class. */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
    /** awsQuery error code for query-compatible services (CloudWatch's x-amzn-query-error header). */
    readonly queryCode?: string,
  ) {
    super(message);
    this.name = type;
  }
}

export type JsonObject = Record<string, unknown>;

/** The operation named by X-Amz-Target when it starts with `<serviceTarget>.`, else undefined. */
export function targetOperation(req: SandboxRequest, serviceTarget: string): string | undefined {
  const target = req.headers['x-amz-target'];
  if (req.method !== 'POST' || !target?.startsWith(`${serviceTarget}.`)) return undefined;
  return target.slice(serviceTarget.length + 1);
}

/** Parses the JSON body; CloudWatch clients may gzip large requests (request compression). */
export function readJsonBody(req: SandboxRequest): JsonObject {
  const raw = req.headers['content-encoding'] === 'gzip' ? gunzipSync(req.body) : req.body;
  const text = raw.toString('utf8').trim();
  if (text === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new AwsServiceError(
      'SerializationException',
      `request body is not valid JSON: ${(error as Error).message}`,
    );
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new AwsServiceError('SerializationException', 'request body must be a JSON object');
  }
  return parsed as JsonObject;
}

export function jsonResponse(contentType: string, body: unknown): SandboxResponse {
  return { status: 200, headers: { 'content-type': contentType }, body: JSON.stringify(body ?? {}) };
}

export function errorResponse(
  contentType: string,
  error: AwsServiceError,
  namespace?: string,
): SandboxResponse {
  const headers: Record<string, string> = { 'content-type': contentType, 'x-amzn-errortype': error.type };
  if (error.queryCode)
    headers['x-amzn-query-error'] = `${error.queryCode};${error.status >= 500 ? 'Receiver' : 'Sender'}`;
  const type = namespace ? `${namespace}#${error.type}` : error.type;
  return { status: error.status, headers, body: JSON.stringify({ __type: type, message: error.message }) };
}

/** JSON protocols carry timestamps as epoch seconds. */
export function epochSeconds(ms: number): number {
  return ms / 1000;
}

/** Reads an epoch-seconds timestamp (the SDK's serialization of Date) into epoch milliseconds. */
export function readTimestamp(value: unknown, field: string, onError: (message: string) => Error): number {
  if (typeof value === 'number' && Number.isFinite(value)) return value * 1000;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return Date.parse(value);
  throw onError(`${field} must be a timestamp, got ${JSON.stringify(value)}`);
}

export function optionalString(body: JsonObject, field: string): string | undefined {
  const value = body[field];
  return typeof value === 'string' && value !== '' ? value : undefined;
}

/** Wraps operation dispatch: known errors become protocol errors, anything else a 500 with context. */
export async function dispatch(
  contentType: string,
  namespace: string | undefined,
  run: () => Promise<unknown> | unknown,
): Promise<SandboxResponse> {
  try {
    return jsonResponse(contentType, await run());
  } catch (error) {
    if (error instanceof AwsServiceError) return errorResponse(contentType, error, namespace);
    const internal = new AwsServiceError(
      'InternalFailure',
      `sandbox internal error: ${(error as Error).message}`,
      500,
    );
    return errorResponse(contentType, internal, namespace);
  }
}
