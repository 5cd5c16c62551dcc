import { setTimeout as delay } from 'node:timers/promises';
import { formatDuration } from './duration.js';

export interface PollResult<T> {
  done: boolean;
  value?: T;
  /** A short status shown in progress lines when it changes (e.g. "InProgress, 10% on version 8"). */
  status?: string;
}

export interface WaitOptions<T> {
  /** What we are waiting for, used in progress lines and the timeout error ("version 8 to become active"). */
  what: string;
  check: () => Promise<PollResult<T>>;
  /** Total time allowed, in milliseconds. */
  timeoutMs: number;
  initialDelayMs?: number;
  maxDelayMs?: number;
  /** Multiplier applied to the delay after each poll. Default 2. */
  factor?: number;
  /** Share of each delay randomised (0–1), so parallel waiters do not poll in lockstep. Default 0.2. */
  jitter?: number;
  signal?: AbortSignal | undefined;
  /** Called when the status changes, and at most every `progressEveryMs` otherwise. */
  onProgress?: ((line: string) => void) | undefined;
  progressEveryMs?: number;
  now?: () => number;
}

export class WaitTimeoutError extends Error {
  override name = 'WaitTimeoutError';
}

export class CancelledError extends Error {
  override name = 'CancelledError';
}

/** The delay before poll number `attempt` (0-based): exponential, capped, with jitter. */
export function backoffDelay(
  attempt: number,
  options: { initialDelayMs: number; maxDelayMs: number; factor: number; jitter: number },
  random: () => number = Math.random,
): number {
  const base = Math.min(options.maxDelayMs, options.initialDelayMs * options.factor ** attempt);
  const spread = base * options.jitter;
  return Math.max(0, Math.round(base - spread + random() * 2 * spread));
}

/** Sleeps for `ms` unless the signal fires first (then throws CancelledError). */
export async function pause(ms: number, signal?: AbortSignal): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (error) {
    if (signal?.aborted) throw new CancelledError(`cancelled: ${String(signal.reason ?? 'aborted')}`);
    throw error;
  }
}

/**
 * Polls `check` until it reports done, with exponential backoff and jitter, never past the deadline.
 * Throws WaitTimeoutError naming what did not happen and the last status seen.
 */
export async function waitFor<T>(options: WaitOptions<T>): Promise<T | undefined> {
  const now = options.now ?? Date.now;
  const started = now();
  const deadline = started + options.timeoutMs;
  const schedule = {
    initialDelayMs: options.initialDelayMs ?? 250,
    maxDelayMs: options.maxDelayMs ?? 5_000,
    factor: options.factor ?? 2,
    jitter: options.jitter ?? 0.2,
  };
  const progressEvery = options.progressEveryMs ?? 15_000;
  let lastStatus: string | undefined;
  let lastProgressAt = started;

  for (let attempt = 0; ; attempt++) {
    if (options.signal?.aborted) throw new CancelledError(`cancelled while waiting for ${options.what}`);
    const result = await options.check();
    if (result.done) return result.value;
    const at = now();
    if (
      result.status !== undefined &&
      (result.status !== lastStatus || at - lastProgressAt >= progressEvery)
    ) {
      options.onProgress?.(`waiting for ${options.what}: ${result.status} (${formatDuration(at - started)})`);
      lastStatus = result.status;
      lastProgressAt = at;
    }
    const remaining = deadline - at;
    if (remaining <= 0) {
      const seen = lastStatus ? `; last status: ${lastStatus}` : '';
      throw new WaitTimeoutError(
        `timed out after ${formatDuration(options.timeoutMs)} waiting for ${options.what}${seen}`,
      );
    }
    await pause(Math.min(remaining, backoffDelay(attempt, schedule)), options.signal);
  }
}

/**
 * An AbortSignal that fires on SIGTERM or SIGINT (a cancelled workflow) or when `timeoutMs` passes.
 * `dispose()` removes the signal handlers again.
 */
export function cancellationSignal(timeoutMs?: number): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => controller.abort(`received ${name}`);
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  const signals = [controller.signal];
  if (timeoutMs !== undefined) signals.push(AbortSignal.timeout(timeoutMs));
  return {
    signal: AbortSignal.any(signals),
    dispose: () => {
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
    },
  };
}
