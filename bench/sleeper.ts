// The workflow the timer benches fire (workloads 3 and 5): each instance sleeps until its own
// absolute instant (`input.at`, ms since the epoch), then ends.
import { createActor, setup } from 'xstate';
import { z } from 'zod';
import { createEngine, defineWorkflow, memoryStore, virtualClock } from '../src/index.js';
import { FakeXStateClock } from './real-machines.js';

export const sleeper = defineWorkflow({
  id: 'sleeper',
  version: 1,
  machine: setup({ types: {} as { input: { at: number }; context: { at: number } } }).createMachine({
    id: 'sleeper',
    context: ({ input }) => ({ at: input.at }),
    initial: 'sleeping',
    states: { sleeping: { after: { wake: 'done' } }, done: { type: 'final' } },
  }),
  input: z.object({ at: z.number() }),
  events: {},
  deadlines: { wake: ({ context }) => ({ kind: 'absolute', at: context.at }) },
});

/** Workload 5's quarter: timers are spread over 90 days from 1 January 2027 (Beijing). */
export const QUARTER_START = Date.parse('2027-01-01T00:00:00+08:00');
export const QUARTER_MS = 90 * 86_400_000;
/** The due instant of sleeper `i` of `t`, spread evenly across the quarter. */
export const dueOf = (i: number, t: number): number => QUARTER_START + Math.floor((i * QUARTER_MS) / t);

/**
 * The raw XState twin of `t` sleepers (workload 5's baseline): `t` actors of the same machine with
 * the same deadline, fired in due order from a fake clock. Returns how many fired and the ms taken
 * by the firing alone.
 */
export function rawSleepers(t: number): { readonly fired: number; readonly ms: number } {
  const time = { now: QUARTER_START - 1000 };
  const machine = sleeper.machine.provide({ delays: { wake: ({ context }: { context: { at: number } }) => Math.max(0, context.at - time.now) } } as never);
  const clocks: FakeXStateClock[] = [];
  for (let i = 0; i < t; i++) {
    const c = new FakeXStateClock(time);
    createActor(machine, { input: { at: dueOf(i, t) }, clock: c }).start();
    clocks.push(c);
  }
  const t0 = performance.now();
  let fired = 0;
  for (const c of clocks) {
    const due = c.nextDue()!;
    time.now = due;
    fired += c.fireDue(due);
  }
  return { fired, ms: performance.now() - t0 };
}

/**
 * Workload 5 through the engine: `t` sleepers due across the quarter on the memory store, fired by
 * one virtual-clock advance. Returns how many fired and the ms taken by the firing alone.
 */
export async function engineSleepers(t: number, workerId = 'bench'): Promise<{ readonly fired: number; readonly ms: number }> {
  const clock = virtualClock(QUARTER_START - 1000);
  const engine = createEngine({ store: memoryStore(), clock, workflows: [sleeper], workerId });
  for (let i = 0; i < t; i++) await engine.start('sleeper', { at: dueOf(i, t) }, { actor: { id: 'bench', roles: ['user'] } });
  let fired = 0;
  engine.on('timer.fired', () => void fired++);
  const t0 = performance.now();
  await clock.advanceTo(QUARTER_START + QUARTER_MS);
  const ms = performance.now() - t0;
  await engine.close();
  return { fired, ms };
}
