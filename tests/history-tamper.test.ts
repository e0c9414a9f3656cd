import Database from 'better-sqlite3';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import {
  createEngine,
  isDocketError,
  memoryStore,
  virtualClock,
  type HistoryEntry,
  type HistoryKeyOption,
  type InstanceRecord,
  type Store,
} from '../src/index.js';
import { verifyChain, verifyHistory } from '../src/engine/chain-verifier.js';
import { checkHead } from '../src/engine/head-check.js';
import { createKeyring } from '../src/engine/history-key.js';
import { GENESIS_HASH, sealEntry } from '../src/engine/history.js';
import { stateDigest, stateDigestV2, stateDigestV3, timersDigest } from '../src/engine/state-digest.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { counterWorkflow } from './helpers/counter-workflow.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const START = '2026-11-02T09:00:00+08:00';
const staff = { id: 'li', roles: ['staff'] };
const admin = { id: 'root', roles: ['admin'] };
const K1 = { id: 'k1', secret: 'first-secret-of-at-least-32-bytes!' };
const K2 = { id: 'k2', secret: Buffer.from('second-secret-of-at-least-32-bytes') };

async function codeOf(promise: Promise<unknown>): Promise<{ code: string; problem?: unknown; keyId?: unknown }> {
  try {
    await promise;
    return { code: 'ok' };
  } catch (error) {
    const e = error as { code?: string; details?: { problem?: unknown; keyId?: unknown } };
    if (typeof e.code !== 'string') throw error;
    return { code: e.code, problem: e.details?.problem, ...(e.details?.keyId === undefined ? {} : { keyId: e.details.keyId }) };
  }
}

// ---- a SQLite file the tests write through the engine, then edit behind its back ----

const files: (() => void)[] = [];
afterEach(() => {
  for (const remove of files.splice(0)) remove();
});

function dbFile(name: string): string {
  const { filename, remove } = sqliteFile(`history-tamper ${name}`);
  remove();
  files.push(remove);
  return filename;
}

/** Open an engine on the file, run `work`, close it: what one process's life looks like. */
async function withEngine<T>(filename: string, historyKey: HistoryKeyOption | undefined, work: (engine: ReturnType<typeof open>) => Promise<T>): Promise<T> {
  const engine = open(filename, historyKey);
  try {
    return await work(engine);
  } finally {
    await engine.close();
    await engine.store.close();
  }
}

function open(filename: string, historyKey?: HistoryKeyOption) {
  const clock = virtualClock(START);
  return createEngine({ store: sqliteStore({ filename }), clock, workflows: [counterWorkflow], ...(historyKey ? { historyKey } : {}) });
}

/** Start a counter and bump it `bumps` times; returns its id. */
async function counter(filename: string, bumps: number, historyKey?: HistoryKeyOption): Promise<string> {
  return withEngine(filename, historyKey, async (engine) => {
    const id = await engine.start('counter', {}, { actor: staff, id: 'c1' });
    for (let i = 0; i < bumps; i++) await engine.send(id, { type: 'INC' }, { actor: staff });
    return id;
  });
}

/** Edit the database directly, as someone with write access to it (not Docket) would. */
function edit(filename: string, fn: (db: Database.Database) => void): void {
  const db = new Database(filename);
  try {
    fn(db);
  } finally {
    db.close();
  }
}

function storedEntries(db: Database.Database, id: string): HistoryEntry[] {
  return db
    .prepare('SELECT entry FROM docket_history WHERE instance_id = ? ORDER BY revision')
    .all(id)
    .map((row) => JSON.parse((row as { entry: string }).entry) as HistoryEntry);
}

function setContextCount(db: Database.Database, id: string, count: number): void {
  db.prepare(`UPDATE docket_instances SET context = json_set(context, '$.count', ?), snapshot = json_set(snapshot, '$.context.count', ?) WHERE id = ?`).run(count, count, id);
}

/** The loaded record, through a store of its own. */
async function recordOf(filename: string, id: string): Promise<InstanceRecord> {
  const store = sqliteStore({ filename });
  try {
    await store.init();
    return (await store.load(id))!;
  } finally {
    await store.close();
  }
}

/**
 * What an attacker who can write the database but holds no key does: rewrite every entry (dropping
 * any key id) with recomputed SHA-256 hashes, committing the last one to the edited state, and point
 * the instance's head at the new chain.
 */
async function rewriteWithSha256(filename: string, id: string, count: number): Promise<void> {
  edit(filename, (db) => setContextCount(db, id, count));
  const record = await recordOf(filename, id);
  edit(filename, (db) => {
    let prev = GENESIS_HASH;
    const entries = storedEntries(db, id);
    for (const entry of entries) {
      const { hash: _hash, keyId: _keyId, ...rest } = entry;
      const last = entry.revision === entries.length;
      const forged = sealEntry({ ...rest, prevHash: prev, ...(last ? { stateHash: stateDigest(record) } : {}) });
      db.prepare('UPDATE docket_history SET entry = ? WHERE instance_id = ? AND revision = ?').run(JSON.stringify(forged), id, entry.revision);
      prev = forged.hash;
    }
    db.prepare('UPDATE docket_instances SET history_hash = ? WHERE id = ?').run(prev, id);
  });
}

/**
 * Rewrite an instance's chain as an older Docket wrote it: every entry without `stateHash`,
 * `timersHash` and `format`, plus what `extra(isLast)` adds, resealed with SHA-256 and the head moved to it.
 */
function rewriteInFormat(filename: string, id: string, extra: (last: boolean) => Partial<HistoryEntry>): void {
  edit(filename, (db) => {
    let prev = GENESIS_HASH;
    const entries = storedEntries(db, id);
    for (const entry of entries) {
      const { hash: _hash, stateHash: _stateHash, timersHash: _timersHash, format: _format, ...rest } = entry;
      const legacy = sealEntry({ ...rest, ...extra(entry.revision === entries.length), prevHash: prev });
      db.prepare('UPDATE docket_history SET entry = ? WHERE instance_id = ? AND revision = ?').run(JSON.stringify(legacy), id, entry.revision);
      prev = legacy.hash;
    }
    db.prepare('UPDATE docket_instances SET history_hash = ? WHERE id = ?').run(prev, id);
  });
}

describe('tamper evidence: the chain against the instance', () => {
  it('verify fails when the newest entry is deleted and the head moved back (revision 2, one entry), and the engine refuses to act', async () => {
    const file = dbFile('truncated head');
    const id = await counter(file, 1);
    edit(file, (db) => {
      const [first] = storedEntries(db, id);
      db.prepare('DELETE FROM docket_history WHERE instance_id = ? AND revision = 2').run(id);
      db.prepare('UPDATE docket_instances SET history_hash = ? WHERE id = ?').run(first!.hash, id);
    });
    await withEngine(file, undefined, async (engine) => {
      const report = await engine.verify(id);
      expect(report.ok).toBe(false);
      expect(report.entries).toBe(1);
      expect(report.problems.map((p) => [p.revision, p.problem])).toEqual([[2, 'missing']]);
      expect(await codeOf(engine.send(id, { type: 'INC' }, { actor: staff }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'head-mismatch' });
      expect((await engine.get(id)).revision).toBe(2);
    });
  });

  it('an edited context (count = 1,000,000) fails verify as snapshot-mismatch, and neither send, timers nor admins act on it', async () => {
    const file = dbFile('edited context');
    const id = await counter(file, 2);
    edit(file, (db) => setContextCount(db, id, 1_000_000));
    await withEngine(file, undefined, async (engine) => {
      const report = await engine.verify(id);
      expect(report).toMatchObject({ ok: false, entries: 3, snapshot: 'mismatch' });
      expect(report.problems.map((p) => [p.revision, p.problem])).toEqual([[3, 'snapshot-mismatch']]);
      expect(await codeOf(engine.send(id, { type: 'INC' }, { actor: staff }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'snapshot-mismatch' });
      expect(await codeOf(engine.suspend(id, { actor: admin, reason: 'x' }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'snapshot-mismatch' });
      expect(await codeOf(engine.terminate(id, { actor: admin, reason: 'x' }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'snapshot-mismatch' });
      const errors: unknown[] = [];
      engine.on('error', (e) => errors.push(e));
      // The hourly tick is due: the timer is not fired on the edited state (and the instance is not
      // suspended either, which would seal the edit into a new entry).
      expect(await (engine.clock as ReturnType<typeof virtualClock>).advanceBy({ hours: 1 })).toEqual([]);
      expect(errors.map((e) => (e as { details?: { problem?: string } }).details?.problem)).toEqual(['snapshot-mismatch']);
      expect(await engine.get(id)).toMatchObject({ revision: 3, suspended: false, context: { count: 1_000_000, ticks: 0 } });
    });
  });

  it('an edited state fails verify as snapshot-mismatch', async () => {
    const file = dbFile('edited state');
    const id = await counter(file, 1);
    edit(file, (db) => db.prepare(`UPDATE docket_instances SET status = 'done' WHERE id = ?`).run(id));
    await withEngine(file, undefined, async (engine) => {
      const report = await engine.verify(id);
      expect(report.snapshot).toBe('mismatch');
      expect(report.problems.map((p) => p.problem)).toEqual(['snapshot-mismatch']);
    });
  });

  it('an untouched instance verifies with its snapshot verified, unkeyed', async () => {
    const file = dbFile('untouched');
    const id = await counter(file, 3);
    await withEngine(file, undefined, async (engine) => {
      expect(await engine.verify(id)).toEqual({ instanceId: id, ok: true, entries: 4, snapshot: 'verified', timers: 'verified', keyed: false, problems: [] });
      // A cold load passes the engine's own check and acts.
      expect((await engine.send(id, { type: 'INC' }, { actor: staff })).context).toEqual({ count: 4, ticks: 0 });
    });
  });

  it('a chain written before entry format 2 (no stateHash) still verifies, reported as an unverified snapshot; the next act commits to its state', async () => {
    const file = dbFile('legacy');
    const id = await counter(file, 2);
    // Rewrite the chain as an older Docket wrote it: the same entries without the state and timer commitments.
    rewriteInFormat(file, id, () => ({}));
    await withEngine(file, undefined, async (engine) => {
      expect(await engine.verify(id)).toMatchObject({ ok: true, entries: 3, snapshot: 'unverified', timers: 'unverified', problems: [] });
      expect((await engine.send(id, { type: 'INC' }, { actor: staff })).context).toEqual({ count: 3, ticks: 0 });
      expect(await engine.verify(id)).toMatchObject({ ok: true, entries: 4, snapshot: 'verified', timers: 'verified' });
      const entries = (await engine.history(id)) as HistoryEntry[];
      expect(entries.map((e) => e.stateHash === undefined)).toEqual([true, true, true, false]);
      expect(entries.map((e) => e.timersHash === undefined)).toEqual([true, true, true, false]);
    });
  });

  it('a chain of entry format 2 (stateHash without tenant, no timersHash) verifies its snapshot, its timers reported unverified; the next act commits to them', async () => {
    const file = dbFile('format 2');
    const id = await counter(file, 2);
    const record = await recordOf(file, id);
    rewriteInFormat(file, id, (last) => (last ? { stateHash: stateDigestV2(record) } : {}));
    await withEngine(file, undefined, async (engine) => {
      expect(await engine.verify(id)).toMatchObject({ ok: true, entries: 3, snapshot: 'verified', timers: 'unverified', problems: [] });
      expect((await engine.send(id, { type: 'INC' }, { actor: staff })).context).toEqual({ count: 3, ticks: 0 });
      expect(await engine.verify(id)).toMatchObject({ ok: true, entries: 4, snapshot: 'verified', timers: 'verified' });
    });
  });

  it('a chain of entry format 3 (whole-text SHA-256 state digest, timersHash, no format) verifies in full; the next act writes format 5', async () => {
    const file = dbFile('format 3');
    const id = await counter(file, 2);
    const record = await recordOf(file, id);
    rewriteInFormat(file, id, (last) => (last ? { stateHash: stateDigestV3(record), timersHash: timersDigest(record.timers) } : {}));
    await withEngine(file, undefined, async (engine) => {
      expect(await engine.verify(id)).toMatchObject({ ok: true, entries: 3, snapshot: 'verified', timers: 'verified', problems: [] });
      // The format-3 head is checked on the cold load (an edit would be refused) and the act goes on.
      expect((await engine.send(id, { type: 'INC' }, { actor: staff })).context).toEqual({ count: 3, ticks: 0 });
      expect(await engine.verify(id)).toMatchObject({ ok: true, entries: 4, snapshot: 'verified', timers: 'verified' });
      const entries = (await engine.history(id)) as HistoryEntry[];
      expect(entries.map((e) => e.format)).toEqual([undefined, undefined, undefined, 5]);
    });
  });

  it('a context edited under a format-3 head is refused (the format-3 digest is still checked)', async () => {
    const file = dbFile('format 3 edited');
    const id = await counter(file, 2);
    const record = await recordOf(file, id);
    rewriteInFormat(file, id, (last) => (last ? { stateHash: stateDigestV3(record), timersHash: timersDigest(record.timers) } : {}));
    edit(file, (db) => setContextCount(db, id, 9));
    await withEngine(file, undefined, async (engine) => {
      expect(await engine.verify(id)).toMatchObject({ ok: false, snapshot: 'mismatch' });
      await expect(engine.send(id, { type: 'INC' }, { actor: staff })).rejects.toMatchObject({ code: 'CORRUPT_SNAPSHOT', details: { problem: 'snapshot-mismatch' } });
    });
  });

  it('an entry rewritten without its format after format-4 entries is reported, and a format-4 head relabelled as format 3 no longer matches its state', async () => {
    const file = dbFile('format dropped');
    const id = await counter(file, 2);
    edit(file, (db) => {
      let prev = GENESIS_HASH;
      const entries = storedEntries(db, id);
      for (const entry of entries) {
        const { hash: _hash, keyId: _keyId, ...kept } = entry;
        const { format: _format, ...dropped } = kept;
        // Revision 2 loses its format marker; the others keep theirs.
        const resealed = sealEntry({ ...(entry.revision === 2 ? dropped : kept), prevHash: prev });
        db.prepare('UPDATE docket_history SET entry = ? WHERE instance_id = ? AND revision = ?').run(JSON.stringify(resealed), id, entry.revision);
        prev = resealed.hash;
      }
      db.prepare('UPDATE docket_instances SET history_hash = ? WHERE id = ?').run(prev, id);
    });
    await withEngine(file, undefined, async (engine) => {
      const report = await engine.verify(id);
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => [p.revision, p.problem])).toEqual([[2, 'edited']]);
    });
    // The head itself relabelled (format dropped, hashes resealed): its Merkle digest is read as a format-3 one and fails.
    const file2 = dbFile('head relabelled');
    const id2 = await counter(file2, 1);
    rewriteInFormat(file2, id2, () => ({}));
    const record = await recordOf(file2, id2);
    edit(file2, (db) => {
      const entries = storedEntries(db, id2);
      const last = entries.at(-1)!;
      const { hash: _hash, ...rest } = last;
      const relabelled = sealEntry({ ...rest, stateHash: stateDigest(record), timersHash: timersDigest(record.timers) });
      db.prepare('UPDATE docket_history SET entry = ? WHERE instance_id = ? AND revision = ?').run(JSON.stringify(relabelled), id2, last.revision);
      db.prepare('UPDATE docket_instances SET history_hash = ? WHERE id = ?').run(relabelled.hash, id2);
    });
    await withEngine(file2, undefined, async (engine) => {
      expect(await engine.verify(id2)).toMatchObject({ ok: false, snapshot: 'mismatch' });
      await expect(engine.send(id2, { type: 'INC' }, { actor: staff })).rejects.toMatchObject({ code: 'CORRUPT_SNAPSHOT' });
    });
  });
});

describe('tamper evidence: entry formats this Docket does not read', () => {
  it('a head that says format 3, "4", "5" or 6 (resealed, committing to its state as format 3 would) is reported edited, not verified as format 3, and the engine refuses to act on it', async () => {
    for (const format of [3, '4', '5', 6] as const) {
      const file = dbFile(`format ${String(format)}`);
      const id = await counter(file, 1);
      const record = await recordOf(file, id);
      edit(file, (db) => {
        const last = storedEntries(db, id).at(-1)!;
        const { hash: _hash, ...rest } = last;
        const relabelled = sealEntry({ ...rest, format: format as number, stateHash: stateDigestV3(record), timersHash: timersDigest(record.timers) });
        db.prepare('UPDATE docket_history SET entry = ? WHERE instance_id = ? AND revision = ?').run(JSON.stringify(relabelled), id, last.revision);
        db.prepare('UPDATE docket_instances SET history_hash = ? WHERE id = ?').run(relabelled.hash, id);
      });
      await withEngine(file, undefined, async (engine) => {
        const report = await engine.verify(id);
        expect(report.ok).toBe(false);
        expect(report.problems.map((p) => [p.revision, p.problem])).toEqual([[2, 'edited']]);
        expect(report.problems[0]!.message).toContain('entry format');
        expect(await codeOf(engine.send(id, { type: 'INC' }, { actor: staff }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'edited' });
      });
    }
  });
});

/** A SQLite file holding a counter (its hourly tick due at 10:00) started by an engine with `historyKey`. */
const TICK_DUE = Date.parse(START) + 3_600_000;

describe('tamper evidence: the pending timers and the tenant', () => {
  it('a tick moved earlier in the timer table only: verify reports timers-mismatch, the engine refuses the claimed timer (error, not fired, not suspended)', async () => {
    const file = dbFile('timer table moved');
    const id = await counter(file, 1, K1);
    const early = TICK_DUE - 55 * 60_000;
    edit(file, (db) => db.prepare('UPDATE docket_timers SET due_at = ?, ready_at = ? WHERE instance_id = ?').run(early, early, id));
    await withEngine(file, K1, async (engine) => {
      const report = await engine.verify(id);
      expect(report).toMatchObject({ ok: false, snapshot: 'verified', timers: 'mismatch' });
      expect(report.problems.map((p) => [p.revision, p.problem])).toEqual([[2, 'timers-mismatch']]);
      const errors: unknown[] = [];
      engine.on('error', (e) => errors.push(e));
      expect(await (engine.clock as ReturnType<typeof virtualClock>).advanceTo(early)).toEqual([]);
      expect(errors.map((e) => [(e as { code?: string }).code, (e as { details?: { problem?: string } }).details?.problem])).toEqual([['CORRUPT_SNAPSHOT', 'timer-mismatch']]);
      expect(await engine.get(id)).toMatchObject({ revision: 2, suspended: false, context: { count: 1, ticks: 0 } });
    });
  });

  // The lease bookkeeping (`ready_at`) is outside the chain (docs/security.md), and the claim is made
  // on it: a row whose due instant is untouched but whose ready instant was moved earlier passed the
  // claimed-timer check (it is exactly a committed timer) and fired 55 minutes early.
  it('a tick made ready early in the timer table (ready_at only, due_at untouched) is not fired before its due instant, and fires once when due', async () => {
    const file = dbFile('timer ready early');
    const id = await counter(file, 1, K1);
    const early = TICK_DUE - 55 * 60_000;
    edit(file, (db) => db.prepare('UPDATE docket_timers SET ready_at = ? WHERE instance_id = ?').run(early, id));
    await withEngine(file, K1, async (engine) => {
      const clock = engine.clock as ReturnType<typeof virtualClock>;
      const fired: unknown[] = [];
      const errors: unknown[] = [];
      engine.on('timer.fired', (t) => fired.push(t));
      engine.on('error', (e) => errors.push(e));
      await clock.advanceTo(early);
      expect(await engine.tick()).toEqual([]);
      expect(fired).toEqual([]);
      expect(errors).toMatchObject([{ code: 'CORRUPT_SNAPSHOT', details: { instanceId: id, problem: 'timer-not-due' } }]);
      expect(await engine.get(id)).toMatchObject({ revision: 2, suspended: false, context: { count: 1, ticks: 0 } });
      await clock.advanceTo(TICK_DUE);
      expect(fired).toMatchObject([{ instanceId: id, dueAt: TICK_DUE, firedAt: TICK_DUE, lateMs: 0 }]);
      expect(await engine.get(id)).toMatchObject({ revision: 3, context: { ticks: 1 } });
      expect((await engine.verify(id)).ok).toBe(true);
    });
  });

  it('a tick moved in the instance’s timer list only: verify reports timers-mismatch, and no act is taken on it', async () => {
    const file = dbFile('timer list moved');
    const id = await counter(file, 1);
    edit(file, (db) => db.prepare(`UPDATE docket_instances SET timers = json_set(timers, '$[0].dueAt', ?) WHERE id = ?`).run(TICK_DUE + 86_400_000, id));
    await withEngine(file, undefined, async (engine) => {
      expect((await engine.get(id)).timers.map((t) => t.dueAt)).toEqual([TICK_DUE + 86_400_000]); // the edit is what is stored
      const report = await engine.verify(id);
      expect(report).toMatchObject({ ok: false, timers: 'mismatch' });
      expect(report.problems.map((p) => [p.revision, p.problem])).toEqual([[2, 'timers-mismatch']]);
      expect(await codeOf(engine.send(id, { type: 'INC' }, { actor: staff }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'timers-mismatch' });
      expect(await codeOf(engine.suspend(id, { actor: admin, reason: 'x' }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'timers-mismatch' });
      expect((await engine.get(id)).revision).toBe(2);
    });
  });

  it('a tick deleted from both copies fails verify and refuses acts', async () => {
    const file = dbFile('timer deleted');
    const id = await counter(file, 1);
    edit(file, (db) => {
      db.prepare('DELETE FROM docket_timers WHERE instance_id = ?').run(id);
      db.prepare(`UPDATE docket_instances SET timers = '[]', next_due_at = NULL WHERE id = ?`).run(id);
    });
    await withEngine(file, undefined, async (engine) => {
      const report = await engine.verify(id);
      expect(report.timers).toBe('mismatch');
      expect(report.problems.map((p) => p.problem)).toEqual(['timers-mismatch', 'timers-mismatch']);
      expect(await codeOf(engine.send(id, { type: 'INC' }, { actor: staff }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'timers-mismatch' });
    });
  });

  it('an edited tenant column is refused before any act (tenant-mismatch), and verify reports it alone', async () => {
    const file = dbFile('tenant edited');
    const id = await withEngine(file, undefined, async (engine) => engine.forTenant('acme').start('counter', {}, { actor: staff, id: 'c1' }));
    const plain = await withEngine(file, undefined, async (engine) => engine.start('counter', {}, { actor: staff, id: 'c2' }));
    edit(file, (db) => {
      db.prepare(`UPDATE docket_instances SET tenant = 'globex' WHERE id = ?`).run(id);
      db.prepare(`UPDATE docket_instances SET tenant = 'globex' WHERE id = ?`).run(plain);
    });
    await withEngine(file, undefined, async (engine) => {
      for (const target of [id, plain]) {
        const report = await engine.verify(target);
        expect([target, report.ok, report.snapshot, report.problems.map((p) => p.problem)]).toEqual([target, false, 'verified', ['tenant-mismatch']]);
        expect(await codeOf(engine.send(target, { type: 'INC' }, { actor: staff }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'tenant-mismatch' });
        expect(await codeOf(engine.forTenant('globex').send(target, { type: 'INC' }, { actor: staff }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'tenant-mismatch' });
        expect(await codeOf(engine.terminate(target, { actor: admin, reason: 'x' }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'tenant-mismatch' });
        expect((await engine.get(target)).revision).toBe(1);
      }
    });
  });

  it('an edited tenant column under a chain of entry format 2 is refused too (checked against the start entry)', async () => {
    const file = dbFile('tenant edited format 2');
    const id = await withEngine(file, undefined, async (engine) => {
      const started = await engine.forTenant('acme').start('counter', {}, { actor: staff, id: 'c1' });
      await engine.send(started, { type: 'INC' }, { actor: staff });
      return started;
    });
    const record = await recordOf(file, id);
    rewriteInFormat(file, id, (last) => (last ? { stateHash: stateDigestV2(record) } : {}));
    edit(file, (db) => db.prepare(`UPDATE docket_instances SET tenant = NULL WHERE id = ?`).run(id));
    await withEngine(file, undefined, async (engine) => {
      expect((await engine.verify(id)).problems.map((p) => p.problem)).toEqual(['tenant-mismatch']);
      expect(await codeOf(engine.send(id, { type: 'INC' }, { actor: staff }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'tenant-mismatch' });
    });
  });
});

describe('tamper evidence: keyed chain (HMAC)', () => {
  it('a full rewrite with recomputed SHA-256 verifies without a key but fails verify in keyed mode', async () => {
    const plain = dbFile('rewrite unkeyed');
    const plainId = await counter(plain, 2);
    await rewriteWithSha256(plain, plainId, 1_000_000);
    await withEngine(plain, undefined, async (engine) => {
      // What an unkeyed chain cannot prove: a writer who recomputes every hash goes unnoticed.
      expect(await engine.verify(plainId)).toMatchObject({ ok: true, snapshot: 'verified', keyed: false });
    });

    const keyed = dbFile('rewrite keyed');
    const id = await counter(keyed, 2, K1);
    await rewriteWithSha256(keyed, id, 1_000_000);
    await withEngine(keyed, K1, async (engine) => {
      const report = await engine.verify(id);
      expect(report).toMatchObject({ ok: false, keyed: false });
      expect(report.problems.map((p) => [p.revision, p.problem])).toEqual([[3, 'unkeyed']]);
      expect(await codeOf(engine.send(id, { type: 'INC' }, { actor: staff }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'unkeyed' });
    });
  });

  it('a rewrite that keeps the key ids but cannot compute the HMAC is reported edited, entry by entry', async () => {
    const file = dbFile('rewrite keeping key ids');
    const id = await counter(file, 2, K1);
    edit(file, (db) => {
      let prev = GENESIS_HASH;
      for (const entry of storedEntries(db, id)) {
        const { hash: _hash, keyId: _keyId, ...rest } = entry;
        const forged = { ...sealEntry({ ...rest, prevHash: prev }), keyId: 'k1' };
        db.prepare('UPDATE docket_history SET entry = ? WHERE instance_id = ? AND revision = ?').run(JSON.stringify(forged), id, entry.revision);
        prev = forged.hash;
      }
      db.prepare('UPDATE docket_instances SET history_hash = ? WHERE id = ?').run(prev, id);
    });
    await withEngine(file, K1, async (engine) => {
      const report = await engine.verify(id);
      expect(report.problems.map((p) => [p.revision, p.problem])).toEqual([
        [1, 'edited'],
        [2, 'edited'],
        [3, 'edited'],
      ]);
      expect(report.keyed).toBe(false);
    });
  });

  it('rotation: new entries use the current key, old entries stay verifiable by the previous one', async () => {
    const file = dbFile('rotation');
    const id = await counter(file, 1, K1);
    await withEngine(file, { current: K2, previous: [K1] }, async (engine) => {
      await engine.send(id, { type: 'INC' }, { actor: staff });
      await engine.send(id, { type: 'INC' }, { actor: staff });
      expect(((await engine.history(id)) as HistoryEntry[]).map((e) => e.keyId)).toEqual(['k1', 'k1', 'k2', 'k2']);
      expect(await engine.verify(id)).toEqual({ instanceId: id, ok: true, entries: 4, snapshot: 'verified', timers: 'verified', keyed: true, problems: [] });
    });
  });

  it('a key id the verifier does not hold gives an unknown-key problem naming it, and the engine refuses with its id', async () => {
    const file = dbFile('unknown key');
    const id = await counter(file, 1, K1);
    await withEngine(file, K2, async (engine) => {
      const report = await engine.verify(id);
      expect(report.ok).toBe(false);
      expect(report.problems.map((p) => [p.revision, p.problem, p.keyId])).toEqual([[1, 'unknown-key', 'k1']]);
      expect(await codeOf(engine.send(id, { type: 'INC' }, { actor: staff }))).toEqual({ code: 'CORRUPT_SNAPSHOT', problem: 'unknown-key', keyId: 'k1' });
    });
    // Without any key (the default), the same chain cannot be checked either: say so, do not pass it.
    const record = await recordOf(file, id);
    const store = sqliteStore({ filename: file });
    await store.init();
    const report = await verifyHistory(store, record);
    await store.close();
    expect(report.problems.map((p) => [p.problem, p.keyId])).toEqual([['unknown-key', 'k1']]);
  });

  it('an unkeyed chain from before the key was set fails in keyed mode, unless acceptUnkeyed is set while migrating; its next act seals it', async () => {
    const file = dbFile('migration');
    const id = await counter(file, 1);
    await withEngine(file, K1, async (engine) => {
      expect((await engine.verify(id)).problems.map((p) => p.problem)).toEqual(['unkeyed']);
    });
    await withEngine(file, { current: K1, acceptUnkeyed: true }, async (engine) => {
      expect(await engine.verify(id)).toMatchObject({ ok: true, keyed: false });
      await engine.send(id, { type: 'INC' }, { actor: staff });
    });
    // The keyed entry seals the unkeyed ones before it (its HMAC covers their hash).
    await withEngine(file, K1, async (engine) => {
      expect(await engine.verify(id)).toMatchObject({ ok: true, keyed: true });
    });
  });

  it('refuses a malformed key with INVALID_ARGUMENT when the engine is created', () => {
    const make = (historyKey: unknown) => {
      try {
        createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [counterWorkflow], historyKey: historyKey as HistoryKeyOption });
        return 'ok';
      } catch (error) {
        return (error as { code?: string }).code;
      }
    };
    expect(make({ id: 'k1', secret: 'too short' })).toBe('INVALID_ARGUMENT');
    expect(make({ id: '', secret: K1.secret })).toBe('INVALID_ARGUMENT');
    expect(make({ id: 'has space', secret: K1.secret })).toBe('INVALID_ARGUMENT');
    expect(make({ current: K1, previous: [{ ...K2, id: 'k1' }] })).toBe('INVALID_ARGUMENT');
    expect(make({ current: K2, previous: [K1] })).toBe('ok');
  });
});

// ---- paging ----

/** A memory store whose `history` calls are recorded, to see how readers page. */
function spied(): { store: Store; calls: { afterRevision: number | undefined; limit: number | undefined }[] } {
  const inner = memoryStore();
  const calls: { afterRevision: number | undefined; limit: number | undefined }[] = [];
  const store: Store = Object.create(inner);
  store.history = (id, options) => {
    calls.push({ afterRevision: options?.afterRevision, limit: options?.limit });
    return inner.history(id, options);
  };
  return { store, calls };
}

describe('history and verify in pages', () => {
  it('verify on a long history walks it page by page (500 entries a call), never reading it whole', async () => {
    const { store, calls } = spied();
    const engine = createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow] });
    const id = await engine.start('counter', {}, { actor: staff });
    for (let i = 0; i < 1200; i++) await engine.send(id, { type: 'INC' }, { actor: staff });
    calls.length = 0;
    const report = await engine.verify(id);
    expect(report).toMatchObject({ ok: true, entries: 1201, snapshot: 'verified' });
    expect(calls).toEqual([
      { afterRevision: 0, limit: 500 },
      { afterRevision: 500, limit: 500 },
      { afterRevision: 1000, limit: 500 },
    ]);
    await engine.close();
  });

  it('engine.history pages with limit and cursor; without options it still returns every entry', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [counterWorkflow] });
    const id = await engine.start('counter', {}, { actor: staff });
    for (let i = 0; i < 4; i++) await engine.send(id, { type: 'INC' }, { actor: staff });
    const first = await engine.history(id, { limit: 2 });
    expect(first.items.map((e) => e.revision)).toEqual([1, 2]);
    expect(first.nextCursor).toBe('2');
    const second = await engine.history(id, { limit: 2, cursor: first.nextCursor! });
    expect(second.items.map((e) => e.revision)).toEqual([3, 4]);
    const last = await engine.history(id, { limit: 2, cursor: second.nextCursor! });
    expect(last).toEqual({ items: [expect.objectContaining({ revision: 5 })] });
    // A page that ends exactly at the head says there is no more.
    expect((await engine.history(id, { limit: 5 })).nextCursor).toBeUndefined();
    expect(((await engine.history(id)) as HistoryEntry[]).map((e) => e.revision)).toEqual([1, 2, 3, 4, 5]);
    await engine.close();
  });

  it('refuses a bad page size or cursor with INVALID_ARGUMENT', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [counterWorkflow] });
    const id = await engine.start('counter', {}, { actor: staff });
    const bad: unknown[] = [{ limit: 0 }, { limit: 1001 }, { limit: 'abc' }, { limit: 1.5 }, { limit: 2, cursor: '-5' }, { limit: 2, cursor: 'x' }, { limit: 2, cursor: [3] }, { limit: 0, includeRefused: true }, { limit: 2, cursor: 'x', includeRefused: true }];
    for (const options of bad) expect([options, (await codeOf(engine.history(id, options as never))).code]).toEqual([options, 'INVALID_ARGUMENT']);
    expect((await engine.history(id, { limit: 1000 })).items).toHaveLength(1);
    // A page with its refusals (it was refused: pages held accepted entries only).
    expect((await engine.history(id, { limit: 2, includeRefused: true })).items).toHaveLength(1);
    await engine.close();
  });

  it('refuses a cursor past the head instead of answering an empty page, as if the history had ended', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [counterWorkflow] });
    const id = await engine.start('counter', {}, { actor: staff });
    for (let i = 0; i < 3; i++) await engine.send(id, { type: 'INC' }, { actor: staff });
    // Revision 4: a nextCursor is always below it, and stays below as the instance moves on.
    for (const cursor of ['4', '5', '999', '999999999999999']) {
      const error = await engine.history(id, { limit: 2, cursor }).catch((e: unknown) => e);
      expect([cursor, isDocketError(error, 'INVALID_ARGUMENT') && error.details]).toEqual([cursor, { instanceId: id, field: 'cursor' }]);
    }
    const first = await engine.history(id, { limit: 3 });
    expect(first.nextCursor).toBe('3');
    await engine.send(id, { type: 'INC' }, { actor: staff });
    expect((await engine.history(id, { limit: 3, cursor: first.nextCursor! })).items.map((e) => e.revision)).toEqual([4, 5]);
    await engine.close();
  });
});

// ---- the kind: any single edit of what is stored is found ----

type Edit =
  | { readonly kind: 'entry'; readonly revision: number; readonly field: 'actor' | 'at' | 'event' | 'to' | 'from' | 'reason' | 'stateHash' | 'prevHash' | 'drop' }
  | { readonly kind: 'record'; readonly field: 'count' | 'state' | 'status' | 'suspended' | 'initiator' | 'revision' | 'historyHash' | 'tenant' }
  // A pending timer edited in the instance's timer list or in the timer table: its due instant moved
  // by `shiftMs` (either way), deleted, its event swapped, or a forged one added.
  | { readonly kind: 'timers' | 'table'; readonly change: 'due' | 'drop' | 'event' | 'add'; readonly shiftMs: number };

function editTimers<T extends { readonly id: string; readonly key: string; readonly name: string; readonly dueAt: number; readonly event: { readonly type: string } }>(
  timers: readonly T[],
  edit: Extract<Edit, { kind: 'timers' | 'table' }>,
): T[] {
  const [first, ...rest] = timers;
  switch (edit.change) {
    case 'due':
      return [{ ...first!, dueAt: first!.dueAt + edit.shiftMs }, ...rest];
    case 'drop':
      return rest;
    case 'event':
      return [{ ...first!, event: { type: 'INC' } }, ...rest];
    case 'add':
      return [...timers, { ...first!, id: `${first!.id}:forged`, key: 'forged', dueAt: first!.dueAt + edit.shiftMs }];
  }
}

/** A store that shows one edit of what it holds, as a writer of the database could make it. */
function edited(inner: Store, edit: Edit): Store {
  const store: Store = Object.create(inner);
  store.history = async (id, options) => {
    const entries = await inner.history(id, options);
    if (edit.kind !== 'entry') return entries;
    if (edit.field === 'drop') return entries.filter((e) => e.revision !== edit.revision);
    return entries.map((e) => {
      if (e.revision !== edit.revision) return e;
      const changes: Record<string, unknown> = {
        actor: { ...e.actor, id: 'mallory' },
        at: e.at + 1,
        event: { ...e.event, extra: 1 },
        to: 'elsewhere',
        from: 'nowhere',
        reason: 'because',
        stateHash: '0'.repeat(64),
        prevHash: '1'.repeat(64),
      };
      return { ...e, [edit.field]: changes[edit.field] };
    });
  };
  store.load = async (id) => {
    const record = await inner.load(id);
    if (!record || edit.kind !== 'record') return record;
    const context = record.context as { count: number; ticks: number };
    switch (edit.field) {
      case 'count':
        return { ...record, context: { ...context, count: context.count + 1 } };
      case 'state':
        return { ...record, state: 'elsewhere' };
      case 'status':
        return { ...record, status: 'done' };
      case 'suspended':
        return { ...record, suspended: !record.suspended };
      case 'initiator':
        return { ...record, initiator: 'mallory' };
      case 'revision':
        return { ...record, revision: record.revision + 1 };
      case 'historyHash':
        return { ...record, historyHash: '2'.repeat(64) };
      case 'tenant':
        return { ...record, tenant: 'mallory-corp' };
    }
  };
  store.load = ((load) => async (id: string) => {
    const record = await load(id);
    return record && edit.kind === 'timers' ? { ...record, timers: editTimers(record.timers, edit) } : record;
  })(store.load);
  store.timers = async (id) => {
    const rows = await inner.timers(id);
    return edit.kind === 'table' ? editTimers(rows, edit) : rows;
  };
  return store;
}

describe('tamper evidence: property', () => {
  it('any single edit of an entry, of the stored state or of a pending timer (either copy) fails verify, keyed or not, and the head check refuses it (fast-check, 600 runs)', async () => {
    const chains = new Map<string, { store: Store; id: string; length: number }>();
    for (const mode of ['unkeyed', 'keyed'] as const) {
      const store = memoryStore();
      const engine = createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow], ...(mode === 'keyed' ? { historyKey: K1 } : {}) });
      const id = await engine.start('counter', {}, { actor: staff });
      for (let i = 0; i < 5; i++) await engine.send(id, { type: 'INC' }, { actor: staff });
      await engine.close();
      chains.set(mode, { store, id, length: 6 });
    }
    const entryEdit = fc.record({
      kind: fc.constant('entry' as const),
      revision: fc.integer({ min: 1, max: 6 }),
      field: fc.constantFrom('actor', 'at', 'event', 'to', 'from', 'reason', 'stateHash', 'prevHash', 'drop'),
    });
    const recordEdit = fc.record({
      kind: fc.constant('record' as const),
      field: fc.constantFrom('count', 'state', 'status', 'suspended', 'initiator', 'revision', 'historyHash', 'tenant'),
    });
    const shiftMs = fc.integer({ min: -3_600_000, max: 3_600_000 }).filter((ms) => ms !== 0);
    const timerEdit = fc.record({ kind: fc.constantFrom('timers' as const, 'table' as const), change: fc.constantFrom('due' as const, 'drop' as const, 'event' as const, 'add' as const), shiftMs });
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('unkeyed', 'keyed'), fc.oneof(entryEdit, recordEdit, timerEdit), async (mode, edit) => {
        const { store, id } = chains.get(mode)!;
        const view = edited(store, edit as Edit);
        const record = (await view.load(id))!;
        const report = await verifyHistory(view, record, mode === 'keyed' ? { historyKey: K1 } : {});
        expect(report.ok).toBe(false);
        expect(report.problems.length).toBeGreaterThan(0);
        // A timer edit is named as one, in whichever copy it was made.
        if (edit.kind === 'timers' || edit.kind === 'table') {
          expect([report.timers, report.problems.map((p) => p.problem)]).toEqual(['mismatch', ['timers-mismatch']]);
        }
        // And the engine acts on none of them: an act loading the record refuses it (or, for an edit
        // of the table only, the delivery of the claimed timer is refused). The head check reads the
        // head entry only: edits of older entries are verify's to find.
        if (edit.kind !== 'entry' || edit.revision === 6) {
          // The row an edit of the table would have delivered: the edited or forged one (a row
          // dropped from the table is never claimed, so nothing is delivered for it).
          const rows = await view.timers(id);
          const claimed = edit.kind === 'table' ? rows[rows.length - 1] : undefined;
          if (edit.kind === 'table' && edit.change === 'drop') {
            expect(rows).toEqual([]);
          } else {
            const error = await checkHead(view, createKeyring(mode === 'keyed' ? { current: K1 } : undefined), record, claimed ? { timer: claimed } : {}).then(
              () => undefined,
              (e: unknown) => e,
            );
            expect(error).toMatchObject({ code: 'CORRUPT_SNAPSHOT' });
          }
        }
      }),
      { numRuns: 600 },
    );
    for (const mode of ['unkeyed', 'keyed'] as const) {
      const { store, id } = chains.get(mode)!;
      expect((await verifyHistory(store, (await store.load(id))!, mode === 'keyed' ? { historyKey: K1 } : {})).ok).toBe(true);
    }
  });
});

describe('tamper evidence: a commitment dropped after entries carry it (one rule for stateHash, timersHash, format)', () => {
  it('an entry resealed without any one commitment that earlier entries carry is reported edited, naming the field (fast-check, 60 runs)', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [counterWorkflow] });
    const id = await engine.start('counter', {}, { actor: staff, id: 'dropped' });
    for (let i = 0; i < 5; i++) await engine.send(id, { type: 'INC' }, { actor: staff });
    const entries = await engine.store.history(id);
    const record = (await engine.store.load(id))!;
    expect(verifyChain(id, entries, record).ok).toBe(true);
    await fc.assert(
      fc.property(fc.constantFrom('stateHash' as const, 'timersHash' as const, 'format' as const), fc.integer({ min: 2, max: entries.length - 1 }), (field, revision) => {
        let prev = GENESIS_HASH;
        const rewritten = entries.map((entry) => {
          const { hash: _hash, keyId: _keyId, ...kept } = entry;
          const body: Record<string, unknown> = { ...kept, prevHash: prev };
          if (entry.revision === revision) delete body[field];
          const sealed = sealEntry(body as Omit<HistoryEntry, 'hash'>);
          prev = sealed.hash;
          return sealed;
        });
        const report = verifyChain(id, rewritten, { ...record, historyHash: prev });
        expect(report.problems.map((p) => [p.revision, p.problem])).toEqual([[revision, 'edited']]);
        expect(report.problems[0]!.message).toContain(`(${field})`);
        expect(report.problems[0]!.message).toContain(`entries since 1 carry`);
      }),
      { numRuns: 60 },
    );
    await engine.close();
  });
});
