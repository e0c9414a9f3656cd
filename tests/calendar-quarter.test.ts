import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  businessCalendar,
  compareQuarters,
  formatQuarter,
  isDocketError,
  parseQuarter,
  quarterDay,
  quarterMonth,
  shiftQuarter,
} from '../src/index.js';

const cal = businessCalendar(); // Asia/Shanghai, China 2004–2026
const q4of2026 = { year: 2026, quarter: 4 } as const;
const at = (date: string, time = '23:59:59.999') => Date.parse(`${date}T${time}+08:00`);

// An illustrative 2027 schedule a company would add once the State Council announces it
// (NOT the official one: it is not published yet as of chinese-days 1.5.7).
const cal2027 = businessCalendar({
  holidays: ['CN', { years: [2027], holidays: [{ from: '2027-01-01', to: '2027-01-03', name: '元旦' }, { from: '2027-02-06', to: '2027-02-12', name: '春节' }], workdays: ['2027-02-13'] }],
});

describe('quarter arithmetic', () => {
  it('quarterOf, shiftQuarter, quarterMonth and quarterDates', () => {
    expect(cal.quarterOf('2026-11-15')).toEqual(q4of2026);
    expect(cal.quarterOf('2026-10-01')).toEqual(q4of2026);
    expect(cal.quarterOf('2026-09-30')).toEqual({ year: 2026, quarter: 3 });
    expect(shiftQuarter(q4of2026, 1)).toEqual({ year: 2027, quarter: 1 });
    expect(shiftQuarter(q4of2026, -4)).toEqual({ year: 2025, quarter: 4 });
    expect(shiftQuarter({ year: 2027, quarter: 1 }, -1)).toEqual(q4of2026);
    expect(shiftQuarter({ year: 2027, quarter: 1 }, -5)).toEqual({ year: 2025, quarter: 4 });
    // The month before the plan's quarter (2027 Q1) is December 2026.
    expect(quarterMonth({ year: 2027, quarter: 1 }, 0)).toEqual({ year: 2026, month: 12 });
    expect(quarterMonth({ year: 2027, quarter: 1 }, 2)).toEqual({ year: 2027, month: 2 });
    expect(cal.quarterDates(q4of2026)).toEqual({ first: '2026-10-01', last: '2026-12-31' });
    expect(cal.quarterDates({ year: 2028, quarter: 1 })).toEqual({ first: '2028-01-01', last: '2028-03-31' });
    expect(compareQuarters(q4of2026, { year: 2027, quarter: 1 })).toBeLessThan(0);
    expect(formatQuarter(q4of2026)).toBe('2026-Q4');
    expect(parseQuarter('2027-Q1')).toEqual({ year: 2027, quarter: 1 });
    expect(() => parseQuarter('2027-Q5')).toThrow(/Invalid quarter/);
  });

  it('M1 D1 of 2026 Q4 is 1 October (a holiday) and rolls next to Thursday 8 October, the first working day after National Day', () => {
    expect(cal.quarterDay({ quarter: q4of2026, month: 1, day: 1 })).toBe(at('2026-10-01'));
    expect(cal.quarterDay({ quarter: q4of2026, month: 1, day: 1, roll: 'next' })).toBe(at('2026-10-08'));
    expect(cal.describeDay('2026-10-08')).toMatchObject({ weekday: 4, working: true, kind: 'workday' });
    // Rolling back instead lands on Wednesday 30 September.
    expect(cal.quarterDay({ quarter: q4of2026, month: 1, day: 1, roll: 'previous', time: '18:00' })).toBe(at('2026-09-30', '18:00'));
  });

  it('M3 D20 of 2026 Q4 is Sunday 20 December and rolls previous to Friday 18 December', () => {
    expect(cal.describeDay('2026-12-20').weekday).toBe(7);
    expect(cal.quarterDay({ quarter: q4of2026, month: 3, day: 20, roll: 'previous' })).toBe(at('2026-12-18'));
    expect(cal.quarterDay({ quarter: q4of2026, month: 3, day: 20, roll: 'none' })).toBe(at('2026-12-20'));
    expect(cal.quarterDay({ quarter: q4of2026, month: 3, day: 20, roll: 'next', time: '09:00' })).toBe(at('2026-12-21', '09:00'));
  });

  it("day 'last' is the month's last day, leap years included", () => {
    expect(cal.quarterDay({ quarter: { year: 2024, quarter: 1 }, month: 2, day: 'last' })).toBe(at('2024-02-29'));
    expect(cal.quarterDay({ quarter: { year: 2026, quarter: 1 }, month: 2, day: 'last' })).toBe(at('2026-02-28'));
    expect(cal.quarterDay({ quarter: q4of2026, month: 3, day: 'last', time: '18:00' })).toBe(at('2026-12-31', '18:00'));
    // 31 May 2026 is a Sunday: rolls back to Friday 29 May.
    expect(cal.quarterDay({ quarter: { year: 2026, quarter: 2 }, month: 2, day: 'last', roll: 'previous' })).toBe(at('2026-05-29'));
    expect(() => cal.quarterDay({ quarter: { year: 2026, quarter: 1 }, month: 2, day: 30 })).toThrow(/does not exist/);
  });

  it('2027 Q1 planning done during 2026 Q4: deadlines relative to the quarter of the entry instant', () => {
    const entered = cal.localInstant('2026-11-16', '10:00'); // in 2026 Q4
    const plan = shiftQuarter(cal.quarterOf(entered), 1);
    expect(plan).toEqual({ year: 2027, quarter: 1 });
    // "Submit the plan by M3 D20 of this quarter (the quarter before the plan's), rolling back": Friday 18 Dec 2026.
    const submit = quarterDay({ quarter: { relative: 0 }, month: 3, day: 20, time: '18:00', roll: 'previous' });
    expect(cal.resolve(submit, entered)).toBe(at('2026-12-18', '18:00'));
    // "Review by M2 D20 of next quarter" needs 2027: with onMissingYear 'throw' the calendar refuses to guess.
    const review = quarterDay({ quarter: { relative: 1 }, month: 2, day: 20, roll: 'previous' });
    let error: unknown;
    try {
      businessCalendar({ onMissingYear: 'throw' }).resolve(review, entered);
    } catch (e) {
      error = e;
    }
    expect(isDocketError(error, 'CALENDAR_YEAR_MISSING')).toBe(true);
    // With 2027 added, Saturday 20 Feb 2027 rolls back to Friday 19 Feb 2027.
    expect(cal2027.describeDay('2027-02-20').weekday).toBe(6);
    expect(cal2027.resolve(review, entered)).toBe(at('2027-02-19'));
    // Same rule as an absolute quarter gives the same instant.
    expect(cal2027.resolve(quarterDay({ quarter: plan, month: 2, day: 20, roll: 'previous' }), entered)).toBe(at('2027-02-19'));
  });

  it('relative quarters cross year boundaries backwards too', () => {
    const entered = cal.localInstant('2026-02-10', '10:00'); // 2026 Q1
    // M3 'last' of the previous quarter: 31 Dec 2025 (Wednesday).
    expect(cal.resolve(quarterDay({ quarter: { relative: -1 }, month: 3, day: 'last' }), entered)).toBe(at('2025-12-31'));
  });
});

describe('quarter helpers stay inside the years a quarter may name (regression)', () => {
  it('shiftQuarter and quarterMonth refuse a result outside 1–9999; compareQuarters and formatQuarter refuse a malformed quarter', () => {
    // Before: shiftQuarter({ year: 1, quarter: 1 }, -5) was { year: -1, quarter: 0 }; formatQuarter({ year: 2027.5, … }) '2027.5-Q1'.
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 9999 }), fc.constantFrom(1, 2, 3, 4), fc.oneof(fc.integer({ min: -50_000, max: 50_000 }), fc.constantFrom(1e20, -1e20)), (year, quarter, n) => {
        const q = { year, quarter: quarter as 1 | 2 | 3 | 4 };
        const index = year * 4 + quarter - 1 + n;
        if (index < 4 || index >= 40_000) {
          expect(() => shiftQuarter(q, n)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
        } else {
          const shifted = shiftQuarter(q, n);
          expect(compareQuarters(shifted, q)).toBe(n);
          expect(parseQuarter(formatQuarter(shifted))).toEqual(shifted);
        }
      }),
      { numRuns: 500 },
    );
    expect(() => quarterMonth({ year: 1, quarter: 1 }, -1)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(quarterMonth({ year: 1, quarter: 1 }, 1)).toEqual({ year: 1, month: 1 });
    expect(() => formatQuarter({ year: 2027.5, quarter: 1 } as never)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => compareQuarters({ year: 2027, quarter: 5 } as never, { year: 2027, quarter: 1 })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
