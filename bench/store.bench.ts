// Durable stores against their raw drivers, measured in the same run (not a test: numbers go in
// docs/storage.md).   npx tsx bench/store.bench.ts        (Postgres parts skip if it is unreachable)
// 1. durable transitions/s through engine.send vs the raw driver doing the same writes (one INSERT
//    into history + one UPDATE of the instance per transaction): SQLite FULL, SQLite NORMAL,
//    Postgres with one client;
// 2. 8 concurrent senders through the engine (group commit) vs raw one-transaction-per-event;
// 3. timers claimed by 4 workers (store.claimDueTimers) vs a raw FOR UPDATE SKIP LOCKED loop.
import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, virtualClock, type InstanceRecord, type Store } from '../src/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { sqliteStore } from '../src/sqlite/index.js';

const PG_URL = process.env.DOCKET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const machine = setup({ types: {} as { context: { n: number }; events: { type: 'PING' } | { type: 'PONG' } } }).createMachine({
  id: 'pingpong',
  context: { n: 0 },
  initial: 'a',
  states: { a: { on: { PING: 'b' } }, b: { on: { PONG: 'a' } } },
});
const workflow = defineWorkflow({ id: 'pingpong', version: 1, machine, input: z.object({}), events: { PING: z.object({}), PONG: z.object({}) } });
const actor = { id: 'bench', roles: ['user'] };
const dir = join(tmpdir(), 'docket-bench');
mkdirSync(dir, { recursive: true });
const results: string[] = [];

function report(label: string, ours: number, raw: number, target: string) {
  const line = `${label}: docket ${Math.round(ours).toLocaleString('en')}/s vs raw ${Math.round(raw).toLocaleString('en')}/s = ${(ours / raw).toFixed(2)}x (aim ${target})`;
  console.log(line);
  results.push(line);
}

/** Transitions/s through engine.send with `senders` concurrent senders, each on its own instance. */
async function engineRate(store: Store, total: number, senders: number): Promise<{ rate: number; sample: InstanceRecord }> {
  const engine = createEngine({ store, clock: virtualClock(0), workflows: [workflow], workerId: 'bench' });
  const ids: string[] = [];
  for (let i = 0; i < senders; i++) ids.push(await engine.start('pingpong', {}, { actor }));
  for (const id of ids) await engine.send(id, { type: 'PING' }, { actor }); // warm up
  for (const id of ids) await engine.send(id, { type: 'PONG' }, { actor });
  const per = Math.ceil(total / senders);
  const t0 = performance.now();
  await Promise.all(
    ids.map(async (id) => {
      for (let i = 0; i < per; i++) await engine.send(id, { type: i % 2 === 0 ? 'PING' : 'PONG' }, { actor });
    }),
  );
  const rate = (per * senders) / ((performance.now() - t0) / 1000);
  const sample = (await store.load(ids[0]!))!;
  await engine.close();
  return { rate, sample };
}

/** The same writes the engine makes for one event, as raw values (taken from a real record). */
function rawPayload(sample: InstanceRecord) {
  return {
    entry: JSON.stringify({ instanceId: sample.id, revision: 1, kind: 'event', event: { type: 'PING' }, actor, at: 0, from: 'a', to: 'b', prevHash: sample.historyHash, hash: sample.historyHash }),
    snapshot: JSON.stringify(sample.snapshot),
    context: JSON.stringify(sample.context),
  };
}

function sqliteRaw(filename: string, sync: 'FULL' | 'NORMAL', n: number, sample: InstanceRecord): number {
  rmSync(filename, { force: true });
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${sync}`);
  db.exec(`CREATE TABLE inst (id TEXT PRIMARY KEY, revision INTEGER, snapshot TEXT, context TEXT, updated_at INTEGER);
           CREATE TABLE hist (instance_id TEXT, revision INTEGER, entry TEXT, PRIMARY KEY (instance_id, revision)) WITHOUT ROWID;`);
  db.prepare(`INSERT INTO inst VALUES ('x', 0, '{}', '{}', 0)`).run();
  const p = rawPayload(sample);
  const insert = db.prepare(`INSERT INTO hist VALUES ('x', ?, ?)`);
  const update = db.prepare(`UPDATE inst SET revision = ?, snapshot = ?, context = ?, updated_at = ? WHERE id = 'x' AND revision = ?`);
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  const t0 = performance.now();
  for (let i = 1; i <= n; i++) {
    begin.run();
    insert.run(i, p.entry);
    update.run(i, p.snapshot, p.context, i, i - 1);
    commit.run();
  }
  const rate = n / ((performance.now() - t0) / 1000);
  db.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
  return rate;
}

async function sqliteBench(durability: 'full' | 'normal', n: number, concurrentN: number) {
  const filename = join(dir, `bench-${durability}.db`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
  const store = sqliteStore({ filename, durability });
  const one = await engineRate(store, n, 1);
  const raw = sqliteRaw(join(dir, `raw-${durability}.db`), durability === 'full' ? 'FULL' : 'NORMAL', n, one.sample);
  report(`SQLite ${durability.toUpperCase()}, 1 sender`, one.rate, raw, '>= 0.7x');
  const before = store.stats();
  const eight = await engineRate(store, concurrentN, 8);
  const after = store.stats();
  report(`SQLite ${durability.toUpperCase()}, 8 senders (group commit, ${((after.writes - before.writes) / (after.groups - before.groups)).toFixed(1)} writes/txn)`, eight.rate, raw, durability === 'full' ? '>= 3x' : 'info');
  await store.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
}

async function pgRawRate(pool: pg.Pool, schema: string, total: number, clients: number, sample: InstanceRecord): Promise<number> {
  await pool.query(`CREATE TABLE "${schema}".raw_inst (id text PRIMARY KEY, revision int, snapshot json, context json, updated_at bigint)`);
  await pool.query(`CREATE TABLE "${schema}".raw_hist (instance_id text, revision int, entry json, PRIMARY KEY (instance_id, revision))`);
  const p = rawPayload(sample);
  const per = Math.ceil(total / clients);
  for (let c = 0; c < clients; c++) await pool.query(`INSERT INTO "${schema}".raw_inst VALUES ($1, 0, '{}', '{}', 0)`, [`x${c}`]);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      const client = await pool.connect();
      try {
        for (let i = 1; i <= per; i++) {
          await client.query('BEGIN');
          await client.query(`INSERT INTO "${schema}".raw_hist VALUES ($1, $2, $3::json)`, [`x${c}`, i, p.entry]);
          await client.query(`UPDATE "${schema}".raw_inst SET revision = $2, snapshot = $3::json, context = $4::json, updated_at = $5 WHERE id = $1 AND revision = $6`, [
            `x${c}`,
            i,
            p.snapshot,
            p.context,
            i,
            i - 1,
          ]);
          await client.query('COMMIT');
        }
      } finally {
        client.release();
      }
    }),
  );
  const rate = (per * clients) / ((performance.now() - t0) / 1000);
  await pool.query(`DROP TABLE "${schema}".raw_inst, "${schema}".raw_hist`);
  return rate;
}

async function pgTimers(pool: pg.Pool, schema: string, count: number, workers: number) {
  const store = postgresStore({ pool }, { schema });
  await store.init();
  const seed = (table: string) =>
    pool.query(
      `INSERT INTO "${schema}".${table} (id, instance_id, key, name, event, due_at, revision, status, ready_at)
       SELECT 't' || g, 'i' || (g % 1000), 'k', 'k', '{"type":"x"}'::json, g % 1000, 1, 'pending', g % 1000 FROM generate_series(1, $1) g`,
      [count],
    );
  await pool.query(`CREATE TABLE "${schema}".raw_timers (LIKE "${schema}".docket_timers INCLUDING ALL)`);
  await seed('raw_timers');
  await pool.query(`ANALYZE "${schema}".raw_timers`);
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      const client = await pool.connect();
      try {
        for (;;) {
          await client.query('BEGIN');
          const { rows } = await client.query(
            `SELECT id FROM "${schema}".raw_timers WHERE status = 'pending' AND ready_at <= $1 ORDER BY ready_at LIMIT 100 FOR UPDATE SKIP LOCKED`,
            [1_000_000],
          );
          if (rows.length > 0) {
            await client.query(`UPDATE "${schema}".raw_timers SET claimed_by = $2, lease_until = $3, ready_at = $3 WHERE id = ANY($1)`, [rows.map((r) => r.id), `w${w}`, 2_000_000]);
          }
          await client.query('COMMIT');
          if (rows.length === 0) break;
        }
      } finally {
        client.release();
      }
    }),
  );
  const raw = count / ((performance.now() - t0) / 1000);
  await seed('docket_timers');
  await pool.query(`ANALYZE "${schema}".docket_timers`);
  let claimed = 0;
  const t1 = performance.now();
  await Promise.all(
    Array.from({ length: workers }, async (_, w) => {
      for (;;) {
        const got = await store.claimDueTimers(1_000_000, { owner: `w${w}`, leaseMs: 1_000_000, limit: 100 });
        claimed += got.length;
        if (got.length === 0) break;
      }
    }),
  );
  const ours = claimed / ((performance.now() - t1) / 1000);
  if (claimed !== count) throw new Error(`claimed ${claimed} of ${count} timers`);
  report(`Postgres timers claimed, ${workers} workers`, ours, raw, '>= 0.5x');
  await store.close();
}

async function postgresBench() {
  const probe = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
    await probe.end();
  } catch (error) {
    console.log(`Postgres benchmarks skipped: ${PG_URL} unreachable (${error instanceof Error ? error.message : String(error)})`);
    return;
  }
  const pool = new pg.Pool({ connectionString: PG_URL, max: 12 });
  const schema = `bench_${process.pid}`;
  try {
    const store = postgresStore({ pool }, { schema });
    await store.init();
    const one = await engineRate(store, 2000, 1);
    const raw1 = await pgRawRate(pool, schema, 2000, 1, one.sample);
    report('Postgres, 1 client', one.rate, raw1, '>= 0.7x');
    const before = store.stats();
    const eight = await engineRate(store, 6000, 8);
    const after = store.stats();
    const raw8 = await pgRawRate(pool, schema, 6000, 8, one.sample);
    report(`Postgres, 8 senders (group commit, ${((after.writes - before.writes) / (after.groups - before.groups)).toFixed(1)} commits/txn) vs raw 8 clients`, eight.rate, raw8, '>= 2x');
    await store.close();
    await pgTimers(pool, schema, 50_000, 4);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

const started = performance.now();
await sqliteBench('full', 3000, 8000);
await sqliteBench('normal', 10_000, 10_000);
await postgresBench();
console.log(`\n=== ratios (each against its raw baseline in the same run; ${((performance.now() - started) / 1000).toFixed(0)} s)`);
for (const line of results) console.log(line);
