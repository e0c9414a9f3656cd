import { assign, createActor, setup } from 'xstate';
import { describe, expect, it } from 'vitest';
import { XStateRuntime } from '../src/engine/xstate-runtime.js';
import { effect } from '../src/index.js';

// Guards the less-public `machine.transition(snapshot, event, scope)` signature the engine relies on
// (xstate's minor version is pinned): the same snapshots as a live actor, and actions returned as data.
const machine = setup({
  types: {} as { context: { n: number }; events: { type: 'GO' } | { type: 'BACK' } },
  actions: { ping: effect<{ n: number }>() },
  delays: { slow: ({ context }) => context.n * 1000 },
}).createMachine({
  id: 'm',
  context: { n: 2 },
  initial: 'a',
  states: {
    a: {
      entry: { type: 'ping', params: ({ context }) => ({ n: context.n }) },
      after: { slow: 'c' },
      on: { GO: { target: 'b', actions: assign({ n: ({ context }) => context.n + 1 }) } },
    },
    b: { on: { BACK: 'a' } },
    c: { type: 'final' },
  },
});

describe('XStateRuntime (pure transitions on xstate 5.33)', () => {
  it('returns delayed raises, cancels and custom actions as data, without executing them', () => {
    const runtime = new XStateRuntime(machine);
    const first = runtime.initial(undefined);
    expect(first.snapshot.value).toBe('a');
    expect(first.actions).toEqual([
      { type: 'ping', params: { n: 2 } },
      { type: 'xstate.raise', params: expect.objectContaining({ id: 'xstate.after.slow.m.a', delay: 2000 }) },
    ]);
    const second = runtime.transition(first.snapshot, { type: 'GO' });
    expect(second.snapshot.value).toBe('b');
    expect(second.snapshot.context).toEqual({ n: 3 });
    expect(second.actions).toEqual([{ type: 'xstate.cancel', params: { sendId: 'xstate.after.slow.m.a' } }]);
  });

  it('agrees with a live actor on the same events, and restores what it persists', () => {
    const runtime = new XStateRuntime(machine);
    const actor = createActor(machine).start();
    let snapshot = runtime.initial(undefined).snapshot;
    for (const type of ['GO', 'BACK', 'GO'] as const) {
      actor.send({ type });
      snapshot = runtime.restore(JSON.parse(JSON.stringify(runtime.persist(runtime.transition(snapshot, { type }).snapshot))));
      expect(snapshot.value).toEqual(actor.getSnapshot().value);
      expect(snapshot.context).toEqual(actor.getSnapshot().context);
    }
    actor.stop();
  });

  it('uses the delayed raise event type xstate.after.<delay>.<state id> that the engine stores as a timer', () => {
    const runtime = new XStateRuntime(machine);
    const raise = runtime.initial(undefined).actions.find((a) => a.type === 'xstate.raise')!;
    expect((raise.params as { event: { type: string } }).event.type).toBe('xstate.after.slow.m.a');
    const fired = runtime.transition(runtime.initial(undefined).snapshot, { type: 'xstate.after.slow.m.a' } as never);
    expect(fired.snapshot.status).toBe('done');
  });
});

describe('XStateRuntime.persist', () => {
  it('matches xstate getPersistedSnapshot for a machine without children, history states included', () => {
    const withHistory = setup({}).createMachine({
      id: 'h',
      initial: 'work',
      states: {
        work: { initial: 'one', states: { one: { on: { NEXT: 'two' } }, two: {}, hist: { type: 'history' } }, on: { PAUSE: 'paused' } },
        paused: { on: { RESUME: 'work.hist' } },
      },
    });
    const runtime = new XStateRuntime(withHistory);
    let snapshot = runtime.initial(undefined).snapshot;
    for (const type of ['NEXT', 'PAUSE', 'RESUME', 'PAUSE']) {
      snapshot = runtime.transition(snapshot, { type }).snapshot;
      expect(JSON.parse(JSON.stringify(runtime.persist(snapshot)))).toEqual(JSON.parse(JSON.stringify(withHistory.getPersistedSnapshot(snapshot))));
    }
    const restored = runtime.restore(JSON.parse(JSON.stringify(runtime.persist(snapshot))));
    expect(runtime.transition(restored, { type: 'RESUME' }).snapshot.value).toEqual({ work: 'two' });
  });
});

describe('XStateRuntime.restore', () => {
  // A history state and parallel regions, so the restore has a value, history and tags to rebuild.
  const deep = setup({ types: {} as { context: { log: { at: number; note: string }[] }; events: { type: 'NOTE'; note: string } | { type: 'NEXT' } | { type: 'BACK' } } }).createMachine({
    id: 'deep',
    context: { log: [] },
    initial: 'work',
    states: {
      work: {
        type: 'parallel',
        states: {
          left: { initial: 'l1', states: { l1: { tags: ['busy'], on: { NEXT: 'l2' } }, l2: {} } },
          right: { initial: 'r1', states: { r1: {}, hist: { type: 'history', history: 'deep' } } },
        },
        on: { NOTE: { actions: assign({ log: ({ context, event }) => [...context.log, { at: context.log.length, note: event.note }] }) }, BACK: 'pause' },
      },
      pause: { on: { NEXT: 'work.right.hist' } },
    },
  });

  it('restores what XState restores (value, context, status, tags, history, what it accepts) without walking the context', () => {
    const runtime = new XStateRuntime(deep);
    let snapshot = runtime.initial(undefined, 0).snapshot;
    const events = [{ type: 'NOTE', note: '一' }, { type: 'NEXT' }, { type: 'NOTE', note: 'two' }, { type: 'BACK' }, { type: 'NEXT' }] as const;
    for (const event of events) {
      snapshot = runtime.transition(snapshot, event, 0).snapshot;
      const persisted = runtime.persist(snapshot);
      const ours = runtime.restore(JSON.parse(JSON.stringify(persisted)));
      const xstates = deep.restoreSnapshot(JSON.parse(JSON.stringify(persisted)) as never, (runtime as unknown as { scope: never }).scope);
      expect(ours.value).toEqual(xstates.value);
      expect(ours.context).toEqual(xstates.context);
      expect(ours.status).toBe(xstates.status);
      expect([...ours.tags]).toEqual([...xstates.tags]);
      expect(runtime.persist(ours)).toEqual(runtime.persist(xstates as never));
      for (const next of events) expect(ours.can(next)).toBe(xstates.can(next));
      // And the next step from either is the same.
      const note: { type: string } = { type: 'NOTE', note: 'x' } as { type: string };
      expect(runtime.transition(ours, note, 0).snapshot.context).toEqual(runtime.transition(xstates as never, note, 0).snapshot.context);
    }
  });
});
