import {
  CheckDefinitionError,
  parseChecks,
  type Check,
  type CheckSuite,
  type SamplingSpec,
  type SuiteItem,
  type VersionSource,
} from '@lambda-release-kit/checks';
import { InputError } from '@lambda-release-kit/core';
import { URL_CHECK_NAME } from './constants.js';

/** The one-line case: GET a URL and expect a status (default 2xx) and optionally some text in the body. */
export interface UrlCheck {
  url: string;
  expectStatus?: string | undefined;
  expectBody?: string | undefined;
  sampling?: ({ [K in keyof SamplingSpec]?: SamplingSpec[K] | undefined } & { count: number }) | undefined;
}

export interface SuiteSources {
  url?: UrlCheck | undefined;
  /** Check definitions as YAML/JSON text, and where they came from (for line numbers in messages). */
  checks?: { text: string; file: string } | undefined;
  /** Applied to every check that does not say where its answer reports the version. */
  versionFrom?: VersionSource | undefined;
}

/**
 * Builds the suite from the `url` one-liner and the check definitions. Throws CheckDefinitionError (naming the
 * check, the field and the line) for a bad definition: nothing has been sent yet.
 */
export function buildSuite(sources: SuiteSources): CheckSuite {
  const suite: CheckSuite = sources.checks
    ? parseChecks(sources.checks.text, { file: sources.checks.file })
    : { vars: {}, items: [] };
  if (sources.url) suite.items.unshift(urlCheck(sources.url));
  if (sources.versionFrom) {
    for (const check of allChecks(suite)) check.expect.versionFrom ??= sources.versionFrom;
  }
  return suite;
}

/** Runs a task that reads check definitions: their problems are input problems, found before anything is sent. */
export async function checkDefinitionsAsInput<T>(task: () => T | Promise<T>): Promise<T> {
  try {
    return await task();
  } catch (error) {
    if (error instanceof CheckDefinitionError) throw new InputError(error.message);
    throw error;
  }
}

function urlCheck(url: UrlCheck): SuiteItem {
  const definition: Record<string, unknown> = {
    name: URL_CHECK_NAME,
    request: { method: 'GET', url: url.url },
    expect: {
      status: url.expectStatus ?? '2xx',
      ...(url.expectBody ? { body: { contains: url.expectBody } } : {}),
    },
  };
  if (url.sampling) {
    const { count, maxErrorRate } = url.sampling;
    Object.assign(definition, {
      samples: count,
      ...(maxErrorRate !== undefined ? { 'max-error-rate': maxErrorRate } : {}),
    });
  }
  const [item] = parseChecks([definition], { file: `input '${URL_CHECK_NAME}'` }).items;
  if (!item) throw new Error(`the '${URL_CHECK_NAME}' check parsed to nothing`);
  // The latency limits are milliseconds already: set on the parsed spec, not written out as text to parse again.
  if (url.sampling && 'check' in item && item.check.samples) {
    const { maxP50Ms, maxP95Ms, maxP99Ms } = url.sampling;
    Object.assign(item.check.samples, { maxP50Ms, maxP95Ms, maxP99Ms });
  }
  return item;
}

export function allChecks(suite: CheckSuite): Check[] {
  return suite.items.flatMap((item) => ('check' in item ? [item.check] : item.flow.steps));
}

/** True when a check invokes Lambda directly (then AWS clients and a region are needed). */
export function usesInvoke(suite: CheckSuite): boolean {
  return allChecks(suite).some((check) => check.invoke !== undefined);
}
