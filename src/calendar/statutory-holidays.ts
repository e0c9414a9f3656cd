import { callerInput } from '../input/plain-input.js';
import { LunarDay, SolarTerm } from 'tyme4ts';
import { DocketError } from '../errors.js';
import type { DayOverride } from './holiday-source.js';
import { dayOrdinalOf, formatDayOrdinal, isoWeekdayOf, type DayOrdinal } from './local-date.js';
import { shownValue } from './shown-value.js';

/**
 * What the statutory estimate does with a statutory holiday that falls on a Saturday or Sunday.
 * `'next-weekday'` (the law's rule, 《全国年节及纪念日放假办法》第六条: 全体公民放假的假日，如果适逢周六、周日，
 * 应当在工作日补假) gives a substitute day off: the first Monday–Friday after the holiday that is not
 * already a day off. `'none'` gives no substitute day.
 *
 * @example
 * ```ts
 * import { businessCalendar, type StatutoryWeekendRule } from 'docket';
 * const rule: StatutoryWeekendRule = 'none';
 * businessCalendar({ onMissingYear: 'statutory', statutoryWeekendRule: rule });
 * ```
 */
export type StatutoryWeekendRule = 'next-weekday' | 'none';

/**
 * One day off the law fixes, as the statutory estimate derives it.
 *
 * @example
 * ```ts
 * import { statutoryDaysOff } from 'docket';
 * statutoryDaysOff(2027)[0]; // { date: '2027-01-01', name: '元旦', nameEn: "New Year's Day", substitute: false }
 * ```
 */
export interface StatutoryDayOff {
  readonly date: string;
  readonly name: string;
  readonly nameEn: string;
  /** True for a substitute day off (补假) given for a holiday that fell on a weekend. */
  readonly substitute: boolean;
}

/** Where the statutory days off come from, for docs and warnings. */
export const STATUTORY_HOLIDAY_LAW =
  '全国年节及纪念日放假办法 (State Council Decree No. 795, 2024): 元旦 1, 春节 4 (除夕–初三), 清明 1, 劳动节 2 (5/1–2), 端午 1, 中秋 1, 国庆 3 (10/1–3); lunar dates and 清明 from tyme4ts';

/**
 * The years the statutory estimate covers. From 2025: the 2024 amendment (Decree 795) took effect on
 * 1 January 2025, and earlier years were governed by earlier versions of the law (春节 3 days and
 * 劳动节 1 day from 2008 to 2024; no 清明, 端午 or 中秋 before 2008), so estimating them from this one
 * is wrong by the law itself; their official schedules were published and are added as a source.
 * Until 2099: the range the lunar estimate is checked for.
 *
 * @example
 * ```ts
 * import { STATUTORY_YEARS } from './statutory-holidays.js';
 * STATUTORY_YEARS.first; // 2025
 * ```
 */
export const STATUTORY_YEARS = { first: 2025, last: 2099 } as const;

/**
 * True when the statutory estimate can estimate `year` ({@link STATUTORY_YEARS}).
 *
 * @example
 * ```ts
 * import { isStatutoryYear } from './statutory-holidays.js';
 * isStatutoryYear(2027); // true
 * isStatutoryYear(2003); // false: the 2024 law did not govern 2003
 * ```
 */
export function isStatutoryYear(year: number): boolean {
  return Number.isInteger(year) && year >= STATUTORY_YEARS.first && year <= STATUTORY_YEARS.last;
}

interface Fixed {
  readonly ordinal: DayOrdinal;
  readonly name: string;
  readonly nameEn: string;
}

function solar(day: { getYear(): number; getMonth(): number; getDay(): number }): DayOrdinal {
  return dayOrdinalOf(day.getYear(), day.getMonth(), day.getDay());
}

/** The holidays themselves (no substitutes), in date order. Lunar dates and 清明 come from tyme4ts. */
function fixedHolidays(year: number): Fixed[] {
  const days: Fixed[] = [];
  const add = (ordinal: DayOrdinal, name: string, nameEn: string) => days.push({ ordinal, name, nameEn });
  add(dayOrdinalOf(year, 1, 1), '元旦', "New Year's Day");
  // 春节: 除夕 (the last day of the previous lunar year) and 正月初一 to 初三 of this one.
  const newYear = LunarDay.fromYmd(year, 1, 1);
  add(solar(newYear.next(-1).getSolarDay()), '春节', 'Spring Festival');
  for (let i = 0; i < 3; i++) add(solar(newYear.next(i).getSolarDay()), '春节', 'Spring Festival');
  add(solar(SolarTerm.fromName(year, '清明').getJulianDay().getSolarDay()), '清明', 'Tomb-sweeping Day');
  add(dayOrdinalOf(year, 5, 1), '劳动节', 'Labour Day');
  add(dayOrdinalOf(year, 5, 2), '劳动节', 'Labour Day');
  add(solar(LunarDay.fromYmd(year, 5, 5).getSolarDay()), '端午', 'Dragon Boat Festival');
  add(solar(LunarDay.fromYmd(year, 8, 15).getSolarDay()), '中秋', 'Mid-autumn Festival');
  for (let d = 1; d <= 3; d++) add(dayOrdinalOf(year, 10, d), '国庆节', 'National Day');
  return days.sort((a, b) => a.ordinal - b.ordinal);
}

/**
 * The days off the law fixes in `year`, as day overrides by ordinal: the statutory holidays (lunar
 * dates and 清明 computed by tyme4ts) plus, with `'next-weekday'`, a substitute weekday off for each
 * one that falls on a Saturday or Sunday. Make-up working days (调休) are set each year by the State
 * Council's notice and cannot be derived, so there are none. Only days inside `year` are returned
 * (除夕 of a Spring Festival in late January belongs to that year). Throws `INVALID_ARGUMENT` for a
 * year outside {@link STATUTORY_YEARS} (2025–2099) or an unknown rule.
 *
 * @example
 * ```ts
 * import { dayOrdinalOf } from './local-date.js';
 * import { statutoryOverrides } from './statutory-holidays.js';
 * statutoryOverrides(2027, 'next-weekday').get(dayOrdinalOf(2027, 2, 9)); // { working: false, name: '春节（补假）', … }
 * ```
 */
export function statutoryOverrides(year: number, rule: StatutoryWeekendRule): Map<DayOrdinal, DayOverride> {
  if (!isStatutoryYear(year)) {
    throw new DocketError(
      'INVALID_ARGUMENT',
      `Statutory holidays are estimated for ${STATUTORY_YEARS.first}–${STATUTORY_YEARS.last} only (the law as amended in 2024 governs from 2025), got ${shownValue(year)}; add the year's schedule as a holiday source instead.`,
      { year },
    );
  }
  if (rule !== 'next-weekday' && rule !== 'none') {
    throw new DocketError('INVALID_ARGUMENT', `Invalid statutoryWeekendRule ${shownValue(rule)}: use 'next-weekday' or 'none'.`);
  }
  const first = dayOrdinalOf(year, 1, 1);
  const end = dayOrdinalOf(year + 1, 1, 1);
  const out = new Map<DayOrdinal, DayOverride>();
  const holidays = fixedHolidays(year);
  for (const h of holidays) out.set(h.ordinal, { working: false, name: h.name, nameEn: h.nameEn });
  if (rule === 'next-weekday') {
    // One substitute per weekend date: when two holidays coincide (中秋 on 1–3 October) the date is
    // one day off, as on a weekday.
    const seen = new Set<DayOrdinal>();
    for (const h of holidays) {
      if (isoWeekdayOf(h.ordinal) < 6 || seen.has(h.ordinal)) continue;
      seen.add(h.ordinal);
      let d = h.ordinal + 1;
      while (isoWeekdayOf(d) >= 6 || out.has(d)) d++;
      out.set(d, { working: false, name: `${h.name}（补假）`, nameEn: `${h.nameEn} (substitute day)` });
    }
  }
  for (const d of out.keys()) if (d < first || d >= end) out.delete(d);
  return out;
}

/**
 * {@link statutoryOverrides} as a list of dates, for docs, tests and `docket calendar`.
 *
 * @example
 * ```ts
 * import { statutoryDaysOff } from 'docket';
 * statutoryDaysOff(2027, 'none').map((d) => d.date); // ['2027-01-01', '2027-02-05', …, '2027-10-03']
 * ```
 */
export const statutoryDaysOff = callerInput('statutoryDaysOff()', ['year', 'rule'], function statutoryDaysOff(year: number, rule: StatutoryWeekendRule = 'next-weekday'): StatutoryDayOff[] {
  return [...statutoryOverrides(year, rule)]
    .sort(([a], [b]) => a - b)
    .map(([d, o]) => ({ date: formatDayOrdinal(d), name: o.name!, nameEn: o.nameEn!, substitute: o.name!.endsWith('（补假）') }));
});
