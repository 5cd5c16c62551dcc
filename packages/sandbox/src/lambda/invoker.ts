import { randomUUID } from 'node:crypto';
import type { Clock, InvocationRecord } from '../contracts.js';
import type { CodeStore } from './code-source.js';
import { LambdaApiError, conflict } from './errors.js';
import type { FunctionStore } from './functions.js';
import { snapshotFingerprint, type AliasState, type FunctionState, type VersionState } from './model.js';
import type { CodeRunner } from './runner.js';
import { ERROR_RATE_VARIABLE, configuredErrorRate } from './runtime-faults.js';

export interface Invocation {
  executedVersion: string;
  alias?: string | undefined;
  ok: boolean;
  payload: string;
  logs: string;
  durationMs: number;
}

/**
 * Picks the version an alias sends a request to: the additional version with its weight's probability,
 * else the primary one (a random draw per request, as Lambda does).
 */
export function drawVersion(alias: AliasState, random: () => number = Math.random): string {
  const [extra] = Object.entries(alias.additionalVersionWeights);
  if (extra && random() < extra[1]) return extra[0];
  return alias.functionVersion;
}

/**
 * The published version a request named (Qualifier N), which CloudWatch counts under Resource=<fn>:N; undefined
 * for an alias, an unqualified request and $LATEST.
 */
function invokedVersion(qualifier: string | undefined, alias: AliasState | undefined): string | undefined {
  return alias === undefined && qualifier !== undefined && /^\d+$/.test(qualifier) ? qualifier : undefined;
}

/** Runs functions (zip code in warm child processes, images via `images`) and records every invocation. */
export class Invoker {
  private records: InvocationRecord[] = [];
  /** The same records by function, so a metric query reads one function's invocations, not every one. */
  private readonly byFunction = new Map<string, InvocationRecord[]>();
  private readonly store: FunctionStore;
  private readonly code: CodeStore;
  private readonly runner: CodeRunner;
  private readonly clock: Clock;
  private readonly images: Record<string, string>;
  private readonly endpoint: () => string;

  constructor(opts: {
    store: FunctionStore;
    code: CodeStore;
    runner: CodeRunner;
    clock: Clock;
    images: Record<string, string>;
    endpoint: () => string;
  }) {
    this.store = opts.store;
    this.code = opts.code;
    this.runner = opts.runner;
    this.clock = opts.clock;
    this.images = opts.images;
    this.endpoint = opts.endpoint;
  }

  invocations(functionName?: string): readonly InvocationRecord[] {
    if (functionName === undefined) return this.records;
    return this.byFunction.get(functionName) ?? [];
  }

  record(r: InvocationRecord): void {
    this.records.push(r);
    const own = this.byFunction.get(r.functionName) ?? [];
    own.push(r);
    this.byFunction.set(r.functionName, own);
  }

  /** Records a throttled invocation (an injected throttle fault on Invoke or a function URL); unknown targets are ignored. */
  recordThrottle(name: string, qualifier: string | undefined): void {
    const fn = this.store.find(name);
    if (!fn) return;
    try {
      const { version, alias } = this.store.resolve(name, qualifier);
      const executed = alias ? drawVersion(alias) : version.version;
      this.record({
        functionName: fn.name,
        executedVersion: executed,
        alias: alias?.name,
        invokedVersion: invokedVersion(qualifier, alias),
        at: this.clock.now(),
        durationMs: 0,
        error: false,
        throttled: true,
      });
    } catch {
      // An unknown qualifier would have been a ResourceNotFoundException, not an invocation.
    }
  }

  /**
   * Resolves the qualifier (drawing a version for a weighted alias), then runs the code. Throws the Lambda
   * API errors Invoke answers with (not found, Pending, throttled by reserved concurrency 0).
   */
  async invoke(
    name: string,
    qualifier: string | undefined,
    event: unknown,
    httpStatusOf?: (inv: Invocation) => number,
  ): Promise<Invocation> {
    const { fn, version, alias } = this.store.resolve(name, qualifier);
    const executed = alias ? this.store.resolve(name, drawVersion(alias)).version : version;
    const at = this.clock.now();
    if (this.store.state(fn) === 'Pending') {
      throw conflict(
        'The operation cannot be performed at this time. The function is currently in the following state: Pending',
      );
    }
    if (fn.reservedConcurrency === 0) {
      this.record({
        functionName: fn.name,
        executedVersion: executed.version,
        alias: alias?.name,
        invokedVersion: invokedVersion(qualifier, alias),
        at,
        durationMs: 0,
        error: false,
        throttled: true,
      });
      throw new LambdaApiError('TooManyRequestsException', 429, 'Rate Exceeded.');
    }
    const result = await this.run(fn, executed, alias, event);
    const invocation: Invocation = { executedVersion: executed.version, alias: alias?.name, ...result };
    const statusCode = httpStatusOf?.(invocation);
    this.record({
      functionName: fn.name,
      executedVersion: executed.version,
      alias: alias?.name,
      invokedVersion: invokedVersion(qualifier, alias),
      at,
      durationMs: result.durationMs,
      // For function URLs a 5xx answer counts as an error, like Lambda's Url5xxCount feeding alarms.
      error: !result.ok || (statusCode !== undefined && statusCode >= 500),
      throttled: false,
      statusCode,
    });
    return invocation;
  }

  private async run(
    fn: FunctionState,
    v: VersionState,
    alias: AliasState | undefined,
    event: unknown,
  ): Promise<Omit<Invocation, 'executedVersion' | 'alias'>> {
    const s = v.snapshot;
    const requestId = randomUUID();
    const context = {
      functionName: fn.name,
      functionVersion: v.version,
      invokedFunctionArn: this.store.functionArn(
        fn.name,
        alias?.name ?? (v.version === '$LATEST' ? undefined : v.version),
      ),
      memoryLimitInMB: String(s.memorySize),
      awsRequestId: requestId,
      logGroupName: `/aws/lambda/${fn.name}`,
      logStreamName: `${new Date(this.clock.now()).toISOString().slice(0, 10).replace(/-/g, '/')}/[${v.version}]${requestId.replace(/-/g, '')}`,
    };
    const rate = configuredErrorRate(s.environment);
    if (rate > 0 && Math.random() < rate) {
      const errorMessage = `${ERROR_RATE_VARIABLE}=${s.environment[ERROR_RATE_VARIABLE]}: the sandbox failed this invocation of version ${v.version} before its handler ran`;
      return {
        ok: false,
        payload: JSON.stringify({ errorType: 'Sandbox.ConfiguredError', errorMessage, trace: [] }),
        logs: `START RequestId: ${requestId} Version: ${v.version}\n${errorMessage}\nEND RequestId: ${requestId}\n`,
        durationMs: 1,
      };
    }
    const codeDir =
      s.packageType === 'Zip' ? this.code.directory(s.codeSha256) : s.imageUri && this.images[s.imageUri];
    if (!codeDir) {
      // An image the sandbox has no code for answers who it is, so routing is still observable.
      const payload = JSON.stringify({ version: v.version, imageUri: s.imageUri });
      return {
        ok: true,
        payload,
        logs: `START RequestId: ${requestId} Version: ${v.version}\nEND RequestId: ${requestId}\n`,
        durationMs: 1,
      };
    }
    const handler =
      s.packageType === 'Zip'
        ? (s.handler ?? 'index.handler')
        : (s.imageConfig?.Command?.[0] ?? 'index.handler');
    const result = await this.runner.run(
      {
        key: `${fn.name}:${v.version}:${snapshotFingerprint(s)}`,
        slot: `${fn.name}:${v.version}`,
        codeDir,
        handler,
        timeoutMs: s.timeoutSeconds * 1000,
        memoryMb: s.memorySize,
        env: {
          ...s.environment,
          AWS_LAMBDA_FUNCTION_NAME: fn.name,
          AWS_LAMBDA_FUNCTION_VERSION: v.version,
          AWS_LAMBDA_FUNCTION_MEMORY_SIZE: String(s.memorySize),
          AWS_LAMBDA_LOG_GROUP_NAME: context.logGroupName,
          AWS_LAMBDA_LOG_STREAM_NAME: context.logStreamName,
          AWS_REGION: this.store.region,
          AWS_DEFAULT_REGION: this.store.region,
          AWS_EXECUTION_ENV: `AWS_Lambda_${s.runtime ?? 'image'}`,
          LAMBDA_TASK_ROOT: codeDir,
          AWS_ENDPOINT_URL: this.endpoint(),
          TZ: ':UTC',
        },
      },
      event,
      context,
    );
    return result;
  }
}
