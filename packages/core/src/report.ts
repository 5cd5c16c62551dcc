import * as core from '@actions/core';
import { errorMessage } from './errors.js';
import type { Logger } from './logger.js';

/** The Actions runner's logger: plain lines, warnings as annotations, groups as collapsible sections. */
export const actionsLogger: Logger = {
  info: (message) => core.info(message),
  warning: (message) => core.warning(message),
  debug: (message) => core.debug(message),
  group: (name, task) => core.group(name, task),
};

/** Registers secret values with the runner so they are masked in every log line (empty values are ignored). */
export function maskSecrets(...values: Array<string | undefined>): void {
  for (const value of values) if (value) core.setSecret(value);
}

export type OutputValue = string | number | boolean | undefined;

/** Sets every defined output; numbers and booleans are written as text. */
export function setOutputs(outputs: Record<string, OutputValue>): void {
  for (const [name, value] of Object.entries(outputs)) {
    if (value !== undefined) core.setOutput(name, String(value));
  }
}

export type SummaryRow = string[];

/** Writes a job summary: a heading, key facts, and optional tables (cells are plain text). */
export async function writeSummary(
  title: string,
  facts: Array<[string, string]>,
  tables: Array<{ caption?: string; header: string[]; rows: SummaryRow[] }> = [],
): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  const summary = core.summary.addHeading(title, 3);
  if (facts.length > 0) {
    summary.addTable([
      [
        { data: 'Item', header: true },
        { data: 'Value', header: true },
      ],
      ...facts.map(([key, value]) => [key, value]),
    ]);
  }
  for (const table of tables) {
    if (table.caption) summary.addHeading(table.caption, 4);
    summary.addTable([table.header.map((data) => ({ data, header: true })), ...table.rows]);
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
    if (core.isDebug() && error instanceof Error && error.stack) core.debug(error.stack);
    core.setFailed(`${action}: ${errorMessage(error)}`);
  }
}
