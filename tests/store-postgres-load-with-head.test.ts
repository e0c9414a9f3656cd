// A cold act on Postgres reads the instance row and its history head in one statement
// (Store.loadWithHead): one round trip fewer per act the engine did not write itself, with the head
// check exactly as strict as before.
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, virtualClock, type Store } from '../src/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { counterWorkflow } from './helpers/counter-workflow.js';

const available = await requirePostgres('postgres loadWithHead');
let pool: pg.Pool;
beforeAll(() => {
  if (available) pool = new pg.Pool({ connectionString: PG_URL, max: 6 });
});
afterAll(async () => {
  await pool?.end();
});

const START = '2026-11-02T09:00:00+08:00';
const staff = { id: 'wang', roles: ['staff'] };

/** `inner` with its history reads counted. */
function counting(inner: Store): { store: Store; historyReads: () => number } {
  let reads = 0;
  const store: Store = Object.create(inner);
  store.history = async (id, options) => {
    reads++;
    return inner.history(id, options);
  };
  return { store, historyReads: () => reads };
}

describe.skipIf(!available)('postgres: the record and its head in one read', () => {
  it('returns what load and history return, and nothing for an unknown id', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const store = postgresStore({ pool }, { schema });
      await store.init();
      const engine = createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow] });
      const id = await engine.start('counter', {}, { actor: staff });
      await engine.send(id, { type: 'INC' }, { actor: staff });
      const both = await store.loadWithHead!(id);
      expect(both?.record).toEqual(await store.load(id));
      expect(both?.head).toEqual((await store.history(id, { afterRevision: 1, limit: 1 }))[0]);
      expect(both?.head?.revision).toBe(2);
      expect(await store.loadWithHead!('nope')).toBeUndefined();
      await engine.close();
      await store.close();
    } finally {
      await dropSchema(pool, schema);
    }
  });

  it('a cold act reads no history entry separately; an edited row or head is still refused', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const inner = postgresStore({ pool }, { schema });
      await inner.init();
      const writer = createEngine({ store: inner, clock: virtualClock(START), workflows: [counterWorkflow] });
      const ids = [await writer.start('counter', {}, { actor: staff }), await writer.start('counter', {}, { actor: staff }), await writer.start('counter', {}, { actor: staff })];
      await writer.close();

      // Another engine: every record is cold to it.
      const { store, historyReads } = counting(inner);
      const engine = createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow] });
      expect((await engine.send(ids[0]!, { type: 'INC' }, { actor: staff })).revision).toBe(2);
      expect(historyReads()).toBe(0);

      // The stored context edited behind Docket's back: refused, as before.
      await pool.query(`UPDATE "${schema}".docket_instances SET context = '{"count":41,"ticks":0}' WHERE id = $1`, [ids[1]]);
      await expect(engine.send(ids[1]!, { type: 'INC' }, { actor: staff })).rejects.toMatchObject({ code: 'CORRUPT_SNAPSHOT', details: { problem: 'snapshot-mismatch' } });
      // The head entry edited: refused, as before.
      await pool.query(`UPDATE "${schema}".docket_history SET entry = jsonb_set(entry::jsonb, '{at}', '1')::json WHERE instance_id = $1`, [ids[2]]);
      await expect(engine.send(ids[2]!, { type: 'INC' }, { actor: staff })).rejects.toMatchObject({ code: 'CORRUPT_SNAPSHOT', details: { problem: 'edited' } });
      // The head entry gone: refused, as before.
      await pool.query(`DELETE FROM "${schema}".docket_history WHERE instance_id = $1`, [ids[2]]);
      await expect(engine.send(ids[2]!, { type: 'INC' }, { actor: staff })).rejects.toMatchObject({ code: 'CORRUPT_SNAPSHOT', details: { problem: 'head-mismatch' } });
      await engine.close();
      await inner.close();
    } finally {
      await dropSchema(pool, schema);
    }
  });
});
