import { JSONPath } from 'jsonpath-plus';

/** Paths that can match many values; their result is always the array of matches. */
const INDEFINITE = /\*|\.\.|\?\(|\[[^\]]*[,:][^\]]*\]/;

export type PathResult = { found: false } | { found: true; value: unknown };

/** Evaluates a JSONPath ("$.user.id", "$.items[*].sku"; a leading "$." may be left out). */
export function queryPath(json: unknown, path: string): PathResult {
  const full = normalizePath(path);
  const matches = JSONPath({ path: full, json: json as object, wrap: true, eval: 'safe' }) as unknown[];
  if (INDEFINITE.test(full)) return { found: true, value: matches };
  return matches.length === 0 ? { found: false } : { found: true, value: matches[0] };
}

export function normalizePath(path: string): string {
  const trimmed = path.trim();
  if (trimmed.startsWith('$')) return trimmed;
  return trimmed.startsWith('[') ? `$${trimmed}` : `$.${trimmed}`;
}

/** Throws when jsonpath-plus cannot use the path (checked at parse time, before anything is sent). */
export function assertValidPath(path: string): void {
  if (!/^\$(\.|\[|$)/.test(normalizePath(path)))
    throw new Error(`"${path}" is not a JSONPath like $.user.id`);
  JSONPath({ path: normalizePath(path), json: {}, wrap: true, eval: 'safe' });
}
