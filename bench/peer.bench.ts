// Workload 3: Docket against a peer durable engine, DBOS Transact 5.x, on the same Postgres in the
// same process run.   npx tsx bench/peer.bench.ts [--quick]
// a. approval round trip: start a durable instance that waits for one decision, deliver it, see it
//    complete; 1 and 8 concurrent users. Docket: postgresStore, engine.start + engine.send (the view
//    it returns says `done`). DBOS: a workflow blocked in DBOS.recv, DBOS.send, handle.getResult().
// b. durable timers: N instances each sleeping until the same real instant ~2 s ahead; the figure is
//    the time from that instant until the last one has resumed (Docket: engine.run on the system
//    clock with LISTEN/NOTIFY; DBOS: DBOS.sleepms inside a workflow).
// DBOS gets its own database (`dbos_bench`, created if missing); Docket a fresh schema in `test`.
import { DBOS } from '@dbos-inc/dbos-sdk';
import pg from 'pg';
import { setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, systemClock, type Engine } from '../src/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { alternate, compare, report, size } from './harness.js';
import { sleeper } from './sleeper.js';

const PG_URL = process.env.DOCKET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
const DBOS_URL = process.env.DBOS_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/dbos_bench';
const ROUNDS = size(3, 1);

const approval = defineWorkflow({
  id: 'approval',
  version: 1,
  machine: setup({ types: {} as { events: { type: 'DECIDE'; approved: boolean } } }).createMachine({
    id: 'approval',
    initial: 'waiting',
    states: { waiting: { on: { DECIDE: 'done' } }, done: { type: 'final' } },
  }),
  input: z.object({}),
  events: { DECIDE: z.object({ approved: z.boolean() }) },
});
const actor = { id: 'bench', roles: ['user'] };

// ---- DBOS side: the same two processes as DBOS workflows.
async function dbosApprovalBody(): Promise<boolean> {
  const decision = await DBOS.recv<boolean>('decision', 60);
  return decision === true;
}
const dbosApproval = DBOS.registerWorkflow(dbosApprovalBody, { name: 'approval' });
async function dbosSleeperBody(at: number): Promise<number> {
  await DBOS.sleepms(Math.max(0, at - (await DBOS.now())));
  return Date.now();
}
const dbosSleeper = DBOS.registerWorkflow(dbosSleeperBody, { name: 'sleeper' });

async function ensureDatabase(url: string) {
  const u = new URL(url);
  const name = u.pathname.slice(1);
  u.pathname = '/postgres';
  const admin = new pg.Client({ connectionString: u.toString() });
  await admin.connect();
  try {
    const { rowCount } = await admin.query('SELECT 1 FROM pg_database WHERE datname = $1', [name]);
    if (rowCount === 0) await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

/** `users` concurrent users each doing `per` round trips one after another; round trips/s. */
async function concurrentRate(users: number, per: number, roundTrip: () => Promise<void>): Promise<number> {
  const t0 = performance.now();
  await Promise.all(Array.from({ length: users }, async () => {
    for (let i = 0; i < per; i++) await roundTrip();
  }));
  return (users * per) / ((performance.now() - t0) / 1000);
}

async function docketRoundTrip(engine: Engine) {
  const id = await engine.start('approval' as never, {} as never, { actor });
  const view = await engine.send(id, { type: 'DECIDE', approved: true } as never, { actor });
  if (view.status !== 'done') throw new Error(`docket approval ended ${view.status}`);
}

async function dbosRoundTrip() {
  const handle = await DBOS.startWorkflow(dbosApproval)();
  await DBOS.send(handle.workflowID, true, 'decision');
  if ((await handle.getResult()) !== true) throw new Error('dbos approval did not complete');
}

/** Docket: `n` sleepers due at one instant; ms from the instant until the last has resumed. */
async function docketTimers(engine: Engine, n: number, leadMs: number): Promise<number> {
  const at = Date.now() + leadMs;
  let resumed = 0;
  let last = 0;
  let allDone!: () => void;
  const done = new Promise<void>((r) => (allDone = r));
  const off = engine.on('transition', (view) => {
    if (view.workflow === 'sleeper' && view.status === 'done' && ++resumed === n) {
      last = Date.now();
      allDone();
    }
  });
  const ids: Promise<string>[] = [];
  for (let i = 0; i < n; i++) ids.push(engine.start('sleeper' as never, { at } as never, { actor }));
  await Promise.all(ids);
  if (Date.now() >= at) throw new Error(`starting ${n} sleepers took longer than the ${leadMs} ms lead; lower N`);
  await done;
  off();
  return last - at;
}

async function dbosTimers(n: number, leadMs: number): Promise<number> {
  const at = Date.now() + leadMs;
  const handles = [];
  for (let i = 0; i < n; i++) handles.push(DBOS.startWorkflow(dbosSleeper)(at));
  const started = await Promise.all(handles);
  if (Date.now() >= at) throw new Error(`starting ${n} DBOS sleepers took longer than the ${leadMs} ms lead; lower N`);
  await Promise.all(started.map((h) => h.getResult()));
  return Date.now() - at;
}

async function main() {
  await ensureDatabase(DBOS_URL);
  DBOS.setConfig({ name: 'docket-bench', systemDatabaseUrl: DBOS_URL, logLevel: 'error' });
  await DBOS.launch();
  const pool = new pg.Pool({ connectionString: PG_URL, max: 10 });
  const schema = `peer_${process.pid}`;
  const store = postgresStore({ pool }, { schema });
  await store.init();
  const engine = createEngine({ store, clock: systemClock(), workflows: [approval, sleeper], workerId: 'bench' });
  const stop = new AbortController();
  const running = engine.run({ signal: stop.signal, pollMs: 1000 });
  try {
    // Warm both up (connections, prepared paths, JIT).
    await concurrentRate(2, 10, () => docketRoundTrip(engine));
    await concurrentRate(2, 10, dbosRoundTrip);
    for (const users of [1, 8]) {
      const per = size(users === 1 ? 150 : 60, users === 1 ? 30 : 10);
      const pairs = await alternate(ROUNDS, () => concurrentRate(users, per, () => docketRoundTrip(engine)), () => concurrentRate(users, per, dbosRoundTrip));
      report(
        compare(
          { workload: 3, name: `approval round trip, ${users} user${users > 1 ? 's' : ''} (Postgres)`, unit: 'trips/s', better: 'higher', baselineLabel: 'DBOS 5.3', target: 'docket ahead (> 1x)', targetRatio: 1 },
          pairs,
        ),
      );
    }
    const n = size(500, 100);
    const lead = 2000;
    const pairs = await alternate(ROUNDS, () => docketTimers(engine, n, lead), () => dbosTimers(n, lead));
    report(
      compare(
        { workload: 3, name: `${n} durable timers due at one instant ${lead / 1000} s ahead: due → all resumed`, unit: 'ms', better: 'lower', baselineLabel: 'DBOS 5.3', target: 'docket ahead (> 1x)', targetRatio: 1 },
        pairs,
      ),
    );
  } finally {
    stop.abort();
    await running.catch(() => {});
    await engine.close();
    await store.close();
    await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    await pool.end();
    await DBOS.shutdown();
  }
}

await main();
