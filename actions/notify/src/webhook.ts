import { createHmac } from 'node:crypto';
import { TOOLKIT_NAME, TOOLKIT_VERSION } from '@lambda-release-kit/core';
import { postWithRetries, type SendContext } from './http.js';

export const SIGNATURE_HEADER = 'x-signature-256';

/** `sha256=<hex HMAC-SHA256 of the exact body>`, the form GitHub uses for its own webhooks. */
export function signBody(secret: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(body, 'utf8').digest('hex')}`;
}

/** POSTs the JSON document; with a secret, the signature header lets the receiver prove it came from us. */
export async function sendWebhook(
  ctx: SendContext,
  url: string,
  document: unknown,
  secret?: string,
): Promise<void> {
  const body = JSON.stringify(document);
  const headers: Record<string, string> = {
    'content-type': 'application/json; charset=utf-8',
    'user-agent': `${TOOLKIT_NAME}/${TOOLKIT_VERSION} notify`,
  };
  if (secret) headers[SIGNATURE_HEADER] = signBody(secret, body);
  const answer = await postWithRetries('webhook', ctx, url, { headers, body });
  if (answer.status >= 300) {
    throw new Error(
      `webhook answered HTTP ${answer.status}${answer.text ? `: ${answer.text.slice(0, 200)}` : ''}`,
    );
  }
}
