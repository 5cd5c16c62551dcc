import {
  parseChecks,
  type Check,
  type CheckSuite,
  type SamplingSpec,
  type VersionSource,
} from '@lambda-release-kit/checks';
import { URL_CHECK_NAME } from './constants.js';

/** The one-line case: GET a URL and expect a status (default 2xx) and optionally some text in the body. */
export interface UrlCheck {
  url: string;
  expectStatus?: string;
  expectBody?: string;
  sampling?: Partial<SamplingSpec> & { count: number };
}

export interface SuiteSources {
  url?: UrlCheck;
  /** Check definitions as YAML/JSON text, and where they came from (for line numbers in messages). */
  checks?: { text: string; file: string };
  /** Applied to every check that does not say where its answer reports the version. */
  versionFrom?: VersionSource;
}

/**
 * Builds the suite from the `url` one-liner and the check definitions. Throws CheckDefinitionError (naming the
 * check, the field and the line) for a bad definition: nothing has been sent yet.
 */
export function buildSuite(sources: SuiteSources): CheckSuite {
  const suite: CheckSuite = sources.checks
    ? parseChecks(sources.checks.text, { file: sources.checks.file })
    : { vars: {}, items: [] };
  if (sources.url) {
    const [urlCheck] = parseChecks([urlDefinition(sources.url)], { file: `input '${URL_CHECK_NAME}'` }).items;
    suite.items.unshift(urlCheck);
  }
  if (sources.versionFrom) {
    for (const check of allChecks(suite)) check.expect.versionFrom ??= sources.versionFrom;
  }
  return suite;
}

function urlDefinition(url: UrlCheck): Record<string, unknown> {
  const definition: Record<string, unknown> = {
    name: URL_CHECK_NAME,
    request: { method: 'GET', url: url.url },
    expect: {
      status: url.expectStatus ?? '2xx',
      ...(url.expectBody ? { body: { contains: url.expectBody } } : {}),
    },
  };
  if (url.sampling) {
    const { count, maxErrorRate, maxP50Ms, maxP95Ms, maxP99Ms } = url.sampling;
    Object.assign(definition, {
      samples: count,
      ...(maxErrorRate !== undefined ? { 'max-error-rate': maxErrorRate } : {}),
      ...(maxP50Ms !== undefined ? { 'max-p50-latency': `${maxP50Ms}ms` } : {}),
      ...(maxP95Ms !== undefined ? { 'max-p95-latency': `${maxP95Ms}ms` } : {}),
      ...(maxP99Ms !== undefined ? { 'max-p99-latency': `${maxP99Ms}ms` } : {}),
    });
  }
  return definition;
}

export function allChecks(suite: CheckSuite): Check[] {
  return suite.items.flatMap((item) => ('check' in item ? [item.check] : item.flow.steps));
}

/** True when a check invokes Lambda directly (then AWS clients and a region are needed). */
export function usesInvoke(suite: CheckSuite): boolean {
  return allChecks(suite).some((check) => check.invoke !== undefined);
}
