import type { Clock } from './contracts.js';

/** A clock whose simulated time runs `scale` times faster than real time, starting at the real now. */
export function createClock(scale: number): Clock {
  if (!(scale > 0)) throw new Error(`time scale must be a positive number, got ${scale}`);
  const realStart = Date.now();
  return {
    scale,
    now: () => realStart + (Date.now() - realStart) * scale,
    sleep: (simulatedMs: number) =>
      new Promise<void>((resolve) => setTimeout(resolve, Math.max(0, simulatedMs) / scale)),
  };
}

/** A clock that moves only when a test advances it, so no observation depends on machine speed. */
export interface ManualClock extends Clock {
  /**
   * Moves simulated time `ms` forward, waking sleepers in time order; each woken sleeper runs until it next
   * waits (a sleeper it starts that falls within the advance is woken too). Resolves at the target time.
   */
  advance(ms: number): Promise<void>;
}

/** A manual clock starting at `start` (default: the real now); its scale is 0, as real time does not move it. */
export function createManualClock(start = Date.now()): ManualClock {
  let now = start;
  const sleepers: { at: number; wake: () => void }[] = [];
  const settleWoken = () => new Promise<void>((resolve) => setImmediate(resolve));
  return {
    scale: 0,
    now: () => now,
    sleep: (simulatedMs: number) =>
      simulatedMs <= 0
        ? Promise.resolve()
        : new Promise<void>((wake) => sleepers.push({ at: now + simulatedMs, wake })),
    async advance(ms: number) {
      if (!(ms >= 0)) throw new Error(`a clock advances by a non-negative number of ms, got ${ms}`);
      const target = now + ms;
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at);
        const next = sleepers[0];
        if (!next || next.at > target) break;
        sleepers.shift();
        now = Math.max(now, next.at);
        next.wake();
        await settleWoken();
      }
      now = target;
      await settleWoken();
    },
  };
}
