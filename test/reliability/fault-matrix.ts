/**
 * The shared shape of a fault-matrix cell: what a healthy ending looks like after an action ran under a fault,
 * and the rollback that must always bring the alias back to the stable version.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from '@jest/globals';
import type { FaultKind } from '@lambda-release-kit/sandbox';
import { aliasOf, type AliasView, type Fixture } from './fixture.js';
import { recordOperations } from './results.js';
import { runAction, workflowCommands, type ActionRun } from './run-action.js';

/** The five failures: 429 throttling, 500, a dropped connection, 409 conflict, 412 stale revision. */
export const FAULT_KINDS: FaultKind[] = ['throttle', 'error', 'drop', 'conflict', 'stale-revision'];

/** Stable on its own, or stable with the canary at one of the declared weights, or fully promoted. */
export function aliasIsSafe(
  alias: AliasView,
  stable: string,
  canary: string | undefined,
  weights: number[],
): boolean {
  const routed = Object.entries(alias.weights);
  const [first] = routed;
  if (!first) return alias.version === stable || (canary !== undefined && alias.version === canary);
  const [version, weight] = first;
  return (
    routed.length === 1 &&
    alias.version === stable &&
    version === canary &&
    weights.some((w) => Math.abs(w - weight) < 1e-9)
  );
}

/** A failed run must end with exactly one `::error::` line from the action. */
export function errorLines(run: ActionRun): string[] {
  return workflowCommands(run.stdout).filter((line) => line.startsWith('::error::'));
}

/**
 * The record file for the rollback, as the reference workflow prepares it: deploy-canary's record file if it wrote
 * one, else its `record` output written there; a path with no file means the deploy changed no traffic.
 */
export function recordFileFor(run: ActionRun, name = 'record.json'): string {
  const path = join(run.dir, name);
  if (!existsSync(path) && run.outputs.record) writeFileSync(path, run.outputs.record);
  return path;
}

/** rollback-on-failure with no fault active, given the record file when there is one; the alias must end on stable. */
export async function rollbackRestoresStable(
  fixture: Fixture,
  functionName: string,
  stable: string,
  recordFile: string | undefined,
  category: string,
): Promise<{ run: ActionRun; restored: boolean }> {
  fixture.sandbox.faults.clear();
  fixture.sandbox.clearRequestLog();
  const run = await runAction(
    'rollback-on-failure',
    {
      'function-name': functionName,
      alias: 'live',
      ...(recordFile ? { 'record-file': recordFile } : {}),
      reason: 'reliability suite',
    },
    { env: fixture.env, timeoutMs: 60_000 },
  );
  recordOperations(category, 'rollback-on-failure', fixture.sandbox.requestLog());
  const alias = aliasOf(fixture, functionName);
  const restored = run.code === 0 && alias.version === stable && Object.keys(alias.weights).length === 0;
  return { run, restored };
}

export function expectOneErrorOrSuccess(run: ActionRun): void {
  if (run.code === 0) return;
  expect({ code: run.code, errors: errorLines(run).length }).toEqual({ code: 1, errors: 1 });
}
