/**
 * 6. Canary verdicts: whole rollouts judged on CloudWatch data published 90 s late, at time scale 60. Canaries as
 * good as stable (0.2% background errors) must not be rolled back; canaries failing 3% must all be, within one
 * health-check interval plus the metric delay of their first minute.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pause, readRecordFile } from '@lambda-release-kit/core';
import { startSandbox, type Sandbox } from '@lambda-release-kit/sandbox';
// The deploy-canary test kit: SDK clients on the sandbox, a function on version 1, a plan, a deploy to its end.
import {
  functionOnVersion1,
  handlers,
  plan,
  runDeploy,
  sandboxClients,
  zipSource,
} from '../actions/deploy-canary/test/helpers.js';
import type { BenchContext, Benchmark } from './context.js';
import type { BenchResult } from './report.js';
import { summarize } from './stats.js';

const NAME = 'verdicts';
const TITLE = 'Canary verdicts on CloudWatch data published 90 s late';
const SCALE = 60;
const METRIC_DELAY_MS = 90_000;
const INTERVAL_MS = 60_000;
const RATE_PER_SECOND = 50;
const BACKGROUND = 0.002;
const BAD = 0.03;
const HEALTHY_RUNS = 20;
const BAD_RUNS = 10;
const PARALLEL = 5;
const STEPS = [
  { weight: 0.1, bakeMs: 300_000 },
  { weight: 0.5, bakeMs: 300_000 },
];
const GATES = {
  maxErrorRate: 0.005,
  maxP95LatencyMs: 2000,
  minInvocations: 10,
  compareToStable: false,
  falseRollbackRate: 0.01,
};
const MINUTE = 60_000;

interface Outcome {
  status: string;
  /** Invocations of the new version behind the last verdict. */
  invocations: number;
  /** Sandbox ms from the end of the first whole minute at canary weight to the alias restored (rolled back only). */
  detectionMs?: number;
  /** Sandbox ms from the first canary traffic (the step's start) to the alias restored. */
  sinceShiftMs?: number;
}

export const verdicts: Benchmark = {
  name: NAME,
  run: async (context: BenchContext): Promise<BenchResult> => {
    const sandbox = await startSandbox({
      timeScale: SCALE,
      updateDelayMs: 1000,
      metricDelayMs: METRIC_DELAY_MS,
    });
    const dir = mkdtempSync(join(tmpdir(), 'bench-verdicts-'));
    const clients = sandboxClients(sandbox);
    const started = performance.now();
    try {
      const plans = [
        ...Array.from({ length: HEALTHY_RUNS }, (_, i) => ({
          name: `steady-${i}`,
          canaryErrors: BACKGROUND,
        })),
        ...Array.from({ length: BAD_RUNS }, (_, i) => ({ name: `flaky-${i}`, canaryErrors: BAD })),
      ];
      const outcomes = new Map<string, Outcome>();
      for (let start = 0; start < plans.length; start += PARALLEL) {
        await Promise.all(
          plans.slice(start, start + PARALLEL).map(async ({ name, canaryErrors }) => {
            const outcome = await rollout(sandbox, clients, dir, name, canaryErrors);
            outcomes.set(name, outcome);
            context.log(
              `${name}: ${outcome.status} on ${outcome.invocations} invocations` +
                (outcome.detectionMs !== undefined
                  ? `, restored ${(outcome.detectionMs / 1000).toFixed(1)} s after its first whole bad minute ended`
                  : ''),
            );
          }),
        );
      }
      const healthy = plans.filter((p) => p.canaryErrors === BACKGROUND).map((p) => outcomes.get(p.name)!);
      const bad = plans.filter((p) => p.canaryErrors === BAD).map((p) => outcomes.get(p.name)!);
      const falseRollbacks = healthy.filter((o) => o.status !== 'promoted').length;
      const caught = bad.filter((o) => o.status === 'rolled-back').length;
      const detection = bad.flatMap((o) => (o.detectionMs !== undefined ? [o.detectionMs / 1000] : []));
      const sinceShift = bad.flatMap((o) => (o.sinceShiftMs !== undefined ? [o.sinceShiftMs / 1000] : []));
      const detectionTarget = (INTERVAL_MS + METRIC_DELAY_MS) / 1000;
      const detectionSummary = detection.length > 0 ? summarize(detection) : undefined;
      const wallSeconds = (performance.now() - started) / 1000;
      return {
        name: NAME,
        title: TITLE,
        method: [
          `In-process \`deployCanary\` (actions/deploy-canary/src) with real SDK clients against the sandbox, the rollout sleeping on the sandbox clock. Sandbox at time scale ${SCALE} with CloudWatch publishing each whole minute ${METRIC_DELAY_MS / 1000} s (sandbox time) after it ends; the action's \`metric-delay\` is the same ${METRIC_DELAY_MS / 1000} s.`,
          `Traffic: ${RATE_PER_SECOND} requests/s of sandbox time through the alias, simulated in the sandbox (\`sandbox.simulateLoad\`: routed by the alias's weights, recorded as invocations, handlers not run; the real rate would be ${RATE_PER_SECOND * SCALE} requests a real second). The stable version fails ${BACKGROUND * 100}% of requests.`,
          `Steps \`10%:5m,50%:5m\`, \`health-check-interval: 1m\`, gates \`max-error-rate: 0.5%\`, \`max-p95-latency: 2s\`, \`false-rollback-rate: 1%\`, \`on-inconclusive: wait\`.`,
          `${HEALTHY_RUNS} rollouts of a canary as good as stable (${BACKGROUND * 100}% errors) and ${BAD_RUNS} of a canary failing ${BAD * 100}%, each on its own function, ${PARALLEL} at a time.`,
          `Detection: from the end of the first whole minute at canary weight (the first complete bad minute CloudWatch publishes; the minute the shift happens in is partial) to the alias restored (the record's rollback time plus its duration), in sandbox time; also from the shift itself.`,
        ],
        rows: [
          {
            measure: 'healthy canaries rolled back (false rollbacks)',
            unit: '',
            value: `${falseRollbacks} / ${HEALTHY_RUNS}`,
          },
          {
            measure: `canaries failing ${BAD * 100}% rolled back`,
            unit: '',
            value: `${caught} / ${BAD_RUNS}`,
          },
          ...(detectionSummary
            ? [
                {
                  measure: 'first whole bad minute ends → alias restored (sandbox s)',
                  unit: '' as const,
                  summary: detectionSummary,
                },
                {
                  measure: 'traffic shifted → alias restored (sandbox s)',
                  unit: '' as const,
                  summary: summarize(sinceShift),
                },
              ]
            : []),
          {
            measure: 'invocations of the new version behind a healthy verdict',
            unit: '',
            summary: summarize(healthy.map((o) => o.invocations)),
          },
          {
            measure: 'invocations of the new version behind an unhealthy verdict',
            unit: '',
            summary: summarize(bad.map((o) => o.invocations)),
          },
          { measure: 'benchmark wall time (real s)', unit: '', value: wallSeconds.toFixed(0) },
        ],
        verdicts: [
          {
            figure: 'false rollbacks',
            value: `${falseRollbacks} / ${HEALTHY_RUNS}`,
            target: '≤ 5% of runs',
            met: falseRollbacks <= HEALTHY_RUNS * 0.05,
          },
          {
            figure: 'bad versions caught',
            value: `${caught} / ${BAD_RUNS}`,
            target: '100%',
            met: caught === BAD_RUNS,
          },
          {
            figure: 'detection, worst run',
            value: detectionSummary ? `${detectionSummary.max.toFixed(1)} s` : 'none',
            target: `≤ interval + metric delay (${detectionTarget} s)`,
            met: detectionSummary !== undefined && detectionSummary.max <= detectionTarget,
          },
        ],
        notes: [
          `A sandbox second is 1/${SCALE} of a real second: a real pause of 0.5 s on a loaded machine shows as 30 s of detection time.`,
        ],
      };
    } finally {
      clients.destroy();
      await sandbox.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

async function rollout(
  sandbox: Sandbox,
  clients: ReturnType<typeof sandboxClients>,
  dir: string,
  name: string,
  canaryErrors: number,
): Promise<Outcome> {
  await functionOnVersion1(clients.lambda, name, handlers.ok('v1'));
  const deployPlan = plan(
    {
      functionName: name,
      source: zipSource(handlers.ok('v2')),
      steps: STEPS,
      thresholds: GATES,
      onInconclusive: 'wait',
      bakeTimeoutMs: 1_800_000,
      healthCheckIntervalMs: INTERVAL_MS,
      metricDelayMs: METRIC_DELAY_MS,
      timeoutMs: 3_600_000,
    },
    dir,
  );
  const load = sandbox.simulateLoad({
    functionName: name,
    alias: 'live',
    ratePerSecond: RATE_PER_SECOND,
    versions: { '1': { errorRate: BACKGROUND }, '2': { errorRate: canaryErrors } },
  });
  const clock = {
    now: () => sandbox.clock.now(),
    sleep: (ms: number, signal?: AbortSignal) => pause(ms / SCALE, signal),
  };
  const run = await runDeploy(clients, deployPlan, undefined, clock).finally(() => load.stop());
  const record = await readRecordFile(run.recordFile);
  const last = record.steps.at(-1);
  const rollback = record.rollbacks[0];
  const firstStep = record.steps[0];
  const shiftedAt = firstStep ? Date.parse(firstStep.at) : undefined;
  const restoredAt = rollback ? Date.parse(rollback.at) + (rollback.durationMs ?? 0) : undefined;
  if (shiftedAt === undefined || restoredAt === undefined) {
    return { status: record.status, invocations: Number(last?.metrics?.invocations ?? 0) };
  }
  // The first minute wholly at canary weight: CloudWatch's first complete bad minute.
  const firstWholeMinuteEnd = (Math.ceil(shiftedAt / MINUTE) + 1) * MINUTE;
  return {
    status: record.status,
    invocations: Number(last?.metrics?.invocations ?? 0),
    detectionMs: restoredAt - firstWholeMinuteEnd,
    sinceShiftMs: restoredAt - shiftedAt,
  };
}
