// An engine's per-timer backoff and per-effect hand-back counts are removed when this engine finishes
// the item; an item another engine finished (a rolling deploy's newer process fired the timer) left
// its entry for ever, so a long-running engine's bookkeeping only grew. setNewest keeps the newest
// `max` entries; a dropped one only starts its item's backoff again.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setNewest } from '../src/engine/bounded-map.js';
import { BACKOFF_MAX } from '../src/engine/timer-delivery.js';

describe('setNewest: an insertion-ordered map kept to its newest entries', () => {
  it('the oldest entry is dropped past the bound; setting a key again makes it the newest', () => {
    const map = new Map<string, number>();
    setNewest(map, 'a', 1, 2);
    setNewest(map, 'b', 1, 2);
    setNewest(map, 'a', 2, 2); // a is now newer than b
    setNewest(map, 'c', 1, 2);
    expect([...map.entries()]).toEqual([
      ['a', 2],
      ['c', 1],
    ]);
  });

  it("the timer backoff's bound is a number a long-running engine can hold (10,000 entries)", () => {
    expect(BACKOFF_MAX).toBe(10_000);
    const map = new Map<string, { failures: number }>();
    for (let i = 0; i < BACKOFF_MAX + 500; i++) setNewest(map, `timer-${i}`, { failures: 1 }, BACKOFF_MAX);
    expect(map.size).toBe(BACKOFF_MAX);
    expect(map.has('timer-0')).toBe(false);
    expect(map.has(`timer-${BACKOFF_MAX + 499}`)).toBe(true);
  });

  it('property: for any sequence of sets, the map holds the last `max` distinct keys set, each with its last value', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 20 }), fc.integer()), { maxLength: 60 }), fc.integer({ min: 1, max: 8 }), (sets, max) => {
        const map = new Map<number, number>();
        for (const [k, v] of sets) setNewest(map, k, v, max);
        const lastOf = new Map<number, number>();
        const order: number[] = [];
        for (const [k, v] of sets) {
          lastOf.set(k, v);
          const at = order.indexOf(k);
          if (at >= 0) order.splice(at, 1);
          order.push(k);
        }
        const expected = order.slice(-max).map((k) => [k, lastOf.get(k)!]);
        expect([...map.entries()]).toEqual(expected);
      }),
      { numRuns: 300 },
    );
  });
});
