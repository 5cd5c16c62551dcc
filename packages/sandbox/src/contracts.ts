/**
 * The seams between the sandbox's parts. The server (server.ts) owns HTTP, the request log, faults and
 * the clock; each AWS service is a ServiceHandler; CodeDeploy and CloudWatch reach Lambda's state only
 * through LambdaBackend, so each service can be built and tested on its own.
 */

/** A request as the server received it (body fully read). */
export interface SandboxRequest {
  method: string;
  /** Path without the query string, percent-decoded segments left as received. */
  path: string;
  query: URLSearchParams;
  /** Lower-cased header names. */
  headers: Record<string, string>;
  body: Buffer;
}

export interface SandboxResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** One AWS-compatible API (or notification sink) mounted on the sandbox's single HTTP port. */
export interface ServiceHandler {
  /** Service name used in the request log and fault rules: 'lambda' | 'codedeploy' | 'cloudwatch' | 'sns' | ... */
  readonly service: string;
  /** True when this handler owns the request (by path, X-Amz-Target, Content-Type, ...). */
  matches(req: SandboxRequest): boolean;
  /** The API operation name for the request log and fault rules, e.g. 'UpdateAlias'. */
  operation(req: SandboxRequest): string;
  /** Whether the operation changes state (used to prove dry-runs and bad inputs mutate nothing). */
  isMutating(operation: string): boolean;
  handle(req: SandboxRequest): Promise<SandboxResponse>;
  /**
   * Renders an injected fault as this service's wire protocol renders errors. Optional: without it the
   * server answers JSON with both `x-amzn-errortype` and `__type`, which REST-JSON and JSON-1.1 clients read.
   */
  errorResponse?(code: string, message: string, status: number): SandboxResponse;
}

/** Scaled time: with scale 60, one simulated minute passes in one real second. */
export interface Clock {
  /** Simulated milliseconds per real millisecond; 0 for a manual clock, which only a test's advance() moves. */
  readonly scale: number;
  /** Simulated epoch milliseconds. */
  now(): number;
  /** Resolves after `simulatedMs` of simulated time. */
  sleep(simulatedMs: number): Promise<void>;
}

export interface AliasRouting {
  functionName: string;
  alias: string;
  aliasArn: string;
  /** Primary version the alias points at. */
  functionVersion: string;
  /** At most one additional version with a weight in [0, 1] (AWS allows only one). */
  additionalVersionWeights: Record<string, number>;
  revisionId: string;
}

export interface InvocationRecord {
  functionName: string;
  /** The version that ran (CloudWatch's ExecutedVersion dimension). */
  executedVersion: string;
  /** The alias the request came through, if any (CloudWatch's Resource=<fn>:<alias> dimension). */
  alias?: string | undefined;
  /**
   * The published version the request named as its qualifier (a direct invoke of version N): CloudWatch counts
   * it under Resource=<fn>:N, and not under ExecutedVersion, which exists only for invocations through an alias.
   */
  invokedVersion?: string | undefined;
  /** Simulated epoch milliseconds when the invocation started. */
  at: number;
  durationMs: number;
  /** True for a function error (handler threw, timed out, or a function URL answered 5xx). */
  error: boolean;
  throttled: boolean;
  /** HTTP status for function-URL invocations. */
  statusCode?: number | undefined;
}

export interface InvokeOutcome {
  executedVersion: string;
  /** Serialized handler result, or the error object for a function error. */
  payload: string;
  functionError?: 'Unhandled' | 'Handled' | undefined;
  durationMs: number;
}

/** What CodeDeploy and CloudWatch need from the Lambda service. */
export interface LambdaBackend {
  /** Undefined when the function or alias does not exist. */
  getAlias(functionName: string, alias: string): AliasRouting | undefined;
  /** Moves an alias as CodeDeploy does (no RevisionId guard); returns the new routing. */
  setAliasRouting(
    functionName: string,
    alias: string,
    functionVersion: string,
    additionalVersionWeights: Record<string, number>,
  ): AliasRouting;
  /** True when the function exists and `version` is a published version of it. */
  hasVersion(functionName: string, version: string): boolean;
  /** Runs the function (used for CodeDeploy lifecycle hooks). */
  invoke(functionName: string, qualifier: string | undefined, payload: string): Promise<InvokeOutcome>;
  /** Every recorded invocation, oldest first; with a name, only that function's (the fast path for metric queries). */
  invocations(functionName?: string): readonly InvocationRecord[];
  /** Account and region used in ARNs. */
  readonly accountId: string;
  readonly region: string;
}

/** A CloudWatch metric alarm on AWS/Lambda metrics, as configured in the sandbox (or via PutMetricAlarm). */
export interface AlarmDefinition {
  name: string;
  metricName: 'Invocations' | 'Errors' | 'Throttles' | 'Duration';
  /** Dimensions as in CloudWatch: FunctionName, optionally Resource (`fn:alias`) and ExecutedVersion. */
  dimensions: Record<string, string>;
  /** 'Sum' | 'Average' | 'Maximum' | 'Minimum' | 'SampleCount' or a percentile like 'p95'. */
  statistic: string;
  comparisonOperator:
    | 'GreaterThanThreshold'
    | 'GreaterThanOrEqualToThreshold'
    | 'LessThanThreshold'
    | 'LessThanOrEqualToThreshold';
  threshold: number;
  periodSeconds: number;
  evaluationPeriods: number;
}

export interface SandboxOptions {
  /** Simulated-time speed-up: 60 means one simulated minute per real second. Default 1. */
  timeScale?: number | undefined;
  /** Simulated time LastUpdateStatus stays InProgress after a code or configuration update. Default 1000 ms. */
  updateDelayMs?: number | undefined;
  /**
   * Simulated time after a minute ends before CloudWatch returns that minute's Lambda metrics (real AWS: about
   * 1–3 minutes). Default 90 s; 0 returns every invocation at once, the current minute included.
   */
  metricDelayMs?: number | undefined;
  accountId?: string;
  region?: string | undefined;
  /** Port for the HTTP server (0 = ephemeral, the default). */
  port?: number;
  alarms?: AlarmDefinition[];
  /** Fault rules active from the start (more can be added with `sandbox.faults.add`). */
  faults?: FaultRule[];
  /** Container images the sandbox can run: image URI -> directory holding the handler code. */
  images?: Record<string, string>;
}

export type FaultKind = 'throttle' | 'error' | 'delay' | 'drop' | 'conflict' | 'stale-revision';

/** An injected failure, applied before the service's handler runs. */
export interface FaultRule {
  /** Service name as in the request log; omitted = any service. */
  service?: string;
  /**
   * Operation name as in the request log, a list of them, '*' for every operation, or 'control-plane' for
   * every operation except invocations (Lambda's Invoke and function URL requests).
   */
  operation: string | string[];
  kind: FaultKind;
  /** Apply to the next N matching requests only (default: unlimited). */
  times?: number;
  /** Probability in [0, 1] that a matching request is hit (default 1). */
  rate?: number;
  /** For 'delay': simulated milliseconds to wait before handling. */
  delayMs?: number;
}

/** One AWS request the sandbox answered (control endpoints are not logged). */
export interface RequestLogEntry {
  /** Simulated epoch milliseconds when the request arrived. */
  at: number;
  service: string;
  operation: string;
  mutating: boolean;
  /** HTTP status sent, 0 when the connection was dropped by a fault. */
  status: number;
  errorCode?: string | undefined;
  /** Set when the response came from an injected fault. */
  fault?: FaultKind | undefined;
}

/** What a service factory is given. */
export interface ServiceContext {
  clock: Clock;
  lambda: LambdaBackend;
  options: {
    [K in 'timeScale' | 'updateDelayMs' | 'metricDelayMs' | 'accountId' | 'region']-?: NonNullable<
      SandboxOptions[K]
    >;
  } & SandboxOptions;
  /** The sandbox's base URL (http://127.0.0.1:<port>); known once the server listens, so call it lazily. */
  endpoint?: () => string;
}

export interface MountedService extends ServiceHandler {
  /** Extra state shown by the inspection endpoint (GET /_sandbox/state). */
  inspect?(): unknown;
  close?(): Promise<void>;
  /** Async setup (e.g. opening an SMTP port), awaited after the HTTP server listens and before `env()` is read. */
  start?(): Promise<void>;
  /** Environment variables this service adds to `sandbox.env` (e.g. a sink's URL); read after listening. */
  env?(): Record<string, string>;
}

export type ServiceFactory = (ctx: ServiceContext) => MountedService;
