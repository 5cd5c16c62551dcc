import { STATUS_EMOJI, type ReleaseMessage } from './content.js';

export interface EmailBody {
  subject: string;
  text: string;
  html: string;
}

const HTML_ENTITIES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => HTML_ENTITIES[c] ?? c);
}

const COLORS: Record<ReleaseMessage['status'], string> = {
  started: '#1f6feb',
  success: '#1a7f37',
  failure: '#cf222e',
  cancelled: '#6e7781',
  skipped: '#6e7781',
  'rolled-back': '#9a6700',
};

/** The same content as a plain-text and a simple, inline-styled HTML email (mail clients ignore style sheets). */
export function emailBody(message: ReleaseMessage, subject?: string): EmailBody {
  const heading = `${STATUS_EMOJI[message.status].unicode} ${message.title}`;
  const text: string[] = [heading, '', message.text, ''];
  const width = Math.max(0, ...message.facts.map(([label]) => label.length));
  for (const [label, value] of message.facts) text.push(`${`${label}:`.padEnd(width + 2)}${value}`);
  if (message.steps.length > 0) {
    text.push('', 'Canary steps:');
    for (const s of message.steps) {
      text.push(
        `  ${s.traffic.padEnd(7)} ${s.verdict.padEnd(12)} ${s.metrics}${s.reason ? ` (${s.reason})` : ''}`,
      );
    }
  }
  const rollbackOf = (r: ReleaseMessage['rollbacks'][number]) =>
    r.function ? `Rollback of ${r.function}` : 'Rollback';
  for (const r of message.rollbacks) text.push('', `${rollbackOf(r)} (${r.method}, by ${r.by}): ${r.reason}`);
  if (message.skipCanary) text.push('', message.skipCanary);
  if (message.links.run) text.push('', `View run: ${message.links.run}`);
  if (message.links.commit) text.push(`View commit: ${message.links.commit}`);

  const cell = 'padding:4px 12px 4px 0;text-align:left;vertical-align:top';
  const html: string[] = [
    '<!doctype html><html><body style="font-family:-apple-system,Segoe UI,Helvetica,Arial,sans-serif;color:#1f2328">',
    `<h2 style="color:${COLORS[message.status]};margin:0 0 12px">${escapeHtml(heading)}</h2>`,
    `<p style="white-space:pre-line">${escapeHtml(message.text)}</p>`,
    '<table style="border-collapse:collapse">',
    ...message.facts.map(
      ([label, value]) =>
        `<tr><th style="${cell}">${escapeHtml(label)}</th><td style="${cell}">${escapeHtml(value)}</td></tr>`,
    ),
    '</table>',
  ];
  if (message.steps.length > 0) {
    html.push(
      '<h3 style="margin:16px 0 4px">Canary steps</h3><table style="border-collapse:collapse">',
      `<tr><th style="${cell}">Traffic</th><th style="${cell}">Verdict</th><th style="${cell}">Metrics</th></tr>`,
      ...message.steps.map(
        (s) =>
          `<tr><td style="${cell}">${escapeHtml(s.traffic)}</td><td style="${cell}">${escapeHtml(s.verdict)}</td>` +
          `<td style="${cell}">${escapeHtml(s.metrics)}${s.reason ? ` (${escapeHtml(s.reason)})` : ''}</td></tr>`,
      ),
      '</table>',
    );
  }
  for (const r of message.rollbacks) {
    html.push(
      `<p><strong>${escapeHtml(rollbackOf(r))}</strong> (${escapeHtml(r.method)}, by ${escapeHtml(r.by)}): ${escapeHtml(r.reason)}</p>`,
    );
  }
  if (message.skipCanary) html.push(`<p><em>${escapeHtml(message.skipCanary)}</em></p>`);
  const links = [
    ['View run', message.links.run],
    ['View commit', message.links.commit],
  ].filter((pair): pair is [string, string] => pair[1] !== undefined);
  if (links.length > 0) {
    html.push(
      `<p>${links.map(([label, url]) => `<a href="${escapeHtml(url)}">${label}</a>`).join(' · ')}</p>`,
    );
  }
  html.push('</body></html>');
  return {
    subject: (subject ?? heading).replace(/[\r\n]+/g, ' '),
    text: `${text
      .join('\n')
      .replace(/\n{3,}/g, '\n\n')
      .trim()}\n`,
    html: html.join('\n'),
  };
}
