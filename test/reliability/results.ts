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
  detail?: string | undefined;
  [extra: string]: unknown;
}

export function startCategory(category: string): void {
  mkdirSync(RESULTS_DIR, { recursive: true });
  rmSync(join(RESULTS_DIR, `${category}.jsonl`), { force: true });
  rmSync(join(RESULTS_DIR, `ops-${category}.ndjson`), { force: true });
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

/** AWS services whose calls need IAM permissions (the sandbox's notification sinks are not AWS). */
const AWS_SERVICES = new Set(['lambda', 'codedeploy', 'cloudwatch', 'sns']);

/** Notes which AWS operations an action called, from the sandbox's request log of its run. */
export function recordOperations(
  category: string,
  action: string,
  log: Array<{ service: string; operation: string }>,
): void {
  const seen = new Set(
    log.filter((e) => AWS_SERVICES.has(e.service)).map((e) => `${e.service}:${e.operation}`),
  );
  if (seen.size === 0) return;
  mkdirSync(RESULTS_DIR, { recursive: true });
  appendFileSync(
    join(RESULTS_DIR, `ops-${category}.ndjson`),
    `${JSON.stringify({ action, operations: [...seen] })}\n`,
  );
}

/** Every operation each action was seen calling, across all test files of the last run. */
export function observedOperations(): Record<string, string[]> {
  if (!existsSync(RESULTS_DIR)) return {};
  const lines = readdirSync(RESULTS_DIR)
    .filter((name) => name.startsWith('ops-') && name.endsWith('.ndjson'))
    .flatMap((name) => readFileSync(join(RESULTS_DIR, name), 'utf8').split('\n').filter(Boolean));
  const byAction: Record<string, Set<string>> = {};
  for (const line of lines) {
    const { action, operations } = JSON.parse(line) as { action: string; operations: string[] };
    operations.forEach((op) => (byAction[action] ??= new Set()).add(op));
  }
  return Object.fromEntries(Object.entries(byAction).map(([action, ops]) => [action, [...ops].sort()]));
}
