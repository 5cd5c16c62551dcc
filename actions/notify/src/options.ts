import {
  commitUrl,
  InputError,
  releaseContext,
  TemplateError,
  type DeploymentRecord,
  type Inputs,
  type JobStatus,
} from '@lambda-release-kit/core';
import {
  DEFAULT_RETRY_BUDGET_MS,
  DEFAULT_SLACK_API_URL,
  Input,
  JOB_STATUSES,
  NOTIFY_STATUSES,
  SECRET_INPUTS,
  type NotifyStatus,
} from './constants.js';
import { buildMessage, type ReleaseMessage } from './content.js';
import { plannedChannels, type NotifyPlan } from './notify.js';
import { movedPathHint } from './moved-paths.js';
import { deriveStatus } from './status.js';
import { emailAddress, SLACK_TS, SLACK_TS_EXPECTED, topicArnInput, urlInput } from './validate.js';

/** The channels to notify, validated; SNS names its topic and region (its client is built from them). */
export type NotifyChannels = Omit<NotifyPlan, 'message' | 'record' | 'sns'> & {
  sns?: { topicArn: string; region: string } | undefined;
};

/** The `title`, `message` and `email-subject` templates, rendered once the record is read. */
export interface NotifyTemplates {
  title?: string | undefined;
  message?: string | undefined;
  emailSubject?: string | undefined;
}

/** Every input of notify, parsed and validated. */
export interface NotifyOptions {
  record: { text?: string | undefined; file?: string | undefined };
  /** The `status` input, or derived from `job-status` when no record is given; else derived from the record. */
  status?: NotifyStatus | undefined;
  jobStatus?: JobStatus | undefined;
  failOnError: boolean;
  channels: NotifyChannels;
  templates: NotifyTemplates;
}

export function readOptions(inputs: Inputs): NotifyOptions {
  const record = { text: inputs.string(Input.Record), file: inputs.string(Input.RecordFile) };
  const jobStatus = inputs.enum(Input.JobStatus, JOB_STATUSES);
  // Without a record, the status is known now (or missing, an input error before any other).
  const status =
    inputs.enum(Input.Status, NOTIFY_STATUSES) ??
    (record.text || record.file ? undefined : deriveStatus(undefined, jobStatus));
  const failOnError = inputs.boolean(Input.FailOnError, false);
  const retryBudgetMs = inputs.duration(Input.RetryBudget, {
    default: DEFAULT_RETRY_BUDGET_MS,
    min: 1000,
    max: 600_000,
  });
  const secrets = SECRET_INPUTS.map((name) => inputs.string(name)).filter((value) => value !== undefined);
  const channels: NotifyChannels = {
    retryBudgetMs,
    secrets,
    slackWebhookUrl: slackWebhookUrl(inputs),
    slackApi: slackApi(inputs),
    email: email(inputs),
    sns: sns(inputs),
    webhook: webhook(inputs),
  };
  const templates = {
    title: inputs.string(Input.Title),
    message: inputs.string(Input.Message),
    emailSubject: inputs.string(Input.EmailSubject),
  };
  if (plannedChannels(channels).length === 0) {
    throw new InputError(
      `no channel to notify: give '${Input.SlackWebhookUrl}', '${Input.SlackBotToken}' with '${Input.SlackChannel}', '${Input.SmtpUrl}' or '${Input.SmtpHost}' with '${Input.EmailTo}', '${Input.SnsTopicArn}', or '${Input.WebhookUrl}'`,
    );
  }
  return { record, status, jobStatus, failOnError, channels, templates };
}

function slackWebhookUrl(inputs: Inputs): string | undefined {
  const url = inputs.string(Input.SlackWebhookUrl);
  return url && urlInput(Input.SlackWebhookUrl, url, { secret: true, protocols: ['https:', 'http:'] }).href;
}

function slackApi(inputs: Inputs): NotifyPlan['slackApi'] {
  const token = inputs.string(Input.SlackBotToken);
  const channel = inputs.string(Input.SlackChannel);
  const threadTs = inputs.string(Input.SlackThreadTs, { pattern: SLACK_TS, expected: SLACK_TS_EXPECTED });
  const updateTs = inputs.string(Input.SlackUpdateTs, { pattern: SLACK_TS, expected: SLACK_TS_EXPECTED });
  const apiUrl = inputs.string(Input.SlackApiUrl) ?? DEFAULT_SLACK_API_URL;
  if (!token && !channel && !threadTs && !updateTs) return undefined;
  if (!token)
    throw new InputError(
      `input '${Input.SlackBotToken}' is required but was not given (with '${Input.SlackChannel}')`,
    );
  if (!channel)
    throw new InputError(
      `input '${Input.SlackChannel}' is required but was not given (with '${Input.SlackBotToken}')`,
    );
  if (threadTs && updateTs) {
    throw new InputError(
      `inputs '${Input.SlackThreadTs}' and '${Input.SlackUpdateTs}' were both given — reply in a thread or update a message, not both`,
    );
  }
  urlInput(Input.SlackApiUrl, apiUrl, { secret: false, protocols: ['https:', 'http:'] });
  return { apiUrl, token, channel, threadTs, updateTs };
}

function email(inputs: Inputs): NotifyPlan['email'] {
  const smtpUrl = inputs.string(Input.SmtpUrl);
  const smtpHost = inputs.string(Input.SmtpHost);
  const smtpPort = inputs.integer(Input.SmtpPort, { min: 1, max: 65535 });
  const smtpSecure = inputs.has(Input.SmtpSecure) ? inputs.boolean(Input.SmtpSecure, false) : undefined;
  const username = inputs.string(Input.SmtpUsername);
  const password = inputs.string(Input.SmtpPassword);
  const from = inputs.string(Input.EmailFrom);
  const to = inputs.list(Input.EmailTo).map((a) => emailAddress(Input.EmailTo, a));
  const cc = inputs.list(Input.EmailCc).map((a) => emailAddress(Input.EmailCc, a));
  if (!smtpUrl && !smtpHost && to.length === 0) return undefined;
  if (smtpUrl && smtpHost)
    throw new InputError(
      `inputs '${Input.SmtpUrl}' and '${Input.SmtpHost}' were both given — give one of them`,
    );
  if (!smtpUrl && !smtpHost)
    throw new InputError(`input '${Input.SmtpUrl}' or '${Input.SmtpHost}' is required to send e-mail`);
  if (smtpUrl) urlInput(Input.SmtpUrl, smtpUrl, { secret: true, protocols: ['smtp:', 'smtps:'] });
  if (to.length === 0)
    throw new InputError(`input '${Input.EmailTo}' is required but was not given (no recipients)`);
  if (!from) throw new InputError(`input '${Input.EmailFrom}' is required but was not given`);
  return {
    smtp: smtpUrl
      ? { url: smtpUrl }
      : {
          host: smtpHost,
          port: smtpPort ?? (smtpSecure ? 465 : 587),
          secure: smtpSecure,
          username,
          password,
        },
    addresses: { from: emailAddress(Input.EmailFrom, from), to, cc },
  };
}

function sns(inputs: Inputs): NotifyChannels['sns'] {
  const topic = inputs.string(Input.SnsTopicArn);
  if (!topic) return undefined;
  const { arn, region } = topicArnInput(Input.SnsTopicArn, topic);
  return { topicArn: arn, region };
}

function webhook(inputs: Inputs): NotifyPlan['webhook'] {
  const url = inputs.string(Input.WebhookUrl);
  const secret = inputs.string(Input.WebhookSecret);
  if (secret && !url)
    throw new InputError(`input '${Input.WebhookUrl}' is required with '${Input.WebhookSecret}'`);
  if (!url) return undefined;
  urlInput(Input.WebhookUrl, url, { secret: true, protocols: ['https:', 'http:'] });
  return { url, secret };
}

/** The message and e-mail subject of this release; a template that cannot be rendered is an error of its input. */
export function renderMessage(
  options: NotifyOptions,
  record: DeploymentRecord | undefined,
  env: NodeJS.ProcessEnv,
): { message: ReleaseMessage; emailSubject?: string | undefined } {
  const status = options.status ?? deriveStatus(record, options.jobStatus);
  const facts = { record, status, commitUrl: commitUrl(env), release: releaseContext(env) };
  const renderOptions = { env, now: () => new Date() };
  const { title, message, emailSubject } = options.templates;
  try {
    return {
      message: buildMessage(facts, { title, message }, renderOptions),
      emailSubject:
        options.channels.email && emailSubject
          ? buildMessage(facts, { title: emailSubject }, renderOptions).title
          : undefined,
    };
  } catch (error) {
    if (!(error instanceof TemplateError)) throw error;
    const given: Array<[string, string | undefined]> = [
      [Input.Title, title],
      [Input.Message, message],
      [Input.EmailSubject, emailSubject],
    ];
    const which = given
      .filter(([, text]) => text !== undefined)
      .map(([name]) => name)
      .join("', '");
    const hint = movedPathHint(error.path);
    throw new InputError(
      `template in input '${which}' cannot be rendered: ${error.message}${hint ? ` — ${hint}` : ''}`,
    );
  }
}
