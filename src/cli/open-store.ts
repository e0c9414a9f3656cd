import { existsSync, statSync } from 'node:fs';
import { isDocketError } from '../errors.js';
import type { Store } from '../store/store.js';
import { CliError, EXIT, flagError, usageOf } from './cli-error.js';
import type { CommandContext } from './cli-context.js';

/** True for a `postgres://` or `postgresql://` connection string. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The connection string with its password replaced by `***`, for messages. */
export function redactUrl(db: string): string {
  return db.replace(/^(postgres(?:ql)?:\/\/[^:/@]*:)[^@]*@/i, '$1***@');
}

interface ReadStore {
  readonly store: Store;
  /** True when what was read may be stale and must be read again (a SQLite writer appeared). */
  changed(): boolean;
}

function fileStamp(path: string): string {
  try {
    const s = statSync(path);
    return `${s.size}:${s.mtimeMs}:${s.ino}`;
  } catch {
    return 'none';
  }
}

async function openSqlite(db: string, untouched: boolean): Promise<ReadStore> {
  let sqlite: typeof import('../sqlite/index.js');
  try {
    sqlite = await import('../sqlite/index.js');
  } catch {
    throw new CliError('Reading a SQLite database needs the better-sqlite3 package: npm install better-sqlite3', EXIT.usage, 'MISSING_DEPENDENCY');
  }
  const before = fileStamp(db);
  const store = sqlite.sqliteStore({ filename: db, readonly: true, untouched });
  try {
    await store.init();
  } catch (error) {
    if (!isDocketError(error)) throw error;
    // better-sqlite3 is loaded on first use, so a missing driver shows up here, not at the import.
    if (error.code === 'MISSING_DEPENDENCY') throw new CliError(error.message, EXIT.usage, 'MISSING_DEPENDENCY');
    throw new CliError(error.message, EXIT.usage, error.details.reason === 'missing' ? 'DB_MISSING' : 'DB_CORRUPT');
  }
  // An immutable read takes no lock: if a writer opened the file meanwhile, read again the normal way.
  return { store, changed: () => store.openedImmutable() && (existsSync(`${db}-wal`) || fileStamp(db) !== before) };
}

async function openPostgres(db: string, schema: string): Promise<ReadStore> {
  let pg: typeof import('pg').default;
  let postgres: typeof import('../postgres/index.js');
  try {
    pg = (await import('pg')).default;
    postgres = await import('../postgres/index.js');
  } catch {
    throw new CliError('Reading a PostgreSQL store needs the pg package: npm install pg', EXIT.usage, 'MISSING_DEPENDENCY');
  }
  if (!/^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema)) throw flagError('--schema', `--schema must be a plain identifier (letters, digits, underscore), got ${JSON.stringify(schema)}.`);
  // Every transaction of this pool is read-only on the server: a write would fail there, not be made.
  const pool = new pg.Pool({ connectionString: db, max: 4, options: '-c default_transaction_read_only=on', connectionTimeoutMillis: 10_000 });
  pool.on('error', () => undefined);
  try {
    const found = await pool.query<{ value: string }>(`SELECT value FROM "${schema}".docket_meta WHERE key = 'schema_version'`).catch((error: unknown) => {
      const message = error instanceof Error ? error.message : String(error);
      if (/does not exist/.test(message)) throw new CliError(`${redactUrl(db)} has no Docket store in schema "${schema}" (${message}). Pass --schema <name>; nothing was written.`, EXIT.usage, 'DB_CORRUPT');
      throw new CliError(`Cannot read PostgreSQL ${redactUrl(db)}: ${message}.`, EXIT.usage, 'DB_UNAVAILABLE');
    });
    const version = Number(found.rows[0]?.value);
    if (!Number.isInteger(version) || version < 1) throw new CliError(`Schema "${schema}" of ${redactUrl(db)} is not a Docket store: it has no schema version. Nothing was written.`, EXIT.usage, 'DB_CORRUPT');
    if (version > postgres.POSTGRES_SCHEMA_VERSION) {
      throw new CliError(`Schema "${schema}" has Docket schema version ${version}, newer than this Docket's ${postgres.POSTGRES_SCHEMA_VERSION}. Upgrade Docket to read it; nothing was written.`, EXIT.usage, 'DB_CORRUPT');
    }
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  // Not init(): that would create and migrate. The store only reads here; the pool is closed by store.close().
  const store = postgres.postgresStore({ pool }, { schema });
  const close = store.close.bind(store);
  return {
    store: Object.assign(Object.create(store) as Store, { close: async () => { await close().catch(() => undefined); await pool.end().catch(() => undefined); } }),
    changed: () => false,
  };
}

/**
 * The PostgreSQL schema a command opens `db` with: the context's (`--schema`, else the config file's)
 * for a `postgres://` URL. For a SQLite file, which has no schemas, a `--schema` given on the command
 * line is refused (`INVALID_ARGUMENT`, `field: 'schema'`): it was ignored, so `docket list x.db
 * --schema tenant_b` listed everything in the file as if it were that schema's. A config file's
 * schema (meant for its PostgreSQL `db`) is left out quietly.
 */
export function storeSchema(ctx: Pick<CommandContext, 'schema' | 'schemaFromFlag'>, db: string): string | undefined {
  if (isPostgresUrl(db)) return ctx.schema;
  if (ctx.schemaFromFlag === true) {
    throw flagError('--schema', `--schema names a PostgreSQL schema, and ${db} is a SQLite file, which has none: leave --schema out (or give a postgres:// URL).`);
  }
  return undefined;
}

/**
 * Open the database of a read command without changing it, run `work`, close it. `db` is a SQLite
 * file (opened read-only and, when no writer has it open, immutable: no `-wal`/`-shm` files are
 * created) or a `postgres://` URL (every transaction read-only on the server; `schema` default
 * `docket`). `work` may be run twice: when a writer opened the SQLite file during an immutable read,
 * what it read may be torn, so `work` runs again on a normal read-only connection; it should
 * therefore write its output only through `emit`, which is replayed once, from the run that counts.
 */
export async function withReadStore<T>(db: string, options: { schema?: string }, work: (store: Store, emit: (write: () => void) => void) => Promise<T>): Promise<T> {
  for (const untouched of [true, false]) {
    const opened = isPostgresUrl(db) ? await openPostgres(db, options.schema ?? 'docket') : await openSqlite(db, untouched);
    const outputs: (() => void)[] = [];
    let result: T;
    try {
      result = await work(opened.store, (write) => outputs.push(write));
    } catch (error) {
      if (!opened.changed()) throw error;
      continue;
    } finally {
      await opened.store.close();
    }
    if (untouched && opened.changed()) continue;
    for (const write of outputs) write();
    return result;
  }
  throw new CliError(`The database ${db} kept changing while it was read; try again.`, EXIT.problem, 'DB_BUSY');
}

/**
 * Open a store for an administrator's job (`migrate`, `retain`, `calendar reresolve`): a
 * `postgres://` URL or an existing SQLite file. A missing file is `DB_MISSING` (never a new empty
 * database), a missing driver `MISSING_DEPENDENCY` naming the package; the URL's password never shows.
 */
export async function openWritableStore(db: string, schema: string | undefined): Promise<Store> {
  try {
    if (isPostgresUrl(db)) {
      const { postgresStore } = await import('../postgres/index.js');
      return postgresStore({ connectionString: db, max: 2 }, schema === undefined ? {} : { schema });
    }
    const { sqliteStore } = await import('../sqlite/index.js');
    if (!existsSync(db)) throw new CliError(`No database at ${db}.`, EXIT.usage, 'DB_MISSING');
    return sqliteStore({ filename: db });
  } catch (error) {
    if (error instanceof CliError) throw error;
    // A connection string or schema the store refuses is a bad argument (exit 2, its field), not a
    // missing driver: it was reported as "SQLite needs better-sqlite3, PostgreSQL needs pg".
    if (isDocketError(error, 'INVALID_ARGUMENT')) throw usageOf(error);
    throw new CliError(`Cannot open ${redactUrl(db)}: ${error instanceof Error ? error.message : String(error)} (SQLite needs better-sqlite3, PostgreSQL needs pg).`, EXIT.usage, 'MISSING_DEPENDENCY');
  }
}
