// Prints the CHANGELOG.md section of one version (the release notes), or fails naming what is missing.
// Usage: node .ci/changelog-entry.mjs v1.2.3
import { readFileSync } from 'node:fs';

const tag = process.argv[2] ?? '';
const version = tag.replace(/^v/, '');
if (!/^\d+\.\d+\.\d+$/.test(version)) {
  console.error(`tag ${JSON.stringify(tag)} — expected a release tag like v1.2.3`);
  process.exit(1);
}
const lines = readFileSync('CHANGELOG.md', 'utf8').split('\n');
const start = lines.findIndex((line) => line.startsWith(`## [${version}]`));
if (start === -1) {
  console.error(
    `CHANGELOG.md has no "## [${version}] - YYYY-MM-DD" section: move the Unreleased entries under it`,
  );
  process.exit(1);
}
const length = lines
  .slice(start + 1)
  .findIndex((line) => line.startsWith('## ') || /^\[[^\]]+\]: /.test(line));
const body = lines
  .slice(start + 1, length === -1 ? undefined : start + 1 + length)
  .join('\n')
  .trim();
if (!body) {
  console.error(`CHANGELOG.md's section for ${version} is empty: say what changed`);
  process.exit(1);
}
console.log(body);
