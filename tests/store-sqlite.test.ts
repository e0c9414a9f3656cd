import Database from 'better-sqlite3';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isDocketError, type Commit, type RefusalEntry } from '../src/index.js';
import { sqliteStore, SQLITE_SCHEMA_VERSION, type SqliteStore } from '../src/sqlite/index.js';
import { SQLITE_META_TABLE, SQLITE_MIGRATIONS } from '../src/sqlite/sqlite-migrations.js';
import { describeStoreConformance } from './store-conformance.js';
import { sqliteFile, sqliteUnderTest } from './helpers/sqlite-harness.js';
import { nextCommit, slug } from './helpers/records.js';

describeStoreConformance('sqlite', (name) => sqliteUnderTest(name), { rows: true });
describeStoreConformance('sqlite (durability normal)', (name) => sqliteUnderTest(name, 'normal'), { rows: true });

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

describe('sqlite store, schema v2 -> v3 (history keyed by instance seq and revision)', () => {
  /** A schema v2 file as Docket 2 left it: instances a (3 revisions) and b (1), plus a stray entry. */
  function writeV2(filename: string): Commit[] {
    const db = new Database(filename);
    db.exec(SQLITE_META_TABLE);
    for (const m of SQLITE_MIGRATIONS) if (m.version <= 2) db.exec(m.sql);
    db.prepare(`INSERT INTO docket_meta (key, value) VALUES ('schema_version', '2')`).run();
    const commits: Commit[] = [];
    for (const [id, n] of [['a', 3], ['b', 1]] as const) {
      let previous: Commit['instance'] | undefined;
      for (let i = 0; i < n; i++) {
        const c = nextCommit(id, previous, { state: i % 2 === 0 ? 'review.legal' : 'draft' });
        commits.push(c);
        previous = c.instance;
      }
      const r = previous!;
      db.prepare(
        `INSERT INTO docket_instances (id, workflow, version, status, suspended, revision, next_due_at, history_hash, initiator, created_at, updated_at,
           row_format, snapshot, state, context, state_paths, timers, held_timers) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, 1, ?, ?, ?, ?, ?, NULL)`,
      ).run(r.id, r.workflow, r.version, r.status, r.revision, r.nextDueAt, r.historyHash, r.initiator, r.createdAt, r.updatedAt,
        JSON.stringify(r.snapshot), JSON.stringify(r.state), JSON.stringify(r.context), JSON.stringify(r.statePaths), JSON.stringify(r.timers));
      for (const path of r.statePaths) db.prepare(`INSERT INTO docket_instance_states (path, seq) SELECT ?, seq FROM docket_instances WHERE id = ?`).run(path, id);
    }
    // Inserted out of order, as concurrent instances interleave.
    for (const c of [...commits].reverse()) {
      db.prepare(`INSERT INTO docket_history (instance_id, revision, kind, at, entry) VALUES (?, ?, ?, ?, ?)`).run(
        c.history.instanceId, c.history.revision, c.history.kind, c.history.at, JSON.stringify(c.history));
    }
    db.prepare(`INSERT INTO docket_history (instance_id, revision, kind, at, entry) VALUES ('ghost', 1, 'start', 0, '{}')`).run();
    db.close();
    return commits;
  }

  it('reads a v2 file read-only without migrating it, and migrates it on a writable open, keeping every entry', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const commits = writeV2(filename);
      const entries = (id: string) => commits.filter((c) => c.instance.id === id).map((c) => c.history);

      const reader = sqliteStore({ filename, readonly: true });
      await reader.init();
      expect(await reader.history('a')).toEqual(entries('a'));
      expect(await reader.history('a', { afterRevision: 1, limit: 1 })).toEqual([entries('a')[1]]);
      await reader.close();
      const check = new Database(filename, { readonly: true });
      expect(check.prepare(`SELECT value FROM docket_meta WHERE key = 'schema_version'`).get()).toEqual({ value: '2' });
      check.close();

      const store = sqliteStore({ filename });
      await store.init();
      expect(store.database().prepare(`SELECT value FROM docket_meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(SQLITE_SCHEMA_VERSION) });
      const rows = store.database().prepare(`SELECT pos, instance_id, revision FROM docket_history ORDER BY pos`).all() as { pos: number; instance_id: string; revision: number }[];
      expect(rows.map((r) => `${r.instance_id}@${r.revision}`)).toEqual(['ghost@1', 'a@1', 'a@2', 'a@3', 'b@1']);
      expect(rows[0]!.pos).toBeLessThan(0);
      expect(await store.history('a')).toEqual(entries('a'));
      expect(await store.history('b')).toEqual(entries('b'));
      expect(await store.history('a', { afterRevision: 1, limit: 1 })).toEqual([entries('a')[1]]);
      expect(await store.history('a', { afterRevision: -3 })).toEqual(entries('a'));
      expect(await store.history('ghost')).toEqual([]);

      // Writing continues where v2 left off: the next revision lands, a repeated one is refused (an
      // entry past the head the instance records was left outside Docket: CORRUPT_SNAPSHOT, not a
      // CONFLICT to retry).
      const a = (await store.load('a'))!;
      expect(a.revision).toBe(3);
      const next = nextCommit('a', a, { state: 'done', status: 'done' });
      await store.commit(next);
      expect((await store.history('a')).map((e) => e.revision)).toEqual([1, 2, 3, 4]);
      expect(await store.history('a', { afterRevision: 3 })).toEqual([next.history]);
      expect((await store.list({ state: 'done' })).items.map((r) => r.id)).toEqual(['a']);
      store.database().prepare(`UPDATE docket_instances SET revision = 3 WHERE id = 'a'`).run(); // as if rev 4 were lost
      const again = sqliteStore({ filename });
      const dup = await again.commit(nextCommit('a', a)).catch((e: unknown) => e);
      expect(isDocketError(dup, 'CORRUPT_SNAPSHOT') && dup.details.problem === 'history-past-head').toBe(true);
      await again.close();
      await store.close();
    } finally {
      remove();
    }
  });
});

describe('sqlite store, read-only', () => {
  /** Everything a reader can see, as one value to compare. */
  async function readAll(store: SqliteStore, ids: readonly string[]) {
    return {
      list: await store.list(),
      byState: await store.list({ state: 'review' }),
      page: await store.list({ limit: 1 }),
      nextTimerDue: await store.nextTimerDue(),
      nextEffectDue: await store.nextEffectDue(),
      tasks: await store.tasks(),
      perInstance: await Promise.all(
        ids.map(async (id) => ({
          record: await store.load(id),
          history: await store.history(id),
          refusals: await store.refusals(id),
          timers: await store.timers(id),
          effects: await store.effects(id),
          tasks: await store.tasks({ instanceId: id }),
          idempotency: await store.findIdempotency(id, 'k1'),
        })),
      ),
    };
  }

  /**
   * The database file's bytes, and how many bytes of log its WAL holds. SQLite itself may create an
   * empty `-wal` and a `-shm` index next to a WAL-mode file when a reader opens it; neither holds data.
   */
  function bytesOf(filename: string): { main: Buffer; wal: number } {
    return { main: readFileSync(filename), wal: existsSync(`${filename}-wal`) ? readFileSync(`${filename}-wal`).length : 0 };
  }

  const refusal: RefusalEntry = { instanceId: 'a', at: 5, actor: { id: 'zhao', roles: [] }, event: { type: 'APPROVE' }, code: 'FORBIDDEN', message: 'no', state: 'review.legal', revision: 2 };

  it('reads what a normal store wrote, refuses every write, and leaves the file byte for byte as it was', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const writer = sqliteStore({ filename });
      await writer.init();
      await writer.commit(nextCommit('a', undefined, { state: 'review.legal', addTimers: [{ key: 'd', dueAt: 99 }], effects: 2, idempotencyKey: 'k1' }));
      await writer.commit(nextCommit('a', await writer.load('a'), { tasks: [{ id: 't1', step: 'legal', assignees: ['wang'], roles: ['legal'] }] }));
      await writer.commit(nextCommit('b', undefined, { state: 'done', status: 'done' }));
      await writer.appendRefusal(refusal);
      const expected = await readAll(writer, ['a', 'b', 'missing']);
      await writer.close();
      const before = bytesOf(filename);

      const reader = sqliteStore({ filename, readonly: true });
      await reader.init();
      expect(await readAll(reader, ['a', 'b', 'missing'])).toEqual(expected);

      const a = (await reader.load('a'))!;
      const writes: [string, () => Promise<unknown>][] = [
        ['commit', () => reader.commit(nextCommit('a', a))],
        ['appendRefusal', () => reader.appendRefusal({ ...refusal, at: 6 })],
        ['claimDueTimers', () => reader.claimDueTimers(1_000, { owner: 'w', token: 'k', leaseMs: 10, limit: 10 })],
        ['releaseTimer', () => reader.releaseTimer('a:1:d', { owner: 'w', token: 'k' })],
        ['claimEffects', () => reader.claimEffects(Number.MAX_SAFE_INTEGER, { owner: 'w', token: 'k', leaseMs: 10, limit: 10 })],
        ['updateEffect', () => reader.updateEffect('a:1:0', { owner: 'w', token: 'k', status: 'delivered', attempts: 1, nextAttemptAt: 7, deliveredAt: 7 })],
      ];
      for (const [name, attempt] of writes) {
        const error = await attempt().then(
          () => undefined,
          (e: unknown) => e,
        );
        expect(isDocketError(error, 'STORE_UNAVAILABLE'), name).toBe(true);
        expect((error as Error).message, name).toMatch(/read-only/);
      }
      expect(await readAll(reader, ['a', 'b', 'missing'])).toEqual(expected);
      await reader.close();
      expect(bytesOf(filename)).toEqual(before);
    } finally {
      remove();
    }
  });

  it('refuses a missing file, a non-SQLite file, a foreign database and a newer schema, writing nothing', async (ctx) => {
    const dir = mkdtempSync(join(tmpdir(), `docket-readonly-${slug(ctx.task.name)}-`));
    try {
      const open = async (filename: string) => {
        const store = sqliteStore({ filename, readonly: true });
        const error = await store.init().then(
          () => undefined,
          (e: unknown) => e,
        );
        await store.close();
        return error as { code?: string; message?: string; details?: { reason?: string } } | undefined;
      };

      const missing = await open(join(dir, 'nowhere.db'));
      expect(missing).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { reason: 'missing' } });
      expect(missing?.message).toMatch(/Database file not found: .*nowhere\.db/);

      const garbage = join(dir, 'garbage.db');
      writeFileSync(garbage, 'this is not a database\n'.repeat(200));
      expect(await open(garbage)).toMatchObject({ code: 'CORRUPT_SNAPSHOT', details: { reason: 'not-sqlite' } });

      const foreign = join(dir, 'foreign.db');
      const f = new Database(foreign);
      f.exec('CREATE TABLE t (x)');
      f.close();
      expect(await open(foreign)).toMatchObject({ code: 'CORRUPT_SNAPSHOT', details: { reason: 'not-docket' } });

      const newer = join(dir, 'newer.db');
      const n = sqliteStore({ filename: newer });
      await n.init();
      await n.close();
      const raw = new Database(newer);
      raw.prepare(`UPDATE docket_meta SET value = '999' WHERE key = 'schema_version'`).run();
      raw.close();
      const before = { garbage: readFileSync(garbage), foreign: readFileSync(foreign), newer: readFileSync(newer) };
      const refused = await open(newer);
      expect(refused).toMatchObject({ code: 'STORE_UNAVAILABLE', details: { reason: 'newer-schema' } });
      expect(refused?.message).toMatch(/schema version 999, newer than/);

      expect({ garbage: readFileSync(garbage), foreign: readFileSync(foreign), newer: readFileSync(newer) }).toEqual(before);
      expect(readdirSync(dir).filter((f) => !/-(wal|shm)$/.test(f)).sort()).toEqual(['foreign.db', 'garbage.db', 'newer.db']);
      expect(existsSync(`${newer}-wal`) ? readFileSync(`${newer}-wal`).length : 0).toBe(0);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
