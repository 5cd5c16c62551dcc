/**
 * Issue 10, item 1, for rollback-on-failure: every AWS operation it calls on its main paths × {429, 500, dropped
 * connection, 409, 412}, each as a transient fault (the next 2 calls fail). The rollback must recover (alias 100%
 * on stable) or fail with exactly one clear `::error::` line and leave the alias as it found it (stable only, or
 * the canary at its declared weight); a second rollback with no fault must then restore stable.
 *
 * Each operation is faulted in the situation where the rollback really calls it: GetAlias and UpdateAlias on a
 * half-shifted alias (90/10) with the record; GetFunctionConfiguration when the record's previous version no
 * longer carries traffic (the canary was promoted, then failed its smoke test), and again on a half-shifted alias
 * with no record (the rollback reads the canary's description to prove this run published it).
 */
import { writeFileSync } from 'node:fs';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import type { FaultKind } from '@lambda-release-kit/sandbox';
import { aliasIsSafe, errorLines, FAULT_KINDS, rollbackRestoresStable } from './fault-matrix.js';
import {
  aliasOf,
  ALIAS,
  createReleasedFunction,
  publishRelease,
  routeCanary,
  THIS_RUN_DESCRIPTION,
  useFixture,
  type AliasView,
  type Fixture,
} from './fixture.js';
import { recordOperations, recordResult } from './results.js';
import { runAction, type ActionRun } from './run-action.js';

const CATEGORY = 'faults-rollback';
const STABLE = '1';
const CANARY = '2';
const WEIGHT = 0.1;

interface Situation {
  name: string;
  /** The canary at WEIGHT (half-shifted) or at 100% (promoted). */
  promoted: boolean;
  withRecord: boolean;
}
const HALF_SHIFTED: Situation = { name: 'alias 90/10, record given', promoted: false, withRecord: true };
const PROMOTED: Situation = { name: 'canary promoted, record given', promoted: true, withRecord: true };
const HALF_SHIFTED_NO_RECORD: Situation = {
  name: "alias 90/10 on this run's canary, no record",
  promoted: false,
  withRecord: false,
};

const OPERATIONS: Array<{ operation: string; situation: Situation }> = [
  { operation: 'GetAlias', situation: HALF_SHIFTED },
  { operation: 'UpdateAlias', situation: HALF_SHIFTED },
  { operation: 'GetFunctionConfiguration', situation: PROMOTED },
  { operation: 'GetFunctionConfiguration', situation: HALF_SHIFTED_NO_RECORD },
];

interface Cell {
  operation: string;
  situation: Situation;
  kind: FaultKind;
}
const cells: Cell[] = OPERATIONS.flatMap(({ operation, situation }) =>
  FAULT_KINDS.map((kind) => ({ operation, situation, kind })),
);

let fixture: Fixture;
const dir = mkdtempSync(join(tmpdir(), 'reliability-faults-rollback-'));
let counter = 0;

useFixture(CATEGORY, (started) => (fixture = started));

/** The record deploy-canary would have written for the failed release of version 2. */
function writeRecord(name: string): string {
  const path = join(dir, `${name}-record.json`);
  writeFileSync(
    path,
    JSON.stringify({
      schema: 'lambda-release-record/v1',
      function: { name, arn: `arn:aws:lambda:us-east-1:123456789012:function:${name}` },
      alias: ALIAS,
      release: { tag: 'v1.1.0' },
      strategy: 'alias-weights',
      previous: { version: STABLE },
      target: { version: CANARY },
      steps: [],
      status: 'failed',
      rollbacks: [],
      startedAt: new Date().toISOString(),
    }),
  );
  return path;
}

async function prepare(name: string, situation: Situation): Promise<string | undefined> {
  await createReleasedFunction(fixture, name);
  // Without a record, only the version's description (deploy-canary's, naming this run) makes the canary ours.
  const canary = await publishRelease(
    fixture,
    name,
    'v1.1.0',
    situation.withRecord ? undefined : THIS_RUN_DESCRIPTION,
  );
  if (canary !== CANARY) throw new Error(`expected version ${CANARY} to be published, got ${canary}`);
  if (situation.promoted) fixture.sandbox.lambda.setAliasRouting(name, ALIAS, CANARY, {});
  else await routeCanary(fixture, name, STABLE, CANARY, WEIGHT);
  return situation.withRecord ? writeRecord(name) : undefined;
}

const onStable = (alias: AliasView) => alias.version === STABLE && Object.keys(alias.weights).length === 0;

describe('rollback-on-failure under injected AWS faults', () => {
  it.each(OPERATIONS)(
    'a clean rollback ($situation.name) calls $operation',
    async ({ operation, situation }) => {
      const name = `clean-${++counter}`;
      const recordFile = await prepare(name, situation);
      const { run } = await rollbackRestoresStable(fixture, name, STABLE, recordFile, CATEGORY);
      const called = fixture.sandbox.requestLog().map((e) => e.operation);
      expect({ code: run.code, alias: aliasOf(fixture, name) }).toEqual({
        code: 0,
        alias: { version: STABLE, weights: {} },
      });
      expect(called).toContain(operation);
    },
  );

  it.each(cells.map((c) => [`transient ${c.kind} on ${c.operation} (${c.situation.name})`, c] as const))(
    '%s',
    async (_title, cell) => {
      const name = `fn-${++counter}`;
      const recordFile = await prepare(name, cell.situation);
      fixture.sandbox.clearRequestLog();
      fixture.sandbox.faults.add({ service: 'lambda', operation: cell.operation, kind: cell.kind, times: 2 });
      const started = Date.now();
      const run: ActionRun = await runAction(
        'rollback-on-failure',
        {
          'function-name': name,
          alias: ALIAS,
          reason: 'reliability suite',
          ...(recordFile ? { 'record-file': recordFile } : {}),
        },
        { env: fixture.env, timeoutMs: 60_000 },
      );
      const tookMs = Date.now() - started;
      fixture.sandbox.faults.clear();
      recordOperations(CATEGORY, 'rollback-on-failure', fixture.sandbox.requestLog());
      const injected = fixture.sandbox.requestLog().filter((e) => e.fault).length;
      const after = aliasOf(fixture, name);
      const recovered = run.code === 0 && onStable(after);
      const clearFailure = run.code === 1 && errorLines(run).length === 1;
      const safe = aliasIsSafe(after, STABLE, CANARY, [WEIGHT]);

      const second = await rollbackRestoresStable(fixture, name, STABLE, recordFile, CATEGORY);
      const secondAlias = aliasOf(fixture, name);
      // A second rollback after a successful one exits 0 ("nothing to do"), or fails with one clear line: either
      // way the alias must be on stable.
      const secondHeld =
        onStable(secondAlias) && (second.run.code === 0 || errorLines(second.run).length === 1);
      const held = (recovered || (clearFailure && safe)) && secondHeld && injected > 0;
      recordResult(CATEGORY, {
        action: 'rollback-on-failure',
        case: `transient (2 calls) ${cell.kind} on lambda:${cell.operation} (${cell.situation.name})`,
        held,
        outcome: recovered
          ? `recovered (${run.outputs.outcome})`
          : clearFailure
            ? 'failed cleanly'
            : `exit ${run.code}`,
        injected,
        seconds: Math.round(tookMs / 100) / 10,
        detail: recovered
          ? `alias ${JSON.stringify(after)}`
          : (errorLines(run)[0]?.slice(0, 240) ?? run.stdout.slice(-200)),
        rollback: `second run: ${second.run.outputs.outcome ?? errorLines(second.run)[0]?.slice(0, 200)}; alias ${JSON.stringify(secondAlias)}`,
      });

      expect(injected).toBeGreaterThan(0);
      expect({ recovered, clearFailure, safe, alias: after, errors: errorLines(run) }).toEqual(
        recovered
          ? { recovered, clearFailure, safe, alias: after, errors: errorLines(run) }
          : { recovered, clearFailure: true, safe: true, alias: after, errors: errorLines(run) },
      );
      expect({ second: secondAlias, held: secondHeld }).toEqual({
        second: { version: STABLE, weights: {} },
        held: true,
      });
    },
    60_000,
  );
});
