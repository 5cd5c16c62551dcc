import { describe, expect, it } from '@jest/globals';
import { createClock, createManualClock, startSandbox } from '../src/index.js';
import { FaultSet } from '../src/faults.js';

describe('clock', () => {
  it('runs simulated time `scale` times faster for now() and sleep()', async () => {
    // Unscaled, this sleep would take 100 s and outlive the test's timeout: finishing proves the scale.
    const clock = createClock(1000);
    const simStart = clock.now();
    const realStart = Date.now();
    await clock.sleep(100_000);
    expect(Date.now() - realStart).toBeGreaterThanOrEqual(90);
    expect(clock.now() - simStart).toBeGreaterThanOrEqual(99_000);
  });

  it('refuses a non-positive scale', () => {
    expect(() => createClock(0)).toThrow('time scale must be a positive number');
  });
});

describe('manual clock', () => {
  it('moves only when advanced, and wakes each sleeper once its simulated time has passed', async () => {
    const clock = createManualClock(1_000_000);
    const woken: string[] = [];
    void clock.sleep(5000).then(() => woken.push(`5s at ${clock.now()}`));
    void clock.sleep(1000).then(() => woken.push(`1s at ${clock.now()}`));
    await new Promise((r) => setTimeout(r, 20));
    expect(clock.now()).toBe(1_000_000);
    expect(woken).toEqual([]);
    await clock.advance(999);
    expect(woken).toEqual([]);
    await clock.advance(4001);
    expect(woken).toEqual(['1s at 1001000', '5s at 1005000']);
    expect(clock.now()).toBe(1_005_000);
  });

  it('wakes, within one advance, the sleeps a woken sleeper starts (a poll loop runs to the target time)', async () => {
    const clock = createManualClock(0);
    const polls: number[] = [];
    const loop = (async () => {
      while (clock.now() < 60_000) {
        await clock.sleep(10_000);
        polls.push(clock.now());
      }
    })();
    await clock.advance(60_000);
    await loop;
    expect(polls).toEqual([10_000, 20_000, 30_000, 40_000, 50_000, 60_000]);
    expect(clock.scale).toBe(0);
  });

  it('refuses to go back in time', async () => {
    await expect(createManualClock().advance(-1)).rejects.toThrow('non-negative');
  });

  it('is the sandbox clock when given, and cannot be combined with a time scale', async () => {
    await expect(startSandbox({ clock: createManualClock(), timeScale: 5 })).rejects.toThrow(
      'give the sandbox a clock or a timeScale, not both',
    );
    const clock = createManualClock(0);
    const sandbox = await startSandbox({ clock });
    try {
      expect(sandbox.clock).toBe(clock);
      const state = (await (await fetch(`${sandbox.endpoint}/_sandbox/state`)).json()) as Record<
        string,
        unknown
      >;
      expect({ now: state.now, timeScale: state.timeScale }).toEqual({
        now: '1970-01-01T00:00:00.000Z',
        timeScale: 0,
      });
    } finally {
      await sandbox.stop();
    }
  });
});

describe('fault rules', () => {
  it('matches by service and operation, and counts down `times`', () => {
    const faults = new FaultSet();
    faults.add({ service: 'lambda', operation: 'UpdateAlias', kind: 'throttle', times: 2 });
    expect(faults.take('codedeploy', 'UpdateAlias')).toBeUndefined();
    expect(faults.take('lambda', 'GetAlias')).toBeUndefined();
    expect(faults.take('lambda', 'UpdateAlias')?.kind).toBe('throttle');
    expect(faults.take('lambda', 'UpdateAlias')?.kind).toBe('throttle');
    expect(faults.take('lambda', 'UpdateAlias')).toBeUndefined();
  });

  it('applies `rate` as a probability per request', () => {
    const faults = new FaultSet();
    faults.add({ operation: '*', kind: 'error', rate: 0.25 });
    expect(faults.take('sns', 'Publish', () => 0.2)?.kind).toBe('error');
    expect(faults.take('sns', 'Publish', () => 0.3)).toBeUndefined();
  });

  it('rejects malformed rules with the reason', () => {
    const faults = new FaultSet();
    expect(() => faults.add({ operation: 'X', kind: 'melt' as never })).toThrow('is not one of');
    expect(() => faults.add({ operation: 'X', kind: 'error', rate: 2 })).toThrow(
      'rate must be within [0, 1]',
    );
    expect(() => faults.add({ operation: '', kind: 'error' })).toThrow("needs an 'operation'");
  });
});
