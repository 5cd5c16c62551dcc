/**
 * Replays a GitHub Actions workflow locally the way the runner would for the parts our pipeline uses: jobs in
 * `needs` order with their `if:` conditions, steps with `if:` and `continue-on-error`, `run:` scripts in bash,
 * local JavaScript actions run from their bundles with INPUT_* variables and GITHUB_OUTPUT/GITHUB_STEP_SUMMARY
 * files, job outputs, artifacts, masking of `::add-mask::` values, and a job's `environment` (its variables and
 * the AWS its role reaches). Third-party setup actions that only matter on GitHub (checkout, credentials) are
 * no-ops here; artifacts are copied through a local folder.
 */
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { condition, interpolate, type Context, type StatusFunctions } from './expressions.js';
import { inputVariable, readFileCommands, unescapeCommand } from './runner-files.js';

export type Result = 'success' | 'failure' | 'skipped' | 'cancelled';

export interface WorkflowEvent {
  name: 'push' | 'workflow_dispatch';
  ref: string;
  inputs?: Record<string, string | boolean>;
}

export interface LogLine {
  job: string;
  step?: string;
  kind: 'job' | 'step' | 'info' | 'error' | 'warning' | 'notice' | 'group' | 'result';
  text: string;
}

/** What a GitHub environment gives the jobs that name it. */
export interface EnvironmentSettings {
  /** Environment variables (`vars`), over the repository's; not seen by the job's `if:`, as on GitHub. */
  vars?: Record<string, string>;
  /** Process environment for the job's steps: the AWS the environment's role reaches (e.g. its own sandbox). */
  env?: NodeJS.ProcessEnv;
}

export interface RunOptions {
  workflowFile: string;
  event: WorkflowEvent;
  /** Environment every process gets (e.g. the sandbox's AWS_ENDPOINT_URL and credentials). */
  env: NodeJS.ProcessEnv;
  vars?: Record<string, string>;
  secrets?: Record<string, string>;
  /** Settings of the environments jobs name with `environment:`. */
  environments?: Record<string, EnvironmentSettings>;
  /** Node binary used for `using: node24` actions. */
  nodeBinary: string;
  repoRoot: string;
  actor?: string;
  onLine?: (line: LogLine) => void;
}

export interface StepRun {
  name: string;
  outcome: Result;
  conclusion: Result;
  outputs: Record<string, string>;
  exitCode?: number;
  stdout: string;
  stderr: string;
  summary: string;
}

export interface JobRun {
  result: Result;
  outputs: Record<string, string>;
  steps: StepRun[];
}

interface StepDefinition {
  id?: string;
  name?: string;
  if?: string | boolean;
  uses?: string;
  run?: string;
  with?: Record<string, unknown>;
  env?: Record<string, unknown>;
  'continue-on-error'?: boolean;
}

interface JobDefinition {
  name?: string;
  needs?: string | string[];
  if?: string | boolean;
  environment?: string | { name: string };
  env?: Record<string, unknown>;
  outputs?: Record<string, string>;
  steps: StepDefinition[];
}

const NO_OP_ACTIONS = ['actions/checkout', 'actions/setup-node', 'aws-actions/configure-aws-credentials'];

export async function runWorkflow(options: RunOptions): Promise<Record<string, JobRun>> {
  const workflow = parseYaml(readFileSync(options.workflowFile, 'utf8')) as {
    env?: Record<string, unknown>;
    jobs: Record<string, JobDefinition>;
  };
  const workspace = mkdtempSync(join(tmpdir(), 'workflow-'));
  const artifacts = join(workspace, 'artifacts');
  const masks = new Set(Object.values(options.secrets ?? {}).filter(Boolean));
  const mask = (text: string) => [...masks].reduce((out, secret) => out.split(secret).join('***'), text);
  const emit = (line: LogLine) => options.onLine?.({ ...line, text: mask(line.text) });
  const refName = options.event.ref.replace(/^refs\/(tags|heads)\//, '');
  const github = {
    ref: options.event.ref,
    ref_name: refName,
    ref_type: options.event.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    event_name: options.event.name,
    actor: options.actor ?? 'demo-user',
    sha: '0123456789abcdef0123456789abcdef01234567',
    repository: 'example/lambda-release-kit',
    run_id: String(Date.now()),
    server_url: 'https://github.com',
    workspace: options.repoRoot,
  };
  const runs: Record<string, JobRun> = {};

  for (const jobId of jobOrder(workflow.jobs)) {
    const job = workflow.jobs[jobId];
    if (!job) throw new Error(`workflow has no job ${jobId}`);
    const needs = toList(job.needs).map((id) => {
      const run = runs[id];
      if (!run) throw new Error(`job ${jobId} needs ${id}, which has not run before it`);
      return { id, run };
    });
    const needsContext = Object.fromEntries(
      needs.map(({ id, run }) => [id, { result: run.result, outputs: run.outputs }]),
    );
    const jobStatus: StatusFunctions = {
      success: () => needs.every(({ run }) => run.result === 'success'),
      failure: () => needs.some(({ run }) => run.result === 'failure'),
      cancelled: () => false,
    };
    const temp = mkdtempSync(join(workspace, `${jobId}-`));
    const baseContext: Context = {
      github,
      inputs: options.event.inputs ?? {},
      vars: options.vars ?? {},
      secrets: options.secrets ?? {},
      needs: needsContext,
      runner: { temp, os: 'Linux' },
      job: { status: 'success' },
    };
    if (!condition(job.if, baseContext, jobStatus)) {
      runs[jobId] = { result: 'skipped', outputs: {}, steps: [] };
      emit({ job: jobId, kind: 'job', text: `${job.name ?? jobId}: skipped (if: ${job.if ?? 'success()'})` });
      continue;
    }
    emit({ job: jobId, kind: 'job', text: job.name ?? jobId });
    const environment = options.environments?.[environmentName(job.environment)] ?? {};
    baseContext.vars = { ...options.vars, ...environment.vars };

    const steps: Record<string, { outputs: Record<string, string>; outcome: Result; conclusion: Result }> =
      {};
    const stepRuns: StepRun[] = [];
    let failed = false;
    const env: Record<string, string> = {};
    const context = (): Context => ({
      ...baseContext,
      steps,
      env,
      job: { status: failed ? 'failure' : 'success' },
    });
    const stepStatus: StatusFunctions = {
      success: () => !failed,
      failure: () => failed,
      cancelled: () => false,
    };
    Object.assign(
      env,
      interpolateMap(workflow.env, context(), stepStatus),
      interpolateMap(job.env, context(), stepStatus),
    );

    for (const [index, step] of job.steps.entries()) {
      const name = step.name ?? step.uses ?? step.run?.split('\n')[0] ?? `step ${index + 1}`;
      if (!condition(step.if, context(), stepStatus)) {
        if (step.id) steps[step.id] = { outputs: {}, outcome: 'skipped', conclusion: 'skipped' };
        continue;
      }
      emit({ job: jobId, step: name, kind: 'step', text: name });
      const files = {
        output: join(temp, `output-${index}`),
        summary: join(temp, `summary-${index}`),
        env: join(temp, `env-${index}`),
      };
      for (const file of Object.values(files)) writeFileSync(file, '');
      const processEnv: NodeJS.ProcessEnv = {
        ...options.env,
        ...environment.env,
        ...env,
        ...interpolateMap(step.env, context(), stepStatus),
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_REF: github.ref,
        GITHUB_REF_NAME: github.ref_name,
        GITHUB_EVENT_NAME: github.event_name,
        GITHUB_ACTOR: github.actor,
        GITHUB_SHA: github.sha,
        GITHUB_REPOSITORY: github.repository,
        GITHUB_RUN_ID: github.run_id,
        GITHUB_SERVER_URL: github.server_url,
        GITHUB_WORKSPACE: options.repoRoot,
        RUNNER_TEMP: temp,
        GITHUB_OUTPUT: files.output,
        GITHUB_STEP_SUMMARY: files.summary,
        GITHUB_ENV: files.env,
      };
      const run = await runStep(step, {
        ...options,
        processEnv,
        context: context(),
        status: stepStatus,
        artifacts,
        masks,
        emit,
        job: jobId,
        name,
      });
      Object.assign(env, readFileCommands(files.env));
      const outputs = readFileCommands(files.output);
      const outcome: Result = run.exitCode === 0 ? 'success' : 'failure';
      const conclusion: Result = outcome === 'failure' && step['continue-on-error'] ? 'success' : outcome;
      if (conclusion === 'failure') failed = true;
      if (step.id) steps[step.id] = { outputs, outcome, conclusion };
      const summary = existsSync(files.summary) ? readFileSync(files.summary, 'utf8') : '';
      stepRuns.push({
        name,
        outcome,
        conclusion,
        outputs,
        exitCode: run.exitCode,
        stdout: mask(run.stdout),
        stderr: mask(run.stderr),
        summary: mask(summary),
      });
      emit({
        job: jobId,
        step: name,
        kind: 'result',
        text: `${name}: ${outcome}${conclusion !== outcome ? ' (continue-on-error)' : ''}`,
      });
    }

    // Job outputs are evaluated after the steps, from whatever the steps that ran wrote (failed ones included).
    const outputs = Object.fromEntries(
      Object.entries(job.outputs ?? {}).map(([key, value]) => [
        key,
        interpolate(value, context(), stepStatus),
      ]),
    );
    const result = failed ? 'failure' : 'success';
    runs[jobId] = { result, outputs, steps: stepRuns };
    emit({ job: jobId, kind: 'result', text: `${job.name ?? jobId}: ${result}` });
  }
  return runs;
}

interface StepContext extends RunOptions {
  processEnv: NodeJS.ProcessEnv;
  context: Context;
  status: StatusFunctions;
  artifacts: string;
  masks: Set<string>;
  emit: (line: LogLine) => void;
  job: string;
  name: string;
}

async function runStep(
  step: StepDefinition,
  ctx: StepContext,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  const inputs = Object.fromEntries(
    Object.entries(step.with ?? {}).map(([key, value]) => [
      key,
      interpolate(String(value), ctx.context, ctx.status),
    ]),
  );
  if (step.run !== undefined) {
    const script = interpolate(step.run, ctx.context, ctx.status);
    return spawnAndWatch('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', script], ctx);
  }
  const uses = step.uses ?? '';
  if (uses.startsWith('./')) return runLocalAction(resolve(ctx.repoRoot, uses), inputs, ctx);
  const action = uses.split('@')[0] ?? uses;
  if (NO_OP_ACTIONS.includes(action)) return { exitCode: 0, stdout: '', stderr: '' };
  if (action === 'actions/upload-artifact') return uploadArtifact(inputs, ctx);
  if (action === 'actions/download-artifact') return downloadArtifact(inputs, ctx);
  throw new Error(`the local runner cannot run ${uses}`);
}

async function runLocalAction(directory: string, given: Record<string, string>, ctx: StepContext) {
  const definition = parseYaml(readFileSync(join(directory, 'action.yml'), 'utf8')) as {
    inputs?: Record<string, { default?: string }>;
    runs: { using: string; main: string };
  };
  const env: NodeJS.ProcessEnv = { ...ctx.processEnv };
  for (const [name, spec] of Object.entries(definition.inputs ?? {})) {
    const value =
      given[name] ??
      (spec.default !== undefined ? interpolate(String(spec.default), ctx.context, ctx.status) : '');
    env[inputVariable(name)] = value;
  }
  for (const name of Object.keys(given)) {
    if (!(name in (definition.inputs ?? {})))
      ctx.emit({ job: ctx.job, step: ctx.name, kind: 'warning', text: `Unexpected input '${name}'` });
  }
  return spawnAndWatch(ctx.nodeBinary, [resolve(directory, definition.runs.main)], {
    ...ctx,
    processEnv: env,
  });
}

function uploadArtifact(inputs: Record<string, string>, ctx: StepContext) {
  if (inputs.path === undefined) throw new Error(`${ctx.name}: actions/upload-artifact needs a path input`);
  const source = resolve(ctx.repoRoot, inputs.path);
  if (!existsSync(source)) {
    const level = inputs['if-no-files-found'] ?? 'warn';
    ctx.emit({
      job: ctx.job,
      step: ctx.name,
      kind: level === 'error' ? 'error' : 'warning',
      text: `no files found at ${inputs.path}`,
    });
    return { exitCode: level === 'error' ? 1 : 0, stdout: '', stderr: '' };
  }
  const target = join(ctx.artifacts, inputs.name ?? 'artifact');
  mkdirSync(target, { recursive: true });
  cpSync(source, join(target, basename(source)), { recursive: true });
  return { exitCode: 0, stdout: '', stderr: '' };
}

function downloadArtifact(inputs: Record<string, string>, ctx: StepContext) {
  const source = join(ctx.artifacts, inputs.name ?? 'artifact');
  if (!existsSync(source)) {
    ctx.emit({
      job: ctx.job,
      step: ctx.name,
      kind: 'error',
      text: `Unable to download artifact(s): Artifact not found for name: ${inputs.name}`,
    });
    return { exitCode: 1, stdout: '', stderr: '' };
  }
  const target = resolve(ctx.repoRoot, inputs.path ?? '.');
  mkdirSync(dirname(target), { recursive: true });
  cpSync(source, target, { recursive: true });
  return { exitCode: 0, stdout: '', stderr: '' };
}

/** Runs a process, turning workflow commands on stdout into log lines and registering masks as they appear. */
function spawnAndWatch(
  command: string,
  args: string[],
  ctx: StepContext,
): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(command, args, {
      cwd: ctx.repoRoot,
      env: ctx.processEnv,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    let pending = '';
    const onLine = (line: string) => {
      const commandMatch = line.match(/^::([\w-]+)(?: [^:]*)?::(.*)$/);
      const [, command, message = ''] = commandMatch ?? [];
      if (command === 'add-mask') {
        ctx.masks.add(unescapeCommand(message));
        return;
      }
      const kinds: Record<string, LogLine['kind']> = {
        error: 'error',
        warning: 'warning',
        notice: 'notice',
        group: 'group',
      };
      if (command !== undefined) {
        const kind = kinds[command];
        if (kind) ctx.emit({ job: ctx.job, step: ctx.name, kind, text: unescapeCommand(message) });
        return;
      }
      ctx.emit({ job: ctx.job, step: ctx.name, kind: 'info', text: line });
    };
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk;
      pending += chunk;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      lines.forEach(onLine);
    });
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => {
      if (pending) onLine(pending);
      for (const line of stderr.split('\n').filter(Boolean))
        ctx.emit({ job: ctx.job, step: ctx.name, kind: 'info', text: line });
      resolvePromise({ exitCode: code ?? 1, stdout, stderr });
    });
  });
}

function interpolateMap(
  map: Record<string, unknown> | undefined,
  context: Context,
  status: StatusFunctions,
): Record<string, string> {
  return Object.fromEntries(
    Object.entries(map ?? {}).map(([key, value]) => [key, interpolate(String(value), context, status)]),
  );
}

function environmentName(environment: JobDefinition['environment']): string {
  return typeof environment === 'object' ? environment.name : (environment ?? '');
}

function toList(value: string | string[] | undefined): string[] {
  return value === undefined ? [] : Array.isArray(value) ? value : [value];
}

/** Jobs in an order where every job comes after the jobs it needs. */
function jobOrder(jobs: Record<string, JobDefinition>): string[] {
  const ordered: string[] = [];
  const visit = (id: string, path: string[]) => {
    if (ordered.includes(id)) return;
    if (path.includes(id)) throw new Error(`jobs need each other in a cycle: ${[...path, id].join(' -> ')}`);
    if (!jobs[id]) throw new Error(`job ${path.at(-1)} needs unknown job ${id}`);
    for (const need of toList(jobs[id].needs)) visit(need, [...path, id]);
    ordered.push(id);
  };
  Object.keys(jobs).forEach((id) => visit(id, []));
  return ordered;
}
