import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { FUNCTION_FIELDS } from '@lambda-release-kit/core';

// The release workflow publishes `node .ci/changelog-entry.mjs <tag>` as the GitHub Release's notes.
const root = join(import.meta.dirname, '..');
const entry = (tag: string) =>
  spawnSync('node', ['.ci/changelog-entry.mjs', tag], { cwd: root, encoding: 'utf8' });
const changelog = readFileSync(join(root, 'CHANGELOG.md'), 'utf8');
const released = [...changelog.matchAll(/^## \[(\d+\.\d+\.\d+)\] - \d{4}-\d{2}-\d{2}$/gm)].map(
  (match) => match[1]!,
);

describe('CHANGELOG.md and the release notes', () => {
  it('keeps an Unreleased section above dated releases', () => {
    expect(released.length).toBeGreaterThan(0);
    const unreleased = changelog.search(/^## \[Unreleased\]$/m);
    expect(unreleased).toBeGreaterThan(-1);
    expect(unreleased).toBeLessThan(changelog.search(/^## \[\d+\.\d+\.\d+\]/m));
  });

  it.each(released)(
    'gives the notes of %s: its section only, without headings of others or link references',
    (version) => {
      const result = entry(`v${version}`);
      expect(result.status).toBe(0);
      expect(result.stdout.trim().length).toBeGreaterThan(0);
      expect(result.stdout).not.toMatch(/^## /m);
      expect(result.stdout).not.toMatch(/^\[[^\]]+\]: /m);
    },
  );

  it('refuses a tag without a section, and a tag that is not a release', () => {
    expect(entry('v99.0.0')).toMatchObject({ status: 1, stderr: expect.stringContaining('no "## [99.0.0]') });
    expect(entry('v1.2.3-rc.1')).toMatchObject({ status: 1, stderr: expect.stringContaining('v1.2.3-rc.1') });
  });
});

describe('2.0.0, the release that moved the record to schema v2', () => {
  const notes = entry('v2.0.0').stdout;
  const migration = notes.split('### Migrating from 1.x')[1]?.split('\n### ')[0] ?? '';

  it.each(FUNCTION_FIELDS)(
    'says where the v1 record field %s went, in the record and in templates',
    (field) => {
      expect(migration).toContain(`| \`${field}`);
      expect(migration).toContain(`\`functions[0].${field}`);
      expect(migration).toContain(`{{ record.functions.0.${field}`);
      expect(migration).toContain(`{{ record.${field}`);
    },
  );

  it('tells webhook and SNS consumers what moved in their payload', () => {
    expect(migration).toMatch(/Webhook bodies and SNS messages/);
    for (const field of FUNCTION_FIELDS) expect(migration).toContain(`\`record.${field}\``);
  });
});
