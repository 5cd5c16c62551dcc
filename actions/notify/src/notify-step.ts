import type { SNSClient } from '@aws-sdk/client-sns';
import { snsClient, UserError } from '@lambda-release-kit/core';
import type { ReleaseActionDefinition } from '@lambda-release-kit/core/runner';
import { Output, SECRET_INPUTS, type NotifyStatus } from './constants.js';
import { notify, type NotifyResult } from './notify.js';
import { readOptions, renderMessage, type NotifyOptions } from './options.js';

/** The SNS target, with a client only when a topic is given. */
interface NotifyClients {
  sns?: { topicArn: string; client: SNSClient } | undefined;
}

interface NotifyStepResult {
  sent: NotifyResult;
  status: NotifyStatus;
  title: string;
}

/** notify as one release action: render the message from the record, send it on every channel, report. */
export const notifyAction: ReleaseActionDefinition<NotifyOptions, NotifyClients, NotifyStepResult> = {
  name: 'notify',
  secretInputs: SECRET_INPUTS,
  readOptions,
  recordPlace: (options) => options.record,
  clients: (options) => ({
    sns: options.channels.sns && {
      topicArn: options.channels.sns.topicArn,
      client: snsClient({ action: 'notify', region: options.channels.sns.region, maxAttempts: 1 }),
    },
  }),
  async run(options, { clients, reading, logger, redactor, signal, env }) {
    const { message, emailSubject } = renderMessage(options, reading.record, env);
    const { email, ...channels } = options.channels;
    const sent = await notify(
      {
        ...channels,
        email: email && { ...email, subject: emailSubject },
        sns: clients.sns,
        message,
        record: reading.record,
      },
      { logger, redactor, signal },
    );
    const failure =
      sent.failed.length > 0 && options.failOnError
        ? new UserError(
            `${sent.failed.length} notification${sent.failed.length === 1 ? '' : 's'} failed: ${sent.failed.map((f) => `${f.channel} (${f.reason})`).join('; ')}`,
          )
        : undefined;
    return { result: { sent, status: message.status, title: message.title }, failure };
  },
  outputs: ({ sent }) => ({
    [Output.Sent]: sent.sent.join(','),
    [Output.Failed]: JSON.stringify(sent.failed),
    [Output.SlackTs]: sent.slackTs,
    [Output.SlackChannelId]: sent.slackChannelId,
    [Output.EmailMessageId]: sent.emailMessageId,
  }),
  summary: ({ sent, status, title }) => ({
    title: `notify: ${title}`,
    facts: [
      ['Status', status],
      ['Sent', sent.sent.join(', ') || 'none'],
      ['Failed', sent.failed.map((f) => f.channel).join(', ') || 'none'],
    ],
    tables:
      sent.failed.length > 0
        ? [
            {
              caption: 'Failed notifications',
              header: ['Channel', 'Reason'],
              rows: sent.failed.map((f) => [f.channel, f.reason]),
            },
          ]
        : [],
  }),
};
