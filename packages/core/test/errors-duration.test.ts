import { describe, expect, it } from '@jest/globals';
import {
  errorMessage,
  formatDuration,
  InputError,
  parseDuration,
  withContext,
} from '@lambda-release-kit/core';

class ResourceConflictException extends Error {
  override name = 'ResourceConflictException';
}

describe('errorMessage', () => {
  it('keeps AWS exception names and flattens to one line', () => {
    expect(
      errorMessage(new ResourceConflictException('The operation cannot be performed\nat this time.')),
    ).toBe('ResourceConflictException: The operation cannot be performed at this time.');
    expect(errorMessage(new InputError("input 'x' is required"))).toBe("input 'x' is required");
    expect(errorMessage('plain')).toBe('plain');
  });

  it('adds what we were doing and keeps the cause', async () => {
    const cause = new ResourceConflictException('update in progress');
    const failure = withContext('publishing version of orders-api', async () => {
      throw cause;
    });
    await expect(failure).rejects.toThrow(
      'publishing version of orders-api failed: ResourceConflictException: update in progress',
    );
    await expect(failure.catch((error: Error) => error.cause)).resolves.toBe(cause);
  });

  it('passes user-facing errors through unchanged', async () => {
    const failure = withContext('reading inputs', async () => {
      throw new InputError("input 'alias' is required");
    });
    await expect(failure).rejects.toThrow(/^input 'alias' is required$/);
  });
});

describe('durations', () => {
  it('parses and formats', () => {
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('m5')).toBeUndefined();
    expect(parseDuration('')).toBeUndefined();
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(1500)).toBe('1.5s');
    expect(formatDuration(90_000)).toBe('1m 30s');
    expect(formatDuration(3_720_000)).toBe('1h 2m');
  });
});
