import type { LambdaClient } from '@aws-sdk/client-lambda';
import { awsErrorName, type Logger, retryTransient } from '@lambda-release-kit/core';

/** Every call gets at least this long to outlast throttling, even past the release's deadline (restores). */
const MIN_RETRY_MS = 60_000;

type Send = (command: unknown, options?: { abortSignal?: AbortSignal }) => Promise<unknown>;

/** A call's outcome carried through retryTransient, so only throttling is retried and other errors pass unchanged. */
type Attempt = { ok: true; value: unknown } | { ok: false; error: unknown };

/**
 * The Lambda client with every call retried on throttling (429 TooManyRequestsException) with backoff until the
 * release's deadline: releasing several functions at once meets Lambda's control-plane rate limits, which are
 * never a reason to fail a release. Every other error is thrown unchanged, for callers that decide by its name.
 */
export function retryThrottling(lambda: LambdaClient, deadline: number, logger: Logger): LambdaClient {
  const send = lambda.send.bind(lambda) as Send;
  const retried: Send = async (command, options) => {
    const attempt = await retryTransient<Attempt>(
      async (signal) => {
        const abortSignal = options?.abortSignal ? AbortSignal.any([options.abortSignal, signal]) : signal;
        try {
          return { ok: true, value: await send(command, { ...options, abortSignal }) };
        } catch (error) {
          if (awsErrorName(error) === 'TooManyRequestsException') throw error;
          return { ok: false, error };
        }
      },
      {
        operation: describe(command),
        deadline: Math.max(deadline, Date.now() + MIN_RETRY_MS),
        logger,
        ...(options?.abortSignal ? { signal: options.abortSignal } : {}),
      },
    );
    if (!attempt.ok) throw attempt.error;
    return attempt.value;
  };
  return new Proxy(lambda, {
    get: (target, key, receiver) => (key === 'send' ? retried : Reflect.get(target, key, receiver)),
  });
}

/** "UpdateAlias of orders-api", for retry lines. */
function describe(command: unknown): string {
  const name = (command as { constructor: { name: string } }).constructor.name.replace(/Command$/, '');
  const input = (command as { input?: { FunctionName?: string } }).input;
  return input?.FunctionName ? `${name} of ${input.FunctionName}` : name;
}
