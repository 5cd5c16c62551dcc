/** Directories of the packages whose modules are in an emitted chunk, from webpack's stats JSON. */
export function bundledPackageDirs(stats: unknown): string[];
/** licenses.txt: per package its name, license id and license text, sorted by name. */
export function renderLicenses(dirs: string[]): string;
/** Names of bundled packages that licenses.txt has no entry for. */
export function missingLicenses(text: string, dirs: string[]): string[];
