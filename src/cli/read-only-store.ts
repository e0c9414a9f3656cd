import { existsSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import type BetterSqlite3 from 'better-sqlite3';
import { DocketError } from '../errors.js';
import type { HistoryEntry, InstanceRecord, RefusalEntry, TaskRecord } from '../store/records.js';
import type { InstanceQuery, Page, Store, TaskQuery } from '../store/store.js';
import { SQLITE_SCHEMA_VERSION } from '../sqlite/sqlite-migrations.js';
import * as plans from '../sqlite/sqlite-plans.js';
import { effectFromRow, instanceFromRow, jsonColumn, timerFromRow, type EffectRow, type InstanceRow, type TimerRow } from '../sqlite/sqlite-rows.js';
import { CliError } from './cli-error.js';

function refuseWrite(): never {
  throw new DocketError('STORE_UNAVAILABLE', 'This database was opened read-only by the docket CLI; read commands never write.');
}

/**
 * Open a Docket SQLite database for reading only: the file must exist (it is never created), must be
 * a SQLite file, and must carry Docket's schema at a version this CLI reads. Everything is checked
 * before a single query runs, and the connection is read-only, so a bad path or a corrupt file
 * changes nothing on disk. Throws a {@link CliError} (exit code 2) saying what is wrong.
 */
export function openReadOnlyStore(filename: string): Store {
  if (!existsSync(filename)) throw new CliError(`Database file not found: ${filename}. Check the path (read commands never create a database).`, 2, 'DB_MISSING');
  if (!statSync(filename).isFile()) throw new CliError(`${filename} is not a file.`, 2, 'DB_NOT_FILE');
  const require = createRequire(import.meta.url);
  let Database: typeof BetterSqlite3;
  try {
    Database = require('better-sqlite3') as typeof BetterSqlite3;
  } catch {
    throw new CliError('Reading a SQLite database needs the better-sqlite3 package: npm install better-sqlite3', 2, 'DRIVER_MISSING');
  }
  let db: BetterSqlite3.Database;
  try {
    db = new Database(filename, { readonly: true, fileMustExist: true });
  } catch (error) {
    throw new CliError(`Cannot open ${filename}: ${error instanceof Error ? error.message : String(error)}.`, 2, 'DB_CORRUPT');
  }
  try {
    const row = db.prepare(plans.getMeta('schema_version').text).get('schema_version') as { value: string } | undefined;
    const version = row ? Number(row.value) : Number.NaN;
    if (!Number.isInteger(version)) throw new Error('it has no Docket schema version');
    if (version > SQLITE_SCHEMA_VERSION) {
      throw new Error(`its schema version ${version} is newer than this docket's ${SQLITE_SCHEMA_VERSION}; upgrade docket`);
    }
    db.prepare('SELECT seq FROM docket_instances LIMIT 1').all();
  } catch (error) {
    db.close();
    const why = error instanceof Error ? error.message : String(error);
    const notSqlite = /not a database|file is encrypted|malformed/i.test(why);
    throw new CliError(
      notSqlite
        ? `${filename} is not a readable SQLite database (${why}). It may be corrupt or another kind of file; nothing was written.`
        : `${filename} is not a Docket database: ${why.replace(/^no such table: docket_meta$/, 'it has no docket_meta table')}. Nothing was written.`,
      2,
      'DB_CORRUPT',
    );
  }

  const all = <T>(p: plans.SqlitePlan) => db.prepare(p.text).all(...p.values) as T[];
  const get = <T>(p: plans.SqlitePlan) => db.prepare(p.text).get(...p.values) as T | undefined;

  return {
    kind: 'sqlite (read-only)',
    async init() {},
    async load(instanceId) {
      const row = get<InstanceRow>(plans.loadInstance(instanceId));
      return row ? instanceFromRow(row) : undefined;
    },
    commit: async () => refuseWrite(),
    async list(query: InstanceQuery = {}): Promise<Page<InstanceRecord>> {
      const limit = query.limit ?? 100;
      const after = query.cursor ? Number.parseInt(query.cursor, 36) : 0;
      const rows = all<InstanceRow>(plans.listInstances(query, after, limit + 1));
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      const items = page.map(instanceFromRow);
      return rows.length > limit && last ? { items, nextCursor: last.seq.toString(36) } : { items };
    },
    async history(instanceId, opts = {}) {
      return all<{ entry: string }>(plans.history(instanceId, opts.afterRevision ?? 0, opts.limit ?? -1)).map((r) => jsonColumn<HistoryEntry>(instanceId, 'history entry', r.entry));
    },
    appendRefusal: async () => refuseWrite(),
    async refusals(instanceId) {
      return all<{ entry: string }>(plans.refusals(instanceId)).map((r) => jsonColumn<RefusalEntry>(instanceId, 'refusal', r.entry));
    },
    async timers(instanceId) {
      return all<TimerRow>(plans.pendingTimers(instanceId)).map(timerFromRow);
    },
    async nextTimerDue() {
      return get<{ at: number | null }>(plans.nextTimerDue())?.at ?? undefined;
    },
    claimDueTimers: async () => refuseWrite(),
    releaseTimer: async () => refuseWrite(),
    async findIdempotency() {
      return undefined;
    },
    claimEffects: async () => refuseWrite(),
    async nextEffectDue() {
      return get<{ at: number | null }>(plans.nextEffectDue())?.at ?? undefined;
    },
    updateEffect: async () => refuseWrite(),
    async effects(instanceId) {
      return all<EffectRow>(plans.effects(instanceId)).map(effectFromRow);
    },
    async tasks(query: TaskQuery = {}) {
      return all<{ task: string }>(plans.tasks(query)).map((r) => jsonColumn<TaskRecord>(query.instanceId ?? '(task)', 'task', r.task));
    },
    async close() {
      db.close();
    },
  };
}
