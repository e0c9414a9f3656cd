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
