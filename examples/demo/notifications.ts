/** What the sandbox's Slack and SMTP sinks received (from its inspection endpoint), for the demo's timeline. */
import type { ReceivedMail, Sandbox, SlackMessage, SlackState } from '@lambda-release-kit/sandbox';
import { printTimelineLine } from './print.js';

export interface Notifications {
  slack: SlackMessage[];
  email: ReceivedMail[];
}

export async function notifications(sandbox: Sandbox): Promise<Notifications> {
  const response = await fetch(`${sandbox.endpoint}/_sandbox/state`);
  const state = (await response.json()) as {
    services: { slack: SlackState; smtp: { received: ReceivedMail[] } };
  };
  return { slack: state.services.slack.messages, email: state.services.smtp.received };
}

/** The messages after `before` (a count per sink). */
export function since(now: Notifications, before: Notifications): Notifications {
  return { slack: now.slack.slice(before.slack.length), email: now.email.slice(before.email.length) };
}

/** A Slack message's text and blocks, as one searchable string. */
export function slackText(message: SlackMessage): string {
  return `${message.text ?? ''}\n${JSON.stringify(message.blocks ?? [])}`;
}

export function printNotifications(received: Notifications): void {
  for (const message of received.slack) {
    printTimelineLine({
      job: 'slack',
      kind: 'notification',
      text: `${message.threadTs ? '(thread) ' : ''}${message.text ?? ''}`,
    });
  }
  for (const mail of received.email) {
    printTimelineLine({
      job: 'email',
      kind: 'notification',
      text: `to ${mail.to.join(', ')}: ${mail.subject ?? ''}`,
    });
  }
}
