import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Clock, FaultRule, SandboxRequest, SandboxResponse, ServiceHandler } from './contracts.js';
import { faultError, type FaultSet } from './faults.js';
import type { RequestLog } from './request-log.js';

export interface ServerParts {
  clock: Clock;
  faults: FaultSet;
  log: RequestLog;
  /** Tried in order; the first whose matches() is true handles the request. */
  services: () => ServiceHandler[];
  /** Control endpoints (/_sandbox/...): answered before any service, never logged or faulted. */
  control: (req: SandboxRequest) => Promise<SandboxResponse | undefined>;
  /** Told about every injected fault before it is answered (Lambda records throttled invocations). */
  onFault?: (service: ServiceHandler, operation: string, req: SandboxRequest, fault: FaultRule) => void;
}

/** Default error rendering: read by REST-JSON (header) and JSON-1.0/1.1 (`__type`) clients alike. */
function genericError(code: string, message: string, status: number): SandboxResponse {
  return {
    status,
    headers: {
      'content-type': 'application/json',
      'x-amzn-errortype': code,
      'x-amzn-query-error': `${code};Sender`,
    },
    body: JSON.stringify({ __type: code, message, Message: message }),
  };
}

function readRequest(msg: IncomingMessage): Promise<SandboxRequest> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    msg.on('data', (c: Buffer) => chunks.push(c));
    msg.on('error', reject);
    msg.on('end', () => {
      const url = new URL(msg.url ?? '/', 'http://127.0.0.1');
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(msg.headers))
        if (v !== undefined) headers[k] = Array.isArray(v) ? v.join(', ') : v;
      resolve({
        method: msg.method ?? 'GET',
        path: url.pathname,
        query: url.searchParams,
        headers,
        body: Buffer.concat(chunks),
      });
    });
  });
}

function send(res: ServerResponse, r: SandboxResponse): void {
  const body = r.body === undefined ? undefined : Buffer.isBuffer(r.body) ? r.body : Buffer.from(r.body);
  const headers: Record<string, string> = { 'x-amzn-requestid': randomUUID(), ...(r.headers ?? {}) };
  if (body) headers['content-length'] = String(body.length);
  res.writeHead(r.status, headers);
  res.end(body);
}

/** Extracts the error code a response carries, for the request log. */
function errorCodeOf(r: SandboxResponse): string | undefined {
  if (r.status < 400) return undefined;
  const header = r.headers?.['x-amzn-errortype'];
  if (header) return header.split(':')[0];
  const text = r.body === undefined ? '' : r.body.toString();
  const xml = /<Code>([^<]+)<\/Code>/.exec(text);
  if (xml) return xml[1];
  try {
    const parsed = JSON.parse(text) as { __type?: string; code?: string };
    return (parsed.__type ?? parsed.code)?.split('#').pop();
  } catch {
    return undefined;
  }
}

/** One HTTP server for every service: dispatch, fault injection, request log. */
export function createSandboxServer(parts: ServerParts): Server {
  const handle = async (msg: IncomingMessage, res: ServerResponse) => {
    const req = await readRequest(msg);
    const control = await parts.control(req);
    if (control) return send(res, control);
    const service = parts.services().find((s) => s.matches(req));
    if (!service) {
      return send(
        res,
        genericError('UnknownOperationException', `no sandbox service serves ${req.method} ${req.path}`, 404),
      );
    }
    const operation = service.operation(req);
    const entry = {
      at: parts.clock.now(),
      service: service.service,
      operation,
      mutating: service.isMutating(operation),
    };
    const fault = parts.faults.take(service.service, operation);
    if (fault) parts.onFault?.(service, operation, req, fault);
    if (fault?.kind === 'drop') {
      parts.log.record({ ...entry, status: 0, fault: 'drop' });
      res.socket?.destroy();
      return;
    }
    if (fault?.kind === 'delay') await parts.clock.sleep(fault.delayMs ?? 1000);
    let response: SandboxResponse;
    if (fault && fault.kind !== 'delay') {
      const e = faultError(service.service, fault.kind);
      response = (service.errorResponse ?? genericError)(e.code, e.message, e.status);
    } else {
      response = await service.handle(req);
    }
    // `mutating` classifies the operation (a write was attempted); `status` says whether it succeeded.
    parts.log.record({
      ...entry,
      status: response.status,
      errorCode: errorCodeOf(response),
      fault: fault?.kind,
    });
    send(res, response);
  };
  const server = createServer((msg, res) => {
    handle(msg, res).catch((e: unknown) => {
      if (!res.headersSent)
        send(
          res,
          genericError(
            'ServiceException',
            `sandbox error: ${e instanceof Error ? e.message : String(e)}`,
            500,
          ),
        );
    });
  });
  // Node closes idle sockets after 5 s; a client reusing one at that moment sees ECONNRESET. AWS endpoints keep
  // them for about a minute, longer than any SDK's idle pool, so the client always closes first.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  return server;
}
