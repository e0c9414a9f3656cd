import fc from 'fast-check';
import { assign, setup, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { postgresStore } from '../src/postgres/index.js';
import pg from 'pg';
import { dropSchema, PG_URL, requirePostgres } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { actArb, anySpecArb, buildMachine, hasRegionConflicts } from './helpers/random-machine.js';

// Two regions of a parallel state may both enable a transition that leaves it; XState keeps the
// first by the order its snapshot lists the active states: for a snapshot it just computed, the order
// they were entered; for one restored from storage, the order of the stored value's keys (and a
// Postgres jsonb column sorts keys by length). The engine steps from its cached snapshot or from the
// stored one, so one instance could choose differently before and after a restart, or on another
// worker. Docket chooses by document order, wherever the snapshot came from (inDocumentOrder in
// src/engine/xstate-runtime.ts). Each case runs on a kept engine (its cache) and on one restarted
// before the deciding act (the store), on memory, SQLite and Postgres.

const START = Date.parse('2026-11-02T09:00:00+08:00');
const someone = { id: 'li', roles: ['staff'] };
const admin = { id: 'feng', roles: ['admin'] };
const pgUp = await requirePostgres('document order');

type Ctx = { f: boolean };
/**
 * `p` has two regions, declared in this order and named by `names`: the first (u1 → u2 on A) and
 * the second (w1 → w2 on B). From u2 and w2, an eventless transition guarded by `f` leaves `p`: to
 * `one` from the first region, to `two` from the second. ALSO leaves `p` from u1 (to `one`) and
 * from w1 (to `two`). (XState enters the regions of a parallel state together, in document order,
 * so a computed snapshot's value lists them in document order; a restored one lists them as stored.)
 */
function conflictMachine(names: { readonly first: string; readonly second: string }): AnyStateMachine {
  return setup({ types: {} as { context: Ctx; events: { type: string } }, guards: { f: ({ context }) => context.f } }).createMachine({
    id: 'doc',
    context: { f: false },
    initial: 'p',
    on: { F: { actions: assign({ f: true }) } },
    states: {
      p: {
        type: 'parallel',
        states: {
          [names.first]: {
            initial: 'u1',
            states: {
              u1: { on: { A: 'u2', ALSO: '#doc.one' } },
              u2: { always: { guard: 'f', target: '#doc.one' } },
            },
          },
          [names.second]: {
            initial: 'w1',
            states: {
              w1: { on: { B: 'w2', ALSO: '#doc.two' } },
              w2: { always: { guard: 'f', target: '#doc.two' } },
            },
          },
        },
      },
      one: { type: 'final' },
      two: { type: 'final' },
    },
  }) as unknown as AnyStateMachine;
}

function workflowOf(machine: AnyStateMachine) {
  const events = Object.fromEntries(['A', 'B', 'F', 'ALSO', 'E1', 'E2', 'E3', 'G'].map((t) => [t, z.object({})]));
  return defineWorkflow({ id: 'doc', version: 1, machine, input: z.object({}), events });
}

interface StoreKind {
  readonly name: string;
  readonly open: (label: string) => Promise<{ store: Store; done: () => Promise<void> }>;
}
const stores: StoreKind[] = [
  { name: 'memory', open: async () => ({ store: memoryStore(), done: async () => {} }) },
  {
    name: 'SQLite',
    open: async (label) => {
      const file = sqliteFile(`document-order-${label}`);
      file.remove();
      const store = sqliteStore({ filename: file.filename });
      return { store, done: async () => (await store.close(), file.remove()) };
    },
  },
];
const pool = pgUp ? new pg.Pool({ connectionString: PG_URL, max: 4 }) : undefined;
if (pool !== undefined) {
  stores.push({
    name: 'Postgres',
    open: async (label) => {
      const schema = `docorder_${label.replace(/[^a-z0-9]/gi, '_').toLowerCase()}`.slice(0, 60);
      await dropSchema(pool, schema);
      const store = postgresStore({ pool }, { schema });
      return { store, done: async () => (await store.close(), await dropSchema(pool, schema)) };
    },
  });
}

/**
 * Run `acts` on an instance of `machine`: `restartBefore` acts are sent through a fresh engine over
 * the same store (the snapshot restored from storage), the others through the engine kept so far.
 * Returns the state after the last act.
 */
async function run(store: Store, machine: AnyStateMachine, acts: readonly string[], restartBefore: ReadonlySet<number>): Promise<unknown> {
  const clock = virtualClock(START);
  const workflows = [workflowOf(machine)];
  let engine = createEngine({ store, clock, workflows });
  try {
    const id = await engine.start('doc', {}, { actor: someone });
    for (const [i, type] of acts.entries()) {
      if (restartBefore.has(i)) {
        await engine.close();
        engine = createEngine({ store, clock, workflows });
      }
      await engine.send(id, { type }, { actor: someone });
    }
    return (await engine.get(id)).state;
  } finally {
    await engine.close();
  }
}

const declared = { first: 'first', second: 'second' };
// jsonb orders an object's keys shorter first: a region declared first with the longer name comes
// back second from Postgres.
const longFirst = { first: 'approvals', second: 'cc' };

describe('conflicting transitions in two regions of a parallel state are chosen by document order', () => {
  for (const kind of stores) {
    describe(kind.name, () => {
      for (const names of [declared, longFirst]) {
        const tag = `${names.first}-${names.second}`;
        it(`eventless, the second region's state entered first (${tag}): the first region's transition, from the cache and after a restart`, async () => {
          // B, then A: w2 is entered before u2; F makes both eventless transitions enabled at once.
          for (const restart of [new Set<number>(), new Set([2])]) {
            const { store, done } = await kind.open(`ev-${tag}-${restart.size}`);
            try {
              expect(await run(store, conflictMachine(names), ['B', 'A', 'F'], restart)).toBe('one');
            } finally {
              await done();
            }
          }
        });

        it(`on one event both regions take (${tag}): the first region's transition, from the cache and after a restart (Postgres's jsonb gives keys back shorter first)`, async () => {
          for (const restart of [new Set<number>(), new Set([0])]) {
            const { store, done } = await kind.open(`on-${tag}-${restart.size}`);
            try {
              expect(await run(store, conflictMachine(names), ['ALSO'], restart)).toBe('one');
            } finally {
              await done();
            }
          }
        });
      }
    });
  }

  it('a step that takes no transition answers with the snapshot it was given (the engine tells "not accepted" by it)', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [workflowOf(conflictMachine(declared))] });
    const id = await engine.start('doc', {}, { actor: someone });
    await engine.send(id, { type: 'B' }, { actor: someone });
    await engine.send(id, { type: 'A' }, { actor: someone });
    // Both regions are in their last states, entered out of document order: G is taken by none.
    await expect(engine.send(id, { type: 'G' }, { actor: someone })).rejects.toSatisfy((e) => isDocketError(e, 'EVENT_NOT_ACCEPTED'));
    expect((await engine.get(id)).state).toEqual({ p: { first: 'u2', second: 'w2' } });
    await engine.close();
  });
});

/** What document order answers for `acts` on {@link conflictMachine}: a model, not the engine. */
function documentOrderModel(acts: readonly string[]): unknown {
  let u = 'u1';
  let w = 'w1';
  let f = false;
  // Eventless transitions after each act: the first region's wins where both are enabled.
  const settle = () => (f && u === 'u2' ? 'one' : f && w === 'w2' ? 'two' : undefined);
  for (const act of acts) {
    if (act === 'A' && u === 'u1') u = 'u2';
    else if (act === 'B' && w === 'w1') w = 'w2';
    else if (act === 'F') f = true;
    else if (act === 'ALSO' && (u === 'u1' || w === 'w1')) return u === 'u1' ? 'one' : 'two';
    const done = settle();
    if (done !== undefined) return done;
  }
  return { p: Object.fromEntries([['u', u], ['w', w]]) };
}

describe('property: conflicting transitions of two regions go by document order, whatever the region names, the order of acts, the restarts and the store', () => {
  const nameArb = fc.stringMatching(/^[a-z][a-z0-9]{0,9}$/);
  for (const kind of stores) {
    const runs = kind.name === 'memory' ? 500 : 60;
    it(`${kind.name} (${runs} runs)`, async () => {
      let n = 0;
      await fc.assert(
        fc.asyncProperty(
          fc.tuple(nameArb, nameArb).filter(([a, b]) => a !== b),
          fc.array(fc.constantFrom('A', 'B', 'F', 'ALSO'), { minLength: 3, maxLength: 8 }),
          fc.array(fc.nat(5)),
          async ([first, second], acts, restarts) => {
            const model = documentOrderModel(acts);
            const { store, done } = await kind.open(`model-${n++}`);
            try {
              const machine = conflictMachine({ first, second });
              const clock = virtualClock(START);
              const workflows = [workflowOf(machine)];
              let engine = createEngine({ store, clock, workflows });
              const id = await engine.start('doc', {}, { actor: someone });
              for (const [i, type] of acts.entries()) {
                if (restarts.includes(i)) {
                  await engine.close();
                  engine = createEngine({ store, clock, workflows });
                }
                await engine.send(id, { type }, { actor: someone }).catch((e) => {
                  if (!isDocketError(e, 'EVENT_NOT_ACCEPTED') && !isDocketError(e, 'INSTANCE_NOT_ACTIVE')) throw e;
                });
              }
              const state = (await engine.get(id)).state;
              await engine.close();
              const expected = typeof model === 'string' ? model : { p: { [first]: (model as { p: { u: string } }).p.u, [second]: (model as { p: { w: string } }).p.w } };
              expect(state, `regions ${first}, ${second}; acts ${acts.join(' ')}; restarts before ${restarts.join(',')}`).toEqual(expected);
            } finally {
              await done();
            }
          },
        ),
        { numRuns: runs },
      );
    }, 600_000);
  }
});

describe('property: an instance steps alike from the engine\'s cache and from the store', () => {
  const someoneActs = async (engine: ReturnType<typeof createEngine>, id: string, act: (typeof actArb extends fc.Arbitrary<infer T> ? T : never), clock: ReturnType<typeof virtualClock>) => {
    if (act.type === 'WAIT') return void (await clock.advanceTo(clock.now() + act.ms));
    if (act.type === 'MOVE') return void (await engine.moveTo(id, { actor: admin, target: act.target, reason: 'test' }));
    if (act.type === 'PAUSE') {
      await engine.suspend(id, { actor: admin, reason: 'test' });
      return void (await engine.resume(id, { actor: admin, reason: 'test' }));
    }
    await engine.send(id, { type: act.type }, { actor: someone }).catch((e) => {
      if (!isDocketError(e, 'EVENT_NOT_ACCEPTED')) throw e;
    });
  };

  for (const kind of stores) {
    const runs = kind.name === 'memory' ? 300 : 25;
    it(`${kind.name}: a kept engine and one restarted before every act reach the same state and context after every act (${runs} random machines, conflicts included)`, async () => {
      let conflicting = 0;
      let compared = 0;
      await fc.assert(
        fc.asyncProperty(anySpecArb, fc.array(actArb, { minLength: 1, maxLength: 10 }), async (spec, acts) => {
          const machine = buildMachine(spec);
          const wf = defineWorkflow({
            id: 'm',
            version: 1,
            machine,
            input: z.object({}),
            events: { E1: z.object({}), E2: z.object({}), E3: z.object({}), F: z.object({}), G: z.object({}) },
          });
          const keptClock = virtualClock(START);
          const kept = createEngine({ store: memoryStore(), clock: keptClock, workflows: [wf] });
          const label = `prop-${compared}`;
          const { store, done } = await kind.open(label);
          const clock = virtualClock(START);
          let restarted = createEngine({ store, clock, workflows: [wf] });
          try {
            let keptId: string;
            try {
              keptId = await kept.start('m', {}, { actor: someone });
            } catch {
              return; // a machine whose always-steps loop (XState throws): not this test's subject
            }
            const id = await restarted.start('m', {}, { actor: someone });
            if (hasRegionConflicts(spec)) conflicting++;
            for (const act of acts) {
              await restarted.close();
              restarted = createEngine({ store, clock, workflows: [wf] });
              const outcomes = await Promise.allSettled([someoneActs(kept, keptId, act, keptClock), someoneActs(restarted, id, act, clock)]);
              // Both refuse alike (a move to a history node, say) or both act.
              expect(outcomes.map((o) => o.status)).toEqual([outcomes[0]!.status, outcomes[0]!.status]);
              const [a, b] = [await kept.get(keptId), await restarted.get(id)];
              compared++;
              expect({ state: b.state, context: b.context, status: b.status }, `after ${JSON.stringify(act)}; acts ${JSON.stringify(acts)}`).toEqual({ state: a.state, context: a.context, status: a.status });
            }
          } finally {
            await kept.close();
            await restarted.close();
            await done();
          }
        }),
        { numRuns: runs },
      );
      expect(compared).toBeGreaterThan(runs);
      expect(conflicting).toBeGreaterThan(0);
    }, 600_000);
  }
});

afterAll(async () => await pool?.end());
