import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, compareQuarters, formatQuarter, isDocketError, parseQuarter, quarterMonth, shiftQuarter, workingDays, type QuarterRef } from '../src/index.js';

// Regression: the calendar's refusals of a bad argument named no argument (`details.field` was
// undefined, except where the plain-input copy refused a Proxy or a getter): a caller showing a form
// could not tell `at` from `days`, or `from` from `to`. Each refusal now names the argument the
// method calls it (the names in METHOD_ARGUMENTS, src/calendar/business-calendar.ts), or the option.

const cal = businessCalendar();
const AT = Date.parse('2026-10-08T09:00:00+08:00');
const Q: QuarterRef = { year: 2027, quarter: 1 };

function fieldOf(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    if (!isDocketError(error)) throw error;
    return error.details.field;
  }
  throw new Error('expected a refusal');
}

describe('a calendar method names the argument it refuses (details.field)', () => {
  it('hasYear(year), yearCoverage(year)', () => {
    expect(fieldOf(() => cal.hasYear('2026' as never))).toBe('year');
    expect(fieldOf(() => cal.yearCoverage(2026.5))).toBe('year');
  });
  it('isWorkingDay(at)', () => expect(fieldOf(() => cal.isWorkingDay('2026-02-30'))).toBe('at'));
  it('nextWorkingDay(at), previousWorkingDay(at)', () => {
    expect(fieldOf(() => cal.nextWorkingDay('tomorrow'))).toBe('at');
    expect(fieldOf(() => cal.previousWorkingDay(Number.NaN))).toBe('at');
  });
  it('addWorkingDays(at, days)', () => {
    expect(fieldOf(() => cal.addWorkingDays(AT, 1.5))).toBe('days');
    expect(fieldOf(() => cal.addWorkingDays('nope', 1))).toBe('at');
    expect(fieldOf(() => cal.addWorkingDays('nope', 0))).toBe('at');
  });
  it('workingDaysBetween(from, to)', () => {
    expect(fieldOf(() => cal.workingDaysBetween('x', '2026-10-08'))).toBe('from');
    expect(fieldOf(() => cal.workingDaysBetween('2026-10-08', 'x'))).toBe('to');
  });
  it('addWorkingHours(at, hours)', () => {
    expect(fieldOf(() => cal.addWorkingHours(AT, Number.NaN))).toBe('hours');
    expect(fieldOf(() => cal.addWorkingHours('x', 2))).toBe('at');
  });
  it('roll(at, policy)', () => {
    expect(fieldOf(() => cal.roll(AT, 'Next' as never))).toBe('policy');
    expect(fieldOf(() => cal.roll('x', 'next'))).toBe('at');
  });
  it('quarterOf(at)', () => expect(fieldOf(() => cal.quarterOf('0000-06-15'))).toBe('at'));
  it('quarterDates(quarter)', () => expect(fieldOf(() => cal.quarterDates({ year: 2027, quarter: 5 } as never))).toBe('quarter'));
  it('quarterDay(query): the field inside the query', () => {
    expect(fieldOf(() => cal.quarterDay({ quarter: { year: 0, quarter: 1 } as never, month: 1, day: 1 }))).toBe('query.quarter');
    expect(fieldOf(() => cal.quarterDay({ quarter: Q, month: 4 as never, day: 1 }))).toBe('query.month');
    expect(fieldOf(() => cal.quarterDay({ quarter: Q, month: 2, day: 30 }))).toBe('query.day');
    expect(fieldOf(() => cal.quarterDay({ quarter: Q, month: 2, day: 3, time: '25:00' }))).toBe('query.time');
    expect(fieldOf(() => cal.quarterDay({ quarter: Q, month: 2, day: 3, roll: 'later' as never }))).toBe('query.roll');
  });
  it('resolve(rule, from), resolveWithProvenance(rule, from)', () => {
    // The path inside the rule since deadline rules name their part (was 'rule' alone).
    expect(fieldOf(() => cal.resolve({ kind: 'workingDays', days: 1.5 } as never, AT))).toBe('rule.days');
    expect(fieldOf(() => cal.resolve(workingDays(1), Number.NaN))).toBe('from');
    expect(fieldOf(() => cal.resolveWithProvenance(workingDays(1), -8.7e15))).toBe('from');
  });
  it('describeDay(at), toLocalDate(at)', () => {
    expect(fieldOf(() => cal.describeDay('x'))).toBe('at');
    expect(fieldOf(() => cal.toLocalDate({} as never))).toBe('at');
  });
  it('daysInRange(from, to)', () => {
    expect(fieldOf(() => cal.daysInRange('x', '2026-10-08'))).toBe('from');
    expect(fieldOf(() => cal.daysInRange('2026-10-08', '2026-10-01'))).toBe('to');
    expect(fieldOf(() => cal.daysInRange('2026-10-08', '2226-10-01'))).toBe('to');
  });
  it('localInstant(date, time)', () => {
    expect(fieldOf(() => cal.localInstant('2026-02-30'))).toBe('date');
    expect(fieldOf(() => cal.localInstant('2026-10-08', '9am'))).toBe('time');
  });
});

describe('businessCalendar() names the option it refuses', () => {
  it('zone', () => expect(fieldOf(() => businessCalendar({ zone: 'Mars/Olympus_Mons' }))).toBe('zone'));
  it('workweek', () => expect(fieldOf(() => businessCalendar({ workweek: [8] as never }))).toBe('workweek'));
  it('onMissingYear', () => expect(fieldOf(() => businessCalendar({ onMissingYear: 'guess' as never }))).toBe('onMissingYear'));
  it('statutoryWeekendRule', () => expect(fieldOf(() => businessCalendar({ statutoryWeekendRule: 'x' as never }))).toBe('statutoryWeekendRule'));
  it('workingHours and its start and end', () => {
    expect(fieldOf(() => businessCalendar({ workingHours: 5 as never }))).toBe('workingHours');
    expect(fieldOf(() => businessCalendar({ workingHours: { start: '9am', end: '18:00' } }))).toBe('workingHours.start');
    expect(fieldOf(() => businessCalendar({ workingHours: { start: '09:00', end: '08:00' } }))).toBe('workingHours.end');
  });
  it('holidays', () => expect(fieldOf(() => businessCalendar({ holidays: [{ years: [0] }] as never }))).toBe('holidays'));
  it('the options themselves', () => expect(fieldOf(() => businessCalendar(5 as never))).toBe('options'));
});

describe('the quarter helpers name the argument they refuse', () => {
  it('shiftQuarter(q, n)', () => {
    expect(fieldOf(() => shiftQuarter({ year: 2027, quarter: 5 } as never, 1))).toBe('q');
    expect(fieldOf(() => shiftQuarter(Q, 0.5))).toBe('n');
    expect(fieldOf(() => shiftQuarter(Q, -1e6))).toBe('n');
  });
  it('quarterMonth(q, m)', () => {
    expect(fieldOf(() => quarterMonth({} as never, 1))).toBe('q');
    expect(fieldOf(() => quarterMonth(Q, 1.5))).toBe('m');
    expect(fieldOf(() => quarterMonth({ year: 9999, quarter: 4 }, 4))).toBe('m');
  });
  it('compareQuarters(a, b)', () => {
    expect(fieldOf(() => compareQuarters({} as never, Q))).toBe('a');
    expect(fieldOf(() => compareQuarters(Q, { year: 1e5, quarter: 1 } as never))).toBe('b');
  });
  it('formatQuarter(q)', () => expect(fieldOf(() => formatQuarter({ year: 2027 } as never))).toBe('q'));
  it('parseQuarter(text)', () => expect(fieldOf(() => parseQuarter('2027-Q5'))).toBe('text'));
});

describe('property: a bad argument at any position is named by the method', () => {
  // Text and numbers that are no date or instant the calendar reads, and values of the wrong type.
  const badInstant = fc.oneof(
    // No two digits in a row: luxon reads '2026' as a date and '00', '12:00' as today at that time.
    fc.string({ maxLength: 12 }).filter((s) => !/\d\d/.test(s)),
    fc.constantFrom(Number.NaN, Infinity, -Infinity, 9e15, '0000-01-01', '2026-13-01', '2026-02-29T09:00'),
    fc.constantFrom(null, true, {}, []),
  );
  const good = '2026-10-08';
  const sites: readonly [string, (v: unknown) => unknown][] = [
    ['at', (v) => cal.isWorkingDay(v as never)],
    ['at', (v) => cal.nextWorkingDay(v as never)],
    ['at', (v) => cal.previousWorkingDay(v as never)],
    ['at', (v) => cal.addWorkingDays(v as never, 2)],
    ['at', (v) => cal.addWorkingDays(v as never, 0)],
    ['at', (v) => cal.addWorkingHours(v as never, 2)],
    ['at', (v) => cal.roll(v as never, 'next')],
    ['at', (v) => cal.quarterOf(v as never)],
    ['at', (v) => cal.describeDay(v as never)],
    ['at', (v) => cal.toLocalDate(v as never)],
    ['from', (v) => cal.workingDaysBetween(v as never, good)],
    ['to', (v) => cal.workingDaysBetween(good, v as never)],
    ['from', (v) => cal.daysInRange(v as never, good)],
    ['to', (v) => cal.daysInRange(good, v as never)],
    ['date', (v) => cal.localInstant(v as never)],
    ['from', (v) => cal.resolve(workingDays(1), v as never)],
  ];
  it('every refusal of a bad date argument names it', () => {
    fc.assert(
      fc.property(fc.constantFrom(...sites), badInstant, ([field, call], v) => {
        expect(fieldOf(() => call(v))).toBe(field);
      }),
      { numRuns: 500 },
    );
  });
});
