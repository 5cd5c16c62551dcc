/**
 * npm run bench [-- name ...]: runs the benchmarks (all, or the named ones, in order) on 127.0.0.1 and writes
 * BENCHMARKS.md. Benchmarks, not tests: nothing here fails on a missed target; the report says what was missed.
 */
import type { Benchmark, BenchContext } from './context.js';
import { deployOverhead } from './deploy-overhead.js';
import { detection } from './detection.js';
import { REPORT_FILE, writeReport, type BenchResult } from './report.js';
import { rollback } from './rollback.js';
import { service } from './service.js';
import { smoke } from './smoke.js';
import { startup } from './startup.js';
import { verdicts } from './verdicts.js';
import { snapshotDist } from './processes.js';
import { AWS_CLI, CURL, ensureTool, GNU_TIME } from './tools.js';

const BENCHMARKS: Benchmark[] = [rollback, detection, deployOverhead, smoke, startup, verdicts, service];

async function main(): Promise<void> {
  const names = process.argv.slice(2).filter((a) => a !== '--');
  const known = BENCHMARKS.map((b) => b.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0)
    throw new Error(`unknown benchmark ${unknown.join(', ')}; benchmarks: ${known.join(', ')}`);
  const selected = names.length > 0 ? BENCHMARKS.filter((b) => names.includes(b.name)) : BENCHMARKS;

  const context: BenchContext = {
    awsCli: ensureTool(AWS_CLI),
    curl: ensureTool(CURL),
    gnuTime: ensureTool(GNU_TIME),
    log: (line) => console.log(`  ${line}`),
  };
  const removeSnapshot = snapshotDist();
  const results: BenchResult[] = [];
  const failed: string[] = [];
  const started = performance.now();
  try {
    for (const benchmark of selected) {
      console.log(`${benchmark.name}:`);
      const t0 = performance.now();
      const result = await benchmark.run(context).catch((error: unknown) => {
        failed.push(benchmark.name);
        console.error(error instanceof Error ? (error.stack ?? error.message) : String(error));
        return failedResult(benchmark.name, error);
      });
      results.push(result);
      // Written after every benchmark, so a later failure keeps what was measured.
      await writeReport(known, results, context.awsCli);
      const verdicts = result.verdicts.map(
        (v) =>
          `${v.figure} ${v.value} (target ${v.target}${v.met === undefined ? '' : v.met ? ': met' : ': MISSED'})`,
      );
      console.log(
        `${benchmark.name}: ${result.skipped ? `skipped, ${result.skipped}` : verdicts.join('; ') || 'done'} [${((performance.now() - t0) / 1000).toFixed(1)} s]`,
      );
    }
  } finally {
    removeSnapshot();
  }
  console.log(`wrote ${REPORT_FILE} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  if (failed.length > 0)
    throw new Error(`benchmarks that failed: ${failed.join(', ')} (see above and BENCHMARKS.md)`);
}

function failedResult(name: string, error: unknown): BenchResult {
  const message = (error instanceof Error ? error.message : String(error)).split('\n')[0];
  return {
    name,
    title: name,
    method: [],
    rows: [],
    verdicts: [],
    notes: [],
    skipped: `the run failed: ${message}`,
  };
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    process.exit(1);
  },
);
