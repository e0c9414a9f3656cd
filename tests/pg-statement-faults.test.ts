import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { isDocketError } from '../src/index.js';
import { postgresStore, type PostgresStore } from '../src/postgres/index.js';
import { dropSchema, patchClients, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { nextCommit, T0 } from './helpers/records.js';

// Regression: a single statement that writes outside a transaction of Docket's (a timer or effect
// claim, a timer release, an effect's outcome, a refusal) whose connection was lost after it was
// sent was told STORE_UNAVAILABLE, "nothing written", though it may have committed. Faults are
// injected at a chosen point of the client (never by timing): the statement runs, then its
// connection drops before the answer is read.

const available = await requirePostgres('postgres single-statement faults');

let admin: pg.Pool;
beforeAll(() => {
  if (available) admin = new pg.Pool({ connectionString: PG_URL, max: 2 });
});
afterAll(async () => {
  await admin?.end();
});

function codeOf(error: unknown): string {
  return isDocketError(error) ? error.code : `raw: ${String(error)}`;
}

/** Where the next statement fails: its answer lost after it ran, lost before it was sent, or an error the server sent. */
type Fault = 'none' | 'lost-after' | 'lost-before' | 'answered';

interface Setup {
  readonly schema: string;
  readonly store: PostgresStore;
  /** Make the next statement any client of the store's pool sends fail so. */
  arm(fault: Fault): void;
  done(): Promise<void>;
}

async function setup(name: string): Promise<Setup> {
  const schema = schemaFor(name);
  await dropSchema(admin, schema);
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  pool.on('error', () => undefined);
  const store = postgresStore({ pool }, { schema });
  await store.init();
  let armed: Fault = 'none';
  patchClients(pool, (query, client) => async (text, values) => {
    const fault = armed;
    armed = 'none';
    const drop = () => (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
    if (fault === 'answered') throw Object.assign(new Error('canceling statement due to user request'), { code: '57014', severity: 'ERROR' });
    if (fault === 'lost-before') {
      drop();
      throw new Error('Connection terminated unexpectedly');
    }
    const out = await query(text, values);
    if (fault === 'lost-after') {
      drop();
      throw new Error('Connection terminated unexpectedly');
    }
    return out;
  });
  return {
    schema,
    store,
    arm: (fault) => void (armed = fault),
    async done() {
      await store.close();
      await pool.end();
      await dropSchema(admin, schema);
    },
  };
}

/** One instance with one timer and one effect, both due at T0. */
async function seed(store: PostgresStore, id: string): Promise<{ timerId: string; effectId: string }> {
  const c = nextCommit(id, undefined, { addTimers: [{ key: 't', dueAt: T0 }], effects: 1 });
  await store.commit(c);
  return { timerId: c.addTimers[0]!.id, effectId: c.effects[0]!.id };
}

const OWNER = 'w1';
/** One claim for the whole file: each test prepares its own schema, and its hands name this claim. */
const HELD = { owner: OWNER, token: 'w1-claim' };
const LEASE = { ...HELD, leaseMs: 60_000, limit: 100 };

interface WritePath {
  /** Put the row where the write applies (run without faults). */
  prepare(store: PostgresStore, ids: { timerId: string; effectId: string }): Promise<void>;
  write(store: PostgresStore, id: string, ids: { timerId: string; effectId: string }): Promise<unknown>;
  /** Whether the write is in the database, read by another connection. */
  landed(schema: string, id: string, ids: { timerId: string; effectId: string }): Promise<boolean>;
}

const claimedBy = async (schema: string, table: string, id: string) =>
  ((await admin.query(`SELECT claimed_by FROM "${schema}".${table} WHERE id = $1`, [id])).rows[0] as { claimed_by: string | null }).claimed_by;

/** Every single-statement write of the PostgreSQL store. */
const WRITES: Record<string, WritePath> = {
  claimDueTimers: {
    prepare: async () => undefined,
    write: (store) => store.claimDueTimers(T0 + 1000, LEASE),
    landed: async (schema, _id, ids) => (await claimedBy(schema, 'docket_timers', ids.timerId)) === OWNER,
  },
  releaseTimer: {
    prepare: async (store) => void (await store.claimDueTimers(T0 + 1000, LEASE)),
    write: (store, _id, ids) => store.releaseTimer(ids.timerId, HELD),
    landed: async (schema, _id, ids) => (await claimedBy(schema, 'docket_timers', ids.timerId)) === null,
  },
  claimEffects: {
    prepare: async () => undefined,
    write: (store) => store.claimEffects(T0 + 1000, LEASE),
    landed: async (schema, _id, ids) => (await claimedBy(schema, 'docket_effects', ids.effectId)) === OWNER,
  },
  updateEffect: {
    prepare: async (store) => void (await store.claimEffects(T0 + 1000, LEASE)),
    write: (store, _id, ids) => store.updateEffect(ids.effectId, { ...HELD, status: 'delivered', attempts: 1, nextAttemptAt: T0, deliveredAt: T0 }),
    landed: async (schema, _id, ids) =>
      ((await admin.query(`SELECT status FROM "${schema}".docket_effects WHERE id = $1`, [ids.effectId])).rows[0] as { status: string }).status === 'delivered',
  },
  appendRefusal: {
    prepare: async () => undefined,
    write: (store, id) =>
      store.appendRefusal({ instanceId: id, at: T0, actor: { id: 'li', roles: [] }, event: { type: 'X' }, code: 'FORBIDDEN', message: 'no', state: 'draft', revision: 1 }),
    landed: async (schema, id) => (await admin.query(`SELECT 1 FROM "${schema}".docket_refusals WHERE instance_id = $1`, [id])).rows.length === 1,
  },
};

describe.skipIf(!available)('postgres: a single statement that writes, its connection lost', () => {
  for (const [name, path] of Object.entries(WRITES)) {
    it(`${name} whose answer is lost after it was sent is STORE_OUTCOME_UNKNOWN (it landed), never STORE_UNAVAILABLE`, async (ctx) => {
      const s = await setup(ctx.task.name);
      try {
        const ids = await seed(s.store, 'a');
        await path.prepare(s.store, ids);
        s.arm('lost-after');
        const error = await path.write(s.store, 'a', ids).then(() => undefined, (e: unknown) => e);
        expect(codeOf(error)).toBe('STORE_OUTCOME_UNKNOWN');
        expect((error as Error).message).toMatch(/may or may not have been applied/);
        expect((error as { details: { cause?: unknown } }).details.cause).toBeInstanceOf(Error);
        expect(await path.landed(s.schema, 'a', ids)).toBe(true);
        // The store goes on: the next statement gets a live connection.
        expect((await s.store.load('a'))?.revision).toBe(1);
      } finally {
        await s.done();
      }
    });
  }

  it('a write the server refused, or whose connection could not be had, is STORE_UNAVAILABLE and wrote nothing; a read whose answer is lost is STORE_UNAVAILABLE', async (ctx) => {
    const s = await setup(ctx.task.name);
    try {
      const ids = await seed(s.store, 'a');
      s.arm('answered');
      expect(await s.store.claimDueTimers(T0 + 1000, LEASE).then(() => 'ok', codeOf)).toBe('STORE_UNAVAILABLE');
      expect(await WRITES.claimDueTimers!.landed(s.schema, 'a', ids)).toBe(false);
      s.arm('lost-after');
      expect(await s.store.load('a').then(() => 'ok', codeOf)).toBe('STORE_UNAVAILABLE');
      const unreachable = postgresStore({ connectionString: 'postgres://postgres@127.0.0.1:1/test' }, { schema: s.schema });
      expect(await unreachable.releaseTimer(ids.timerId, HELD).then(() => 'ok', codeOf)).toBe('STORE_UNAVAILABLE');
      await unreachable.close();
    } finally {
      await s.done();
    }
  });
});

describe.skipIf(!available)('postgres: property of single-statement writes under connection faults', () => {
  it('property: whatever fault hits a single-statement write, the caller is never told "not written" (STORE_UNAVAILABLE) for a write that landed, nor "done" for one that did not', async (ctx) => {
    const s = await setup(ctx.task.name);
    let n = 0;
    try {
      await fc.assert(
        fc.asyncProperty(fc.constantFrom(...Object.keys(WRITES)), fc.constantFrom<Fault>('none', 'lost-after', 'lost-before', 'answered'), async (name, fault) => {
          const path = WRITES[name]!;
          const id = `i${n++}`;
          const ids = await seed(s.store, id);
          await path.prepare(s.store, ids);
          s.arm(fault);
          const told = await path.write(s.store, id, ids).then(() => 'ok', codeOf);
          const landed = await path.landed(s.schema, id, ids);
          if (told === 'ok') expect(landed).toBe(true);
          else if (told === 'STORE_UNAVAILABLE') expect(landed).toBe(false);
          else expect(told).toBe('STORE_OUTCOME_UNKNOWN');
          if (fault === 'lost-after') expect(told).toBe('STORE_OUTCOME_UNKNOWN');
          if (fault === 'answered') expect(told).toBe('STORE_UNAVAILABLE');
          // Claims take every due row: leave nothing due for the next run.
          await admin.query(`UPDATE "${s.schema}".docket_timers SET status = 'cancelled'`);
          await admin.query(`UPDATE "${s.schema}".docket_effects SET status = 'dead'`);
        }),
        { numRuns: 40 },
      );
    } finally {
      await s.done();
    }
  });
});
