import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A small multi-step API like the seed playbooks' service: register, log in for a token, upload, start an
 * analysis, poll it until completed (or failed). Plus endpoints to exercise retries, latency and errors.
 */
export interface ApiServer {
  url: string;
  /** Every request seen, in order ("POST /login"). */
  requests: string[];
  /** Bodies of started analyses, to check what templates produced. */
  analyses: Map<string, { uploadId: string; date: string; polls: number; name: string }>;
  /** Highest number of requests in flight at once. */
  maxInFlight(): number;
  /** Reset counters between tests. */
  reset(): void;
  close(): Promise<void>;
}

export async function startApiServer(
  options: { version?: string; pollsToComplete?: number } = {},
): Promise<ApiServer> {
  const users = new Map<string, { password: string; id: number }>();
  const tokens = new Map<string, string>();
  const uploads = new Map<string, string>();
  const analyses: ApiServer['analyses'] = new Map();
  const requests: string[] = [];
  const counters = new Map<string, number>();
  let inFlight = 0;
  let maxInFlight = 0;

  const send = (res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}) => {
    res.writeHead(status, {
      'content-type': 'application/json',
      'x-app-version': options.version ?? '8',
      ...headers,
    });
    res.end(JSON.stringify(body));
  };
  const count = (key: string) => {
    const value = (counters.get(key) ?? 0) + 1;
    counters.set(key, value);
    return value;
  };
  const auth = (req: IncomingMessage) =>
    tokens.get((req.headers.authorization ?? '').replace(/^Bearer /, ''));

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const route = `${req.method} ${url.pathname}`;
    requests.push(route);
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    let body: Record<string, unknown> = {};
    if (req.headers['content-type']?.includes('json')) {
      try {
        body = text ? JSON.parse(text) : {};
      } catch {
        return send(res, 400, { error: 'body is not JSON' });
      }
    }

    if (route === 'GET /health') {
      return send(res, 200, {
        status: 'ok',
        version: options.version ?? '8',
        services: ['db', 'queue'],
        uptime: 12.5,
      });
    }
    if (route === 'POST /register') {
      if (typeof body.email !== 'string' || typeof body.password !== 'string') {
        return send(res, 422, { error: 'email and password are required' });
      }
      if (users.has(body.email)) return send(res, 409, { error: 'already registered' });
      const id = users.size + 1;
      users.set(body.email, { password: body.password, id });
      return send(res, 201, { id, email: body.email }, { location: `/users/${id}` });
    }
    if (route === 'POST /login') {
      const user = users.get(String(body.email));
      if (!user || user.password !== body.password) return send(res, 401, { error: 'bad credentials' });
      const token = `tok_${randomUUID().replace(/-/g, '')}`;
      tokens.set(token, String(body.email));
      return send(res, 200, { token, expiresIn: 3600 }, { 'set-cookie': `session=${token}` });
    }
    if (route === 'POST /uploads') {
      if (!auth(req)) return send(res, 401, { error: 'missing or bad token' });
      const uploadId = `up-${uploads.size + 1}`;
      uploads.set(uploadId, text);
      return send(res, 201, { uploadId, bytes: text.length });
    }
    if (route === 'POST /analyses') {
      if (!auth(req)) return send(res, 401, { error: 'missing or bad token' });
      if (!uploads.has(String(body.uploadId))) return send(res, 404, { error: `no upload ${body.uploadId}` });
      if (!/^\d{4}-\d{2}-\d{2}$/.test(String(body.date)))
        return send(res, 422, { error: 'date must be YYYY-MM-DD' });
      const analysisId = `an-${analyses.size + 1}`;
      analyses.set(analysisId, {
        uploadId: String(body.uploadId),
        date: String(body.date),
        polls: 0,
        name: String(body.name ?? ''),
      });
      return send(res, 202, { analysisId, status: 'queued' });
    }
    const analysis = /^GET \/analyses\/([\w-]+)$/.exec(route);
    if (analysis) {
      if (!auth(req)) return send(res, 401, { error: 'missing or bad token' });
      const entry = analyses.get(analysis[1] ?? '');
      if (!entry) return send(res, 404, { error: 'no such analysis' });
      entry.polls++;
      const done = entry.polls >= (options.pollsToComplete ?? 3);
      const failed = entry.name === 'doomed';
      const status = done ? (failed ? 'failed' : 'completed') : entry.polls === 1 ? 'queued' : 'running';
      return send(res, 200, {
        analysisId: analysis[1],
        status,
        ...(done && !failed ? { report: { score: 97, findings: [] } } : {}),
      });
    }
    if (route === 'GET /flaky') {
      const key = url.searchParams.get('key') ?? 'default';
      const failures = Number(url.searchParams.get('failures') ?? '2');
      return count(`flaky:${key}`) > failures
        ? send(res, 200, { ok: true })
        : send(res, 503, { error: 'warming up' });
    }
    if (route === 'GET /sometimes') {
      // Fails every n-th request: a steady error rate for sampling tests.
      const every = Number(url.searchParams.get('every') ?? '4');
      return count('sometimes') % every === 0
        ? send(res, 500, { error: 'boom' })
        : send(res, 200, { ok: true });
    }
    if (route === 'GET /slow') {
      await new Promise((resolve) => setTimeout(resolve, Number(url.searchParams.get('ms') ?? '50')));
      return send(res, 200, { slept: Number(url.searchParams.get('ms') ?? '50') });
    }
    if (route === 'GET /text') {
      res.writeHead(200, { 'content-type': 'text/plain' });
      return res.end(`hello ${url.searchParams.get('name') ?? 'world'}\nrequest id ${randomUUID()}`);
    }
    if (route === 'POST /echo') {
      return send(res, 200, {
        headers: req.headers,
        body: text,
        query: Object.fromEntries(url.searchParams),
      });
    }
    return send(res, 404, { error: `no route ${route}` });
  };

  const server: Server = createServer((req, res) => {
    inFlight++;
    maxInFlight = Math.max(maxInFlight, inFlight);
    res.on('close', () => inFlight--);
    handle(req, res).catch((error: Error) => send(res, 500, { error: error.message }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    analyses,
    maxInFlight: () => maxInFlight,
    reset: () => {
      requests.length = 0;
      counters.clear();
      maxInFlight = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
