// Zips an example function's handler with its release settings (release.json) for deploy-canary's zip-file.
import { readFileSync } from 'node:fs';
import { zipSync } from 'fflate';

export function zipRelease(handlerFile, settings) {
  // A fixed mtime keeps the zip byte-identical for identical input, so an unchanged release publishes nothing.
  const mtime = new Date('2020-01-01T00:00:00Z');
  return zipSync(
    {
      'index.mjs': [readFileSync(handlerFile), { mtime }],
      'release.json': [new TextEncoder().encode(`${JSON.stringify(settings)}\n`), { mtime }],
    },
    { level: 6 },
  );
}
