/**
 * Issue 10, item 1, for deploy-canary: every AWS operation it calls × {429, 500, dropped connection, 409, 412},
 * once as a transient fault (the next 2 calls fail; the SDK's or the action's retries must absorb it) and once as
 * a persistent one on the mutating calls (the action must give up within its budget with one clear error).
 * Afterwards the alias serves only stable, or the canary at a declared weight, and rollback-on-failure restores
 * stable. Each cell gets its own function so cells cannot disturb each other.
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { FaultKind } from '@lambda-release-kit/sandbox';
import {
  aliasIsSafe,
  errorLines,
  FAULT_KINDS,
  rollbackRestoresStable,
  recordFileFor,
} from './fault-matrix.js';
import { aliasOf, createReleasedFunction, startFixture, writeReleaseZip, type Fixture } from './fixture.js';
import { recordOperations, recordResult, startCategory } from './results.js';
import { runAction } from './run-action.js';

const CATEGORY = 'faults-deploy';
const WEIGHTS = [0.1];
/** What deploy-canary calls on an alias-weights release of a .zip (checked against a clean run below). */
const OPERATIONS: Array<[service: string, operation: string]> = [
  ['lambda', 'GetFunctionConfiguration'],
  ['lambda', 'GetAlias'],
  ['lambda', 'GetFunction'],
  ['lambda', 'UpdateFunctionCode'],
  ['lambda', 'PublishVersion'],
  ['lambda', 'UpdateAlias'],
  ['cloudwatch', 'GetMetricData'],
];
const MUTATING = new Set(['UpdateFunctionCode', 'PublishVersion', 'UpdateAlias']);

interface Cell {
  service: string;
  operation: string;
  kind: FaultKind;
  persistent: boolean;
}
const cells: Cell[] = OPERATIONS.flatMap(([service, operation]) =>
  FAULT_KINDS.flatMap((kind) => [
    { service, operation, kind, persistent: false },
    ...(MUTATING.has(operation) ? [{ service, operation, kind, persistent: true }] : []),
  ]),
);

let fixture: Fixture;
let zip: string;
let counter = 0;

function deploy(functionName: string) {
  return runAction(
    'deploy-canary',
    (dir) => ({
      'function-name': functionName,
      'zip-file': zip,
      'traffic-steps': '10%:1s',
      'health-check-interval': '1s',
      // The sandbox publishes metrics at once.
      'metric-delay': '0',
      'min-invocations': '1',
      'on-inconclusive': 'promote',
      'release-tag': 'v1.1.0',
      'record-file': join(dir, 'record.json'),
      timeout: '45s',
    }),
    { env: fixture.env, timeoutMs: 90_000 },
  );
}

beforeAll(async () => {
  startCategory(CATEGORY);
  fixture = await startFixture();
  zip = writeReleaseZip(mkdtempSync(join(tmpdir(), 'reliability-faults-')), 'v1.1.0');
});

afterAll(async () => {
  await fixture?.sandbox.stop();
});

describe('deploy-canary under injected AWS faults', () => {
  it('the matrix covers every AWS operation a clean deploy calls', async () => {
    const name = `clean-${++counter}`;
    await createReleasedFunction(fixture, name);
    fixture.sandbox.clearRequestLog();
    const run = await deploy(name);
    expect(run.code).toBe(0);
    recordOperations(CATEGORY, 'deploy-canary', fixture.sandbox.requestLog());
    const called = new Set(
      fixture.sandbox
        .requestLog()
        .filter((e) => e.service === 'lambda' || e.service === 'cloudwatch')
        .map((e) => `${e.service}:${e.operation}`),
    );
    expect([...called].sort()).toEqual(OPERATIONS.map(([s, o]) => `${s}:${o}`).sort());
  });

  it.each(
    cells.map(
      (c) => [`${c.persistent ? 'persistent' : 'transient'} ${c.kind} on ${c.operation}`, c] as const,
    ),
  )(
    '%s',
    async (_title, cell) => {
      const name = `fn-${++counter}`;
      await createReleasedFunction(fixture, name);
      fixture.sandbox.clearRequestLog();
      fixture.sandbox.faults.add({
        service: cell.service,
        operation: cell.operation,
        kind: cell.kind,
        ...(cell.persistent ? {} : { times: 2 }),
      });
      const started = Date.now();
      const run = await deploy(name);
      const tookMs = Date.now() - started;
      fixture.sandbox.faults.clear();
      recordOperations(CATEGORY, 'deploy-canary', fixture.sandbox.requestLog());
      const injected = fixture.sandbox.requestLog().filter((e) => e.fault).length;
      const after = aliasOf(fixture, name);
      const canary = run.outputs['new-version'] || '2';
      const safe = aliasIsSafe(after, '1', canary, WEIGHTS);
      const promotedOnlyOnSuccess = after.version === '1' || run.code === 0;
      const clear = run.code === 0 || errorLines(run).length === 1;
      const rollback = await rollbackRestoresStable(fixture, name, '1', recordFileFor(run), CATEGORY);
      const held = safe && promotedOnlyOnSuccess && clear && rollback.restored && run.code !== null;
      recordResult(CATEGORY, {
        action: 'deploy-canary',
        case: `${cell.persistent ? 'persistent' : 'transient (2 calls)'} ${cell.kind} on ${cell.service}:${cell.operation}`,
        held,
        outcome: run.code === 0 ? `recovered (${run.outputs.status})` : 'failed cleanly',
        injected,
        seconds: Math.round(tookMs / 100) / 10,
        detail: run.code === 0 ? `alias ${JSON.stringify(after)}` : errorLines(run)[0]?.slice(0, 240),
        rollback: rollback.run.outputs.outcome ?? errorLines(rollback.run)[0]?.slice(0, 240),
      });

      expect(run.code === 0 || run.code === 1).toBe(true);
      expect(clear).toBe(true);
      expect({ alias: after, safe, promotedOnlyOnSuccess }).toEqual({
        alias: after,
        safe: true,
        promotedOnlyOnSuccess: true,
      });
      expect({ rollback: rollback.run.outputs.outcome, restored: rollback.restored }).toEqual({
        rollback: rollback.run.outputs.outcome,
        restored: true,
      });
      if (!cell.persistent) expect(injected).toBeGreaterThan(0);
    },
    120_000,
  );
});
