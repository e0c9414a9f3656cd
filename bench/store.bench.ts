// Durable stores against their raw drivers, measured in the same run (not a test: numbers go in
// docs/storage.md).   npx tsx bench/store.bench.ts        (Postgres parts skip if it is unreachable)
// 1. durable transitions/s through engine.send vs the raw driver doing the same writes (one INSERT
//    into history + one UPDATE of the instance per transaction): SQLite FULL, SQLite NORMAL,
//    Postgres with one client;
// 2. 8 concurrent senders through the engine (group commit) vs raw one-transaction-per-event;
// 3. timers claimed by 4 workers (store.claimDueTimers) vs a raw FOR UPDATE SKIP LOCKED loop.
// The box is shared and its load swings from one second to the next, so each case alternates short
// rounds of docket and raw (ROUNDS, default 3) and reports the median of the per-round ratios.
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
import { partsAsked, QUICK } from './harness.js';

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
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const SCALE = Number(process.env.SCALE ?? (QUICK ? 0.3 : 1));

const median = (xs: readonly number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `pairs`: [docket, raw] rates of each round. Reports medians and the median per-round ratio. */
function report(label: string, pairs: readonly (readonly [number, number])[], target: string) {
  const ours = median(pairs.map((p) => p[0]));
  const raw = median(pairs.map((p) => p[1]));
  const ratio = median(pairs.map((p) => p[0] / p[1]));
  const spread = pairs.map((p) => (p[0] / p[1]).toFixed(2)).join(' ');
  const line = `${label}: docket ${Math.round(ours).toLocaleString('en')}/s vs raw ${Math.round(raw).toLocaleString('en')}/s = ${ratio.toFixed(2)}x (aim ${target}; rounds ${spread})`;
  console.log(line);
  results.push(line);
}

/** An engine with `senders` started instances; `run(total)` measures transitions/s through engine.send. */
async function engineSenders(store: Store, senders: number) {
  const engine = createEngine({ store, clock: virtualClock(0), workflows: [workflow], workerId: 'bench' });
  const ids: string[] = [];
  for (let i = 0; i < senders; i++) ids.push(await engine.start('pingpong', {}, { actor }));
  for (const id of ids) await engine.send(id, { type: 'PING' }, { actor }); // warm up
  for (const id of ids) await engine.send(id, { type: 'PONG' }, { actor });
  const sent = ids.map(() => 0); // PING/PONG alternate across rounds, whatever a round's length
  return {
    sample: async () => (await store.load(ids[0]!))!,
    async run(total: number): Promise<number> {
      const per = Math.ceil(total / senders);
      const t0 = performance.now();
      await Promise.all(
        ids.map(async (id, k) => {
          for (let i = 0; i < per; i++) await engine.send(id, { type: sent[k]!++ % 2 === 0 ? 'PING' : 'PONG' }, { actor });
        }),
      );
      return (per * senders) / ((performance.now() - t0) / 1000);
    },
    close: () => engine.close(),
  };
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
  const sync = durability === 'full' ? 'FULL' : 'NORMAL';
  const label = `SQLite ${durability.toUpperCase()}`;
  const one = await engineSenders(store, 1);
  const sample = await one.sample();
  const rawFile = join(dir, `raw-${durability}.db`);
  const single: [number, number][] = [];
  for (let r = 0; r < ROUNDS; r++) single.push([await one.run(n), sqliteRaw(rawFile, sync, n, sample)]);
  await one.close();
  report(`${label}, 1 sender`, single, '>= 0.7x');
  const eight = await engineSenders(store, 8);
  const before = store.stats();
  const grouped: [number, number][] = [];
  for (let r = 0; r < ROUNDS; r++) grouped.push([await eight.run(concurrentN), sqliteRaw(rawFile, sync, n, sample)]);
  const after = store.stats();
  await eight.close();
  report(
    `${label}, 8 senders (group commit, ${((after.writes - before.writes) / (after.groups - before.groups)).toFixed(1)} writes/txn) vs raw 1 txn/event`,
    grouped,
    durability === 'full' ? '>= 3x' : 'info',
  );
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
  const seed = async (table: string) => {
    await pool.query(`TRUNCATE "${schema}".${table}`);
    await pool.query(
      `INSERT INTO "${schema}".${table} (id, instance_id, key, name, event, due_at, revision, status, ready_at)
       SELECT 't' || g, 'i' || (g % 1000), 'k', 'k', '{"type":"x"}'::json, g % 1000, 1, 'pending', g % 1000 FROM generate_series(1, $1) g`,
      [count],
    );
    await pool.query(`ANALYZE "${schema}".${table}`);
  };
  await pool.query(`CREATE TABLE "${schema}".raw_timers (LIKE "${schema}".docket_timers INCLUDING ALL)`);
  const pairs: [number, number][] = [];
  for (let round = 0; round < ROUNDS; round++) {
    await seed('raw_timers');
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
    let claimed = 0;
    const t1 = performance.now();
    await Promise.all(
      Array.from({ length: workers }, async (_, w) => {
        for (let n = 0; ; n++) {
          const got = await store.claimDueTimers(1_000_000, { owner: `w${w}`, token: `w${w}-${round}-${n}`, leaseMs: 1_000_000, limit: 100 });
          claimed += got.length;
          if (got.length === 0) break;
        }
      }),
    );
    const ours = claimed / ((performance.now() - t1) / 1000);
    if (claimed !== count) throw new Error(`claimed ${claimed} of ${count} timers`);
    pairs.push([ours, raw]);
  }
  report(`Postgres timers claimed, ${workers} workers`, pairs, '>= 0.5x');
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
    const one = await engineSenders(store, 1);
    const sample = await one.sample();
    const single: [number, number][] = [];
    for (let r = 0; r < ROUNDS; r++) single.push([await one.run(Math.round(700 * SCALE)), await pgRawRate(pool, schema, Math.round(700 * SCALE), 1, sample)]);
    await one.close();
    report('Postgres, 1 client', single, '>= 0.7x');
    const eight = await engineSenders(store, 8);
    const before = store.stats();
    const grouped: [number, number][] = [];
    for (let r = 0; r < ROUNDS; r++) grouped.push([await eight.run(Math.round(2000 * SCALE)), await pgRawRate(pool, schema, Math.round(2000 * SCALE), 8, sample)]);
    const after = store.stats();
    await eight.close();
    report(`Postgres, 8 senders (group commit, ${((after.writes - before.writes) / (after.groups - before.groups)).toFixed(1)} commits/txn) vs raw 8 clients`, grouped, '>= 2x');
    await store.close();
    await pgTimers(pool, schema, Math.round(50_000 * SCALE), 4);
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
  }
}

const started = performance.now();
const want = partsAsked('store.bench.ts', ['full', 'normal', 'pg']);
if (want('full')) await sqliteBench('full', Math.round(1000 * SCALE), Math.round(3000 * SCALE));
if (want('normal')) await sqliteBench('normal', Math.round(4000 * SCALE), Math.round(4000 * SCALE));
if (want('pg')) await postgresBench();
console.log(`\n=== ratios (each against its raw baseline in the same run; ${((performance.now() - started) / 1000).toFixed(0)} s)`);
for (const line of results) console.log(line);
