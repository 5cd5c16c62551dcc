import type { SandboxResponse } from '../contracts.js';

/** A Lambda API error; the SDK maps `x-amzn-errortype` to the modeled exception class (e.name). */
export class LambdaApiError extends Error {
  readonly code: string;
  readonly status: number;

  constructor(code: string, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

export const notFound = (message: string) => new LambdaApiError('ResourceNotFoundException', 404, message);
export const conflict = (message: string) => new LambdaApiError('ResourceConflictException', 409, message);
export const invalidParameter = (message: string) =>
  new LambdaApiError('InvalidParameterValueException', 400, message);
/**
 * A value outside the service model's constraints (min, max, pattern, enum): Lambda answers ValidationException
 * with this message form before looking at anything else.
 */
export const validationError = (value: unknown, member: string, constraint: string) =>
  new LambdaApiError(
    'ValidationException',
    400,
    `1 validation error detected: Value '${typeof value === 'string' ? value : JSON.stringify(value)}' at '${member}' failed to satisfy constraint: ${constraint}`,
  );
export const preconditionFailed = (message: string) =>
  new LambdaApiError('PreconditionFailedException', 412, message);

/** Lambda's REST-JSON error shape: {"Type":"User","message":...} plus the x-amzn-errortype header. */
export function lambdaErrorResponse(code: string, message: string, status: number): SandboxResponse {
  return {
    status,
    headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
    body: JSON.stringify({ Type: status >= 500 ? 'Service' : 'User', message }),
  };
}
