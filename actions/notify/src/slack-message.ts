import { cut, STATUS_EMOJI, type ReleaseMessage, type StepRow } from './content.js';

/** Slack's Block Kit limits (docs: 50 blocks, section text 3000, 10 fields of 2000, header 150, button 75). */
const LIMITS = {
  header: 150,
  sectionText: 3000,
  fields: 10,
  fieldText: 2000,
  buttonText: 75,
  fallback: 3000,
};

export interface SlackPayload {
  text: string;
  blocks: Array<Record<string, unknown>>;
}

function mrkdwn(text: string) {
  return { type: 'mrkdwn', text };
}

/** Slack mrkdwn treats &, < and > as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** The canary steps as a monospace table, whole lines only, with a note when rows had to be left out. */
function stepTable(steps: StepRow[]): string {
  const header = 'traffic  verdict       metrics';
  const rows = steps.map(
    (s) => `${s.traffic.padEnd(8)} ${s.verdict.padEnd(13)} ${s.metrics}${s.reason ? ` (${s.reason})` : ''}`,
  );
  const fence = '```';
  const budget = LIMITS.sectionText - 2 * fence.length - 40;
  const kept: string[] = [header];
  let used = header.length;
  for (const row of rows) {
    const line = escapeMrkdwn(cut(row, 300));
    if (used + line.length + 1 > budget) break;
    kept.push(line);
    used += line.length + 1;
  }
  const left = rows.length - (kept.length - 1);
  return `*Canary steps*\n${fence}${kept.join('\n')}${fence}${left > 0 ? `\n…and ${left} more step${left === 1 ? '' : 's'}` : ''}`;
}

/** The release as a Block Kit message within Slack's limits, with a plain `text` fallback for notifications. */
export function slackPayload(message: ReleaseMessage): SlackPayload {
  const emoji = STATUS_EMOJI[message.status].slack;
  const blocks: Array<Record<string, unknown>> = [
    {
      type: 'header',
      text: {
        type: 'plain_text',
        text: cut(`${STATUS_EMOJI[message.status].unicode} ${message.title}`, LIMITS.header),
        emoji: true,
      },
    },
  ];
  if (message.text) {
    blocks.push({
      type: 'section',
      text: mrkdwn(cut(`${emoji} ${escapeMrkdwn(message.text)}`, LIMITS.sectionText)),
    });
  }
  if (message.facts.length > 0) {
    blocks.push({
      type: 'section',
      fields: message.facts
        .slice(0, LIMITS.fields)
        .map(([label, value]) => mrkdwn(cut(`*${label}*\n${escapeMrkdwn(value)}`, LIMITS.fieldText))),
    });
  }
  if (message.steps.length > 0) blocks.push({ type: 'section', text: mrkdwn(stepTable(message.steps)) });
  for (const rollback of message.rollbacks.slice(-3)) {
    const what = rollback.function ? `Rollback of ${escapeMrkdwn(rollback.function)}` : 'Rollback';
    const text = `:rewind: *${what}* (${rollback.method}, by ${escapeMrkdwn(rollback.by)}): ${escapeMrkdwn(rollback.reason)}`;
    blocks.push({ type: 'section', text: mrkdwn(cut(text, LIMITS.sectionText)) });
  }
  if (message.skipCanary) {
    blocks.push({
      type: 'context',
      elements: [mrkdwn(cut(`:warning: ${escapeMrkdwn(message.skipCanary)}`, LIMITS.sectionText))],
    });
  }
  const buttons = [
    ['View run', message.links.run],
    ['View commit', message.links.commit],
  ]
    .filter((pair): pair is [string, string] => pair[1] !== undefined && pair[1].length <= 3000)
    .map(([label, url]) => ({ type: 'button', text: { type: 'plain_text', text: label }, url }));
  if (buttons.length > 0) blocks.push({ type: 'actions', elements: buttons });
  return { text: cut(`${emoji} ${escapeMrkdwn(message.title)}`, LIMITS.fallback), blocks };
}
