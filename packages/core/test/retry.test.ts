import { describe, expect, it } from '@jest/globals';
import {
  isTransient,
  MemoryLogger,
  retryTransient,
  TransientError,
  UserError,
} from '@lambda-release-kit/core';

function awsError(name: string, status: number): Error {
  return Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status } });
}

describe('isTransient', () => {
  it('passes throttling, 5xx, 409 in progress and dropped connections; not access or validation errors', () => {
    expect(isTransient(awsError('TooManyRequestsException', 429))).toBe(true);
    expect(isTransient(awsError('ServiceException', 500))).toBe(true);
    expect(isTransient(awsError('ResourceConflictException', 409))).toBe(true);
    expect(isTransient(Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isTransient(awsError('AccessDeniedException', 403))).toBe(false);
    expect(isTransient(awsError('ResourceNotFoundException', 404))).toBe(false);
    expect(isTransient(awsError('InvalidParameterValueException', 400))).toBe(false);
    expect(isTransient(awsError('PreconditionFailedException', 412))).toBe(false);
  });
});

describe('retryTransient', () => {
  it('retries transient errors with one line each until the call succeeds', async () => {
    const logger = new MemoryLogger();
    const failures = [awsError('TooManyRequestsException', 429), awsError('ServiceException', 500)];
    let calls = 0;
    const value = await retryTransient(
      async () => {
        calls++;
        const failure = failures.shift();
        if (failure) throw failure;
        return 'restored';
      },
      { operation: 'UpdateAlias live', deadline: Date.now() + 10_000, logger, initialDelayMs: 1 },
    );
    expect({ value, calls }).toEqual({ value: 'restored', calls: 3 });
    expect(logger.lines).toEqual([
      expect.stringMatching(/^UpdateAlias live: TooManyRequestsException \(attempt 1\); retrying in \d+ms$/),
      expect.stringMatching(/^UpdateAlias live: ServiceException \(attempt 2\); retrying in \d+ms$/),
    ]);
  });

  it('fails at once on access denied, with the fix, and passes other errors through unchanged', async () => {
    let calls = 0;
    const denied = retryTransient(
      async () => {
        calls++;
        throw awsError('AccessDeniedException', 403);
      },
      { operation: 'UpdateAlias live', deadline: Date.now() + 10_000, logger: new MemoryLogger() },
    );
    await expect(denied).rejects.toThrow(UserError);
    await expect(denied).rejects.toThrow(
      /^UpdateAlias live failed: AccessDeniedException: AccessDeniedException message — the role needs permission/,
    );
    expect(calls).toBe(1);
    const stale = awsError('PreconditionFailedException', 412);
    await expect(
      retryTransient(
        async () => {
          throw stale;
        },
        { operation: 'x', deadline: Date.now() + 10_000, logger: new MemoryLogger() },
      ),
    ).rejects.toBe(stale);
  });

  it('gives up at the deadline, and the signal of each attempt fires at the deadline', async () => {
    let aborted = false;
    const attempt = retryTransient(
      (signal) =>
        new Promise((_, reject) => {
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(awsError('TimeoutError', 0));
          });
        }),
      { operation: 'GetAlias live', deadline: Date.now() + 200, logger: new MemoryLogger() },
    );
    await expect(attempt).rejects.toThrow(/^GetAlias live still failed at the deadline after 1 attempts/);
    expect(aborted).toBe(true);
  });

  it("waits what a TransientError's Retry-After asks, and names it by its message in the retry line", async () => {
    const logger = new MemoryLogger();
    let calls = 0;
    const started = Date.now();
    const value = await retryTransient(
      async () => {
        calls++;
        if (calls === 1) throw new TransientError('rate limited (HTTP 429)', 300);
        return 'sent';
      },
      { operation: 'chat.postMessage', deadline: Date.now() + 10_000, logger },
    );
    expect({ value, calls }).toEqual({ value: 'sent', calls: 2 });
    expect(Date.now() - started).toBeGreaterThanOrEqual(290);
    expect(logger.lines).toEqual([
      'chat.postMessage: rate limited (HTTP 429) (attempt 1); retrying in 300ms',
    ]);
  });

  it('does not begin a wait past the deadline, and throws what outOfTime makes of the last failure', async () => {
    let calls = 0;
    const started = Date.now();
    const attempt = retryTransient(
      async () => {
        calls++;
        throw new TransientError('rate limited (HTTP 429)', 60_000);
      },
      {
        operation: 'sns',
        deadline: Date.now() + 10_000,
        logger: new MemoryLogger(),
        outOfTime: ({ error, attempts, nextDelayMs }) =>
          new Error(`${(error as Error).message}: ${attempts} attempt, next in ${nextDelayMs}ms`),
      },
    );
    await expect(attempt).rejects.toThrow('rate limited (HTTP 429): 1 attempt, next in 60000ms');
    expect(calls).toBe(1);
    // Far below the 60 s wait it must not begin, so a loaded machine cannot fail it.
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});
