import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDocketError } from '../src/index.js';
import { postgresStore, POSTGRES_SCHEMA_VERSION } from '../src/postgres/index.js';
import { POSTGRES_MIGRATIONS } from '../src/postgres/postgres-migrations.js';
import { PostgresGroupCommit } from '../src/postgres/postgres-group-commit.js';
import { describeStoreConformance } from './store-conformance.js';
import { dropSchema, PG_URL, postgresFactory, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { nextCommit } from './helpers/records.js';

const available = await requirePostgres('postgres store');
let pool: pg.Pool;
beforeAll(() => {
  if (available) pool = new pg.Pool({ connectionString: PG_URL, max: 12 });
});
afterAll(async () => {
  await pool?.end();
});

describeStoreConformance('postgres', postgresFactory(() => pool), { skip: !available, rows: true });

describe.skipIf(!available)('postgres store specifics', () => {
  it('migrates once when several processes call init at the same moment', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const stores = Array.from({ length: 5 }, () => postgresStore({ connectionString: PG_URL, max: 2 }, { schema }));
      await Promise.all(stores.map((s) => s.init()));
      const { rows } = await pool.query(`SELECT value FROM "${schema}".docket_meta WHERE key = 'schema_version'`);
      expect(rows).toEqual([{ value: String(POSTGRES_SCHEMA_VERSION) }]);
      await stores[0]!.commit(nextCommit('a', undefined));
      expect((await stores[4]!.load('a'))?.revision).toBe(1);
      await Promise.all(stores.map((s) => s.close()));
    } finally {
      await dropSchema(pool, schema);
    }
  });

  it('upgrades a schema 3 database to the newest: rows written by the old commit function load and go on, and new rows keep their key order', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      // Schema 3 as an older Docket left it, with one instance committed the way it sent commits
      // (the whole commit as jsonb values).
      await pool.query(`CREATE SCHEMA "${schema}"; CREATE TABLE "${schema}".docket_meta (key text PRIMARY KEY, value text NOT NULL)`);
      for (const m of POSTGRES_MIGRATIONS.filter((m) => m.version <= 3)) await pool.query(m.sql(`"${schema}"`));
      await pool.query(`INSERT INTO "${schema}".docket_meta VALUES ('schema_version', '3')`);
      const first = nextCommit('old', undefined);
      const v3Payload = { expected: 0, instance: { ...first.instance, heldTimers: null }, history: first.history, fires: null, idempotency: null, cancel: [], addTimers: [], effects: [], tasks: null };
      const [{ results }] = (await pool.query(`SELECT "${schema}".docket_commit($1::jsonb) AS results`, [JSON.stringify([v3Payload])])).rows;
      expect(results).toEqual([{ ok: true }]);
      const store = postgresStore({ pool }, { schema });
      await store.init();
      expect((await pool.query(`SELECT value FROM "${schema}".docket_meta WHERE key = 'schema_version'`)).rows).toEqual([{ value: String(POSTGRES_SCHEMA_VERSION) }]);
      const loaded = await store.load('old');
      expect(loaded?.revision).toBe(1);
      const second = nextCommit('old', loaded);
      const context = { zhangsan: false, li: false };
      await store.commit({ ...second, instance: { ...second.instance, context } });
      expect(JSON.stringify((await store.load('old'))?.context)).toBe(JSON.stringify(context));
      await store.close();
    } finally {
      await dropSchema(pool, schema);
    }
  });

  it('refuses a schema from a newer Docket', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const store = postgresStore({ pool }, { schema });
      await store.init();
      await pool.query(`UPDATE "${schema}".docket_meta SET value = '999' WHERE key = 'schema_version'`);
      const error = await postgresStore({ pool }, { schema })
        .init()
        .catch((e: unknown) => e);
      expect(isDocketError(error, 'STORE_UNAVAILABLE')).toBe(true);
      expect((error as Error).message).toMatch(/version 999, newer than/);
    } finally {
      await dropSchema(pool, schema);
    }
  });

  it('stores instants as bigint, state paths as text[] with a GIN index, and batches concurrent commits', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const store = postgresStore({ pool }, { schema });
      await store.init();
      const before = store.stats();
      await Promise.all(Array.from({ length: 16 }, (_, i) => store.commit(nextCommit(`i${i}`, undefined, { state: 'review.legal' }))));
      const after = store.stats();
      expect(after.writes - before.writes).toBe(16);
      expect(after.groups - before.groups).toBeLessThanOrEqual(2);
      const { rows } = await pool.query(
        `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = $1 AND table_name = 'docket_instances' AND column_name IN ('created_at', 'state_paths')`,
        [schema],
      );
      expect(Object.fromEntries(rows.map((r) => [r.column_name, r.data_type]))).toEqual({ created_at: 'bigint', state_paths: 'ARRAY' });
      const idx = await pool.query(`SELECT indexdef FROM pg_indexes WHERE schemaname = $1 AND indexname = 'docket_instances_state_paths'`, [schema]);
      expect(idx.rows[0]?.indexdef).toMatch(/USING gin/);
      expect(typeof (await store.load('i0'))?.createdAt).toBe('number');
      await store.close();
    } finally {
      await dropSchema(pool, schema);
    }
  });

  it('wakes listeners when a timer is committed (LISTEN/NOTIFY)', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const store = postgresStore({ pool }, { schema });
      await store.init();
      let wakes = 0;
      store.onWake(() => void wakes++);
      const writer = postgresStore({ pool }, { schema });
      // onWake starts LISTEN on its own connection and does not wait for it; a NOTIFY sent before
      // the LISTEN lands is not delivered (wake-ups are an optimisation: workers still poll). So
      // commit timers until one wakes the listener, instead of guessing when LISTEN has landed.
      let commits = 0;
      while (wakes === 0 && commits < 200) {
        await writer.commit(nextCommit(`a${commits}`, undefined, { addTimers: [{ key: 'd', dueAt: 1 }] }));
        commits++;
        await pool.query('SELECT 1');
      }
      expect(wakes).toBeGreaterThan(0);
      await writer.close();
      await store.close();
    } finally {
      await dropSchema(pool, schema);
    }
  });

  it('runs several groups in flight at once; the same instance in two groups still has one winner', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const store = postgresStore({ pool }, { schema, maxInFlight: 3 });
      await store.init();
      await Promise.all(Array.from({ length: 12 }, (_, i) => store.commit(nextCommit(`i${i}`, undefined))));
      // Two waves on the same instances, each commit racing a twin that expects the same revision.
      for (let wave = 0; wave < 3; wave++) {
        const current = await Promise.all(Array.from({ length: 12 }, (_, i) => store.load(`i${i}`)));
        const outcomes = await Promise.allSettled(
          current.flatMap((record, i) => [
            store.commit(nextCommit(`i${i}`, record, { state: `a${wave}` })),
            store.commit(nextCommit(`i${i}`, record, { state: `b${wave}` })),
          ]),
        );
        expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(12);
        const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
        expect(rejected.every((o) => isDocketError(o.reason, 'CONFLICT'))).toBe(true);
      }
      for (let i = 0; i < 12; i++) {
        expect((await store.load(`i${i}`))?.revision).toBe(4);
        expect((await store.history(`i${i}`)).map((e) => e.revision)).toEqual([1, 2, 3, 4]);
      }
      expect(store.stats().writes).toBe(12 + 3 * 24);
      await store.close();
    } finally {
      await dropSchema(pool, schema);
    }
  });
});

describe.skipIf(!available)('postgres group commit: one bad commit fails alone, and each caller hears its own truth', () => {
  it('a commit whose data Postgres cannot store (U+0000 reaching the server) fails alone with INVALID_PAYLOAD; the rest of its group lands', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const store = postgresStore({ pool }, { schema });
      await store.init();
      // Straight to the group commit, past the store's own check: the server's refusal is the safety net.
      const group = new PostgresGroupCommit(pool, `"${schema}"`, 256);
      const commits = ['a', 'b', 'c', 'd'].map((id) => nextCommit(id, undefined));
      // (A state path: the context travels as JSON text from schema 4 on, which json keeps as written.)
      const bad = { ...commits[1]!, instance: { ...commits[1]!.instance, statePaths: ['a\u0000b'] } };
      const results = await Promise.allSettled([group.submit(commits[0]!), group.submit(bad), group.submit(commits[2]!), group.submit(commits[3]!)]);
      expect(results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code))).toEqual(['ok', 'INVALID_PAYLOAD', 'ok', 'ok']);
      expect(((results[1] as PromiseRejectedResult).reason as Error).message).not.toMatch(/retry/i);
      expect(await Promise.all(['a', 'b', 'c', 'd'].map(async (id) => (await store.load(id))?.revision ?? 0))).toEqual([1, 0, 1, 1]);
      await store.close();
    } finally {
      await dropSchema(pool, schema);
    }
  });

  function stubPool(behaviour: { connect?: unknown; query?: unknown }): pg.Pool {
    return {
      connect: async () => {
        if (behaviour.connect) throw behaviour.connect;
        return {
          query: async () => {
            throw behaviour.query;
          },
          on: () => undefined,
          removeListener: () => undefined,
          release: () => undefined,
        };
      },
    } as unknown as pg.Pool;
  }

  it('says STORE_OUTCOME_UNKNOWN when the connection drops without an answer, STORE_UNAVAILABLE when the server refused or nothing was sent', async () => {
    const codeFor = async (pool_: pg.Pool) => {
      const group = new PostgresGroupCommit(pool_, '"x"', 256);
      const results = await Promise.allSettled([group.submit(nextCommit('a', undefined)), group.submit(nextCommit('b', undefined))]);
      return results.map((r) => (r.status === 'fulfilled' ? 'ok' : (r.reason as { code: string }).code));
    };
    expect(await codeFor(stubPool({ query: new Error('Connection terminated unexpectedly') }))).toEqual(['STORE_OUTCOME_UNKNOWN', 'STORE_OUTCOME_UNKNOWN']);
    expect(await codeFor(stubPool({ connect: Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }) }))).toEqual([
      'STORE_UNAVAILABLE',
      'STORE_UNAVAILABLE',
    ]);
    expect(await codeFor(stubPool({ query: Object.assign(new Error('the database system is shutting down'), { code: '57P03', severity: 'FATAL' }) }))).toEqual([
      'STORE_UNAVAILABLE',
      'STORE_UNAVAILABLE',
    ]);
  });
});
