import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { absolute, businessCalendar, duration, isDocketError, parseHolidaySchedule, quarterDay, workingDays, workingHours, type BusinessCalendar } from '../src/index.js';
import { resolveDeadline } from '../src/calendar/resolve-deadline.js';

// Regression: the calendar read dates before 0001-01-01 (year 0, negative years, from epoch ms or a
// Date) and after 9999-12-31 and answered for them: a deadline resolved from year -1, a working day
// of year 0, and quarterOf(an instant in year 10000) gave { year: 1000, quarter: 0 } (it read the
// year back out of '10000-06-15' by position). Every date input is now refused with INVALID_ARGUMENT
// saying the supported range, 0001-01-01 to 9999-12-31.

const RANGE = /0001-01-01 to 9999-12-31/;

/** Epoch ms of a UTC date in any year (Date.UTC maps years 0–99 to 1900–1999). */
function utc(year: number, month: number, day: number, hour = 12): number {
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour);
  return d.getTime();
}

/** 'none': every year is covered, so before the fix nothing stopped these dates. */
const open = businessCalendar({ zone: 'Asia/Shanghai', holidays: 'none' });
/** The default calendar (China's holidays, statutory estimate): it threw CALENDAR_YEAR_MISSING for some, answered for others. */
const cn = businessCalendar();

const YEAR_MINUS_1 = utc(-1, 6, 15);
const YEAR_0 = utc(0, 6, 15);
const YEAR_10000 = utc(10000, 6, 15);

function refusal(fn: () => unknown): Error & { code?: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a refusal, got an answer');
}

function expectRangeRefusal(fn: () => unknown): void {
  const e = refusal(fn);
  expect(isDocketError(e), String(e)).toBe(true);
  expect(e.code, e.message).toBe('INVALID_ARGUMENT');
  expect(e.message).toMatch(RANGE);
}

describe('dates outside 0001-01-01 … 9999-12-31 are refused at every calendar entry point, saying the range', () => {
  it('isWorkingDay', () => {
    expectRangeRefusal(() => open.isWorkingDay(YEAR_0));
    expectRangeRefusal(() => open.isWorkingDay('0000-06-15'));
    expectRangeRefusal(() => cn.isWorkingDay(YEAR_MINUS_1)); // was CALENDAR_YEAR_MISSING: a statement about data, not the input
  });
  it('nextWorkingDay and previousWorkingDay', () => {
    expectRangeRefusal(() => open.nextWorkingDay(YEAR_MINUS_1));
    expectRangeRefusal(() => open.previousWorkingDay(new Date(YEAR_10000)));
  });
  it('addWorkingDays (also with 0 days, which returned its input unread)', () => {
    expectRangeRefusal(() => open.addWorkingDays(YEAR_MINUS_1, 3));
    expectRangeRefusal(() => open.addWorkingDays(YEAR_10000, 0));
    expectRangeRefusal(() => open.addWorkingDays('0000-06-15T10:00', 1));
  });
  it('addWorkingDays walking past 9999-12-31 or before 0001-01-01', () => {
    expectRangeRefusal(() => open.addWorkingDays('9999-12-30', 5));
    expectRangeRefusal(() => open.addWorkingDays('0001-01-02', -5));
  });
  it('workingDaysBetween, either end', () => {
    expectRangeRefusal(() => open.workingDaysBetween(YEAR_0, '2026-01-01'));
    expectRangeRefusal(() => open.workingDaysBetween('9999-01-01', YEAR_10000));
  });
  it('addWorkingHours (also with 0 hours)', () => {
    expectRangeRefusal(() => open.addWorkingHours(YEAR_MINUS_1, 2));
    expectRangeRefusal(() => open.addWorkingHours(YEAR_10000, 0));
  });
  it('roll', () => {
    expectRangeRefusal(() => open.roll(YEAR_0, 'next'));
  });
  it('quarterOf: year 10000 was { year: 1000, quarter: 0 }', () => {
    expectRangeRefusal(() => open.quarterOf(YEAR_10000));
    expectRangeRefusal(() => open.quarterOf(YEAR_MINUS_1));
    // Read from the date's fields: the last supported day and the first.
    expect(open.quarterOf('9999-12-31')).toEqual({ year: 9999, quarter: 4 });
    expect(open.quarterOf('0001-01-01')).toEqual({ year: 1, quarter: 1 });
  });
  it('describeDay, daysInRange, toLocalDate', () => {
    expectRangeRefusal(() => open.describeDay(YEAR_0));
    expectRangeRefusal(() => open.daysInRange(YEAR_0, '0001-01-05'));
    expectRangeRefusal(() => open.toLocalDate(YEAR_10000)); // was '10000-06-15'
  });
  it('localInstant', () => {
    expectRangeRefusal(() => open.localInstant('0000-06-15', '09:00'));
  });
  it('resolve and resolveWithProvenance of a deadline rule, from an instant outside the range', () => {
    expectRangeRefusal(() => open.resolve(workingDays(1), YEAR_MINUS_1));
    expectRangeRefusal(() => open.resolve(duration({ days: 1 }), YEAR_10000));
    expectRangeRefusal(() => open.resolve(workingHours(4), YEAR_0));
    expectRangeRefusal(() => open.resolve(quarterDay({ quarter: { relative: 0 }, month: 1, day: 1 }), YEAR_10000));
    expectRangeRefusal(() => open.resolveWithProvenance(absolute('2026-10-08'), YEAR_MINUS_1));
    expectRangeRefusal(() => resolveDeadline(workingDays(2), YEAR_10000, open));
  });
  it('an absolute rule naming year 0 is refused when written (INVALID_DEADLINE_RULE, saying the range), not when armed', () => {
    for (const at of ['0000-06-15', '0000-06-15T10:00', '0000-06-15T10:00:00Z']) {
      const e = refusal(() => absolute(at));
      expect(isDocketError(e, 'INVALID_DEADLINE_RULE'), `${at}: ${String(e)}`).toBe(true);
      expect(e.message).toMatch(RANGE);
    }
    // An epoch-ms instant has no date until a calendar reads it in its zone: refused by resolve.
    expectRangeRefusal(() => open.resolve(absolute(YEAR_MINUS_1), Date.parse('2026-01-01T00:00:00Z')));
  });
  it('a holiday list date in year 0', () => {
    expectRangeRefusal(() => businessCalendar({ holidays: [{ years: [1], holidays: ['0000-12-31'] }] }));
    expect(() => parseHolidaySchedule(JSON.stringify({ year: 1, holidays: [{ date: '0000-12-31', name: 'x' }], workdays: [] }))).toThrow(expect.objectContaining({ name: 'DocketError' }));
  });
  it('the edges are read: 0001-01-01 00:00 and 9999-12-31 23:59 local', () => {
    expect(open.toLocalDate(open.localInstant('0001-01-01', '00:00'))).toBe('0001-01-01');
    expect(open.toLocalDate(open.localInstant('9999-12-31', '23:59'))).toBe('9999-12-31');
    expect(open.isWorkingDay('9999-12-31')).toBe(true); // a Friday
  });
});

// ---- the property: every entry point, any year outside 1..9999, the same typed refusal --------------

type Entry = readonly [string, (cal: BusinessCalendar, at: number | Date | string) => unknown];
const ENTRIES: readonly Entry[] = [
  ['isWorkingDay', (c, at) => c.isWorkingDay(at)],
  ['nextWorkingDay', (c, at) => c.nextWorkingDay(at)],
  ['previousWorkingDay', (c, at) => c.previousWorkingDay(at)],
  ['addWorkingDays', (c, at) => c.addWorkingDays(at, 2)],
  ['addWorkingDays 0', (c, at) => c.addWorkingDays(at, 0)],
  ['workingDaysBetween from', (c, at) => c.workingDaysBetween(at, '2026-01-01')],
  ['workingDaysBetween to', (c, at) => c.workingDaysBetween('2026-01-01', at)],
  ['addWorkingHours', (c, at) => c.addWorkingHours(at, 3)],
  ['roll', (c, at) => c.roll(at, 'previous')],
  ['quarterOf', (c, at) => c.quarterOf(at)],
  ['describeDay', (c, at) => c.describeDay(at)],
  ['daysInRange', (c, at) => c.daysInRange(at, at)],
  ['toLocalDate', (c, at) => c.toLocalDate(at)],
  ['resolve', (c, at) => c.resolve(workingDays(1), typeof at === 'number' ? at : typeof at === 'string' ? Number.NaN : at.getTime())],
  ['resolveWithProvenance', (c, at) => c.resolveWithProvenance(duration(1000), typeof at === 'number' ? at : typeof at === 'string' ? Number.NaN : at.getTime())],
];

describe('property: a year outside 1..9999 is refused by every entry point with INVALID_ARGUMENT, and nothing else', () => {
  it('epoch ms, Date and text inputs; calendars in several zones, with and without holiday data', () => {
    const calendars = [open, cn, businessCalendar({ zone: 'America/New_York', holidays: 'none' }), businessCalendar({ zone: 'Pacific/Kiritimati', holidays: 'none', onMissingYear: 'weekdays-with-warning', onWarning: () => {} })];
    const yearArb = fc.oneof(fc.integer({ min: -271_000, max: 0 }), fc.integer({ min: 10_000, max: 275_000 }), fc.constantFrom(0, -1, 10_000));
    const inputArb = fc
      .record({ year: yearArb, month: fc.integer({ min: 1, max: 12 }), day: fc.integer({ min: 1, max: 28 }), hour: fc.integer({ min: 0, max: 23 }), form: fc.constantFrom('ms', 'date', 'text') })
      // Not 10000-01-01 UTC: west of Greenwich that instant is still 9999-12-31, a date in range (the
      // calendar reads the local date, rightly; a full suite drew New York's 19:00 on 9999-12-31).
      .filter(({ year, month, day }) => !(year === 10_000 && month === 1 && day === 1))
      .map(({ year, month, day, hour, form }) => {
        const ms = utc(year, month, day, hour);
        if (form === 'date') return new Date(ms);
        // Text writes year 0 only ('YYYY-MM-DD'); other years as an ISO instant with an expanded year.
        if (form === 'text') return year === 0 ? `0000-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}` : new Date(ms).toISOString();
        return ms;
      });
    fc.assert(
      fc.property(fc.constantFrom(...calendars), fc.constantFrom(...ENTRIES), inputArb, (cal, [name, call], at) => {
        // resolve() takes epoch ms only; text has no instant for it.
        fc.pre(!(typeof at === 'string' && name.startsWith('resolve')));
        const e = refusal(() => call(cal, at));
        expect(isDocketError(e, 'INVALID_ARGUMENT'), `${name}(${String(at)}): ${String(e)}`).toBe(true);
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 400) },
    );
  });
});
