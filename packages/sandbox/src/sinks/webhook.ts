import type { MountedService, ServiceContext, ServiceFactory } from '../contracts.js';
import { jsonResponse, pathUnder } from './body.js';

/**
 * A generic webhook receiver: POST /webhook/<anything> is recorded with its headers and raw body (so a test can
 * verify a signature over the exact bytes sent) and answered 200. Failures come from the sandbox's faults
 * (service 'webhook', operation 'deliver').
 */

export interface WebhookDelivery {
  /** The part of the path after /webhook. */
  hook: string;
  method: string;
  query: Record<string, string>;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  /** The body exactly as received (UTF-8). */
  body: string;
  /** The body parsed as JSON, when it is JSON. */
  json?: unknown;
}

export const webhookService: ServiceFactory = (ctx: ServiceContext): MountedService => {
  const deliveries: WebhookDelivery[] = [];

  return {
    service: 'webhook',
    matches: (req) => pathUnder(req, '/webhook') !== undefined,
    operation: () => 'deliver',
    isMutating: () => true,
    handle: async (req) => {
      if (req.method !== 'POST' && req.method !== 'PUT')
        return jsonResponse(405, { error: 'method not allowed' });
      const body = req.body.toString('utf8');
      let json: unknown;
      try {
        json = JSON.parse(body);
      } catch {
        json = undefined;
      }
      deliveries.push({
        hook: pathUnder(req, '/webhook') ?? '',
        method: req.method,
        query: Object.fromEntries(req.query),
        headers: { ...req.headers },
        body,
        json,
      });
      return jsonResponse(200, { received: deliveries.length });
    },
    inspect: () => ({ deliveries: deliveries.map((d) => ({ ...d })) }),
    env: () => ({ SANDBOX_WEBHOOK_URL: `${ctx.endpoint?.() ?? ''}/webhook/release` }),
  };
};
