// Workloads 1, 2 and 6 on the documented processes (strategy cycle, contract approval with its 会签,
// bid review), each against its baseline in the same run.   npx tsx bench/machines.bench.ts [--quick]
// 1. start, one human act, one timer firing: engine on the memory store vs raw XState createActor of
//    the same machine, same implementations, same events (bench/real-machines.ts); plus the same
//    timer firing with 10x the instances pending (a per-event cost must not grow with them).
// 2. the human act on SQLite (FULL) and Postgres vs the raw driver doing the same writes (one history
//    INSERT + one instance UPDATE per transaction, with this machine's real snapshot and context).
// 6. heap per idle instance of a real machine in the memory store beside its JSON size.
import Database from 'better-sqlite3';
import { mkdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { createEngine, memoryStore, virtualClock, type Engine, type InstanceRecord, type Store } from '../src/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { noopEffects } from './effects.js';
import { alternate, compare, figure, partsAsked, report, size } from './harness.js';
import { calendar, directory, rawTwin, scenarios, type Act, type Scenario } from './real-machines.js';
import { copyPgSchema, copySqlite, PgRecorder, replayPg, replaySqlite, SqliteRecorder, type Call } from './replay.js';

const PG_URL = process.env.DOCKET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const ROUNDS = size(3, 1);
// Workload 1 times sub-millisecond operations: more rounds, so one noisy slice of the shared box does not decide.
const ROUNDS_1 = size(5, 1);
const want = partsAsked('machines.bench.ts', ['machines', 'durable', 'memory']);


function engineFor(sc: Scenario, store: Store = memoryStore()) {
  const clock = virtualClock(sc.startAt);
  const engine = createEngine({ store, clock, calendar, directory, workflows: [sc.workflow], effects: noopEffects, workerId: 'bench' });
  return { engine, clock };
}

async function engineFireNext(engine: Engine, clock: ReturnType<typeof virtualClock>, anyId: string): Promise<number> {
  const view = await engine.get(anyId);
  const due = Math.min(...view.timers.map((t) => t.dueAt));
  if (!Number.isFinite(due)) throw new Error(`${view.workflow}: no pending timer in ${JSON.stringify(view.state)}`);
  let fired = 0;
  const off = engine.on('timer.fired', () => void fired++);
  await clock.advanceTo(due);
  off();
  return fired;
}

async function enginePrep(engine: Engine, clock: ReturnType<typeof virtualClock>, ids: readonly string[], prep: readonly (Act | 'timer')[]) {
  for (const step of prep) {
    if (step === 'timer') await engineFireNext(engine, clock, ids[0]!);
    else for (const id of ids) await engine.send(id, step.event as never, { actor: step.actor });
  }
}

/** Engine: ms per start, per act, per timer firing over `m` instances. */
async function engineOps(sc: Scenario, m: number, idle = 0) {
  const { engine, clock } = engineFor(sc);
  const starter = { actor: sc.starter };
  // Idle instances alongside (for the "no cost that grows with instances or timers" check).
  for (let i = 0; i < idle; i++) await engine.start(sc.workflow.id as never, sc.input as never, starter);
  const ids: string[] = [];
  let t0 = performance.now();
  for (let i = 0; i < m; i++) ids.push(await engine.start(sc.workflow.id as never, sc.input as never, starter));
  const start = (performance.now() - t0) / m;
  await enginePrep(engine, clock, ids, sc.actPrep);
  t0 = performance.now();
  for (const id of ids) await engine.send(id, sc.act.event as never, { actor: sc.act.actor });
  const act = (performance.now() - t0) / m;
  const { engine: e2, clock: c2 } = idle > 0 ? { engine, clock } : engineFor(sc);
  const tids: string[] = [];
  for (let i = 0; i < m; i++) tids.push(await e2.start(sc.workflow.id as never, sc.input as never, starter));
  await enginePrep(e2, c2, tids, sc.timerPrep);
  t0 = performance.now();
  const fired = await engineFireNext(e2, c2, tids[0]!);
  const timer = (performance.now() - t0) / fired;
  await engine.close();
  if (e2 !== engine) await e2.close();
  return { start, act, timer, fired };
}

/** Raw XState: the same, with createActor on a fake clock. */
function rawOps(sc: Scenario, m: number) {
  const twin = rawTwin(sc.workflow);
  const input = sc.workflow.input.parse(sc.input);
  const at = Date.parse(sc.startAt);
  twin.clock.now = at;
  const prep = (actors: ReturnType<typeof twin.start>[], steps: readonly (Act | 'timer')[]) => {
    for (const step of steps) {
      if (step === 'timer') {
        const due = actors[0]!.timers.nextDue()!;
        twin.clock.now = Math.max(twin.clock.now, due);
        for (const a of actors) a.timers.fireDue(due);
      } else for (const a of actors) twin.send(a.ref, step);
    }
  };
  const actors: ReturnType<typeof twin.start>[] = [];
  let t0 = performance.now();
  for (let i = 0; i < m; i++) actors.push(twin.start(input, sc.starter));
  const start = (performance.now() - t0) / m;
  prep(actors, sc.actPrep);
  t0 = performance.now();
  for (const a of actors) twin.send(a.ref, sc.act);
  const act = (performance.now() - t0) / m;
  for (const a of actors) a.ref.stop();
  twin.clock.now = at;
  const tactors: ReturnType<typeof twin.start>[] = [];
  for (let i = 0; i < m; i++) tactors.push(twin.start(input, sc.starter));
  prep(tactors, sc.timerPrep);
  const due = tactors[0]!.timers.nextDue();
  if (due === undefined) throw new Error(`${sc.name}: raw twin has no pending timer`);
  twin.clock.now = Math.max(twin.clock.now, due);
  let fired = 0;
  t0 = performance.now();
  for (const a of tactors) fired += a.timers.fireDue(due);
  const timer = (performance.now() - t0) / fired;
  for (const a of tactors) a.ref.stop();
  return { start, act, timer, fired };
}

async function workload1() {
  const m = size(400, 60);
  for (const sc of scenarios) {
    await engineOps(sc, 20); // warm-up both
    rawOps(sc, 20);
    const rounds: [Awaited<ReturnType<typeof engineOps>>, ReturnType<typeof rawOps>][] = [];
    for (let r = 0; r < ROUNDS_1; r++) {
      const e = await engineOps(sc, m);
      const raw = rawOps(sc, m);
      if (e.fired !== raw.fired) console.log(`  note: ${sc.name} timer: engine fired ${e.fired}, raw ${raw.fired} (per-firing cost compared)`);
      rounds.push([e, raw]);
    }
    for (const op of ['start', 'act', 'timer'] as const) {
      const what = op === 'start' ? 'start' : op === 'act' ? `human act ${sc.act.event.type}` : 'timer firing';
      report(
        compare(
          { workload: 1, name: `${sc.name}: ${what} (memory)`, unit: 'ms/op', better: 'lower', baselineLabel: 'raw XState', target: 'within 2x of raw (>= 0.5x)', targetRatio: 0.5 },
          rounds.map(([e, r]) => [e[op], r[op]] as const),
        ),
      );
    }
  }
  // Growth check: a timer firing and an act with 10x the instances (and their timers) pending.
  const sc = scenarios[1]!;
  // At least 100 firings and three rounds even with --quick: 40 firings (~10 ms) in one round were
  // decided by one scavenge or by which side ran first (the JIT's warm-up), reading 0.2-2.8x; 200
  // firings in three rounds still read 0.79-1.37x in three runs of one hour, so a full run fires 600
  // per round (~40 ms) in five rounds, alternating which side goes first.
  const small = size(600, 100);
  await engineOps(sc, small, small); // untimed warm-up of the firing path
  const pairs = await alternate(Math.max(ROUNDS_1, 3), async () => (await engineOps(sc, small, small * 10)).timer, async () => (await engineOps(sc, small, 0)).timer);
  report(
    compare(
      { workload: 1, name: `${sc.name}: timer firing with ${small * 10} other instances pending`, unit: 'ms/op', better: 'lower', baselineLabel: 'docket, none pending', target: 'no growth (>= 0.8x)', targetRatio: 0.8 },
      pairs,
    ),
  );
}

// ---- workload 2: the human act on durable stores vs the raw driver doing the same writes.

function rawPayload(sample: InstanceRecord, act: Act) {
  return {
    entry: JSON.stringify({ instanceId: sample.id, revision: sample.revision + 1, kind: 'event', event: act.event, actor: act.actor, at: sample.updatedAt, from: sample.state, to: sample.state, prevHash: sample.historyHash, hash: sample.historyHash }),
    snapshot: JSON.stringify(sample.snapshot),
    context: JSON.stringify(sample.context),
    state: JSON.stringify(sample.state),
  };
}

/**
 * Engine: acts/s of the scenario's act on `store`, `m` instances, one after another. `beforeActs`
 * runs once the instances are ready (to copy the database for the replay and start recording);
 * `afterActs` right after the last act.
 */
async function durableActs(sc: Scenario, store: Store, m: number, beforeActs?: () => unknown, afterActs?: () => unknown): Promise<{ rate: number; sample: InstanceRecord }> {
  const { engine, clock } = engineFor(sc, store);
  const ids: string[] = [];
  for (let i = 0; i < m; i++) ids.push(await engine.start(sc.workflow.id as never, sc.input as never, { actor: sc.starter }));
  await enginePrep(engine, clock, ids, sc.actPrep);
  const sample = await store.load(ids[0]!);
  await beforeActs?.();
  const t0 = performance.now();
  for (const id of ids) await engine.send(id, sc.act.event as never, { actor: sc.act.actor });
  const rate = m / ((performance.now() - t0) / 1000);
  await afterActs?.();
  await engine.close();
  return { rate, sample: sample! };
}

function sqliteRaw(filename: string, n: number, sample: InstanceRecord, act: Act): number {
  for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  db.exec(`CREATE TABLE inst (id TEXT PRIMARY KEY, revision INTEGER, state TEXT, snapshot TEXT, context TEXT, updated_at INTEGER);
           CREATE TABLE hist (instance_id TEXT, revision INTEGER, entry TEXT, PRIMARY KEY (instance_id, revision)) WITHOUT ROWID;`);
  const p = rawPayload(sample, act);
  const ins = db.prepare(`INSERT INTO inst VALUES (?, 0, '{}', '{}', '{}', 0)`);
  for (let i = 0; i < n; i++) ins.run(`x${i}`);
  const insert = db.prepare(`INSERT INTO hist VALUES (?, 1, ?)`);
  const update = db.prepare(`UPDATE inst SET revision = 1, state = ?, snapshot = ?, context = ?, updated_at = ? WHERE id = ? AND revision = 0`);
  const begin = db.prepare('BEGIN');
  const commit = db.prepare('COMMIT');
  const t0 = performance.now();
  for (let i = 0; i < n; i++) {
    begin.run();
    insert.run(`x${i}`, p.entry);
    update.run(p.state, p.snapshot, p.context, i, `x${i}`);
    commit.run();
  }
  const rate = n / ((performance.now() - t0) / 1000);
  db.close();
  for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
  return rate;
}

async function pgRaw(pool: pg.Pool, schema: string, n: number, sample: InstanceRecord, act: Act): Promise<number> {
  await pool.query(`CREATE TABLE "${schema}".raw_inst (id text PRIMARY KEY, revision int, state json, snapshot json, context json, updated_at bigint)`);
  await pool.query(`CREATE TABLE "${schema}".raw_hist (instance_id text, revision int, entry json, PRIMARY KEY (instance_id, revision))`);
  await pool.query(`INSERT INTO "${schema}".raw_inst SELECT 'x' || g, 0, '{}', '{}', '{}', 0 FROM generate_series(0, $1 - 1) g`, [n]);
  const p = rawPayload(sample, act);
  const client = await pool.connect();
  const t0 = performance.now();
  try {
    for (let i = 0; i < n; i++) {
      await client.query('BEGIN');
      await client.query(`INSERT INTO "${schema}".raw_hist VALUES ($1, 1, $2::json)`, [`x${i}`, p.entry]);
      await client.query(`UPDATE "${schema}".raw_inst SET revision = 1, state = $2::json, snapshot = $3::json, context = $4::json, updated_at = $5 WHERE id = $1 AND revision = 0`, [`x${i}`, p.state, p.snapshot, p.context, i]);
      await client.query('COMMIT');
    }
  } finally {
    client.release();
  }
  const rate = n / ((performance.now() - t0) / 1000);
  await pool.query(`DROP TABLE "${schema}".raw_inst, "${schema}".raw_hist`);
  return rate;
}

async function workload2() {
  const dir = join(tmpdir(), `docket-bench-${process.pid}`);
  mkdirSync(dir, { recursive: true });
  const m = size(300, 50);
  const recorder = new SqliteRecorder();
  for (const sc of scenarios) {
    const pairs: [number, number][] = [];
    const minimal: [number, number][] = [];
    let perAct = 0;
    for (let r = 0; r < ROUNDS; r++) {
      const file = join(dir, 'engine.db');
      for (const suffix of ['', '-wal', '-shm']) rmSync(file + suffix, { force: true });
      const store = sqliteStore({ filename: file, durability: 'full' });
      let calls: Call[] = [];
      const { rate, sample } = await durableActs(
        sc,
        store,
        m,
        () => {
          copySqlite(file, join(dir, 'replay.db'));
          recorder.start();
        },
        () => void (calls = recorder.stop()),
      );
      await store.close();
      perAct = calls.length / m;
      pairs.push([rate, replaySqlite(join(dir, 'replay.db'), calls, m)]);
      minimal.push([rate, sqliteRaw(join(dir, 'raw.db'), m, sample, sc.act)]);
    }
    report(
      compare(
        { workload: 2, name: `${sc.name}: human act, SQLite FULL`, unit: 'acts/s', better: 'higher', baselineLabel: 'raw better-sqlite3 replaying the same writes', target: '>= 0.7x', targetRatio: 0.7, note: `${perAct.toFixed(1)} write statements per act (BEGIN and COMMIT included), replayed on a copy of the database` },
        pairs,
      ),
    );
    report(compare({ workload: 2, name: `${sc.name}: human act, SQLite FULL, beside a 2-row write`, unit: 'acts/s', better: 'higher', baselineLabel: 'raw better-sqlite3, history INSERT + instance UPDATE only', target: 'info: what the inbox, timer and index rows cost' }, minimal));
  }
  rmSync(dir, { recursive: true, force: true });
  const probe = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await probe.connect();
    await probe.end();
  } catch (error) {
    console.log(`Postgres part of workload 2 skipped: ${PG_URL} unreachable (${String(error)})`);
    return;
  }
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  const schema = `bench_m_${process.pid}`;
  const replaySchema = `bench_r_${process.pid}`;
  try {
    const pm = size(150, 30);
    const recorder = new PgRecorder();
    for (const sc of scenarios) {
      const pairs: [number, number][] = [];
      const minimal: [number, number][] = [];
      let perAct = 0;
      for (let r = 0; r < ROUNDS; r++) {
        await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
        await pool.query(`DROP SCHEMA IF EXISTS "${replaySchema}" CASCADE`);
        const store = postgresStore({ pool }, { schema });
        await store.init();
        const replayStore = postgresStore({ pool }, { schema: replaySchema });
        await replayStore.init();
        await replayStore.close();
        let calls: Call[] = [];
        const { rate, sample } = await durableActs(
          sc,
          store,
          pm,
          async () => {
            await copyPgSchema(pool, schema, replaySchema);
            recorder.start();
          },
          () => void (calls = recorder.stop()),
        );
        perAct = calls.length / pm;
        pairs.push([rate, await replayPg(pool, schema, replaySchema, calls, pm)]);
        minimal.push([rate, await pgRaw(pool, schema, pm, sample, sc.act)]);
      }
      report(
        compare(
          { workload: 2, name: `${sc.name}: human act, Postgres`, unit: 'acts/s', better: 'higher', baselineLabel: 'raw pg replaying the same writes', target: '>= 0.7x', targetRatio: 0.7, note: `${perAct.toFixed(1)} write calls per act (the store's docket_commit function and transaction control), replayed on a copy of the schema` },
          pairs,
        ),
      );
      report(compare({ workload: 2, name: `${sc.name}: human act, Postgres, beside a 2-row write`, unit: 'acts/s', better: 'higher', baselineLabel: 'raw pg, history INSERT + instance UPDATE only', target: 'info: what the inbox, timer and index rows cost' }, minimal));
    }
  } finally {
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.query(`DROP SCHEMA IF EXISTS "${replaySchema}" CASCADE`);
    await pool.end();
  }
}

// ---- workload 6: heap per idle instance of a real machine.

async function workload6() {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) {
    console.log('workload 6 skipped: run with node --expose-gc (npm run bench does)');
    return;
  }
  const n = size(100_000, 10_000);
  const sc = scenarios[1]!; // contract approval: the approval context is the heaviest of the three
  const store = memoryStore();
  const { engine } = engineFor(sc, store);
  await engine.start(sc.workflow.id as never, sc.input as never, { actor: sc.starter, id: 'warmup' });
  gc();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < n; i++) await engine.start(sc.workflow.id as never, sc.input as never, { actor: sc.starter, id: `i${i}` });
  gc();
  const after = process.memoryUsage().heapUsed;
  const record = (await store.load('i0'))!;
  const json = Buffer.byteLength(JSON.stringify(record));
  const per = (after - before) / n;
  report(
    figure({
      workload: 6,
      name: `heap per idle ${sc.name} instance (${n.toLocaleString('en')} in the memory store)`,
      unit: 'B',
      ours: per,
      baselineLabel: 'its stored record as JSON',
      baseline: json,
      target: '<= JSON + 1536 B',
      met: per - json <= 1536,
      note: `overhead ${Math.round(per - json)} B above the JSON`,
    }),
  );
  await engine.close();
}

if (want('machines')) await workload1();
if (want('durable')) await workload2();
if (want('memory')) await workload6();
