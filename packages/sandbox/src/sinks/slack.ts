import type {
  MountedService,
  SandboxRequest,
  SandboxResponse,
  ServiceContext,
  ServiceFactory,
} from '../contracts.js';
import { jsonResponse, pathUnder, readFields, textResponse } from './body.js';
import { blockProblems, SLACK_LIMITS } from './slack-blocks.js';

/**
 * A Slack workspace as notification code sees it: incoming webhooks (POST /slack/webhook/<anything>, answers
 * "ok") and the Web API methods chat.postMessage and chat.update (POST /slack/api/<method>). Like Slack, Web API
 * errors are HTTP 200 with {ok:false, error}; rate limits (the sandbox's 'throttle' fault) are HTTP 429 with
 * Retry-After in seconds.
 */

/** Channels the workspace has; a channel is addressed by id, by name, or by "#name". */
export const SANDBOX_SLACK_CHANNELS: Readonly<Record<string, string>> = {
  general: 'C0123GENRAL',
  releases: 'C0123RELEAS',
  deploys: 'C0123DEPLOY',
  alerts: 'C0123ALERTS',
};

/** Bot and user tokens are accepted when they look like Slack's (xoxb-/xoxp-...). */
const TOKEN = /^xox[bpa]-[A-Za-z0-9-]+$/;
const RETRY_AFTER_SECONDS = '1';

export interface SlackMessage {
  channel: string;
  ts: string;
  threadTs?: string | undefined;
  text?: string | undefined;
  blocks?: unknown[] | undefined;
  /** How many chat.update calls changed this message. */
  edits: number;
}

export interface SlackWebhookPost {
  /** The part of the path after /slack/webhook. */
  hook: string;
  text?: string | undefined;
  blocks?: unknown[] | undefined;
  body: Record<string, unknown>;
}

export interface SlackState {
  channels: Record<string, string>;
  messages: SlackMessage[];
  webhookPosts: SlackWebhookPost[];
}

class SlackError extends Error {
  constructor(
    readonly code: string,
    readonly extra: Record<string, unknown> = {},
  ) {
    super(code);
  }
}

const OPERATIONS = ['chat.postMessage', 'chat.update'];

export const slackService: ServiceFactory = (ctx: ServiceContext): MountedService => {
  const messages: SlackMessage[] = [];
  const webhookPosts: SlackWebhookPost[] = [];
  let sequence = 0;

  /** Slack timestamps are "<epoch seconds>.<6 digits>" and unique per channel; ours increase globally. */
  const nextTs = () => {
    sequence += 1;
    return `${Math.floor(ctx.clock.now() / 1000)}.${String(sequence).padStart(6, '0')}`;
  };

  const channelId = (given: unknown): string => {
    if (typeof given !== 'string' || given === '') throw new SlackError('channel_not_found');
    const name = given.replace(/^#/, '');
    const id = SANDBOX_SLACK_CHANNELS[name] ?? Object.values(SANDBOX_SLACK_CHANNELS).find((c) => c === name);
    if (!id) throw new SlackError('channel_not_found');
    return id;
  };

  const authenticate = (req: SandboxRequest, fields: Record<string, unknown>) => {
    const header = req.headers.authorization ?? '';
    const token = header.startsWith('Bearer ') ? header.slice('Bearer '.length).trim() : fields.token;
    if (token === undefined || token === '') throw new SlackError('not_authed');
    if (typeof token !== 'string' || !TOKEN.test(token)) throw new SlackError('invalid_auth');
  };

  /** Form-encoded calls carry blocks as a JSON string. */
  const content = (
    fields: Record<string, unknown>,
  ): { text?: string | undefined; blocks?: unknown[] | undefined } => {
    let blocks = fields.blocks;
    if (typeof blocks === 'string') {
      try {
        blocks = JSON.parse(blocks);
      } catch {
        throw new SlackError('invalid_blocks_format');
      }
    }
    const text = typeof fields.text === 'string' ? fields.text : undefined;
    if (blocks !== undefined) {
      const problems = blockProblems(blocks);
      if (problems.length > 0) throw new SlackError('invalid_blocks', { errors: problems });
    }
    if (text === undefined && blocks === undefined) throw new SlackError('no_text');
    if (text !== undefined && text.length > SLACK_LIMITS.messageText) throw new SlackError('msg_too_long');
    return { text, blocks: blocks as unknown[] | undefined };
  };

  const view = (m: SlackMessage) => ({
    type: 'message',
    bot_id: 'B0SANDBOX01',
    text: m.text ?? '',
    ts: m.ts,
    ...(m.threadTs ? { thread_ts: m.threadTs } : {}),
    ...(m.blocks ? { blocks: m.blocks } : {}),
  });

  const postMessage = (fields: Record<string, unknown>) => {
    const channel = channelId(fields.channel);
    const body = content(fields);
    const threadTs =
      typeof fields.thread_ts === 'string' && fields.thread_ts !== '' ? fields.thread_ts : undefined;
    const message: SlackMessage = { channel, ts: nextTs(), threadTs, ...body, edits: 0 };
    messages.push(message);
    return { ok: true, channel, ts: message.ts, message: view(message) };
  };

  const update = (fields: Record<string, unknown>) => {
    const channel = channelId(fields.channel);
    const message = messages.find((m) => m.channel === channel && m.ts === fields.ts);
    if (!message) throw new SlackError('message_not_found');
    Object.assign(message, content(fields));
    message.edits += 1;
    return { ok: true, channel, ts: message.ts, text: message.text ?? '', message: view(message) };
  };

  const webApi = (req: SandboxRequest, method: string): SandboxResponse => {
    const fields = readFields(req);
    try {
      if (!OPERATIONS.includes(method)) throw new SlackError('unknown_method');
      if (!fields) throw new SlackError('invalid_json');
      authenticate(req, fields);
      return jsonResponse(200, method === 'chat.update' ? update(fields) : postMessage(fields));
    } catch (error) {
      if (!(error instanceof SlackError)) throw error;
      return jsonResponse(200, { ok: false, error: error.code, ...error.extra });
    }
  };

  /** Incoming webhooks answer plain text: "ok", or an error word with a 4xx status. */
  const webhook = (req: SandboxRequest, hook: string): SandboxResponse => {
    const type = req.headers['content-type'] ?? '';
    let fields = readFields(req);
    if (fields && type.includes('application/x-www-form-urlencoded') && typeof fields.payload === 'string') {
      try {
        fields = JSON.parse(fields.payload) as Record<string, unknown>;
      } catch {
        fields = undefined;
      }
    }
    if (!fields) return textResponse(400, 'invalid_payload');
    try {
      const body = content(fields);
      webhookPosts.push({ hook, ...body, body: fields });
      return textResponse(200, 'ok');
    } catch (error) {
      if (!(error instanceof SlackError)) throw error;
      return textResponse(400, error.code);
    }
  };

  return {
    service: 'slack',
    matches: (req) => req.path.startsWith('/slack/'),
    operation: (req) => {
      if (pathUnder(req, '/slack/webhook') !== undefined) return 'webhook';
      return pathUnder(req, '/slack/api')?.slice(1) || 'unknown';
    },
    isMutating: (operation) => operation === 'webhook' || OPERATIONS.includes(operation),
    handle: async (req) => {
      if (req.method !== 'POST') return textResponse(405, 'method_not_allowed');
      const hook = pathUnder(req, '/slack/webhook');
      if (hook !== undefined) return webhook(req, hook);
      const method = pathUnder(req, '/slack/api')?.slice(1);
      if (method !== undefined) return webApi(req, method);
      return textResponse(404, 'no_service');
    },
    errorResponse: (code, message, status) => {
      if (status === 429 || /throttl/i.test(code)) {
        return jsonResponse(429, { ok: false, error: 'ratelimited' }, { 'retry-after': RETRY_AFTER_SECONDS });
      }
      return jsonResponse(status >= 500 ? status : 500, {
        ok: false,
        error: 'internal_error',
        detail: message,
      });
    },
    inspect: (): SlackState => ({
      channels: { ...SANDBOX_SLACK_CHANNELS },
      messages: messages.map((m) => ({ ...m })),
      webhookPosts: webhookPosts.map((p) => ({ ...p })),
    }),
    env: () => {
      const base = ctx.endpoint?.() ?? '';
      return {
        SANDBOX_SLACK_WEBHOOK_URL: `${base}/slack/webhook/T0SANDBOX/B0SANDBOX/sandbox-webhook-secret`,
        SANDBOX_SLACK_API_URL: `${base}/slack/api`,
        SANDBOX_SLACK_BOT_TOKEN: 'xoxb-sandbox-token',
      };
    },
  };
};
