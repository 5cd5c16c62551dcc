import { pause } from '@lambda-release-kit/core';

/**
 * The time a rollout bakes and looks in. Real time on a runner; a sandbox's faster clock in tests and
 * benchmarks, so a rollout with realistic bakes and a realistic metric delay runs in seconds.
 */
export interface RolloutClock {
  now(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

export const systemClock: RolloutClock = { now: () => Date.now(), sleep: pause };
