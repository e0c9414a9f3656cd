import { civilDateOf, dayOrdinalOf, type DayOrdinal } from './local-date.js';

/**
 * The first day of December and the last day of January that a neighbouring year's notice has set,
 * or could set by its own pattern: 元旦 is joined to the weekend next to it, so a notice reaches at
 * most to the Saturday before a Tuesday New Year's Day (12-29, as in the 2008 and 2019 notices) or
 * the Sunday after a Thursday one (01-04, set by the year's own notice, as in 2009 and 2015). A
 * week on each side covers that with a margin; earlier December days are the year's own to set.
 */
export const DECEMBER_REACH_FROM = 25;
/** See {@link DECEMBER_REACH_FROM}: the last day of January a previous year's notice may set. */
export const JANUARY_REACH_TO = 7;

/**
 * The days the State Council's holiday notice for `year` may place: all of `year`, plus the last
 * week of the December before and the first week of the January after ({@link DECEMBER_REACH_FROM},
 * {@link JANUARY_REACH_TO}). A notice arranges 元旦 with the weekend next to it, so the notice for Y
 * has more than once set days of Y−1's December:
 *
 * - 国务院办公厅关于2006年部分节假日安排的通知 (国办发明电〔2005〕35号, 2005-12-16): 2005-12-31 (Sat) worked;
 * - 国务院办公厅关于2007年部分节假日安排的通知 (国办发明电〔2006〕49号, 2006-12-14): 2006-12-30 (Sat) and 12-31 (Sun) worked;
 * - 国务院办公厅关于2008年部分节假日安排的通知 (December 2007): 2007-12-30 to 2008-01-01 off, 2007-12-29 (Sat) worked;
 * - 国务院办公厅关于2012年部分节假日安排的通知 (国办发明电〔2011〕45号, 2011-12-05): 2011-12-31 (Sat) worked;
 * - 国务院办公厅关于2019年部分节假日安排的通知 (国办发明电〔2018〕15号, 2018-12-04): 2018-12-30 to 2019-01-01 off, 2018-12-29 (Sat) worked;
 * - 国务院办公厅关于2023年部分节假日安排的通知 (国办发明电〔2022〕16号, 2022-12-08): 2022-12-31 to 2023-01-02 off.
 *
 * No notice has yet set a day of the next January; the same rule allows it. Until Y's notice is
 * published, the days of Y−1's December it may set are therefore provisional, whatever Y−1's own
 * notice says. This span is the one rule for both: what a schedule for Y may set
 * (`parseHolidaySchedule`) and which days wait on Y's notice ({@link noticeYearsOf},
 * {@link noticeYearsTouching}). A schedule that could set a day the calendar called final would move
 * a deadline never marked provisional, which `reresolveDeadlines` then never looks at.
 *
 * @example
 * ```ts
 * import { formatDayOrdinal } from './local-date.js';
 * import { noticeSpanOf } from './notice-span.js';
 * const span = noticeSpanOf(2019);
 * [formatDayOrdinal(span.first), formatDayOrdinal(span.last)]; // ['2018-12-25', '2020-01-07']
 * ```
 */
export function noticeSpanOf(year: number): { readonly first: DayOrdinal; readonly last: DayOrdinal } {
  return { first: dayOrdinalOf(year - 1, 12, DECEMBER_REACH_FROM), last: dayOrdinalOf(year + 1, 1, JANUARY_REACH_TO) };
}

/**
 * The notice years whose schedule may set day `ordinal`: those whose {@link noticeSpanOf} holds it
 * (its own year, and the next year for a day in the last week of December, or the year before for a
 * day in the first week of January).
 *
 * @example
 * ```ts
 * import { dayOrdinalOf } from './local-date.js';
 * import { noticeYearsOf } from './notice-span.js';
 * noticeYearsOf(dayOrdinalOf(2026, 12, 31)); // [2026, 2027]
 * ```
 */
export function noticeYearsOf(ordinal: DayOrdinal): readonly number[] {
  return noticeYearsTouching(ordinal, ordinal);
}

/**
 * The notice years whose {@link noticeSpanOf} shares a day with `first..last`, ascending (none when
 * `first > last`).
 *
 * @example
 * ```ts
 * import { dayOrdinalOf } from './local-date.js';
 * import { noticeYearsTouching } from './notice-span.js';
 * noticeYearsTouching(dayOrdinalOf(2026, 12, 1), dayOrdinalOf(2026, 12, 24)); // [2026]
 * ```
 */
export function noticeYearsTouching(first: DayOrdinal, last: DayOrdinal): readonly number[] {
  const years: number[] = [];
  if (first > last) return years;
  for (let year = civilDateOf(first).year - 1; year <= civilDateOf(last).year + 1; year++) {
    const span = noticeSpanOf(year);
    if (span.first <= last && span.last >= first) years.push(year);
  }
  return years;
}
