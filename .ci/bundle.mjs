// One ncc build: the bundle (ESM index.js plus a chunk per lazily imported module) and its licenses.txt.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bundledPackageDirs, missingLicenses, renderLicenses } from './licenses.mjs';

/**
 * Bundles `entry` into `outDir`, minified: names of classes and functions are kept (error names, stack traces),
 * only whitespace, comments and local names go, which halves the bytes Node parses at every start.
 */
export function bundle(entry, outDir, { sourceMap = false } = {}) {
  rmSync(outDir, { recursive: true, force: true });
  const scratch = mkdtempSync(join(tmpdir(), 'ncc-stats-'));
  const statsFile = join(scratch, 'stats.json');
  try {
    execFileSync(
      'npx',
      [
        'ncc',
        'build',
        entry,
        '-o',
        outDir,
        '--minify',
        ...(sourceMap ? ['--source-map'] : []),
        '--stats-out',
        statsFile,
        '--quiet',
      ],
      { stdio: 'inherit' },
    );
    const dirs = bundledPackageDirs(JSON.parse(readFileSync(statsFile, 'utf8')));
    const licenses = renderLicenses(dirs);
    const missing = missingLicenses(licenses, dirs);
    if (missing.length > 0)
      throw new Error(`${outDir}/licenses.txt lacks bundled packages: ${missing.join(', ')}`);
    writeFileSync(join(outDir, 'licenses.txt'), licenses);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
