import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CHILD_SCRIPT = fileURLToPath(new URL('./runtime/child.mjs', import.meta.url));
/** Concurrent environments per version; more requests wait, which keeps a 2-core machine usable. */
const MAX_WORKERS_PER_KEY = 4;
/** Real ms an idle environment stays warm before it is shut down. */
const IDLE_MS = 30_000;

/** Everything that defines an execution environment: a change means a fresh one (like a new container). */
export interface EnvironmentSpec {
  /** Unique per function version and its code/config; environments are reused only for the same key. */
  key: string;
  /** Environments of the same slot (function + version) with another key are retired. */
  slot: string;
  codeDir: string;
  handler: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** The function's MemorySize, the environment's JavaScript heap limit. */
  memoryMb: number;
}

export interface RunContext {
  functionName: string;
  functionVersion: string;
  invokedFunctionArn: string;
  memoryLimitInMB: string;
  awsRequestId: string;
  logGroupName: string;
  logStreamName: string;
}

export interface RunResult {
  ok: boolean;
  /** JSON: the handler's result, or Lambda's error object {errorType, errorMessage, trace}. */
  payload: string;
  logs: string;
  durationMs: number;
}

interface Worker {
  child: ChildProcess;
  key: string;
  idleTimer?: NodeJS.Timeout;
}

/** Warm Node.js processes per function version, one invocation at a time each, like Lambda environments. */
export class CodeRunner {
  private idle = new Map<string, Worker[]>();
  private busy = new Map<string, number>();
  private waiting = new Map<string, (() => void)[]>();
  private slots = new Map<string, string>();
  private all = new Set<Worker>();
  private nextId = 0;
  private closed = false;

  async run(spec: EnvironmentSpec, event: unknown, context: RunContext): Promise<RunResult> {
    if (this.closed) throw new Error('the sandbox is stopping');
    this.retireStale(spec);
    const worker = await this.acquire(spec);
    const started = Date.now();
    const deadline = started + spec.timeoutMs;
    const id = ++this.nextId;
    let logs = `START RequestId: ${context.awsRequestId} Version: ${context.functionVersion}\n`;
    const outcome = await new Promise<{ ok: boolean; payload: string; reusable: boolean }>((resolve) => {
      const finish = (r: { ok: boolean; payload: string; reusable: boolean }) => {
        clearTimeout(timer);
        worker.child.off('message', onMessage);
        worker.child.off('exit', onExit);
        worker.child.off('error', onError);
        resolve(r);
      };
      const onMessage = (msg: {
        type: string;
        id?: number;
        ok?: boolean;
        payload?: string;
        error?: unknown;
        line?: string;
      }) => {
        if (msg.type === 'log') logs += msg.line;
        else if (msg.type === 'result' && msg.id === id) {
          finish({
            ok: Boolean(msg.ok),
            payload: msg.ok ? String(msg.payload) : JSON.stringify(msg.error),
            reusable: true,
          });
        } else if (msg.type === 'crash') {
          finish({ ok: false, payload: JSON.stringify(msg.error), reusable: false });
        }
      };
      const onExit = (code: number | null, signal: string | null) =>
        finish({
          ok: false,
          payload: JSON.stringify({
            errorType: 'Runtime.ExitError',
            errorMessage: `RequestId: ${context.awsRequestId} Error: Runtime exited with error: ${signal ? `signal: ${signal}` : `exit status ${code}`}`,
          }),
          reusable: false,
        });
      const onError = (e: Error) =>
        finish({
          ok: false,
          payload: JSON.stringify({
            errorType: 'Runtime.StartError',
            errorMessage: `RequestId: ${context.awsRequestId} Error: ${e.message}`,
          }),
          reusable: false,
        });
      // The function's Timeout is enforced in real time: the handler's code runs in real time too.
      const timer = setTimeout(
        () =>
          finish({
            ok: false,
            payload: JSON.stringify({
              errorType: 'Sandbox.Timedout',
              errorMessage: `RequestId: ${context.awsRequestId} Error: Task timed out after ${(spec.timeoutMs / 1000).toFixed(2)} seconds`,
            }),
            reusable: false,
          }),
        spec.timeoutMs,
      );
      worker.child.on('message', onMessage);
      worker.child.on('exit', onExit);
      worker.child.on('error', onError);
      worker.child.send({
        type: 'invoke',
        id,
        codeDir: spec.codeDir,
        handler: spec.handler,
        event,
        context,
        deadline,
      });
    });
    const durationMs = Date.now() - started;
    logs += `END RequestId: ${context.awsRequestId}\nREPORT RequestId: ${context.awsRequestId}\tDuration: ${durationMs.toFixed(2)} ms\n`;
    this.release(worker, outcome.reusable);
    return { ok: outcome.ok, payload: outcome.payload, logs, durationMs };
  }

  /** Kills every environment; pending runs end with Runtime.ExitError. */
  async close(): Promise<void> {
    this.closed = true;
    const exits = [...this.all].map((w) => this.kill(w));
    for (const resolvers of this.waiting.values()) resolvers.forEach((r) => r());
    await Promise.all(exits);
  }

  private retireStale(spec: EnvironmentSpec): void {
    const previous = this.slots.get(spec.slot);
    this.slots.set(spec.slot, spec.key);
    if (previous === undefined || previous === spec.key) return;
    for (const w of this.idle.get(previous) ?? []) void this.kill(w);
    this.idle.delete(previous);
  }

  private async acquire(spec: EnvironmentSpec): Promise<Worker> {
    for (;;) {
      if (this.closed) throw new Error('the sandbox is stopping');
      const idle = this.idle.get(spec.key)?.pop();
      if (idle) {
        clearTimeout(idle.idleTimer);
        this.busy.set(spec.key, (this.busy.get(spec.key) ?? 0) + 1);
        return idle;
      }
      if ((this.busy.get(spec.key) ?? 0) < MAX_WORKERS_PER_KEY) {
        this.busy.set(spec.key, (this.busy.get(spec.key) ?? 0) + 1);
        return this.spawn(spec);
      }
      await new Promise<void>((resolve) =>
        this.waiting.set(spec.key, [...(this.waiting.get(spec.key) ?? []), resolve]),
      );
    }
  }

  private spawn(spec: EnvironmentSpec): Worker {
    // A clean environment: only the function's variables and what Lambda itself sets, plus PATH.
    const child = fork(CHILD_SCRIPT, [], {
      cwd: spec.codeDir,
      env: { PATH: process.env.PATH ?? '', ...spec.env },
      // Lambda stops a function that outgrows its memory; a heap capped at MemorySize makes the process abort.
      execArgv: [`--max-old-space-size=${spec.memoryMb}`],
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced',
    });
    const worker: Worker = { child, key: spec.key };
    this.all.add(worker);
    child.on('exit', () => this.all.delete(worker));
    child.on('error', () => this.all.delete(worker));
    return worker;
  }

  private release(worker: Worker, reusable: boolean): void {
    this.busy.set(worker.key, Math.max(0, (this.busy.get(worker.key) ?? 1) - 1));
    const current = [...this.slots.values()].includes(worker.key);
    if (reusable && current && !this.closed && worker.child.connected) {
      worker.idleTimer = setTimeout(() => {
        this.idle.set(
          worker.key,
          (this.idle.get(worker.key) ?? []).filter((w) => w !== worker),
        );
        void this.kill(worker);
      }, IDLE_MS);
      worker.idleTimer.unref();
      this.idle.set(worker.key, [...(this.idle.get(worker.key) ?? []), worker]);
    } else {
      void this.kill(worker);
    }
    const next = this.waiting.get(worker.key)?.shift();
    next?.();
  }

  private kill(worker: Worker): Promise<void> {
    clearTimeout(worker.idleTimer);
    if (worker.child.exitCode !== null || worker.child.signalCode !== null) return Promise.resolve();
    return new Promise((resolve) => {
      worker.child.once('exit', () => resolve());
      worker.child.kill('SIGKILL');
    });
  }
}
