/**
 * 2. Detection to rollback: an alias-weights canary at real time scale whose new version fails 20% of requests;
 * the time from the first failed invocation of the new version to the alias being back on the old one, against
 * the configured health-check interval.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startTraffic } from '@lambda-release-kit/sandbox';
import { buildOrdersApi } from '../examples/orders-api/build.mjs';
import type { BenchContext, Benchmark } from './context.js';
import { notBuilt } from './context.js';
import { ALIAS, FUNCTION_NAME, startWorld } from './fixture.js';
import { bundleExists, runBundledAction } from './processes.js';
import { formatNumber, type BenchResult } from './report.js';
import { summarize } from './stats.js';

const NAME = 'detection';
const TITLE = 'Detection to rollback: a canary whose new version fails 20% of requests';
const RUNS = 5;
const INTERVAL_MS = 2000;
const FAILURE_RATE = 0.2;
const STEP = '20%:20s';
const TRAFFIC_RPS = 50;
const TARGET_SLACK_MS = 1000;
const POLL_MS = 5;

export const detection: Benchmark = {
  name: NAME,
  run: async (context: BenchContext): Promise<BenchResult> => {
    if (!bundleExists('deploy-canary')) return notBuilt(NAME, TITLE, ['deploy-canary']);
    const world = await startWorld({ timeScale: 1, updateDelayMs: 200, metricDelayMs: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'bench-detection-'));
    const traffic = startTraffic(world.sandbox.functionUrl(FUNCTION_NAME, ALIAS), {
      ratePerSecond: TRAFFIC_RPS,
      maxRequests: TRAFFIC_RPS * 120,
      deadlineMs: 120_000,
    });
    try {
      const good = await world.publish({ release: 'v1.0.0' });
      await world.pointAlias(good);
      const detectionMs: number[] = [];
      const firstFailureAfterShift: number[] = [];
      const wallMs: number[] = [];
      const waitForCheck: number[] = [];
      const checkToRestore: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const zip = join(dir, `orders-api-${i}.zip`);
        writeFileSync(zip, buildOrdersApi({ release: `v3.0.${i}`, failureRate: FAILURE_RATE }));
        let shifted = 0;
        let restored = 0;
        let canaryVersion = '';
        // Watch the alias in-process every few ms: when traffic first moved and when it came back.
        const watcher = setInterval(() => {
          const alias = world.sandbox.lambda.getAlias(FUNCTION_NAME, ALIAS);
          if (!alias) return;
          const weighted = Object.keys(alias.additionalVersionWeights);
          const [weightedVersion] = weighted;
          if (!shifted && weightedVersion !== undefined) {
            shifted = Date.now();
            canaryVersion = weightedVersion;
          } else if (shifted && !restored && alias.functionVersion === good && weighted.length === 0) {
            restored = Date.now();
          }
        }, POLL_MS);
        world.sandbox.clearRequestLog();
        const run = await runBundledAction('deploy-canary', {
          inputs: {
            'function-name': FUNCTION_NAME,
            alias: ALIAS,
            'zip-file': zip,
            'release-tag': `v3.0.${i}`,
            'traffic-steps': STEP,
            'health-check-interval': `${INTERVAL_MS}ms`,
            // The sandbox publishes metrics at once.
            'metric-delay': '0',
            timeout: '2m',
          },
          env: world.sandbox.env,
          timeoutMs: 120_000,
        }).finally(() => clearInterval(watcher));
        if (run.code === 0 || !restored)
          throw new Error(
            `deploy-canary did not roll back the failing release (exit ${run.code}, status ${run.outputs['status']}): ${run.stdout}`,
          );
        const failures = world.sandbox.lambda
          .invocations()
          .filter((inv) => inv.executedVersion === canaryVersion && inv.error)
          .map((inv) => inv.at + inv.durationMs);
        if (failures.length === 0) throw new Error(`version ${canaryVersion} never failed during the canary`);
        const firstFailure = Math.min(...failures);
        // The health check that caught it: the last GetMetricData sent before the alias was restored.
        const caughtBy = world.sandbox
          .requestLog()
          .filter((e) => e.operation === 'GetMetricData' && e.at <= restored)
          .at(-1)?.at;
        if (caughtBy === undefined) throw new Error('no health check (GetMetricData) before the rollback');
        waitForCheck.push(caughtBy - firstFailure);
        checkToRestore.push(restored - caughtBy);
        detectionMs.push(restored - firstFailure);
        firstFailureAfterShift.push(firstFailure - shifted);
        wallMs.push(run.ms);
        context.log(
          `detection run ${i + 1}/${RUNS}: version ${canaryVersion} first failed ${firstFailure - shifted} ms after the shift, alias restored ${restored - firstFailure} ms after that`,
        );
      }
      const s = summarize(detectionMs);
      const target = INTERVAL_MS + TARGET_SLACK_MS;
      const served = traffic.answers();
      return {
        name: NAME,
        title: TITLE,
        method: [
          `Sandbox at real time scale (1), update delay 200 ms. ${TRAFFIC_RPS} requests/s go to the \`${ALIAS}\` alias's function URL for the whole benchmark (bounded), as users would.`,
          `Each run deploys a new orders-api release whose code fails ${FAILURE_RATE * 100}% of requests with \`dist/deploy-canary/index.js\`: strategy alias-weights, \`traffic-steps: ${STEP}\`, \`health-check-interval: ${INTERVAL_MS / 1000}s\`, \`metric-delay: 0\` (the sandbox publishes at once) and the default thresholds (\`max-error-rate: 1%\`, \`false-rollback-rate: 1%\`: unhealthy once the error rate's lower confidence bound is above 1%, which a 20% failure rate shows on a few dozen invocations). Every run must exit non-zero with the alias back on version ${good}.`,
          `First failure: the end (start + duration) of the earliest failed invocation of the new version, from the sandbox's invocation records. Restored: the first moment the alias, read in-process every ${POLL_MS} ms, is back on version ${good} with no routing.`,
          `${RUNS} runs, one after the other.`,
        ],
        rows: [
          { measure: 'configured health-check interval', unit: 'ms', value: INTERVAL_MS },
          { measure: 'first failed invocation → alias restored', unit: 'ms', summary: s },
          {
            measure: 'of which: first failure → the health check that caught it (GetMetricData sent)',
            unit: 'ms',
            summary: summarize(waitForCheck),
          },
          {
            measure: 'of which: that health check → alias restored (metrics, verdict, record, UpdateAlias)',
            unit: 'ms',
            summary: summarize(checkToRestore),
          },
          {
            measure: 'traffic shifted → first failed invocation',
            unit: 'ms',
            summary: summarize(firstFailureAfterShift),
          },
          { measure: 'deploy-canary spawn to exit (failing deploy)', unit: 'ms', summary: summarize(wallMs) },
          {
            measure: 'user requests sent during the benchmark / answered 5xx',
            unit: '',
            value: `${served.length} / ${served.filter((a) => a.status >= 500).length}`,
          },
        ],
        verdicts: [
          {
            figure: 'first failure → alias restored (max of runs)',
            value: formatNumber(s.max, 'ms'),
            target: `≤ interval + 1 s = ${formatNumber(target, 'ms')}`,
            met: s.max <= target,
          },
        ],
        notes: [
          `A failure waits for the next health check (at most one interval: ${formatNumber(summarize(waitForCheck).max, 'ms')} here at worst), then the check, the verdict, the record update and the RevisionId-guarded UpdateAlias take ${formatNumber(summarize(checkToRestore).median, 'ms')} (median, ${formatNumber(summarize(checkToRestore).max, 'ms')} at worst), well inside the 1 s allowance.`,
        ],
      };
    } finally {
      await traffic.stop();
      await world.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
