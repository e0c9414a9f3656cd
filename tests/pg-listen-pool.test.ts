import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, virtualClock } from '../src/index.js';
import { postgresStore, type PostgresStore } from '../src/postgres/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { T0 } from './helpers/records.js';

// Regression: with a pool of `max: 1` and wake-ups on (`onWake`, which `engine.run()` subscribes),
// the LISTEN connection took the pool's only connection and held it: every later statement and
// commit waited for a connection that never came back. The LISTEN connection is one of its own.

const available = await requirePostgres('postgres LISTEN beside a small pool');

let admin: pg.Pool;
beforeAll(() => {
  if (available) admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
});
afterAll(async () => {
  await admin?.end();
});

/** Resolves once `condition` holds, checking between turns of the event loop (never a timer). */
async function until<T>(what: string, condition: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 20_000; i++) {
    const found = await condition();
    if (found !== undefined) return found;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never: ${what}`);
}

type Kind = 'connection string' | 'your pool';

/** A store on a pool of `max` connections, tagged by application_name so its backends can be found. */
function makeStore(schema: string, kind: Kind, max: number): { store: PostgresStore; ownPool?: pg.Pool } {
  const url = `${PG_URL}${PG_URL.includes('?') ? '&' : '?'}application_name=${schema}`;
  if (kind === 'connection string') return { store: postgresStore({ connectionString: url, max }, { schema }) };
  const ownPool = new pg.Pool({ connectionString: url, max });
  return { store: postgresStore({ pool: ownPool }, { schema }), ownPool };
}

const listening = (schema: string) =>
  until('a LISTEN connection', async () => {
    const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE application_name = $1 AND query = 'LISTEN docket_wake'`, [schema]);
    return rows[0]?.pid as number | undefined;
  });

async function run(name: string, kind: Kind, max: number, starts: number): Promise<void> {
  const schema = schemaFor(name);
  await dropSchema(admin, schema);
  const { store, ownPool } = makeStore(schema, kind, max);
  const engine = createEngine({ store, clock: virtualClock(T0), workflows: [reviewWorkflow], workerId: 'w', effects: { notify: () => undefined, archive: () => undefined } });
  try {
    await store.init();
    let woken = 0;
    const stop = store.onWake(() => woken++);
    await listening(schema);
    // The LISTEN connection is not the pool's: the pool has all of its connections free.
    expect(store.pool.totalCount - store.pool.idleCount).toBe(0);
    const ids = await Promise.all(Array.from({ length: starts }, (_, i) => engine.start('review', { title: `t${i}` }, { actor: staff, id: `i${i}` })));
    for (const id of ids) await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    expect(store.pool.totalCount).toBeLessThanOrEqual(max);
    // SUBMIT arms a timer: the commit notifies, heard on the LISTEN connection.
    await until('a wake-up', async () => (woken > 0 ? true : undefined));
    stop();
  } finally {
    await engine.close();
    await store.close();
    await ownPool?.end();
    await dropSchema(admin, schema);
  }
  // Closed: the LISTEN connection is gone too.
  await until('every connection of the store closed', async () => ((await admin.query(`SELECT 1 FROM pg_stat_activity WHERE application_name = $1`, [schema])).rows.length === 0 ? true : undefined));
}

describe.skipIf(!available)('postgres: LISTEN beside a pool of max 1', () => {
  for (const kind of ['connection string', 'your pool'] as const) {
    it(`${kind}, max 1, onWake on: commits and reads go on, and wake-ups are heard`, async (ctx) => {
      await run(ctx.task.name, kind, 1, 1);
    });
  }

  it('property: whatever the pool size and however many acts run at once, listening never takes a connection they need', async (ctx) => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom<Kind>('connection string', 'your pool'), fc.integer({ min: 1, max: 3 }), fc.integer({ min: 1, max: 4 }), async (kind, max, starts) => {
        await run(ctx.task.name, kind, max, starts);
      }),
      { numRuns: 8 },
    );
  });
});
