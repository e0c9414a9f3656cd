import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, isDocketError, parseHolidaySchedule, workingDays, type DocketError } from '../src/index.js';

// A State Council notice for year Y may set days of Y-1's December: it arranges 元旦 with the weekend
// next to it. These guard the fault where such a notice could not be entered (its December days were
// "outside" its year), and where a December day counted as final although next year's notice, still
// unpublished, may set it.

function caught(fn: () => unknown): DocketError {
  try {
    fn();
  } catch (e) {
    if (isDocketError(e)) return e;
    throw e;
  }
  throw new Error('expected a DocketError');
}

/** The cross-year days of the real notices, as published (title and date in src/calendar/notice-span.ts). */
const NOTICES: readonly { readonly year: number; readonly off: readonly string[]; readonly worked: readonly string[] }[] = [
  { year: 2006, off: ['2006-01-01', '2006-01-02', '2006-01-03'], worked: ['2005-12-31'] },
  { year: 2007, off: ['2007-01-01', '2007-01-02', '2007-01-03'], worked: ['2006-12-30', '2006-12-31'] },
  { year: 2008, off: ['2007-12-30', '2007-12-31', '2008-01-01'], worked: ['2007-12-29'] },
  { year: 2012, off: ['2012-01-01', '2012-01-02', '2012-01-03'], worked: ['2011-12-31'] },
  { year: 2019, off: ['2018-12-30', '2018-12-31', '2019-01-01'], worked: ['2018-12-29'] },
  { year: 2023, off: ['2022-12-31', '2023-01-01', '2023-01-02'], worked: [] },
];

/** 2019's notice (国办发明电〔2018〕15号) as an operator would type it, with the rest of the year. */
const NOTICE_2019 = {
  '2019': {
    holidays: [
      ['2018-12-30', '2019-01-01', '元旦', "New Year's Day"],
      ['2019-02-04', '2019-02-10', '春节', 'Spring Festival'],
      ['2019-04-05', '2019-04-05', '清明节', 'Tomb-sweeping Day'],
      ['2019-05-01', '2019-05-04', '劳动节', 'Labour Day'],
      ['2019-06-07', '2019-06-07', '端午节', 'Dragon Boat Festival'],
      ['2019-09-13', '2019-09-13', '中秋节', 'Mid-autumn Festival'],
      ['2019-10-01', '2019-10-07', '国庆节', 'National Day'],
    ],
    workdays: [
      ['2018-12-29', '元旦', "New Year's Day"],
      ['2019-02-02', '春节', 'Spring Festival'],
      ['2019-02-03', '春节', 'Spring Festival'],
      ['2019-04-28', '劳动节', 'Labour Day'],
      ['2019-05-05', '劳动节', 'Labour Day'],
      ['2019-09-29', '国庆节', 'National Day'],
      ['2019-10-12', '国庆节', 'National Day'],
    ],
  },
};

describe("a notice's days in the December before its year", () => {
  it('the shipped data follows the real notices on their cross-year days', () => {
    const cal = businessCalendar();
    for (const { year, off, worked } of NOTICES) {
      for (const d of off) expect([year, d, cal.describeDay(d).working]).toEqual([year, d, false]);
      for (const d of worked) expect([year, d, cal.describeDay(d).kind]).toEqual([year, d, 'makeup-workday']);
      // Both years are official, so the days are final.
      for (const d of [...off, ...worked]) expect(cal.describeDay(d).provisional).toBeUndefined();
    }
  });

  it("parseHolidaySchedule accepts 2019's notice as published, and the calendar follows it in December 2018 (regression)", () => {
    // Before: "2019: holiday start 2018-12-30 is outside 2019", so the real notice could not be entered.
    const cn2019 = parseHolidaySchedule(JSON.stringify(NOTICE_2019));
    // On plain weekdays alone (no 'CN'), with 2018 given as plain weekdays: the notice decides December 2018.
    const cal = businessCalendar({ holidays: [{ years: [2018] }, ...cn2019] });
    expect(cal.describeDay('2018-12-29')).toMatchObject({ kind: 'makeup-workday', name: '元旦' });
    expect(cal.describeDay('2018-12-31')).toMatchObject({ kind: 'holiday', name: '元旦' });
    expect(cal.toLocalDate(cal.addWorkingDays('2018-12-28', 1))).toBe('2018-12-29');
    expect(cal.toLocalDate(cal.addWorkingDays('2018-12-29', 1))).toBe('2019-01-02');
    // The notice agrees with the shipped data day for day (the data also names the weekend days a holiday joins).
    const shipped = businessCalendar();
    const loaded = businessCalendar({ holidays: [{ years: [2018] }, ...cn2019] });
    for (const d of shipped.daysInRange('2018-12-01', '2019-12-31')) expect([d.date, loaded.describeDay(d.date).working]).toEqual([d.date, d.working]);
  });

  it('refuses a day outside the notice\'s reach and two years of one input that contradict each other', () => {
    const nov = caught(() => parseHolidaySchedule({ '2019': { ...NOTICE_2019['2019'], workdays: [['2018-11-30', '元旦']] } }));
    expect([nov.code, nov.details]).toEqual(['INVALID_HOLIDAY_DATA', { year: 2019, date: '2018-11-30' }]);
    // 2018's schedule saying 2018-12-29 is off, and 2019's notice saying it is worked: one of them is wrong.
    const cn2018 = { holidays: [['2018-10-01', '2018-10-07', '国庆节'], ['2018-12-29', '2018-12-29', '元旦']], workdays: [] };
    const clash = caught(() => parseHolidaySchedule({ '2018': cn2018, ...NOTICE_2019 }));
    expect([clash.code, clash.details]).toEqual(['INVALID_HOLIDAY_DATA', { year: 2019, date: '2018-12-29' }]);
    expect(clash.message).toContain('contradict');
    // The same meaning twice (a year keyed by date, as Docket ships it, beside the notice) is one fact.
    const agree = { holidays: [['2018-10-01', '2018-10-07', '国庆节'], ['2018-12-30', '2018-12-31', '元旦']], workdays: [['2018-12-29', '元旦']] };
    expect(parseHolidaySchedule({ '2018': agree, ...NOTICE_2019 })).toHaveLength(2);
  });

  it('a December day is provisional until next year\'s notice is added, and a deadline on it is re-resolvable then', () => {
    const cal = businessCalendar({ onWarning: () => {} });
    expect(cal.describeDay('2026-12-31').provisional).toBe(true);
    expect(cal.describeDay('2026-11-30').provisional).toBeUndefined();
    // Only a calendar following China's notices waits on next year's: a company's own 2026 list does not.
    const own = businessCalendar({ holidays: [{ years: [2026], holidays: ['2026-12-25'] }] });
    expect(own.describeDay('2026-12-31').provisional).toBeUndefined();
    expect(own.resolveWithProvenance(workingDays(1), own.localInstant('2026-12-30', '10:00'))).toMatchObject({ provisional: false, estimatedYears: [] });
    const r = cal.resolveWithProvenance(workingDays(2), cal.localInstant('2026-12-28', '10:00'));
    expect([cal.toLocalDate(r.at), r.provisional, r.estimatedYears]).toEqual(['2026-12-30', true, [2027]]);
    // 2027's notice (hypothetical here) gives 31 December 2026 off: the calendar follows it, and the
    // December days are final.
    const cn2027 = parseHolidaySchedule({ '2027': { holidays: [['2026-12-31', '2027-01-03', '元旦'], ['2027-10-01', '2027-10-07', '国庆节']], workdays: [] } });
    const published = businessCalendar({ holidays: ['CN', ...cn2027], onWarning: () => {} });
    expect(published.describeDay('2026-12-31')).toMatchObject({ kind: 'holiday', name: '元旦', working: false });
    expect(published.describeDay('2026-12-31').provisional).toBeUndefined();
    const again = published.resolveWithProvenance(workingDays(3), cal.localInstant('2026-12-28', '10:00'));
    expect([published.toLocalDate(again.at), again.provisional]).toEqual(['2027-01-04', false]);
  });

  it('property: a resolution is provisional exactly when it walked a day of an estimated year, or of a last week of December whose next year is estimated', () => {
    const cal = businessCalendar({ onWarning: () => {} });
    const start = Date.UTC(2026, 0, 1) / 86_400_000;
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 729 }), fc.integer({ min: -40, max: 40 }), (offset, n) => {
        const from = new Date((start + offset) * 86_400_000).toISOString().slice(0, 10);
        const r = cal.resolveWithProvenance(workingDays(n), cal.localInstant(from, '10:00'));
        const to = cal.toLocalDate(r.at);
        const [lo, hi] = from <= to ? [from, to] : [to, from];
        const walked = n === 0 ? [] : cal.daysInRange(lo, hi).filter((d) => d.date !== from);
        expect([from, n, r.provisional]).toEqual([from, n, walked.some((d) => d.provisional === true)]);
        if (r.provisional) expect([2027, 2028]).toEqual(expect.arrayContaining([...r.estimatedYears]));
        expect(r.estimatedYears.includes(2028)).toBe(walked.some((d) => d.date >= '2027-12-25'));
      }),
      { numRuns: 400 },
    );
  });
});

// The reach the schedule parser accepts (noticeSpanOf) and the reach that marks days and deadlines
// provisional were two rules: the parser let 2027's schedule set any day of December 2026, while only
// 25–31 December waited on 2027's notice. A schedule setting 2026-12-10 then moved deadlines the
// calendar had called final, which reresolveDeadlines never looks at. Now both read one span.
describe('one reach: the days a notice may set are the days that wait on it', () => {
  /** True when a schedule for `year` may set `date` (parseHolidaySchedule accepts it). */
  const accepts = (year: number, date: string): boolean => {
    try {
      parseHolidaySchedule({ [String(year)]: { holidays: [[date, date, '元旦'], [`${year}-10-01`, `${year}-10-07`, '国庆节']], workdays: [] } });
      return true;
    } catch (error) {
      if (isDocketError(error, 'INVALID_HOLIDAY_DATA')) return false;
      throw error;
    }
  };
  const official = (years: readonly number[]) =>
    years.length === 0 ? [] : parseHolidaySchedule(Object.fromEntries(years.map((y) => [String(y), { holidays: [[`${y}-10-01`, `${y}-10-07`, '国庆节']], workdays: [] }])));

  it("2027's schedule may not set 10 December 2026, which the calendar calls final; it may set 25 December, which waits on it", () => {
    const cal = businessCalendar({ onWarning: () => {} });
    expect(cal.describeDay('2026-12-10').provisional).toBeUndefined();
    expect(cal.resolveWithProvenance(workingDays(1), cal.localInstant('2026-12-09', '10:00'))).toMatchObject({ provisional: false, estimatedYears: [] });
    const early = caught(() => parseHolidaySchedule({ '2027': { holidays: [['2026-12-10', '2026-12-10', '元旦'], ['2027-10-01', '2027-10-07', '国庆节']], workdays: [] } }));
    expect([early.code, early.details]).toEqual(['INVALID_HOLIDAY_DATA', { year: 2027, date: '2026-12-10' }]);
    expect(early.message).toContain('2026-12-25 to 2028-01-07');
    expect(cal.describeDay('2026-12-25').provisional).toBe(true);
    expect(accepts(2027, '2026-12-25')).toBe(true);
  });

  it.each([
    ['2026-12-24', 2027, false],
    ['2026-12-25', 2027, true],
    ['2026-12-31', 2027, true],
    ['2028-01-07', 2027, true],
    ['2028-01-08', 2027, false],
    ['2026-11-30', 2027, false],
  ])('%s: settable by %i\'s schedule is %s, and so is its waiting on that notice', (date, year, reach) => {
    expect(accepts(year, date)).toBe(reach);
    // 2026 official (shipped), 2027 estimated, 2028 official: a day of 2026 or 2028 waits on 2027 alone.
    const cal = businessCalendar({ holidays: ['CN', ...official([2028])], onWarning: () => {} });
    expect(cal.describeDay(date).provisional === true).toBe(reach);
  });

  it('property: around year ends, a day is provisional, and a deadline rests on a year, exactly when that year is estimated and its schedule may set a day walked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2027, max: 2033 }),
        fc.integer({ min: -40 * 86_400_000, max: 40 * 86_400_000 }),
        fc.integer({ min: -12, max: 12 }),
        fc.subarray([2027, 2028, 2029, 2030, 2031, 2032, 2033, 2034]),
        (year, offsetMs, n, published) => {
          const cal = businessCalendar({ holidays: ['CN', ...official(published)], onWarning: () => {} });
          const instant = Date.UTC(year, 11, 31, 16) + offsetMs; // around midnight of 1 January in Shanghai
          const estimated = (y: number) => cal.yearCoverage(y) !== 'official';
          const waitsOn = (date: string): number[] => {
            const y = Number(date.slice(0, 4));
            return [y - 1, y, y + 1].filter((notice) => estimated(notice) && accepts(notice, date));
          };
          const day = cal.toLocalDate(instant);
          expect([day, cal.describeDay(day).provisional === true]).toEqual([day, waitsOn(day).length > 0]);
          const r = cal.resolveWithProvenance(workingDays(n), cal.localInstant(day, '10:00'));
          const to = cal.toLocalDate(r.at);
          const [lo, hi] = day <= to ? [day, to] : [to, day];
          const walked = n === 0 ? [] : cal.daysInRange(lo, hi).map((d) => d.date).filter((d) => d !== day);
          const expected = [...new Set(walked.flatMap(waitsOn))].sort((a, b) => a - b);
          expect([day, n, r.estimatedYears]).toEqual([day, n, expected]);
          expect(r.provisional).toBe(expected.length > 0);
        },
      ),
      { numRuns: 300 },
    );
  });
});
