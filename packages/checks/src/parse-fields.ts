// The readers for each field of a check definition (request, invoke, expect, capture, retry, until, samples),
// each validating its part and reporting problems through the check's Scope.
import { describe, isObject, prune, type Path, type Raw, type Scope } from './parse-scope.js';
import { snippet } from '@lambda-release-kit/core/redact';
import type {
  CaptureSpec,
  Comparison,
  Expectation,
  HttpRequestSpec,
  InvokeSpec,
  JsonAssertion,
  JsonType,
  RetrySpec,
  SamplingSpec,
  StatusRange,
  TextAssertion,
  UntilSpec,
  VersionSource,
} from './types.js';

const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'];
const JSON_TYPES: JsonType[] = ['string', 'number', 'integer', 'boolean', 'object', 'array', 'null'];
export const CHECK_KEYS = [
  'name',
  'function',
  'request',
  'invoke',
  'expect',
  'capture',
  'retry',
  'until',
  'samples',
  'sample-concurrency',
  'max-error-rate',
  'max-p50-latency',
  'max-p95-latency',
  'max-p99-latency',
];
export const EXPECT_KEYS = [
  'status',
  'body',
  'json',
  'headers',
  'max-duration',
  'version',
  'version-from',
  'function-error',
];
const UNTIL_OPTIONS = ['interval', 'timeout', 'backoff', 'max-interval'];
const JSON_ASSERTION_KEYS = [
  'path',
  'equals',
  'not-equals',
  'one-of',
  'exists',
  'matches',
  'contains',
  'type',
  'length',
  'gt',
  'gte',
  'lt',
  'lte',
];
const TEXT_KEYS = ['equals', 'contains', 'not-contains', 'matches', 'exists'];
const MAX_SAMPLES = 10_000;

export function requestSpec(scope: Scope, raw: unknown): HttpRequestSpec | undefined {
  const path: Path = ['request'];
  if (typeof raw === 'string') {
    const [, method = '', url = ''] = /^([A-Za-z]+)\s+(\S.*)$/.exec(raw.trim()) ?? [];
    const withMethod = METHODS.includes(method.toUpperCase());
    return {
      method: withMethod ? method.toUpperCase() : 'GET',
      url: scope.template(withMethod ? url : raw.trim(), path),
      headers: {},
      query: {},
    };
  }
  if (!isObject(raw)) {
    scope.problem(path, `must be a map with at least a url, got ${describe(raw)}`);
    return undefined;
  }
  scope.allowOnly(raw, ['method', 'url', 'headers', 'query', 'body', 'json', 'timeout'], path);
  const method = (scope.text(raw, 'method', path) ?? 'GET').toUpperCase();
  if (!METHODS.includes(method) && !method.includes('{{')) {
    scope.problem([...path, 'method'], `has "${method}" — expected one of ${METHODS.join(', ')}`);
  }
  const url = scope.text(raw, 'url', path, true) ?? '';
  if (url && !url.includes('{{') && !/^https?:\/\//i.test(url) && !url.startsWith('/')) {
    scope.problem(
      [...path, 'url'],
      `has ${describe(url)} — expected an http(s) URL, or a path with base-url set`,
    );
  }
  if (raw.body !== undefined && raw.json !== undefined) {
    scope.problem([...path, 'json'], 'cannot be combined with body: send text in body or a document in json');
  }
  let body: string | undefined;
  let json: unknown;
  if (typeof raw.body === 'string') body = scope.template(raw.body, [...path, 'body']);
  else if (raw.body !== undefined) json = scope.templates(raw.body, [...path, 'body']);
  if (raw.json !== undefined) json = scope.templates(raw.json, [...path, 'json']);
  const field = raw.json !== undefined ? 'json' : raw.body !== undefined ? 'body' : undefined;
  if (field && (method === 'GET' || method === 'HEAD')) {
    scope.problem(
      [...path, field],
      `is sent with method ${method}${raw.method === undefined ? ' (the default)' : ''}, which cannot carry a body — set method: POST, PUT, PATCH or DELETE`,
    );
  }
  const headers = scope.stringMap(raw.headers, [...path, 'headers']);
  for (const [name, value] of Object.entries(headers)) {
    // The value is not quoted: a header value is often a secret.
    if (/[\r\n\0]/.test(value))
      scope.problem(
        [...path, 'headers', name],
        'has a line break or NUL (value not shown) — a header value must be one line',
      );
  }
  return {
    method,
    url,
    headers,
    query: scope.stringMap(raw.query, [...path, 'query']),
    body,
    json,
    timeoutMs: scope.duration(raw, 'timeout', path),
  };
}

/** `function:` of an HTTP check: a plain function name (matched against the release's functions before sending). */
export function checkedFunction(scope: Scope, raw: Raw): string | undefined {
  if (raw.function === undefined) return undefined;
  if (raw.invoke !== undefined) {
    scope.problem(['function'], 'is for HTTP checks — an invoke check tests the function it invokes');
    return undefined;
  }
  const name = raw.function;
  if (typeof name !== 'string' || !/^[\w:.-]+$/.test(name.trim())) {
    scope.problem(
      ['function'],
      `has ${describe(name)} — expected the name of a function of the release, like orders-api (no templates)`,
    );
    return undefined;
  }
  return name.trim();
}

export function invokeSpec(scope: Scope, raw: unknown): InvokeSpec | undefined {
  const path: Path = ['invoke'];
  if (!isObject(raw)) {
    scope.problem(path, `must be a map with a function, got ${describe(raw)}`);
    return undefined;
  }
  scope.allowOnly(raw, ['function', 'qualifier', 'payload'], path);
  return {
    function: scope.text(raw, 'function', path, true) ?? '',
    qualifier: scope.text(raw, 'qualifier', path),
    payload: raw.payload === undefined ? undefined : scope.templates(raw.payload, [...path, 'payload']),
  };
}

export function expectation(scope: Scope, raw: unknown, path: Path, keys: string[]): Expectation {
  if (!isObject(raw)) {
    scope.problem(path, `must be a map of assertions, got ${describe(raw)}`);
    return {};
  }
  scope.allowOnly(raw, keys, path);
  const expect: Expectation = {};
  if (raw.status !== undefined) expect.status = statusRanges(scope, raw.status, [...path, 'status']);
  if (raw.body !== undefined) expect.body = textAssertion(scope, raw.body, [...path, 'body']);
  if (raw.json !== undefined) expect.json = jsonAssertions(scope, raw.json, [...path, 'json']);
  if (raw.headers !== undefined) {
    if (!isObject(raw.headers))
      scope.problem([...path, 'headers'], 'must be a map of header names to assertions');
    else {
      expect.headers = Object.fromEntries(
        Object.entries(raw.headers).map(([name, item]) => [
          name.toLowerCase(),
          textAssertion(scope, item, [...path, 'headers', name]),
        ]),
      );
    }
  }
  expect.maxDurationMs = scope.duration(raw, 'max-duration', path);
  expect.version = scope.text(raw, 'version', path);
  if (raw['version-from'] !== undefined)
    expect.versionFrom = versionSource(scope, raw['version-from'], [...path, 'version-from']);
  if (raw['function-error'] !== undefined) {
    if (typeof raw['function-error'] !== 'boolean')
      scope.problem([...path, 'function-error'], 'must be true or false');
    else expect.functionError = raw['function-error'];
  }
  for (const key of Object.keys(expect) as Array<keyof Expectation>)
    if (expect[key] === undefined) delete expect[key];
  return expect;
}

/** 200, "2xx", "200-299", "201,204", or a list of those. */
function statusRanges(scope: Scope, raw: unknown, path: Path): StatusRange[] {
  const items = Array.isArray(raw) ? raw : typeof raw === 'string' ? raw.split(',') : [raw];
  const ranges: StatusRange[] = [];
  for (const item of items) {
    const text = String(item).trim().toLowerCase();
    let match: RegExpExecArray | null;
    if ((match = /^([1-5])xx$/.exec(text)))
      ranges.push({ min: Number(match[1]) * 100, max: Number(match[1]) * 100 + 99 });
    else if ((match = /^(\d{3})\s*-\s*(\d{3})$/.exec(text)) && Number(match[1]) <= Number(match[2])) {
      ranges.push({ min: Number(match[1]), max: Number(match[2]) });
    } else if (/^\d{3}$/.test(text)) ranges.push({ min: Number(text), max: Number(text) });
    else {
      scope.problem(
        path,
        `has ${describe(item)} — expected a status like 200, "2xx", "200-299" or a list of them`,
      );
      return [];
    }
  }
  return ranges;
}

/** A string is shorthand for `contains`. */
function textAssertion(scope: Scope, raw: unknown, path: Path): TextAssertion {
  if (typeof raw === 'string' || typeof raw === 'number')
    return { contains: [scope.template(String(raw), path)] };
  if (!isObject(raw)) {
    scope.problem(
      path,
      `must be text (contains) or a map with ${TEXT_KEYS.join(', ')}, got ${describe(raw)}`,
    );
    return {};
  }
  scope.allowOnly(raw, TEXT_KEYS, path);
  const list = (key: string): string[] | undefined => {
    const value = raw[key];
    if (value === undefined) return undefined;
    const items = Array.isArray(value) ? value : [value];
    return items.map((item, index) => {
      if (typeof item !== 'string' && typeof item !== 'number') {
        scope.problem([...path, key, index], `must be text, got ${describe(item)}`);
        return '';
      }
      return scope.template(String(item), Array.isArray(value) ? [...path, key, index] : [...path, key]);
    });
  };
  const assertion: TextAssertion = {
    equals: scope.text(raw, 'equals', path),
    contains: list('contains'),
    notContains: list('not-contains'),
    matches: typeof raw.matches === 'string' ? scope.regex(raw.matches, [...path, 'matches']) : undefined,
  };
  if (raw.matches !== undefined && typeof raw.matches !== 'string')
    scope.problem([...path, 'matches'], 'must be a regular expression');
  if (raw.exists !== undefined) {
    if (typeof raw.exists !== 'boolean') scope.problem([...path, 'exists'], 'must be true or false');
    else assertion.exists = raw.exists;
  }
  return prune(assertion);
}

/** A list of `{ path, <assertions> }`, or a map of path to an expected value (or to a map of assertions). */
function jsonAssertions(scope: Scope, raw: unknown, path: Path): JsonAssertion[] {
  if (Array.isArray(raw)) {
    return raw.flatMap((item, index) => {
      if (!isObject(item) || typeof item.path !== 'string') {
        scope.problem(
          [...path, index],
          'must be a map with a path (a JSONPath like $.user.id) and assertions',
        );
        return [];
      }
      return [jsonAssertion(scope, item, item.path, [...path, index])];
    });
  }
  if (isObject(raw)) {
    return Object.entries(raw).map(([jsonPath, item]) => {
      const isAssertionMap =
        isObject(item) &&
        Object.keys(item).length > 0 &&
        Object.keys(item).every((key) => JSON_ASSERTION_KEYS.includes(key));
      return isAssertionMap
        ? jsonAssertion(scope, item, jsonPath, [...path, jsonPath])
        : jsonAssertion(scope, { equals: item }, jsonPath, [...path, jsonPath]);
    });
  }
  scope.problem(
    path,
    `must be a list of JSONPath assertions or a map of JSONPath to value, got ${describe(raw)}`,
  );
  return [];
}

function jsonAssertion(scope: Scope, raw: Raw, jsonPath: string, path: Path): JsonAssertion {
  scope.allowOnly(raw, JSON_ASSERTION_KEYS, path);
  const assertion: JsonAssertion = { path: scope.jsonPath(jsonPath, [...path, 'path']) };
  const keys = Object.keys(raw).filter((key) => key !== 'path');
  if (keys.length === 0)
    scope.problem(path, `has no assertion — give one of ${JSON_ASSERTION_KEYS.slice(1).join(', ')}`);
  if (raw.equals !== undefined) assertion.equals = scope.templates(raw.equals, [...path, 'equals']);
  if (raw['not-equals'] !== undefined)
    assertion.notEquals = scope.templates(raw['not-equals'], [...path, 'not-equals']);
  if (raw.contains !== undefined) assertion.contains = scope.templates(raw.contains, [...path, 'contains']);
  if (raw['one-of'] !== undefined) {
    if (!Array.isArray(raw['one-of'])) scope.problem([...path, 'one-of'], 'must be a list of values');
    else assertion.oneOf = scope.templates(raw['one-of'], [...path, 'one-of']) as unknown[];
  }
  if (raw.exists !== undefined) {
    if (typeof raw.exists !== 'boolean') scope.problem([...path, 'exists'], 'must be true or false');
    else assertion.exists = raw.exists;
  }
  if (raw.matches !== undefined) {
    if (typeof raw.matches !== 'string') scope.problem([...path, 'matches'], 'must be a regular expression');
    else assertion.matches = scope.regex(raw.matches, [...path, 'matches']);
  }
  if (raw.type !== undefined) {
    if (!JSON_TYPES.includes(raw.type as JsonType)) {
      scope.problem(
        [...path, 'type'],
        `has ${describe(raw.type)} — expected one of ${JSON_TYPES.join(', ')}`,
      );
    } else assertion.type = raw.type as JsonType;
  }
  if (raw.length !== undefined) {
    if (isObject(raw.length)) assertion.length = comparison(scope, raw.length, [...path, 'length']);
    else
      assertion.length = scope.number(raw, 'length', path, {
        min: 0,
        max: Number.MAX_SAFE_INTEGER,
        integer: true,
      });
  }
  Object.assign(assertion, prune(comparison(scope, raw, path, false)));
  return prune(assertion);
}

function comparison(scope: Scope, raw: Raw, path: Path, strict = true): Comparison {
  if (strict) scope.allowOnly(raw, ['gt', 'gte', 'lt', 'lte'], path);
  const range = { min: -Number.MAX_VALUE, max: Number.MAX_VALUE };
  return prune({
    gt: scope.number(raw, 'gt', path, range),
    gte: scope.number(raw, 'gte', path, range),
    lt: scope.number(raw, 'lt', path, range),
    lte: scope.number(raw, 'lte', path, range),
  });
}

/** "header:x-version", "json:$.version", or `{ header }` / `{ json }`. */
function versionSource(scope: Scope, raw: unknown, path: Path): VersionSource | undefined {
  if (typeof raw === 'string') {
    const [, kind, source = ''] = /^(header|json):(.+)$/.exec(raw.trim()) ?? [];
    if (kind === 'header') return { header: source.trim().toLowerCase() };
    if (kind === 'json') return { json: scope.jsonPath(source.trim(), path) };
  } else if (isObject(raw) && Object.keys(raw).length === 1) {
    if (typeof raw.header === 'string') return { header: raw.header.toLowerCase() };
    if (typeof raw.json === 'string') return { json: scope.jsonPath(raw.json, [...path, 'json']) };
  }
  scope.problem(path, `has ${describe(raw)} — expected "header:<name>" or "json:<JSONPath>"`);
  return undefined;
}

export function captures(scope: Scope, raw: unknown): Record<string, CaptureSpec> {
  const path: Path = ['capture'];
  if (!isObject(raw)) {
    scope.problem(path, 'must be a map of variable names to a JSONPath, a header or a regex');
    return {};
  }
  const result: Record<string, CaptureSpec> = {};
  for (const [name, item] of Object.entries(raw)) {
    const at = [...path, name];
    if (!/^[A-Za-z_][\w-]*$/.test(name) || name === 'env') {
      scope.problem(at, 'is not a usable variable name (letters, digits, _ and -, not "env")');
      continue;
    }
    if (typeof item === 'string') {
      result[name] = { json: scope.jsonPath(item, at) };
      continue;
    }
    if (!isObject(item)) {
      scope.problem(at, `must be a JSONPath or a map with json, header or regex, got ${describe(item)}`);
      continue;
    }
    scope.allowOnly(item, ['json', 'header', 'regex', 'secret'], at);
    const secret = item.secret === true;
    if (item.secret !== undefined && typeof item.secret !== 'boolean')
      scope.problem([...at, 'secret'], 'must be true or false');
    const sources = ['json', 'regex', 'header'].filter((key) => item[key] !== undefined);
    const regexOnHeader = sources.length === 2 && item.regex !== undefined && item.header !== undefined;
    if (sources.length !== 1 && !regexOnHeader) {
      scope.problem(
        at,
        'needs exactly one of json (a JSONPath), header (a name) or regex (optionally with header)',
      );
      continue;
    }
    if (typeof item.json === 'string')
      result[name] = { json: scope.jsonPath(item.json, [...at, 'json']), secret };
    else if (typeof item.regex === 'string') {
      result[name] = {
        regex: scope.regex(item.regex, [...at, 'regex']),
        header: typeof item.header === 'string' ? item.header.toLowerCase() : undefined,
        secret,
      };
    } else if (typeof item.header === 'string') result[name] = { header: item.header.toLowerCase(), secret };
    else scope.problem(at, 'json, header and regex must be text');
  }
  return result;
}

export function retrySpec(scope: Scope, raw: unknown): RetrySpec | undefined {
  const path: Path = ['retry'];
  const value = typeof raw === 'number' || typeof raw === 'string' ? { attempts: raw } : raw;
  if (!isObject(value)) {
    scope.problem(path, 'must be a number of attempts or a map with attempts, delay, backoff, max-delay');
    return undefined;
  }
  scope.allowOnly(value, ['attempts', 'delay', 'backoff', 'max-delay'], path);
  return {
    attempts: scope.number(value, 'attempts', path, { min: 1, max: 100, integer: true }) ?? 3,
    delayMs: scope.duration(value, 'delay', path) ?? 1000,
    backoff: scope.number(value, 'backoff', path, { min: 1, max: 10 }) ?? 2,
    maxDelayMs: scope.duration(value, 'max-delay', path) ?? 30_000,
  };
}

/**
 * `until: { expect: {...}, fail-if: {...}, interval, timeout }`: poll until `expect` holds, stop at once as failed
 * when `fail-if` holds. The conditions of `expect` may also be written directly in `until`.
 */
export function untilSpec(scope: Scope, raw: unknown): UntilSpec | undefined {
  const path: Path = ['until'];
  if (!isObject(raw)) {
    scope.problem(path, 'must be a map with expect (the assertions to wait for), interval and timeout');
    return undefined;
  }
  const flat = Object.keys(raw).filter((key) => EXPECT_KEYS.includes(key));
  let expect: Expectation;
  if (raw.expect !== undefined) {
    scope.allowOnly(raw, ['expect', 'fail-if', ...UNTIL_OPTIONS], path);
    expect = expectation(scope, raw.expect, [...path, 'expect'], EXPECT_KEYS);
  } else {
    expect = expectation(scope, raw, path, [...EXPECT_KEYS, 'fail-if', ...UNTIL_OPTIONS]);
  }
  if (raw.expect === undefined && flat.length === 0)
    scope.problem(path, `has no condition — give expect with one of ${EXPECT_KEYS.join(', ')}`);
  let failIf: UntilSpec['failIf'];
  if (raw['fail-if'] !== undefined) {
    failIf = {
      expect: expectation(scope, raw['fail-if'], [...path, 'fail-if'], EXPECT_KEYS),
      shown: snippet(JSON.stringify(raw['fail-if']), 200),
    };
    if (isObject(raw['fail-if']) && Object.keys(raw['fail-if']).length === 0)
      scope.problem([...path, 'fail-if'], `has no condition — give one of ${EXPECT_KEYS.join(', ')}`);
  }
  return {
    expect,
    failIf,
    intervalMs: scope.duration(raw, 'interval', path) ?? 1000,
    timeoutMs: scope.duration(raw, 'timeout', path) ?? 60_000,
    backoff: scope.number(raw, 'backoff', path, { min: 1, max: 10 }) ?? 1.5,
    maxIntervalMs: scope.duration(raw, 'max-interval', path) ?? 10_000,
  };
}

export function samplingSpec(scope: Scope, raw: Raw): SamplingSpec | undefined {
  const thresholds = [
    'sample-concurrency',
    'max-error-rate',
    'max-p50-latency',
    'max-p95-latency',
    'max-p99-latency',
  ];
  if (raw.samples === undefined) {
    for (const key of thresholds)
      if (raw[key] !== undefined) scope.problem([key], 'needs samples (how many requests to send)');
    return undefined;
  }
  const count = scope.number(raw, 'samples', [], { min: 1, max: MAX_SAMPLES, integer: true }) ?? 1;
  return {
    count,
    concurrency:
      scope.number(raw, 'sample-concurrency', [], { min: 1, max: 100, integer: true }) ?? Math.min(count, 5),
    maxErrorRate: errorRate(scope, raw['max-error-rate']) ?? 0,
    maxP50Ms: scope.duration(raw, 'max-p50-latency', []),
    maxP95Ms: scope.duration(raw, 'max-p95-latency', []),
    maxP99Ms: scope.duration(raw, 'max-p99-latency', []),
  };
}

/** "1%", "0.01" or 0.01. */
export function parseErrorRate(raw: unknown): number | undefined {
  const text = String(raw).trim();
  const match = /^(\d+(?:\.\d+)?)(%?)$/.exec(text);
  if (!match) return undefined;
  const value = match[2] ? Number(match[1]) / 100 : Number(match[1]);
  return value >= 0 && value <= 1 ? value : undefined;
}

function errorRate(scope: Scope, raw: unknown): number | undefined {
  if (raw === undefined) return undefined;
  const rate = parseErrorRate(raw);
  if (rate === undefined)
    scope.problem(['max-error-rate'], `has ${describe(raw)} — expected a share like "1%" or 0.01`);
  return rate;
}
