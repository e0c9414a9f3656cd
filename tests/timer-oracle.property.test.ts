import fc from 'fast-check';
import { assign, cancel, createActor, raise, setup, SimulatedClock, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, isDocketError, memoryStore, virtualClock } from '../src/index.js';
import { MOVE_EVENT, withAdminMoves } from '../src/engine/move-to-state.js';

// Model-based test of the timer lifecycle against XState's own interpreter: the same random machine
// runs as a Docket instance (durable timers on a virtual clock) and as a live XState actor on a
// SimulatedClock, fed the same events at the same instants. After every act and every timer the two
// must be in the same state with the same context: a timer Docket keeps that XState cancelled, one it
// loses, or one that fires at another instant shows as a difference. Machines have nested compound
// states with `after` on parents, a parallel state, a deep history state, re-entering and targetless
// transitions, `always` out of states, and entry/exit delayed raises with an id and their cancel.

const START = Date.parse('2026-11-02T09:00:00+08:00');
const someone = { id: 'li', roles: ['staff'] };

/** Every state node, pre-order, as dotted paths; `a.hist` is a deep history node of `a`. */
const NODES = ['a', 'a.a1', 'a.a2', 'a.a2.x', 'a.a2.y', 'b', 'p', 'p.r1', 'p.r1.x1', 'p.r1.x2', 'p.r2', 'p.r2.y1', 'p.r2.y2', 'c'] as const;
const TARGETS = [...NODES.filter((n) => n !== 'p.r1' && n !== 'p.r2'), 'a.hist'] as const;
// Delays are distinct per node, so two timers rarely fall due at one instant (their order would then
// be the two schedulers' own choice); a run where that happens stops comparing there.
const delayOf = (i: number, k: number) => 1000 + 1237 * i + 611 * k;

interface NodeSpec {
  readonly after?: { readonly k: number; readonly target: number | null; readonly reenter: boolean };
  readonly on: readonly ({ readonly target: number | null; readonly reenter: boolean } | null)[];
  readonly always?: { readonly flag: 'f' | 'g'; readonly target: number };
  readonly ping?: number;
}
const transitionArb = fc.record({ target: fc.option(fc.nat(TARGETS.length - 1), { nil: null }), reenter: fc.boolean() });
const nodeArb: fc.Arbitrary<NodeSpec> = fc.record(
  {
    after: fc.record({ k: fc.nat(3), target: fc.option(fc.nat(TARGETS.length - 1), { nil: null }), reenter: fc.boolean() }),
    on: fc.array(fc.option(transitionArb, { nil: null }), { minLength: 3, maxLength: 3 }),
    always: fc.record({ flag: fc.constantFrom<'f' | 'g'>('f', 'g'), target: fc.nat(TARGETS.length - 1) }),
    ping: fc.nat(3),
  },
  { requiredKeys: ['on'] },
);
// Eventless transitions in BOTH regions of the parallel state `p` that conflict (each leaves `p`):
// XState keeps the first by the order its snapshot lists the atomic states, which for a snapshot it
// just computed is the order they were entered and for one restored from storage is document order
// (xstate 5, seed 907101666: live `{ a: 'a1' }`, restored `{ a: { a2: 'x' } }`). Docket steps from
// its cached snapshot or from the stored one, so its answer there depends on which: an open fault
// (making every step go by document order changed the product-launch simulation, whose parallel
// gates rely on entry order). The live oracle cannot judge that case; it is left out here.
const REGION_1 = [7, 8, 9];
const REGION_2 = [10, 11, 12];
const specArb = fc
  .array(nodeArb, { minLength: NODES.length, maxLength: NODES.length })
  .filter((spec) => !(REGION_1.some((i) => spec[i]!.always) && REGION_2.some((i) => spec[i]!.always)));

function buildMachine(spec: readonly NodeSpec[]): AnyStateMachine {
  const config = (path: string, extra: Record<string, unknown>) => {
    // XState enters the remembered state of a history node inside the source without exiting it
    // (a second timer under the same id, both firing): Docket keeps one timer per key, by design.
    // From inside `a`, its history is replaced by `a` itself.
    const inside = path === 'a' || path.startsWith('a.');
    const target = (t: number | null) => (t === null ? undefined : `#m.${inside && TARGETS[t] === 'a.hist' ? 'a' : TARGETS[t]}`);
    const i = NODES.indexOf(path as (typeof NODES)[number]);
    const s = spec[i]!;
    const out: Record<string, unknown> = { ...extra };
    // Every firing is visible in the context (a targetless after changes nothing else).
    if (s.after) out.after = { [delayOf(i, s.after.k)]: { target: target(s.after.target), reenter: s.after.reenter, actions: 'tick' } };
    const on: Record<string, unknown> = {};
    s.on.forEach((t, e) => {
      if (t) on[`E${e + 1}`] = { target: target(t.target), reenter: t.reenter, actions: 'tick' };
    });
    out.on = on;
    // An `always` fires once per flag set (its action clears the flag), so eventless steps end.
    if (s.always) out.always = { guard: s.always.flag, target: target(s.always.target), actions: s.always.flag === 'f' ? 'clearF' : 'clearG' };
    if (s.ping !== undefined) {
      const id = `ping-${path}`;
      out.entry = raise({ type: 'PING', from: path } as { type: 'PING' }, { delay: 700 + 311 * i + 97 * s.ping, id });
      out.exit = cancel(id);
    }
    return out;
  };
  return setup({
    types: {} as { context: { f: boolean; g: boolean; log: string[] }; events: { type: string; from?: string } },
    guards: { f: ({ context }) => context.f, g: ({ context }) => context.g },
    actions: {
      tick: assign({ log: ({ context, event }) => [...context.log, event.type.startsWith('xstate.after.') ? 'after' : event.type] }),
      clearF: assign({ f: false }),
      clearG: assign({ g: false }),
    },
  }).createMachine({
    id: 'm',
    context: { f: false, g: false, log: [] },
    initial: 'a',
    on: {
      F: { actions: assign({ f: ({ context }) => !context.f }) },
      G: { actions: assign({ g: ({ context }) => !context.g }) },
      PING: { actions: assign({ log: ({ context, event }) => [...context.log, `ping ${event.from}`] }) },
    },
    states: {
      a: config('a', {
        initial: 'a1',
        states: {
          a1: config('a.a1', {}),
          a2: config('a.a2', { initial: 'x', states: { x: config('a.a2.x', {}), y: config('a.a2.y', {}) } }),
          hist: { type: 'history', history: 'deep' },
        },
      }),
      b: config('b', {}),
      p: config('p', {
        type: 'parallel',
        states: {
          r1: config('p.r1', { initial: 'x1', states: { x1: config('p.r1.x1', {}), x2: config('p.r1.x2', {}) } }),
          r2: config('p.r2', { initial: 'y1', states: { y1: config('p.r2.y1', {}), y2: config('p.r2.y2', {}) } }),
        },
      }),
      c: config('c', {}),
    },
  }) as unknown as AnyStateMachine;
}

type Act =
  | { readonly type: 'E1' | 'E2' | 'E3' | 'F' | 'G' | 'PAUSE' }
  | { readonly type: 'WAIT'; readonly ms: number }
  | { readonly type: 'MOVE'; readonly target: string };
const actArb: fc.Arbitrary<Act> = fc.oneof(
  fc.constantFrom<Act>({ type: 'E1' }, { type: 'E2' }, { type: 'E3' }, { type: 'F' }, { type: 'G' }, { type: 'PAUSE' }),
  fc.integer({ min: 1, max: 9000 }).map((ms): Act => ({ type: 'WAIT', ms })),
  // 任意跳转: the engine's moveTo, and the same transition (withAdminMoves) sent to the live actor.
  fc.constantFrom(...NODES).map((target): Act => ({ type: 'MOVE', target })),
);
const admin = { id: 'feng', roles: ['admin'] };

type Timeouts = Map<number, { start: number; timeout: number }>;
const timeoutsOf = (clock: SimulatedClock) => (clock as unknown as { timeouts: Timeouts }).timeouts;

describe('property: Docket timers behave as XState timers', () => {
  it('a Docket instance and a live XState actor on a simulated clock stay in the same state and context after every event and every timer', async () => {
    let compared = 0;
    await fc.assert(
      fc.asyncProperty(specArb, fc.array(actArb, { minLength: 1, maxLength: 14 }), async (spec, acts) => {
        const machine = buildMachine(spec);
        // Machines whose always-steps loop (XState throws for them) are not this test's subject.
        let oracle;
        const simulated = new SimulatedClock();
        simulated.set(START);
        try {
          oracle = createActor(withAdminMoves(machine), { clock: simulated });
          oracle.start();
        } catch {
          return;
        }
        if (oracle.getSnapshot().status === 'error') return;
        const clock = virtualClock(START);
        const wf = defineWorkflow({
          id: 'm',
          version: 1,
          machine,
          input: z.object({}),
          events: { E1: z.object({}), E2: z.object({}), E3: z.object({}), F: z.object({}), G: z.object({}) },
        });
        const engine = createEngine({ store: memoryStore(), clock, workflows: [wf] });
        try {
          const id = await engine.start('m', {}, { actor: someone });
          const same = async (when: string) => {
            const view = await engine.get(id);
            const snap = oracle.getSnapshot();
            const ours = { state: view.state, context: view.context };
            const theirs = { state: snap.value, context: snap.context };
            compared++;
            expect(ours, `${when}; acts ${JSON.stringify(acts)}`).toEqual(theirs);
          };
          await same('after start');
          for (const act of acts) {
            if (act.type === 'MOVE') {
              await engine.moveTo(id, { actor: admin, target: act.target, reason: 'test' });
              oracle.send({ type: MOVE_EVENT, target: act.target });
              await same(`after moving to ${act.target} at +${clock.now() - START}`);
              continue;
            }
            if (act.type === 'PAUSE') {
              // Suspended and resumed at one instant: the held timers come back as they were.
              await engine.suspend(id, { actor: admin, reason: 'test' });
              await engine.resume(id, { actor: admin, reason: 'test' });
              await same(`after suspend and resume at +${clock.now() - START}`);
              continue;
            }
            if (act.type !== 'WAIT') {
              await engine.send(id, { type: act.type }, { actor: someone }).catch((e) => {
                if (!isDocketError(e, 'EVENT_NOT_ACCEPTED')) throw e;
              });
              oracle.send({ type: act.type });
              await same(`after ${act.type} at +${clock.now() - START}`);
              continue;
            }
            const target = clock.now() + act.ms;
            for (;;) {
              const ends = [...timeoutsOf(simulated).values()].map((t) => t.start + t.timeout);
              const theirNext = ends.length === 0 ? Infinity : Math.min(...ends);
              const view = await engine.get(id);
              const ourNext = view.timers.length === 0 ? Infinity : Math.min(...view.timers.map((t) => t.dueAt));
              const next = Math.min(theirNext, ourNext);
              if (next > target) break;
              // Two timers due at one instant: their order is each scheduler's own; stop comparing.
              if (ends.filter((e) => e === next).length > 1) return;
              await clock.advanceTo(next);
              simulated.set(next);
              await same(`after the timer due at +${next - START}`);
            }
            await clock.advanceTo(target);
            simulated.set(target);
            await same(`after waiting until +${target - START}`);
          }
        } finally {
          oracle.stop();
          await engine.close();
        }
      }),
      { numRuns: 1000 },
    );
    expect(compared).toBeGreaterThan(1000);
  }, 600_000);
});
