/**
 * 3. Deploy overhead: a skip-canary deploy of a changed zip by the bundled deploy-canary, minus the sandbox's
 * update delay (time Lambda itself needs), against `aws lambda update-function-code --publish` + `update-alias`;
 * and the AWS calls a 3-step alias-weights canary makes.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readAlias } from '@lambda-release-kit/core';
import { startTraffic } from '@lambda-release-kit/sandbox';
import { buildOrdersApi } from '../examples/orders-api/build.mjs';
import { runAwsCli } from './aws-cli.js';
import type { BenchContext, Benchmark } from './context.js';
import { notBuilt } from './context.js';
import { ALIAS, FUNCTION_NAME, startWorld } from './fixture.js';
import { bundleExists, runBundledAction } from './processes.js';
import { formatNumber, type BenchResult } from './report.js';
import { medianRatio, summarize } from './stats.js';

const NAME = 'deploy-overhead';
const TITLE =
  'Deploy overhead: skip-canary deploy vs `aws lambda update-function-code --publish` + `update-alias`';
const RUNS = 7;
const UPDATE_DELAY_MS = 1000;
const CANARY_STEPS = '10%:1s,30%:1s,60%:1s';
const CANARY_INTERVAL = '500ms';
const TRAFFIC_RPS = 50;

/** Counts like "GetMetricData ×6, UpdateAlias ×4" in first-seen order. */
function countCalls(operations: string[]): string {
  const counts = new Map<string, number>();
  for (const op of operations) counts.set(op, (counts.get(op) ?? 0) + 1);
  return [...counts.entries()].map(([op, n]) => (n > 1 ? `${op} ×${n}` : op)).join(', ');
}

export const deployOverhead: Benchmark = {
  name: NAME,
  run: async (context: BenchContext): Promise<BenchResult> => {
    if (!bundleExists('deploy-canary')) return notBuilt(NAME, TITLE, ['deploy-canary']);
    const world = await startWorld({ updateDelayMs: UPDATE_DELAY_MS, metricDelayMs: 0 });
    const dir = mkdtempSync(join(tmpdir(), 'bench-deploy-'));
    try {
      const first = await world.publish({ release: 'v1.0.0' });
      await world.pointAlias(first);
      let releases = 0;
      const freshZip = () => {
        const file = join(dir, `orders-api-${++releases}.zip`);
        writeFileSync(file, buildOrdersApi({ release: `v2.0.${releases}` }));
        return { file, tag: `v2.0.${releases}` };
      };
      const deploy = async (inputs: Record<string, string>) => {
        const zip = freshZip();
        world.sandbox.clearRequestLog();
        const run = await runBundledAction('deploy-canary', {
          inputs: {
            'function-name': FUNCTION_NAME,
            alias: ALIAS,
            'zip-file': zip.file,
            'release-tag': zip.tag,
            ...inputs,
          },
          env: world.sandbox.env,
          timeoutMs: 120_000,
        });
        const log = world.sandbox.requestLog().filter((e) => e.service !== 'function-url');
        const calls = log.map((e) => e.operation);
        // Sandbox time equals real time at scale 1: how long after the update finished the version was published.
        const updated = log.find((e) => e.operation === 'UpdateFunctionCode')?.at;
        const published = log.find((e) => e.operation === 'PublishVersion')?.at;
        const publishLagMs = updated && published ? published - updated - UPDATE_DELAY_MS : NaN;
        const alias = await readAlias(world.lambda, FUNCTION_NAME, ALIAS);
        if (
          run.code !== 0 ||
          run.outputs['status'] !== 'promoted' ||
          alias?.version !== run.outputs['new-version']
        )
          throw new Error(
            `deploy-canary did not promote ${zip.tag} (exit ${run.code}): ${run.stdout}\n${run.stderr}`,
          );
        return { ms: run.ms, calls, publishLagMs };
      };

      const ours: number[] = [];
      const cli: number[] = [];
      const publishLag: number[] = [];
      let skipCalls: string[] = [];
      for (let i = 0; i < RUNS; i++) {
        const a = await deploy({ 'skip-canary': 'true', 'skip-canary-reason': 'deploy overhead benchmark' });
        ours.push(a.ms - UPDATE_DELAY_MS);
        skipCalls = a.calls;
        publishLag.push(a.publishLagMs);
        const zip = freshZip();
        world.sandbox.clearRequestLog();
        const update = await runAwsCli(context.awsCli, world.sandbox.env, [
          'lambda',
          'update-function-code',
          '--function-name',
          FUNCTION_NAME,
          '--zip-file',
          `fileb://${zip.file}`,
          '--publish',
        ]);
        const version = (JSON.parse(update.stdout) as { Version?: string }).Version;
        if (!version) throw new Error(`update-function-code --publish returned no version: ${update.stdout}`);
        const move = await runAwsCli(context.awsCli, world.sandbox.env, [
          'lambda',
          'update-alias',
          '--function-name',
          FUNCTION_NAME,
          '--name',
          ALIAS,
          '--function-version',
          version,
        ]);
        cli.push(update.ms + move.ms);
        context.log(
          `deploy run ${i + 1}/${RUNS}: deploy-canary ${a.ms.toFixed(0)} ms (−${UPDATE_DELAY_MS} = ${(a.ms - UPDATE_DELAY_MS).toFixed(0)}), aws ${update.ms.toFixed(0)} + ${move.ms.toFixed(0)} ms`,
        );
      }

      const traffic = startTraffic(world.sandbox.functionUrl(FUNCTION_NAME, ALIAS), {
        ratePerSecond: TRAFFIC_RPS,
        maxRequests: TRAFFIC_RPS * 30,
        deadlineMs: 30_000,
      });
      const canary = await deploy({
        'traffic-steps': CANARY_STEPS,
        'health-check-interval': CANARY_INTERVAL,
        // The sandbox publishes metrics at once.
        'metric-delay': '0',
        'min-invocations': '2',
        // This counts a canary's AWS calls; a 1% gate cannot be proven on a 3 s canary, so it goes on unproven.
        'on-inconclusive': 'promote',
      }).finally(() => traffic.stop());
      context.log(`3-step canary: ${canary.ms.toFixed(0)} ms, ${canary.calls.length} AWS calls`);

      const s = summarize(ours);
      const baseline = summarize(cli);
      const ratio = medianRatio(s, baseline);
      const metricCalls = canary.calls.filter((c) => c === 'GetMetricData').length;
      return {
        name: NAME,
        title: TITLE,
        method: [
          `The sandbox's update delay (LastUpdateStatus stays InProgress after a code update) is ${UPDATE_DELAY_MS} ms at real time scale; every run uploads a zip no earlier run used, so every deploy publishes a new version.`,
          `Ours: \`dist/deploy-canary/index.js\` with \`zip-file\`, \`skip-canary: true\` and a reason, spawn to exit, minus the ${UPDATE_DELAY_MS} ms the function update takes (it waits for the update before publishing, as AWS requires); each run must end with status promoted and the alias on the new version.`,
          'Baseline: `aws lambda update-function-code --zip-file fileb://… --publish` then `aws lambda update-alias --function-version <the returned version>` (Debian awscli), the two process times added. Lambda publishes with the update, so the CLI never waits for the update delay; it also skips every check deploy-canary makes (alias state, unfinished deploys, code changed, RevisionId guard, record).',
          `${RUNS} interleaved rounds. Then one alias-weights canary with \`traffic-steps: ${CANARY_STEPS}\`, \`health-check-interval: ${CANARY_INTERVAL}\`, \`min-invocations: 2\`, while ${TRAFFIC_RPS} requests/s go to the alias's function URL, counting the AWS requests the sandbox answered (function-URL traffic is not an AWS API call and not counted).`,
        ],
        rows: [
          {
            measure: `deploy-canary skip-canary, spawn to exit minus ${UPDATE_DELAY_MS} ms update delay`,
            unit: 'ms',
            summary: s,
          },
          { measure: 'aws update-function-code --publish + aws update-alias', unit: 'ms', summary: baseline },
          {
            measure: 'of which: update finished → PublishVersion sent (polling lag, from the request log)',
            unit: 'ms',
            summary: summarize(publishLag),
          },
          {
            measure: 'AWS calls per skip-canary deploy',
            unit: '',
            value: `${skipCalls.length}: ${countCalls(skipCalls)}`,
          },
          { measure: 'AWS calls by the CLI pair', unit: '', value: '2: UpdateFunctionCode, UpdateAlias' },
          { measure: `3-step canary (${CANARY_STEPS}), spawn to exit`, unit: 'ms', value: canary.ms },
          {
            measure: '3-step canary, AWS calls per deploy',
            unit: '',
            value: `${canary.calls.length}: ${countCalls(canary.calls)}`,
          },
        ],
        verdicts: [
          {
            figure: 'deploy overhead, ours / AWS CLI (medians)',
            value: formatNumber(ratio, '×'),
            target: 'none set (reported)',
          },
        ],
        notes: [
          `Of the ${formatNumber(s.median, 'ms')} beyond the update delay, a median ${formatNumber(summarize(publishLag).median, 'ms')} is the wait for LastUpdateStatus overshooting the end of the update (GetFunctionConfiguration polls with backoff from 200 ms: core's waitForFunctionUpdated); the rest is process start-up and loading the bundle (see the start-up section) plus ${skipCalls.length} AWS calls on loopback.`,
          `The 3-step canary made ${metricCalls} GetMetricData call${metricCalls === 1 ? '' : 's'}: one per health check (every ${CANARY_INTERVAL} within each 1 s bake), the rest are fixed per deploy; the calls grow with bake time / health-check interval, not with traffic.`,
        ],
      };
    } finally {
      await world.stop();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
