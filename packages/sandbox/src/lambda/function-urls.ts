import { randomUUID } from 'node:crypto';
import type { Clock, SandboxRequest, SandboxResponse, ServiceHandler } from '../contracts.js';
import { LambdaApiError } from './errors.js';
import type { Invocation, Invoker } from './invoker.js';

/** Function URLs live under this prefix on the sandbox port: /_url/<function>/<qualifier>/<path>. */
export const FUNCTION_URL_PREFIX = '/_url/';

export function functionUrlPath(functionName: string, qualifier = '$LATEST'): string {
  return `${FUNCTION_URL_PREFIX}${encodeURIComponent(functionName)}/${encodeURIComponent(qualifier)}/`;
}

const TEXT_TYPES = /^(text\/|application\/(json|xml|javascript|x-www-form-urlencoded))/;

/**
 * Maps a handler's result to HTTP as function URLs do (payload format 2.0): an object with statusCode is
 * the response; anything else is a 200 JSON body (developer guide, "Invoking Lambda function URLs"). Like AWS,
 * no header says which version answered: a function that wants to tell sets one itself.
 */
export function httpResponseFrom(inv: Invocation): SandboxResponse {
  if (!inv.ok) {
    return {
      status: 502,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ Message: 'Internal Server Error' }),
    };
  }
  const value: unknown = JSON.parse(inv.payload);
  if (value && typeof value === 'object' && 'statusCode' in value) {
    const r = value as {
      statusCode: number;
      headers?: Record<string, string>;
      body?: string;
      isBase64Encoded?: boolean;
      cookies?: string[];
    };
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(r.headers ?? {})) headers[k.toLowerCase()] = String(v);
    if (r.cookies?.length) headers['set-cookie'] = r.cookies.join(', ');
    const body =
      r.body === undefined ? '' : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : String(r.body);
    return { status: Number(r.statusCode), headers, body };
  }
  return {
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: typeof value === 'string' ? value : inv.payload,
  };
}

/** Serves function URLs: turns HTTP requests into payload format 2.0 events and routes aliases by weight. */
export class FunctionUrlService implements ServiceHandler {
  readonly service = 'function-url';
  private readonly invoker: Invoker;
  private readonly clock: Clock;
  private readonly accountId: string;

  constructor(opts: { invoker: Invoker; clock: Clock; accountId: string }) {
    this.invoker = opts.invoker;
    this.clock = opts.clock;
    this.accountId = opts.accountId;
  }

  matches(req: SandboxRequest): boolean {
    return req.path.startsWith(FUNCTION_URL_PREFIX);
  }

  operation(): string {
    return 'InvokeFunctionUrl';
  }

  isMutating(): boolean {
    return false;
  }

  errorResponse(code: string, message: string, status: number): SandboxResponse {
    return {
      status,
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': code },
      body: JSON.stringify({ Message: message }),
    };
  }

  /** The function and qualifier a URL request targets, and the path after them. */
  invokeTarget(req: SandboxRequest): { name: string; qualifier?: string | undefined; rawPath: string } {
    const [fnPart, qualifierPart, ...rest] = req.path.slice(FUNCTION_URL_PREFIX.length).split('/');
    const qualifier = decodeURIComponent(qualifierPart ?? '$LATEST');
    return {
      name: decodeURIComponent(fnPart ?? ''),
      qualifier: qualifier === '$LATEST' || qualifier === '' ? undefined : qualifier,
      rawPath: `/${rest.join('/')}`,
    };
  }

  async handle(req: SandboxRequest): Promise<SandboxResponse> {
    const { name: functionName, qualifier, rawPath } = this.invokeTarget(req);
    const event = this.event(req, functionName, rawPath);
    try {
      const inv = await this.invoker.invoke(
        functionName,
        qualifier,
        event,
        (i) => httpResponseFrom(i).status,
      );
      return httpResponseFrom(inv);
    } catch (e) {
      if (e instanceof LambdaApiError) {
        const status = e.status === 429 ? 429 : e.status === 404 ? 404 : 502;
        return this.errorResponse(e.code, e.message, status);
      }
      throw e;
    }
  }

  private event(req: SandboxRequest, functionName: string, rawPath: string): Record<string, unknown> {
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers)) if (k !== 'cookie') headers[k] = v;
    const query: Record<string, string> = {};
    for (const [k, v] of req.query) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
    const isText = req.body.length === 0 || TEXT_TYPES.test(req.headers['content-type'] ?? '');
    const now = this.clock.now();
    const domainPrefix = `${functionName}-sandbox`;
    return {
      version: '2.0',
      routeKey: '$default',
      rawPath,
      rawQueryString: req.query.toString(),
      cookies: req.headers.cookie ? req.headers.cookie.split(/;\s*/) : undefined,
      headers,
      queryStringParameters: Object.keys(query).length > 0 ? query : undefined,
      requestContext: {
        accountId: 'anonymous',
        apiId: domainPrefix,
        domainName: `${domainPrefix}.lambda-url.sandbox.localhost`,
        domainPrefix,
        http: {
          method: req.method,
          path: rawPath,
          protocol: 'HTTP/1.1',
          sourceIp: '127.0.0.1',
          userAgent: req.headers['user-agent'] ?? '',
        },
        requestId: randomUUID(),
        routeKey: '$default',
        stage: '$default',
        time: new Date(now).toUTCString(),
        timeEpoch: now,
        ownerAccountId: this.accountId,
      },
      body:
        req.body.length === 0 ? undefined : isText ? req.body.toString('utf8') : req.body.toString('base64'),
      isBase64Encoded: !isText,
    };
  }
}
