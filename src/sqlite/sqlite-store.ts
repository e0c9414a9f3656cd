import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type BetterSqlite3 from 'better-sqlite3';
import { createRequire } from 'node:module';
import { loadOptionalDriver } from '../store/load-optional-driver.js';
import { DocketError, isDocketError } from '../errors.js';
import type { EffectRecord, IdempotencyRecord, InstanceRecord, RefusalEntry, TaskRecord } from '../store/records.js';
import type { Commit, InstanceQuery, Page, Store, TaskQuery } from '../store/store.js';
import { byEffectDue, byTimerDue, checkClaim, checkEffectUpdate, checkTimerHand, staleEffectClaim, unknownEffect } from '../store/claim-rules.js';
import { closedGuard } from '../store/closed-guard.js';
import { checkCommitRules, checkRevision, conflict, conflictReason, historyPastHead, tasksOf, timersNotPending } from '../store/commit-rules.js';
import { checkId, checkKey, storableRefusal, stringFault } from '../store/payload-rules.js';
import { checkHistoryRange, checkInstanceQuery, checkTaskQuery, keysetPage } from '../store/query-rules.js';
import { migrationsToApply, newerSchema } from '../store/schema-version.js';
import { oneOfOption, readOptions, wholeOption } from '../input/read-options.js';
import { shownValue } from '../input/shown-value.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';
import { SQLITE_META_TABLE, SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './sqlite-migrations.js';
import * as plans from './sqlite-plans.js';
import type { SqlitePlan } from './sqlite-plans.js';
import { claimedEffectFromRow, claimedTimerFromRow, effectFromRow, historyFromRow, instanceFromRow, jsonColumn, timerFromRow, type EffectRow, type InstanceRow, type TimerRow } from './sqlite-rows.js';
import { sqliteRetention } from './sqlite-retention.js';

/** Options for {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Path of the database file (created if missing). `':memory:'` works for throwaway use. Not blank,
   * no white space at either end, without U+0000 or an unpaired surrogate (`INVALID_ARGUMENT`,
   * `details.field: 'filename'`): each would open another file than the one named.
   */
  readonly filename: string;
  /**
   * Open an existing Docket database for reading only (tooling, the CLI's read commands): the file
   * must exist, is never created or migrated, and every write method rejects with
   * `STORE_UNAVAILABLE`. A file that is not SQLite or not a Docket database fails `init()` with
   * `CORRUPT_SNAPSHOT`; a newer schema, with `STORE_UNAVAILABLE`. Nothing is written either way.
   */
  readonly readonly?: boolean;
  /**
   * With `readonly`: leave the folder exactly as it was. SQLite opens a WAL-mode file read-only by
   * creating `-wal` and `-shm` files beside it (and leaves them); with this option, when no `-wal`
   * file exists (no writer has the database open and the last one closed cleanly, so the main file
   * holds every commit) the file is opened as immutable (URI `immutable=1`: no locks, no side
   * files). When a `-wal` file exists its commits are only readable through it, so the file is
   * opened normally (SQLite uses, and if missing creates, the `-shm` file). Immutable reads take no
   * lock: a writer that opens the file meanwhile can change it under the reader, so check
   * {@link SqliteStore.openedImmutable} and re-read when a `-wal` file appeared (the CLI does).
   * Needs SQLite URI filenames: better-sqlite3 enables them when `SQLITE_USE_URI=1` is in the
   * environment before its first database opens; otherwise `init()` fails with STORE_UNAVAILABLE
   * (reason `unopenable`) saying so.
   */
  readonly untouched?: boolean;
  /**
   * `'full'` (default): an acknowledged event survives power loss (`synchronous=FULL`).
   * `'normal'`: faster; survives a process crash but may lose the last commits on power loss or an
   * OS crash (`synchronous=NORMAL` in WAL mode). An explicit opt-in.
   */
  readonly durability?: 'full' | 'normal';
  /** How long a writer waits for another process's write lock before failing, 0 to 2^31 - 1 ms. Default 5000 ms. */
  readonly busyTimeoutMs?: number;
  /** Most writes applied in one group-commit transaction. Default 512. */
  readonly maxBatch?: number;
}

/** A {@link Store} on a SQLite file, with the underlying better-sqlite3 handle for tooling. */
export interface SqliteStore extends Store {
  readonly kind: 'sqlite';
  readonly filename: string;
  /** The open better-sqlite3 connection (opened by `init()` or the first call). */
  database(): BetterSqlite3.Database;
  /** Group-commit counters: how many transactions carried how many writes. */
  stats(): { readonly groups: number; readonly writes: number };
  /** True once opened as immutable (`readonly` + `untouched`, no `-wal` file at open); else false. */
  openedImmutable(): boolean;
}

function isConstraint(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_CONSTRAINT');
}

/** What to do about a read SQLite failed, by its result code. */
function readAdvice(code: string | undefined): string {
  if (code === undefined) return 'Retry once the cause is fixed.';
  if (code.startsWith('SQLITE_CORRUPT') || code === 'SQLITE_NOTADB') {
    return 'The database file is damaged: stop every process using it, run `PRAGMA integrity_check`, and restore it from a backup if that fails.';
  }
  if (code === 'SQLITE_FULL') return 'The disk (or its temporary space) is full: free space, then retry.';
  if (code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED') return 'Another connection holds a lock: retry.';
  return 'Check that the database file and its -wal and -shm files are still in place and readable and that the disk is healthy, then retry.';
}

/**
 * A read SQLite failed (an I/O error, a damaged file, a full disk, the file gone): `STORE_UNAVAILABLE`
 * naming SQLite's code, with the driver's error as `cause`. A read changes nothing. A DocketError (a
 * row that does not decode, the store closed) passes through as it is.
 */
function readFailed(filename: string, error: unknown): unknown {
  if (isDocketError(error)) return error;
  const code = (error as { code?: unknown })?.code;
  const sqliteCode = typeof code === 'string' ? code : undefined;
  return new DocketError(
    'STORE_UNAVAILABLE',
    `The SQLite store ${filename} could not read (${error instanceof Error ? error.message : String(error)}${sqliteCode === undefined ? '' : `, ${sqliteCode}`}); nothing was changed. ${readAdvice(sqliteCode)}`,
    { cause: error, reason: 'read', ...(sqliteCode === undefined ? {} : { sqliteCode }) },
  );
}

/** Why a read-only open failed, in `DocketError.details.reason` (the CLI maps it to its own codes). */
export type SqliteReadonlyFailure = 'missing' | 'unopenable' | 'not-sqlite' | 'not-docket' | 'newer-schema';

function readonlyFailure(code: 'STORE_UNAVAILABLE' | 'CORRUPT_SNAPSHOT', reason: SqliteReadonlyFailure, message: string, cause?: unknown): DocketError {
  return new DocketError(code, message, cause === undefined ? { reason } : { reason, cause });
}

/** The largest value SQLite's `busy_timeout` keeps (a C `int`): 2^31 - 1 ms, about 24.8 days. */
const SQLITE_INT_MAX = 2_147_483_647;

/** The keys of {@link SqliteStoreOptions}. */
const SQLITE_OPTION_KEYS = ['filename', 'readonly', 'untouched', 'durability', 'busyTimeoutMs', 'maxBatch'] as const;

/**
 * The options read by the house rule (a plain object, known keys, each read once) and checked, before
 * anything is opened: `INVALID_ARGUMENT` naming the field otherwise. Nothing checked them: a
 * `durability: 'FULL'` ran with `synchronous=NORMAL` (anything but 'full' was the weaker setting, so
 * acknowledged events could be lost at a power cut), a misspelt `durabilty` was ignored, and a
 * `maxBatch` of 0 hung the process in an endless loop at the first write.
 */
function checkSqliteOptions(raw: unknown): SqliteStoreOptions {
  const what = 'sqliteStore()';
  const o = readOptions(raw, { keys: SQLITE_OPTION_KEYS, what, usage: "{ filename: './docket.db' }" });
  if (typeof o.filename !== 'string') {
    throw new DocketError('INVALID_ARGUMENT', `${what}: filename must be the path of the database file (a string; ':memory:' for a throwaway one).`, { field: 'filename' });
  }
  // SQLite takes '' as a temporary database deleted at close (an unset environment variable lost
  // every instance, silently), reads a path up to its first U+0000 ('a\u0000b' created the file 'a',
  // then init() failed with a raw TypeError), and writes a lone surrogate as U+FFFD (another file
  // than the one named). Refused before anything is opened, as is white space at either end (below).
  if (o.filename.trim() === '') {
    throw new DocketError('INVALID_ARGUMENT', `${what}: filename is blank: give the path of the database file, or ':memory:' for a throwaway one (SQLite takes '' as a temporary database that is deleted when it closes).`, { field: 'filename' });
  }
  // better-sqlite3 trims the path it is given ('./a.db ' opened './a.db'), while Docket's own
  // checks (the file exists, its -wal beside it) read the path as given: refused, not guessed at.
  if (o.filename !== o.filename.trim()) {
    throw new DocketError('INVALID_ARGUMENT', `${what}: filename ${shownValue(o.filename)} starts or ends with white space, which the SQLite driver strips (it would open another file than the one named): give the path without it.`, { field: 'filename' });
  }
  const fault = stringFault(o.filename);
  if (fault !== undefined) {
    throw new DocketError('INVALID_ARGUMENT', `${what}: filename ${fault}: SQLite would open another file than the one named (a path ends at U+0000; a lone surrogate is written as U+FFFD). Give the path without it.`, { field: 'filename' });
  }
  const readonly = oneOfOption(o.readonly, [true, false], 'readonly', what);
  const untouched = oneOfOption(o.untouched, [true, false], 'untouched', what);
  const durability = oneOfOption(o.durability, ['full', 'normal'] as const, 'durability', what);
  // SQLite keeps the busy timeout in a 32-bit int: a larger value became 0 (fail at once, never wait).
  const busyTimeoutMs = wholeOption(o.busyTimeoutMs, 'busyTimeoutMs', what, 0, SQLITE_INT_MAX);
  const maxBatch = wholeOption(o.maxBatch, 'maxBatch', what, 1);
  return {
    filename: o.filename,
    ...(readonly === undefined ? {} : { readonly }),
    ...(untouched === undefined ? {} : { untouched }),
    ...(durability === undefined ? {} : { durability }),
    ...(busyTimeoutMs === undefined ? {} : { busyTimeoutMs }),
    ...(maxBatch === undefined ? {} : { maxBatch }),
  };
}

/**
 * Open an existing Docket database without changing it: no pragma that writes, no migration. Every
 * check runs before the handle is returned, so a bad path or a foreign file leaves the disk as it was.
 */
function openReadonly(filename: string, busyTimeoutMs: number, immutable: boolean): BetterSqlite3.Database {
  if (filename === ':memory:' || !existsSync(filename)) {
    throw readonlyFailure('STORE_UNAVAILABLE', 'missing', `Database file not found: ${filename}. Check the path (a read-only store never creates a database).`);
  }
  const Database = loadOptionalDriver<typeof BetterSqlite3>(createRequire(import.meta.url), 'better-sqlite3', 'docket/sqlite');
  let handle: BetterSqlite3.Database;
  try {
    if (immutable) {
      // pathToFileURL percent-encodes `?`, `#` and `%`, which SQLite's URI parser decodes back.
      try {
        handle = new Database(`${pathToFileURL(resolve(filename)).href}?immutable=1`, { readonly: true });
      } catch (error) {
        throw new Error(
          `opening it untouched needs SQLite URI filenames; set SQLITE_USE_URI=1 in the environment before better-sqlite3 opens its first database (${error instanceof Error ? error.message : String(error)})`,
        );
      }
    } else {
      handle = new Database(filename, { readonly: true, fileMustExist: true });
      handle.pragma(`busy_timeout = ${busyTimeoutMs}`);
    }
  } catch (error) {
    throw readonlyFailure('STORE_UNAVAILABLE', 'unopenable', `Cannot open SQLite database ${filename} read-only: ${error instanceof Error ? error.message : String(error)}.`, error);
  }
  try {
    let row: { value: string } | undefined;
    try {
      const p = plans.getMeta('schema_version');
      row = handle.prepare(p.text).get(p.values) as { value: string } | undefined;
    } catch (error) {
      const why = error instanceof Error ? error.message : String(error);
      if (/no such table: docket_meta/.test(why)) {
        throw readonlyFailure('CORRUPT_SNAPSHOT', 'not-docket', `${filename} is not a Docket database: it has no docket_meta table. Nothing was written.`);
      }
      throw readonlyFailure('CORRUPT_SNAPSHOT', 'not-sqlite', `${filename} is not a readable SQLite database (${why}). It may be corrupt or another kind of file; nothing was written.`, error);
    }
    const version = row ? Number(row.value) : Number.NaN;
    if (!Number.isInteger(version) || version < 1) {
      throw readonlyFailure('CORRUPT_SNAPSHOT', 'not-docket', `${filename} is not a Docket database: it has no schema version. Nothing was written.`);
    }
    if (version > SQLITE_SCHEMA_VERSION) throw newerSchema(`SQLite database ${filename}`, version, SQLITE_SCHEMA_VERSION, 'read');
  } catch (error) {
    handle.close();
    throw error;
  }
  return handle;
}

/**
 * The embedded default store: one SQLite file in WAL mode on better-sqlite3. Every acknowledged
 * event is on disk before `commit` resolves (`synchronous=FULL`); concurrent commits share one
 * transaction and one fsync (group commit), each in its own savepoint so one conflict fails alone.
 *
 * @example
 * ```ts
 * import { createEngine, systemClock } from 'docket';
 * import { sqliteStore } from 'docket/sqlite';
 * const store = sqliteStore({ filename: './docket.db' });
 * const engine = createEngine({ store, clock: systemClock(), workflows: [] });
 * await store.init();
 *
 * // Tooling that only looks: never creates, migrates or writes the file.
 * const reader = sqliteStore({ filename: './docket.db', readonly: true });
 * ```
 */
export function sqliteStore(rawOptions: SqliteStoreOptions): SqliteStore {
  const options = checkSqliteOptions(rawOptions);
  const durability = options.durability ?? 'full';
  let db: BetterSqlite3.Database | undefined;
  let writer: SqliteGroupCommit | undefined;
  const guard = closedGuard(`SQLite store ${options.filename}`);
  let immutable = false;
  /** The file's schema version: this library's once migrated; an older one only in read-only mode. */
  let schemaVersion = SQLITE_SCHEMA_VERSION;
  const statements = new Map<string, BetterSqlite3.Statement>();

  function open(): BetterSqlite3.Database {
    guard.check();
    if (db) return db;
    if (options.readonly === true) {
      immutable = options.untouched === true && !existsSync(`${options.filename}-wal`);
      db = openReadonly(options.filename, options.busyTimeoutMs ?? 5000, immutable);
      const p = plans.getMeta('schema_version');
      schemaVersion = Number((db.prepare(p.text).get(p.values) as { value: string }).value);
      return db;
    }
    const Database = loadOptionalDriver<typeof BetterSqlite3>(createRequire(import.meta.url), 'better-sqlite3', 'docket/sqlite');
    let handle: BetterSqlite3.Database;
    try {
      handle = new Database(options.filename);
      handle.pragma('journal_mode = WAL');
      handle.pragma(`synchronous = ${durability === 'full' ? 'FULL' : 'NORMAL'}`);
      handle.pragma(`busy_timeout = ${options.busyTimeoutMs ?? 5000}`);
      handle.pragma('foreign_keys = OFF');
    } catch (error) {
      throw new DocketError('STORE_UNAVAILABLE', `Cannot open SQLite database ${options.filename}: ${error instanceof Error ? error.message : String(error)}.`, {
        cause: error,
      });
    }
    try {
      migrate(handle);
    } catch (error) {
      handle.close();
      throw error;
    }
    db = handle;
    wal = walIdentity();
    writer = new SqliteGroupCommit(handle, options.maxBatch ?? 512, checkWal);
    return handle;
  }

  // The WAL file this connection writes to, by device and inode. Deleting (or replacing) it under a
  // running store is silent for SQLite: commits keep going to the unlinked file and are lost at the
  // next crash. Checked before every COMMIT; see `checkWal`.
  let wal: { dev: number; ino: number } | undefined;
  let walLost: DocketError | undefined;
  // Resolved now: a later `process.chdir` must not make the WAL look deleted.
  const walPath = `${resolve(options.filename)}-wal`;

  function walIdentity(): { dev: number; ino: number } | undefined {
    if (options.filename === ':memory:' || options.filename === '') return undefined;
    const st = statSync(walPath, { throwIfNoEntry: false });
    return st ? { dev: st.dev, ino: st.ino } : undefined;
  }

  /**
   * Before each COMMIT: is the WAL we write to still the file on disk? If it was deleted or
   * replaced, copy what is in it (every acknowledged commit) into the database file with a
   * checkpoint, refuse this group (nothing of it is written) and every later write.
   */
  function checkWal(): void {
    if (walLost) throw walLost;
    if (wal === undefined) {
      wal = walIdentity();
      return;
    }
    const now = walIdentity();
    if (now !== undefined && now.dev === wal.dev && now.ino === wal.ino) return;
    walLost = new DocketError(
      'STORE_UNAVAILABLE',
      `The SQLite write-ahead log ${walPath} was ${now === undefined ? 'deleted' : 'replaced by another file'} while this store had it open. ` +
        'Never delete -wal or -shm files of an open database: they hold committed data. Docket copied every acknowledged commit into the ' +
        'database file and stopped writing; this write was not applied. Stop every process using the file, run `PRAGMA integrity_check`, then reopen the store.',
      { reason: 'wal-lost', filename: options.filename },
    );
    try {
      db?.exec('ROLLBACK');
      db?.pragma('wal_checkpoint(FULL)');
    } catch {
      // Best effort: the error below still stops every write.
    }
    throw walLost;
  }

  /**
   * Bring the file's schema up to date in one `BEGIN IMMEDIATE` transaction. A failure leaves the
   * schema as it was (SQLite rolls the transaction back; a COMMIT that failed after writing leaves it
   * migrated, and the next open finds nothing to do): never half. It is `STORE_UNAVAILABLE` naming
   * SQLite's code, what the caller can fix (space, another process's lock) and that a retry is safe.
   * Before, a lock held elsewhere escaped as a raw SqliteError, and a full disk as "cannot rollback -
   * no transaction is active": the ROLLBACK after SQLite had already rolled back hid the cause.
   */
  function migrate(handle: BetterSqlite3.Database) {
    try {
      handle.exec('BEGIN IMMEDIATE');
      handle.exec(SQLITE_META_TABLE);
      const meta = plans.getMeta('schema_version');
      const row = handle.prepare(meta.text).get(meta.values) as { value: string } | undefined;
      const pending = migrationsToApply(`SQLite database ${options.filename}`, row ? Number(row.value) : 0, SQLITE_MIGRATIONS);
      for (const migration of pending) handle.exec(migration.sql);
      if (pending.length > 0) {
        const p = plans.setMeta('schema_version', String(SQLITE_SCHEMA_VERSION));
        handle.prepare(p.text).run(p.values);
      }
      handle.exec('COMMIT');
    } catch (error) {
      try {
        if (handle.inTransaction) handle.exec('ROLLBACK');
      } catch {
        // SQLite ended it meanwhile: nothing more to undo.
      }
      if (isDocketError(error)) throw error;
      const code = (error as { code?: unknown })?.code;
      throw new DocketError(
        'STORE_UNAVAILABLE',
        `Cannot open SQLite database ${options.filename}: bringing its schema up to date failed (${error instanceof Error ? error.message : String(error)}${typeof code === 'string' ? `, ${code}` : ''}). ` +
          'The schema is as it was, or fully updated, never half; nothing else was written. Fix the cause (free disk space, or wait for the process holding the write lock) and open it again.',
        { cause: error, reason: 'migration', ...(typeof code === 'string' ? { sqliteCode: code } : {}) },
      );
    }
  }

  function statement(p: SqlitePlan): BetterSqlite3.Statement {
    const handle = open();
    let s = statements.get(p.text);
    if (!s) statements.set(p.text, (s = handle.prepare(p.text)));
    return s;
  }
  // Whether a write of the group writer is running (synchronously, inside its transaction): there a
  // raw SQLite failure is left to the writer, which tells each caller the truth about its write.
  let writing = false;
  /**
   * A statement of a read failed: every read goes through {@link get} and {@link all}, so this is
   * the one place a read's failure is named. Before, reads (load, history, list, the inbox…) let a
   * raw SqliteError escape on an I/O error, a damaged file or a full disk.
   */
  function failed(error: unknown): unknown {
    return writing ? error : readFailed(options.filename, error);
  }
  // better-sqlite3 binds an array to the anonymous parameters in order: no spread on the hot path.
  const run = (p: SqlitePlan) => statement(p).run(p.values);
  function get<T>(p: SqlitePlan): T | undefined {
    try {
      return statement(p).get(p.values) as T | undefined;
    } catch (error) {
      throw failed(error);
    }
  }
  function all<T>(p: SqlitePlan): T[] {
    try {
      return statement(p).all(p.values) as T[];
    } catch (error) {
      throw failed(error);
    }
  }

  async function write<T>(fn: () => T, committed?: (value: T) => void): Promise<T> {
    open();
    if (!writer) {
      throw new DocketError(
        'STORE_UNAVAILABLE',
        `The SQLite store ${options.filename} was opened read-only and never writes; open it without \`readonly: true\` to change it.`,
        { reason: 'read-only' },
      );
    }
    return writer.write(() => {
      writing = true;
      try {
        return fn();
      } finally {
        writing = false;
      }
    }, committed);
  }

  // What this connection knows each instance looks like at its latest revision: the record it last
  // loaded or committed, the row's seq, and the task rows it wrote (undefined: not known). Exact
  // while no other connection writes: `PRAGMA data_version` changes when one does, and then all of
  // it is forgotten. It lets `load` skip parsing the row, and `commit` skip rewriting what did not
  // change (indexed columns, state paths, tasks).
  interface Known {
    readonly record: InstanceRecord;
    readonly seq: number;
    readonly tasks: TaskRows | undefined;
  }
  /** An instance's inbox rows as stored: each task's JSON body and row seq, in list order. */
  interface TaskRows {
    readonly bodies: readonly string[];
    readonly seqs: readonly number[];
  }
  const NO_TASKS: TaskRows = { bodies: [], seqs: [] };
  const known = new Map<string, Known>();
  const KNOWN_MAX = 2000;
  let dataVersion: unknown;
  /** `PRAGMA data_version`, plucked: prepared once per connection. */
  let versionProbe: BetterSqlite3.Statement | undefined;

  /** Forget everything known if another connection wrote since we last looked. */
  function revalidate(): void {
    let v: unknown;
    try {
      v = (versionProbe ??= statement(plans.dataVersion()).pluck()).get();
    } catch (error) {
      throw failed(error);
    }
    if (v !== dataVersion) {
      known.clear();
      dataVersion = v;
    }
  }

  function remember(k: Known): void {
    const id = k.record.id;
    known.delete(id);
    known.set(id, k);
    if (known.size > KNOWN_MAX) known.delete(known.keys().next().value!);
  }

  function sameStrings(a: readonly string[], b: readonly string[]): boolean {
    if (a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
    return true;
  }

  /** Apply one commit inside the group's transaction; returns what becomes known once it is durable. */
  function applyCommit(c: Commit): Known {
    const id = c.instance.id;
    const r = c.instance;
    revalidate();
    let seq: number;
    let previousPaths: readonly string[] = [];
    let previousTasks: TaskRows | undefined;
    if (c.expectedRevision === 0) {
      // In the write's own transaction: an archive or purge cannot slip between this and the insert.
      if (schemaVersion >= 4 && get(plans.retainedId(id))) throw conflict(id, conflictReason.retained(id));
      const inserted = get<{ seq: number }>(plans.insertInstance(r));
      if (!inserted) throw conflict(id, conflictReason.exists(id));
      seq = inserted.seq;
      previousTasks = NO_TASKS;
    } else {
      let previous: { readonly workflow: string; readonly status: string; readonly nextDueAt: number | null };
      const k = known.get(id);
      if (k && k.record.revision === c.expectedRevision) {
        previous = k.record;
        previousPaths = k.record.statePaths;
        seq = k.seq;
        previousTasks = k.tasks;
      } else {
        const row = get<{ seq: number; revision: number; workflow: string; status: string; next_due_at: number | null; state_paths: string }>(
          plans.instancePrevious(id),
        );
        checkRevision(id, row?.revision, c.expectedRevision);
        seq = row!.seq;
        previous = { workflow: row!.workflow, status: row!.status, nextDueAt: row!.next_due_at };
        let parsed: unknown;
        try {
          parsed = JSON.parse(row!.state_paths);
        } catch {
          // Handled below.
        }
        if (Array.isArray(parsed)) previousPaths = parsed as string[];
        else run(plans.deleteStatePaths(seq)); // An unreadable paths column: clear by seq (a scan, but rare).
      }
      if (run(plans.updateInstance(r, plans.changedIndexed(previous, r), seq, c.expectedRevision)).changes === 0) {
        const head = get<{ revision: number }>(plans.instanceHead(id));
        throw conflict(id, conflictReason.stale(id, head?.revision ?? 0, c.expectedRevision));
      }
    }
    if (c.firesTimer && run(plans.fireTimer(c.firesTimer.id, c.firesTimer.firedAt)).changes === 0) {
      throw conflict(id, conflictReason.timerNotPending(c.firesTimer.id));
    }
    if (c.idempotency && run(plans.insertIdempotency(c.idempotency)).changes === 0) {
      throw conflict(id, conflictReason.idempotencyKeyUsed(c.idempotency.key));
    }
    try {
      run(plans.insertHistory(seq, c.history));
    } catch (error) {
      if (isConstraint(error)) throw historyPastHead(id, c.history.revision);
      throw error;
    }
    // Only the paths that changed: most events move within a state or to a sibling.
    const paths = r.statePaths;
    if (previousPaths.length === 1 && paths.length === 1) {
      if (previousPaths[0] !== paths[0]) run(plans.moveStatePath(previousPaths[0]!, paths[0]!, seq));
    } else if (!sameStrings(previousPaths, paths)) {
      for (const path of previousPaths) if (!paths.includes(path)) run(plans.deleteStatePath(path, seq));
      for (const path of paths) if (!previousPaths.includes(path)) run(plans.insertStatePath(path, seq));
    }
    let cancelled = 0;
    for (const timerId of c.cancelTimerIds) cancelled += run(plans.cancelTimer(timerId)).changes;
    if (cancelled !== c.cancelTimerIds.length) throw timersNotPending(id, cancelled, c.cancelTimerIds.length);
    for (const timer of c.addTimers) run(plans.insertTimer(timer));
    for (const effect of c.effects) run(plans.insertEffect(effect));
    let tasks = previousTasks;
    const stamped = tasksOf(c);
    if (stamped) tasks = writeTasks(id, stamped, previousTasks);
    return { record: r, seq, tasks };
  }

  /**
   * Store an instance's new task list, touching only what changed when the previous rows are known:
   * an unchanged list writes nothing; tasks closed from the list (most acts: one approver of a 会签
   * acts) delete their rows only; tasks appended keep the rows before them. Rows keep list order by
   * seq exactly as a full rewrite would, so the inbox order is the same either way. Anything else,
   * or rows not known, is a full rewrite.
   */
  function writeTasks(id: string, stamped: readonly TaskRecord[], previous: TaskRows | undefined): TaskRows {
    const bodies = stamped.map((t) => JSON.stringify(t));
    const insert = (from: number, seqs: number[]) => {
      for (let i = from; i < stamped.length; i++) {
        const task = stamped[i]!;
        const taskSeq = Number(run(plans.insertTaskJson(task, bodies[i]!)).lastInsertRowid);
        for (const assignee of task.assignees) run(plans.insertTaskAssignee(assignee, taskSeq, task.instanceId));
        for (const role of task.roles) run(plans.insertTaskRole(role, taskSeq, task.instanceId));
        seqs.push(taskSeq);
      }
      return { bodies, seqs };
    };
    if (previous) {
      const before = previous.bodies;
      // The new list is the old one with some tasks taken out (same order): delete those rows only.
      if (bodies.length <= before.length) {
        const kept: number[] = [];
        const gone: number[] = [];
        let j = 0;
        for (let i = 0; i < before.length; i++) {
          if (j < bodies.length && before[i] === bodies[j]) {
            kept.push(previous.seqs[i]!);
            j++;
          } else gone.push(previous.seqs[i]!);
        }
        if (j === bodies.length) {
          for (const taskSeq of gone) for (const p of plans.deleteTask(id, taskSeq)) run(p);
          return { bodies, seqs: kept };
        }
      }
      // The old list with tasks appended: insert the new ones only.
      if (before.every((body, i) => bodies[i] === body)) return insert(before.length, [...previous.seqs]);
    }
    for (const p of plans.deleteTasks(id)) run(p);
    return insert(0, []);
  }

  const store: SqliteStore = {
    ...sqliteRetention({ write, run, get, all, open, forget: (id) => known.delete(id) }),
    kind: 'sqlite',
    filename: options.filename,
    database: open,
    stats: () => ({ groups: writer?.groups ?? 0, writes: writer?.writes ?? 0 }),
    openedImmutable: () => immutable,
    async init() {
      open();
    },
    async load(instanceId) {
      checkId(instanceId);
      revalidate();
      const k = known.get(instanceId);
      if (k) return k.record;
      const row = get<InstanceRow>(plans.loadInstance(instanceId, schemaVersion >= 4));
      if (!row) return undefined;
      const record = instanceFromRow(row);
      remember({ record, seq: row.seq, tasks: undefined });
      return record;
    },
    async commit(c: Commit) {
      checkCommitRules(c);
      try {
        await write(() => applyCommit(c), remember);
      } catch (error) {
        // Whatever we believed about this instance may be what made the commit fail.
        known.delete(c.instance.id);
        throw error;
      }
    },
    async list(query: InstanceQuery = {}): Promise<Page<InstanceRecord>> {
      const { limit, after, bound } = checkInstanceQuery(query);
      return keysetPage(all<InstanceRow>(plans.listInstances(bound, after, limit + 1, schemaVersion >= 4)), limit, (row) => row.seq, instanceFromRow);
    },
    async history(instanceId, opts = {}) {
      open();
      checkId(instanceId);
      const plan = schemaVersion >= 3 ? plans.history : plans.historyBeforeV3;
      const { after, limit } = checkHistoryRange(opts);
      return all<{ revision: number; entry: string }>(plan(instanceId, after, limit ?? -1)).map((r) => historyFromRow(instanceId, r));
    },
    async appendRefusal(raw: RefusalEntry) {
      const entry = storableRefusal(raw);
      return write(() => void run(plans.insertRefusal(entry)));
    },
    async refusals(instanceId) {
      checkId(instanceId);
      return all<{ entry: string }>(plans.refusals(instanceId)).map((r) => jsonColumn<RefusalEntry>(instanceId, 'refusal', r.entry));
    },
    async timers(instanceId) {
      checkId(instanceId);
      return all<TimerRow>(plans.pendingTimers(instanceId)).map(timerFromRow);
    },
    async nextTimerDue() {
      return get<{ at: number | null }>(plans.nextTimerDue())?.at ?? undefined;
    },
    async claimDueTimers(rawNow, rawOpts) {
      const { now, options: opts } = checkClaim(rawNow, rawOpts);
      return write(() => {
        const rows = all<TimerRow>(plans.claimTimers(now, opts, opts.leaseMs, opts.limit));
        // Row by row: one unreadable row must not fail the claim of every other (claimedTimerFromRow).
        return rows.map(claimedTimerFromRow).sort(byTimerDue);
      });
    },
    async releaseTimer(rawId, rawClaim) {
      const { timerId, claim } = checkTimerHand(rawId, rawClaim);
      return write(() => void run(plans.releaseTimer(timerId, claim)));
    },
    async deferTimer(rawId, rawClaim, rawUntil) {
      const { timerId, claim, until } = checkTimerHand(rawId, rawClaim, rawUntil);
      return write(() => void run(plans.deferTimer(timerId, claim, until)));
    },
    async retireTimer(rawId, rawClaim) {
      const { timerId, claim } = checkTimerHand(rawId, rawClaim);
      return write(() => run(plans.retireTimer(timerId, claim)).changes > 0);
    },
    async findIdempotency(instanceId, key) {
      checkId(instanceId);
      checkKey(key);
      const row = get<{ record: string }>(plans.findIdempotency(instanceId, key));
      return row ? jsonColumn<IdempotencyRecord>(instanceId, 'idempotency record', row.record) : undefined;
    },
    async claimEffects(rawNow, rawOpts) {
      const { now, options: opts } = checkClaim(rawNow, rawOpts);
      return write(() => {
        const rows = all<EffectRow>(plans.claimEffects(now, opts, opts.leaseMs, opts.limit));
        // Row by row: an unreadable one is set aside (dead, naming why), never fails the others.
        const claimed: EffectRecord[] = [];
        for (const row of rows) {
          const read = claimedEffectFromRow(row);
          if (read.effect) claimed.push(read.effect);
          else run(plans.setAsideEffect(row.id, `Set aside by the claim, never delivered: ${read.unreadable}`));
        }
        return claimed.sort(byEffectDue);
      });
    },
    async nextEffectDue() {
      return get<{ at: number | null }>(plans.nextEffectDue())?.at ?? undefined;
    },
    async updateEffect(rawId, rawUpdate) {
      const { effectId, update } = checkEffectUpdate(rawId, rawUpdate);
      return write(() => {
        if (run(plans.updateEffect(effectId, update)).changes === 0) {
          throw get(plans.effectExists(effectId)) ? staleEffectClaim(effectId, update) : unknownEffect(effectId);
        }
      });
    },
    async effects(instanceId) {
      checkId(instanceId);
      return all<EffectRow>(plans.effects(instanceId)).map(effectFromRow);
    },
    async tasks(query: TaskQuery = {}) {
      const { limit, bound } = checkTaskQuery(query);
      return all<{ task: string }>(plans.tasks(bound, schemaVersion >= 4, limit)).map((r) => jsonColumn<TaskRecord>(bound.instanceId ?? '(task)', 'task', r.task));
    },
    async close() {
      if (guard.closed) return;
      writer?.flush();
      guard.close();
      statements.clear();
      known.clear();
      versionProbe = undefined;
      db?.close();
      db = undefined;
    },
  };
  return store;
}
