import { DocketError } from '../errors.js';

/**
 * Load an optional database driver (a peer dependency the user installs only for the store they
 * use) on first use, so that importing `docket/sqlite` or `docket/postgres` without it fails with a
 * clear instruction instead of a raw `ERR_MODULE_NOT_FOUND` at import time.
 *
 * @param requireHere - the adapter's own `createRequire(import.meta.url)` (the store layer imports
 *   no `node:` module, so that it bundles for a browser).
 * @param name - the npm package, e.g. `'better-sqlite3'` or `'pg'`.
 * @param subpath - the Docket subpath that needs it, for the message (e.g. `'docket/sqlite'`).
 * @returns the module's CommonJS export (both drivers are CommonJS packages).
 * @throws DocketError `MISSING_DEPENDENCY` (details: `{ package, subpath }`) when the package is not
 *   installed; any other load failure (a broken native build) is rethrown as it is.
 */
export function loadOptionalDriver<T>(requireHere: (id: string) => unknown, name: string, subpath: string): T {
  try {
    return requireHere(name) as T;
  } catch (error) {
    const code = (error as { code?: unknown } | null)?.code;
    const missing = code === 'MODULE_NOT_FOUND' && String((error as Error).message).includes(`'${name}'`);
    if (!missing) throw error;
    throw new DocketError(
      'MISSING_DEPENDENCY',
      `${subpath} needs the "${name}" package, which is not installed. Install it next to docket: npm install ${name}`,
      { package: name, subpath, cause: error },
    );
  }
}
