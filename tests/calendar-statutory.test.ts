import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { LunarDay, SolarTerm } from 'tyme4ts';
import { businessCalendar, holidayCoverageCheck, isDocketError, parseHolidaySchedule, statutoryDaysOff, workingDays, type DocketError } from '../src/index.js';

function caught(fn: () => unknown): DocketError {
  try {
    fn();
  } catch (e) {
    if (isDocketError(e)) return e;
    throw e;
  }
  throw new Error('expected a DocketError');
}

const OFF_2027 = ['2027-01-01', '2027-02-05', '2027-02-06', '2027-02-07', '2027-02-08', '2027-04-05', '2027-05-01', '2027-05-02', '2027-06-09', '2027-09-15', '2027-10-01', '2027-10-02', '2027-10-03'];
// The law's 补假 rule: 初一 (Sat 6 Feb), 初二 (Sun 7 Feb), 1–2 May (Sat/Sun), 2–3 Oct (Sat/Sun) each give the next weekday not already off.
const SUBSTITUTES_2027 = ['2027-02-09', '2027-02-10', '2027-05-03', '2027-05-04', '2027-10-04', '2027-10-05'];

describe("onMissingYear 'statutory': 2027 from the law and the lunar calendar", () => {
  it('tyme4ts gives the lunar dates and 清明 the 2027 estimate uses (source: tyme4ts 1.5.2)', () => {
    const ymd = (d: { getYear(): number; getMonth(): number; getDay(): number }) => [d.getYear(), d.getMonth(), d.getDay()];
    expect(ymd(LunarDay.fromYmd(2027, 1, 1).next(-1).getSolarDay())).toEqual([2027, 2, 5]); // 除夕
    expect(ymd(LunarDay.fromYmd(2027, 1, 1).getSolarDay())).toEqual([2027, 2, 6]); // 正月初一
    expect(ymd(SolarTerm.fromName(2027, '清明').getJulianDay().getSolarDay())).toEqual([2027, 4, 5]);
    expect(ymd(LunarDay.fromYmd(2027, 5, 5).getSolarDay())).toEqual([2027, 6, 9]); // 端午
    expect(ymd(LunarDay.fromYmd(2027, 8, 15).getSolarDay())).toEqual([2027, 9, 15]); // 中秋
  });

  it("is the default for 'CN': the statutory days are off, substitutes follow the weekend rule, ordinary weekdays work", () => {
    const warnings: string[] = [];
    const cal = businessCalendar({ onWarning: (m) => warnings.push(m) });
    expect(cal.onMissingYear).toBe('statutory');
    expect(cal.yearCoverage(2026)).toBe('official');
    expect(cal.yearCoverage(2027)).toBe('provisional');
    for (const d of OFF_2027) expect([d, cal.isWorkingDay(d)]).toEqual([d, false]);
    for (const d of SUBSTITUTES_2027) expect([d, cal.describeDay(d).kind]).toEqual([d, 'holiday']);
    expect(cal.describeDay('2027-02-09')).toMatchObject({ name: '春节（补假）', provisional: true, weekday: 2 });
    expect(cal.describeDay('2027-10-01')).toMatchObject({ kind: 'holiday', name: '国庆节', provisional: true });
    // Ordinary weekdays work; no make-up working days (调休) are invented.
    for (const d of ['2027-01-04', '2027-02-04', '2027-02-11', '2027-04-06', '2027-05-05', '2027-06-10', '2027-09-16', '2027-10-06', '2027-10-07']) expect([d, cal.isWorkingDay(d)]).toEqual([d, true]);
    for (const d of ['2027-01-02', '2027-02-13', '2027-09-26', '2027-10-09']) expect([d, cal.isWorkingDay(d)]).toEqual([d, false]); // weekends stay off
    const all = cal.daysInRange('2027-01-01', '2027-12-31');
    expect(all.filter((d) => d.kind === 'holiday').map((d) => d.date)).toEqual([...OFF_2027, ...SUBSTITUTES_2027].sort());
    expect(all.some((d) => d.kind === 'makeup-workday')).toBe(false);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('2027');
    expect(warnings[0]).toContain('调休');
  });

  it("weekend rule 'none': no substitute days", () => {
    const cal = businessCalendar({ statutoryWeekendRule: 'none', onWarning: () => {} });
    expect(cal.daysInRange('2027-01-01', '2027-12-31').filter((d) => d.kind === 'holiday').map((d) => d.date)).toEqual(OFF_2027);
    expect(statutoryDaysOff(2027, 'none').map((d) => d.date)).toEqual(OFF_2027);
    expect(statutoryDaysOff(2027).filter((d) => d.substitute).map((d) => d.date)).toEqual(SUBSTITUTES_2027);
    expect(caught(() => businessCalendar({ statutoryWeekendRule: 'sunday' as never })).code).toBe('INVALID_ARGUMENT');
  });

  it('matches the official 2026 schedule on every statutory day (each falls inside an official holiday)', () => {
    const official = businessCalendar();
    for (const d of statutoryDaysOff(2026, 'none')) expect([d.date, official.isWorkingDay(d.date)]).toEqual([d.date, false]);
  });

  it('property: every year 2027–2099 has 13 statutory days (12 when 中秋 falls on 1–3 October), substitutes only on weekdays', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2027, max: 2099 }), (year) => {
        const plain = statutoryDaysOff(year, 'none');
        const withSubs = statutoryDaysOff(year, 'next-weekday');
        const weekday = (date: string) => new Date(`${date}T00:00:00Z`).getUTCDay();
        const onWeekend = plain.filter((d) => weekday(d.date) === 0 || weekday(d.date) === 6).length;
        const subs = withSubs.filter((d) => d.substitute);
        const midAutumn = LunarDay.fromYmd(year, 8, 15).getSolarDay();
        const overlaps = midAutumn.getMonth() === 10 && midAutumn.getDay() <= 3 ? 1 : 0;
        return plain.length === 13 - overlaps && subs.length <= onWeekend && subs.every((d) => weekday(d.date) >= 1 && weekday(d.date) <= 5) && plain.some((d) => d.date === `${year}-10-01`);
      }),
      { numRuns: 73 },
    );
  });

  it('resolveWithProvenance says when a deadline rests on the estimate', () => {
    const cal = businessCalendar({ onWarning: () => {} });
    const dec30 = cal.localInstant('2026-12-30', '10:00');
    const r = cal.resolveWithProvenance(workingDays(3), dec30);
    // Thu 31 Dec (1), Fri 1 Jan 元旦, weekend, Mon 4 Jan (2), Tue 5 Jan (3).
    expect(cal.toLocalDate(r.at)).toBe('2027-01-05');
    expect(r).toMatchObject({ provisional: true, estimatedYears: [2027] });
    // Thu 31 Dec 2026 is in 2026's official schedule, but 2027's notice may still set it (2019's set
    // 2018-12-29 to 31): provisional, resting on 2027. A November day is not.
    expect(cal.resolveWithProvenance(workingDays(1), dec30)).toMatchObject({ provisional: true, estimatedYears: [2027] });
    expect(cal.resolveWithProvenance(workingDays(1), cal.localInstant('2026-11-27', '10:00'))).toMatchObject({ provisional: false, estimatedYears: [] });
    expect(cal.resolve(workingDays(3), dec30)).toBe(r.at);
  });

  it('estimates only the years the 2024 law governs: 2003 and 2100 are missing, not provisional (regression)', () => {
    // Decree 795 took effect on 1 January 2025. In 2003 the 1999 law gave 春节 初一–初三 only, so 除夕
    // (Friday 31 January 2003) was a working day; the estimate made it a holiday and called it provisional.
    // 2100 is past the estimate's range: it was reported 'provisional' but every operation threw INVALID_ARGUMENT.
    const cal = businessCalendar({ onWarning: () => {} });
    for (const year of [1990, 2003, 2100]) expect([year, cal.yearCoverage(year)]).toEqual([year, 'missing']);
    for (const year of [2025, 2027, 2099]) expect([year, cal.yearCoverage(year)]).toEqual([year, year <= 2026 ? 'official' : 'provisional']);
    const e2003 = caught(() => cal.isWorkingDay('2003-01-31'));
    expect([e2003.code, e2003.details]).toEqual(['CALENDAR_YEAR_MISSING', { year: 2003 }]);
    expect(e2003.message).toContain('2025–2099');
    const e2100 = caught(() => cal.addWorkingDays('2099-12-30', 5));
    expect([e2100.code, e2100.details]).toEqual(['CALENDAR_YEAR_MISSING', { year: 2100 }]);
    expect(caught(() => statutoryDaysOff(2024)).code).toBe('INVALID_ARGUMENT');
    // The year's schedule as a source fixes it, as for any missing year; plain weekdays stay available.
    const with2003 = businessCalendar({ holidays: ['CN', { years: [2003], holidays: [{ from: '2003-02-01', to: '2003-02-07', name: '春节' }] }] });
    expect(with2003.isWorkingDay('2003-01-31')).toBe(true);
    expect(businessCalendar({ onMissingYear: 'weekdays-with-warning', onWarning: () => {} }).isWorkingDay('2003-01-31')).toBe(true);
  });

  it('property: a year the calendar calls provisional can be used, and one it calls missing throws CALENDAR_YEAR_MISSING', () => {
    const policies = ['statutory', 'weekdays-with-warning', 'throw'] as const;
    const calendars = policies.map((onMissingYear) => businessCalendar({ onMissingYear, onWarning: () => {} }));
    fc.assert(
      fc.property(fc.integer({ min: 1901, max: 2300 }), fc.integer({ min: 0, max: 2 }), fc.integer({ min: 1, max: 28 }), (year, p, day) => {
        const cal = calendars[p]!;
        const date = `${year}-03-${String(day).padStart(2, '0')}`;
        const coverage = cal.yearCoverage(year);
        if (coverage === 'missing') expect(caught(() => cal.describeDay(date)).code).toBe('CALENDAR_YEAR_MISSING');
        else expect(cal.describeDay(date).provisional).toBe(coverage === 'provisional' ? true : undefined);
      }),
      { numRuns: 600 },
    );
  });

  it('yearCoverage and hasYear refuse a year that is not a whole number instead of answering "missing" (regression)', () => {
    // yearCoverage('2026') (a year read from a query string) answered 'missing' for a year Docket ships.
    const cal = businessCalendar({ onWarning: () => {} });
    for (const year of ['2026', 2026.5, Number.NaN, Infinity, null, undefined, 2 ** 60] as unknown[]) {
      const e = caught(() => cal.yearCoverage(year as number));
      expect([String(year), e.code]).toEqual([String(year), 'INVALID_ARGUMENT']);
      expect(caught(() => cal.hasYear(year as number)).code).toBe('INVALID_ARGUMENT');
    }
    expect(caught(() => cal.yearCoverage('2026' as unknown as number)).message).toContain('Number(year)');
    expect(cal.yearCoverage(2026)).toBe('official');
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.double().filter((d) => !Number.isInteger(d)), fc.constant(null), fc.object()), (year) => {
        expect(caught(() => cal.yearCoverage(year as number)).code).toBe('INVALID_ARGUMENT');
      }),
      { numRuns: 200 },
    );
  });

  it("'throw' is still available and 'none' holidays stay official", () => {
    expect(businessCalendar({ onMissingYear: 'throw' }).yearCoverage(2027)).toBe('missing');
    expect(caught(() => businessCalendar({ onMissingYear: 'throw' }).isWorkingDay('2027-10-01')).code).toBe('CALENDAR_YEAR_MISSING');
    expect(businessCalendar({ holidays: 'none' }).yearCoverage(2027)).toBe('official');
    expect(businessCalendar({ holidays: { years: [2031] } }).onMissingYear).toBe('throw'); // not China: no statutory guess by default
  });
});

const OFFICIAL_2027 = {
  '2027': {
    holidays: [
      ['2027-01-01', '2027-01-03', '元旦', "New Year's Day"],
      ['2027-02-05', '2027-02-12', '春节', 'Spring Festival'],
      ['2027-10-01', '2027-10-07', '国庆节', 'National Day'],
    ],
    workdays: [['2027-02-14', '春节', 'Spring Festival'], ['2027-10-09', '国庆节', 'National Day']],
  },
};

describe('parseHolidaySchedule: an official year loaded at run time', () => {
  it('makes the year official', () => {
    const cal = businessCalendar({ holidays: ['CN', ...parseHolidaySchedule(JSON.stringify(OFFICIAL_2027))] });
    expect(cal.yearCoverage(2027)).toBe('official');
    expect(cal.describeDay('2027-02-14')).toMatchObject({ kind: 'makeup-workday', name: '春节' });
    expect(cal.isWorkingDay('2027-02-11')).toBe(false);
    expect(cal.describeDay('2027-02-11').provisional).toBeUndefined();
    expect(parseHolidaySchedule({ year: 2027, ...OFFICIAL_2027['2027'] })).toEqual(parseHolidaySchedule(OFFICIAL_2027));
  });

  const bad = (data: unknown) => caught(() => parseHolidaySchedule(data));
  const year = (patch: object) => ({ '2027': { ...OFFICIAL_2027['2027'], ...patch } });

  it('refuses a date listed twice', () => {
    const e = bad(year({ holidays: [...OFFICIAL_2027['2027'].holidays, ['2027-10-03', '2027-10-03', '国庆节']] }));
    expect(e.code).toBe('INVALID_HOLIDAY_DATA');
    expect(e.details).toMatchObject({ year: 2027, date: '2027-10-03' });
    expect(e.message).toContain('listed twice');
    expect(bad(year({ workdays: [['2027-02-14'], ['2027-02-14']] })).details.date).toBe('2027-02-14');
  });

  it('refuses a make-up working day that is also a holiday', () => {
    const e = bad(year({ workdays: [['2027-10-02', '国庆节']] }));
    expect(e.code).toBe('INVALID_HOLIDAY_DATA');
    expect(e.message).toContain('both a holiday and a make-up working day');
  });

  it('refuses a make-up working day on a weekday, a typo that left the real make-up weekend day off (regression)', () => {
    // '2027-02-15' (a Monday) for the make-up Sunday 14 February: loaded, changed nothing, and the
    // Sunday stayed a day off. Every make-up day of every shipped year is a Saturday or Sunday.
    const e = bad(year({ workdays: [['2027-02-15', '春节']] }));
    expect([e.code, e.details]).toEqual(['INVALID_HOLIDAY_DATA', { year: 2027, date: '2027-02-15' }]);
    expect(e.message).toContain('Monday');
    const weekdays = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2027, 0, 1 + i))).filter((d) => ![0, 6].includes(d.getUTCDay()) && d.getUTCMonth() !== 9 && !(d.getUTCMonth() === 1 && d.getUTCDate() >= 5 && d.getUTCDate() <= 12)).map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.constantFrom(...weekdays), (d) => {
        expect(bad(year({ workdays: [[d, '班']] })).details).toEqual({ year: 2027, date: d });
      }),
      { numRuns: 100 },
    );
  });

  it('refuses a year with no National Day', () => {
    const e = bad(year({ holidays: [['2027-01-01', '2027-01-01', '元旦']] }));
    expect(e.code).toBe('INVALID_HOLIDAY_DATA');
    expect(e.message).toContain('National Day');
  });

  it('refuses dates outside the year, malformed dates, bad JSON and non-year keys', () => {
    // 2027's notice may set the last week of December 2026 (as 2019's set 2018-12-29 to 31), not November.
    expect(bad(year({ workdays: [['2026-11-29']] })).message).toContain("outside 2027's notice (2026-12-25 to 2028-01-07");
    expect(bad(year({ holidays: [...OFFICIAL_2027['2027'].holidays, ['2028-02-01', '2028-02-01', '春节']] })).details).toEqual({ year: 2027, date: '2028-02-01' });
    expect(bad(year({ workdays: [['2027-02-30']] })).message).toContain("not a 'YYYY-MM-DD' date");
    expect(bad('{"2027": ').code).toBe('INVALID_HOLIDAY_DATA');
    expect(bad({ next: OFFICIAL_2027['2027'] }).message).toContain('not a year');
    expect(bad(year({ holidays: [['2027-10-07', '2027-10-01', '国庆节']] })).message).toContain('ends before it starts');
  });

  it('refuses a misspelt or unknown field instead of dropping its days (regression)', () => {
    // Before: { "workday": [...] } was ignored, the year still counted as official, and the make-up
    // Sunday 26 September 2027 was treated as a day off.
    const { workdays, ...rest } = OFFICIAL_2027['2027'];
    const typo = bad({ '2027': { ...rest, workday: workdays } });
    expect([typo.code, typo.details]).toEqual(['INVALID_HOLIDAY_DATA', { year: 2027, field: 'workday' }]);
    expect(typo.message).toContain('Nothing was loaded');
    expect(bad({ year: 2027, ...rest, workDays: workdays }).details).toEqual({ year: 2027, field: 'workDays' });
    expect(bad({ year: 2027, ...OFFICIAL_2027['2027'], '2028': OFFICIAL_2027['2027'] }).details).toEqual({ year: 2027, field: '2028' });
    expect(bad(year({ holidays: [['2027-10-01', '2027-10-07', '国庆节', 'National Day', 'extra']] })).code).toBe('INVALID_HOLIDAY_DATA');
    expect(bad(year({ workdays: [['2027-09-26', '国庆节', 'National Day', 'extra']] })).code).toBe('INVALID_HOLIDAY_DATA');
  });

  it('property: an accepted schedule keeps every day it lists; one with any other field is refused', () => {
    const weekendDays = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10)).filter((d) => [0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()));
    const holidayDays = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10)).filter((d) => ![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay()) && !d.startsWith('2027-10-0'));
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.constantFrom(...weekendDays.filter((d) => !d.startsWith('2027-10-0'))), { maxLength: 6 }),
        fc.uniqueArray(fc.constantFrom(...holidayDays), { maxLength: 6 }),
        fc.option(fc.string({ minLength: 1, maxLength: 10 }).filter((k) => !['holidays', 'workdays', 'year', '__proto__'].includes(k))),
        fc.boolean(),
        (makeUp, off, extra, yearForm) => {
          const body: Record<string, unknown> = { holidays: [['2027-10-01', '2027-10-07', '国庆节'], ...off.map((d) => [d, d, '假'])], workdays: makeUp.map((d) => [d, '班']) };
          if (extra !== null) body[extra] = [];
          const input = yearForm ? { year: 2027, ...body } : { '2027': body };
          if (extra !== null) {
            expect(bad(input).details).toMatchObject({ year: 2027, field: extra });
            return;
          }
          const cal = businessCalendar({ holidays: ['CN', ...parseHolidaySchedule(input)] });
          for (const d of makeUp) expect([d, cal.describeDay(d).kind]).toEqual([d, 'makeup-workday']);
          for (const d of off) expect([d, cal.describeDay(d).kind]).toEqual([d, 'holiday']);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('holidayCoverageCheck (the CI check, with an injected date)', () => {
  it('warns from 60 days before the last official year ends', () => {
    expect(holidayCoverageCheck('2026-10-31', { years: [2025, 2026] })).toEqual({ lastOfficialYear: 2026, daysLeft: 61 });
    const late = holidayCoverageCheck('2026-11-01', { years: [2025, 2026] });
    expect(late.daysLeft).toBe(60);
    expect(late.warning).toContain('ends with 2026 (in 60 days)');
    expect(holidayCoverageCheck('2027-01-03', { years: [2026] }).warning).toContain('3 days ago');
    expect(holidayCoverageCheck('2026-11-29').lastOfficialYear).toBe(2026); // the shipped data
    expect(late.warning).toContain('walk through December 2026');
  });

  it('refuses options it cannot use instead of answering "-Infinity (NaN days ago)" (regression)', () => {
    for (const options of [{ years: [] }, { years: ['2026'] }, { noticeDays: 'x' }, { noticeDays: -1 }, { noticeDays: 1.5 }, { noticeDay: 90 }]) {
      expect([JSON.stringify(options), caught(() => holidayCoverageCheck('2026-11-30', options as never)).code]).toEqual([JSON.stringify(options), 'INVALID_ARGUMENT']);
    }
  });
});
