export enum Input {
  Status = 'status',
  JobStatus = 'job-status',
  Record = 'record',
  RecordFile = 'record-file',
  Title = 'title',
  Message = 'message',
  FailOnError = 'fail-on-error',
  RetryBudget = 'retry-budget',
  SlackWebhookUrl = 'slack-webhook-url',
  SlackBotToken = 'slack-bot-token',
  SlackChannel = 'slack-channel',
  SlackThreadTs = 'slack-thread-ts',
  SlackUpdateTs = 'slack-update-ts',
  SlackApiUrl = 'slack-api-url',
  SmtpUrl = 'smtp-url',
  SmtpHost = 'smtp-host',
  SmtpPort = 'smtp-port',
  SmtpSecure = 'smtp-secure',
  SmtpUsername = 'smtp-username',
  SmtpPassword = 'smtp-password',
  EmailFrom = 'email-from',
  EmailTo = 'email-to',
  EmailCc = 'email-cc',
  EmailSubject = 'email-subject',
  SnsTopicArn = 'sns-topic-arn',
  WebhookUrl = 'webhook-url',
  WebhookSecret = 'webhook-secret',
}

/** Inputs whose whole values are credentials (a webhook URL's path is its secret): masked before any is parsed. */
export const SECRET_INPUTS = [
  Input.SlackWebhookUrl,
  Input.SlackBotToken,
  Input.SmtpUrl,
  Input.SmtpPassword,
  Input.WebhookUrl,
  Input.WebhookSecret,
] as const;

export enum Output {
  Sent = 'sent',
  Failed = 'failed',
  SlackTs = 'slack-ts',
  SlackChannelId = 'slack-channel-id',
  EmailMessageId = 'email-message-id',
}

export {
  RELEASE_STATUSES as NOTIFY_STATUSES,
  type ReleaseStatus as NotifyStatus,
  JOB_STATUSES,
  type JobStatus,
} from '@lambda-release-kit/core';

/** Channel names as they appear in the `sent` and `failed` outputs. */
export type Channel = 'slack-webhook' | 'slack-api' | 'email' | 'sns' | 'webhook';

export const DEFAULT_SLACK_API_URL = 'https://slack.com/api';
export const DEFAULT_RETRY_BUDGET_MS = 30_000;
