import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { absolute, quarterDay, workingDays } from '../src/index.js';

// The builders add `time` and `roll` to their own fresh rule instead of spreading it into a copy
// (a machine builds a rule each time it arms a deadline). What they return must not change: the
// same keys in the same order (kind, the rule's own fields, then time, then roll), frozen, with
// no key for an option left out.
const time = fc.constantFrom('09:00', '10:00', '18:00', '24:00', '00:00');
const roll = fc.constantFrom('previous' as const, 'next' as const, 'none' as const);
const options = fc.record({ time, roll }, { requiredKeys: [] });

function expected(base: Record<string, unknown>, opts: { time?: string; roll?: string } | undefined) {
  return { ...base, ...(opts?.time === undefined ? {} : { time: opts.time }), ...(opts?.roll === undefined ? {} : { roll: opts.roll }) };
}

describe('deadline rule builders keep their shape', () => {
  it('workingDays(3, { roll: "next" }) has kind, days, roll in that order, and no time key', () => {
    const rule = workingDays(3, { roll: 'next' });
    expect(Object.keys(rule)).toEqual(['kind', 'days', 'roll']);
    expect(Object.isFrozen(rule)).toBe(true);
  });

  it('quarterDay with time and roll lists them after the day, time first', () => {
    const rule = quarterDay({ roll: 'previous', time: '18:00', day: 20, month: 2, quarter: { relative: 1 } });
    expect(Object.keys(rule)).toEqual(['kind', 'quarter', 'month', 'day', 'time', 'roll']);
    expect(rule).toEqual({ kind: 'quarterDay', quarter: { relative: 1 }, month: 2, day: 20, time: '18:00', roll: 'previous' });
  });

  it('the options object passed in is neither kept nor changed', () => {
    const opts = { time: '10:00' };
    const rule = absolute('2026-12-20', opts);
    expect(opts).toEqual({ time: '10:00' });
    expect(Object.isFrozen(opts)).toBe(false);
    expect(rule).not.toBe(opts);
  });

  it('property: each builder returns what spreading the options gave, key order included', () => {
    fc.assert(
      fc.property(fc.integer({ min: -500, max: 500 }), fc.option(options, { nil: undefined }), fc.constantFrom(1, 2, 3), fc.integer({ min: 1, max: 28 }), (days, opts, month, day) => {
        const wd = workingDays(days, opts);
        expect(Object.keys(wd)).toEqual(Object.keys(expected({ kind: 'workingDays', days }, opts)));
        expect(wd).toEqual(expected({ kind: 'workingDays', days }, opts));
        const ab = absolute('2027-01-04', opts);
        expect(Object.entries(ab)).toEqual(Object.entries(expected({ kind: 'absolute', at: '2027-01-04' }, opts)));
        const qd = quarterDay({ quarter: { year: 2027, quarter: 1 }, month: month as 1 | 2 | 3, day, ...opts });
        expect(Object.entries(qd)).toEqual(Object.entries(expected({ kind: 'quarterDay', quarter: { year: 2027, quarter: 1 }, month, day }, opts)));
        for (const rule of [wd, ab, qd]) expect(Object.isFrozen(rule)).toBe(true);
      }),
      { numRuns: 200 },
    );
  });
});
