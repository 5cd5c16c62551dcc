import type { Redactor } from '@lambda-release-kit/core/redact';
import type { LambdaClient } from '@aws-sdk/client-lambda';

/** The slice of a logger the engine uses (core's Logger fits). */
export interface CheckLogger {
  info(message: string): void;
  warning(message: string): void;
  debug(message: string): void;
}

/** An HTTP request; every string may hold `{{ templates }}`. */
export interface HttpRequestSpec {
  method: string;
  url: string;
  headers: Record<string, string>;
  query: Record<string, string>;
  /** Raw body text. */
  body?: string | undefined;
  /** A JSON body (sent with content-type application/json unless a header says otherwise). */
  json?: unknown;
  timeoutMs?: number | undefined;
}

/** A direct Lambda invoke (RequestResponse). */
export interface InvokeSpec {
  function: string;
  qualifier?: string | undefined;
  /** A string is sent as is; anything else as JSON. */
  payload?: unknown;
}

/** A status expectation: one code, or an inclusive range ("2xx" and "200-299" both parse to 200..299). */
export type StatusRange = { min: number; max: number };

export type Comparison = {
  gt?: number | undefined;
  gte?: number | undefined;
  lt?: number | undefined;
  lte?: number | undefined;
};

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'object' | 'array' | 'null';

/** One JSONPath assertion; every given field must hold for the (first) value at `path`. */
export interface JsonAssertion extends Comparison {
  path: string;
  equals?: unknown;
  notEquals?: unknown;
  oneOf?: unknown[] | undefined;
  exists?: boolean | undefined;
  matches?: string | undefined;
  contains?: unknown;
  type?: JsonType | undefined;
  length?: number | Comparison | undefined;
}

export interface TextAssertion {
  equals?: string | undefined;
  contains?: string[] | undefined;
  notContains?: string[] | undefined;
  matches?: string | undefined;
  exists?: boolean | undefined;
}

/** Where an HTTP answer says which version served it: a header, or a JSONPath into the body. */
export type VersionSource = { header: string } | { json: string };

export interface Expectation {
  status?: StatusRange[] | undefined;
  body?: TextAssertion | undefined;
  json?: JsonAssertion[] | undefined;
  headers?: Record<string, TextAssertion> | undefined;
  maxDurationMs?: number | undefined;
  /** Expected version that answered (Invoke's executed version, or the version the HTTP answer reports). */
  version?: string | undefined;
  versionFrom?: VersionSource | undefined;
  /**
   * Set by the engine when the version was not asked for by the check itself (it comes from the record or
   * expect-version) and no version source is named: an HTTP answer that reports no version then passes, "not proven".
   */
  versionOptional?: boolean | undefined;
  /** For invokes: true expects a function error; default false (a function error fails the check). */
  functionError?: boolean | undefined;
}

/** Where a capture reads from; a regex reads the body, or a header when `header` is given (group 1, else the match). */
export type CaptureSpec = (
  { json: string } | { header: string } | { regex: string; header?: string | undefined }
) & {
  /** Keep the value out of every message and report. */
  secret?: boolean | undefined;
};

export interface RetrySpec {
  attempts: number;
  delayMs: number;
  backoff: number;
  maxDelayMs: number;
}

/** Poll until `expect` holds (then the check's own `expect` is judged), or fail at the deadline. */
export interface UntilSpec {
  expect: Expectation;
  /** Assertions that end the poll at once as failed when they hold; `shown` is how they were written. */
  failIf?: { expect: Expectation; shown: string } | undefined;
  intervalMs: number;
  timeoutMs: number;
  backoff: number;
  maxIntervalMs: number;
}

export interface SamplingSpec {
  count: number;
  concurrency: number;
  /** Fraction 0–1 of samples allowed to fail. Default 0. */
  maxErrorRate: number;
  maxP50Ms?: number | undefined;
  maxP95Ms?: number | undefined;
  maxP99Ms?: number | undefined;
}

export interface Check {
  name: string;
  /** The flow this check belongs to, if any. */
  flow?: string | undefined;
  /** For an HTTP check: the function of the release that answers it (its answers must come from its new version). */
  function?: string | undefined;
  request?: HttpRequestSpec | undefined;
  invoke?: InvokeSpec | undefined;
  expect: Expectation;
  capture: Record<string, CaptureSpec>;
  retry?: RetrySpec | undefined;
  until?: UntilSpec | undefined;
  samples?: SamplingSpec | undefined;
  /** Where the check was defined ("checks.yml line 12"), for messages. */
  location?: string | undefined;
  /** Variables the check's templates use, and the field using each, checked before anything is sent. */
  references: Array<{ variable: string; field: string; location?: string | undefined }>;
}

export interface Flow {
  name: string;
  steps: Check[];
  location?: string | undefined;
}

/** A unit of concurrent work: a standalone check, or a flow whose steps run in order. */
export type SuiteItem = { check: Check } | { flow: Flow };

export interface CheckSuite {
  vars: Record<string, unknown>;
  /** Relative request URLs are resolved against this (templated). */
  baseUrl?: string | undefined;
  items: SuiteItem[];
}

export interface LatencyStats {
  samples: number;
  errors: number;
  errorRate: number;
  minMs: number;
  p50Ms: number;
  p95Ms: number;
  p99Ms: number;
  maxMs: number;
  meanMs: number;
}

export interface CheckFailure {
  /** One line: what went wrong. */
  reason: string;
  /** The assertion that failed ("status", "$.token exists", "header content-type contains json"). */
  assertion?: string | undefined;
  expected?: string | undefined;
  actual?: string | undefined;
  /** "POST https://api/login" plus redacted headers and a body snippet. */
  request?: string | undefined;
  /** A bounded, redacted snippet of what came back. */
  response?: string | undefined;
}

/**
 * Whether the answer proved which version served it: `proven` (it reported the expected version), `not proven`
 * (it reported none, and the check did not ask for proof), `other version` (it reported another one: the check
 * failed), `not checked` (no version is known for what the check tests, e.g. an HTTP check naming no function of a
 * release of several).
 */
export interface VersionProof {
  outcome: 'proven' | 'not proven' | 'other version' | 'not checked';
  /** The version the answer had to come from. */
  expected?: string | undefined;
  /** The function whose version was expected, when the release has several. */
  function?: string | undefined;
  /** One line for people: what was proven, or why not. */
  detail: string;
}

export interface CheckResult {
  name: string;
  flow?: string | undefined;
  kind: 'http' | 'invoke';
  passed: boolean;
  /** Not run: an earlier flow step failed, fail-fast stopped the suite, or the suite timed out first. */
  skipped: boolean;
  attempts: number;
  durationMs: number;
  status?: number | undefined;
  executedVersion?: string | undefined;
  /** How the version that answered was judged (absent when no version was expected or known). */
  version?: VersionProof | undefined;
  /** How long the last answer took (one request, not the retries or polls before it). */
  responseMs?: number | undefined;
  latency?: LatencyStats | undefined;
  failure?: CheckFailure | undefined;
  /** Names of the variables this check captured (values are not reported). */
  captured: string[];
}

export interface SuiteResult {
  passed: boolean;
  total: number;
  passedCount: number;
  failedCount: number;
  skippedCount: number;
  startedAt: string;
  durationMs: number;
  checks: CheckResult[];
}

export interface RunDependencies {
  lambda?: LambdaClient | undefined;
  fetch?: typeof fetch | undefined;
  logger?: CheckLogger | undefined;
  signal?: AbortSignal | undefined;
  vars?: Record<string, unknown> | undefined;
  env?: NodeJS.ProcessEnv | undefined;
  /** How many standalone checks and flows run at once. Default 10. */
  concurrency?: number | undefined;
  /** Stop starting new checks (and abort running ones) after the first failure. */
  failFast?: boolean | undefined;
  /** Deadline for the whole suite. */
  timeoutMs?: number | undefined;
  /** Version every answer must come from, unless a check sets its own. */
  expectVersion?: string | undefined;
  /**
   * The version a function's answers must come from (its release's new version, when a release names several
   * functions), for invoke checks and HTTP checks naming a `function:`. Without expectVersion, a check this gives no
   * version for is "not checked". A check's own version wins.
   */
  expectFunctionVersion?: ((functionName: string) => string | undefined) | undefined;
  /** The release's functions: a check's `function:` must name one of them (checked before anything is sent). */
  releaseFunctions?: string[] | undefined;
  /** Values never to show in messages and reports (tokens, passwords). */
  secrets?: string[] | undefined;
  /** The run's redactor (the runner adapter's, so secrets found while checking are masked everywhere). */
  redactor?: Redactor | undefined;
  now?: (() => Date) | undefined;
}
