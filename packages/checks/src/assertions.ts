import { answerJson, isJson, type Answer } from './answer.js';
import { formatMs } from './duration.js';
import { queryPath } from './jsonpath.js';
import { missingVersion } from './version-proof.js';
import { snippet } from '@lambda-release-kit/core/redact';
import type {
  Comparison,
  Expectation,
  JsonAssertion,
  JsonType,
  StatusRange,
  TextAssertion,
} from './types.js';

/** A failed assertion, before the request and response snippets are attached. */
export interface AssertionFailure {
  reason: string;
  assertion: string;
  expected: string;
  actual: string;
}

const SUCCESS: StatusRange[] = [{ min: 200, max: 299 }];

/** Judges an answer against an expectation; returns the first assertion that does not hold. */
export function judge(expect: Expectation, answer: Answer): AssertionFailure | undefined {
  return (
    checkFunctionError(expect, answer) ??
    checkStatus(expect.status ?? (answer.kind === 'invoke' ? [{ min: 200, max: 200 }] : SUCCESS), answer) ??
    checkDuration(expect.maxDurationMs, answer) ??
    checkVersion(expect, answer) ??
    checkHeaders(expect.headers ?? {}, answer) ??
    (expect.body ? checkText('body', expect.body, answer.body) : undefined) ??
    checkJson(expect.json ?? [], answer)
  );
}

export function formatStatus(ranges: StatusRange[]): string {
  return ranges
    .map(({ min, max }) =>
      min === max ? String(min) : min % 100 === 0 && max === min + 99 ? `${min / 100}xx` : `${min}-${max}`,
    )
    .join(', ');
}

function fail(assertion: string, expected: string, actual: string, reason?: string): AssertionFailure {
  return {
    assertion,
    expected,
    actual,
    reason: reason ?? `${assertion}: expected ${expected}, got ${actual}`,
  };
}

function checkFunctionError(expect: Expectation, answer: Answer): AssertionFailure | undefined {
  if (answer.kind !== 'invoke') return undefined;
  const wanted = expect.functionError ?? false;
  if (wanted === Boolean(answer.functionError)) return undefined;
  return wanted
    ? fail('function error', 'a function error', 'a normal response')
    : fail(
        'function error',
        'no function error',
        `${answer.functionError}: ${snippet(answer.body, 200)}`,
        `the function returned an error (${answer.functionError})`,
      );
}

function checkStatus(ranges: StatusRange[], answer: Answer): AssertionFailure | undefined {
  if (ranges.some(({ min, max }) => answer.status >= min && answer.status <= max)) return undefined;
  return fail('status', formatStatus(ranges), String(answer.status));
}

function checkDuration(maxMs: number | undefined, answer: Answer): AssertionFailure | undefined {
  if (maxMs === undefined || answer.durationMs <= maxMs) return undefined;
  return fail('max-duration', `at most ${formatMs(maxMs)}`, formatMs(answer.durationMs));
}

/** An HTTP answer that reports no version fails only when proof was asked for (see version-proof.ts). */
function checkVersion(expect: Expectation, answer: Answer): AssertionFailure | undefined {
  const version = expect.version;
  const reported = answer.executedVersion;
  if (version === undefined || reported === version) return undefined;
  if (reported === undefined) {
    if (answer.kind === 'http' && expect.versionOptional) return undefined;
    const missing = answer.kind === 'http' ? missingVersion(expect.versionFrom) : 'no executed version';
    return fail(
      'version',
      `version ${version}`,
      'no version reported',
      `answered with ${missing}, expected version ${version}`,
    );
  }
  const actual = `version ${reported}`;
  return fail('version', `version ${version}`, actual, `answered by ${actual}, expected version ${version}`);
}

function checkHeaders(headers: Record<string, TextAssertion>, answer: Answer): AssertionFailure | undefined {
  for (const [name, assertion] of Object.entries(headers)) {
    const failure = checkText(`header ${name}`, assertion, answer.headers[name.toLowerCase()]);
    if (failure) return failure;
  }
  return undefined;
}

function checkText(
  subject: string,
  assertion: TextAssertion,
  value: string | undefined,
): AssertionFailure | undefined {
  const shown = value === undefined ? 'nothing (missing)' : JSON.stringify(snippet(value, 200));
  if (assertion.exists !== undefined && assertion.exists !== (value !== undefined)) {
    return fail(`${subject} exists`, assertion.exists ? 'present' : 'absent', shown);
  }
  if (value === undefined) {
    if (assertion.exists === false) return undefined;
    const hasChecks = assertion.equals ?? assertion.contains ?? assertion.matches ?? assertion.notContains;
    return hasChecks === undefined ? undefined : fail(subject, 'present', shown);
  }
  if (assertion.equals !== undefined && value !== assertion.equals) {
    return fail(`${subject} equals`, JSON.stringify(assertion.equals), shown);
  }
  for (const part of assertion.contains ?? []) {
    if (!value.includes(part)) return fail(`${subject} contains`, JSON.stringify(part), shown);
  }
  for (const part of assertion.notContains ?? []) {
    if (value.includes(part)) return fail(`${subject} not-contains`, `no ${JSON.stringify(part)}`, shown);
  }
  if (assertion.matches !== undefined && !new RegExp(assertion.matches).test(value)) {
    return fail(`${subject} matches`, `/${assertion.matches}/`, shown);
  }
  return undefined;
}

function checkJson(assertions: JsonAssertion[], answer: Answer): AssertionFailure | undefined {
  if (assertions.length === 0) return undefined;
  if (!isJson(answer)) {
    return fail('json', 'a JSON body', JSON.stringify(snippet(answer.body, 200)), 'the body is not JSON');
  }
  const json = answerJson(answer);
  for (const assertion of assertions) {
    const failure = checkJsonAssertion(assertion, json);
    if (failure) return failure;
  }
  return undefined;
}

function checkJsonAssertion(assertion: JsonAssertion, json: unknown): AssertionFailure | undefined {
  const { path } = assertion;
  const result = queryPath(json, path);
  const actual = result.found ? show(result.value) : 'nothing (missing)';
  if (assertion.exists !== undefined) {
    if (assertion.exists !== result.found)
      return fail(`${path} exists`, assertion.exists ? 'present' : 'absent', actual);
    if (!result.found) return undefined;
  }
  if (!result.found) return fail(path, 'a value', actual, `${path} is missing`);
  const value = result.value;
  if (assertion.equals !== undefined && !deepEqual(value, assertion.equals)) {
    return fail(`${path} equals`, show(assertion.equals), actual);
  }
  if (assertion.notEquals !== undefined && deepEqual(value, assertion.notEquals)) {
    return fail(`${path} not-equals`, `not ${show(assertion.notEquals)}`, actual);
  }
  if (assertion.oneOf !== undefined && !assertion.oneOf.some((option) => deepEqual(value, option))) {
    return fail(`${path} one-of`, `one of ${show(assertion.oneOf)}`, actual);
  }
  if (assertion.type !== undefined && typeOf(value, assertion.type) !== assertion.type) {
    return fail(`${path} type`, assertion.type, `${typeOf(value)} ${actual}`);
  }
  if (assertion.matches !== undefined) {
    const text = typeof value === 'string' ? value : JSON.stringify(value);
    if (!new RegExp(assertion.matches).test(text))
      return fail(`${path} matches`, `/${assertion.matches}/`, actual);
  }
  if (assertion.contains !== undefined && !containsValue(value, assertion.contains)) {
    return fail(`${path} contains`, show(assertion.contains), actual);
  }
  if (assertion.length !== undefined) {
    const length = typeof value === 'string' || Array.isArray(value) ? value.length : undefined;
    if (length === undefined) return fail(`${path} length`, 'a string or an array', actual);
    const wanted =
      typeof assertion.length === 'number'
        ? { gte: assertion.length, lte: assertion.length }
        : assertion.length;
    const broken = compare(length, wanted);
    if (broken) return fail(`${path} length`, describeComparison(wanted), String(length));
  }
  const comparison = { gt: assertion.gt, gte: assertion.gte, lt: assertion.lt, lte: assertion.lte };
  if (Object.values(comparison).some((bound) => bound !== undefined)) {
    if (typeof value !== 'number') return fail(`${path} comparison`, 'a number', actual);
    if (compare(value, comparison))
      return fail(`${path} ${describeComparison(comparison)}`, describeComparison(comparison), actual);
  }
  return undefined;
}

/** True when `value` breaks one of the bounds. */
function compare(value: number, bounds: Comparison): boolean {
  return (
    (bounds.gt !== undefined && !(value > bounds.gt)) ||
    (bounds.gte !== undefined && !(value >= bounds.gte)) ||
    (bounds.lt !== undefined && !(value < bounds.lt)) ||
    (bounds.lte !== undefined && !(value <= bounds.lte))
  );
}

function describeComparison(bounds: Comparison): string {
  if (bounds.gte !== undefined && bounds.gte === bounds.lte) return `= ${bounds.gte}`;
  const parts: string[] = [];
  if (bounds.gt !== undefined) parts.push(`> ${bounds.gt}`);
  if (bounds.gte !== undefined) parts.push(`>= ${bounds.gte}`);
  if (bounds.lt !== undefined) parts.push(`< ${bounds.lt}`);
  if (bounds.lte !== undefined) parts.push(`<= ${bounds.lte}`);
  return parts.join(' and ');
}

function typeOf(value: unknown, wanted?: JsonType): JsonType {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number')
    return wanted === 'integer' && Number.isInteger(value) ? 'integer' : 'number';
  return typeof value as JsonType;
}

function containsValue(value: unknown, part: unknown): boolean {
  if (typeof value === 'string') return typeof part === 'string' && value.includes(part);
  if (Array.isArray(value)) return value.some((item) => deepEqual(item, part));
  return false;
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const aKeys = Object.keys(a);
  const bKeys = Object.keys(b as object);
  return (
    aKeys.length === bKeys.length &&
    aKeys.every((key) => deepEqual((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key]))
  );
}

function show(value: unknown): string {
  return snippet(JSON.stringify(value) ?? String(value), 200);
}
