import { formatMs, type CheckResult, type SuiteResult } from '@lambda-release-kit/checks';
import type { Summary } from '@lambda-release-kit/core/runner';
import type { SmokeTestResult } from './smoke-test.js';

const SUMMARY_HEADER = ['Check', 'Result', 'Attempts', 'Latency', 'Version', 'Reason'];

/** One line per failed check, for the step's error. */
export function failureHeadline(result: SuiteResult): string {
  const failed = result.checks.filter((check) => !check.passed && !check.skipped);
  const shown = failed.slice(0, 3).map((check) => `${label(check)} (${check.failure?.reason ?? 'failed'})`);
  const more = failed.length > shown.length ? `, and ${failed.length - shown.length} more` : '';
  const skipped = result.skippedCount > 0 ? `; ${result.skippedCount} skipped` : '';
  return `${result.failedCount} of ${result.total} checks failed: ${shown.join(', ')}${more}${skipped}`;
}

/** The job summary: the verdict, the counts, and one row per check. */
export function smokeSummary(outcome: SmokeTestResult): Summary {
  const { result } = outcome;
  const facts: Array<[string, string]> = [
    ['Checks', `${result.passedCount} passed, ${result.failedCount} failed, ${result.skippedCount} skipped`],
    ['Duration', `${result.durationMs}ms`],
  ];
  if (outcome.expectVersion) facts.push(['Expected version', outcome.expectVersion]);
  const proof = proofCounts(result);
  if (proof) facts.push(['Version proof', proof]);
  if (outcome.reportFiles.length > 0) facts.push(['Report', outcome.reportFiles.join(', ')]);
  return {
    title: summaryTitle(result),
    facts,
    tables: [{ header: SUMMARY_HEADER, rows: summaryRows(result) }],
  };
}

function summaryTitle(result: SuiteResult): string {
  return result.passed
    ? `Smoke test passed: ${result.passedCount} of ${result.total} checks`
    : `Smoke test failed: ${result.failedCount} failed, ${result.skippedCount} skipped, ${result.passedCount} passed of ${result.total}`;
}

/** One row per check: result, attempts, latency and the reason it failed. */
function summaryRows(result: SuiteResult): string[][] {
  return result.checks.map((check) => [
    label(check),
    check.passed ? '✅ passed' : check.skipped ? '⏭️ skipped' : '❌ failed',
    String(check.attempts),
    latency(check),
    versionCell(check),
    check.failure?.reason ?? (check.version?.outcome.startsWith('not') ? check.version.detail : '–'),
  ]);
}

/** "2 proven, 1 not proven, 1 not checked": how many answers proved the version they came from. */
function proofCounts(result: SuiteResult): string | undefined {
  const counts = new Map<string, number>();
  for (const check of result.checks) {
    if (check.version) counts.set(check.version.outcome, (counts.get(check.version.outcome) ?? 0) + 1);
  }
  return counts.size === 0
    ? undefined
    : [...counts].map(([outcome, count]) => `${count} ${outcome}`).join(', ');
}

function versionCell(check: CheckResult): string {
  const outcome = check.version?.outcome;
  if (outcome === 'not proven' || outcome === 'not checked') return outcome;
  return check.executedVersion ?? '–';
}

function latency(check: CheckResult): string {
  if (check.latency) {
    const { p50Ms, p95Ms, p99Ms, samples, errors } = check.latency;
    return `p50 ${formatMs(p50Ms)}, p95 ${formatMs(p95Ms)}, p99 ${formatMs(p99Ms)} (${samples} samples, ${errors} errors)`;
  }
  return check.responseMs === undefined ? '–' : formatMs(check.responseMs);
}

function label(check: CheckResult): string {
  return check.flow ? `${check.flow} › ${check.name}` : check.name;
}
