import { TransientError } from '@lambda-release-kit/core';
import { post, postWithRetries, withRetries, type SendContext } from './http.js';
import type { SlackPayload } from './slack-message.js';

export interface SlackApiTarget {
  apiUrl: string;
  token: string;
  channel: string;
  threadTs?: string | undefined;
  updateTs?: string | undefined;
}

export interface SlackPosted {
  channelId: string;
  ts: string;
}

/** Web API errors that say "try again later" rather than "this request is wrong". */
const TRANSIENT_SLACK_ERRORS = new Set([
  'ratelimited',
  'rate_limited',
  'internal_error',
  'fatal_error',
  'service_unavailable',
  'request_timeout',
]);

/** Posts to an incoming webhook, which answers the text "ok" or an error word with a 4xx status. */
export async function sendSlackWebhook(ctx: SendContext, url: string, payload: SlackPayload): Promise<void> {
  const answer = await postWithRetries('slack-webhook', ctx, url, {
    headers: { 'content-type': 'application/json; charset=utf-8' },
    body: JSON.stringify(payload),
  });
  if (answer.status >= 300) {
    throw new Error(
      `Slack webhook answered HTTP ${answer.status}: ${answer.text.slice(0, 200) || 'no body'}`,
    );
  }
}

/** chat.postMessage (optionally in a thread) or chat.update; Slack reports errors as HTTP 200 {ok:false}. */
export async function sendSlackApi(
  ctx: SendContext,
  target: SlackApiTarget,
  payload: SlackPayload,
): Promise<SlackPosted> {
  const method = target.updateTs ? 'chat.update' : 'chat.postMessage';
  const body = {
    channel: target.channel,
    ...payload,
    ...(target.updateTs ? { ts: target.updateTs } : {}),
    ...(target.threadTs ? { thread_ts: target.threadTs } : {}),
  };
  // One retry loop for both kinds of "later": HTTP 429/5xx (post) and Slack's own error words.
  return withRetries(method, ctx, async (signal, timeoutMs) => {
    const answer = await post(
      ctx,
      `${target.apiUrl.replace(/\/+$/, '')}/${method}`,
      {
        headers: {
          'content-type': 'application/json; charset=utf-8',
          authorization: `Bearer ${target.token}`,
        },
        body: JSON.stringify(body),
      },
      { signal, timeoutMs },
    );
    let parsed: { ok?: boolean; error?: string; channel?: string; ts?: string; errors?: string[] };
    try {
      parsed = JSON.parse(answer.text) as typeof parsed;
    } catch {
      throw new Error(`Slack ${method} answered HTTP ${answer.status} with a body that is not JSON`);
    }
    if (parsed.ok && parsed.channel && parsed.ts) return { channelId: parsed.channel, ts: parsed.ts };
    const error = parsed.error ?? `HTTP ${answer.status}`;
    if (TRANSIENT_SLACK_ERRORS.has(error)) throw new TransientError(`Slack ${method}: ${error}`);
    const detail = parsed.errors?.length ? ` (${parsed.errors.slice(0, 3).join('; ')})` : '';
    throw new Error(`Slack ${method} failed: ${error}${detail}`);
  });
}
