import { DocketError } from '../errors.js';

/**
 * Versioned schemas, the same in every store that keeps one: migration `n` moves the schema from
 * `n - 1` to `n`, the store records where its database stands, applies the newer migrations in one
 * transaction, and never writes to (or, read-only, reads) a database written by a newer Docket.
 * Never edit a shipped migration: add one.
 */
export interface VersionedMigration {
  readonly version: number;
}

/** The newest schema version `migrations` reach (0 for none). */
export function latestSchemaVersion(migrations: readonly VersionedMigration[]): number {
  return migrations.reduce((max, m) => Math.max(max, m.version), 0);
}

/**
 * The `STORE_UNAVAILABLE` for a database at schema version `found`, newer than the `supported` one
 * (`details.reason: 'newer-schema'`). `where` names it ("SQLite database ./docket.db"); `mode` says
 * whether it was about to be written (migrations) or only read (read-only opens, tooling).
 */
export function newerSchema(where: string, found: number, supported: number, mode: 'write' | 'read'): DocketError {
  return new DocketError(
    'STORE_UNAVAILABLE',
    `${where} has schema version ${found}, newer than this Docket's ${supported}. ` +
      (mode === 'write' ? 'Upgrade Docket; this version will not write to it.' : 'Upgrade Docket to read it; nothing was written.'),
    { reason: 'newer-schema', found, supported },
  );
}

/**
 * The migrations to apply to a database at schema version `found` (0: new), oldest first; empty when
 * it is current. Throws {@link newerSchema} (mode `write`) when `found` is newer than `migrations` reach.
 */
export function migrationsToApply<M extends VersionedMigration>(where: string, found: number, migrations: readonly M[]): readonly M[] {
  const supported = latestSchemaVersion(migrations);
  if (found > supported) throw newerSchema(where, found, supported, 'write');
  return migrations.filter((m) => m.version > found).sort((a, b) => a.version - b.version);
}
