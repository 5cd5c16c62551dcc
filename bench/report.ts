/**
 * Writes BENCHMARKS.md: how and where the figures were measured, a summary of the targets, and one section per
 * benchmark. Running a single benchmark replaces only its section; the others are kept from the current file.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem, release, type } from 'node:os';
import { join, relative } from 'node:path';
import { format, resolveConfig } from 'prettier';
import type { Summary } from './stats.js';
import { NODE24, REPO_ROOT, SOURCE_DIST_DIR } from './processes.js';

export interface Row {
  measure: string;
  unit: 'ms' | 'MB' | 'KB' | 'calls' | '×' | '';
  summary?: Summary;
  /** A single figure (or text) instead of min/median/max. */
  value?: number | string;
}

export interface Verdict {
  figure: string;
  value: string;
  target: string;
  /** Undefined when the issue sets no target for the figure. */
  met?: boolean;
}

export interface BenchResult {
  name: string;
  title: string;
  /** Markdown lines describing exactly what was measured and how. */
  method: string[];
  rows: Row[];
  verdicts: Verdict[];
  /** Findings: causes of missed targets, what the calls were, caveats. */
  notes: string[];
  /** Set when the benchmark could not run (e.g. the bundle is not built yet). */
  skipped?: string;
}

export const REPORT_FILE = join(REPO_ROOT, 'BENCHMARKS.md');

export function formatNumber(value: number, unit: Row['unit']): string {
  if (unit === 'calls') return String(Math.round(value * 10) / 10);
  if (unit === '×') return `${value.toFixed(2)}×`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return `${value.toFixed(digits)}${unit ? ` ${unit}` : ''}`;
}

function renderRow(row: Row): string {
  if (row.summary) {
    const s = row.summary;
    const f = (v: number) => formatNumber(v, row.unit);
    return `| ${row.measure} | ${s.n} | ${f(s.min)} | ${f(s.median)} | ${f(s.max)} |`;
  }
  const value = typeof row.value === 'number' ? formatNumber(row.value, row.unit) : (row.value ?? '');
  return `| ${row.measure} | 1 | | ${value} | |`;
}

const metText = (v: Verdict) => (v.met === undefined ? '—' : v.met ? 'yes' : '**no**');

const escapeComment = (json: string) => json.replace(/--/g, '-\\u002d');

export function renderSection(result: BenchResult, index: number): string {
  const lines = [
    `<!-- bench:${result.name} ${escapeComment(JSON.stringify({ verdicts: result.verdicts, skipped: result.skipped }))} -->`,
    `## ${index}. ${result.title}`,
    '',
  ];
  if (result.skipped) {
    lines.push(`**Not measured:** ${result.skipped}`, '');
  }
  lines.push('**Method.**', '', ...result.method.map((m) => `- ${m}`), '');
  if (result.rows.length > 0) {
    lines.push(
      '| Measure | n | min | median | max |',
      '|---|--:|--:|--:|--:|',
      ...result.rows.map(renderRow),
      '',
    );
  }
  if (result.verdicts.length > 0) {
    lines.push('| Figure | Value | Target | Met? |', '|---|--:|---|---|');
    for (const v of result.verdicts) lines.push(`| ${v.figure} | ${v.value} | ${v.target} | ${metText(v)} |`);
    lines.push('');
  }
  if (result.notes.length > 0) lines.push('**Findings.**', '', ...result.notes.map((n) => `- ${n}`), '');
  lines.push(`<!-- /bench:${result.name} -->`);
  return lines.join('\n');
}

interface StoredSection {
  text: string;
  verdicts: Verdict[];
  skipped?: string | undefined;
}

/** The sections of the current BENCHMARKS.md by benchmark name, to keep the ones not re-run. */
function readStoredSections(): Map<string, StoredSection> {
  const sections = new Map<string, StoredSection>();
  if (!existsSync(REPORT_FILE)) return sections;
  const text = readFileSync(REPORT_FILE, 'utf8');
  const pattern = /<!-- bench:([\w-]+) (\{.*?\}) -->\n[\s\S]*?<!-- \/bench:\1 -->/g;
  for (const [section, name = '', json = '{}'] of text.matchAll(pattern)) {
    const meta = JSON.parse(json) as { verdicts: Verdict[]; skipped?: string };
    sections.set(name, { text: section, verdicts: meta.verdicts, skipped: meta.skipped });
  }
  return sections;
}

function tryVersion(command: string, args: string[]): string {
  try {
    return execFileSync(command, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
  } catch {
    return 'not available';
  }
}

function bundleProvenance(): string {
  const git = (args: string[]) => tryVersion('git', ['-C', REPO_ROOT, ...args]);
  const dirty = git(['status', '--porcelain', '--', SOURCE_DIST_DIR]);
  return `${relative(REPO_ROOT, SOURCE_DIST_DIR) || '.'}/ at commit ${git(['rev-parse', '--short', 'HEAD'])}${dirty ? ' (with uncommitted changes)' : ''}`;
}

function machine(awsCommand: string): string[] {
  const cpuList = cpus();
  return [
    `- CPU: ${cpuList.length} × ${cpuList[0]?.model ?? 'unknown'} (shared with other work; figures are medians of interleaved runs for that reason)`,
    `- Memory: ${(totalmem() / 1024 ** 3).toFixed(1)} GiB; OS: ${type()} ${release()}`,
    `- Node (bench and sandbox): ${process.version}; Node running the bundles (as the runner, node24): ${tryVersion(NODE24, ['--version'])}`,
    `- Bundles: ${bundleProvenance()}, copied once at the start of a run so every benchmark measures the same build`,
    `- AWS CLI baseline: ${tryVersion(awsCommand, ['--version'])} (${awsCommand}); curl: ${tryVersion('curl', ['--version']).split(' ').slice(0, 2).join(' ')}`,
  ];
}

/**
 * Writes BENCHMARKS.md with `fresh` results, keeping stored sections for benchmarks not in `fresh`, in `order`.
 */
export async function writeReport(order: string[], fresh: BenchResult[], awsCommand: string): Promise<void> {
  const stored = readStoredSections();
  const sections = order.map((name, i) => {
    const result = fresh.find((r) => r.name === name);
    if (result)
      return { name, text: renderSection(result, i + 1), verdicts: result.verdicts, skipped: result.skipped };
    const kept = stored.get(name);
    if (kept) return { name, ...kept, text: kept.text.replace(/^(<!--.*-->\n## )\d+\./, `$1${i + 1}.`) };
    return {
      name,
      text: `<!-- bench:${name} {"verdicts":[],"skipped":"not run yet"} -->\n## ${i + 1}. ${name}\n\nNot run yet: \`npm run bench -- ${name}\`.\n<!-- /bench:${name} -->`,
      verdicts: [],
      skipped: 'not run yet',
    };
  });

  const summary = ['| Benchmark | Figure | Value | Target | Met? |', '|---|---|--:|---|---|'];
  for (const s of sections) {
    if (s.skipped) summary.push(`| ${s.name} | — | not measured: ${s.skipped} | | |`);
    for (const v of s.verdicts)
      summary.push(`| ${s.name} | ${v.figure} | ${v.value} | ${v.target} | ${metText(v)} |`);
  }

  const text = [
    '# Benchmarks',
    '',
    'Generated by `npm run bench` (all benchmarks) or `npm run bench -- <name>` (one section: ' +
      order.map((n) => `\`${n}\``).join(', ') +
      '). Do not edit by hand. Everything runs on 127.0.0.1 against the local sandbox ' +
      '(`@lambda-release-kit/sandbox`) or small local HTTP servers; the actions run from their `dist/` bundles ' +
      'exactly as a GitHub runner starts them (Node 24, `INPUT_*` environment variables, `GITHUB_OUTPUT` and ' +
      '`GITHUB_STEP_SUMMARY` files), each in its own process. Timings are wall-clock from spawn to exit on the ' +
      'monotonic clock unless a section says otherwise; "ratio" is our median over the baseline median.',
    '',
    `Last written: ${new Date().toISOString()}; sections re-run then: ${fresh.map((r) => r.name).join(', ') || 'none'}.`,
    '',
    '## Machine',
    '',
    ...machine(awsCommand),
    '',
    '## Summary',
    '',
    ...summary,
    '',
    ...sections.map((s) => `${s.text}\n`),
  ].join('\n');
  // Formatted as the repository's prettier check expects, so `npm run lint` passes on the generated file.
  const options = (await resolveConfig(REPORT_FILE)) ?? {};
  writeFileSync(REPORT_FILE, await format(text, { ...options, filepath: REPORT_FILE }));
}
