import { strToU8, zipSync } from 'fflate';

/** Builds a deployment package from {path: source}, e.g. zipFunction({'index.mjs': 'export const handler = ...'}). */
export function zipFunction(files: Record<string, string>): Uint8Array {
  const entries: Record<string, Uint8Array> = {};
  for (const [name, source] of Object.entries(files)) entries[name] = strToU8(source);
  // A fixed mtime keeps the bytes, and so CodeSha256, identical for identical sources.
  return zipSync(entries, { mtime: new Date('2020-01-01T00:00:00Z') });
}
