// orders-api: the example Lambda function used by the demo and the reference workflow.
// It answers function-URL requests (payload format 2.0) and direct invokes. release.json, written into the zip
// by build.mjs, names the release and can make it misbehave (a share of failing requests, extra latency), so
// the demo can ship a bad release and watch the canary catch it.
import { readFileSync } from 'node:fs';

const release = JSON.parse(readFileSync(new URL('./release.json', import.meta.url), 'utf8'));

// Lambda instances share no memory, so an order id carries the order itself (base64url JSON): any instance can
// answer a read. A real service would keep orders in a database.
const orderId = (order) => `ord-${Buffer.from(JSON.stringify(order)).toString('base64url')}`;
const readOrderId = (id) => {
  try {
    return JSON.parse(Buffer.from(id.slice('ord-'.length), 'base64url').toString());
  } catch {
    return undefined;
  }
};

// Function URLs and API Gateway say nothing about which version answered: the function says it itself, from the
// variable Lambda sets in each version's environment ("$LATEST" or "7"), so smoke-test can prove the new version
// answers through the alias (its checks read this header, see examples/docs/checks.md).
const version = process.env.AWS_LAMBDA_FUNCTION_VERSION;
const json = (statusCode, body) => ({
  statusCode,
  headers: { 'content-type': 'application/json', 'x-function-version': version },
  body: JSON.stringify(body),
});

const pause = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export const handler = async (event) => {
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
    const order = { item: input.item, quantity: input.quantity ?? 1 };
    return json(201, { id: orderId(order), ...order, status: 'received' });
  }
  const match = path.match(/^\/orders\/([\w-]+)$/);
  if (match && method === 'GET') {
    const order = match[1].startsWith('ord-') ? readOrderId(match[1]) : undefined;
    return order
      ? json(200, { id: match[1], ...order, status: 'received' })
      : json(404, { error: `order ${match[1]} not found` });
  }
  return json(404, { error: `no route for ${method} ${path}` });
};
