import fc from 'fast-check';
import { assign, cancel, raise, setup, type AnyStateMachine } from 'xstate';

// Random machines for model-based tests of the timer lifecycle and of stepping (timer-oracle,
// document-order): nested compound states with `after` on parents, a parallel state, a deep history
// state, re-entering and targetless transitions, `always` out of states, and entry/exit delayed
// raises with an id and their cancel.

/** Every state node, pre-order, as dotted paths; `a.hist` is a deep history node of `a`. */
export const NODES = ['a', 'a.a1', 'a.a2', 'a.a2.x', 'a.a2.y', 'b', 'p', 'p.r1', 'p.r1.x1', 'p.r1.x2', 'p.r2', 'p.r2.y1', 'p.r2.y2', 'c'] as const;
export const TARGETS = [...NODES.filter((n) => n !== 'p.r1' && n !== 'p.r2'), 'a.hist'] as const;
// Delays are distinct per node, so two timers rarely fall due at one instant (their order would then
// be the two schedulers' own choice); a run where that happens stops comparing there.
export const delayOf = (i: number, k: number) => 1000 + 1237 * i + 611 * k;

export interface NodeSpec {
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
/** Random machine specs: one {@link NodeSpec} per node of {@link NODES}. */
export const anySpecArb = fc.array(nodeArb, { minLength: NODES.length, maxLength: NODES.length });

const REGION_1 = [7, 8, 9];
const REGION_2 = [10, 11, 12];
/**
 * Whether `spec` has eventless transitions in both regions of the parallel state `p`, which may then
 * conflict (each leaves `p`). Docket chooses between them by document order, wherever its snapshot
 * came from (see `inDocumentOrder` in src/engine/xstate-runtime.ts); a live XState actor chooses by
 * the order it entered the two states (xstate 5, seed 907101666: live `{ a: 'a1' }`, document order
 * `{ a: { a2: 'x' } }`), so an oracle that is a live actor cannot judge such a spec.
 */
export function hasRegionConflicts(spec: readonly NodeSpec[]): boolean {
  return REGION_1.some((i) => spec[i]!.always) && REGION_2.some((i) => spec[i]!.always);
}

export function buildMachine(spec: readonly NodeSpec[]): AnyStateMachine {
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

export type Act =
  | { readonly type: 'E1' | 'E2' | 'E3' | 'F' | 'G' | 'PAUSE' }
  | { readonly type: 'WAIT'; readonly ms: number }
  | { readonly type: 'MOVE'; readonly target: string };
export const actArb: fc.Arbitrary<Act> = fc.oneof(
  fc.constantFrom<Act>({ type: 'E1' }, { type: 'E2' }, { type: 'E3' }, { type: 'F' }, { type: 'G' }, { type: 'PAUSE' }),
  fc.integer({ min: 1, max: 9000 }).map((ms): Act => ({ type: 'WAIT', ms })),
  // 任意跳转: the engine's moveTo, and the same transition (withAdminMoves) sent to the live actor.
  fc.constantFrom(...NODES).map((target): Act => ({ type: 'MOVE', target })),
);
