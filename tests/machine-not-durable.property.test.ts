// The kind of tests/machine-not-durable.test.ts, as a property: random machines where some states
// cannot be entered durably (a sendTo to self, emit, invoke, spawn in assign, an always cycle), random
// sends, clock advances and restarts. Every send is answered as the machine's spec says (taken, not
// accepted, or MACHINE_ERROR for a step into such a state, nothing changed), and the engine with
// restarts at random points (a fresh engine over the same store, SQLite reopened) ends every act
// exactly as an uninterrupted one does: state, revision, context, timers, suspension, answers.
import fc from 'fast-check';
import { assign, emit, fromPromise, sendTo, setup, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const someone = { id: 'li', roles: ['staff'] };
const T0 = Date.parse('2026-11-02T09:00:00+08:00');
const N = 4;
const EVENTS = ['E0', 'E1', 'E2'] as const;
type Bad = 'sendTo' | 'emit' | 'invoke' | 'spawn' | 'cycle';
interface StateSpec {
  readonly bad: Bad | null;
  readonly on: readonly (number | null)[];
  readonly after: { readonly ms: number; readonly target: number } | null;
}
type Op = { readonly kind: 'send'; readonly event: number } | { readonly kind: 'advance'; readonly ms: number } | { readonly kind: 'restart' };

const badArb = fc.oneof(
  { weight: 6, arbitrary: fc.constant<Bad | null>(null) },
  { weight: 4, arbitrary: fc.constantFrom<Bad>('sendTo', 'emit', 'invoke', 'spawn') },
  { weight: 1, arbitrary: fc.constant<Bad>('cycle') },
);
const stateArb: fc.Arbitrary<StateSpec> = fc.record({
  bad: badArb,
  on: fc.array(fc.option(fc.nat(N - 1), { nil: null }), { minLength: EVENTS.length, maxLength: EVENTS.length }),
  after: fc.option(fc.record({ ms: fc.integer({ min: 1, max: 5 }).map((k) => k * 1000 + 7), target: fc.nat(N - 1) }), { nil: null }),
});
const specArb = fc.array(stateArb, { minLength: N, maxLength: N }).map((states) => [{ ...states[0]!, bad: null }, ...states.slice(1)]);
const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.nat(EVENTS.length - 1).map((event) => ({ kind: 'send' as const, event })) },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 6000 }).map((ms) => ({ kind: 'advance' as const, ms })) },
  { weight: 2, arbitrary: fc.constant({ kind: 'restart' as const }) },
);

function machineOf(spec: readonly StateSpec[]): AnyStateMachine {
  const inc = assign({ n: ({ context }: { context: { n: number } }) => context.n + 1 });
  const states: Record<string, unknown> = {};
  spec.forEach((s, i) => {
    const node: Record<string, unknown> = { on: Object.fromEntries(s.on.flatMap((t, k) => (t === null ? [] : [[EVENTS[k], { target: `s${t}`, actions: inc }]]))) };
    if (s.after) node.after = { [s.after.ms]: { target: `s${s.after.target}`, actions: inc } };
    if (s.bad === 'sendTo') node.entry = sendTo(({ self }) => self, { type: 'E0' });
    if (s.bad === 'emit') node.entry = emit({ type: 'seen' });
    if (s.bad === 'invoke') node.invoke = { src: 'work' };
    if (s.bad === 'spawn') node.entry = assign({ n: ({ context, spawn }: { context: { n: number }; spawn: (src: 'work') => unknown }) => (spawn('work'), context.n) });
    if (s.bad === 'cycle') node.always = { target: `s${i}`, reenter: true, actions: inc };
    states[`s${i}`] = node;
  });
  return setup({ actors: { work: fromPromise(async () => 1) } }).createMachine({ id: 'rnd', context: { n: 0 }, initial: 's0', states: states as never }) as unknown as AnyStateMachine;
}

/** What a send of event `k` from state `s` must do by the spec. */
function expected(spec: readonly StateSpec[], s: number, k: number): 'taken' | 'EVENT_NOT_ACCEPTED' | 'MACHINE_ERROR' {
  const t = spec[s]!.on[k];
  if (t === null || t === undefined) return 'EVENT_NOT_ACCEPTED';
  if (t === s) return 'taken'; // a transition to its own state does not enter it again
  return spec[t]!.bad === null ? 'taken' : 'MACHINE_ERROR';
}

interface Run {
  engine: ReturnType<typeof createEngine>;
  store: Store;
  readonly clock: ReturnType<typeof virtualClock>;
}

async function answer(run: Run, id: string, event: string): Promise<string> {
  try {
    await run.engine.send(id, { type: event } as never, { actor: someone });
    return 'taken';
  } catch (error) {
    if (!isDocketError(error)) throw error;
    return error.code;
  }
}
const viewOf = async (run: Run, id: string) => {
  const v = await run.engine.get(id);
  return { state: v.state, revision: v.revision, context: v.context, timers: v.timers, suspended: v.suspended, status: v.status };
};

async function check(spec: readonly StateSpec[], ops: readonly Op[], opener: () => { store: Store; reopen(): Promise<Store>; done(): Promise<void> }): Promise<void> {
  const workflows = [defineWorkflow({ id: 'rnd' as const, version: 1, machine: machineOf(spec), input: z.object({}), events: { E0: z.object({}), E1: z.object({}), E2: z.object({}) } })];
  const opened = opener();
  const plainClock = virtualClock(T0);
  const plainStore = memoryStore();
  const plain: Run = { engine: createEngine({ store: plainStore, clock: plainClock, workflows }), store: plainStore, clock: plainClock };
  const clock = virtualClock(T0);
  const restarted: Run = { engine: createEngine({ store: opened.store, clock, workflows }), store: opened.store, clock };
  try {
    const a = await plain.engine.start('rnd', {} as never, { actor: someone, id: 'i-1' });
    const b = await restarted.engine.start('rnd', {} as never, { actor: someone, id: 'i-1' });
    for (const op of ops) {
      if (op.kind === 'restart') {
        await restarted.engine.close();
        restarted.store = await opened.reopen();
        restarted.engine = createEngine({ store: restarted.store, clock, workflows });
        continue;
      }
      if (op.kind === 'advance') {
        await plain.clock.advanceBy(op.ms);
        await restarted.clock.advanceBy(op.ms);
      } else {
        const before = await viewOf(plain, a);
        const event = EVENTS[op.event]!;
        const got = await answer(plain, a, event);
        expect(await answer(restarted, b, event)).toBe(got);
        if (before.status === 'active' && !before.suspended) expect(got).toBe(expected(spec, Number(String(before.state).slice(1)), op.event));
        if (got !== 'taken') expect(await viewOf(plain, a)).toEqual(before);
      }
      const view = await viewOf(plain, a);
      expect(await viewOf(restarted, b)).toEqual(view);
      // No state that cannot be entered durably is ever entered.
      expect(spec[Number(String(view.state).slice(1))]!.bad).toBe(null);
    }
  } finally {
    await plain.engine.close();
    await restarted.engine.close();
    await opened.done();
  }
}

const RUNS = Number(process.env.DOCKET_PROPERTY_SCALE ?? 1);

describe('property: steps that cannot be taken durably are refused alike, with restarts or without', () => {
  it('memory store: a fresh engine at random points equals an uninterrupted run, and answers follow the spec', async () => {
    await fc.assert(
      fc.asyncProperty(specArb, fc.array(opArb, { maxLength: 14 }), async (spec, ops) => {
        const store = memoryStore();
        await check(spec, ops, () => ({ store, reopen: async () => store, done: async () => {} }));
      }),
      { numRuns: 40 * RUNS },
    );
  }, 60_000 * RUNS);

  it('SQLite: reopened at random points, the same', async () => {
    const file = sqliteFile('machine-not-durable-property');
    await fc.assert(
      fc.asyncProperty(specArb, fc.array(opArb, { maxLength: 10 }), async (spec, ops) => {
        file.remove();
        let store: Store = sqliteStore({ filename: file.filename });
        await check(spec, ops, () => ({
          store,
          reopen: async () => {
            await store.close();
            store = sqliteStore({ filename: file.filename });
            return store;
          },
          done: async () => {
            await store.close();
            file.remove();
          },
        }));
      }),
      { numRuns: 12 * RUNS },
    );
  }, 60_000 * RUNS);
});
