import { describeAlias, formatDuration, serializeRecord, type OutputValue } from '@lambda-release-kit/core';
import type { SummaryTable } from '@lambda-release-kit/core/runner';
import { Output } from './constants.js';
import type { PerformResult } from './perform.js';
import { firstFew } from './release-rollback.js';

/** The action's outputs besides the record's (the command line prints both). */
export function rollbackOutputs(result: PerformResult): Record<string, OutputValue> {
  return {
    [Output.RolledBack]: result.rolledBack,
    [Output.Outcome]: result.outcome,
    [Output.FromVersion]: result.from,
    [Output.ToVersion]: result.to,
    [Output.Method]: result.method,
    [Output.DurationMs]: result.durationMs,
    [Output.Functions]: JSON.stringify(functionEntries(result)),
  };
}

/** The `functions` output as values: one entry per function rolled back. */
export function functionEntries(result: PerformResult): Array<Record<string, string | undefined>> {
  return result.functions.map((f) => ({
    name: f.functionName,
    alias: f.alias,
    outcome: f.result ? f.result.outcome : 'failed',
    'from-version': f.result?.from,
    'to-version': f.result?.to,
  }));
}

/** The `record` and `record-file` outputs: the record with the rollback and its file, or the record as given. */
export function recordOutputs(result: PerformResult): Record<string, OutputValue> {
  return {
    [Output.Record]: result.record ? serializeRecord(result.record) : undefined,
    [Output.RecordFile]: result.recordFile,
  };
}

const HEADLINES: Record<PerformResult['outcome'], string> = {
  'rolled-back': 'Rolled back',
  'nothing-to-do': 'Nothing to roll back',
  superseded: 'Not rolled back: a later change took over',
  'dry-run': 'Dry run: nothing changed',
  gone: 'Nothing to roll back: the function no longer exists',
  failed: 'Failed: a function could not be rolled back',
};

/** Key facts for the job summary, in reading order. */
export function summaryFacts(
  result: PerformResult,
  target: string,
  environment?: string,
): Array<[string, string]> {
  const facts: Array<[string, string]> = [
    [result.functions.length > 1 ? 'Aliases' : 'Alias', target],
    ...(environment ? [['Environment', environment] as [string, string]] : []),
    ['Outcome', HEADLINES[result.outcome]],
    ['What happened', result.explanation],
  ];
  if (result.from) facts.push(['From', result.from]);
  if (result.to) facts.push(['To', result.to]);
  if (result.method) facts.push(['Method', result.method]);
  if (result.change)
    facts.push([result.outcome === 'dry-run' ? 'Change it would make' : 'Change', result.change]);
  if (result.before) facts.push(['Alias before', describeAlias(result.before)]);
  if (result.after) facts.push(['Alias after', describeAlias(result.after)]);
  facts.push(['Duration', formatDuration(result.durationMs)]);
  if (result.verify) {
    facts.push([
      'Verification',
      `${result.verify.passed} passed, ${result.verify.failed} failed of ${result.verify.total}`,
    ]);
  }
  if (result.recordFile) facts.push(['Record file', result.recordFile]);
  return facts;
}

/** One row per function, for a release of several (a one-function rollback says it all in its facts). */
export function functionsTable(result: PerformResult): SummaryTable[] {
  if (result.functions.length < 2) return [];
  const rows = result.functions.map((f) => [
    f.functionName,
    f.alias,
    f.result ? HEADLINES[f.result.outcome] : 'Failed',
    f.result?.from ?? '',
    f.result?.to ?? '',
    f.result ? (f.result.method ?? '') : '',
  ]);
  return [{ caption: 'Functions', header: ['Function', 'Alias', 'Outcome', 'From', 'To', 'Method'], rows }];
}

/**
 * The warning for functions left to a later release (promoted, or a canary in progress), each named: a rollback
 * that restored the others must still say which it did not touch. Undefined when there are none.
 */
export function leftAlone(result: PerformResult): string | undefined {
  const left = result.functions.flatMap((f) =>
    f.result?.outcome === 'superseded' ? [`${f.functionName}:${f.alias}: ${f.result.explanation}`] : [],
  );
  if (left.length === 0) return undefined;
  return left.length === 1 && result.functions.length === 1
    ? result.explanation
    : `${left.length} of ${result.functions.length} functions were left to a later release: ${firstFew(left, '; ')}`;
}

/** The error for failed verification checks, or undefined when they passed (or did not run). */
export function verifyFailure(result: PerformResult): string | undefined {
  const verify = result.verify;
  if (!verify || verify.failed === 0) return undefined;
  const done = result.rolledBack
    ? `rolled back to ${result.to}`
    : `the alias is on ${result.to ?? 'its version'}`;
  return `${done}, but ${verify.failed} of ${verify.total} verification checks failed: ${verify.failures.slice(0, 5).join('; ')}`;
}
