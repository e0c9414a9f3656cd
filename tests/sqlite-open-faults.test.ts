import { spawnSync } from 'node:child_process';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDocketError, type Commit, type HistoryEntry } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { SQLITE_META_TABLE, SQLITE_MIGRATIONS, SQLITE_SCHEMA_VERSION } from '../src/sqlite/sqlite-migrations.js';
import { nextCommit } from './helpers/records.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

// Opening a SQLite store brings its schema up to date in one transaction. When that failed — the
// disk full (here: a file-size limit, `ulimit -f`, set on a child process, so the failure point is
// exact and needs no timing) or the write lock held by another process — `init()` rejected with a
// raw SqliteError, on a full disk even one that hid the cause ("cannot rollback - no transaction is
// active"). It is STORE_UNAVAILABLE naming SQLite's code, and the file is as it was or fully migrated.

interface Answer {
  readonly told: string;
  readonly sqliteCode?: string;
  readonly message?: string;
}

/** Run `init()` in a child process whose files may not grow past `limitKb` KiB. */
function initUnder(filename: string, limitKb: number): Answer {
  const child = spawnSync('bash', ['-c', `ulimit -f ${limitKb} && exec "${process.execPath}" --import tsx tests/helpers/sqlite-open-worker.ts "${filename}"`], {
    cwd: process.cwd(),
    encoding: 'utf8',
  });
  if (child.status !== 0) throw new Error(`open worker failed (${child.status}): ${child.stderr.slice(-2000)}`);
  return JSON.parse(child.stdout.trim().split('\n').at(-1)!) as Answer;
}

/** A schema v2 file (history keyed by instance id) with `instances` × `revisions` history entries. */
function writeV2(filename: string, instances: number, revisions: number): Map<string, HistoryEntry[]> {
  const db = new Database(filename);
  db.exec(SQLITE_META_TABLE);
  for (const m of SQLITE_MIGRATIONS) if (m.version <= 2) db.exec(m.sql);
  db.prepare(`INSERT INTO docket_meta (key, value) VALUES ('schema_version', '2')`).run();
  const entries = new Map<string, HistoryEntry[]>();
  const insert = db.transaction(() => {
    for (let n = 0; n < instances; n++) {
      const id = `i${n}`;
      let previous: Commit['instance'] | undefined;
      const history: HistoryEntry[] = [];
      for (let r = 0; r < revisions; r++) {
        const c = nextCommit(id, previous, { state: r % 2 === 0 ? 'review' : 'draft' });
        // Entries of a realistic size, so the migration's copy of the history writes a few hundred KiB.
        const entry = { ...c.history, reason: 'n'.repeat(600) } as HistoryEntry;
        history.push(entry);
        previous = c.instance;
        db.prepare(`INSERT INTO docket_history (instance_id, revision, kind, at, entry) VALUES (?, ?, ?, ?, ?)`).run(id, entry.revision, entry.kind, entry.at, JSON.stringify(entry));
      }
      const i = previous!;
      db.prepare(
        `INSERT INTO docket_instances (id, workflow, version, status, suspended, revision, next_due_at, history_hash, initiator, created_at, updated_at,
           row_format, snapshot, state, context, state_paths, timers, held_timers) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, NULL)`,
      ).run(i.id, i.workflow, i.version, i.status, i.revision, i.nextDueAt, i.historyHash, i.initiator, i.createdAt, i.updatedAt,
        JSON.stringify(i.snapshot), JSON.stringify(i.state), JSON.stringify(i.context), JSON.stringify(i.statePaths), JSON.stringify(i.timers));
      entries.set(id, history);
    }
  });
  insert();
  db.close();
  return entries;
}

/** Open without a limit: the schema is the latest, every entry is there, and the file is sound. */
async function expectWhole(filename: string, entries: Map<string, HistoryEntry[]>): Promise<void> {
  const store = sqliteStore({ filename });
  await store.init();
  const db = store.database();
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.prepare(`SELECT value FROM docket_meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(SQLITE_SCHEMA_VERSION) });
  for (const [id, history] of entries) expect(await store.history(id)).toEqual(history);
  await store.close();
}

describe.skipIf(process.platform === 'win32')('sqlite: opening fails while the schema is brought up to date', () => {
  it('the write lock held by another process: init() is STORE_UNAVAILABLE (SQLITE_BUSY), and opens once the lock is gone', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const entries = writeV2(filename, 2, 3);
      const other = new Database(filename);
      other.pragma('journal_mode = WAL');
      other.exec('BEGIN IMMEDIATE');
      const store = sqliteStore({ filename, busyTimeoutMs: 0 });
      const error = await store.init().catch((e: unknown) => e);
      expect(isDocketError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect(error).toMatchObject({ details: { reason: 'migration', sqliteCode: 'SQLITE_BUSY' } });
      expect((error as Error).message).toMatch(/as it was, or fully updated, never half.*open it again/);
      other.exec('ROLLBACK');
      other.close();
      await store.init();
      expect(await store.history('i1')).toEqual(entries.get('i1'));
      await store.close();
      await expectWhole(filename, entries);
    } finally {
      remove();
    }
  });

  it('the disk full while a new file gets its schema: init() is STORE_UNAVAILABLE naming the cause (not "cannot rollback"); with room it opens', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const answer = initUnder(filename, 16);
      expect(answer.told).toBe('STORE_UNAVAILABLE');
      expect(answer.sqliteCode).toMatch(/^SQLITE_(FULL|IOERR)/);
      expect(answer.message).toMatch(/bringing its schema up to date failed \((?!cannot rollback)/);
      await expectWhole(filename, new Map());
    } finally {
      remove();
    }
  });

  it('property: wherever the disk fills up while a v2 file is migrated, init() is ok or STORE_UNAVAILABLE, and the file opens whole afterwards (schema latest, every entry kept)', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      await fc.assert(
        // The limit is per file: the migration writes its ~450 KiB to the WAL, which starts empty (the
        // main file, already larger, is only read), so limits below that fail somewhere in it.
        fc.asyncProperty(fc.integer({ min: 8, max: 700 }), async (limitKb) => {
          remove();
          const entries = writeV2(filename, 20, 20);
          const answer = initUnder(filename, limitKb);
          expect(['ok', 'STORE_UNAVAILABLE']).toContain(answer.told);
          if (answer.told !== 'ok') expect(answer.message).not.toMatch(/cannot rollback/);
          await expectWhole(filename, entries);
        }),
        { numRuns: 8 },
      );
    } finally {
      remove();
    }
  });
});
