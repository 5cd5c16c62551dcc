// Bundles each action with @vercel/ncc into dist/<name>/ (ESM index.js, package.json, source map, licenses).
// Usage: node .ci/build.mjs [action ...]   (default: all actions)
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';

const all = readdirSync('actions', { withFileTypes: true })
  .filter((entry) => entry.isDirectory())
  .map((entry) => entry.name)
  .sort();
const names = process.argv.length > 2 ? process.argv.slice(2) : all;

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
      '--source-map',
      '--license',
      'licenses.txt',
      '--quiet',
    ],
    { stdio: 'inherit' },
  );
  console.log(`built dist/${name}`);
}
