import { describe, expect, it } from '@jest/globals';
import { MemoryLogger } from '@lambda-release-kit/core';
import type { HealthJudgement, LookStage } from '../src/health.js';
import type { OnInconclusive } from '../src/plan.js';
import { combineJudgements } from '../src/release-verdict.js';
import type { RolloutClock } from '../src/rollout-clock.js';
import { type LookCheck, watchStep } from '../src/step-watch.js';
import { plan } from './helpers.js';

const MINUTE = 60_000;
/** 20 s into a minute, as a real step start would be. */
const START = Date.UTC(2026, 0, 1, 10, 0, 20);

/** A clock that only moves when the rollout sleeps: no wall time, no dependence on machine speed. */
function fakeClock(start: number): RolloutClock {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += ms;
    },
  };
}

const judgement = (
  verdict: HealthJudgement['verdict'],
  onInconclusive: OnInconclusive = 'wait',
): HealthJudgement => ({
  verdict,
  reason: `${verdict} on the data so far`,
  metrics: {},
  onInconclusive,
});

/** A check that records what it was asked and answers from `answer` (by stage). */
function recordingCheck(answer: (stage: LookStage) => HealthJudgement) {
  const looks: { end: number; stage: LookStage }[] = [];
  const check: LookCheck = async (publishedUntil, stage) => {
    looks.push({ end: publishedUntil.getTime(), stage });
    return answer(stage);
  };
  return { looks, check };
}

const defaults = { metricDelayMs: 2 * MINUTE, healthCheckIntervalMs: MINUTE, bakeTimeoutMs: undefined };
const threeMinutes = { weight: 0.5, bakeMs: 3 * MINUTE };

describe('watching the last step', () => {
  it('under wait, the deadline leaves room for the extra bake in new published minutes, each judged once', async () => {
    const deploy = plan({ functionName: 'orders-api', ...defaults }, '/tmp');
    const { looks, check } = recordingCheck(() => judgement('inconclusive'));
    const state = { lastLookAt: START, lastEnd: Math.floor(START / MINUTE) * MINUTE };
    const outcome = await watchStep(
      deploy,
      threeMinutes,
      { startedAt: START, last: true, looks: state },
      check,
      new MemoryLogger(),
      undefined,
      fakeClock(START),
    );
    expect(outcome.proceed).toBe(false);
    expect(outcome.failure).toMatch(/^inconclusive after waiting \d+m/);
    const ends = looks.map((look) => look.end);
    expect(new Set(ends).size).toBe(ends.length);
    // The bake's last minute ends at 10:04; bake-timeout (twice the bake) adds 3 more published minutes.
    const bakeMinuteEnd = Date.UTC(2026, 0, 1, 10, 4);
    const judged = looks.filter((look) => look.stage !== 'bake');
    expect(judged.map((look) => (look.end - bakeMinuteEnd) / MINUTE)).toEqual([0, 1, 2, 3]);
    expect(judged.map((look) => look.stage)).toEqual(['end', 'end', 'end', 'deadline']);
  });

  it('looks once per newly published minute even when the interval is shorter', async () => {
    const deploy = plan({ functionName: 'orders-api', ...defaults, healthCheckIntervalMs: 20_000 }, '/tmp');
    const { looks, check } = recordingCheck(() => judgement('inconclusive'));
    const state = { lastLookAt: START, lastEnd: Math.floor(START / MINUTE) * MINUTE };
    const clock = fakeClock(START);
    const first = await watchStep(
      deploy,
      { weight: 0.1, bakeMs: 5 * MINUTE },
      { startedAt: START, last: false, looks: state },
      check,
      new MemoryLogger(),
      undefined,
      clock,
    );
    expect(first.proceed).toBe(true);
    const secondStart = clock.now();
    await watchStep(
      deploy,
      threeMinutes,
      { startedAt: secondStart, last: true, looks: state },
      check,
      new MemoryLogger(),
      undefined,
      clock,
    );
    const ends = looks.map((look) => look.end);
    for (const [index, end] of ends.entries()) {
      expect(end % MINUTE).toBe(0);
      if (index > 0) expect(end - (ends[index - 1] ?? 0)).toBe(MINUTE);
    }
  });

  it('under fail, the judged look decides; under promote, an inconclusive verdict goes on with a warning', async () => {
    for (const policy of ['fail', 'promote'] as const) {
      const deploy = plan({ functionName: 'orders-api', ...defaults }, '/tmp');
      const { looks, check } = recordingCheck(() => judgement('inconclusive', policy));
      const logger = new MemoryLogger();
      const outcome = await watchStep(
        deploy,
        threeMinutes,
        {
          startedAt: START,
          last: true,
          looks: { lastLookAt: START, lastEnd: Math.floor(START / MINUTE) * MINUTE },
        },
        check,
        logger,
        undefined,
        fakeClock(START),
      );
      expect(looks.filter((look) => look.stage !== 'bake')).toHaveLength(1);
      expect(outcome.proceed).toBe(policy === 'promote');
      if (policy === 'fail') expect(outcome.failure).toBe('inconclusive: inconclusive on the data so far');
      else expect(logger.text()).toContain('warning: the sample stayed inconclusive');
    }
  });
});

describe('a release of several functions, each with its own on-inconclusive', () => {
  const names = ['orders-api', 'orders-worker'];

  it('a quiet worker under promote does not hold the API’s healthy verdict hostage', () => {
    const combined = combineJudgements(names, [judgement('healthy'), judgement('inconclusive', 'promote')]);
    expect(combined.verdict).toBe('inconclusive');
    expect(combined.onInconclusive).toBe('promote');
    expect(combined.reason).toBe('orders-worker: inconclusive on the data so far');
  });

  it('the release follows the strictest on-inconclusive among its inconclusive functions', () => {
    expect(
      combineJudgements(names, [judgement('inconclusive', 'wait'), judgement('inconclusive', 'promote')])
        .onInconclusive,
    ).toBe('wait');
    expect(
      combineJudgements(names, [judgement('inconclusive', 'wait'), judgement('inconclusive', 'fail')])
        .onInconclusive,
    ).toBe('fail');
  });

  it('unhealthy anywhere is the release’s verdict, whatever the others’ policies', () => {
    const combined = combineJudgements(names, [judgement('inconclusive', 'promote'), judgement('unhealthy')]);
    expect(combined.verdict).toBe('unhealthy');
    expect(combined.reason).toBe('orders-worker: unhealthy on the data so far');
  });
});
