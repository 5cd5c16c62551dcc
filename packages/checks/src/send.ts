import type { LambdaClient } from '@aws-sdk/client-lambda';
import { answerJson, type Answer } from './answer.js';
import { sendHttp } from './http.js';
import { sendInvoke } from './invoke.js';
import { queryPath } from './jsonpath.js';
import type { Redactor } from '@lambda-release-kit/core/redact';
import { renderDeep, renderTemplate, type TemplateOptions } from '@lambda-release-kit/core/template';
import type { Check, Expectation, JsonAssertion, TextAssertion, VersionSource } from './types.js';
import { VERSION_HEADERS } from './version-proof.js';

export interface SendContext {
  fetch: typeof fetch;
  lambda?: LambdaClient | undefined;
  signal: AbortSignal;
  redactor: Redactor;
  baseUrl?: string | undefined;
  template: TemplateOptions;
  invokeTimeoutMs?: number | undefined;
}

/** Renders the check's request or invoke with the current variables and sends it once. */
export async function sendOnce(
  check: Check,
  vars: Record<string, unknown>,
  context: SendContext,
): Promise<Answer> {
  const render = (text: string) => renderTemplate(text, vars, context.template);
  if (check.invoke) {
    if (!context.lambda) throw new Error('no Lambda client was given for invoke checks');
    return sendInvoke(
      {
        function: render(check.invoke.function),
        qualifier: check.invoke.qualifier === undefined ? undefined : render(check.invoke.qualifier),
        payload: renderDeep(check.invoke.payload, vars, context.template),
      },
      {
        lambda: context.lambda,
        signal: context.signal,
        redactor: context.redactor,
        timeoutMs: context.invokeTimeoutMs,
      },
    );
  }
  const request = check.request;
  if (!request) throw new Error(`check ${check.name} has neither a request nor an invoke`);
  const answer = await sendHttp(
    {
      method: render(request.method),
      url: resolveUrl(
        render(request.url),
        context.baseUrl === undefined ? undefined : render(context.baseUrl),
      ),
      headers: mapValues(request.headers, render),
      query: mapValues(request.query, render),
      body: request.body === undefined ? undefined : render(request.body),
      json: request.json === undefined ? undefined : renderDeep(request.json, vars, context.template),
      timeoutMs: request.timeoutMs,
    },
    { fetch: context.fetch, signal: context.signal, redactor: context.redactor },
  );
  answer.executedVersion = reportedVersion(answer, check.expect.versionFrom);
  return answer;
}

function resolveUrl(url: string, baseUrl: string | undefined): string {
  if (/^https?:\/\//i.test(url)) return url;
  if (!baseUrl) throw new Error(`request url ${JSON.stringify(url)} is relative and no base-url is set`);
  return baseUrl.replace(/\/+$/, '') + '/' + url.replace(/^\/+/, '');
}

function reportedVersion(answer: Answer, source: VersionSource | undefined): string | undefined {
  if (source && 'header' in source) return answer.headers[source.header];
  if (source) {
    const result = queryPath(answerJson(answer), source.json);
    return result.found && result.value !== null && result.value !== undefined
      ? String(result.value)
      : undefined;
  }
  const header = VERSION_HEADERS.find((name) => answer.headers[name] !== undefined);
  return header === undefined ? undefined : answer.headers[header];
}

/** The expectation with its templates filled; values that are whole expressions keep their type. */
export function renderExpectation(
  expect: Expectation,
  vars: Record<string, unknown>,
  options: TemplateOptions,
): Expectation {
  const render = (text: string) => renderTemplate(text, vars, options);
  const text = (assertion: TextAssertion): TextAssertion => ({
    ...assertion,
    equals: assertion.equals === undefined ? undefined : render(assertion.equals),
    contains: assertion.contains?.map(render),
    notContains: assertion.notContains?.map(render),
    matches: assertion.matches === undefined ? undefined : render(assertion.matches),
  });
  const json = (assertion: JsonAssertion): JsonAssertion => ({
    ...assertion,
    equals: renderDeep(assertion.equals, vars, options),
    notEquals: renderDeep(assertion.notEquals, vars, options),
    contains: renderDeep(assertion.contains, vars, options),
    oneOf:
      assertion.oneOf === undefined ? undefined : (renderDeep(assertion.oneOf, vars, options) as unknown[]),
    matches: assertion.matches === undefined ? undefined : render(assertion.matches),
  });
  return {
    ...expect,
    body: expect.body && text(expect.body),
    headers: expect.headers && mapValues(expect.headers, text),
    json: expect.json?.map(json),
    version: expect.version === undefined ? undefined : render(expect.version),
  };
}

function mapValues<T, U>(record: Record<string, T>, map: (value: T) => U): Record<string, U> {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, map(value)]));
}
