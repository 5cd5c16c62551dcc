/** Bundles `entry` into `outDir` with ncc (minified) and writes licenses.txt for every bundled package. */
export function bundle(entry: string, outDir: string, options?: { sourceMap?: boolean }): void;
