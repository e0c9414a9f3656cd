import Database from 'better-sqlite3';
import { openSync, writeSync, closeSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDocketError } from '../src/index.js';
import { sqliteStore, type SqliteStore } from '../src/sqlite/index.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { nextCommit, T0 } from './helpers/records.js';

// Regression: a read of the SQLite store (load, history, list, the inbox…) that SQLite failed — an
// I/O error, a damaged file, a full disk, a file gone — rejected with a raw SqliteError. It is
// STORE_UNAVAILABLE naming SQLite's code, with the driver's error as its cause and a message saying
// what to do, and it changes nothing.

/** Every read of the store, each run against instance `a`. */
const READS: Record<string, (store: SqliteStore) => Promise<unknown>> = {
  load: (s) => s.load('a'),
  list: (s) => s.list(),
  history: (s) => s.history('a'),
  refusals: (s) => s.refusals('a'),
  timers: (s) => s.timers('a'),
  nextTimerDue: (s) => s.nextTimerDue(),
  findIdempotency: (s) => s.findIdempotency('a', 'k'),
  nextEffectDue: (s) => s.nextEffectDue(),
  effects: (s) => s.effects('a'),
  tasks: (s) => s.tasks(),
  retainable: (s) => s.retainable!({ finishedBefore: T0 + 1000, limit: 10 }),
  archived: (s) => s.archived!('a'),
  archivedHistory: (s) => s.archivedHistory!('a'),
  tombstone: (s) => s.tombstone!('a'),
};

const CODES = ['SQLITE_IOERR_READ', 'SQLITE_IOERR_SHORT_READ', 'SQLITE_CORRUPT', 'SQLITE_FULL', 'SQLITE_CANTOPEN', 'SQLITE_NOTADB'] as const;

/**
 * A store whose statements fail with a real better-sqlite3 SqliteError of `code` while armed (the
 * driver's own error class and codes, at a chosen statement: no timing, no real broken disk).
 */
async function faultyStore(filename: string): Promise<{ store: SqliteStore; arm(code: string | undefined): void; injected(): unknown }> {
  const store = sqliteStore({ filename });
  // Opened (and migrated) first; every statement of a read is prepared after the patch below.
  const db = store.database();
  let armed: string | undefined;
  let last: unknown;
  const fail = () => {
    if (armed === undefined) return;
    last = new Database.SqliteError(`injected ${armed}`, armed);
    throw last;
  };
  const prepare = db.prepare.bind(db);
  (db as unknown as { prepare: unknown }).prepare = (source: string) => {
    const statement = prepare(source);
    const { get, all, run } = statement;
    Object.assign(statement, {
      get: (...args: unknown[]) => (fail(), get.apply(statement, args as never)),
      all: (...args: unknown[]) => (fail(), all.apply(statement, args as never)),
      run: (...args: unknown[]) => (fail(), run.apply(statement, args as never)),
    });
    return statement;
  };
  await store.commit(nextCommit('a', undefined, { addTimers: [{ key: 't', dueAt: T0 + 1000 }], effects: 1 }));
  return { store, arm: (code) => void (armed = code), injected: () => last };
}

describe('sqlite: a read SQLite fails', () => {
  for (const [name, read] of Object.entries(READS)) {
    it(`${name} on an I/O error is STORE_UNAVAILABLE naming SQLITE_IOERR_READ, with the SqliteError as cause; the store reads again once it clears`, async (ctx) => {
      const { filename, remove } = sqliteFile(ctx.task.name);
      try {
        const f = await faultyStore(filename);
        const fresh = sqliteStore({ filename });
        await fresh.init();
        f.arm('SQLITE_IOERR_READ');
        const error = await read(f.store).then(() => undefined, (e: unknown) => e);
        f.arm(undefined);
        expect(isDocketError(error, 'STORE_UNAVAILABLE')).toBe(true);
        const e = error as { message: string; details: { sqliteCode?: string; cause?: unknown; reason?: string } };
        expect(e.details).toMatchObject({ sqliteCode: 'SQLITE_IOERR_READ', reason: 'read' });
        expect(e.details.cause).toBe(f.injected());
        expect((error as Error).cause).toBe(f.injected());
        expect(e.message).toMatch(/could not read .*nothing was changed\. Check that the database file/);
        // Nothing changed, and the same store answers once the fault clears.
        expect(await read(f.store)).toEqual(await read(fresh));
        expect((await f.store.load('a'))?.revision).toBe(1);
        await fresh.close();
        await f.store.close();
      } finally {
        remove();
      }
    });
  }

  it('a damaged file (the root pages of its tables overwritten): each read is STORE_UNAVAILABLE naming SQLITE_CORRUPT and saying to run an integrity check, not a raw SqliteError', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const setup = sqliteStore({ filename });
      await setup.init();
      await setup.commit(nextCommit('a', undefined, { addTimers: [{ key: 't', dueAt: T0 + 1000 }], effects: 1 }));
      await setup.close();
      const raw = new Database(filename);
      raw.pragma('wal_checkpoint(TRUNCATE)');
      const pageSize = raw.pragma('page_size', { simple: true }) as number;
      const roots = (raw.prepare(`SELECT rootpage FROM sqlite_master WHERE name IN ('docket_instances', 'docket_history', 'docket_timers', 'docket_effects')`).all() as { rootpage: number }[]).map((r) => r.rootpage);
      raw.close();
      const fd = openSync(filename, 'r+');
      for (const root of roots) writeSync(fd, Buffer.alloc(64, 0xa5), 0, 64, (root - 1) * pageSize);
      closeSync(fd);
      const store = sqliteStore({ filename });
      await store.init();
      for (const [name, read] of [
        ['load', (s: SqliteStore) => s.load('a')],
        ['history', (s: SqliteStore) => s.history('a')],
        ['timers', (s: SqliteStore) => s.timers('a')],
        ['effects', (s: SqliteStore) => s.effects('a')],
      ] as const) {
        const error = await read(store).then(() => undefined, (e: unknown) => e);
        expect([name, isDocketError(error) ? error.code : `raw: ${String(error)}`]).toEqual([name, 'STORE_UNAVAILABLE']);
        expect((error as { details: { sqliteCode?: string } }).details.sqliteCode).toMatch(/^SQLITE_CORRUPT/);
        expect((error as Error).message).toMatch(/PRAGMA integrity_check/);
      }
      await store.close();
    } finally {
      remove();
    }
  });
});

describe('sqlite: property of failed reads', () => {
  it('property: whatever SQLite code fails whatever read, the caller gets STORE_UNAVAILABLE with that code and the SqliteError as cause, nothing changes, and the store reads again', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const f = await faultyStore(filename);
      const before = await Promise.all(Object.values(READS).map((read) => read(f.store)));
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...Object.keys(READS)), fc.constantFrom(...CODES), async (name, code) => {
          f.arm(code);
          const error = await READS[name]!(f.store).then(() => undefined, (e: unknown) => e);
          f.arm(undefined);
          expect(isDocketError(error, 'STORE_UNAVAILABLE')).toBe(true);
          expect((error as { details: { sqliteCode?: string; cause?: unknown } }).details).toMatchObject({ sqliteCode: code, cause: f.injected() });
          expect((error as Error).message).toMatch(/nothing was changed/);
        }),
        { numRuns: 60 },
      );
      expect(await Promise.all(Object.values(READS).map((read) => read(f.store)))).toEqual(before);
      await f.store.close();
    } finally {
      remove();
    }
  });
});
