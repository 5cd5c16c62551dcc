import * as core from '@actions/core';
import {
  snsClient,
  TemplateError,
  commitUrl,
  InputError,
  Inputs,
  readRecordInputs,
  releaseContext,
  UserError,
} from '@lambda-release-kit/core';
import {
  actionsLogger,
  runAction,
  runnerRedactor,
  setOutputs,
  writeSummary,
} from '@lambda-release-kit/core/runner';
import {
  DEFAULT_RETRY_BUDGET_MS,
  DEFAULT_SLACK_API_URL,
  Input,
  JOB_STATUSES,
  NOTIFY_STATUSES,
  Output,
} from './constants.js';
import { buildMessage } from './content.js';
import { notify, plannedChannels, type NotifyPlan } from './notify.js';
import { deriveStatus } from './status.js';
import { emailAddress, SLACK_TS, SLACK_TS_EXPECTED, topicArnInput, urlInput } from './validate.js';

const SECRET_INPUTS = [
  Input.SlackWebhookUrl,
  Input.SlackBotToken,
  Input.SmtpUrl,
  Input.SmtpPassword,
  Input.WebhookUrl,
  Input.WebhookSecret,
];

/** The secret values of the inputs (URLs are split into their parts by the redactor). */
function secretValues(): string[] {
  return SECRET_INPUTS.map((name) => core.getInput(name).trim()).filter((v) => v !== '');
}

export async function run(): Promise<void> {
  await runAction('notify', async () => {
    const secrets = secretValues();
    // Each URL is registered whole, with its path and user info: a webhook's path is its credential.
    for (const secret of secrets) runnerRedactor.addUrl(secret);
    const inputs = new Inputs((name) => core.getInput(name));

    const { record } = await readRecordInputs({
      text: inputs.string(Input.Record),
      file: inputs.string(Input.RecordFile),
    });
    const jobStatus = inputs.enum(Input.JobStatus, JOB_STATUSES);
    const status = inputs.enum(Input.Status, NOTIFY_STATUSES) ?? deriveStatus(record, jobStatus);
    const failOnError = inputs.boolean(Input.FailOnError, false);
    const retryBudgetMs = inputs.duration(Input.RetryBudget, {
      default: DEFAULT_RETRY_BUDGET_MS,
      min: 1000,
      max: 600_000,
    });

    const plan: Omit<NotifyPlan, 'message'> = { record, retryBudgetMs, secrets };

    const webhookUrl = inputs.string(Input.SlackWebhookUrl);
    if (webhookUrl)
      plan.slackWebhookUrl = urlInput(Input.SlackWebhookUrl, webhookUrl, {
        secret: true,
        protocols: ['https:', 'http:'],
      }).href;

    const token = inputs.string(Input.SlackBotToken);
    const channel = inputs.string(Input.SlackChannel);
    const threadTs = inputs.string(Input.SlackThreadTs, { pattern: SLACK_TS, expected: SLACK_TS_EXPECTED });
    const updateTs = inputs.string(Input.SlackUpdateTs, { pattern: SLACK_TS, expected: SLACK_TS_EXPECTED });
    const apiUrl = inputs.string(Input.SlackApiUrl) ?? DEFAULT_SLACK_API_URL;
    if (token || channel || threadTs || updateTs) {
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
      plan.slackApi = { apiUrl, token, channel, threadTs, updateTs };
    }

    const smtpUrl = inputs.string(Input.SmtpUrl);
    const smtpHost = inputs.string(Input.SmtpHost);
    const smtpPort = inputs.integer(Input.SmtpPort, { min: 1, max: 65535 });
    const smtpSecure = inputs.has(Input.SmtpSecure) ? inputs.boolean(Input.SmtpSecure, false) : undefined;
    const smtpUsername = inputs.string(Input.SmtpUsername);
    const smtpPassword = inputs.string(Input.SmtpPassword);
    const from = inputs.string(Input.EmailFrom);
    const to = inputs.list(Input.EmailTo).map((a) => emailAddress(Input.EmailTo, a));
    const cc = inputs.list(Input.EmailCc).map((a) => emailAddress(Input.EmailCc, a));
    const emailSubject = inputs.string(Input.EmailSubject);
    if (smtpUrl || smtpHost || to.length > 0) {
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
      plan.email = {
        smtp: smtpUrl
          ? { url: smtpUrl }
          : {
              host: smtpHost,
              port: smtpPort ?? (smtpSecure ? 465 : 587),
              secure: smtpSecure,
              username: smtpUsername,
              password: smtpPassword,
            },
        addresses: { from: emailAddress(Input.EmailFrom, from), to, cc },
      };
    }

    const topic = inputs.string(Input.SnsTopicArn);
    if (topic) {
      const { arn, region } = topicArnInput(Input.SnsTopicArn, topic);
      plan.sns = { topicArn: arn, client: snsClient({ action: 'notify', region, maxAttempts: 1 }) };
    }

    const hookUrl = inputs.string(Input.WebhookUrl);
    const hookSecret = inputs.string(Input.WebhookSecret);
    if (hookSecret && !hookUrl)
      throw new InputError(`input '${Input.WebhookUrl}' is required with '${Input.WebhookSecret}'`);
    if (hookUrl) {
      urlInput(Input.WebhookUrl, hookUrl, { secret: true, protocols: ['https:', 'http:'] });
      plan.webhook = { url: hookUrl, secret: hookSecret };
    }

    const templates = { title: inputs.string(Input.Title), message: inputs.string(Input.Message) };
    const facts = { record, status, commitUrl: commitUrl(process.env), release: releaseContext(process.env) };
    const renderOptions = { env: process.env, now: () => new Date() };
    let message;
    try {
      message = buildMessage(facts, templates, renderOptions);
      if (plan.email && emailSubject) {
        plan.email.subject = buildMessage(facts, { title: emailSubject }, renderOptions).title;
      }
    } catch (error) {
      if (!(error instanceof TemplateError)) throw error;
      const which = [Input.Title, Input.Message, Input.EmailSubject]
        .filter((name) => inputs.has(name))
        .join("', '");
      throw new InputError(`template in input '${which}' cannot be rendered: ${error.message}`);
    }

    const full: NotifyPlan = { ...plan, message };
    if (plannedChannels(full).length === 0) {
      throw new InputError(
        `no channel to notify: give '${Input.SlackWebhookUrl}', '${Input.SlackBotToken}' with '${Input.SlackChannel}', '${Input.SmtpUrl}' or '${Input.SmtpHost}' with '${Input.EmailTo}', '${Input.SnsTopicArn}', or '${Input.WebhookUrl}'`,
      );
    }

    const result = await notify(full, { logger: actionsLogger, redactor: runnerRedactor });

    setOutputs({
      [Output.Sent]: result.sent.join(','),
      [Output.Failed]: JSON.stringify(result.failed),
      [Output.SlackTs]: result.slackTs,
      [Output.SlackChannelId]: result.slackChannelId,
      [Output.EmailMessageId]: result.emailMessageId,
    });
    await writeSummary(
      `notify: ${message.title}`,
      [
        ['Status', status],
        ['Sent', result.sent.join(', ') || 'none'],
        ['Failed', result.failed.map((f) => f.channel).join(', ') || 'none'],
      ],
      result.failed.length > 0
        ? [
            {
              caption: 'Failed notifications',
              header: ['Channel', 'Reason'],
              rows: result.failed.map((f) => [f.channel, f.reason]),
            },
          ]
        : [],
    );
    if (result.failed.length > 0 && failOnError) {
      throw new UserError(
        `${result.failed.length} notification${result.failed.length === 1 ? '' : 's'} failed: ${result.failed.map((f) => `${f.channel} (${f.reason})`).join('; ')}`,
      );
    }
  });
}
