import {
  formatDuration,
  renderTemplate,
  type DeploymentRecord,
  type RollbackEntry,
  type TrafficStep,
  formatPercent,
} from '@lambda-release-kit/core';
import type { NotifyStatus } from './constants.js';
import { releaseFunctions, type FunctionLine, type ReleaseFunctions } from './release-functions.js';

/** What every channel says about one release, before it is rendered for Slack, email, SNS or a webhook. */
export interface ReleaseMessage {
  status: NotifyStatus;
  title: string;
  text: string;
  /** Label and value pairs, in display order (empty values left out). */
  facts: Array<[string, string]>;
  steps: StepRow[];
  /** `function` is set when the release has several functions, so each rollback says which one it restored. */
  rollbacks: Array<{
    from: string;
    to: string;
    method: string;
    reason: string;
    by: string;
    function?: string | undefined;
  }>;
  skipCanary?: string | undefined;
  links: { run?: string | undefined; commit?: string | undefined };
}

export interface StepRow {
  traffic: string;
  verdict: string;
  metrics: string;
  reason?: string | undefined;
}

export interface MessageTemplates {
  title?: string | undefined;
  message?: string | undefined;
}

export interface ReleaseFacts {
  record?: DeploymentRecord | undefined;
  status: NotifyStatus;
  /** Link to the commit, when the runner tells us the repository. */
  commitUrl?: string | undefined;
  /** Release metadata from the runner, used when there is no record. */
  release?: DeploymentRecord['release'] | undefined;
}

const STATUS_WORDS: Record<NotifyStatus, string> = {
  started: 'started',
  success: 'succeeded',
  failure: 'failed',
  cancelled: 'was cancelled',
  skipped: 'did not run',
  'rolled-back': 'was rolled back',
};

export const STATUS_EMOJI: Record<NotifyStatus, { slack: string; unicode: string }> = {
  started: { slack: ':rocket:', unicode: '🚀' },
  success: { slack: ':white_check_mark:', unicode: '✅' },
  failure: { slack: ':x:', unicode: '❌' },
  cancelled: { slack: ':no_entry_sign:', unicode: '🚫' },
  skipped: { slack: ':fast_forward:', unicode: '⏭️' },
  'rolled-back': { slack: ':rewind:', unicode: '⏪' },
};

function metricsText(step: TrafficStep): string {
  return Object.entries(step.metrics ?? {})
    .map(([name, value]) => `${name}=${value === null ? 'n/a' : Math.round(value * 1000) / 1000}`)
    .join(' ');
}

function durationOf(record: DeploymentRecord | undefined): string {
  if (!record?.finishedAt) return '';
  const ms = Date.parse(record.finishedAt) - Date.parse(record.startedAt);
  return Number.isFinite(ms) && ms >= 0 ? formatDuration(ms) : '';
}

/**
 * The variables `title` and `message` templates can use. Every name is always defined (absent facts are empty
 * strings), so a template fails only on names that do not exist at all.
 */
export function templateVars(facts: ReleaseFacts): Record<string, unknown> {
  const record = facts.record;
  const release = record?.release ?? facts.release ?? {};
  const lastRollback = record?.rollbacks.at(-1);
  const functions = releaseFunctions(record);
  return {
    status: facts.status,
    emoji: STATUS_EMOJI[facts.status].unicode,
    function: functions.names,
    alias: functions.aliases,
    environment: record?.environment ?? '',
    restored: functions.restored,
    region: record?.region ?? '',
    from: functions.from,
    to: functions.to,
    strategy: record?.strategy ?? '',
    duration: durationOf(record),
    actor: release.actor ?? '',
    commit: release.commit ?? '',
    tag: release.tag ?? '',
    ref: release.ref ?? '',
    runUrl: release.runUrl ?? '',
    commitUrl: facts.commitUrl ?? '',
    reason: lastRollback?.reason ?? record?.error ?? '',
    steps: record?.steps.length ?? 0,
    record: record ?? {},
  };
}

function defaultTitle(facts: ReleaseFacts): string {
  const record = facts.record;
  const release = record?.release ?? facts.release ?? {};
  const functions = releaseFunctions(record);
  const several = functions.each.length > 1;
  const subject = record ? functions.names : 'release';
  // A release of several functions names its versions function by function in the text, not in the title.
  const what =
    functions.to && !several
      ? `version ${functions.to}${release.tag ? ` (${release.tag})` : ''}`
      : (release.tag ?? '');
  const where = `${record ? ` on alias ${functions.aliases}` : ''}${record?.environment ? ` in ${record.environment}` : ''}`;
  const rollback = rolledBack(facts);
  if (rollback && several) return `${subject}: ${restoredPhrase(functions)}${where}`;
  if (rollback) return `${subject}: ${rollbackPhrase(rollback)}${where}`;
  return `${subject}: release${what ? ` of ${what}` : ''}${where} ${STATUS_WORDS[facts.status]}`;
}

/** How many functions of a release of several a rollback restored. */
function restoredPhrase(functions: ReleaseFunctions): string {
  const restored = functions.each.filter((line) => line.restoredTo).length;
  return `rolled back, ${restored} of ${functions.each.length} functions restored`;
}

/** One line per function of a release of several: name, alias, previous → new, and where a rollback put it. */
function functionLine(line: FunctionLine, rollback: boolean): string {
  const versions = line.from && line.to ? `${line.from} → ${line.to}` : line.to ? `version ${line.to}` : '';
  const restored = rollback ? (line.restoredTo ? `, restored to ${line.restoredTo}` : ', not restored') : '';
  return `• ${line.name} on ${line.alias}${versions ? `: ${versions}` : ''}${restored}`;
}

/**
 * The one sentence that says which way a rollback went: from the bad version to the restored one. The title says it
 * for a rolled-back release; text, facts and channel blocks never repeat the direction (or show the deploy's own
 * "previous → new" arrow, which reads backwards next to it).
 */
export function rollbackPhrase(rollback: { from: string; to: string }): string {
  return `rolled back from version ${rollback.from} to ${rollback.to}`;
}

function rolledBack(facts: ReleaseFacts): RollbackEntry | undefined {
  return facts.status === 'rolled-back' ? facts.record?.rollbacks.at(-1) : undefined;
}

function defaultText(facts: ReleaseFacts): string {
  const record = facts.record;
  if (!record) return `Release ${STATUS_WORDS[facts.status]}.`;
  const parts: string[] = [];
  const rollback = rolledBack(facts);
  const functions = releaseFunctions(record);
  const several = functions.each.length > 1;
  const versions = several
    ? ''
    : functions.from && functions.to && !rollback
      ? `${functions.from} → ${functions.to}`
      : functions.to
        ? `version ${functions.to}`
        : '';
  const subject = several ? `${functions.each.length} functions` : functions.names;
  parts.push(
    `${subject}${versions ? ` ${versions}` : ''} with strategy ${record.strategy}` +
      (record.steps.length
        ? `, ${record.steps.length} traffic step${record.steps.length === 1 ? '' : 's'}`
        : '') +
      (durationOf(record) ? `, took ${durationOf(record)}` : '') +
      '.',
  );
  if (several) parts.push(...functions.each.map((line) => functionLine(line, rollback !== undefined)));
  if (rollback) parts.push(`Reason: ${rollback.reason}`);
  else if (record.error) parts.push(`Error: ${record.error}`);
  return parts.join('\n');
}

/** Builds the message; user templates replace the default title and text (a TemplateError names the problem). */
export function buildMessage(
  facts: ReleaseFacts,
  templates: MessageTemplates,
  options: { env: NodeJS.ProcessEnv; now: () => Date },
): ReleaseMessage {
  const vars = templateVars(facts);
  const render = (text: string) => renderTemplate(text, vars, options);
  const record = facts.record;
  const release = record?.release ?? facts.release ?? {};
  const functions = releaseFunctions(record);
  const several = functions.each.length > 1;
  const rows: Array<[string, string]> = [
    ['Status', facts.status],
    ['Environment', record?.environment ?? ''],
    [several ? 'Functions' : 'Function', functions.names],
    ['Alias', functions.aliases],
    [
      'Versions',
      rolledBack(facts)
        ? ''
        : several
          ? functions.each
              .map((line) => `${line.name} ${line.from ? `${line.from} → ` : ''}${line.to ?? ''}`)
              .join(', ')
          : functions.from && functions.to
            ? `${functions.from} → ${functions.to}`
            : functions.to,
    ],
    ['Restored', several ? functions.restored : ''],
    ['Strategy', record?.strategy ?? ''],
    ['Duration', durationOf(record)],
    ['Actor', release.actor ?? ''],
    ['Tag', release.tag ?? ''],
    ['Commit', release.commit ?? ''],
  ];
  return {
    status: facts.status,
    title: templates.title ? render(templates.title) : defaultTitle(facts),
    text: templates.message ? render(templates.message) : defaultText(facts),
    facts: rows.filter(([, value]) => value !== ''),
    steps: (record?.steps ?? []).map((step) => ({
      traffic: formatPercent(step.weight, { decimals: 1 }),
      verdict: step.verdict,
      metrics: metricsText(step),
      reason: step.reason,
    })),
    rollbacks: (record?.rollbacks ?? []).map(({ from, to, method, reason, by, function: name }) => ({
      from,
      to,
      method,
      reason,
      by,
      ...(several && name ? { function: name } : {}),
    })),
    skipCanary: record?.skipCanary
      ? `Canary skipped by ${record.skipCanary.by}: ${record.skipCanary.reason}`
      : undefined,
    links: { run: release.runUrl, commit: facts.commitUrl },
  };
}

/** Cuts text to `max` characters at a line or word boundary, marking the cut with an ellipsis. */
export function cut(text: string, max: number): string {
  if (text.length <= max) return text;
  const room = text.slice(0, max - 1);
  const boundary = Math.max(room.lastIndexOf('\n'), room.lastIndexOf(' '));
  return `${(boundary > max * 0.6 ? room.slice(0, boundary) : room).trimEnd()}…`;
}
