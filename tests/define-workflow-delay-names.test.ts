// XState keys an `after` timer `xstate.after.<delay>.<state id>`, and the state id has dots of its own,
// so Docket reads the delay's name up to the next dot (a numeric one with its fraction). A delay named
// `review.due` was recorded as `review` (its record's name, `docket.timer.review` in history), and its
// deadline rule and label were looked up by that name and not found. defineWorkflow refuses a delay
// whose name would not read back as itself, naming the state and the delay; every name that does
// (numbers with a fraction, Chinese names, a state id of its own with digits) is kept.
import fc from 'fast-check';
import { setup, type AnyStateMachine } from 'xstate';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createEngine, defineWorkflow, memoryStore, virtualClock } from '../src/index.js';
import { timerNameOf } from '../src/engine/timer-owner.js';

function machineWith(delay: string | number, options: { machineId?: string; stateId?: string } = {}): AnyStateMachine {
  const named = typeof delay === 'string' && !/^-?\d+(\.\d+)?$/.test(delay);
  return setup({ delays: named ? { [delay]: 60_000 } : {} }).createMachine({
    id: options.machineId ?? 'm',
    initial: '等待',
    states: {
      等待: { ...(options.stateId ? { id: options.stateId } : {}), after: { [delay]: 'done' } },
      done: { type: 'final' },
    },
  } as never) as unknown as AnyStateMachine;
}

const define = (machine: AnyStateMachine) => () => defineWorkflow({ id: 'w', version: 1, machine, input: z.object({}), events: {} });

describe('defineWorkflow refuses an after delay its timer key cannot name', () => {
  it.each(['review.due', 'a.b.c', '1.5.2', '-1.5'])('refuses the delay %j naming the state and the delay', (delay) => {
    // A DocketError naming the machine, the state and the delay (a TypeError without a code before).
    expect(define(machineWith(delay))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', details: expect.objectContaining({ field: 'definition.machine', state: '等待', delay }) }));
    expect(define(machineWith(delay))).toThrow(new RegExp(`the delay "${delay.replace(/\./g, '\\.')}" of state "等待"`));
  });

  it.each([
    ['reviewDue', {}],
    ['审核期限', {}],
    [1.5, {}],
    [0.25, {}],
    [3_600_000, {}],
    ['xstate', {}],
    ['late', { stateId: 'step2' }],
    ['after1', { stateId: 'xstate.after.1.m' }],
  ] as const)('keeps the delay %j (%j)', (delay, options) => {
    expect(define(machineWith(delay, options))).not.toThrow();
  });

  it('a kept delay of a state with an id of its own is recorded and fired under its own name and state', async () => {
    const workflow = defineWorkflow({ id: 'w', version: 1, machine: machineWith('reviewDue', { stateId: 'step2' }), input: z.object({}), events: {} });
    const clock = virtualClock(Date.parse('2027-01-04T09:00:00+08:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [workflow] });
    const id = await engine.start('w', {}, { actor: { id: 'a', roles: [] } });
    expect((await engine.get(id)).timers.map((t) => [t.name, t.state])).toEqual([['reviewDue', '等待']]);
    const fired: [string, string | null][] = [];
    engine.on('timer.fired', (f) => void fired.push([f.name, f.state]));
    await clock.advanceTo(clock.now() + 60_000);
    expect(fired).toEqual([['reviewDue', '等待']]);
    await engine.close();
  });

  it('property: a delay is refused exactly when its timer key reads back another name', () => {
    const part = fc.stringMatching(/^[a-z审核0-9]{1,4}$/);
    const delay = fc.oneof(
      fc.array(part, { minLength: 1, maxLength: 3 }).map((parts) => parts.join('.')),
      fc.double({ min: 0, max: 1e7, noNaN: true }),
      fc.nat({ max: 1e7 }),
    );
    fc.assert(
      fc.property(delay, fc.constantFrom('m', 'x9'), (d, machineId) => {
        const readsBack = timerNameOf(`xstate.after.${String(d)}.${machineId}.等待`) === String(d);
        const attempt = define(machineWith(d, { machineId }));
        if (readsBack) expect(attempt).not.toThrow();
        else expect(attempt).toThrow(/cannot be named by its timer/);
      }),
      { numRuns: 300 },
    );
  });
});
