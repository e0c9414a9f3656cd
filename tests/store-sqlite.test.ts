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
});
