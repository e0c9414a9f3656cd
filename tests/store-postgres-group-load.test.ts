// Loads with the head that arrive together go to Postgres as one statement (PostgresGroupLoad), the
// read-side twin of the group commit: a burst of timer firings, each of which loads its instance from
// the store, was one statement per firing (workload 3 of issue #14). What must hold: each caller gets
// exactly what its own statement would have read (unknown ids nothing, an id asked twice the same
// row), a failing statement fails every caller in it with a typed error, and timers still fire once.
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, virtualClock } from '../src/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { sleeper } from '../bench/sleeper.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { counterWorkflow } from './helpers/counter-workflow.js';

const available = await requirePostgres('postgres group load');

/** A pool whose clients count the instance loads they run (store statements only: the store holds clients via connect()). */
class CountingPool extends pg.Pool {
  loads = 0;
  override connect(...args: never[]): never {
    if (args.length > 0) return (super.connect as (...a: never[]) => never)(...args);
    return (async () => {
      const client = (await super.connect()) as pg.PoolClient & { counted?: true };
      if (!client.counted) {
        client.counted = true;
        const query = client.query.bind(client) as (...a: unknown[]) => unknown;
        (client as { query: unknown }).query = (...a: unknown[]) => {
          const text = typeof a[0] === 'string' ? a[0] : (a[0] as { text?: string }).text ?? '';
          if (text.includes('AS head_entry FROM')) this.loads++;
          return query(...a);
        };
      }
      return client;
    })() as never;
  }
}

let admin: pg.Pool;
beforeAll(() => {
  if (available) admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
});
afterAll(async () => {
  await admin?.end();
});

const START = '2026-11-02T09:00:00+08:00';
const staff = { id: 'wang', roles: ['staff'] };
const actor = { id: 'ops', roles: ['user'] };

describe.skipIf(!available)('postgres: loads that arrive together go as one statement', () => {
  it('20 loads in one tick (duplicates and unknown ids among them) are one statement, each answered as if alone', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    const pool = new CountingPool({ connectionString: PG_URL, max: 6 });
    try {
      const store = postgresStore({ pool }, { schema });
      await store.init();
      const engine = createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow] });
      const ids: string[] = [];
      for (let i = 0; i < 8; i++) ids.push(await engine.start('counter', {}, { actor: staff }));
      for (const id of ids.slice(0, 4)) await engine.send(id, { type: 'INC' }, { actor: staff });
      const asked = [...ids, ...ids.slice(0, 6), 'nope-1', 'nope-2', ids[0]!, 'nope-1'];
      const alone = [];
      for (const id of asked) alone.push(await store.loadWithHead!(id));
      const before = pool.loads;
      const together = await Promise.all(asked.map((id) => store.loadWithHead!(id)));
      expect(pool.loads - before).toBe(1);
      expect(together).toEqual(alone);
      expect(together.filter((t) => t === undefined)).toHaveLength(3);
      expect(together[0]?.head?.revision).toBe(2);
      expect(together[7]?.head?.revision).toBe(1);
      // A lone load is still answered on its own.
      const one = pool.loads;
      expect((await store.loadWithHead!(ids[3]!))?.record.revision).toBe(2);
      expect(pool.loads - one).toBe(1);
      await engine.close();
      await store.close();
      // A closed store refuses at once, as its other reads do.
      await expect(store.loadWithHead!(ids[0]!)).rejects.toMatchObject({ code: 'STORE_UNAVAILABLE', message: expect.stringMatching(/closed/) });
    } finally {
      await pool.end();
      await dropSchema(admin, schema);
    }
  });

  it('a failing statement fails every load in it with STORE_UNAVAILABLE, and the next group reads again', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    const pool = new CountingPool({ connectionString: PG_URL, max: 6 });
    try {
      const store = postgresStore({ pool }, { schema });
      await store.init();
      const engine = createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow] });
      const id = await engine.start('counter', {}, { actor: staff });
      await admin.query(`ALTER TABLE "${schema}".docket_instances RENAME TO docket_instances_away`);
      const failed = await Promise.allSettled([store.loadWithHead!(id), store.loadWithHead!(id), store.loadWithHead!('nope')]);
      for (const f of failed) {
        expect(f.status).toBe('rejected');
        expect((f as PromiseRejectedResult).reason).toMatchObject({ code: 'STORE_UNAVAILABLE' });
      }
      await admin.query(`ALTER TABLE "${schema}".docket_instances_away RENAME TO docket_instances`);
      expect((await store.loadWithHead!(id))?.record.id).toBe(id);
      await engine.close();
      await store.close();
    } finally {
      await pool.end();
      await dropSchema(admin, schema);
    }
  });

  it('60 timers due at one instant fire once each, with fewer load statements than firings', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    const pool = new CountingPool({ connectionString: PG_URL, max: 8 });
    try {
      const store = postgresStore({ pool }, { schema });
      await store.init();
      const clock = virtualClock(START);
      const engine = createEngine({ store, clock, workflows: [sleeper], workerId: 'w' });
      const due = Date.parse(START) + 3_600_000;
      const ids: string[] = [];
      for (let i = 0; i < 60; i++) ids.push(await engine.start('sleeper', { at: due }, { actor }));
      const before = pool.loads;
      const fired = await clock.advanceTo(due);
      expect(fired.map((f) => f.instanceId).sort()).toEqual([...ids].sort());
      expect(new Set(fired.map((f) => f.timerId)).size).toBe(60);
      for (const id of ids) expect((await engine.get(id)).status).toBe('done');
      // Up to 32 firings are in flight at once: their loads share statements.
      expect(pool.loads - before).toBeLessThan(60);
      expect(pool.loads - before).toBeGreaterThan(0);
      await engine.close();
      await store.close();
    } finally {
      await pool.end();
      await dropSchema(admin, schema);
    }
  });

  it('property: loads asked together answer as the same loads asked one by one', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    const pool = new CountingPool({ connectionString: PG_URL, max: 6 });
    try {
      const store = postgresStore({ pool }, { schema, maxBatch: 3, maxInFlight: 2 });
      await store.init();
      const engine = createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow] });
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) ids.push(await engine.start('counter', {}, { actor: staff }));
      for (let i = 0; i < 6; i++) for (let k = 0; k < i % 3; k++) await engine.send(ids[i]!, { type: 'INC' }, { actor: staff });
      const names = [...ids, 'unknown-a', 'unknown-b'];
      const alone = new Map<string, unknown>();
      for (const id of names) alone.set(id, await store.loadWithHead!(id));
      await fc.assert(
        fc.asyncProperty(fc.array(fc.constantFrom(...names), { minLength: 1, maxLength: 25 }), async (asked) => {
          const together = await Promise.all(asked.map((id) => store.loadWithHead!(id)));
          together.forEach((got, i) => expect(got).toEqual(alone.get(asked[i]!)));
        }),
        { numRuns: 40 },
      );
      await engine.close();
      await store.close();
    } finally {
      await pool.end();
      await dropSchema(admin, schema);
    }
  });
});
