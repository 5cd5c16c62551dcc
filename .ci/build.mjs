// Bundles each action with @vercel/ncc into dist/<name>/ (ESM index.js, package.json, licenses).
// Usage: node .ci/build.mjs [--source-map] [action ...]   (default: all actions)
// The committed bundles carry no source map: a map is one 3.5 MB line that every rebuild rewrites whole, which
// made each commit's diff huge. `--source-map` adds them for a local analysis (bench/bundle-analysis.ts).
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';

const all = readdirSync('actions', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const args = process.argv.slice(2);
const sourceMap = args.includes('--source-map');
const requested = args.filter((arg) => arg !== '--source-map');
const names = requested.length > 0 ? requested : all;

for (const name of names) {
  if (!all.includes(name)) throw new Error(`unknown action ${name}; actions: ${all.join(', ')}`);
  rmSync(`dist/${name}`, { recursive: true, force: true });
  execFileSync(
    'npx',
    [
      'ncc',
      'build',
      `actions/${name}/src/index.ts`,
      '-o',
      `dist/${name}`,
      ...(sourceMap ? ['--source-map'] : []),
      '--license',
      'licenses.txt',
      '--quiet',
    ],
    { stdio: 'inherit' },
  );
  console.log(`built dist/${name}`);
}
