import { describe, expect, it } from '@jest/globals';
import { backoffDelay, CancelledError, waitFor, WaitTimeoutError } from '@lambda-release-kit/core';

describe('backoffDelay', () => {
  const schedule = { initialDelayMs: 100, maxDelayMs: 1000, factor: 2, jitter: 0.2 };
  it('grows exponentially and is capped', () => {
    const middle = () => 0.5;
    expect([0, 1, 2, 3, 4, 5].map((n) => backoffDelay(n, schedule, middle))).toEqual([
      100, 200, 400, 800, 1000, 1000,
    ]);
  });
  it('spreads delays by the jitter share', () => {
    expect(backoffDelay(0, schedule, () => 0)).toBe(80);
    expect(backoffDelay(0, schedule, () => 1)).toBe(120);
  });
  it('gives the exact schedule without jitter, with fractional factors, to the millisecond', () => {
    const exact = { initialDelayMs: 250, maxDelayMs: 1000, factor: 1.5, jitter: 0 };
    expect([0, 1, 2, 3, 4].map((n) => backoffDelay(n, exact))).toEqual([250, 375, 563, 844, 1000]);
  });
});

describe('waitFor', () => {
  it('polls until done and reports status changes', async () => {
    let polls = 0;
    const progress: string[] = [];
    const value = await waitFor({
      what: 'the alias to move',
      timeoutMs: 5_000,
      initialDelayMs: 1,
      check: async () => {
        polls++;
        return { done: polls === 3, value: polls, status: polls < 2 ? 'InProgress' : 'Almost' };
      },
      onProgress: (line) => progress.push(line),
    });
    expect(value).toBe(3);
    expect(progress).toHaveLength(2);
    expect(progress[0]).toMatch(/^waiting for the alias to move: InProgress/);
  });

  it('gives up at the deadline with the last status', async () => {
    await expect(
      waitFor({
        what: 'version 8',
        timeoutMs: 30,
        initialDelayMs: 5,
        check: async () => ({ done: false, status: 'Pending' }),
      }),
    ).rejects.toThrow(
      new WaitTimeoutError('timed out after 30ms waiting for version 8; last status: Pending'),
    );
  });

  it('stops when cancelled', async () => {
    const controller = new AbortController();
    setTimeout(() => controller.abort('received SIGTERM'), 20);
    await expect(
      waitFor({
        what: 'x',
        timeoutMs: 10_000,
        initialDelayMs: 5_000,
        signal: controller.signal,
        check: async () => ({ done: false }),
      }),
    ).rejects.toBeInstanceOf(CancelledError);
  });
});
