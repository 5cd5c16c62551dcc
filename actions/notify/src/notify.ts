import type { SNSClient } from '@aws-sdk/client-sns';
import {
  errorMessage,
  redactingLogger,
  Redactor,
  type DeploymentRecord,
  type Logger,
} from '@lambda-release-kit/core';
import type { Channel } from './constants.js';
import type { ReleaseMessage } from './content.js';
import { sendEmail, type EmailAddresses, type SmtpSettings } from './email.js';
import { emailBody } from './email-message.js';
import type { FetchFn, SendContext } from './http.js';
import { sendSlackApi, sendSlackWebhook, type SlackApiTarget } from './slack.js';
import { slackPayload } from './slack-message.js';
import { releaseFunctions } from './release-functions.js';
import { publishSns } from './sns.js';
import { sendWebhook } from './webhook.js';

export const NOTIFICATION_SCHEMA = 'lambda-release-notification/v1';

/** Everything to send, validated: which channels, where, and the message. */
export interface NotifyPlan {
  message: ReleaseMessage;
  record?: DeploymentRecord | undefined;
  slackWebhookUrl?: string | undefined;
  slackApi?: SlackApiTarget | undefined;
  email?: { smtp: SmtpSettings; addresses: EmailAddresses; subject?: string | undefined } | undefined;
  sns?: { topicArn: string; client: SNSClient } | undefined;
  webhook?: { url: string; secret?: string | undefined } | undefined;
  /** Total time for every channel together, retries included. */
  retryBudgetMs: number;
  /** Values that must never appear in a line or a reason (tokens, passwords; URLs with their paths). */
  secrets: string[];
}

export interface NotifyDeps {
  logger: Logger;
  /** The run's redactor (the runner adapter's); the plan's secrets are added to it. */
  redactor?: Redactor | undefined;
  fetch?: FetchFn | undefined;
  signal?: AbortSignal | undefined;
  now?: (() => number) | undefined;
}

export interface NotifyResult {
  sent: Channel[];
  failed: Array<{ channel: Channel; reason: string }>;
  slackTs?: string | undefined;
  slackChannelId?: string | undefined;
  emailMessageId?: string | undefined;
  snsMessageId?: string | undefined;
}

/** The JSON document webhooks and SNS subscribers receive. */
export function notificationDocument(message: ReleaseMessage, record?: DeploymentRecord) {
  return {
    schema: NOTIFICATION_SCHEMA,
    status: message.status,
    title: message.title,
    message: message.text,
    ...(record ? { record } : {}),
  };
}

/** The channels a plan (or the options it is made from) configures, in the order they are reported. */
export function plannedChannels(
  plan: Partial<Record<'slackWebhookUrl' | 'slackApi' | 'email' | 'sns' | 'webhook', unknown>>,
): Channel[] {
  const channels: Channel[] = [];
  if (plan.slackWebhookUrl) channels.push('slack-webhook');
  if (plan.slackApi) channels.push('slack-api');
  if (plan.email) channels.push('email');
  if (plan.sns) channels.push('sns');
  if (plan.webhook) channels.push('webhook');
  return channels;
}

/** Sends on every channel at once; one channel failing never stops the others. */
export async function notify(plan: NotifyPlan, deps: NotifyDeps): Promise<NotifyResult> {
  const now = deps.now ?? Date.now;
  const redactor = deps.redactor ?? new Redactor();
  // A webhook URL is a credential whole, and so is its path (servers echo the path in their errors).
  for (const secret of plan.secrets) redactor.addUrl(secret);
  const logger = redactingLogger(deps.logger, redactor);
  const ctx: SendContext = {
    deadline: now() + plan.retryBudgetMs,
    logger,
    fetch: deps.fetch ?? globalThis.fetch,
    signal: deps.signal,
    now,
  };
  const result: NotifyResult = { sent: [], failed: [] };
  const slack = slackPayload(plan.message);
  const document = notificationDocument(plan.message, plan.record);
  const record = plan.record;

  // One task a configured channel, in plannedChannels' order; each holds the part of the plan it needs.
  const { slackWebhookUrl, slackApi, email, sns, webhook } = plan;
  const tasks = new Map<Channel, () => Promise<void>>();
  if (slackWebhookUrl) tasks.set('slack-webhook', () => sendSlackWebhook(ctx, slackWebhookUrl, slack));
  if (slackApi) {
    tasks.set('slack-api', async () => {
      const posted = await sendSlackApi(ctx, slackApi, slack);
      result.slackTs = posted.ts;
      result.slackChannelId = posted.channelId;
    });
  }
  if (email) {
    tasks.set('email', async () => {
      result.emailMessageId = await sendEmail(
        ctx,
        email.smtp,
        email.addresses,
        emailBody(plan.message, email.subject),
      );
    });
  }
  if (sns) {
    tasks.set('sns', async () => {
      const functions = releaseFunctions(record);
      result.snsMessageId = await publishSns(ctx, sns.client, {
        topicArn: sns.topicArn,
        subject: plan.message.title,
        message: JSON.stringify(document),
        attributes: {
          status: plan.message.status,
          environment: record?.environment ?? '',
          function: functions.names,
          alias: functions.aliases,
          strategy: record?.strategy ?? '',
          targetVersion: functions.to,
        },
        groupId: record?.functions[0].function.name ?? 'release',
      });
    });
  }
  if (webhook) tasks.set('webhook', () => sendWebhook(ctx, webhook.url, document, webhook.secret));

  // Each task settles to its channel and, when it failed, the error: one channel failing never stops the others.
  const settled = await Promise.all(
    [...tasks].map(([channel, task]) =>
      task().then(
        () => ({ channel, failed: false as const }),
        (error: unknown) => ({ channel, failed: true as const, error }),
      ),
    ),
  );
  for (const outcome of settled) {
    if (!outcome.failed) {
      result.sent.push(outcome.channel);
      logger.info(`${outcome.channel}: sent`);
    } else {
      const reason = redactor.redact(errorMessage(outcome.error));
      result.failed.push({ channel: outcome.channel, reason });
      logger.warning(`${outcome.channel}: notification failed: ${reason}`);
    }
  }
  return result;
}
