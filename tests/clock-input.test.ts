// Bad input to the clock: `advanceBy({ hours: NaN })` moved a virtual clock to NaN, where no timer is
// ever due again (NaN compares false), a misspelt `{ hour: 1 }` advanced by nothing, and
// `virtualClock(NaN)` / `advanceTo(Infinity)` were accepted. Each is now INVALID_ARGUMENT that leaves
// the clock where it was, and a pending timer still fires once, at its due instant.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, isDocketError, memoryStore, toInstant, virtualClock } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { fractionalWorkflow } from './fixtures/fractional-workflow.js';
import { checkWholeInstant, dueInstant, wholeInstantOf } from '../src/clock/whole-instant.js';

const START = Date.parse('2026-11-02T01:00:00Z');
const DAY = 86_400_000;

async function fieldOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
    return 'ok';
  } catch (error) {
    return isDocketError(error, 'INVALID_ARGUMENT') ? String(error.details.field) : `raw ${String(error)}`;
  }
}

describe('clock input', () => {
  it('refuses a duration that is not one, leaving the clock where it was', async () => {
    const clock = virtualClock(START);
    const cases: [unknown, string][] = [
      [{ hour: 1 }, 'duration.hour'],
      [{ years: 1 }, 'duration.years'],
      [{ hours: Number.NaN }, 'duration.hours'],
      [{ hours: Number.POSITIVE_INFINITY }, 'duration.hours'],
      [{ hours: '1' }, 'duration.hours'],
      [{ days: 1e300 }, 'duration'],
      [Number.NaN, 'duration'],
      [Number.POSITIVE_INFINITY, 'duration'],
      ['PT1H', 'duration'],
      [null, 'duration'],
      [[1], 'duration'],
      [Object.defineProperty({}, 'hours', { enumerable: true, get: () => { throw new Error('boom'); } }), 'duration.hours'],
    ];
    for (const [duration, field] of cases) {
      expect([duration, await fieldOf(clock.advanceBy(duration as never))]).toEqual([duration, field]);
      expect(clock.now()).toBe(START);
    }
    await clock.advanceBy({ hours: 1, minutes: 30 });
    expect(clock.now()).toBe(START + 5_400_000);
  });

  it('refuses an instant that is not one: NaN, Infinity, an invalid Date, an unparsable string (a raw TypeError before)', async () => {
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, -Number.MAX_VALUE, new Date('nope'), 'garbage', {}, null]) {
      expect(await fieldOf(() => virtualClock(bad as never))).toBe('instant');
      expect(await fieldOf(() => toInstant(bad as never))).toBe('instant');
    }
    const clock = virtualClock(START);
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 'garbage']) {
      expect(await fieldOf(clock.advanceTo(bad as never))).toBe('instant');
      expect(clock.now()).toBe(START);
    }
    // A NaN sleep ends at once, as on the system clock (it slept forever here).
    await clock.sleepUntil(Number.NaN);
  });

  it('reads a string instant only with its offset: without one Date.parse used the host time zone (and took prose)', async () => {
    for (const text of ['2026-11-02T09:00', '2026-11-02T09:00:00.000', '2026-11-02', 'November 2, 2026 09:00', '2026-11-02T09:00:00+99:00']) {
      expect([text, await fieldOf(() => virtualClock(text))]).toEqual([text, 'instant']);
      expect([text, await fieldOf(() => toInstant(text))]).toEqual([text, 'instant']);
    }
    for (const text of ['2026-11-02T09:00:00+08:00', '2026-11-02T01:00:00Z', '2026-11-02T01:00Z', '2026-11-02T09:00:00+0800', '2026-11-02T01:00:00.000z']) {
      expect([text, toInstant(text)]).toEqual([text, START]);
    }
  });

  it('a deadline armed at a fractional instant (a clock advanced by 0.5 ms) fires once, at that instant, and the clock moves on', async () => {
    const clock = virtualClock(START);
    const engine = createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow] });
    await clock.advanceBy({ milliseconds: 0.5 });
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    const due = (await engine.get(id)).timers[0]!.dueAt;
    // A claim floored to the whole millisecond never took a timer due at x.5: the clock stepped to it forever.
    const fired = await clock.advanceBy({ days: 4 });
    expect(fired.map((f) => [f.instanceId, f.dueAt, f.firedAt])).toEqual([[id, due, due]]);
    expect((await engine.get(id)).state).toBe('escalated');
    await engine.close();
  });

  it('property: after any advance, accepted or refused, the clock is finite and a pending deadline fires once, at its instant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.oneof(fc.anything(), fc.record({ hours: fc.double() }), fc.record({ minutes: fc.integer({ min: 0, max: 120 }) }), fc.double()), { maxLength: 5 }), async (durations) => {
        const clock = virtualClock(START);
        const engine = createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow] });
        const id = await engine.start('review', { title: 't' }, { actor: staff });
        await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
        const due = (await engine.get(id)).timers[0]!.dueAt;
        for (const duration of durations) {
          const before = clock.now();
          const outcome = await clock.advanceBy(duration as never).then(
            () => 'ok',
            (e: unknown) => (isDocketError(e, 'INVALID_ARGUMENT') ? 'refused' : `raw ${String(e)}`),
          );
          expect(outcome).not.toMatch(/^raw/);
          expect(Number.isFinite(clock.now())).toBe(true);
          if (outcome === 'refused') expect(clock.now()).toBe(before);
        }
        await clock.advanceTo(Math.min(Math.max(clock.now(), due) + DAY, 8.64e15));
        const history = await engine.history(id);
        const timerEntries = history.filter((h) => h.event.type.startsWith('docket.timer.'));
        // Once, at its due instant (the virtual clock steps to each due instant), whatever came before.
        expect(timerEntries.map((h) => h.at)).toEqual([due]);
        await engine.close();
      }),
      { numRuns: 200 },
    );
  });
});

describe('the one rule for instants (whole-instant.ts)', () => {
  it('a clock that reads NaN or past the range of a Date is INVALID_ARGUMENT (field "clock") that changes nothing; a delay of NaN is MACHINE_ERROR', async () => {
    let reading = START;
    const base = virtualClock(START);
    const clock = { ...base, now: () => reading };
    const engine = createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow, fractionalWorkflow] });
    const id = await engine.start('review', { title: 't' }, { actor: staff });
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, 9e15]) {
      reading = bad;
      expect(await fieldOf(engine.send(id, { type: 'SUBMIT' }, { actor: staff }))).toBe('clock');
    }
    reading = START;
    expect((await engine.get(id)).revision).toBe(1);
    const error = await engine.start('fractional', { delay: Number.MAX_VALUE }, { actor: staff }).catch((e: unknown) => e);
    expect(isDocketError(error, 'MACHINE_ERROR')).toBe(true);
    await engine.close();
  });

  it('property: checkWholeInstant takes exactly the safe integers, and wholeInstantOf floors any finite reading a Date can hold', () => {
    fc.assert(
      fc.property(fc.oneof(fc.double(), fc.integer(), fc.constantFrom(2 ** 53, -(2 ** 53), 0.5, -0.5)), (value) => {
        const taken = (() => {
          try {
            return checkWholeInstant(value, 'x', 'A test');
          } catch (error) {
            return isDocketError(error, 'INVALID_ARGUMENT') && error.details.field === 'x' ? 'refused' : 'raw';
          }
        })();
        expect(taken).toBe(Number.isSafeInteger(value) ? value : 'refused');
        if (Number.isFinite(value) && Math.abs(value) <= 8.64e15) {
          const whole = wholeInstantOf(value);
          expect([value, Number.isSafeInteger(whole) && whole <= value && whole + 1 > value]).toEqual([value, true]);
        }
      }),
    );
  });
  it('a delay smaller than the spacing of doubles at the instant still makes the timer due a whole millisecond later (it was due at once)', async () => {
    // 1_790_000_000_000 + 0.0001 is 1_790_000_000_000 in floating point: Math.ceil of the sum gave the
    // arming instant itself, a timer due before its delay had passed.
    expect(dueInstant(1_790_000_000_000, 0.0001)).toBe(1_790_000_000_001);
    expect(dueInstant(10 ** 15, 0.01)).toBe(10 ** 15 + 1);
    expect(dueInstant(START, 0)).toBe(START);
    expect(Object.is(dueInstant(0, -0.5), 0)).toBe(true);
    const clock = virtualClock(START);
    const engine = createEngine({ store: memoryStore(), clock, workflows: [fractionalWorkflow] });
    const id = await engine.start('fractional', { delay: 0.0001 }, { actor: staff });
    expect((await engine.get(id)).timers.map((t) => t.dueAt)).toEqual([START + 1]);
    expect((await clock.advanceTo(START)).length).toBe(0);
    expect((await engine.get(id)).state).toBe('waiting');
    await engine.close();
  });

  it('a delay whose due instant passes the range of a Date (about the year 275,760) is MACHINE_ERROR with nothing written: a store kept it up to 2^53 ms, but no clock reaches it, so the timer never fired and its due date threw when shown', async () => {
    const LIMIT = 8.64e15;
    expect(dueInstant(LIMIT - 10, 10)).toBe(LIMIT);
    expect(dueInstant(LIMIT - 10, 11)).toBeUndefined();
    expect(dueInstant(LIMIT - 10, 10.5)).toBeUndefined();
    expect(dueInstant(-LIMIT, -1)).toBeUndefined();
    const store = memoryStore();
    const clock = virtualClock(START);
    const engine = createEngine({ store, clock, workflows: [fractionalWorkflow] });
    for (const delay of [LIMIT - START + 1, 2 ** 53 - START, LIMIT]) {
      const error = await engine.start('fractional', { delay }, { actor: staff, id: `far-${delay}` }).catch((e: unknown) => e);
      expect([isDocketError(error, 'MACHINE_ERROR'), await store.load(`far-${delay}`)]).toEqual([true, undefined]);
    }
    // The last reachable instant is still taken, and fires there.
    const id = await engine.start('fractional', { delay: LIMIT - START }, { actor: staff });
    expect((await engine.get(id)).timers.map((t) => t.dueAt)).toEqual([LIMIT]);
    await clock.advanceTo(LIMIT);
    expect((await engine.get(id)).state).toBe('late');
    await engine.close();
  });

  it('property: a due instant is the first whole millisecond at or after from + delay, exactly', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -8.64e15, max: 8.64e15 }),
        fc.oneof(fc.double({ min: -1e6, max: 1e6, noNaN: true }), fc.double({ min: 0, max: 1e-3, noNaN: true }), fc.integer({ min: -1e9, max: 1e9 })),
        (from, delay) => {
          const due = dueInstant(from, delay);
          if (due === undefined) {
            // Refused only past what a clock reaches: the exact first whole ms passes ±8.64e15.
            expect(Math.abs(from + Math.ceil(delay))).toBeGreaterThan(8.64e15);
            return;
          }
          expect(Math.abs(due)).toBeLessThanOrEqual(8.64e15);
          // due - from is exact (two safe integers); compared with the delay as given, not a rounded sum.
          const step = due - from;
          expect([Number.isSafeInteger(due), step >= delay, step - 1 < delay]).toEqual([true, true, true]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
