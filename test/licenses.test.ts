import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { bundle } from '../.ci/bundle.mjs';
import { missingLicenses, renderLicenses } from '../.ci/licenses.mjs';

// ncc's own `--license` kept the licenses of the last chunk only: a package bundled into index.js vanished from
// licenses.txt as soon as the bundle had a lazily imported chunk. The build lists every package of every file.
const root = join(import.meta.dirname, '..');
const modules = join(root, 'node_modules');

describe('licenses.txt of a bundle with chunks', () => {
  it('lists the packages of index.js and of the lazily imported chunk, with their license texts', () => {
    const out = mkdtempSync(join(tmpdir(), 'lazy-chunk-'));
    bundle(join(root, 'test', 'fixtures', 'lazy-chunk', 'entry.ts'), out);
    expect(readdirSync(out).filter((file) => /^\d+\.index\.js$/.test(file))).toHaveLength(1);
    const licenses = readFileSync(join(out, 'licenses.txt'), 'utf8');
    expect(licenses).toContain('jsonpath-plus\nMIT\n');
    expect(licenses).toContain('yaml\nISC\n');
    expect(licenses).toContain(readFileSync(join(modules, 'yaml', 'LICENSE'), 'utf8'));
  }, 120_000);

  it('names a bundled package that licenses.txt leaves out', () => {
    const dirs = [join(modules, 'yaml'), join(modules, 'jsonpath-plus')];
    expect(missingLicenses(renderLicenses(dirs), dirs)).toEqual([]);
    expect(missingLicenses(renderLicenses(dirs.slice(0, 1)), dirs)).toEqual(['jsonpath-plus']);
  });
});
