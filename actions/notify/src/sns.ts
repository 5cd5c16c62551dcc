import { createHash } from 'node:crypto';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { withRetries, type SendContext } from './http.js';

export interface SnsNotification {
  topicArn: string;
  subject: string;
  message: string;
  /** String attributes subscribers can filter on (status, function, alias, ...). */
  attributes: Record<string, string>;
  /** For FIFO topics: messages of one function stay in order. */
  groupId: string;
}

/** SNS subjects are ASCII, no line breaks, under 100 characters. */
export function snsSubject(text: string): string {
  const ascii = text
    .replace(/→/g, '->')
    .replace(/[^\x20-\x7e]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
  return (ascii.length > 99 ? `${ascii.slice(0, 96)}...` : ascii) || 'Lambda release';
}

export async function publishSns(
  ctx: SendContext,
  client: SNSClient,
  notification: SnsNotification,
): Promise<string> {
  const fifo = notification.topicArn.endsWith('.fifo');
  const command = new PublishCommand({
    TopicArn: notification.topicArn,
    Subject: snsSubject(notification.subject),
    Message: notification.message,
    MessageAttributes: Object.fromEntries(
      Object.entries(notification.attributes)
        .filter(([, value]) => value !== '')
        .map(([name, value]) => [name, { DataType: 'String', StringValue: value }]),
    ),
    ...(fifo
      ? {
          MessageGroupId: notification.groupId,
          MessageDeduplicationId: createHash('sha256').update(notification.message).digest('hex'),
        }
      : {}),
  });
  // Throttling, 5xx and dropped connections are retried by core's classification of AWS errors.
  return withRetries('sns', ctx, async (abortSignal) => {
    const result = await client.send(command, { abortSignal });
    return result.MessageId ?? '';
  });
}
