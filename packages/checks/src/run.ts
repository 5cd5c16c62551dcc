import { setTimeout as sleep } from 'node:timers/promises';
import type { Answer } from './answer.js';
import { judge, type AssertionFailure } from './assertions.js';
import { captureValues } from './capture.js';
import { formatMs } from './duration.js';
import { redactingLines } from '@lambda-release-kit/core/logger';
import { formatPercent } from '@lambda-release-kit/core/percent';
import { backoffDelay } from '@lambda-release-kit/core/wait';
import { Redactor, snippet } from '@lambda-release-kit/core/redact';
import { renderTemplate } from '@lambda-release-kit/core/template';
import { renderExpectation, sendOnce, type SendContext } from './send.js';
import { latencyStats } from './stats.js';
import { validateSuite } from './validate.js';
import { expectedVersion, versionProof, type ExpectedVersion } from './version-proof.js';
import type {
  Check,
  CheckFailure,
  CheckLogger,
  CheckResult,
  CheckSuite,
  Flow,
  RunDependencies,
  SamplingSpec,
  SuiteResult,
} from './types.js';

export const DEFAULT_CONCURRENCY = 10;

const silentLogger: CheckLogger = { info: () => {}, warning: () => {}, debug: () => {} };

/** Why the suite stopped early; checks not finished by then are reported with it. */
class Stop {
  reason?: string | undefined;
  /** Checks cut off by a timeout failed; cut off by fail-fast or cancellation they are skipped. */
  failsRunning = false;
}

interface RunContext extends SendContext {
  logger: CheckLogger;
  expectVersion?: string | undefined;
  expectFunctionVersion?: ((functionName: string) => string | undefined) | undefined;
  stop: Stop;
  onFailure: (check: Check) => void;
}

/**
 * Runs a suite: standalone checks and flows run concurrently (at most `concurrency` at once), the steps of a
 * flow in order with shared captures. Every template is validated before the first request is sent.
 */
export async function runChecks(suite: CheckSuite, deps: RunDependencies = {}): Promise<SuiteResult> {
  const startedAt = (deps.now?.() ?? new Date()).toISOString();
  const started = performance.now();
  const env = deps.env ?? process.env;
  const vars = { ...suite.vars, ...deps.vars };
  validateSuite(suite, {
    vars,
    env,
    hasLambda: deps.lambda !== undefined,
    releaseFunctions: deps.releaseFunctions,
  });

  const stop = new Stop();
  const controller = new AbortController();
  const abort = (reason: string, failsRunning: boolean) => {
    if (stop.reason !== undefined) return;
    stop.reason = reason;
    stop.failsRunning = failsRunning;
    controller.abort(reason);
  };
  const onExternalAbort = () => abort(`cancelled: ${String(deps.signal?.reason ?? 'aborted')}`, false);
  if (deps.signal?.aborted) onExternalAbort();
  deps.signal?.addEventListener('abort', onExternalAbort, { once: true });
  const timeoutMs = deps.timeoutMs;
  const timer =
    timeoutMs === undefined
      ? undefined
      : setTimeout(() => abort(`the suite timed out after ${formatMs(timeoutMs)}`, true), timeoutMs);

  const redactor = deps.redactor ?? new Redactor();
  for (const secret of deps.secrets ?? []) redactor.add(secret);
  const context: RunContext = {
    fetch: deps.fetch ?? fetch,
    lambda: deps.lambda,
    signal: controller.signal,
    redactor,
    baseUrl: suite.baseUrl,
    template: { env, now: deps.now },
    // Every line the engine logs may carry a server's answer.
    logger: redactingLines(deps.logger ?? silentLogger, redactor),
    expectVersion: deps.expectVersion,
    expectFunctionVersion: deps.expectFunctionVersion,
    stop,
    onFailure: (check) => {
      if (deps.failFast) abort(`fail-fast: stopped after check "${check.name}" failed`, false);
    },
  };

  const units = suite.items.map((item) =>
    'flow' in item
      ? () => runFlow(item.flow, vars, context)
      : async () => [(await runCheck(item.check, { ...vars }, context)).result],
  );
  let results: CheckResult[][];
  try {
    results = await pool(units, deps.concurrency ?? DEFAULT_CONCURRENCY);
  } finally {
    clearTimeout(timer);
    deps.signal?.removeEventListener('abort', onExternalAbort);
  }
  const checks = context.redactor.deep(results.flat());
  const failedCount = checks.filter((check) => !check.passed && !check.skipped).length;
  const skippedCount = checks.filter((check) => check.skipped).length;
  return {
    passed: failedCount === 0 && skippedCount === 0,
    total: checks.length,
    passedCount: checks.length - failedCount - skippedCount,
    failedCount,
    skippedCount,
    startedAt,
    durationMs: Math.round(performance.now() - started),
    checks,
  };
}

/** Runs tasks with at most `limit` in flight, keeping results in task order. */
async function pool<T>(tasks: Array<() => Promise<T>>, limit: number): Promise<T[]> {
  const results = new Array<T>(tasks.length);
  let next = 0;
  const worker = async () => {
    for (let task = tasks[next]; task; task = tasks[next]) {
      const index = next++;
      results[index] = await task();
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, tasks.length)) }, worker));
  return results;
}

async function runFlow(
  flow: Flow,
  initialVars: Record<string, unknown>,
  context: RunContext,
): Promise<CheckResult[]> {
  const vars = { ...initialVars };
  const results: CheckResult[] = [];
  let failedStep: string | undefined;
  for (const step of flow.steps) {
    if (failedStep !== undefined) {
      results.push(skipped(step, `skipped: step "${failedStep}" of flow "${flow.name}" failed`));
      continue;
    }
    const { result, captured } = await runCheck(step, vars, context);
    Object.assign(vars, captured);
    results.push(result);
    if (!result.passed) failedStep = step.name;
  }
  return results;
}

function skipped(check: Check, reason: string): CheckResult {
  return {
    name: check.name,
    flow: check.flow,
    kind: check.invoke ? 'invoke' : 'http',
    passed: false,
    skipped: true,
    attempts: 0,
    durationMs: 0,
    failure: { reason },
    captured: [],
  };
}

interface Outcome {
  answer?: Answer | undefined;
  failure?: CheckFailure | undefined;
  sent: number;
}

async function runCheck(
  check: Check,
  vars: Record<string, unknown>,
  context: RunContext,
): Promise<{ result: CheckResult; captured: Record<string, unknown> }> {
  if (context.stop.reason !== undefined) return { result: skipped(check, context.stop.reason), captured: {} };
  const started = performance.now();
  let attempts = 0;
  let outcome: Outcome = { sent: 0 };
  let captured: Record<string, unknown> = {};
  let latency: CheckResult['latency'];
  const tries = check.retry?.attempts ?? 1;
  for (let attempt = 1; attempt <= tries; attempt++) {
    if (check.samples) {
      const sampled = await runSamples(check, check.samples, vars, context);
      outcome = sampled.outcome;
      latency = sampled.latency;
    } else {
      outcome = await attemptOnce(check, vars, context);
    }
    attempts += outcome.sent;
    if (!outcome.failure && outcome.answer) {
      const capture = captureValues(check.capture, outcome.answer);
      if ('values' in capture) {
        captured = capture.values;
        for (const [name, spec] of Object.entries(check.capture)) {
          if (spec.secret) context.redactor.add(stringValue(captured[name]));
        }
        break;
      }
      outcome.failure = withSnippets({ ...capture.failure, actual: 'nothing' }, outcome.answer, context);
    }
    const retry = check.retry;
    if (context.stop.reason !== undefined || attempt === tries || !retry) break;
    const delayMs = backoffDelay(attempt - 1, {
      initialDelayMs: retry.delayMs,
      maxDelayMs: retry.maxDelayMs,
      factor: retry.backoff,
      jitter: 0,
    });
    context.logger.debug(
      `${check.name}: attempt ${attempt} failed (${outcome.failure?.reason}); retrying in ${formatMs(delayMs)}`,
    );
    if (!(await wait(delayMs, context.signal))) break;
  }

  const durationMs = Math.round(performance.now() - started);
  let failure = outcome.failure;
  let skip = false;
  if (context.stop.reason !== undefined && failure?.reason.startsWith('cancelled')) {
    failure = { ...failure, reason: context.stop.reason };
    skip = !context.stop.failsRunning;
  }
  const result: CheckResult = {
    name: check.name,
    flow: check.flow,
    kind: check.invoke ? 'invoke' : 'http',
    passed: failure === undefined,
    skipped: skip,
    attempts,
    durationMs,
    status: outcome.answer?.status,
    executedVersion: outcome.answer?.executedVersion,
    version: proofOf(check, vars, context, outcome.answer),
    responseMs: outcome.answer === undefined ? undefined : Math.round(outcome.answer.durationMs),
    latency,
    failure: failure && context.redactor.deep(failure),
    captured: Object.keys(captured),
  };
  report(result, context);
  if (!result.passed && !result.skipped) context.onFailure(check);
  return { result, captured };
}

function report(result: CheckResult, context: RunContext): void {
  const label = result.flow ? `${result.flow} › ${result.name}` : result.name;
  if (result.passed) {
    const facts = [
      result.status === undefined ? undefined : String(result.status),
      result.latency ? `p95 ${formatMs(result.latency.p95Ms)} over ${result.latency.samples}` : undefined,
      result.responseMs === undefined || result.latency ? undefined : formatMs(result.responseMs),
      versionFact(result),
      result.attempts > 1 ? `${result.attempts} attempts` : undefined,
    ].filter((fact) => fact !== undefined);
    context.logger.info(`✓ ${label} (${facts.join(', ')})`);
  } else if (result.skipped) {
    context.logger.info(`- ${label}: ${result.failure?.reason}`);
  } else {
    context.logger.warning(`✗ ${label}: ${result.failure ? describeFailure(result.failure) : 'failed'}`);
  }
}

function versionFact(result: CheckResult): string | undefined {
  const proof = result.version;
  if (proof === undefined || proof.outcome === 'proven' || proof.outcome === 'other version') {
    return result.executedVersion === undefined ? undefined : `version ${result.executedVersion}`;
  }
  return `version ${proof.outcome}: ${proof.detail}`;
}

/** A multi-line failure text: the reason, then the request, expected, actual and response. */
export function describeFailure(failure: CheckFailure): string {
  const lines = [failure.reason];
  if (failure.request) lines.push(`  request:  ${failure.request}`);
  if (failure.assertion) lines.push(`  assertion: ${failure.assertion}`);
  if (failure.expected) lines.push(`  expected: ${failure.expected}`);
  if (failure.actual) lines.push(`  actual:   ${failure.actual}`);
  if (failure.response) lines.push(`  response: ${failure.response}`);
  return lines.join('\n');
}

/** Sends the check once, or polls it while `until` does not hold, then judges the final answer. */
async function attemptOnce(
  check: Check,
  vars: Record<string, unknown>,
  context: RunContext,
): Promise<Outcome> {
  let expect;
  try {
    expect = renderExpectation(withVersion(check, vars, context), vars, context.template);
  } catch (error) {
    return { sent: 0, failure: { reason: (error as Error).message } };
  }
  if (!check.until) return sendAndJudge(check, vars, expect, context);

  const until = check.until;
  const untilExpect = renderExpectation(until.expect, vars, context.template);
  const failIf = until.failIf && {
    shown: until.failIf.shown,
    expect: renderExpectation(until.failIf.expect, vars, context.template),
  };
  const deadline = performance.now() + until.timeoutMs;
  let sent = 0;
  let last: { answer?: Answer | undefined; failure: CheckFailure } | undefined;
  for (let poll = 0; ; poll++) {
    const outcome = await sendAndJudge(check, vars, untilExpect, context);
    sent += outcome.sent;
    if (outcome.answer && failIf && !judge(failIf.expect, outcome.answer)) {
      const held = `fail-if held: ${failIf.shown}`;
      const failure = {
        reason: `stopped polling: ${held}`,
        assertion: 'until.fail-if',
        expected: 'fail-if not to hold',
        actual: held,
      };
      return { answer: outcome.answer, sent, failure: withSnippets(failure, outcome.answer, context) };
    }
    if (outcome.answer && !outcome.failure) {
      const final = outcome.answer;
      const failure = judge(expect, final);
      return { answer: final, sent, failure: failure && withSnippets(failure, final, context) };
    }
    // sendAndJudge gives a failure whenever it has no answer, so this one did not pass.
    if (!outcome.failure)
      throw new Error(`${check.name}: a poll ended with neither a passing answer nor a failure`);
    last = { answer: outcome.answer, failure: outcome.failure };
    if (context.stop.reason !== undefined) return { answer: last.answer, sent, failure: last.failure };
    const remaining = deadline - performance.now();
    if (remaining <= 0) break;
    const interval = backoffDelay(poll, {
      initialDelayMs: until.intervalMs,
      maxDelayMs: until.maxIntervalMs,
      factor: until.backoff,
      jitter: 0,
    });
    context.logger.debug(
      `${check.name}: waiting (${last.failure.reason}); next poll in ${formatMs(interval)}`,
    );
    if (!(await wait(Math.min(remaining, interval), context.signal))) break;
  }
  return {
    answer: last.answer,
    sent,
    failure: {
      ...last.failure,
      reason: `still not true after ${formatMs(until.timeoutMs)} (${sent} polls): ${last.failure.reason}`,
    },
  };
}

function withVersion(check: Check, vars: Record<string, unknown>, context: RunContext) {
  const expected = expectedOf(check, vars, context);
  if (expected === undefined || 'notChecked' in expected) return check.expect;
  return { ...check.expect, version: expected.version, versionOptional: expected.optional };
}

function expectedOf(check: Check, vars: Record<string, unknown>, context: RunContext): ExpectedVersion {
  const invoked = check.invoke && renderTemplate(check.invoke.function, vars, context.template);
  return expectedVersion(check, invoked, context);
}

/** What the final answer proved about its version (the expected version rendered as the judge saw it). */
function proofOf(
  check: Check,
  vars: Record<string, unknown>,
  context: RunContext,
  answer: Answer | undefined,
) {
  try {
    const expected = expectedOf(check, vars, context);
    const version =
      expected && 'version' in expected
        ? renderTemplate(expected.version, vars, context.template)
        : undefined;
    return versionProof(expected, version, answer);
  } catch {
    // A template that cannot be rendered already failed the check with its own reason.
    return undefined;
  }
}

async function sendAndJudge(
  check: Check,
  vars: Record<string, unknown>,
  expect: ReturnType<typeof renderExpectation>,
  context: RunContext,
): Promise<Outcome> {
  let answer: Answer;
  try {
    answer = await sendOnce(check, vars, context);
  } catch (error) {
    const message = (error as Error).message;
    if (context.signal.aborted) return { sent: 1, failure: { reason: `cancelled: ${message}` } };
    return { sent: 1, failure: { reason: context.redactor.redact(message) } };
  }
  const failure = judge(expect, answer);
  return { answer, sent: 1, failure: failure && withSnippets(failure, answer, context) };
}

function withSnippets(failure: AssertionFailure, answer: Answer, context: RunContext): CheckFailure {
  const headers = Object.entries(answer.headers)
    .filter(([name]) => name === 'content-type' || name === 'location' || name.startsWith('x-'))
    .map(([name, value]) => `${name}: ${context.redactor.header(name, value)}`);
  const response = [
    `${answer.kind === 'invoke' ? 'StatusCode' : 'status'} ${answer.status}`,
    headers.length > 0 ? `{${headers.join(', ')}}` : undefined,
    answer.body ? snippet(answer.body) : undefined,
  ].filter((part) => part !== undefined);
  return { ...failure, request: answer.request, response: context.redactor.redact(response.join(' ')) };
}

async function runSamples(
  check: Check,
  sampling: SamplingSpec,
  vars: Record<string, unknown>,
  context: RunContext,
): Promise<{ outcome: Outcome; latency: CheckResult['latency'] }> {
  let expect;
  try {
    expect = renderExpectation(withVersion(check, vars, context), vars, context.template);
  } catch (error) {
    return { outcome: { sent: 0, failure: { reason: (error as Error).message } }, latency: undefined };
  }
  const outcomes = await pool(
    Array.from(
      { length: sampling.count },
      () => () =>
        context.stop.reason === undefined
          ? sendAndJudge(check, vars, expect, context)
          : Promise.resolve({ sent: 0 } as Outcome),
    ),
    sampling.concurrency,
  );
  const sent = outcomes.reduce((sum, outcome) => sum + outcome.sent, 0);
  const errors = outcomes.filter((outcome) => outcome.sent > 0 && outcome.failure);
  const latency = latencyStats(
    outcomes.flatMap((outcome) => (outcome.answer ? [outcome.answer.durationMs] : [])),
    sent,
    errors.length,
  );
  const good = outcomes.find((outcome) => outcome.answer && !outcome.failure);
  const firstError = errors[0]?.failure;
  const cancelled = outcomes.find((outcome) => outcome.failure?.reason.startsWith('cancelled'));
  if (cancelled) return { outcome: cancelled, latency };
  const breaches: string[] = [];
  if (latency.errorRate > sampling.maxErrorRate) {
    breaches.push(
      `error rate ${formatPercent(latency.errorRate, { decimals: 1 })} (${errors.length} of ${sent}) is over max-error-rate ${formatPercent(sampling.maxErrorRate, { decimals: 1 })}`,
    );
  }
  const limits: Array<[string, number | undefined, number]> = [
    ['p50', sampling.maxP50Ms, latency.p50Ms],
    ['p95', sampling.maxP95Ms, latency.p95Ms],
    ['p99', sampling.maxP99Ms, latency.p99Ms],
  ];
  for (const [name, limit, actual] of limits) {
    if (limit !== undefined && actual > limit) {
      breaches.push(`${name} latency ${formatMs(actual)} is over max-${name}-latency ${formatMs(limit)}`);
    }
  }
  const answer = good?.answer ?? errors[0]?.answer;
  if (breaches.length === 0) return { outcome: { answer, sent }, latency };
  return {
    latency,
    outcome: {
      answer,
      sent,
      failure: {
        ...firstError,
        reason: `${breaches.join('; ')}${firstError ? `; first error: ${firstError.reason}` : ''}`,
        assertion:
          breaches.length === 1 && !breaches[0]?.startsWith('error')
            ? 'latency'
            : (firstError?.assertion ?? 'latency'),
      },
    },
  };
}

function stringValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}

/** Sleeps unless the suite stops first; false when it stopped. */
async function wait(ms: number, signal: AbortSignal): Promise<boolean> {
  try {
    await sleep(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
