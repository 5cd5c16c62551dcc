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
