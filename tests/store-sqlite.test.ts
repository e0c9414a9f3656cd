import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isDocketError } from '../src/index.js';
import { sqliteStore, SQLITE_SCHEMA_VERSION } from '../src/sqlite/index.js';
import { describeStoreConformance } from './store-conformance.js';
import { sqliteFile, sqliteUnderTest } from './helpers/sqlite-harness.js';
import { nextCommit } from './helpers/records.js';

describeStoreConformance('sqlite', (name) => sqliteUnderTest(name));
describeStoreConformance('sqlite (durability normal)', (name) => sqliteUnderTest(name, 'normal'));

describe('sqlite store specifics', () => {
  it('runs in WAL mode with synchronous=FULL by default and NORMAL only when asked', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const full = sqliteStore({ filename });
      await full.init();
      expect(full.database().pragma('journal_mode', { simple: true })).toBe('wal');
      expect(full.database().pragma('synchronous', { simple: true })).toBe(2);
      await full.close();
      const normal = sqliteStore({ filename, durability: 'normal' });
      await normal.init();
      expect(normal.database().pragma('synchronous', { simple: true })).toBe(1);
      await normal.close();
    } finally {
      remove();
    }
  });

  it('records its schema version and refuses a database from a newer schema', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const store = sqliteStore({ filename });
      await store.init();
      await store.close();
      const db = new Database(filename);
      expect(db.prepare(`SELECT value FROM docket_meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(SQLITE_SCHEMA_VERSION) });
      db.prepare(`UPDATE docket_meta SET value = '999' WHERE key = 'schema_version'`).run();
      db.close();
      const newer = sqliteStore({ filename });
      const error = await newer.init().catch((e: unknown) => e);
      expect(isDocketError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toMatch(/schema version 999, newer than/);
    } finally {
      remove();
    }
  });

  it('applies commits that arrive together in one transaction (group commit)', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const store = sqliteStore({ filename });
      await store.init();
      const before = store.stats();
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.commit(nextCommit(`i${i}`, undefined))));
      const after = store.stats();
      expect(after.groups - before.groups).toBe(1);
      expect(after.writes - before.writes).toBe(20);
      expect((await store.list()).items).toHaveLength(20);
      await store.close();
    } finally {
      remove();
    }
  });

  it('sees another connection\'s commit on the next load (what it remembers is dropped when data_version moves)', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const a = sqliteStore({ filename });
      const b = sqliteStore({ filename });
      await a.init();
      await b.init();
      await a.commit(nextCommit('x', undefined, { state: 'review.legal' }));
      const seen = await a.load('x');
      expect(seen?.revision).toBe(1);
      const fromB = await b.load('x');
      await b.commit(nextCommit('x', fromB, { state: 'done', status: 'done' }));
      expect(await a.load('x')).toMatchObject({ revision: 2, state: 'done', status: 'done', statePaths: ['done'] });
      // A stale commit from `a` is refused; its next load is fresh again.
      const stale = await a.commit(nextCommit('x', seen, { state: 'review' })).catch((e: unknown) => e);
      expect(isDocketError(stale, 'CONFLICT')).toBe(true);
      expect((await a.list({ state: 'done' })).items.map((i) => i.id)).toEqual(['x']);
      expect((await a.list({ state: 'review' })).items).toEqual([]);
      await a.close();
      await b.close();
    } finally {
      remove();
    }
  });

  it('rewrites only changed state paths, indexed columns and tasks, and queries stay exact (also after a reopen)', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const store = sqliteStore({ filename });
      await store.init();
      const step = async (id: string, o: Parameters<typeof nextCommit>[2]) => {
        const c = nextCommit(id, await store.load(id), o);
        await store.commit(c);
      };
      const task = { id: 't1', step: 'legal', assignees: ['wang'], roles: ['legal'] };
      await step('x', { state: 'review.legal', tasks: [task], at: 1 });
      await step('x', { state: 'review.legal', tasks: [task], at: 1 }); // same tasks (same createdAt): kept
      await step('x', { state: 'review.finance', addTimers: [{ key: 'd', dueAt: 50 }] });
      expect((await store.list({ state: 'review' })).items.map((i) => i.id)).toEqual(['x']);
      expect((await store.list({ state: 'review.finance' })).items.map((i) => i.id)).toEqual(['x']);
      expect((await store.list({ state: 'review.legal' })).items).toEqual([]);
      expect((await store.list({ dueBefore: 51 })).items.map((i) => i.id)).toEqual(['x']);
      expect((await store.tasks({ assignee: 'wang' })).map((t) => t.id)).toEqual(['t1']);
      await step('x', { state: 'review.finance', tasks: [{ ...task, id: 't2', assignees: ['zhao'] }], cancelKeys: ['d'] });
      expect((await store.tasks({ assignee: 'wang' })).map((t) => t.id)).toEqual([]);
      expect((await store.tasks({ role: 'legal' })).map((t) => t.id)).toEqual(['t2']);
      expect((await store.list({ dueBefore: 51 })).items).toEqual([]);
      await store.close();
      // A fresh connection knows nothing yet: it reads the previous row inside the transaction.
      const again = sqliteStore({ filename });
      await again.init();
      const previous = await again.list({ state: 'review.finance' });
      await again.commit(nextCommit('x', previous.items[0], { state: 'archived', status: 'done' }));
      expect((await again.list({ state: 'review' })).items).toEqual([]);
      expect((await again.list({ status: 'done' })).items.map((i) => i.id)).toEqual(['x']);
      expect((await again.list({ status: 'active' })).items).toEqual([]);
      expect(again.database().prepare('SELECT path FROM docket_instance_states').all()).toEqual([{ path: 'archived' }]);
      await again.close();
    } finally {
      remove();
    }
  });
});
