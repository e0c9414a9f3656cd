import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar } from '../src/index.js';
import { dayOrdinalOf, formatDayOrdinal } from '../src/calendar/local-date.js';

const cal = businessCalendar(); // Asia/Shanghai, China 2004–2026

// Dates well inside the shipped years so that ±n working days stays inside them.
const FIRST = dayOrdinalOf(2006, 1, 1);
const LAST = dayOrdinalOf(2024, 12, 31);
const dateArb = fc.integer({ min: FIRST, max: LAST }).map(formatDayOrdinal);
const timeArb = fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.integer({ min: 0, max: 59 }) }).map(
  ({ h, m }) => `${String(h).padStart(2, '0')}:${String(m).padStart(2, '0')}`,
);
const nArb = fc.integer({ min: -400, max: 400 });

describe('working-day properties (China calendar, 2006–2024)', () => {
  it('addWorkingDays(addWorkingDays(d, n), -n) returns to d for a working day d, keeping the time of day', () => {
    fc.assert(
      fc.property(dateArb, timeArb, nArb, (date, time, n) => {
        const d = cal.localInstant(date, time);
        fc.pre(cal.isWorkingDay(d));
        expect(cal.addWorkingDays(cal.addWorkingDays(d, n), -n)).toBe(d);
      }),
      { numRuns: 500 },
    );
  });

  it('results never land on a non-working day, and keep the local time of day', () => {
    fc.assert(
      fc.property(dateArb, timeArb, nArb.filter((n) => n !== 0), (date, time, n) => {
        const d = cal.localInstant(date, time);
        const r = cal.addWorkingDays(d, n);
        expect(cal.isWorkingDay(r)).toBe(true);
        expect(cal.describeDay(r).working).toBe(true);
        expect(r - cal.localInstant(cal.toLocalDate(r))).toBe(d - cal.localInstant(date));
        expect(cal.isWorkingDay(cal.nextWorkingDay(d))).toBe(true);
        expect(cal.isWorkingDay(cal.previousWorkingDay(d))).toBe(true);
        expect(n > 0 ? r > d : r < d).toBe(true);
      }),
      { numRuns: 500 },
    );
  });

  it('workingDaysBetween(a, b) equals the number of nextWorkingDay steps from a that stay on or before b', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 0, max: 60 }), (date, span) => {
        const a = cal.localInstant(date);
        const b = cal.localInstant(formatDayOrdinal(dayOrdinalOf(+date.slice(0, 4), +date.slice(5, 7), +date.slice(8)) + span));
        let steps = 0;
        for (let x = cal.nextWorkingDay(a); x <= b; x = cal.nextWorkingDay(x)) steps++;
        expect(cal.workingDaysBetween(a, b)).toBe(steps);
        expect(cal.workingDaysBetween(b, a)).toBe(0 - steps);
      }),
      { numRuns: 300 },
    );
  });

  it('workingDaysBetween(d, addWorkingDays(d, n)) === n, from any day for n ≥ 0 and from working days for n < 0', () => {
    fc.assert(
      fc.property(dateArb, nArb, (date, n) => {
        // From a day off d, going back |n| working days to e leaves only |n| - 1 working days in (e, d].
        fc.pre(n >= 0 || cal.isWorkingDay(date));
        expect(cal.workingDaysBetween(date, cal.addWorkingDays(date, n))).toBe(n);
      }),
      { numRuns: 500 },
    );
  });

  it('the fast addWorkingDays agrees with a day-by-day walk', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: -40, max: 40 }), (date, n) => {
        let x = cal.localInstant(date);
        for (let i = 0; i < Math.abs(n); i++) x = n > 0 ? cal.nextWorkingDay(x) : cal.previousWorkingDay(x);
        // nextWorkingDay is addWorkingDays(·, 1); walk it with plain day steps instead:
        let day = dayOrdinalOf(+date.slice(0, 4), +date.slice(5, 7), +date.slice(8));
        for (let left = Math.abs(n); left > 0; ) {
          day += Math.sign(n);
          if (cal.isWorkingDay(formatDayOrdinal(day))) left--;
        }
        expect(cal.toLocalDate(cal.addWorkingDays(date, n))).toBe(formatDayOrdinal(day));
        expect(cal.addWorkingDays(date, n)).toBe(x);
      }),
      { numRuns: 300 },
    );
  });

  it('addWorkingHours stays inside 09:00–18:00 on working days and inverts with negative hours', () => {
    fc.assert(
      fc.property(dateArb, fc.integer({ min: 9 * 4, max: 18 * 4 - 1 }), fc.integer({ min: 1, max: 200 }), (date, quarterHours, hours) => {
        const start = cal.localInstant(date, `${String(Math.floor(quarterHours / 4)).padStart(2, '0')}:${String((quarterHours % 4) * 15).padStart(2, '0')}`);
        fc.pre(cal.isWorkingDay(start));
        const end = cal.addWorkingHours(start, hours);
        expect(cal.isWorkingDay(end)).toBe(true);
        const tod = end - cal.localInstant(cal.toLocalDate(end));
        expect(tod).toBeGreaterThanOrEqual(9 * 3_600_000);
        expect(tod).toBeLessThanOrEqual(18 * 3_600_000);
        expect(cal.addWorkingHours(end, -hours)).toBe(start);
      }),
      { numRuns: 300 },
    );
  });
});
