import { copyFileSync, rmSync } from 'node:fs';
import type BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { createEngine, isDocketError, virtualClock, type Commit } from '../src/index.js';
import { sqliteStore, type SqliteStore } from '../src/sqlite/index.js';
import { SqliteGroupCommit } from '../src/sqlite/sqlite-group-commit.js';
import { manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { nextCommit, T0 } from './helpers/records.js';

const IDS = ['a', 'b', 'c', 'd', 'e'];
const BIG = 'x'.repeat(200_000);

function outcome(result: PromiseSettledResult<unknown>): string {
  if (result.status === 'fulfilled') return 'ok';
  return isDocketError(result.reason) ? result.reason.code : `raw: ${String(result.reason)}`;
}

/** Leave room for a few small pages, not for a 200 KB payload. */
function nearlyFull(store: SqliteStore): void {
  const db = store.database();
  const pages = db.pragma('page_count', { simple: true }) as number;
  db.pragma(`max_page_count = ${pages + 8}`);
}

describe('sqlite group commit when the disk fills (SQLITE_FULL)', () => {
  for (const position of [0, 2, 4]) {
    it(`five concurrent commits, the 200 KB one at position ${position}: it alone fails, untouched; the other four land once; each caller is told its own truth`, async (ctx) => {
      const { filename, remove } = sqliteFile(ctx.task.name);
      try {
        const store = sqliteStore({ filename });
        await store.init();
        for (const id of IDS) await store.commit(nextCommit(id, undefined));
        const previous = await Promise.all(IDS.map(async (id) => (await store.load(id))!));
        const commits: Commit[] = previous.map((p, i) => {
          const c = nextCommit(p.id, p, { state: 'moved' });
          return i === position ? { ...c, instance: { ...c.instance, context: { note: BIG } } } : c;
        });
        nearlyFull(store);
        const before = store.stats();
        const results = await Promise.allSettled(commits.map((c) => store.commit(c)));

        const told = results.map(outcome);
        expect(told).toEqual(IDS.map((_, i) => (i === position ? 'STORE_UNAVAILABLE' : 'ok')));
        const failure = (results[position] as PromiseRejectedResult).reason as { message: string; details: { sqliteCode?: string } };
        expect(failure.message).toMatch(/nothing of it was written/);
        expect(failure.details.sqliteCode).toBe('SQLITE_FULL');
        expect(store.stats().writes - before.writes).toBe(4);
        // What is on disk, read by a fresh connection, is exactly what each caller was told.
        const reader = sqliteStore({ filename });
        await reader.init();
        const revisions = IDS.map((_, i) => (i === position ? 1 : 2));
        expect(await Promise.all(IDS.map(async (id) => (await reader.load(id))?.revision))).toEqual(revisions);
        expect(await Promise.all(IDS.map(async (id) => (await reader.history(id)).length))).toEqual(revisions);
        expect((await reader.load(IDS[position]!))?.context).not.toEqual({ note: BIG });

        // Retrying the failed one once there is room applies it exactly once…
        store.database().pragma('max_page_count = 1073741823');
        await store.commit(commits[position]!);
        expect((await reader.history(IDS[position]!)).map((e) => e.revision)).toEqual([1, 2]);
        expect((await reader.load(IDS[position]!))?.context).toEqual({ note: BIG });
        // …and retrying one that was acknowledged cannot apply it twice.
        const other = (position + 1) % IDS.length;
        expect(outcome((await Promise.allSettled([store.commit(commits[other]!)]))[0]!)).toBe('CONFLICT');
        expect((await reader.history(IDS[other]!)).map((e) => e.revision)).toEqual([1, 2]);
        await reader.close();
        await store.close();
      } finally {
        remove();
      }
    });
  }

  it('through the engine: five concurrent sends, one with a 200 KB comment; a retry of the failed send applies it once', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const store = sqliteStore({ filename });
      const engine = createEngine({ store, clock: virtualClock(T0), workflows: [reviewWorkflow], workerId: 'w' });
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const id = await engine.start('review', { title: `t${i}` }, { actor: staff, id: `r${i}` });
        await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
        ids.push(id);
      }
      nearlyFull(store);
      const events = ids.map((_, i) => ({ type: 'REJECT' as const, comment: i === 2 ? BIG : 'short' }));
      const results = await Promise.allSettled(ids.map((id, i) => engine.send(id, events[i]!, { actor: manager })));
      expect(results.map(outcome)).toEqual(['ok', 'ok', 'STORE_UNAVAILABLE', 'ok', 'ok']);
      const rejects = async (id: string) => (await engine.history(id)).filter((e) => e.event.type === 'REJECT').length;
      expect(await Promise.all(ids.map(rejects))).toEqual([1, 1, 0, 1, 1]);
      expect(await Promise.all(ids.map(async (id) => (await engine.get(id)).state))).toEqual(['draft', 'draft', 'reviewing', 'draft', 'draft']);

      store.database().pragma('max_page_count = 1073741823');
      const retried = await engine.send(ids[2]!, events[2]!, { actor: manager });
      expect(retried.state).toBe('draft');
      expect(await Promise.all(ids.map(rejects))).toEqual([1, 1, 1, 1, 1]);
      expect(await engine.verify(ids[2]!)).toMatchObject({ ok: true });
      await engine.close();
    } finally {
      remove();
    }
  });
});

/** A stand-in connection whose COMMIT fails as told: enough of better-sqlite3 for the group commit. */
function fakeDatabase(commitFails: { code: string; endsTransaction: boolean }) {
  const state = { inTransaction: false, committed: 0, rolledBack: 0 };
  const statements: Record<string, () => void> = {
    'BEGIN IMMEDIATE': () => void (state.inTransaction = true),
    COMMIT: () => {
      if (commitFails.endsTransaction) state.inTransaction = false;
      throw Object.assign(new Error(`disk I/O error (${commitFails.code})`), { code: commitFails.code });
    },
    ROLLBACK: () => {
      state.inTransaction = false;
      state.rolledBack++;
    },
  };
  const db = {
    get inTransaction() {
      return state.inTransaction;
    },
    prepare: (sql: string) => ({ run: statements[sql] ?? (() => undefined) }),
  };
  return { db: db as unknown as BetterSqlite3.Database, state };
}

describe('sqlite group commit when COMMIT itself fails', () => {
  it('says STORE_OUTCOME_UNKNOWN (not "nothing written") when COMMIT fails with an I/O error that may have landed', async () => {
    const { db } = fakeDatabase({ code: 'SQLITE_IOERR_FSYNC', endsTransaction: true });
    const group = new SqliteGroupCommit(db, 16);
    const results = await Promise.allSettled([group.write(() => 1), group.write(() => 2)]);
    expect(results.map(outcome)).toEqual(['STORE_OUTCOME_UNKNOWN', 'STORE_OUTCOME_UNKNOWN']);
    expect((results[0] as PromiseRejectedResult).reason.message).toMatch(/cannot tell whether this write landed/);
  });

  it('says STORE_UNAVAILABLE, nothing written, when COMMIT fails and the transaction is still open (it is rolled back)', async () => {
    const { db, state } = fakeDatabase({ code: 'SQLITE_BUSY', endsTransaction: false });
    const group = new SqliteGroupCommit(db, 16);
    const results = await Promise.allSettled([group.write(() => 1), group.write(() => 2)]);
    expect(results.map(outcome)).toEqual(['STORE_UNAVAILABLE', 'STORE_UNAVAILABLE']);
    expect(state.rolledBack).toBe(1);
  });
});

describe('sqlite -wal file deleted under a running store', () => {
  it('is detected at the next commit: that write and every later one is refused, and acknowledged commits survive a crash', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    const crashed = sqliteFile(`${ctx.task.name} crashed copy`);
    try {
      const store = sqliteStore({ filename });
      await store.init();
      await store.commit(nextCommit('a', undefined));
      await store.commit(nextCommit('a', await store.load('a')));
      rmSync(`${filename}-wal`);
      const after = await store.commit(nextCommit('b', undefined)).catch((e: unknown) => e);
      expect(after).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { reason: 'wal-lost' } });
      expect((after as Error).message).toMatch(/was deleted while this store had it open/);
      const later = await store.commit(nextCommit('c', undefined)).catch((e: unknown) => e);
      expect(later).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { reason: 'wal-lost' } });
      // A crash now: only the database file is left (its WAL was deleted). The two acknowledged
      // commits of `a` are in it; the refused `b` and `c` are not.
      copyFileSync(filename, crashed.filename);
      const reopened = sqliteStore({ filename: crashed.filename });
      await reopened.init();
      expect((await reopened.history('a')).map((e) => e.revision)).toEqual([1, 2]);
      expect(await reopened.load('b')).toBeUndefined();
      expect(await reopened.load('c')).toBeUndefined();
      await reopened.close();
      await store.close();
    } finally {
      remove();
      crashed.remove();
    }
  });

  it('keeps writing normally while the WAL stays in place (a checkpoint does not count as a replacement)', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const store = sqliteStore({ filename });
      await store.init();
      await store.commit(nextCommit('a', undefined));
      store.database().pragma('wal_checkpoint(TRUNCATE)');
      await store.commit(nextCommit('a', await store.load('a')));
      const second = sqliteStore({ filename });
      await second.init();
      await second.commit(nextCommit('b', undefined));
      await second.close();
      await store.commit(nextCommit('a', await store.load('a')));
      expect((await store.load('a'))?.revision).toBe(3);
      expect((await store.load('b'))?.revision).toBe(1);
      await store.close();
    } finally {
      remove();
    }
  });
});
