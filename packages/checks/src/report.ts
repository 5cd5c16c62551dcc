import type { CheckResultSummary } from '@lambda-release-kit/core/record';
import { describeFailure } from './run.js';
import type { CheckResult, SuiteResult } from './types.js';

export type { CheckResultSummary };

export const REPORT_SCHEMA = 'lambda-release-checks/v1';

/** A JSON report for people and tools: totals, then one entry per check (already redacted). */
export function toJsonReport(result: SuiteResult, name = 'smoke-test'): string {
  return `${JSON.stringify({ schema: REPORT_SCHEMA, name, ...result }, null, 2)}\n`;
}

/** The record entry: counts, one line per failed check, and one per passed check that did not prove its version. */
export function toRecordSummary(result: SuiteResult, at: Date = new Date()): CheckResultSummary {
  const failures = result.checks
    .filter((check) => !check.passed && !check.skipped)
    .map((check) => `${label(check)}: ${check.failure?.reason ?? 'failed'}`);
  const unproven = unprovenLines(result);
  return {
    at: at.toISOString(),
    passed: result.passedCount,
    failed: result.failedCount + result.skippedCount,
    total: result.total,
    ...(failures.length > 0 ? { failures } : {}),
    ...(unproven.length > 0 ? { unproven } : {}),
  };
}

/** "health: version not proven: …" for each passed check whose version was not proven or not checked. */
export function unprovenLines(result: SuiteResult): string[] {
  return result.checks.flatMap((check) =>
    check.passed && (check.version?.outcome === 'not proven' || check.version?.outcome === 'not checked')
      ? [`${label(check)}: version ${check.version.outcome}: ${check.version.detail}`]
      : [],
  );
}

/** JUnit XML as test reporters read it: one testcase per check, flows as class names. */
export function toJUnitXml(result: SuiteResult, name = 'smoke-test'): string {
  const seconds = (ms: number) => (ms / 1000).toFixed(3);
  const cases = result.checks.map((check) => {
    const attributes = `name="${xml(check.name)}" classname="${xml(check.flow ? `${name}.${check.flow}` : name)}" time="${seconds(check.durationMs)}"`;
    const facts = [
      `attempts: ${check.attempts}`,
      check.status === undefined ? undefined : `status: ${check.status}`,
      check.executedVersion === undefined ? undefined : `executed version: ${check.executedVersion}`,
      check.version === undefined ? undefined : `version ${check.version.outcome}: ${check.version.detail}`,
      check.responseMs === undefined ? undefined : `response time: ${check.responseMs}ms`,
      check.latency
        ? `latency over ${check.latency.samples} samples: p50 ${check.latency.p50Ms}ms, p95 ${check.latency.p95Ms}ms, p99 ${check.latency.p99Ms}ms, errors ${check.latency.errors}`
        : undefined,
    ].filter((fact) => fact !== undefined);
    const out = `      <system-out>${xml(facts.join('\n'))}</system-out>\n`;
    if (check.skipped) {
      return `    <testcase ${attributes}>\n      <skipped message="${xml(check.failure?.reason ?? '')}"/>\n${out}    </testcase>`;
    }
    if (!check.passed) {
      const failure = check.failure ?? { reason: 'failed' };
      return (
        `    <testcase ${attributes}>\n` +
        `      <failure message="${xml(failure.reason)}" type="${xml(failure.assertion ?? 'error')}">${xml(describeFailure(failure))}</failure>\n` +
        `${out}    </testcase>`
      );
    }
    return `    <testcase ${attributes}>\n${out}    </testcase>`;
  });
  const counts = `tests="${result.total}" failures="${result.failedCount}" errors="0" skipped="${result.skippedCount}" time="${seconds(result.durationMs)}"`;
  return (
    `<?xml version="1.0" encoding="UTF-8"?>\n` +
    `<testsuites name="${xml(name)}" ${counts}>\n` +
    `  <testsuite name="${xml(name)}" ${counts} timestamp="${xml(result.startedAt)}">\n` +
    `${cases.join('\n')}${cases.length > 0 ? '\n' : ''}` +
    `  </testsuite>\n</testsuites>\n`
  );
}

function label(check: CheckResult): string {
  return check.flow ? `${check.flow} › ${check.name}` : check.name;
}

/** Escapes text for XML, dropping the control characters XML 1.0 does not allow. */
function xml(text: string): string {
  const allowed = [...text].filter((char) => {
    const code = char.codePointAt(0) ?? 0;
    return (
      code === 0x9 || code === 0xa || code === 0xd || (code >= 0x20 && code !== 0xfffe && code !== 0xffff)
    );
  });
  return allowed
    .join('')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;');
}
