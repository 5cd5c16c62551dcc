import { createHash } from 'node:crypto';
import { PublishCommand, type SNSClient } from '@aws-sdk/client-sns';
import { errorMessage } from '@lambda-release-kit/core';
import type { SendContext } from './http.js';
import { TransientError, withRetries } from './retry.js';

export interface SnsNotification {
  topicArn: string;
  subject: string;
  message: string;
  /** String attributes subscribers can filter on (status, function, alias, ...). */
  attributes: Record<string, string>;
  /** For FIFO topics: messages of one function stay in order. */
  groupId: string;
}

const THROTTLING = new Set([
  'Throttled',
  'ThrottledException',
  'ThrottlingException',
  'TooManyRequestsException',
  'KMSThrottlingException',
]);

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'EAI_AGAIN']);

/** Throttling, server errors and dropped connections; not credentials, permissions or a missing topic. */
function isTransient(error: unknown): boolean {
  const e = error as {
    name?: string;
    code?: string;
    $retryable?: unknown;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode ?? 0;
  return (
    THROTTLING.has(e.name ?? '') ||
    status >= 500 ||
    e.$retryable !== undefined ||
    e.name === 'TimeoutError' ||
    NETWORK_CODES.has(e.code ?? '')
  );
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
  return withRetries(
    'sns',
    async (remainingMs) => {
      try {
        const result = await client.send(command, {
          abortSignal: AbortSignal.timeout(Math.min(remainingMs, 15_000)),
        });
        return result.MessageId ?? '';
      } catch (error) {
        if (isTransient(error)) throw new TransientError(errorMessage(error));
        throw error;
      }
    },
    ctx,
  );
}
