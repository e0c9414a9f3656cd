import Database from 'better-sqlite3';
import type BetterSqlite3 from 'better-sqlite3';
import { DocketError } from '../errors.js';
import type { EffectRecord, IdempotencyRecord, InstanceRecord, RefusalEntry, TaskRecord, TimerRecord, HistoryEntry } from '../store/records.js';
import type { Commit, InstanceQuery, Page, Store, TaskQuery } from '../store/store.js';
import { SqliteGroupCommit } from './sqlite-group-commit.js';
import { SQLITE_META_TABLE, SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from './sqlite-migrations.js';
import * as plans from './sqlite-plans.js';
import type { SqlitePlan } from './sqlite-plans.js';
import { effectFromRow, instanceFromRow, jsonColumn, timerFromRow, type EffectRow, type InstanceRow, type TimerRow } from './sqlite-rows.js';

/** Options for {@link sqliteStore}. */
export interface SqliteStoreOptions {
  /** Path of the database file (created if missing). `':memory:'` works for throwaway use. */
  readonly filename: string;
  /**
   * `'full'` (default): an acknowledged event survives power loss (`synchronous=FULL`).
   * `'normal'`: faster; survives a process crash but may lose the last commits on power loss or an
   * OS crash (`synchronous=NORMAL` in WAL mode). An explicit opt-in.
   */
  readonly durability?: 'full' | 'normal';
  /** How long a writer waits for another process's write lock before failing. Default 5000 ms. */
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
}

function conflict(instanceId: string, message: string): never {
  throw new DocketError('CONFLICT', `${message} Reload the instance and try again.`, { instanceId });
}

function isConstraint(error: unknown): boolean {
  return typeof (error as { code?: unknown })?.code === 'string' && (error as { code: string }).code.startsWith('SQLITE_CONSTRAINT');
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
 * ```
 */
export function sqliteStore(options: SqliteStoreOptions): SqliteStore {
  const durability = options.durability ?? 'full';
  let db: BetterSqlite3.Database | undefined;
  let writer: SqliteGroupCommit | undefined;
  let closed = false;
  const statements = new Map<string, BetterSqlite3.Statement>();

  function open(): BetterSqlite3.Database {
    if (closed) throw new DocketError('STORE_UNAVAILABLE', `The SQLite store ${options.filename} was closed; create a new one.`);
    if (db) return db;
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
    writer = new SqliteGroupCommit(handle, options.maxBatch ?? 512);
    return handle;
  }

  function migrate(handle: BetterSqlite3.Database) {
    handle.exec('BEGIN IMMEDIATE');
    try {
      handle.exec(SQLITE_META_TABLE);
      const row = handle.prepare(plans.getMeta('schema_version').text).get('schema_version') as { value: string } | undefined;
      const current = row ? Number(row.value) : 0;
      if (current > SQLITE_SCHEMA_VERSION) {
        throw new DocketError(
          'STORE_UNAVAILABLE',
          `SQLite database ${options.filename} has schema version ${current}, newer than this Docket's ${SQLITE_SCHEMA_VERSION}. Upgrade Docket; this version will not write to it.`,
        );
      }
      for (const migration of SQLITE_MIGRATIONS) if (migration.version > current) handle.exec(migration.sql);
      if (current < SQLITE_SCHEMA_VERSION) {
        const p = plans.setMeta('schema_version', String(SQLITE_SCHEMA_VERSION));
        handle.prepare(p.text).run(...p.values);
      }
      handle.exec('COMMIT');
    } catch (error) {
      handle.exec('ROLLBACK');
      throw error;
    }
  }

  function statement(p: SqlitePlan): BetterSqlite3.Statement {
    const handle = open();
    let s = statements.get(p.text);
    if (!s) statements.set(p.text, (s = handle.prepare(p.text)));
    return s;
  }
  const run = (p: SqlitePlan) => statement(p).run(...p.values);
  const get = <T>(p: SqlitePlan) => statement(p).get(...p.values) as T | undefined;
  const all = <T>(p: SqlitePlan) => statement(p).all(...p.values) as T[];

  async function write<T>(fn: () => T): Promise<T> {
    open();
    return writer!.write(fn);
  }

  function applyCommit(c: Commit): void {
    const id = c.instance.id;
    if (c.instance.revision !== c.expectedRevision + 1 || c.history.revision !== c.instance.revision) {
      throw new DocketError('INVALID_ARGUMENT', `A commit must advance instance ${id} by exactly one revision.`, { instanceId: id });
    }
    let seq: number;
    if (c.expectedRevision === 0) {
      const p = plans.insertInstance(c.instance);
      const inserted = get<{ seq: number }>({ text: `${p.text} RETURNING seq`, values: p.values });
      if (!inserted) conflict(id, `Instance ${id} already exists: another writer created it first.`);
      seq = inserted.seq;
    } else {
      const p = plans.updateInstance(c.instance, c.expectedRevision);
      const updated = get<{ seq: number }>({ text: `${p.text} RETURNING seq`, values: p.values });
      if (!updated) {
        const head = get<{ revision: number }>(plans.instanceHead(id));
        conflict(id, `Instance ${id} is at revision ${head?.revision ?? 0}, not ${c.expectedRevision}: another writer changed it first.`);
      }
      seq = updated.seq;
    }
    if (c.firesTimer && run(plans.fireTimer(c.firesTimer.id, c.firesTimer.firedAt)).changes === 0) {
      conflict(id, `Timer ${c.firesTimer.id} is no longer pending.`);
    }
    if (c.idempotency && run(plans.insertIdempotency(c.idempotency)).changes === 0) {
      conflict(id, `Idempotency key "${c.idempotency.key}" was used concurrently.`);
    }
    try {
      run(plans.insertHistory(c.history));
    } catch (error) {
      if (isConstraint(error)) conflict(id, `Revision ${c.history.revision} of instance ${id} already exists.`);
      throw error;
    }
    run(plans.deleteStatePaths(seq));
    for (const path of c.instance.statePaths) run(plans.insertStatePath(path, seq));
    for (const timerId of c.cancelTimerIds) run(plans.cancelTimer(timerId));
    for (const timer of c.addTimers) run(plans.insertTimer(timer));
    for (const effect of c.effects) run(plans.insertEffect(effect));
    if (c.tasks) {
      for (const p of plans.deleteTasks(id)) run(p);
      for (const task of c.tasks) {
        const taskSeq = Number(run(plans.insertTask(task)).lastInsertRowid);
        for (const assignee of task.assignees) run(plans.insertTaskAssignee(assignee, taskSeq, task.instanceId));
        for (const role of task.roles) run(plans.insertTaskRole(role, taskSeq, task.instanceId));
      }
    }
  }

  const store: SqliteStore = {
    kind: 'sqlite',
    filename: options.filename,
    database: open,
    stats: () => ({ groups: writer?.groups ?? 0, writes: writer?.writes ?? 0 }),
    async init() {
      open();
    },
    async load(instanceId) {
      const row = get<InstanceRow>(plans.loadInstance(instanceId));
      return row ? instanceFromRow(row) : undefined;
    },
    commit(c: Commit) {
      return write(() => applyCommit(c));
    },
    async list(query: InstanceQuery = {}): Promise<Page<InstanceRecord>> {
      const limit = query.limit ?? 100;
      const after = query.cursor ? Number.parseInt(query.cursor, 36) : 0;
      if (!Number.isFinite(after)) throw new DocketError('INVALID_ARGUMENT', `Cursor "${query.cursor}" is not one this store returned.`);
      const rows = all<InstanceRow>(plans.listInstances(query, after, limit + 1));
      const page = rows.slice(0, limit);
      const items = page.map(instanceFromRow);
      const last = page.at(-1);
      return rows.length > limit && last ? { items, nextCursor: last.seq.toString(36) } : { items };
    },
    async history(instanceId, opts = {}) {
      const rows = all<{ entry: string }>(plans.history(instanceId, opts.afterRevision ?? 0, opts.limit ?? -1));
      return rows.map((r) => jsonColumn<HistoryEntry>(instanceId, 'history entry', r.entry));
    },
    appendRefusal(entry: RefusalEntry) {
      return write(() => void run(plans.insertRefusal(entry)));
    },
    async refusals(instanceId) {
      return all<{ entry: string }>(plans.refusals(instanceId)).map((r) => jsonColumn<RefusalEntry>(instanceId, 'refusal', r.entry));
    },
    async timers(instanceId) {
      return all<TimerRow>(plans.pendingTimers(instanceId)).map(timerFromRow);
    },
    async nextTimerDue() {
      return get<{ at: number | null }>(plans.nextTimerDue())?.at ?? undefined;
    },
    claimDueTimers(now, opts) {
      return write(() => {
        const rows = all<TimerRow>(plans.claimTimers(now, opts.owner, opts.leaseMs, opts.limit));
        return rows.map(timerFromRow).sort((a: TimerRecord, b: TimerRecord) => a.dueAt - b.dueAt || a.id.localeCompare(b.id));
      });
    },
    releaseTimer(timerId, owner) {
      return write(() => void run(plans.releaseTimer(timerId, owner)));
    },
    async findIdempotency(instanceId, key) {
      const row = get<{ record: string }>(plans.findIdempotency(instanceId, key));
      return row ? jsonColumn<IdempotencyRecord>(instanceId, 'idempotency record', row.record) : undefined;
    },
    claimEffects(now, opts) {
      return write(() => {
        const rows = all<EffectRow>(plans.claimEffects(now, opts.owner, opts.leaseMs, opts.limit));
        return rows.map(effectFromRow).sort((a: EffectRecord, b: EffectRecord) => a.nextAttemptAt - b.nextAttemptAt || a.id.localeCompare(b.id));
      });
    },
    async nextEffectDue() {
      return get<{ at: number | null }>(plans.nextEffectDue())?.at ?? undefined;
    },
    updateEffect(effectId, update) {
      return write(() => {
        if (run(plans.updateEffect(effectId, update)).changes === 0) {
          throw new DocketError('INVALID_ARGUMENT', `No effect ${effectId} in the outbox.`);
        }
      });
    },
    async effects(instanceId) {
      return all<EffectRow>(plans.effects(instanceId)).map(effectFromRow);
    },
    async tasks(query: TaskQuery = {}) {
      return all<{ task: string }>(plans.tasks(query)).map((r) => jsonColumn<TaskRecord>(query.instanceId ?? '(task)', 'task', r.task));
    },
    async close() {
      if (closed) return;
      writer?.flush();
      closed = true;
      statements.clear();
      db?.close();
      db = undefined;
    },
  };
  return store;
}
