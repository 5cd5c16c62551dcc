/** How the demo prints: a timeline of the pipeline's jobs and steps, traffic, notifications, and a summary. */
import type { LogLine } from '@lambda-release-kit/core/testing';

export interface ScenarioOutcome {
  title: string;
  expected: { jobs: Record<string, string>; status: string };
  /** Each job's result. */
  jobs: Record<string, string>;
  status: string;
  /** Where every alias of every environment points afterwards. */
  aliases: string;
  slack: number;
  email: number;
  /** Smoke-test runs in the release's last record. */
  smokeResults: number;
  ok: boolean;
}

type TimelineLine = Omit<LogLine, 'kind'> & { kind: LogLine['kind'] | 'traffic' | 'notification' };

const started = Date.now();
const clock = () => `${((Date.now() - started) / 1000).toFixed(1).padStart(6)}s`;

export function printScenarioHeader(title: string): void {
  console.log(`\n${'='.repeat(100)}\n${title}\n${'='.repeat(100)}`);
}

const MARKS: Record<TimelineLine['kind'], string> = {
  job: '▶',
  step: '  ›',
  info: '     ',
  group: '    ▸',
  error: '    ✖',
  warning: '    ⚠',
  notice: '    ℹ',
  result: '  =',
  traffic: '  ~',
  notification: '  ✉',
};

export function printTimelineLine(line: TimelineLine): void {
  if (line.kind === 'info' && line.text.trim() === '') return;
  const who = line.kind === 'traffic' || line.kind === 'notification' ? `[${line.job}] ` : '';
  console.log(`${clock()} ${MARKS[line.kind]} ${who}${line.text}`);
}

export function printSummary(outcomes: ScenarioOutcome[], elapsedMs: number): void {
  const jobs = Object.keys(outcomes[0]?.jobs ?? {});
  const rows = [
    [
      'scenario',
      ...jobs,
      'release status',
      'aliases after',
      'slack',
      'email',
      'smoke in record',
      'as expected',
    ],
    ...outcomes.map((o) => [
      o.title.split(':')[0] ?? o.title,
      ...jobs.map((job) => o.jobs[job] ?? ''),
      o.status,
      o.aliases,
      String(o.slack),
      String(o.email),
      String(o.smokeResults),
      o.ok
        ? 'yes'
        : `NO (expected ${jobs.map((job) => o.expected.jobs[job] ?? '').join('/')}/${o.expected.status})`,
    ]),
  ];
  const widths = (rows[0] ?? []).map((_, column) =>
    Math.max(...rows.map((row) => (row[column] ?? '').length)),
  );
  console.log(`\n${'='.repeat(100)}\nSummary (${(elapsedMs / 1000).toFixed(1)}s)`);
  for (const [index, row] of rows.entries()) {
    console.log(`| ${row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join(' | ')} |`);
    if (index === 0) console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  }
  console.log(
    outcomes.every((o) => o.ok)
      ? 'Every scenario ended as expected.'
      : 'Some scenarios did not end as expected.',
  );
}
