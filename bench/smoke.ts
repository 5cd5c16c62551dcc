/**
 * 4. Smoke-test throughput: 50 HTTP checks against a local server that answers in 20 ms, the bundled smoke-test
 * against the shell script people write instead (curl in a loop, one request after the other).
 */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BenchContext, Benchmark } from './context.js';
import { notBuilt } from './context.js';
import { summarizeProfile } from './bundle-analysis.js';
import { bundleExists, distDir, runBundledAction, runnerEnv, timeProcess } from './processes.js';
import { formatNumber, type BenchResult } from './report.js';
import { medianRatio, summarize } from './stats.js';

const NAME = 'smoke';
const TITLE = 'Smoke test: 50 checks, smoke-test vs a sequential curl script';
const CHECKS = 50;
const ANSWER_MS = 20;
const RUNS = 7;
const TARGET_RATIO = 0.2;

/** A server that answers every GET after ANSWER_MS with a small JSON body, counting what it served. */
async function slowServer(): Promise<{ url: string; served(): number; close(): Promise<void> }> {
  let served = 0;
  const server = createServer((req, res) => {
    req.resume();
    setTimeout(() => {
      served++;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, path: req.url }));
    }, ANSWER_MS);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    served: () => served,
    close: () => {
      server.closeAllConnections();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}

export const smoke: Benchmark = {
  name: NAME,
  run: async (context: BenchContext): Promise<BenchResult> => {
    if (!bundleExists('smoke-test')) return notBuilt(NAME, TITLE, ['smoke-test']);
    const server = await slowServer();
    const dir = mkdtempSync(join(tmpdir(), 'bench-smoke-'));
    try {
      const checks = Array.from(
        { length: CHECKS },
        (_, i) =>
          `- name: item ${i + 1}\n  request:\n    url: ${server.url}/items/${i + 1}\n  expect:\n    status: 200\n`,
      ).join('');
      const script = join(dir, 'smoke.sh');
      writeFileSync(
        script,
        [
          '#!/bin/sh',
          'set -e',
          `for i in $(seq 1 ${CHECKS}); do`,
          `  curl -fsS -o /dev/null --max-time 10 "${server.url}/items/$i"`,
          'done',
          '',
        ].join('\n'),
      );
      const action = async (inputs: Record<string, string>, nodeArgs?: string[]) => {
        const before = server.served();
        const run = await runBundledAction('smoke-test', {
          inputs: { checks, ...inputs },
          env: {},
          timeoutMs: 60_000,
          nodeArgs,
        });
        if (run.code !== 0 || run.outputs['passed'] !== String(CHECKS) || server.served() - before !== CHECKS)
          throw new Error(
            `smoke-test did not pass ${CHECKS} checks (exit ${run.code}): ${run.stdout}\n${run.stderr}`,
          );
        return run;
      };

      const ours: number[] = [];
      const ownMs: number[] = [];
      const wide: number[] = [];
      const curl: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        const a = await action({});
        ours.push(a.ms);
        ownMs.push(Number(a.outputs['duration-ms']));
        wide.push((await action({ concurrency: String(CHECKS) })).ms);
        const before = server.served();
        const c = await timeProcess('/bin/sh', [script], { env: runnerEnv({}), timeoutMs: 60_000 });
        if (c.code !== 0 || server.served() - before !== CHECKS)
          throw new Error(`the curl script failed (exit ${c.code}): ${c.stderr}`);
        curl.push(c.ms);
        context.log(
          `smoke run ${i + 1}/${RUNS}: smoke-test ${a.ms.toFixed(0)} ms, with concurrency ${CHECKS} ${wide[i].toFixed(0)} ms, curl script ${c.ms.toFixed(0)} ms`,
        );
      }
      const profileDir = join(dir, 'profile');
      const profiled = await action({}, ['--cpu-prof', `--cpu-prof-dir=${profileDir}`]);
      const profileFile = readdirSync(profileDir).find((f) => f.endsWith('.cpuprofile'));
      if (!profileFile) throw new Error('no CPU profile written for smoke-test');
      const profile = summarizeProfile(join(profileDir, profileFile), join(distDir(), 'smoke-test'));
      const top = profile.shares
        .slice(0, 9)
        .map((p) => `${p.group} ${formatNumber(p.ms, 'ms')}`)
        .join('; ');

      const s = summarize(ours);
      const baseline = summarize(curl);
      const ratio = medianRatio(s, baseline);
      const own = summarize(ownMs);
      const wideSummary = summarize(wide);
      const floor = ANSWER_MS * Math.ceil(CHECKS / 10);
      return {
        name: NAME,
        title: TITLE,
        method: [
          `A local HTTP server on 127.0.0.1 answers every GET after ${ANSWER_MS} ms.`,
          `Ours: \`dist/smoke-test/index.js\` under Node 24 with ${CHECKS} checks in the \`checks\` input (each \`GET /items/<n>\`, expect status 200), default concurrency (10); and again with \`concurrency: ${CHECKS}\`. Every run must report ${CHECKS} passed and the server must have served ${CHECKS} requests.`,
          `Baseline: \`sh\` running \`curl -fsS -o /dev/null --max-time 10\` for the same ${CHECKS} URLs one after the other (set -e).`,
          `${RUNS} interleaved rounds; spawn to exit.`,
        ],
        rows: [
          { measure: `smoke-test, ${CHECKS} checks, concurrency 10 (default)`, unit: 'ms', summary: s },
          {
            measure: `smoke-test, ${CHECKS} checks, concurrency ${CHECKS}`,
            unit: 'ms',
            summary: wideSummary,
          },
          { measure: 'its own `duration-ms` output (concurrency 10)', unit: 'ms', summary: own },
          { measure: `sequential curl script, ${CHECKS} requests`, unit: 'ms', summary: baseline },
        ],
        verdicts: [
          {
            figure: 'smoke-test / curl script (medians, default concurrency)',
            value: formatNumber(ratio, '×'),
            target: `≤ ${TARGET_RATIO}`,
            met: ratio <= TARGET_RATIO,
          },
          {
            figure: `smoke-test with concurrency ${CHECKS} / curl script (medians)`,
            value: formatNumber(medianRatio(wideSummary, baseline), '×'),
            target: `≤ ${TARGET_RATIO}`,
            met: medianRatio(wideSummary, baseline) <= TARGET_RATIO,
          },
        ],
        notes: [
          `The checks themselves take ${formatNumber(own.median, 'ms')} (the action's \`duration-ms\`; the floor at concurrency 10 is ${CHECKS}/10 × ${ANSWER_MS} ms = ${floor} ms); the other ${formatNumber(s.median - own.median, 'ms')} of the run is process start-up, loading the bundle, parsing the checks and writing the report, outputs and summary (see the start-up section).`,
          `CPU profile of one run at concurrency 10 (${formatNumber(profiled.ms, 'ms')} under the profiler, ${formatNumber(profile.totalMs, 'ms')} profiled), self time by source package: ${top}. \`yaml\` is parsing the 50 checks from the input; \`(idle)\` is waiting for the server's 20 ms answers; Node's fetch (\`deps/undici\`) is loaded and compiled on the first request.`,
          `curl costs ${formatNumber(baseline.median / CHECKS, 'ms')} per request (${ANSWER_MS} ms answer + a process start each time), so the ratio depends on the fixed start-up cost of the action: the target ≤ ${TARGET_RATIO} needs the whole run within ${formatNumber(baseline.median * TARGET_RATIO, 'ms')}.`,
        ],
      };
    } finally {
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
