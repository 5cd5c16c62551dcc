import type { SandboxRequest, SandboxResponse, ServiceHandler } from '../contracts.js';
import { LambdaApiError, invalidParameter, lambdaErrorResponse, validationError } from './errors.js';
import {
  checkAliasName,
  type AliasInput,
  type CreateFunctionInput,
  type FunctionStore,
  type UpdateCodeInput,
  type UpdateConfigurationInput,
} from './functions.js';
import type { Invoker } from './invoker.js';
import { assertHome, parseFunctionName, resolveQualifier } from './names.js';
import type { UrlConfigInput, UrlConfigs } from './url-configs.js';
import { LAMBDA_PATH, isMutatingOperation, matchRoute } from './routes.js';
import { aliasConfiguration, codeLocation, functionConfiguration } from './wire.js';

const json = (status: number, body: unknown, headers: Record<string, string> = {}): SandboxResponse => ({
  status,
  headers: { 'content-type': 'application/json', ...headers },
  body: JSON.stringify(body),
});

/** The JSON body; its shape is the operation's input as modeled by the SDK (validated by the store). */
function parseBody<T>(req: SandboxRequest): T {
  if (req.body.length === 0) return {} as T;
  try {
    return JSON.parse(req.body.toString('utf8')) as T;
  } catch {
    throw invalidParameter('Could not parse request body into json');
  }
}

/** The Qualifier parameter's model constraints (shape Qualifier: max 128, pattern (|[a-zA-Z0-9$_-]+)). */
function checkQualifier(value: string): void {
  if (value.length > 128 || !/^[a-zA-Z0-9$_-]*$/.test(value)) {
    throw validationError(
      value,
      'qualifier',
      'Member must satisfy regular expression pattern: (|[a-zA-Z0-9$_-]+)',
    );
  }
}

function intParam(query: URLSearchParams, name: string): number | undefined {
  const raw = query.get(name);
  if (raw === null) return undefined;
  const n = Number(raw);
  if (!Number.isInteger(n)) throw invalidParameter(`${name} must be an integer, got ${raw}`);
  return n;
}

/** The Lambda API (REST-JSON, /2015-03-31/...) on top of the function store and the invoker. */
export class LambdaService implements ServiceHandler {
  readonly service = 'lambda';
  private readonly store: FunctionStore;
  private readonly invoker: Invoker;
  private readonly endpoint: () => string;
  private readonly urls: UrlConfigs;

  constructor(opts: { store: FunctionStore; invoker: Invoker; endpoint: () => string; urls: UrlConfigs }) {
    this.store = opts.store;
    this.invoker = opts.invoker;
    this.endpoint = opts.endpoint;
    this.urls = opts.urls;
  }

  matches(req: SandboxRequest): boolean {
    return LAMBDA_PATH.test(req.path);
  }

  operation(req: SandboxRequest): string {
    return matchRoute(req.method, req.path)?.operation ?? 'Unknown';
  }

  isMutating(operation: string): boolean {
    return isMutatingOperation(operation);
  }

  errorResponse(code: string, message: string, status: number): SandboxResponse {
    return lambdaErrorResponse(code, message, status);
  }

  /** The function and qualifier an Invoke request targets (for recording throttles injected before the handler). */
  invokeTarget(req: SandboxRequest): { name: string; qualifier?: string | undefined } | undefined {
    const route = matchRoute(req.method, req.path);
    if (route?.operation !== 'Invoke' || route.params[0] === undefined) return undefined;
    try {
      const fn = parseFunctionName(route.params[0], route.operation);
      assertHome(fn, this.store, route.operation);
      return {
        name: fn.name,
        qualifier: resolveQualifier(fn.qualifier, req.query.get('Qualifier') ?? undefined),
      };
    } catch {
      return undefined;
    }
  }

  async handle(req: SandboxRequest): Promise<SandboxResponse> {
    try {
      return await this.dispatch(req);
    } catch (e) {
      if (e instanceof LambdaApiError) return lambdaErrorResponse(e.code, e.message, e.status);
      return lambdaErrorResponse(
        'ServiceException',
        `sandbox error: ${e instanceof Error ? e.message : String(e)}`,
        500,
      );
    }
  }

  private async dispatch(req: SandboxRequest): Promise<SandboxResponse> {
    const route = matchRoute(req.method, req.path);
    if (!route)
      throw new LambdaApiError(
        'UnknownOperationException',
        400,
        `Unknown operation ${req.method} ${req.path}`,
      );
    const store = this.store;
    const q = req.query;
    const fnParam =
      route.params[0] === undefined ? undefined : parseFunctionName(route.params[0], route.operation);
    if (fnParam) assertHome(fnParam, this.store, route.operation);
    const name = fnParam?.name ?? '';
    const qualifierParam = q.get('Qualifier') ?? undefined;
    if (qualifierParam !== undefined) checkQualifier(qualifierParam);
    const qualifier = resolveQualifier(fnParam?.qualifier, qualifierParam);
    const aliasName = route.params[1] === undefined ? '' : decodeURIComponent(route.params[1]);
    if (route.params[1] !== undefined) checkAliasName(aliasName);

    switch (route.operation) {
      case 'CreateFunction': {
        const { fn, version } = store.create(parseBody<CreateFunctionInput>(req));
        return json(201, functionConfiguration(store, fn, version));
      }
      case 'ListFunctions': {
        const fns = store.all().map((fn) => functionConfiguration(store, fn, fn.latest));
        return json(200, { Functions: fns });
      }
      case 'GetFunction': {
        const { fn, version } = store.resolve(name, qualifier);
        const concurrency =
          fn.reservedConcurrency === undefined
            ? {}
            : { Concurrency: { ReservedConcurrentExecutions: fn.reservedConcurrency } };
        return json(200, {
          Configuration: functionConfiguration(store, fn, version, qualifier),
          Code: codeLocation(version, this.endpoint()),
          ...concurrency,
        });
      }
      case 'GetFunctionConfiguration': {
        const { fn, version } = store.resolve(name, qualifier);
        return json(200, functionConfiguration(store, fn, version, qualifier));
      }
      case 'DeleteFunction':
        store.delete(name, qualifier);
        return { status: 204 };
      case 'UpdateFunctionCode': {
        const version = store.updateCode(name, parseBody<UpdateCodeInput>(req));
        return json(200, functionConfiguration(store, store.get(name), version));
      }
      case 'UpdateFunctionConfiguration': {
        const version = store.updateConfiguration(name, parseBody<UpdateConfigurationInput>(req));
        return json(200, functionConfiguration(store, store.get(name), version));
      }
      case 'PublishVersion': {
        const version = store.publish(
          name,
          parseBody<{ CodeSha256?: string; Description?: string; RevisionId?: string }>(req),
        );
        return json(201, functionConfiguration(store, store.get(name), version));
      }
      case 'ListVersionsByFunction': {
        const page = store.listVersions(name, q.get('Marker') ?? undefined, intParam(q, 'MaxItems'));
        const fn = store.get(name);
        return json(200, {
          // Listed versions carry qualified ARNs, $LATEST included.
          Versions: page.items.map((v) => functionConfiguration(store, fn, v, v.version)),
          NextMarker: page.nextMarker,
        });
      }
      case 'CreateAlias': {
        const body = parseBody<AliasInput & { Name: string }>(req);
        const alias = store.createAlias(name, body.Name, body);
        return json(201, aliasConfiguration(store, store.get(name), alias));
      }
      case 'GetAlias':
        return json(200, aliasConfiguration(store, store.get(name), store.getAlias(name, aliasName)));
      case 'UpdateAlias': {
        const alias = store.updateAlias(name, aliasName, parseBody<AliasInput>(req));
        return json(200, aliasConfiguration(store, store.get(name), alias));
      }
      case 'DeleteAlias':
        store.deleteAlias(name, aliasName);
        return { status: 204 };
      case 'ListAliases': {
        const page = store.listAliases(
          name,
          q.get('FunctionVersion') ?? undefined,
          q.get('Marker') ?? undefined,
          intParam(q, 'MaxItems'),
        );
        const fn = store.get(name);
        return json(200, {
          Aliases: page.items.map((a) => aliasConfiguration(store, fn, a)),
          NextMarker: page.nextMarker,
        });
      }
      case 'PutFunctionConcurrency': {
        const value = parseBody<{ ReservedConcurrentExecutions?: number }>(req).ReservedConcurrentExecutions;
        if (value === undefined || !Number.isInteger(value) || value < 0)
          throw invalidParameter(`ReservedConcurrentExecutions must be a non-negative integer, got ${value}`);
        store.setReservedConcurrency(name, value);
        return json(200, { ReservedConcurrentExecutions: value });
      }
      case 'DeleteFunctionConcurrency':
        store.setReservedConcurrency(name, undefined);
        return { status: 204 };
      case 'GetFunctionConcurrency': {
        const value = store.get(name).reservedConcurrency;
        return json(200, value === undefined ? {} : { ReservedConcurrentExecutions: value });
      }
      case 'Invoke':
        return this.invoke(req, name, qualifier);
      case 'CreateFunctionUrlConfig':
        return json(201, this.urls.create(name, qualifier, parseBody<UrlConfigInput>(req)));
      case 'GetFunctionUrlConfig':
        return json(200, this.urls.get(name, qualifier));
      case 'UpdateFunctionUrlConfig':
        return json(200, this.urls.update(name, qualifier, parseBody<UrlConfigInput>(req)));
      case 'DeleteFunctionUrlConfig':
        this.urls.delete(name, qualifier);
        return { status: 204 };
      case 'ListFunctionUrlConfigs':
        return json(200, { FunctionUrlConfigs: this.urls.list(name) });
      default:
        throw new LambdaApiError('UnknownOperationException', 400, `Unknown operation ${route.operation}`);
    }
  }

  /** Invoke: 200 with the payload, X-Amz-Executed-Version, X-Amz-Function-Error, optional X-Amz-Log-Result. */
  private async invoke(
    req: SandboxRequest,
    name: string,
    qualifier: string | undefined,
  ): Promise<SandboxResponse> {
    const type = req.headers['x-amz-invocation-type'] ?? 'RequestResponse';
    let event: unknown = null;
    if (req.body.length > 0) {
      try {
        event = JSON.parse(req.body.toString('utf8'));
      } catch {
        throw new LambdaApiError(
          'InvalidRequestContentException',
          400,
          'Could not parse request body into json: Unexpected character',
        );
      }
    }
    if (type === 'DryRun') {
      this.store.resolve(name, qualifier);
      return { status: 204 };
    }
    if (type === 'Event') {
      const { version } = this.store.resolve(name, qualifier);
      this.invoker.invoke(name, qualifier, event).catch(() => undefined);
      return { status: 202, headers: { 'x-amz-executed-version': version.version } };
    }
    const result = await this.invoker.invoke(name, qualifier, event);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
      'x-amz-executed-version': result.executedVersion,
    };
    if (!result.ok) headers['x-amz-function-error'] = 'Unhandled';
    if (req.headers['x-amz-log-type'] === 'Tail') {
      // Lambda returns the last 4 KB of the execution log, base64-encoded.
      headers['x-amz-log-result'] = Buffer.from(result.logs).subarray(-4096).toString('base64');
    }
    return { status: 200, headers, body: result.payload };
  }
}
