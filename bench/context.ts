import type { BenchResult } from './report.js';

/** What every benchmark is given: the baseline tools (absolute paths) and a progress printer. */
export interface BenchContext {
  awsCli: string;
  curl: string;
  gnuTime: string;
  log(line: string): void;
}

export interface Benchmark {
  name: string;
  run(context: BenchContext): Promise<BenchResult>;
}

/** The `not built yet` result for a benchmark whose bundle is missing. */
export function notBuilt(name: string, title: string, bundles: string[]): BenchResult {
  return {
    name,
    title,
    method: [`Needs ${bundles.map((b) => `dist/${b}/index.js`).join(' and ')}.`],
    rows: [],
    verdicts: [],
    notes: [],
    skipped: `not built yet (${bundles.map((b) => `dist/${b}/index.js`).join(', ')} missing); run \`npm run build\`, then \`npm run bench -- ${name}\``,
  };
}
