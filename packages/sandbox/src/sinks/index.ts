import type { ServiceFactory } from '../contracts.js';
import { slackService } from './slack.js';
import { smtpService } from './smtp.js';
import { snsService } from './sns.js';
import { webhookService } from './webhook.js';

export {
  SANDBOX_SLACK_CHANNELS,
  type SlackMessage,
  type SlackState,
  type SlackWebhookPost,
} from './slack.js';
export { SLACK_LIMITS } from './slack-blocks.js';
export { SANDBOX_SMTP_PASSWORD, SANDBOX_SMTP_USERNAME, type ReceivedMail } from './smtp.js';
export type { SnsMessageAttribute, SnsPublished } from './sns.js';
export type { WebhookDelivery } from './webhook.js';
export { slackService, smtpService, snsService, webhookService };

/** The notification sinks, in the order they are mounted. */
export const sinkServices: ServiceFactory[] = [slackService, webhookService, snsService, smtpService];
