import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, isDocketError, virtualClock } from '../src/index.js';
import { postgresStore, type PostgresStore } from '../src/postgres/index.js';
import { admin as root, manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { dropSchema, patchClients, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';

// Faults of the connection under a PostgreSQL commit, injected at chosen points (a commit held on a
// row lock another connection holds, then its backend terminated or cancelled, or its socket
// dropped by the client), never by timing. Each caller must hear the truth about its own write, a
// retry with the same idempotency key must write once, and the process must live on.

const available = await requirePostgres('postgres connection faults');
const START = Date.parse('2026-11-02T09:00:00+08:00');

let admin: pg.Pool;
beforeAll(() => {
  if (available) admin = new pg.Pool({ connectionString: PG_URL, max: 4 });
});
afterAll(async () => {
  await admin?.end();
});

function codeOf(error: unknown): string {
  return isDocketError(error) ? error.code : `raw: ${String(error)}`;
}

/** Resolves once `condition` holds, checking between turns of the event loop (never a timer). */
async function until<T>(what: string, condition: () => Promise<T | undefined>): Promise<T> {
  for (let i = 0; i < 20_000; i++) {
    const found = await condition();
    if (found !== undefined) return found;
    await new Promise((resolve) => setImmediate(resolve));
  }
  throw new Error(`never: ${what}`);
}

/** The backend of the schema's commit call that waits for a lock. */
function blockedCommit(schema: string): Promise<number> {
  return until('a commit waits for the row lock', async () => {
    const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE wait_event_type = 'Lock' AND query LIKE $1`, [`%"${schema}".docket_commit%`]);
    return rows[0]?.pid as number | undefined;
  });
}

/** Hold the instance's row lock in a transaction of its own until `release()`. */
async function lockRow(schema: string, id: string): Promise<() => Promise<void>> {
  const client = await admin.connect();
  await client.query('BEGIN');
  await client.query(`SELECT 1 FROM "${schema}".docket_instances WHERE id = $1 FOR UPDATE`, [id]);
  return async () => {
    await client.query('COMMIT');
    client.release();
  };
}

/** Wait until no commit call of the schema is still running (one whose client gave up may still land). */
function commitsSettled(schema: string): Promise<true> {
  return until('the schema has no commit call running', async () => {
    const { rows } = await admin.query(`SELECT 1 FROM pg_stat_activity WHERE state = 'active' AND query LIKE $1 AND pid <> pg_backend_pid()`, [`%"${schema}".docket_commit%`]);
    return rows.length === 0 ? true : undefined;
  });
}

function reviewEngine(store: PostgresStore, workerId: string, conflictRetries?: number) {
  const engine = createEngine({
    store,
    clock: virtualClock(START),
    workflows: [reviewWorkflow],
    workerId,
    ...(conflictRetries === undefined ? {} : { conflictRetries }),
    effects: { notify: () => undefined, archive: () => undefined },
  });
  engine.on('error', () => undefined);
  return engine;
}
type ReviewEngine = ReturnType<typeof reviewEngine>;

interface Setup {
  readonly schema: string;
  readonly pool: pg.Pool;
  readonly store: PostgresStore;
  readonly engine: ReviewEngine;
  readonly clients: Set<pg.PoolClient>;
  done(): Promise<void>;
}

async function setup(name: string, poolOptions: pg.PoolConfig = {}): Promise<Setup> {
  const schema = schemaFor(name);
  await dropSchema(admin, schema);
  const pool = new pg.Pool({ connectionString: PG_URL, max: 4, ...poolOptions });
  const clients = new Set<pg.PoolClient>();
  pool.on('connect', (client) => clients.add(client));
  pool.on('remove', (client) => clients.delete(client as pg.PoolClient));
  // The pool's own report of an idle client's error: not the process's concern.
  pool.on('error', () => undefined);
  const store = postgresStore({ pool }, { schema });
  const engine = reviewEngine(store, 'w');
  await store.init();
  return {
    schema,
    pool,
    store,
    engine,
    clients,
    async done() {
      await engine.close();
      await store.close();
      await pool.end();
      await dropSchema(admin, schema);
    },
  };
}

describe.skipIf(!available)('postgres: the connection fails under a commit', () => {
  it('a commit whose backend is terminated while it waits is told STORE_UNAVAILABLE (nothing written); a commit sent at once after it lands, and the process lives', async (ctx) => {
    const s = await setup(ctx.task.name);
    try {
      const id = await s.engine.start('review', { title: 't' }, { actor: staff, id: 'held' });
      const unlock = await lockRow(s.schema, id);
      // The next start goes out the moment the first send is answered, before the terminated
      // connection's socket end is read: it used to be handed that dead connection back, and was
      // told STORE_OUTCOME_UNKNOWN for a write never sent, or the process ended on its error event.
      const next = s.engine.send(id, { type: 'SUBMIT' }, { actor: staff, idempotencyKey: 'k1' }).then(
        () => ({ told: 'ok', after: Promise.resolve('not sent') }),
        (error: unknown) => ({ told: codeOf(error), after: s.engine.start('review', { title: 'u' }, { actor: staff, id: 'next' }).then(() => 'ok', codeOf) }),
      );
      await admin.query('SELECT pg_terminate_backend($1)', [await blockedCommit(s.schema)]);
      const { told, after } = await next;
      expect(told).toBe('STORE_UNAVAILABLE');
      expect(await after).toBe('ok');
      await unlock();
      expect((await s.store.history(id)).map((e) => e.event.type)).toEqual(['docket.start']);
      // The retry with the same key writes it once.
      expect((await s.engine.send(id, { type: 'SUBMIT' }, { actor: staff, idempotencyKey: 'k1' })).revision).toBe(2);
      expect((await s.store.history(id)).map((e) => e.event.type)).toEqual(['docket.start', 'SUBMIT']);
      expect((await s.store.load('next'))?.revision).toBe(1);
    } finally {
      await s.done();
    }
  });

  it('a commit whose answer is lost (the client dropped the socket) is told STORE_OUTCOME_UNKNOWN; it lands once the lock is free, and the retry with the same key replays it', async (ctx) => {
    const s = await setup(ctx.task.name);
    try {
      const id = await s.engine.start('review', { title: 't' }, { actor: staff, id: 'held' });
      const unlock = await lockRow(s.schema, id);
      const sent = s.engine.send(id, { type: 'SUBMIT' }, { actor: staff, idempotencyKey: 'k1' }).then(() => 'ok', codeOf);
      const pid = await blockedCommit(s.schema);
      const client = [...s.clients].find((c) => (c as unknown as { processID: number }).processID === pid)!;
      (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
      expect(await sent).toBe('STORE_OUTCOME_UNKNOWN');
      await unlock();
      await commitsSettled(s.schema);
      // It was written after all: the caller was told the truth (unknown), and now finds out.
      expect((await s.store.history(id)).map((e) => e.event.type)).toEqual(['docket.start', 'SUBMIT']);
      expect((await s.engine.send(id, { type: 'SUBMIT' }, { actor: staff, idempotencyKey: 'k1' })).revision).toBe(2);
      expect((await s.store.history(id)).length).toBe(2);
      expect(await s.engine.verify(id)).toMatchObject({ ok: true });
    } finally {
      await s.done();
    }
  });

  it('the LISTEN connection terminated: the process lives, listeners are woken once, and wake-ups resume on a new connection', async (ctx) => {
    const s = await setup(ctx.task.name);
    try {
      let woken = 0;
      s.store.onWake(() => woken++);
      const listening = (except?: number) =>
        until('a LISTEN connection', async () => {
          const { rows } = await admin.query(`SELECT pid FROM pg_stat_activity WHERE query = 'LISTEN docket_wake' AND pid <> $1`, [except ?? 0]);
          return rows[0]?.pid as number | undefined;
        });
      const first = await listening();
      await admin.query('SELECT pg_terminate_backend($1)', [first]);
      await until('listeners woken after the loss', async () => (woken >= 1 ? true : undefined));
      const second = await listening(first);
      expect(second).not.toBe(first);
      const before = woken;
      // A commit that adds a timer notifies: heard on the new connection.
      const id = await s.engine.start('review', { title: 't' }, { actor: staff });
      await s.engine.send(id, { type: 'SUBMIT' }, { actor: staff });
      await until('a wake-up on the new connection', async () => (woken > before ? true : undefined));
    } finally {
      await s.done();
    }
  });

  it('a start whose commit answer is lost is STORE_OUTCOME_UNKNOWN; retried with the same id and input by the same actor it resolves with the id (it landed), once; another input is CONFLICT naming the id', async (ctx) => {
    const s = await setup(ctx.task.name);
    try {
      let armed = true;
      patchClients(s.pool, (query, client) => async (text, values) => {
        const out = await query(text, values);
        if (armed && text.includes('docket_commit')) {
          armed = false;
          (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
          throw new Error('Connection terminated unexpectedly');
        }
        return out;
      });
      expect(await s.engine.start('review', { title: 't' }, { actor: staff, id: 'x' }).then(() => 'ok', codeOf)).toBe('STORE_OUTCOME_UNKNOWN');
      await commitsSettled(s.schema);
      expect(await s.engine.start('review', { title: 't' }, { actor: staff, id: 'x' })).toBe('x');
      expect((await s.store.history('x')).map((e) => e.event.type)).toEqual(['docket.start']);
      const taken = await s.engine.start('review', { title: 'u' }, { actor: staff, id: 'x' }).then(() => undefined, (e: unknown) => e);
      expect(isDocketError(taken, 'CONFLICT') && taken.details.field).toBe('id');
      expect(await s.engine.verify('x')).toMatchObject({ ok: true });
    } finally {
      await s.done();
    }
  });

  it('retention whose COMMIT is sent but never answered is told STORE_OUTCOME_UNKNOWN (not "nothing written"); it landed, and a second retention takes nothing more', async (ctx) => {
    const s = await setup(ctx.task.name);
    try {
      const id = await s.engine.start('review', { title: 't' }, { actor: staff });
      await s.engine.terminate(id, { actor: root, reason: 'withdrawn' });
      // The next COMMIT reaches the server, then the connection drops before its answer.
      let armed = true;
      patchClients(s.pool, (query, client) => async (text, values) => {
        const out = await query(text, values);
        if (armed && text === 'COMMIT') {
          armed = false;
          (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
          throw new Error('Connection terminated unexpectedly');
        }
        return out;
      });
      const told = await s.engine.retain({ policy: { finishedBefore: START + 1 }, mode: 'archive' }).then(() => 'ok', codeOf);
      expect(told).toBe('STORE_OUTCOME_UNKNOWN');
      expect((await s.engine.archived(id))?.kind).toBe('archived');
      expect(await s.engine.retain({ policy: { finishedBefore: START + 1 }, mode: 'archive' })).toMatchObject({ ids: [] });
    } finally {
      await s.done();
    }
  });

  it('a commit call rolled back for a serialization failure (SERIALIZABLE isolation) is a CONFLICT the engine retries; a load cancelled the same way is read again', async (ctx) => {
    const s = await setup(ctx.task.name);
    try {
      const id = await s.engine.start('review', { title: 't' }, { actor: staff });
      const raced = () => Object.assign(new Error('could not serialize access due to read/write dependencies among transactions'), { code: '40001', severity: 'ERROR' });
      let commitsToFail = 1;
      let loadsToFail = 1;
      patchClients(s.pool, (query) => async (text, values) => {
        if (commitsToFail > 0 && text.includes('docket_commit')) {
          commitsToFail--;
          throw raced();
        }
        if (loadsToFail > 0 && text.includes('head_entry')) {
          loadsToFail--;
          throw raced();
        }
        return query(text, values);
      });
      expect((await s.engine.send(id, { type: 'SUBMIT' }, { actor: staff })).revision).toBe(2);
      expect(commitsToFail).toBe(0);
      expect((await s.engine.get(id)).revision).toBe(2);
      expect(loadsToFail).toBe(0);
      expect((await s.store.history(id)).map((e) => e.event.type)).toEqual(['docket.start', 'SUBMIT']);
      // A start is not retried by the engine (CONFLICT would say the id is taken): nothing written, retry.
      commitsToFail = 1;
      expect(await s.engine.start('review', { title: 'u' }, { actor: staff, id: 'fresh' }).then(() => 'ok', codeOf)).toBe('STORE_UNAVAILABLE');
      expect(await s.store.load('fresh')).toBeUndefined();
      expect(await s.engine.start('review', { title: 'u' }, { actor: staff, id: 'fresh' })).toBe('fresh');
    } finally {
      await s.done();
    }
  });

  it('two engines on one instance under SERIALIZABLE isolation: every send lands once or is CONFLICT after the retries, none STORE_UNAVAILABLE', async (ctx) => {
    const serializable = { options: '-c default_transaction_isolation=serializable' };
    const s = await setup(ctx.task.name, serializable);
    const otherPool = new pg.Pool({ connectionString: PG_URL, max: 4, ...serializable });
    const other = reviewEngine(postgresStore({ pool: otherPool }, { schema: s.schema }), 'w2', 50);
    try {
      const ids = ['a', 'b'];
      for (const id of ids) {
        await s.engine.start('review', { title: id }, { actor: staff, id });
      }
      const told: string[] = [];
      const act = async (engine: ReviewEngine, id: string) => {
        const state = (await engine.get(id)).state;
        const event = state === 'draft' ? { type: 'SUBMIT' as const } : { type: 'REJECT' as const, comment: 'again' };
        try {
          await engine.send(id, event, { actor: state === 'draft' ? staff : manager });
          told.push('ok');
        } catch (error) {
          told.push(codeOf(error));
        }
      };
      for (let round = 0; round < 12; round++) await Promise.all(ids.flatMap((id) => [act(s.engine, id), act(other, id), act(s.engine, id), act(other, id)]));
      expect(told.filter((t) => t !== 'ok' && t !== 'CONFLICT' && t !== 'EVENT_NOT_ACCEPTED')).toEqual([]);
      let entries = 0;
      for (const id of ids) {
        const history = await s.store.history(id);
        expect(history.map((e) => e.revision)).toEqual(history.map((_, i) => i + 1));
        expect(await s.engine.verify(id)).toMatchObject({ ok: true });
        entries += history.length - 1;
      }
      expect(entries).toBe(told.filter((t) => t === 'ok').length);
    } finally {
      await other.close();
      await otherPool.end();
      await s.done();
    }
  });
});

type Fault = 'none' | 'terminate' | 'cancel' | 'drop';

describe.skipIf(!available)('postgres: property of connection faults under commits', () => {
  it('property: whatever fault hits a commit (terminated, cancelled, its answer lost), acknowledged writes are stored, refused ones are not, a retry with the same key writes once, and the pool stays usable', async (ctx) => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom<Fault>('none', 'terminate', 'cancel', 'drop'), { minLength: 1, maxLength: 5 }), async (faults) => {
        const s = await setup(ctx.task.name);
        try {
          const id = await s.engine.start('review', { title: 't' }, { actor: staff, id: 'x' });
          for (const [i, fault] of faults.entries()) {
            const state = (await s.engine.get(id)).state;
            const event = state === 'draft' ? { type: 'SUBMIT' as const } : { type: 'REJECT' as const, comment: `r${i}` };
            const actor = state === 'draft' ? staff : manager;
            const key = `k${i}`;
            const revision = (await s.store.load(id))!.revision;
            let told: string;
            if (fault === 'none') told = await s.engine.send(id, event, { actor, idempotencyKey: key }).then(() => 'ok', codeOf);
            else {
              const unlock = await lockRow(s.schema, id);
              const sent = s.engine.send(id, event, { actor, idempotencyKey: key }).then(() => 'ok', codeOf);
              const pid = await blockedCommit(s.schema);
              if (fault === 'terminate') await admin.query('SELECT pg_terminate_backend($1)', [pid]);
              else if (fault === 'cancel') await admin.query('SELECT pg_cancel_backend($1)', [pid]);
              else {
                const client = [...s.clients].find((c) => (c as unknown as { processID: number }).processID === pid)!;
                (client as unknown as { connection: { stream: { destroy(): void } } }).connection.stream.destroy();
              }
              told = await sent;
              await unlock();
              await commitsSettled(s.schema);
            }
            const stored = (await s.store.history(id)).length;
            if (told === 'ok') expect(stored).toBe(revision + 1);
            else if (told === 'STORE_UNAVAILABLE') expect(stored).toBe(revision);
            else expect(told).toBe('STORE_OUTCOME_UNKNOWN');
            expect({ fault, told }).toEqual({ fault, told: fault === 'none' ? 'ok' : fault === 'drop' ? 'STORE_OUTCOME_UNKNOWN' : 'STORE_UNAVAILABLE' });
            // The retry with the same key: the act is in the history exactly once afterwards.
            const retried = await s.engine.send(id, event, { actor, idempotencyKey: key });
            expect(retried.revision).toBe(revision + 1);
            expect((await s.store.history(id)).length).toBe(revision + 1);
          }
          expect(await s.engine.verify(id)).toMatchObject({ ok: true });
        } finally {
          await s.done();
        }
      }),
      { numRuns: 10 },
    );
  });
});
