import { afterEach, describe, expect, it, vi } from 'vitest';
import { businessCalendar, isDocketError, type DocketError } from '../src/index.js';

function caught(fn: () => unknown): DocketError {
  try {
    fn();
  } catch (e) {
    if (isDocketError(e)) return e;
    throw e;
  }
  throw new Error('expected a DocketError');
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('a year with no holiday data', () => {
  it("throws CALENDAR_YEAR_MISSING for 2040 with onMissingYear 'throw', naming the year and how to add it", () => {
    const cal = businessCalendar({ onMissingYear: 'throw' });
    expect(cal.hasYear(2026)).toBe(true);
    expect(cal.hasYear(2040)).toBe(false);
    const error = caught(() => cal.isWorkingDay('2040-03-01'));
    expect(error.code).toBe('CALENDAR_YEAR_MISSING');
    expect(error.details.year).toBe(2040);
    expect(error.message).toContain('no holiday data for 2040');
    expect(error.message).toContain("holidays: ['CN', { years: [2040]");
    expect(error.message).toContain("onMissingYear: 'statutory'");
    expect(error.message).toContain("'weekdays-with-warning'");
    expect(caught(() => cal.describeDay('2040-03-01')).code).toBe('CALENDAR_YEAR_MISSING');
  });

  it("also throws when a walk crosses into an unknown year (the shipped data ends with 2026), with 'throw'", () => {
    const cal = businessCalendar({ onMissingYear: 'throw' });
    expect(cal.toLocalDate(cal.addWorkingDays('2026-12-30', 1))).toBe('2026-12-31');
    const error = caught(() => cal.addWorkingDays('2026-12-30', 2));
    expect(error.code).toBe('CALENDAR_YEAR_MISSING');
    expect(error.details.year).toBe(2027);
    expect(caught(() => cal.workingDaysBetween('2026-12-01', '2027-01-05')).details.year).toBe(2027);
  });

  it("is fixed by adding the year's schedule as a holiday list", () => {
    const cal = businessCalendar({
      holidays: [
        'CN',
        { years: [2040], holidays: [{ from: '2040-01-01', to: '2040-01-01', name: '元旦' }, '2040-03-01'], workdays: ['2040-03-04'] },
      ],
    });
    expect(cal.hasYear(2040)).toBe(true);
    expect(cal.describeDay('2040-01-01')).toMatchObject({ kind: 'holiday', name: '元旦' });
    expect(cal.isWorkingDay('2040-03-01')).toBe(false); // Thursday, declared a holiday
    expect(cal.describeDay('2040-03-04')).toMatchObject({ weekday: 7, kind: 'makeup-workday' });
    expect(cal.toLocalDate(cal.nextWorkingDay('2040-02-29'))).toBe('2040-03-02');
  });

  it('is not fixed by a list that only adds days without declaring the year', () => {
    const cal = businessCalendar({ holidays: ['CN', { holidays: ['2040-03-01'] }], onMissingYear: 'throw' });
    expect(caught(() => cal.isWorkingDay('2040-03-02')).code).toBe('CALENDAR_YEAR_MISSING');
  });

  it("'none' covers every year", () => {
    const cal = businessCalendar({ holidays: 'none' });
    expect(cal.isWorkingDay('2040-03-01')).toBe(true);
    expect(cal.isWorkingDay('2040-03-03')).toBe(false); // Saturday
  });

  it("'weekdays-with-warning' uses plain weekdays and calls onWarning once per year", () => {
    const warnings: string[] = [];
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cal = businessCalendar({ onMissingYear: 'weekdays-with-warning', onWarning: (m) => warnings.push(m) });
    expect(cal.isWorkingDay('2040-03-01')).toBe(true);
    expect(cal.isWorkingDay('2040-03-03')).toBe(false);
    expect(cal.toLocalDate(cal.addWorkingDays('2040-03-02', 1))).toBe('2040-03-05');
    expect(cal.isWorkingDay('2041-01-01')).toBe(true);
    expect(cal.isWorkingDay('2026-10-05')).toBe(false); // known years still use the data
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('2040');
    expect(warnings[1]).toContain('2041');
    expect(warn).not.toHaveBeenCalled();
  });

  it('without onWarning it warns on the console once per year', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => undefined);
    const cal = businessCalendar({ onMissingYear: 'weekdays-with-warning' });
    cal.isWorkingDay('2040-03-01');
    cal.isWorkingDay('2040-06-01');
    cal.addWorkingDays('2040-06-01', 30);
    expect(warn).toHaveBeenCalledTimes(1);
    expect(String(warn.mock.calls[0]?.[0])).toContain('no holiday data for 2040');
  });
});
