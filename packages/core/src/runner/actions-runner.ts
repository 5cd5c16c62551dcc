import * as core from '@actions/core';
import { errorMessage } from '../errors.js';
import type { Logger } from '../logger.js';
import type { OutputValue } from '../outputs.js';
import { Redactor } from '../redact.js';

/**
 * The secrets of this run: every value added is registered with the runner (`::add-mask::`) and masked by us in
 * every line, output and summary we write, so a secret never depends on the runner's masking alone.
 */
export const runnerRedactor = new Redactor([], (secret) => core.setSecret(secret));

const redact = (text: string) => runnerRedactor.redact(text);

/** The Actions runner's logger: plain lines, warnings as annotations, groups as collapsible sections. */
export const actionsLogger: Logger = {
  info: (message) => core.info(redact(message)),
  warning: (message) => core.warning(redact(message)),
  debug: (message) => core.debug(redact(message)),
  group: (name, task) => core.group(redact(name), task),
};

/** Registers secret values the moment they are read (empty and very short values are ignored). */
export function maskSecrets(...values: Array<string | undefined>): void {
  for (const value of values) runnerRedactor.add(value);
}

/** Text for an HTML summary cell: secrets masked, then `<`, `>`, `&` and quotes escaped. */
function summaryText(text: string): string {
  return redact(text)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&#39;');
}

export type { OutputValue };

/** Sets every defined output; numbers and booleans are written as text. */
export function setOutputs(outputs: Record<string, OutputValue>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, redact(String(value)));
  }
}

export type SummaryRow = string[];

export interface SummaryTable {
  caption?: string | undefined;
  header: string[];
  rows: SummaryRow[];
}

/** Writes a job summary: a heading, key facts, and optional tables (plain text, masked and HTML-escaped here). */
export async function writeSummary(
  title: string,
  facts: Array<[string, string]>,
  tables: SummaryTable[] = [],
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const summary = core.summary.addHeading(summaryText(title), 3);
  if (facts.length > 0) {
    summary.addTable([
      [
        { data: 'Item', header: true },
        { data: 'Value', header: true },
      ],
      ...facts.map((row) => row.map(summaryText)),
    ]);
  }
  for (const table of tables) {
    if (table.caption) summary.addHeading(summaryText(table.caption), 4);
    summary.addTable([
      table.header.map((data) => ({ data: summaryText(data), header: true })),
      ...table.rows.map((row) => row.map(summaryText)),
    ]);
  }
  await summary.write();
}

/**
 * The one try/catch at the top of an action: any error becomes a single `::error::` line prefixed with the
 * action's name, and the process exits 1. No stack trace unless the run has debug logging on (RUNNER_DEBUG=1).
 */
export async function runAction(action: string, body: () => Promise<void>): Promise<void> {
  try {
    await body();
  } catch (error) {
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(redact(error.stack));
    core.setFailed(redact(`${action}: ${errorMessage(error)}`));
  }
}
