/**
 * 6. Canary verdicts as users see them: whole rollouts through the action's own watch and judge code (watchStep,
 * VerdictHistory, combineJudgements) on simulated CloudWatch minutes, with an injected clock that jumps instead of
 * sleeping. Every healthy canary that is not promoted counts as a false rollback, whatever the verdict is called.
 */
import { MemoryLogger } from '@lambda-release-kit/core';
import { type LookState, MINUTE_MS, plannedLooks } from '../actions/deploy-canary/src/check-schedule.js';
import type { HealthEvidence, HealthJudgement } from '../actions/deploy-canary/src/health.js';
import { noMetrics } from '../actions/deploy-canary/src/health-probe.js';
import type { VersionMetrics } from '../actions/deploy-canary/src/metrics.js';
import type { DeployPlan, HealthThresholds, OnInconclusive } from '../actions/deploy-canary/src/plan.js';
import { combineJudgements } from '../actions/deploy-canary/src/release-verdict.js';
import type { RolloutClock } from '../actions/deploy-canary/src/rollout-clock.js';
import { watchStep } from '../actions/deploy-canary/src/step-watch.js';
import type { CanaryStep } from '../actions/deploy-canary/src/traffic-steps.js';
import { VerdictHistory } from '../actions/deploy-canary/src/verdict-history.js';
// The deploy-canary test kit's plan builder: the action's settings with the defaults below.
import { plan, seededRandom } from '../actions/deploy-canary/test/helpers.js';
import type { BenchContext, Benchmark } from './context.js';
import type { BenchResult, Row, Verdict } from './report.js';
import { summarize } from './stats.js';

const NAME = 'verdicts';
const TITLE = 'Canary verdicts as users see them (healthy canaries not promoted, bad ones rolled back)';
const HEALTHY_RUNS = 500;
const BAD_RUNS = 50;
const SEED = 22;
/** The action's defaults, with two 3-minute steps. */
const DEFAULTS = {
  metricDelayMs: 120_000,
  healthCheckIntervalMs: 60_000,
  falseRollbackRate: 0.01,
  missedRegressionRate: 0.05,
  onInconclusive: 'wait' as OnInconclusive,
  steps: [
    { weight: 0.1, bakeMs: 180_000 },
    { weight: 0.5, bakeMs: 180_000 },
  ] satisfies CanaryStep[],
};
const RESTORE_TARGET_MS = DEFAULTS.healthCheckIntervalMs + DEFAULTS.metricDelayMs + MINUTE_MS;

/** One function of a scenario: its traffic and error rates, and its own gates. */
interface SimulatedFunction {
  name: string;
  /** Requests per second through the alias, split by the step's weight. */
  perSecond: number;
  stableErrorRate: number;
  canaryErrorRate: number;
  /** Direct invokes of the new version per second during the rollout (canary traffic), counted for the canary only. */
  canaryTrafficPerSecond?: number;
  gates: Pick<Partial<HealthThresholds>, 'maxErrorRate' | 'minInvocations' | 'compareToStable'> & {
    onInconclusive?: OnInconclusive;
  };
}

interface Scenario {
  name: string;
  kind: 'healthy' | 'bad' | 'catastrophe';
  runs: number;
  functions: SimulatedFunction[];
  /** What the scenario shows when it is not expected to meet the general target. */
  expectation?: string;
}

const api = (canaryErrorRate: number): SimulatedFunction => ({
  name: 'orders-api',
  perSecond: 30,
  stableErrorRate: 0.001,
  canaryErrorRate,
  gates: { maxErrorRate: 0.005 },
});
const compared = (canaryErrorRate: number): SimulatedFunction => ({
  name: 'orders-api',
  perSecond: 40,
  stableErrorRate: 0.01,
  canaryErrorRate,
  gates: { maxErrorRate: 0.005, compareToStable: true },
});
const quiet = (canaryErrorRate: number, onInconclusive?: OnInconclusive): SimulatedFunction => ({
  name: 'orders-worker',
  perSecond: 0.1,
  stableErrorRate: 0,
  canaryErrorRate,
  gates: { maxErrorRate: 0.01, ...(onInconclusive ? { onInconclusive } : {}) },
});
/** The quiet worker with canary traffic at 1/s (the canary-traffic input) during every bake. */
const quietWithTraffic = (canaryErrorRate: number): SimulatedFunction => ({
  ...quiet(canaryErrorRate),
  canaryTrafficPerSecond: 1,
});

const SCENARIOS: Scenario[] = [
  {
    name: 'absolute gate 0.5%, 30 req/s, canary at 0.1%',
    kind: 'healthy',
    runs: HEALTHY_RUNS,
    functions: [api(0.001)],
  },
  {
    name: 'absolute gate 0.5%, 30 req/s, canary at 2% (4× the gate)',
    kind: 'bad',
    runs: BAD_RUNS,
    functions: [api(0.02)],
  },
  {
    name: 'absolute gate 0.5%, 30 req/s, canary at 5% (10× the gate)',
    kind: 'catastrophe',
    runs: BAD_RUNS,
    functions: [api(0.05)],
  },
  {
    name: 'compare-to-stable, margin 0.5%, stable at 1%, 40 req/s, canary at 1%',
    kind: 'healthy',
    runs: HEALTHY_RUNS,
    functions: [compared(0.01)],
  },
  {
    name: 'compare-to-stable, margin 0.5%, stable at 1%, 40 req/s, canary at 2.5% (stable + 3× the margin)',
    kind: 'bad',
    runs: BAD_RUNS,
    functions: [compared(0.025)],
  },
  {
    name: 'quiet function, one invocation every 10 s, no canary traffic',
    kind: 'healthy',
    runs: HEALTHY_RUNS,
    functions: [quiet(0)],
    expectation: 'inconclusive without canary traffic (the plan should say so before traffic moves)',
  },
  {
    name: 'quiet function, one invocation every 10 s, canary traffic at 1/s',
    kind: 'healthy',
    runs: HEALTHY_RUNS,
    functions: [quietWithTraffic(0)],
  },
  {
    name: 'quiet function with canary traffic at 1/s, canary at 4% (4× the gate)',
    kind: 'bad',
    runs: BAD_RUNS,
    functions: [quietWithTraffic(0.04)],
  },
  {
    name: 'service: busy API (30 req/s) and quiet worker with its own on-inconclusive promote, both healthy',
    kind: 'healthy',
    runs: HEALTHY_RUNS,
    functions: [api(0.001), quiet(0, 'promote')],
  },
  {
    name: 'service: API at 2% (4× the gate), quiet worker healthy',
    kind: 'bad',
    runs: BAD_RUNS,
    functions: [api(0.02), quiet(0, 'promote')],
  },
  {
    name: 'service: API healthy, quiet worker failing every invocation',
    kind: 'bad',
    runs: BAD_RUNS,
    functions: [api(0.001), quiet(1, 'promote')],
  },
];

interface Outcome {
  status: 'promoted' | 'rolled-back';
  verdict: HealthJudgement['verdict'];
  /** Canary invocations (all functions) behind the last verdict. */
  invocations: number;
  /** From the first step's start to promotion or rollback. */
  durationMs: number;
  /** From the end of the first whole minute at canary weight to the rollback decision. */
  restoreMs?: number;
}

export const verdicts: Benchmark = {
  name: NAME,
  run: async (context: BenchContext): Promise<BenchResult> => {
    const started = performance.now();
    const random = seededRandom(SEED);
    const rows: Row[] = [];
    const figures: Verdict[] = [];
    for (const scenario of SCENARIOS) {
      const outcomes: Outcome[] = [];
      for (let run = 0; run < scenario.runs; run++) outcomes.push(await rollout(scenario, random));
      const promoted = outcomes.filter((o) => o.status === 'promoted').length;
      const notPromoted = outcomes.length - promoted;
      const inconclusive = outcomes.filter(
        (o) => o.status !== 'promoted' && o.verdict === 'inconclusive',
      ).length;
      context.log(
        `${scenario.name}: ${promoted} of ${outcomes.length} promoted (${inconclusive} not promoted as inconclusive)`,
      );
      if (scenario.kind === 'healthy') {
        const value = `${notPromoted} / ${outcomes.length} (${inconclusive} inconclusive)`;
        rows.push({ measure: `${scenario.name}: not promoted`, unit: '', value });
        figures.push({
          figure: `${scenario.name}: healthy canaries not promoted`,
          value,
          target: scenario.expectation ?? '≤ 1%',
          ...(scenario.expectation ? {} : { met: notPromoted <= outcomes.length * 0.01 }),
        });
      } else {
        const value = `${outcomes.length - promoted} / ${outcomes.length}`;
        rows.push({ measure: `${scenario.name}: rolled back`, unit: '', value });
        figures.push({ figure: `${scenario.name}: rolled back`, value, target: '100%', met: promoted === 0 });
      }
      rows.push({
        measure: `${scenario.name}: canary invocations behind the last verdict`,
        unit: '',
        summary: summarize(outcomes.map((o) => o.invocations)),
      });
      rows.push({
        measure: `${scenario.name}: first step → promoted or rolled back (min)`,
        unit: '',
        summary: summarize(outcomes.map((o) => o.durationMs / MINUTE_MS)),
      });
      const restores = outcomes.flatMap((o) => (o.restoreMs !== undefined ? [o.restoreMs / 1000] : []));
      if (scenario.kind === 'catastrophe' && restores.length > 0) {
        const summary = summarize(restores);
        rows.push({
          measure: `${scenario.name}: first whole minute at canary weight ends → rollback (s)`,
          unit: '',
          summary,
        });
        figures.push({
          figure: `${scenario.name}: restored after its first whole minute, worst run`,
          value: `${summary.max.toFixed(0)} s`,
          target: `≤ interval + metric delay + 1 min (${RESTORE_TARGET_MS / 1000} s)`,
          met: summary.max <= RESTORE_TARGET_MS / 1000,
        });
      }
    }
    rows.push({
      measure: 'benchmark wall time (real s)',
      unit: '',
      value: ((performance.now() - started) / 1000).toFixed(1),
    });
    return {
      name: NAME,
      title: TITLE,
      method: [
        "Each rollout runs the action's own `watchStep` (the looks, the last step's judged look, the wait deadline), one `VerdictHistory` per function (the sequential test, the truncated decision, the catastrophe fast path) and `combineJudgements` (each function's own on-inconclusive), as `aliasWeightsRollout` calls them. The rollout's clock is injected: a sleep moves it at once, so hundreds of rollouts of 10 minutes take seconds and no result depends on machine speed.",
        "CloudWatch is simulated per function: requests arrive as a Poisson process at the stated rate, each routed to the new version with the step's weight (from the moment the step starts) and failing with its version's error rate; counts are kept per whole minute, and a look sees only the minutes the action's `metric-delay` says are published. Canary traffic (direct invokes of the new version, a Poisson process of its own during the bakes) counts for the canary only: 1/s in the quiet function's canary-traffic scenarios, 0 elsewhere.",
        `The action's defaults: \`metric-delay: 2m\`, \`health-check-interval: 1m\`, \`false-rollback-rate: 1%\`, \`missed-regression-rate: 5%\`, \`on-inconclusive: wait\`, \`bake-timeout\` twice the bake; \`traffic-steps: 10%:3m,50%:3m\`. Each rollout starts at a random second of a minute. A seeded generator (seed ${SEED}) makes every run of the benchmark the same.`,
        `${HEALTHY_RUNS} rollouts per healthy scenario, ${BAD_RUNS} per bad one. A healthy canary counts as not promoted whatever ended it (unhealthy or inconclusive). For the 10× scenario, the time from the end of the first whole minute at canary weight to the look that rolls back (restoring the aliases takes well under a second: see the rollback section).`,
      ],
      rows,
      verdicts: figures,
      notes: [
        'CloudWatch is simulated in process and the rollout runs on an injected clock, so these figures are the same on any machine and in any run (the Machine section describes the runs of the other sections).',
        "The quiet function (6 invocations a minute) gets about 20 canary invocations over the whole schedule: no test can show a 1% gate met on that, so it stays inconclusive and `wait` rolls it back. Canary traffic (direct invokes of the new version during the bakes) is what gives it evidence; with its own `on-inconclusive: promote` beside a busy API, it no longer holds the API's release back.",
      ],
    };
  },
};

/** One rollout of the scenario's functions, step by step, as aliasWeightsRollout runs it. */
async function rollout(scenario: Scenario, random: () => number): Promise<Outcome> {
  const start = Date.UTC(2026, 0, 1, 10, 0, Math.floor(random() * 60));
  const clock = virtualClock(start);
  const deploy: DeployPlan = plan(
    {
      functionName: scenario.functions[0]?.name ?? 'fn',
      steps: DEFAULTS.steps,
      thresholds: thresholdsOf({}),
      onInconclusive: DEFAULTS.onInconclusive,
      bakeTimeoutMs: undefined,
      healthCheckIntervalMs: DEFAULTS.healthCheckIntervalMs,
      metricDelayMs: DEFAULTS.metricDelayMs,
    },
    '/tmp',
  );
  const functions = scenario.functions.map((fn) => ({
    fn,
    thresholds: thresholdsOf(fn.gates),
    traffic: new SimulatedTraffic(fn, random, start),
    history: new VerdictHistory(
      plannedLooks(deploy),
      DEFAULTS.falseRollbackRate / scenario.functions.length,
      fn.gates.onInconclusive ?? DEFAULTS.onInconclusive,
    ),
  }));
  let evidence: { since: number; shiftedAt: number; looks: LookState } | undefined;
  let judgement: HealthJudgement | undefined;
  for (const [index, step] of DEFAULTS.steps.entries()) {
    const startedAt = clock.now();
    for (const { traffic } of functions) traffic.shift(startedAt, step.weight);
    const minute = Math.floor(startedAt / MINUTE_MS) * MINUTE_MS;
    evidence ??= { since: minute, shiftedAt: startedAt, looks: { lastLookAt: startedAt, lastEnd: minute } };
    const { since, shiftedAt, looks } = evidence;
    const outcome = await watchStep(
      deploy,
      step,
      { startedAt, last: index === DEFAULTS.steps.length - 1, looks },
      async (end, stage) =>
        combineJudgements(
          functions.map(({ fn }) => fn.name),
          functions.map(({ traffic, history, thresholds }) => {
            traffic.advance(clock.now());
            const seen: HealthEvidence = {
              ...traffic.published(since, end.getTime()),
              alarms: [],
              windowMs: end.getTime() - Math.max(since, shiftedAt),
            };
            return history.judge(seen, end.getTime(), thresholds, stage);
          }),
        ),
      new MemoryLogger(),
      undefined,
      clock,
    );
    judgement = outcome.judgement;
    if (!outcome.proceed) {
      const firstWholeMinuteEnd = (Math.ceil(shiftedAt / MINUTE_MS) + 1) * MINUTE_MS;
      return {
        status: 'rolled-back',
        verdict: judgement.verdict,
        invocations: Number(judgement.metrics.invocations ?? 0),
        durationMs: clock.now() - start,
        restoreMs: clock.now() - firstWholeMinuteEnd,
      };
    }
  }
  return {
    status: 'promoted',
    durationMs: clock.now() - start,
    verdict: judgement?.verdict ?? 'healthy',
    invocations: Number(judgement?.metrics.invocations ?? 0),
  };
}

function thresholdsOf(gates: SimulatedFunction['gates']): HealthThresholds {
  return {
    maxErrorRate: gates.maxErrorRate ?? 0.01,
    minInvocations: gates.minInvocations ?? 10,
    compareToStable: gates.compareToStable ?? false,
    falseRollbackRate: DEFAULTS.falseRollbackRate,
    missedRegressionRate: DEFAULTS.missedRegressionRate,
  };
}

interface Counts {
  invocations: number;
  errors: number;
}

/** One function's requests, routed by the alias weight in force when each arrives, counted per whole minute. */
class SimulatedTraffic {
  private readonly minutes = new Map<number, { canary: Counts; stable: Counts }>();
  private weight = 0;
  private nextRequest: number;
  private nextDirect: number;

  constructor(
    private readonly fn: SimulatedFunction,
    private readonly random: () => number,
    start: number,
  ) {
    this.nextRequest = start + this.gap(fn.perSecond);
    this.nextDirect = start + this.gap(fn.canaryTrafficPerSecond ?? 0);
  }

  /** The step moved the alias at `at`: requests until then were routed by the old weight. */
  shift(at: number, weight: number): void {
    this.advance(at);
    this.weight = weight;
  }

  advance(until: number): void {
    while (this.nextRequest <= until) {
      const canary = this.random() < this.weight;
      this.count(this.nextRequest, canary);
      this.nextRequest += this.gap(this.fn.perSecond);
    }
    while (this.weight > 0 && this.nextDirect <= until) {
      this.count(this.nextDirect, true);
      this.nextDirect += this.gap(this.fn.canaryTrafficPerSecond ?? 0);
    }
  }

  /** The canary's and stable version's counts over the whole minutes in [since, end). */
  published(since: number, end: number): { canary: VersionMetrics; stable: VersionMetrics } {
    const canary = noMetrics('2');
    const stable = noMetrics('1');
    for (let minute = since; minute < end; minute += MINUTE_MS) {
      const counts = this.minutes.get(minute);
      if (!counts) continue;
      canary.invocations += counts.canary.invocations;
      canary.errors += counts.canary.errors;
      stable.invocations += counts.stable.invocations;
      stable.errors += counts.stable.errors;
    }
    return { canary, stable };
  }

  private count(at: number, canary: boolean): void {
    const minute = Math.floor(at / MINUTE_MS) * MINUTE_MS;
    const counts = this.minutes.get(minute) ?? {
      canary: { invocations: 0, errors: 0 },
      stable: { invocations: 0, errors: 0 },
    };
    this.minutes.set(minute, counts);
    const version = canary ? counts.canary : counts.stable;
    version.invocations++;
    if (this.random() < (canary ? this.fn.canaryErrorRate : this.fn.stableErrorRate)) version.errors++;
  }

  /** Milliseconds to the next arrival of a Poisson process at `perSecond` (never, at 0). */
  private gap(perSecond: number): number {
    if (perSecond <= 0) return Number.POSITIVE_INFINITY;
    return (-Math.log(1 - this.random()) / perSecond) * 1000;
  }
}

/** A clock that jumps when the rollout sleeps. */
function virtualClock(start: number): RolloutClock {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms) => {
      now += Math.max(0, ms);
    },
  };
}
