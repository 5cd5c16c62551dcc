import { readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The major tag usage examples pin (`v2`): that of the newest release in CHANGELOG.md. */
export function newestMajor(): string {
  const changelog = readFileSync(join(import.meta.dirname, '..', 'CHANGELOG.md'), 'utf8');
  const majors = [...changelog.matchAll(/^## \[(\d+)\.\d+\.\d+\] - /gm)].map((match) => Number(match[1]));
  return `v${Math.max(...majors)}`;
}
