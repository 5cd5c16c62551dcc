// Bundles each action with @vercel/ncc into dist/<name>/ (ESM index.js, chunks, package.json, licenses.txt).
// Usage: node .ci/build.mjs [--source-map] [action ...]   (default: all actions)
// The committed bundles carry no source map: a map is one 3.5 MB line that every rebuild rewrites whole, which
// made each commit's diff huge. `--source-map` adds them for a local analysis (bench/bundle-analysis.ts).
import { readdirSync } from 'node:fs';
import { bundle } from './bundle.mjs';

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
  bundle(`actions/${name}/src/index.ts`, `dist/${name}`, { sourceMap });
  console.log(`built dist/${name}`);
}
