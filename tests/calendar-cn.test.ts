import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { businessCalendar } from '../src/index.js';
import { CN_HOLIDAY_DATA } from '../src/calendar/cn-holidays-data.js';
import { dayOrdinalOf, formatDayOrdinal } from '../src/calendar/local-date.js';

const cal = businessCalendar(); // Asia/Shanghai, holidays 'CN'

describe('China 2026 official schedule (国务院办公厅 2026 年部分节假日安排)', () => {
  it('National Day: 1–7 October are holidays, Saturday 10 October is a make-up working day', () => {
    for (let day = 1; day <= 7; day++) {
      const date = `2026-10-0${day}`;
      expect(cal.isWorkingDay(date), date).toBe(false);
      expect(cal.describeDay(date)).toMatchObject({ kind: 'holiday', name: '国庆节' });
    }
    expect(cal.isWorkingDay('2026-10-05')).toBe(false);
    expect(cal.describeDay('2026-10-10')).toEqual({
      date: '2026-10-10',
      weekday: 6,
      working: true,
      kind: 'makeup-workday',
      name: '国庆节',
      nameEn: 'National Day',
    });
    // Sunday 20 September is the other make-up day for National Day.
    expect(cal.describeDay('2026-09-20')).toMatchObject({ weekday: 7, kind: 'makeup-workday' });
    expect(cal.isWorkingDay('2026-10-08')).toBe(true);
  });

  it('one working day after 30 September 2026 is 8 October, at the same local time', () => {
    const from = cal.localInstant('2026-09-30', '15:30');
    const next = cal.nextWorkingDay(from);
    expect(cal.toLocalDate(next)).toBe('2026-10-08');
    expect(next).toBe(Date.parse('2026-10-08T15:30:00+08:00'));
    expect(cal.addWorkingDays(from, 1)).toBe(next);
    expect(cal.previousWorkingDay('2026-10-08')).toBe(Date.parse('2026-09-30T00:00:00+08:00'));
    // Oct 8 (Thu), Oct 9 (Fri), Oct 10 (make-up Sat), Oct 12 (Mon)
    expect(cal.toLocalDate(cal.addWorkingDays('2026-09-30', 4))).toBe('2026-10-12');
  });

  it('Spring Festival 2026: 15–23 February off, Saturdays 14 and 28 February worked', () => {
    const days = cal.daysInRange('2026-02-13', '2026-03-01');
    const off = days.filter((d) => !d.working).map((d) => d.date);
    expect(off).toEqual([
      '2026-02-15', '2026-02-16', '2026-02-17', '2026-02-18', '2026-02-19',
      '2026-02-20', '2026-02-21', '2026-02-22', '2026-02-23', '2026-03-01',
    ]);
    expect(cal.describeDay('2026-02-14')).toMatchObject({ weekday: 6, kind: 'makeup-workday', name: '春节' });
    expect(cal.describeDay('2026-02-28')).toMatchObject({ weekday: 6, kind: 'makeup-workday' });
    expect(cal.describeDay('2026-03-01')).toMatchObject({ weekday: 7, kind: 'weekend', working: false });
    expect(cal.describeDay('2026-02-18')).toMatchObject({ kind: 'holiday', name: '春节', nameEn: 'Spring Festival' });
    expect(cal.toLocalDate(cal.nextWorkingDay('2026-02-14'))).toBe('2026-02-24');
  });

  it('New Year 2026: 1–3 January off, Sunday 4 January worked', () => {
    expect(cal.isWorkingDay('2026-01-02')).toBe(false);
    expect(cal.describeDay('2026-01-04')).toMatchObject({ weekday: 7, working: true, kind: 'makeup-workday' });
  });

  it('counts 2026 working days: 365 days − 104 weekend days − 19 holiday weekdays + 6 make-up days = 248', () => {
    // 2026 has 52 Saturdays and 52 Sundays (starts and ends on Thursday).
    const days = cal.daysInRange('2026-01-01', '2026-12-31');
    expect(days).toHaveLength(365);
    const holidayWeekdays = days.filter((d) => d.kind === 'holiday' && d.weekday <= 5).length;
    // Jan 1–2, Feb 16–20 + 23, Apr 6, May 1/4/5, Jun 19, Sep 25, Oct 1/2/5/6/7
    expect(holidayWeekdays).toBe(19);
    const makeup = days.filter((d) => d.kind === 'makeup-workday').length;
    expect(makeup).toBe(6);
    const working = days.filter((d) => d.working).length;
    expect(working).toBe(248);
    expect(cal.workingDaysBetween('2025-12-31', '2026-12-31')).toBe(working);
  });
});

describe('China 2025 official schedule', () => {
  it('Spring Festival 2025: 28 January – 4 February off; Sunday 26 January and Saturday 8 February worked', () => {
    expect(cal.describeDay('2025-01-26')).toMatchObject({ weekday: 7, working: true, kind: 'makeup-workday' });
    expect(cal.describeDay('2025-02-08')).toMatchObject({ weekday: 6, working: true, kind: 'makeup-workday' });
    expect(cal.isWorkingDay('2025-01-28')).toBe(false);
    expect(cal.isWorkingDay('2025-02-04')).toBe(false);
    expect(cal.isWorkingDay('2025-02-05')).toBe(true);
  });

  it('National Day 2025: 1–8 October off; Sunday 28 September and Saturday 11 October worked', () => {
    for (let day = 1; day <= 8; day++) expect(cal.isWorkingDay(`2025-10-0${day}`)).toBe(false);
    expect(cal.describeDay('2025-10-11')).toMatchObject({ weekday: 6, working: true, kind: 'makeup-workday' });
    expect(cal.describeDay('2025-09-28')).toMatchObject({ weekday: 7, working: true, kind: 'makeup-workday' });
    expect(cal.toLocalDate(cal.nextWorkingDay('2025-09-30'))).toBe('2025-10-09');
    // 9 Oct (Thu), 10 Oct (Fri), 11 Oct (make-up Sat) → 3 working days in (30 Sep, 11 Oct]
    expect(cal.workingDaysBetween('2025-09-30', '2025-10-11')).toBe(3);
  });
});

/**
 * Days where the shipped data follows the State Council's notice and chinese-days does not (the
 * generator's CORRECTIONS). The 2006 notice (国办发明电〔2005〕35号) made Saturday 31 December 2005 a
 * working day; chinese-days 1.5.7 has it as a plain weekend day.
 */
const CORRECTED: Readonly<Record<string, boolean>> = { '2005-12-31': true };

/**
 * chinese-days' isWorkday for every day of `years`, asked in a process on China's time (TZ=Asia/Shanghai).
 * The package builds its tables and reads a date through the machine's local time: asked in this
 * process, west of Greenwich (TZ=America/New_York) it answered for the wrong days (2004-01-01 a
 * working day, 2005-12-31 worked), and this test failed there while Docket's answers were right.
 */
function chineseWorkdays(years: readonly number[]): Readonly<Record<string, boolean>> {
  const script = `const c = require('chinese-days'); const out = {};
for (const y of ${JSON.stringify(years)}) for (let d = new Date(Date.UTC(y, 0, 1)); d.getUTCFullYear() === y; d.setUTCDate(d.getUTCDate() + 1)) { const t = d.toISOString().slice(0, 10); out[t] = c.isWorkday(t); }
process.stdout.write(JSON.stringify(out));`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { env: { ...process.env, TZ: 'Asia/Shanghai' }, encoding: 'utf8' })) as Record<string, boolean>;
}
const YEARS = Object.keys(CN_HOLIDAY_DATA).map(Number);
const CHINESE_DAYS = chineseWorkdays(YEARS);

describe('shipped data equals chinese-days, day by day', () => {
  it("follows the notice where chinese-days does not: 31 December 2005 was worked, by 2006's notice (regression)", () => {
    expect(CHINESE_DAYS['2005-12-31']).toBe(false); // when chinese-days fixes it, drop the correction
    expect(cal.describeDay('2005-12-31')).toMatchObject({ kind: 'makeup-workday', name: '元旦' });
    expect(cal.toLocalDate(cal.addWorkingDays('2005-12-30', 1))).toBe('2005-12-31');
    expect(cal.toLocalDate(cal.addWorkingDays('2005-12-31', 1))).toBe('2006-01-04');
  });


  it('every day of every shipped year agrees with chinese-days isWorkday/isHoliday', () => {
    const years = YEARS;
    expect(years[0]).toBe(2004);
    expect(years).toContain(2026);
    let checked = 0;
    for (const year of years) {
      for (let d = dayOrdinalOf(year, 1, 1); d < dayOrdinalOf(year + 1, 1, 1); d++) {
        const date = formatDayOrdinal(d);
        expect(cal.isWorkingDay(date), date).toBe(CORRECTED[date] ?? CHINESE_DAYS[date]);
        checked++;
      }
    }
    expect(checked).toBe(years.reduce((n, y) => n + (y % 4 === 0 ? 366 : 365), 0));
  });
});
