import type { AddressInfo } from 'node:net';
import type {
  Clock,
  FaultRule,
  LambdaBackend,
  MountedService,
  RequestLogEntry,
  SandboxOptions,
  SandboxRequest,
  ServiceContext,
  ServiceFactory,
} from './contracts.js';
import { createClock } from './clock.js';
import { createControl } from './control.js';
import { FaultSet } from './faults.js';
import { createLambdaBackend } from './lambda/backend.js';
import { CodeStore } from './lambda/code-source.js';
import { FunctionStore } from './lambda/functions.js';
import { FunctionUrlService, functionUrlPath } from './lambda/function-urls.js';
import { inspectLambda } from './lambda/inspect.js';
import { Invoker } from './lambda/invoker.js';
import { CodeRunner } from './lambda/runner.js';
import { LambdaService } from './lambda/service.js';
import { simulateLoad, type SimulatedLoad, type SimulatedLoadOptions } from './lambda/simulated-load.js';
import { UrlConfigs } from './lambda/url-configs.js';
import { ObjectStore } from './object-store.js';
import { RequestLog } from './request-log.js';
import { createSandboxServer } from './server.js';
import { extraServices } from './services.js';

/** The AWS endpoint, region and dummy credentials every sandbox sets; mounted services add their own variables. */
export type SandboxEnv = Record<
  'AWS_ENDPOINT_URL' | 'AWS_REGION' | 'AWS_DEFAULT_REGION' | 'AWS_ACCESS_KEY_ID' | 'AWS_SECRET_ACCESS_KEY',
  string
> &
  Record<string, string>;

export interface Sandbox {
  /** http://127.0.0.1:<port> */
  endpoint: string;
  /** AWS_ENDPOINT_URL, AWS_REGION, AWS_DEFAULT_REGION, dummy credentials, plus what mounted services add. */
  env: SandboxEnv;
  /** A variable a mounted service sets (e.g. SANDBOX_SLACK_API_URL); throws when no mounted service sets it. */
  variable(name: string): string;
  clock: Clock;
  lambda: LambdaBackend;
  requestLog(): RequestLogEntry[];
  mutatingRequests(): RequestLogEntry[];
  clearRequestLog(): void;
  faults: { add(rule: FaultRule): void; clear(): void };
  /** URL of a function URL on the sandbox port; qualifier defaults to the unqualified function. */
  functionUrl(functionName: string, qualifier?: string): string;
  /** Stores an object for S3-sourced code; returns its version id (for S3ObjectVersion). */
  putS3Object(bucket: string, key: string, body: Uint8Array): string;
  /** Records production-sized traffic through an alias without running handlers (see simulated-load.ts). */
  simulateLoad(options: SimulatedLoadOptions): SimulatedLoad;
  stop(): Promise<void>;
}

export interface StartOptions extends SandboxOptions {
  /** Services to mount next to Lambda; default: every factory in services.ts. */
  services?: ServiceFactory[];
  /** The sandbox's time, e.g. createManualClock() for tests that move it themselves; default: createClock(timeScale). */
  clock?: Clock;
}

/** Starts the local AWS on 127.0.0.1 and resolves once it is listening. */
export async function startSandbox(options: StartOptions = {}): Promise<Sandbox> {
  if (options.clock && options.timeScale !== undefined)
    throw new Error('give the sandbox a clock or a timeScale, not both: the clock sets its own scale');
  const clock = options.clock ?? createClock(options.timeScale ?? 1);
  const settings = {
    ...options,
    timeScale: clock.scale,
    updateDelayMs: options.updateDelayMs ?? 1000,
    metricDelayMs: options.metricDelayMs ?? 90_000,
    accountId: options.accountId ?? '123456789012',
    region: options.region ?? 'us-east-1',
  };
  let endpoint = '';
  const getEndpoint = () => endpoint;
  const objects = new ObjectStore();
  const code = new CodeStore(objects);
  const store = new FunctionStore({
    clock,
    code,
    updateDelayMs: settings.updateDelayMs,
    accountId: settings.accountId,
    region: settings.region,
  });
  const runner = new CodeRunner();
  const invoker = new Invoker({
    store,
    code,
    runner,
    clock,
    images: settings.images ?? {},
    endpoint: getEndpoint,
  });
  const lambda = createLambdaBackend(store, invoker);
  const faults = new FaultSet();
  (settings.faults ?? []).forEach((r) => faults.add(r));
  const log = new RequestLog();

  const ctx: ServiceContext = { clock, lambda, options: settings, endpoint: getEndpoint };
  const mounted: MountedService[] = (options.services ?? extraServices).map((factory) => factory(ctx));
  const functionUrl = (fn: string, qualifier?: string) => `${endpoint}${functionUrlPath(fn, qualifier)}`;
  const urls = new UrlConfigs({ store, urlOf: functionUrl, now: () => clock.now() });
  const lambdaService = new LambdaService({ store, invoker, endpoint: getEndpoint, urls });
  const urlService = new FunctionUrlService({ invoker, clock, accountId: settings.accountId });
  const handlers = [lambdaService, urlService, ...mounted];
  // A throttle injected on Invoke or a function URL is still a throttled invocation for CloudWatch's Throttles metric.
  const onFault = (service: unknown, _operation: string, req: SandboxRequest, fault: FaultRule) => {
    if (fault.kind !== 'throttle') return;
    const target =
      service === lambdaService
        ? lambdaService.invokeTarget(req)
        : service === urlService
          ? urlService.invokeTarget(req)
          : undefined;
    if (target) invoker.recordThrottle(target.name, target.qualifier);
  };
  const state = () => ({
    now: new Date(clock.now()).toISOString(),
    timeScale: clock.scale,
    lambda: inspectLambda(store, invoker.invocations()),
    faults: faults.list(),
    requests: log.all().length,
    services: Object.fromEntries(mounted.map((m) => [m.service, m.inspect?.()])),
  });
  const server = createSandboxServer({
    clock,
    faults,
    log,
    services: () => handlers,
    control: createControl({ faults, log, state, code: (sha) => code.zip(sha) }),
    onFault,
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(settings.port ?? 0, '127.0.0.1', () => resolve());
  });
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

  const stop = async () => {
    await Promise.all(mounted.map((m) => m.close?.()));
    await runner.close();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    code.removeAll();
  };
  try {
    for (const m of mounted) await m.start?.();
  } catch (e) {
    await stop();
    throw new Error(`starting the sandbox failed: ${e instanceof Error ? e.message : String(e)}`, {
      cause: e,
    });
  }

  const env: SandboxEnv = {
    AWS_ENDPOINT_URL: endpoint,
    AWS_REGION: settings.region,
    AWS_DEFAULT_REGION: settings.region,
    AWS_ACCESS_KEY_ID: 'AKIASANDBOXEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'sandbox-secret-not-real',
  };
  for (const m of mounted) Object.assign(env, m.env?.() ?? {});

  return {
    endpoint,
    env,
    variable: (name) => {
      const value = env[name];
      if (value === undefined)
        throw new Error(`the sandbox sets no ${name}: the service that sets it is not mounted`);
      return value;
    },
    clock,
    lambda,
    requestLog: () => log.all(),
    mutatingRequests: () => log.mutating(),
    clearRequestLog: () => log.clear(),
    faults: { add: (rule) => faults.add(rule), clear: () => faults.clear() },
    functionUrl,
    putS3Object: (bucket, key, body) => objects.put(bucket, key, body),
    simulateLoad: (load) => simulateLoad(store, invoker, clock, load),
    stop,
  };
}
