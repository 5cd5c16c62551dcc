/** Lambda's REST-JSON routes (API reference "URI Request Parameters" of each operation). */
export interface Route {
  method: string;
  pattern: RegExp;
  operation: string;
}

const FN = '([^/]+)';

export const ROUTES: Route[] = [
  { method: 'POST', pattern: /^\/2015-03-31\/functions\/?$/, operation: 'CreateFunction' },
  { method: 'GET', pattern: /^\/2015-03-31\/functions\/?$/, operation: 'ListFunctions' },
  { method: 'GET', pattern: new RegExp(`^/2015-03-31/functions/${FN}/?$`), operation: 'GetFunction' },
  { method: 'DELETE', pattern: new RegExp(`^/2015-03-31/functions/${FN}/?$`), operation: 'DeleteFunction' },
  {
    method: 'GET',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`),
    operation: 'GetFunctionConfiguration',
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/configuration/?$`),
    operation: 'UpdateFunctionConfiguration',
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/code/?$`),
    operation: 'UpdateFunctionCode',
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/versions/?$`),
    operation: 'PublishVersion',
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/versions/?$`),
    operation: 'ListVersionsByFunction',
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/?$`),
    operation: 'CreateAlias',
  },
  { method: 'GET', pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/?$`), operation: 'ListAliases' },
  {
    method: 'GET',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/([^/]+)/?$`),
    operation: 'GetAlias',
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/([^/]+)/?$`),
    operation: 'UpdateAlias',
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2015-03-31/functions/${FN}/aliases/([^/]+)/?$`),
    operation: 'DeleteAlias',
  },
  { method: 'POST', pattern: new RegExp(`^/2015-03-31/functions/${FN}/invocations/?$`), operation: 'Invoke' },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`),
    operation: 'PutFunctionConcurrency',
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2017-10-31/functions/${FN}/concurrency/?$`),
    operation: 'DeleteFunctionConcurrency',
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2019-09-30/functions/${FN}/concurrency/?$`),
    operation: 'GetFunctionConcurrency',
  },
  {
    method: 'POST',
    pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`),
    operation: 'CreateFunctionUrlConfig',
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`),
    operation: 'GetFunctionUrlConfig',
  },
  {
    method: 'PUT',
    pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`),
    operation: 'UpdateFunctionUrlConfig',
  },
  {
    method: 'DELETE',
    pattern: new RegExp(`^/2021-10-31/functions/${FN}/url/?$`),
    operation: 'DeleteFunctionUrlConfig',
  },
  {
    method: 'GET',
    pattern: new RegExp(`^/2021-10-31/functions/${FN}/urls/?$`),
    operation: 'ListFunctionUrlConfigs',
  },
];

const READ_ONLY = new Set([
  'ListFunctions',
  'GetFunction',
  'GetFunctionConfiguration',
  'ListVersionsByFunction',
  'ListAliases',
  'GetAlias',
  'GetFunctionConcurrency',
  'GetFunctionUrlConfig',
  'ListFunctionUrlConfigs',
]);

/** Invoke runs code but changes no Lambda state, so it does not count as mutating. */
export const isMutatingOperation = (operation: string) =>
  operation !== 'Invoke' && !READ_ONLY.has(operation) && operation !== 'Unknown';

export function matchRoute(
  method: string,
  path: string,
): { operation: string; params: string[] } | undefined {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const m = route.pattern.exec(path);
    if (m) return { operation: route.operation, params: m.slice(1) };
  }
  return undefined;
}

export const LAMBDA_PATH = /^\/(2015-03-31|2017-10-31|2019-09-30|2021-10-31)\//;
