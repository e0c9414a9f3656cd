// A timer the instance holds as pending whose row in the timer table was set to 'fired' or
// 'cancelled', or deleted, outside Docket: a worker claims from the timer table alone, so the timer
// was never claimed, never fired, and nobody was told; the instance waited for ever and only
// engine.verify() said so (timers-mismatch). The worker loop (run(), tick()) now reports it on
// `error` as CORRUPT_SNAPSHOT, problem 'timer-not-pending', naming the instance and the timer, once an
// hour per timer, and changes nothing.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, isDocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { tickWorkflow } from './fixtures/tick-workflow.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const T0 = Date.parse('2026-11-02T09:00:00+08:00');
const someone = { id: 'li', roles: ['staff'] };

type Edit = 'fired' | 'cancelled' | 'deleted';

interface Opened {
  readonly store: Store;
  /** Edit the instance's timer rows outside Docket. */
  edit(instanceId: string, how: Edit): Promise<void>;
  cleanup(): Promise<void>;
}

const pgAvailable = await requirePostgres('timer row not pending');
let pool: pg.Pool | undefined;
beforeAll(() => {
  if (pgAvailable) pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

/** What the SQL stores' edits are: the row's status set, or the row deleted. */
const sql = (table: string, how: Edit) => (how === 'deleted' ? `DELETE FROM ${table} WHERE instance_id = $1` : `UPDATE ${table} SET status = '${how}' WHERE instance_id = $1`);

/**
 * The memory store cannot be edited from outside; the nearest is a direct store call the engine
 * never makes for a held timer: claim it and retire it (its row becomes 'cancelled').
 */
async function retireBehindTheEngine(store: Store, instanceId: string, now: number): Promise<void> {
  const claim = { owner: 'someone-else', token: `tok-${instanceId}` };
  const claimed = await store.claimDueTimers(now, { ...claim, leaseMs: 1, limit: 1000 });
  for (const t of claimed) {
    if (t.instanceId === instanceId) await store.retireTimer(t.id, claim);
    else await store.releaseTimer(t.id, claim);
  }
}

const STORES: { readonly name: string; readonly skip: boolean; readonly edits: readonly Edit[]; open(test: string): Promise<Opened> }[] = [
  {
    name: 'memory',
    skip: false,
    edits: ['cancelled'],
    async open() {
      const store = memoryStore();
      return { store, edit: (id) => retireBehindTheEngine(store, id, T0 + 86_400_000), cleanup: async () => {} };
    },
  },
  {
    name: 'sqlite',
    skip: false,
    edits: ['fired', 'cancelled', 'deleted'],
    async open(test) {
      const { filename, remove } = sqliteFile(`row-not-pending ${test}`);
      remove();
      return {
        store: sqliteStore({ filename }),
        async edit(id, how) {
          const db = new Database(filename);
          try {
            db.prepare(sql('docket_timers', how).replace('$1', '?')).run(id);
          } finally {
            db.close();
          }
        },
        cleanup: async () => remove(),
      };
    },
  },
  {
    name: 'postgres',
    skip: !pgAvailable,
    edits: ['fired', 'cancelled', 'deleted'],
    async open(test) {
      const schema = schemaFor(`rel2 np ${test}`);
      await dropSchema(pool!, schema);
      return {
        store: postgresStore({ pool: pool! }, { schema }),
        edit: async (id, how) => void (await pool!.query(sql(`"${schema}".docket_timers`, how), [id])),
        cleanup: () => dropSchema(pool!, schema),
      };
    },
  },
];

describe.each(STORES)('a timer row made not pending outside Docket ($name)', ({ name, skip, edits, open }) => {
  it.skipIf(skip).each(edits)('a row %s is reported by the worker loop, naming the instance; nothing changes; an untouched instance fires', async (how) => {
    const opened = await open(`${name} ${how}`);
    const clock = virtualClock(T0);
    const engine = createEngine({ store: opened.store, clock, workflows: [tickWorkflow] });
    try {
      const edited = await engine.start('tick', {}, { actor: someone });
      const untouched = await engine.start('tick', {}, { actor: someone });
      await opened.edit(edited, how);
      const errors: unknown[] = [];
      engine.on('error', (e) => errors.push(e));
      await clock.advanceBy(5_000);
      const fired = await engine.tick();
      expect(fired).toEqual([]); // the untouched one fired during the advance
      expect((await engine.get(untouched)).state).toBe('b');
      expect((await engine.get(edited)).state).toBe('a');
      expect((await engine.get(edited)).revision).toBe(1);
      expect(errors).toHaveLength(1);
      const error = errors[0];
      expect(isDocketError(error, 'CORRUPT_SNAPSHOT')).toBe(true);
      expect((error as { details: unknown }).details).toMatchObject({ instanceId: edited, problem: 'timer-not-pending', revision: 1, timer: '1000', dueAt: T0 + 1000 });
      expect((error as Error).message).toContain(`engine.verify("${edited}")`);
      // Once an hour, not at every pass of the loop.
      await clock.advanceBy(120_000);
      await engine.tick();
      expect(errors).toHaveLength(1);
      await clock.advanceBy(3_600_000);
      await engine.tick();
      expect(errors).toHaveLength(2);
      expect((await engine.verify(edited)).problems.map((p) => p.problem)).toContain('timers-mismatch');
      expect((await engine.verify(untouched)).ok).toBe(true);
    } finally {
      await engine.close();
      await opened.cleanup();
    }
  });
});

describe('property: a timer either fires once or, when its row was made not pending outside Docket, is reported', () => {
  it('memory store, random instances, delays and edits', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ startAfter: fc.integer({ min: 0, max: 10_000 }), edited: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async (plans, ticks) => {
          const store = memoryStore();
          const clock = virtualClock(T0);
          const engine = createEngine({ store, clock, workflows: [tickWorkflow] });
          const errors: unknown[] = [];
          engine.on('error', (e) => errors.push(e));
          const firedCount = new Map<string, number>();
          engine.on('timer.fired', (f) => firedCount.set(f.instanceId, (firedCount.get(f.instanceId) ?? 0) + 1));
          try {
            const ids: string[] = [];
            for (const plan of [...plans].sort((a, b) => a.startAfter - b.startAfter)) {
              await clock.advanceTo(Math.max(clock.now(), T0 + plan.startAfter));
              const id = await engine.start('tick', {}, { actor: someone });
              ids.push(id);
              // Edited before its timer is due: claimed and retired behind the engine's back.
              if (plan.edited) await retireBehindTheEngine(store, id, clock.now() + 1000);
            }
            for (let i = 0; i < ticks; i++) {
              await clock.advanceBy(30_000);
              await engine.tick();
            }
            const sorted = [...plans].sort((a, b) => a.startAfter - b.startAfter);
            const reported = errors.filter((e) => isDocketError(e, 'CORRUPT_SNAPSHOT') && e.details.problem === 'timer-not-pending').map((e) => (e as { details: { instanceId: string } }).details.instanceId);
            expect(errors.length).toBe(reported.length); // nothing else went wrong
            for (const [i, id] of ids.entries()) {
              const view = await engine.get(id);
              if (sorted[i]!.edited) {
                expect(view.state).toBe('a');
                expect(firedCount.get(id)).toBeUndefined();
                expect(reported.filter((r) => r === id)).toHaveLength(1); // within the hour: once
                expect((await engine.verify(id)).ok).toBe(false);
              } else {
                expect(view.state).toBe('b');
                expect(firedCount.get(id)).toBe(1);
                expect(reported).not.toContain(id);
                expect((await engine.verify(id)).ok).toBe(true);
              }
            }
          } finally {
            await engine.close();
          }
        },
      ),
      { numRuns: Number(process.env.REL2_RUNS ?? 40), seed: 20261102 },
    );
  });
});
