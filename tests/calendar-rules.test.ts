import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  absolute,
  businessCalendar,
  describeDeadlineRule,
  duration,
  isDocketError,
  quarterDay,
  validateDeadlineRule,
  workingDays,
  workingHours,
  type DeadlineRule,
} from '../src/index.js';

const cal = businessCalendar();
const sh = (local: string) => Date.parse(`${local}+08:00`);

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return isDocketError(e) ? e.code : 'not a DocketError';
  }
  return undefined;
}

describe('deadline rules are plain data', () => {
  it('builders produce JSON-serialisable rules that validate after a round trip', () => {
    const rules: DeadlineRule[] = [
      duration({ hours: 4 }),
      workingDays(3, { time: '18:00' }),
      workingHours(6),
      quarterDay({ quarter: { relative: 1 }, month: 2, day: 20, roll: 'previous' }),
      absolute('2026-12-20', { time: '18:00', roll: 'previous' }),
    ];
    for (const rule of rules) {
      const copy = JSON.parse(JSON.stringify(rule)) as unknown;
      expect(copy).toEqual(rule);
      expect(validateDeadlineRule(copy)).toEqual(rule);
    }
    expect(workingDays(3)).toEqual({ kind: 'workingDays', days: 3 });
    expect(quarterDay({ quarter: { year: 2027, quarter: 1 }, month: 3, day: 'last' })).toEqual({
      kind: 'quarterDay',
      quarter: { year: 2027, quarter: 1 },
      month: 3,
      day: 'last',
    });
  });

  it('validateDeadlineRule says what is wrong', () => {
    const cases: [unknown, RegExp][] = [
      [null, /must be an object/],
      [{ kind: 'weeks', n: 2 }, /unknown kind "weeks"/],
      [{ kind: 'workingDays', days: 2.5 }, /"days" must be a whole number/],
      [{ kind: 'workingDays', days: 3, rol: 'next' }, /unknown field "rol"/],
      [{ kind: 'workingDays', days: 3, time: '25:00' }, /"time" must be 'HH:mm'/],
      [{ kind: 'workingDays', days: 3, roll: 'forward' }, /"roll" must be 'previous', 'next' or 'none'/],
      [{ kind: 'quarterDay', quarter: { relative: 1 }, month: 4, day: 1 }, /"month" must be 1, 2 or 3/],
      [{ kind: 'quarterDay', quarter: { relative: 1 }, month: 2, day: 29 }, /does not exist in month 2 of every quarter.*'last'/],
      [{ kind: 'quarterDay', quarter: { relative: 1 }, month: 1, day: 31 }, /at most 30/],
      [{ kind: 'quarterDay', quarter: { year: 2026, quarter: 1 }, month: 2, day: 29 }, /it has 28 days/],
      [{ kind: 'quarterDay', quarter: { year: 2026, quarter: 5 }, month: 1, day: 1 }, /"quarter" must be/],
      [{ kind: 'quarterDay', quarter: { relative: 0.5 }, month: 1, day: 1 }, /"quarter.relative" must be a whole number/],
      [{ kind: 'duration', duration: -5 }, /finite number ≥ 0/],
      [{ kind: 'duration', duration: { fortnights: 1 } }, /unknown duration unit "fortnights"/],
      [{ kind: 'absolute', at: 'next tuesday' }, /"at" must be epoch ms, an ISO instant/],
      [{ kind: 'absolute', at: '2026-02-30' }, /"at" must be/],
      [{ kind: 'workingHours', hours: Number.NaN }, /"hours" must be a finite number/],
    ];
    for (const [rule, message] of cases) {
      expect(() => validateDeadlineRule(rule)).toThrow(message);
      expect(codeOf(() => validateDeadlineRule(rule))).toBe('INVALID_DEADLINE_RULE');
    }
    // Day 31 of an absolute January quarter month exists.
    expect(validateDeadlineRule({ kind: 'quarterDay', quarter: { year: 2027, quarter: 1 }, month: 1, day: 31 })).toBeDefined();
    expect(codeOf(() => workingDays(1.5))).toBe('INVALID_DEADLINE_RULE');
  });

  it('describes rules in English and Chinese', () => {
    const d = (rule: DeadlineRule) => [describeDeadlineRule(rule, 'en'), describeDeadlineRule(rule, 'zh-CN')];
    expect(d(workingDays(3))).toEqual(['3 working days', '3个工作日']);
    expect(d(workingDays(1))).toEqual(['1 working day', '1个工作日']);
    expect(d(workingDays(3, { time: '18:00' }))).toEqual(['3 working days, by 18:00', '3个工作日，18:00前']);
    expect(d(workingDays(-2))).toEqual(['2 working days before', '提前2个工作日']);
    expect(d(quarterDay({ quarter: { relative: 1 }, month: 2, day: 20, roll: 'previous' }))).toEqual([
      'M2 D20 of next quarter, rolls to previous working day',
      '下季度次月20日（遇非工作日提前）',
    ]);
    expect(d(quarterDay({ quarter: { relative: 0 }, month: 3, day: 'last', time: '18:00', roll: 'next' }))).toEqual([
      'M3 last day of this quarter at 18:00, rolls to next working day',
      '本季度末月最后一日18:00（遇非工作日顺延）',
    ]);
    expect(d(quarterDay({ quarter: { year: 2027, quarter: 1 }, month: 1, day: 15 }))).toEqual(['M1 D15 of 2027-Q1', '2027年第一季度首月15日']);
    expect(d(quarterDay({ quarter: { relative: -1 }, month: 1, day: 1 }))).toEqual(['M1 D1 of previous quarter', '上季度首月1日']);
    expect(d(workingHours(4))).toEqual(['4 working hours', '4个工作小时']);
    expect(d(duration({ days: 2, hours: 3 }))).toEqual(['2 days 3 hours', '2天3小时']);
    expect(d(duration(90 * 60_000))).toEqual(['1 hour 30 minutes', '1小时30分钟']);
    expect(d(absolute('2026-12-20', { time: '18:00', roll: 'previous' }))).toEqual([
      'on 2026-12-20 18:00, rolls to previous working day',
      '2026-12-20 18:00（遇非工作日提前）',
    ]);
  });
});

describe('calendar.resolve', () => {
  const from = sh('2026-09-30T10:00:00'); // Wednesday before National Day

  it('duration: exact elapsed time, no holiday data needed (works in 2040)', () => {
    expect(cal.resolve(duration({ hours: 4 }), from)).toBe(from + 4 * 3_600_000);
    const in2040 = Date.parse('2040-06-01T00:00:00Z');
    expect(cal.resolve(duration({ days: 1 }), in2040)).toBe(in2040 + 86_400_000);
    expect(cal.resolve(duration(5000), in2040)).toBe(in2040 + 5000);
  });

  it('workingDays: skips the holiday week, keeps time of day or uses the given time', () => {
    expect(cal.resolve(workingDays(1), from)).toBe(sh('2026-10-08T10:00:00'));
    expect(cal.resolve(workingDays(3), from)).toBe(sh('2026-10-10T10:00:00')); // make-up Saturday
    expect(cal.resolve(workingDays(3, { time: '18:00' }), from)).toBe(sh('2026-10-10T18:00:00'));
    expect(cal.resolve(workingDays(-1), sh('2026-10-08T10:00:00'))).toBe(sh('2026-09-30T10:00:00'));
    // 0 working days from a holiday: stays unless rolled.
    const holiday = sh('2026-10-03T10:00:00');
    expect(cal.resolve(workingDays(0), holiday)).toBe(holiday);
    expect(cal.resolve(workingDays(0, { roll: 'next', time: '18:00' }), holiday)).toBe(sh('2026-10-08T18:00:00'));
  });

  it('workingHours: 09:00–18:00 on working days', () => {
    expect(cal.resolve(workingHours(4), sh('2026-09-30T16:00:00'))).toBe(sh('2026-10-08T11:00:00'));
    expect(cal.resolve(workingHours(2), sh('2026-09-30T07:00:00'))).toBe(sh('2026-09-30T11:00:00'));
    expect(cal.resolve(workingHours(9), sh('2026-09-30T09:00:00'))).toBe(sh('2026-09-30T18:00:00'));
    expect(cal.resolve(workingHours(18), sh('2026-09-30T09:00:00'))).toBe(sh('2026-10-08T18:00:00'));
    expect(cal.resolve(workingHours(1.5), sh('2026-10-04T12:00:00'))).toBe(sh('2026-10-08T10:30:00'));
    const custom = businessCalendar({ workingHours: { start: '08:30', end: '17:30' } });
    expect(custom.resolve(workingHours(1), sh('2026-09-30T17:00:00'))).toBe(sh('2026-10-08T09:00:00'));
    expect(() => businessCalendar({ workingHours: { start: '18:00', end: '09:00' } })).toThrow(/must be after/);
  });

  it('absolute: local dates default to end of day; ISO instants pass through; roll applies', () => {
    expect(cal.resolve(absolute('2026-12-18'), from)).toBe(sh('2026-12-18T23:59:59.999'));
    expect(cal.resolve(absolute('2026-12-20', { time: '18:00', roll: 'previous' }), from)).toBe(sh('2026-12-18T18:00:00'));
    expect(cal.resolve(absolute('2026-10-01T12:00', { roll: 'next' }), from)).toBe(sh('2026-10-08T12:00:00'));
    expect(cal.resolve(absolute('2026-12-20T10:00:00Z'), from)).toBe(Date.parse('2026-12-20T10:00:00Z'));
    expect(cal.resolve(absolute(1_800_000_000_000), from)).toBe(1_800_000_000_000);
  });

  it('rejects malformed rules and instants', () => {
    expect(codeOf(() => cal.resolve({ kind: 'workingDays', days: 'three' } as unknown as DeadlineRule, from))).toBe('INVALID_DEADLINE_RULE');
    expect(codeOf(() => cal.resolve(workingDays(1), Number.NaN))).toBe('INVALID_ARGUMENT');
  });
});

describe('calendar inputs and options', () => {
  it('accepts epoch ms, Date, local dates, local date-times and ISO instants', () => {
    const instant = sh('2026-10-09T08:00:00');
    expect(cal.toLocalDate(instant)).toBe('2026-10-09');
    expect(cal.toLocalDate(new Date(instant))).toBe('2026-10-09');
    expect(cal.toLocalDate('2026-10-09T08:00')).toBe('2026-10-09');
    expect(cal.toLocalDate('2026-10-08T20:00:00Z')).toBe('2026-10-09');
    expect(cal.localInstant('2026-10-09', '08:00')).toBe(instant);
    expect(codeOf(() => cal.isWorkingDay('2026-13-01'))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => cal.addWorkingDays(instant, 1.5))).toBe('INVALID_ARGUMENT');
  });

  it('a six-day workweek counts Saturdays', () => {
    const sixDays = businessCalendar({ holidays: 'none', workweek: [1, 2, 3, 4, 5, 6] });
    expect(sixDays.isWorkingDay('2026-12-19')).toBe(true); // Saturday
    expect(sixDays.isWorkingDay('2026-12-20')).toBe(false); // Sunday
    expect(sixDays.workingDaysBetween('2026-12-14', '2026-12-21')).toBe(6);
    expect(codeOf(() => businessCalendar({ workweek: [] }))).toBe('INVALID_ARGUMENT');
  });

  it('a user list adds a company holiday and cancels a public one on top of CN', () => {
    const company = businessCalendar({
      holidays: ['CN', { holidays: [{ date: '2026-06-01', name: '司庆' }], workdays: [{ date: '2026-10-07', name: '值班' }] }],
    });
    expect(company.describeDay('2026-06-01')).toMatchObject({ working: false, kind: 'holiday', name: '司庆' });
    expect(cal.isWorkingDay('2026-06-01')).toBe(true);
    // 7 Oct 2026 is a Wednesday: worked again, so it is an ordinary workday.
    expect(company.describeDay('2026-10-07')).toMatchObject({ working: true, kind: 'workday' });
    expect(company.toLocalDate(company.nextWorkingDay('2026-09-30'))).toBe('2026-10-07');
  });

  it('daysInRange lists each local day, and refuses a reversed range', () => {
    const days = cal.daysInRange('2026-10-09', '2026-10-12');
    expect(days.map((d) => [d.date, d.kind])).toEqual([
      ['2026-10-09', 'workday'],
      ['2026-10-10', 'makeup-workday'],
      ['2026-10-11', 'weekend'],
      ['2026-10-12', 'workday'],
    ]);
    expect(codeOf(() => cal.daysInRange('2026-10-12', '2026-10-09'))).toBe('INVALID_ARGUMENT');
  });
});

describe('calendar input is refused whatever the day (regression)', () => {
  it('an unknown roll policy is INVALID_ARGUMENT on a working day too, not only when the day needs rolling', () => {
    // Before: roll('2026-10-09', 'Next') and quarterDay({ …, roll: 'Next' }) on a working day returned the
    // date as if the policy were fine; the same typo threw only on a holiday.
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.constantFrom('Next', 'PREVIOUS', 'forward', ' next'), fc.integer(), fc.constant(null)), fc.integer({ min: 0, max: 364 }), (policy, day) => {
        fc.pre(!['previous', 'next', 'none'].includes(policy as string));
        const date = new Date(Date.UTC(2026, 0, 1 + day)).toISOString().slice(0, 10);
        expect(codeOf(() => cal.roll(date, policy as never))).toBe('INVALID_ARGUMENT');
        expect(codeOf(() => cal.quarterDay({ quarter: { year: 2026, quarter: 4 }, month: 1, day: 9, roll: policy as never }))).toBe('INVALID_ARGUMENT');
      }),
      { numRuns: 200 },
    );
  });

  it('a misspelt calendar option, working-hours key or holiday-list field is refused, not ignored', () => {
    // Before: { workWeek: [1…6] } counted Saturdays off, { onMissingYears: 'throw' } estimated 2027, and a
    // list's "workday" (for "workdays") dropped every make-up day of a year the list made official.
    const fields = (fn: () => unknown) => {
      try {
        fn();
      } catch (e) {
        return isDocketError(e) ? [e.code, e.details.field] : ['not a DocketError'];
      }
      return ['accepted'];
    };
    expect(fields(() => businessCalendar({ workWeek: [1, 2, 3, 4, 5, 6] } as never))).toEqual(['INVALID_ARGUMENT', 'workWeek']);
    expect(fields(() => businessCalendar({ onMissingYears: 'throw' } as never))).toEqual(['INVALID_ARGUMENT', 'onMissingYears']);
    expect(fields(() => businessCalendar(Object.create({ holiday: 'none' }) as never))).toEqual(['INVALID_ARGUMENT', 'holiday']);
    expect(fields(() => businessCalendar({ workingHours: { start: '08:00', end: '17:00', lunch: '12:00' } } as never))).toEqual(['INVALID_ARGUMENT', 'workingHours.lunch']);
    expect(fields(() => businessCalendar({ holidays: ['CN', { years: [2031], workday: ['2031-09-28'] }] } as never))).toEqual(['INVALID_ARGUMENT', 'holidays.workday']);
    expect(fields(() => businessCalendar(null as never))).toEqual(['INVALID_ARGUMENT', 'options']);
    const known = ['zone', 'holidays', 'workweek', 'onMissingYear', 'statutoryWeekendRule', 'onWarning', 'workingHours'];
    fc.assert(
      fc.property(fc.string({ minLength: 1, maxLength: 14 }).filter((k) => !known.includes(k) && k !== '__proto__'), (key) => {
        expect(fields(() => businessCalendar({ [key]: 1 } as never))).toEqual(['INVALID_ARGUMENT', key]);
      }),
      { numRuns: 200 },
    );
  });

  it('an instant at the end of the Date range is INVALID_ARGUMENT naming the instant, not a year "NaN"', () => {
    for (const at of [8.64e15, 8.64e15 + 1, -8.64e15 - 1]) {
      expect(codeOf(() => cal.describeDay(at))).toBe('INVALID_ARGUMENT');
      let message = '';
      try {
        cal.isWorkingDay(at);
      } catch (e) {
        message = (e as Error).message;
      }
      expect(message).toContain('Not an instant');
    }
  });
});
