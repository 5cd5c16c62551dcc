/**
 * What each reliability test tried and whether it held, one JSON line per attempt, so RELIABILITY.md is
 * rendered from a real run (render-report.ts) instead of being typed by hand. Each category belongs to one test
 * file, which starts it afresh.
 */
import { appendFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const RESULTS_DIR =
  process.env.RELIABILITY_RESULTS ?? join(tmpdir(), 'lambda-release-kit-reliability');

export interface ResultEntry {
  /** The action or scenario the attempt was about. */
  action: string;
  case: string;
  held: boolean;
  detail?: string;
  [extra: string]: unknown;
}

export function startCategory(category: string): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  rmSync(join(RESULTS_DIR, `${category}.jsonl`), { force: true });
}

export function recordResult(category: string, entry: ResultEntry): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  appendFileSync(join(RESULTS_DIR, `${category}.jsonl`), `${JSON.stringify(entry)}\n`);
}

export function readResults(): Record<string, ResultEntry[]> {
  if (!existsSync(RESULTS_DIR)) return {};
  return Object.fromEntries(
    readdirSync(RESULTS_DIR)
      .filter((name) => name.endsWith('.jsonl'))
      .map((name) => [
        name.replace(/\.jsonl$/, ''),
        readFileSync(join(RESULTS_DIR, name), 'utf8')
          .split('\n')
          .filter(Boolean)
          .map((line) => JSON.parse(line) as ResultEntry),
      ]),
  );
}
