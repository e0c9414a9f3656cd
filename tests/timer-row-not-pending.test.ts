// A timer the instance holds as pending whose row in the timer table was set to 'fired' or
// 'cancelled', or deleted, outside Docket: a worker claims from the timer table alone, so the timer
// was never claimed, never fired, and nobody was told; the instance waited for ever and only
// engine.verify() said so (timers-mismatch). The worker loop (run(), tick()) now reports it on
// `error` as CORRUPT_SNAPSHOT, problem 'timer-not-pending', naming the instance and the timer, once an
// hour per timer, and changes nothing.
// And an act that leaves the timer's state (so its commit cancels the timer) was taken: the store
// cancelled what was still pending and let the rest be, the new entry committed to a timer list
// without the edited timer, and verify passed again. A deadline suppressed in the table and an act
// accepted after it left no trace. Every store now refuses that commit whole (CORRUPT_SNAPSHOT,
// timer-not-pending).
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { setup } from 'xstate';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { tickWorkflow } from './fixtures/tick-workflow.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const T0 = Date.parse('2026-11-02T09:00:00+08:00');
const someone = { id: 'li', roles: ['staff'] };

type Edit = 'fired' | 'cancelled' | 'deleted';

/** `waiting` times out to `late` after 1 h unless GO moves it on to `idle` (which cancels the timer). */
const goWorkflow = defineWorkflow({
  id: 'go',
  version: 1,
  machine: setup({ types: {} as { events: { type: 'GO' } } }).createMachine({
    id: 'go',
    initial: 'waiting',
    states: { waiting: { after: { 3600000: 'late' }, on: { GO: 'idle' } }, idle: {}, late: {} },
  }),
  input: z.object({}),
  events: { GO: z.object({}) },
});

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

describe.each(STORES)('an act that cancels a timer whose row was made not pending outside Docket ($name)', ({ name, skip, edits, open }) => {
  it.skipIf(skip).each(edits)('a row %s: the act is refused with CORRUPT_SNAPSHOT timer-not-pending, nothing written, and verify still tells', async (how) => {
    const opened = await open(`${name} go ${how}`);
    const clock = virtualClock(T0);
    const engine = createEngine({ store: opened.store, clock, workflows: [goWorkflow] });
    try {
      const edited = await engine.start('go', {}, { actor: someone });
      const untouched = await engine.start('go', {}, { actor: someone });
      await opened.edit(edited, how);
      await clock.advanceBy(2 * 3_600_000); // the deadline passes; the edited timer cannot fire
      const refused = await engine.send(edited, { type: 'GO' }, { actor: someone }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isDocketError(refused, 'CORRUPT_SNAPSHOT')).toBe(true);
      expect((refused as { details: unknown }).details).toMatchObject({ instanceId: edited, problem: 'timer-not-pending', cancelled: 0, listed: 1 });
      expect((refused as Error).message).toContain(`engine.verify("${edited}")`);
      const view = await engine.get(edited);
      expect([view.state, view.revision]).toEqual(['waiting', 1]);
      expect((await engine.verify(edited)).problems.map((p) => p.problem)).toContain('timers-mismatch');
      expect((await engine.get(untouched)).state).toBe('late');
    } finally {
      await engine.close();
      await opened.cleanup();
    }
  });
});

describe('property: a timer either fires once or, when its row was made not pending outside Docket, is reported and no act seals it away', () => {
  it('memory store, random instances, edits and acts before and after the deadline', async () => {
    const notPending = (e: unknown) => isDocketError(e, 'CORRUPT_SNAPSHOT') && e.details.problem === 'timer-not-pending';
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ startAfter: fc.integer({ min: 0, max: 10_000 }), edited: fc.boolean(), go: fc.constantFrom('none', 'early', 'late') }), { minLength: 1, maxLength: 6 }),
        fc.integer({ min: 1, max: 4 }),
        async (unsorted, ticks) => {
          const plans = [...unsorted].sort((a, b) => a.startAfter - b.startAfter);
          const store = memoryStore();
          const clock = virtualClock(T0);
          const engine = createEngine({ store, clock, workflows: [goWorkflow] });
          const errors: unknown[] = [];
          engine.on('error', (e) => errors.push(e));
          const firedCount = new Map<string, number>();
          engine.on('timer.fired', (f) => firedCount.set(f.instanceId, (firedCount.get(f.instanceId) ?? 0) + 1));
          const go = async (id: string) =>
            engine.send(id, { type: 'GO' }, { actor: someone }).then(
              () => 'taken',
              (e: unknown) => (notPending(e) ? 'not-pending' : isDocketError(e) ? e.code : 'raw'),
            );
          try {
            const ids: string[] = [];
            for (const plan of plans) {
              await clock.advanceTo(Math.max(clock.now(), T0 + plan.startAfter));
              const id = await engine.start('go', {}, { actor: someone });
              ids.push(id);
              // Edited before its timer is due: claimed and retired behind the engine's back.
              if (plan.edited) await retireBehindTheEngine(store, id, clock.now() + 3_600_000);
            }
            const answers = new Map<string, string[]>();
            const answer = (id: string, a: string) => answers.set(id, [...(answers.get(id) ?? []), a]);
            for (const [i, id] of ids.entries()) if (plans[i]!.go === 'early') answer(id, await go(id));
            await clock.advanceBy(2 * 3_600_000);
            for (let i = 0; i < ticks; i++) {
              await engine.tick();
              await clock.advanceBy(30_000);
            }
            for (const [i, id] of ids.entries()) if (plans[i]!.go === 'late') answer(id, await go(id));
            const reported = errors.filter(notPending).map((e) => (e as { details: { instanceId: string } }).details.instanceId);
            expect(errors.length).toBe(reported.length); // nothing else went wrong
            for (const [i, id] of ids.entries()) {
              const plan = plans[i]!;
              const view = await engine.get(id);
              if (plan.edited) {
                expect([view.state, view.revision]).toEqual(['waiting', 1]);
                expect(firedCount.get(id)).toBeUndefined();
                expect(reported.filter((r) => r === id)).toHaveLength(1); // within the hour: once
                expect(answers.get(id) ?? []).toEqual(plan.go === 'none' ? [] : ['not-pending']);
                expect((await engine.verify(id)).ok).toBe(false);
              } else {
                expect(view.state).toBe(plan.go === 'early' ? 'idle' : 'late');
                expect(firedCount.get(id)).toBe(plan.go === 'early' ? undefined : 1);
                expect(reported).not.toContain(id);
                expect(answers.get(id) ?? []).toEqual(plan.go === 'none' ? [] : plan.go === 'early' ? ['taken'] : ['EVENT_NOT_ACCEPTED']);
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
