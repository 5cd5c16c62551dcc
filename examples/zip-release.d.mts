/** Zips an example function's handler with its release settings as release.json (see zip-release.mjs). */
export function zipRelease(handlerFile: string, settings: Record<string, unknown>): Uint8Array;
