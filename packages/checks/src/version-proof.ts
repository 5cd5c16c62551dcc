// Which version an answer must come from, and what the answer proved about it. Invoke answers always say
// (X-Amz-Executed-Version); an HTTP answer says only if the function sets a header or a body field itself.
import type { Answer } from './answer.js';
import type { Check, VersionProof, VersionSource } from './types.js';

/**
 * Headers an HTTP answer may use to say which function version served it, when the check names none. AWS sends
 * none of them by itself: the function's code sets one (e.g. x-function-version from AWS_LAMBDA_FUNCTION_VERSION).
 */
export const VERSION_HEADERS = ['x-amz-executed-version', 'x-executed-version', 'x-function-version'];

/** The run's version expectations (from expect-version, or per function from a record). */
export interface VersionExpectations {
  expectVersion?: string | undefined;
  expectFunctionVersion?: ((functionName: string) => string | undefined) | undefined;
}

/**
 * The version a check's answer must come from (`optional`: an HTTP answer reporting none passes, not proven), or
 * why no version is checked, or undefined when no version is expected at all.
 */
export type ExpectedVersion =
  { version: string; function?: string | undefined; optional: boolean } | { notChecked: string } | undefined;

/**
 * A check's own `version` always needs proof; so does any version for a check that names where the answer reports
 * it (`version-from`, the check's or the input's). A version that only comes from the record or expect-version is
 * proven when an HTTP answer reports one, and "not proven" when it reports none.
 */
export function expectedVersion(
  check: Check,
  invokedFunction: string | undefined,
  sources: VersionExpectations,
): ExpectedVersion {
  if (check.expect.version !== undefined) return { version: check.expect.version, optional: false };
  const optional = check.invoke === undefined && check.expect.versionFrom === undefined;
  const tested = invokedFunction ?? check.function;
  const own = tested === undefined ? undefined : sources.expectFunctionVersion?.(tested);
  if (own !== undefined) return { version: own, function: tested, optional };
  if (sources.expectVersion !== undefined) return { version: sources.expectVersion, optional };
  if (!sources.expectFunctionVersion) return undefined;
  return {
    notChecked:
      tested === undefined
        ? 'the release has several functions and this check names none (give it `function: <name>`)'
        : `the release has no new version of ${tested}`,
  };
}

/** What the final answer proved about the expected version (`version` as rendered for the run). */
export function versionProof(
  expected: ExpectedVersion,
  version: string | undefined,
  answer: Answer | undefined,
): VersionProof | undefined {
  if (expected === undefined) return undefined;
  if ('notChecked' in expected) return { outcome: 'not checked', detail: expected.notChecked };
  if (answer === undefined || version === undefined) return undefined;
  const whose = expected.function === undefined ? '' : ` (${expected.function}'s new version)`;
  const base = { expected: version, function: expected.function };
  if (answer.executedVersion === version) {
    return { ...base, outcome: 'proven', detail: `answered by version ${version}${whose}` };
  }
  if (answer.executedVersion === undefined) {
    return {
      ...base,
      outcome: 'not proven',
      detail: `the answer reported no version, expected ${version}${whose}: have the function report it (e.g. an x-function-version header from AWS_LAMBDA_FUNCTION_VERSION) and name it with version-from to require it`,
    };
  }
  return {
    ...base,
    outcome: 'other version',
    detail: `answered by version ${answer.executedVersion}, expected ${version}${whose}`,
  };
}

/** Where an answer was looked at for its version and found nothing, for the failure message. */
export function missingVersion(source: VersionSource | undefined): string {
  if (source && 'header' in source)
    return `no ${source.header} header (version-from: header:${source.header})`;
  if (source) return `nothing at ${source.json} (version-from: json:${source.json})`;
  return `no version (none of the headers ${VERSION_HEADERS.join(', ')}; name where the function reports it with version-from, e.g. header:x-function-version)`;
}
