// orders-api: the example Lambda function used by the demo and the reference workflow.
// It answers function-URL requests (payload format 2.0) and direct invokes. release.json, written into the zip
// by build.mjs, names the release and can make it misbehave (a share of failing requests, extra latency), so
// the demo can ship a bad release and watch the canary catch it.
import { readFileSync } from 'node:fs';

const release = JSON.parse(readFileSync(new URL('./release.json', import.meta.url), 'utf8'));
const orders = new Map();

const json = (statusCode, body) => ({
  statusCode,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify(body),
});

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = async (event, context) => {
  const version = context.functionVersion;
  if (release.latencyMs > 0) await pause(release.latencyMs);
  if (Math.random() < release.failureRate) {
    throw new Error(`orders-api ${release.release} failed on purpose (failureRate ${release.failureRate})`);
  }

  // A direct invoke (no HTTP envelope): answer with the health document.
  if (!event?.requestContext?.http) return { status: 'ok', release: release.release, version };

  const method = event.requestContext.http.method;
  const path = event.rawPath || '/';
  if (path === '/health') return json(200, { status: 'ok', release: release.release, version });
  if (path === '/orders' && method === 'POST') {
    const input = event.body
      ? JSON.parse(event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString() : event.body)
      : {};
    if (!input.item) return json(400, { error: 'item is required' });
    const order = {
      id: `ord-${orders.size + 1}`,
      item: input.item,
      quantity: input.quantity ?? 1,
      status: 'received',
    };
    orders.set(order.id, order);
    return json(201, order);
  }
  const match = path.match(/^\/orders\/([\w-]+)$/);
  if (match && method === 'GET') {
    const order = orders.get(match[1]);
    return order ? json(200, order) : json(404, { error: `order ${match[1]} not found` });
  }
  return json(404, { error: `no route for ${method} ${path}` });
};
