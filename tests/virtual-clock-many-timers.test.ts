// Issue 12: 130k+ timers due at one instant made the virtual clock throw RangeError (the step's fired
// timers were spread into push()) after firing them, leaving it short of its target instant. A stub
// subscriber stands in for the engine (one engine commit per timer would make this test take minutes;
// the fault is the clock's own).
import { describe, expect, it } from 'vitest';
import { virtualClock, type ClockSubscriber, type FiredTimer } from '../src/index.js';

const START = Date.parse('2026-11-02T09:00:00+08:00');
const COUNT = 150_000;

function burst(dueAt: number, count: number): ClockSubscriber & { calls: number } {
  let pending = true;
  const subscriber = {
    calls: 0,
    nextDue: async () => (pending ? dueAt : undefined),
    fireDue: async (now: number): Promise<FiredTimer[]> => {
      subscriber.calls++;
      pending = false;
      return Array.from({ length: count }, (_, i) => ({ timerId: `t${i}`, instanceId: `i${i}`, name: 'due', dueAt, firedAt: now, lateMs: now - dueAt }));
    },
  };
  return subscriber;
}

describe('virtual clock with very many timers due at one instant', () => {
  it(`reports all ${COUNT} timers fired in one step and reaches its target instant`, async () => {
    const clock = virtualClock(START);
    const due = START + 60_000;
    const subscriber = burst(due, COUNT);
    clock.subscribe(subscriber);
    const target = START + 3_600_000;
    const fired = await clock.advanceTo(target);
    expect(fired).toHaveLength(COUNT);
    expect(fired[0]!.firedAt).toBe(due);
    expect(fired[COUNT - 1]!.timerId).toBe(`t${COUNT - 1}`);
    expect(subscriber.calls).toBe(1);
    expect(clock.now()).toBe(target);
    // The clock is usable afterwards: the next advance is not poisoned by the first.
    expect(await clock.advanceBy({ minutes: 1 })).toEqual([]);
    expect(clock.now()).toBe(target + 60_000);
  });
});
