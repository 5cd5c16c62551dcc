// The third-party licenses of a bundle, from webpack's stats of the build. ncc's own `--license` writes the
// licenses of one chunk only (each chunk overwrites the file), so a bundle with lazily imported chunks lost most
// of them; this lists every package in any emitted file, in the same format.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

const MODULES = 'node_modules/';

/** `/repo/node_modules/@aws-sdk/core/dist-cjs/x.js` -> its package directory, or undefined for our own files. */
function packageDir(path) {
  const at = path.lastIndexOf(MODULES);
  if (at < 0) return undefined;
  const parts = path.slice(at + MODULES.length).split('/');
  const depth = parts[0].startsWith('@') ? 2 : 1;
  return path.slice(0, at + MODULES.length) + parts.slice(0, depth).join('/');
}

/** Directories of the packages whose modules are in an emitted chunk (concatenated modules included), sorted. */
export function bundledPackageDirs(stats) {
  const dirs = new Set();
  const visit = (module) => {
    const dir = module.nameForCondition && packageDir(module.nameForCondition);
    if (dir) dirs.add(dir);
    for (const inner of module.modules ?? []) visit(inner);
  };
  for (const module of stats.modules) if (module.chunks.length > 0) visit(module);
  return [...dirs].sort();
}

function licenseId(manifest) {
  const { license, licenses } = manifest;
  if (license) return typeof license === 'string' ? license : license.type;
  return Array.isArray(licenses) && licenses.length > 0
    ? licenses.map((entry) => entry.type).join(' OR ')
    : '';
}

// Where license-webpack-plugin (ncc's) looks: a file named in "SEE LICENSE IN <file>", else LICENSE*/LICENCE*.
function licenseText(dir, id) {
  const named = id.startsWith('SEE LICENSE IN ') ? id.split(' ')[3] : undefined;
  const file =
    named ??
    readdirSync(dir)
      .sort()
      .find((name) => /^licen[cs]e/i.test(name) && !statSync(join(dir, name)).isDirectory());
  return file ? readFileSync(join(dir, file), 'utf8').replace(/\r\n/g, '\n') : '';
}

/** licenses.txt: per package its name, license id and license text, sorted by name (ncc's format). */
export function renderLicenses(dirs) {
  const entries = dirs.map((dir) => {
    const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    const id = licenseId(manifest);
    return { name: manifest.name, id, text: licenseText(dir, id) };
  });
  const unique = [...new Map(entries.map((entry) => [entry.name, entry])).values()];
  unique.sort((a, b) => (a.name < b.name ? -1 : 1));
  const rendered = unique
    .map(({ name, id, text }) => [name, id, text].filter(Boolean).join('\n'))
    .join('\n\n');
  return `${rendered.trim()}\n`;
}

/** Names of bundled packages that licenses.txt has no entry for (an entry starts with the name on its own line). */
export function missingLicenses(text, dirs) {
  const lines = new Set(text.split('\n'));
  return dirs
    .map((dir) => JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')).name)
    .filter((name) => !lines.has(name));
}
