import { assertKnownKeys, DocketError } from '../errors.js';
import { CN_HOLIDAY_DATA } from './cn-holidays-data.js';
import { dayOrdinalOf, formatDayOrdinal, parseLocalDate, type DayOrdinal } from './local-date.js';
import { noticeSpanOf } from './notice-span.js';
import { shownValue } from './shown-value.js';

/**
 * One day (or range of days) in a {@link HolidayList}: `'YYYY-MM-DD'`, `{ date, name? }`, or an inclusive
 * range `{ from, to, name? }` (ranges are for `holidays` only).
 *
 * @example
 * ```ts
 * import type { HolidayDay } from 'docket';
 * const days: HolidayDay[] = ['2027-01-01', { date: '2027-06-01', name: '司庆' }, { from: '2027-10-01', to: '2027-10-07', name: '国庆节' }];
 * ```
 */
export type HolidayDay =
  | string
  | { readonly date: string; readonly name?: string; readonly nameEn?: string }
  | { readonly from: string; readonly to: string; readonly name?: string; readonly nameEn?: string };

/**
 * A user-supplied schedule: days off, working days (e.g. make-up working Saturdays), and the `years`
 * the list describes completely. Listing a year in `years` tells the calendar it has data for that
 * year (so it stops throwing `CALENDAR_YEAR_MISSING`); a list without `years` only adds or overrides
 * individual days (a company holiday) on top of the sources before it.
 *
 * @example
 * ```ts
 * import { businessCalendar, type HolidayList } from 'docket';
 * const cn2031: HolidayList = {
 *   years: [2031],
 *   holidays: [{ from: '2031-10-01', to: '2031-10-07', name: '国庆节' }],
 *   workdays: ['2031-09-28'],
 * };
 * businessCalendar({ holidays: ['CN', cn2031] });
 * ```
 */
export interface HolidayList {
  /** Years this list describes completely (all its holidays and make-up working days are listed). */
  readonly years?: readonly number[];
  /** Shorthand for `years: [year]`. */
  readonly year?: number;
  /** Days off that would otherwise be working days (or named days off on weekends). */
  readonly holidays?: readonly HolidayDay[];
  /** Days worked that would otherwise be days off (调休 make-up working days, or a cancelled holiday). */
  readonly workdays?: readonly HolidayDay[];
}

/**
 * Where a calendar's days off come from: `'CN'` (China's official schedule shipped with Docket),
 * `'none'` (only the workweek; every year counts as known), or a {@link HolidayList}. Several sources
 * compose in order; a later source overrides a day an earlier one set.
 *
 * @example
 * ```ts
 * import { businessCalendar } from 'docket';
 * businessCalendar({ holidays: ['CN', { holidays: [{ date: '2026-06-01', name: '司庆' }] }] });
 * ```
 */
export type HolidaySource = 'CN' | 'none' | HolidayList;

/**
 * What a holiday source says about one day.
 *
 * @example
 * ```ts
 * import { compileHolidaySources } from './holiday-source.js';
 * import { dayOrdinalOf } from './local-date.js';
 * compileHolidaySources('CN').days.get(dayOrdinalOf(2026, 10, 10)); // { working: true, name: '国庆节', nameEn: 'National Day' }
 * ```
 */
export interface DayOverride {
  readonly working: boolean;
  readonly name?: string;
  readonly nameEn?: string;
}

/**
 * The composed sources, ready for lookups: which years are known and which days differ from the workweek.
 *
 * @example
 * ```ts
 * import { compileHolidaySources } from './holiday-source.js';
 * compileHolidaySources(['CN']).coversYear(2026); // true
 * ```
 */
export interface CompiledHolidays {
  coversYear(year: number): boolean;
  /** The years named explicitly (data years), ascending; `'none'` makes every year covered. */
  readonly knownYears: readonly number[];
  readonly coversAllYears: boolean;
  /** Day overrides by day ordinal. */
  readonly days: ReadonlyMap<DayOrdinal, DayOverride>;
}

function bad(message: string): DocketError {
  return new DocketError('INVALID_ARGUMENT', message);
}

function checkYear(year: unknown): number {
  if (typeof year !== 'number' || !Number.isInteger(year) || year < 1 || year > 9999) {
    throw bad(`Invalid holiday list year ${shownValue(year)}: expected an integer year like 2031.`);
  }
  return year;
}

function named(override: { working: boolean }, name: unknown, nameEn: unknown): DayOverride {
  if (name !== undefined && typeof name !== 'string') throw bad('A holiday name must be a string.');
  if (nameEn !== undefined && typeof nameEn !== 'string') throw bad('A holiday nameEn must be a string.');
  return {
    working: override.working,
    ...(name === undefined ? {} : { name }),
    ...(nameEn === undefined ? {} : { nameEn }),
  };
}

function addDays(days: Map<DayOrdinal, DayOverride>, entries: unknown, working: boolean): void {
  if (entries === undefined) return;
  const field = working ? 'workdays' : 'holidays';
  if (!Array.isArray(entries)) throw bad(`A holiday list's "${field}" must be an array of 'YYYY-MM-DD' dates.`);
  for (const entry of entries as unknown[]) {
    if (typeof entry === 'string') {
      days.set(parseLocalDate(entry, `${field} date`), { working });
    } else if (typeof entry === 'object' && entry !== null && 'date' in entry) {
      const e = entry as { date: unknown; name?: unknown; nameEn?: unknown };
      if (typeof e.date !== 'string') throw bad(`A ${field} entry's "date" must be 'YYYY-MM-DD'.`);
      days.set(parseLocalDate(e.date, `${field} date`), named({ working }, e.name, e.nameEn));
    } else if (typeof entry === 'object' && entry !== null && 'from' in entry && 'to' in entry) {
      const e = entry as { from: unknown; to: unknown; name?: unknown; nameEn?: unknown };
      if (typeof e.from !== 'string' || typeof e.to !== 'string') throw bad(`A ${field} range needs "from" and "to" as 'YYYY-MM-DD'.`);
      const from = parseLocalDate(e.from, `${field} range start`);
      const to = parseLocalDate(e.to, `${field} range end`);
      if (to < from || to - from > 366) throw bad(`Invalid ${field} range ${e.from}..${e.to}: "to" must be on or after "from", within a year.`);
      const value = named({ working }, e.name, e.nameEn);
      for (let d = from; d <= to; d++) days.set(d, value);
    } else {
      throw bad(`Invalid ${field} entry ${shownValue(entry)}: expected 'YYYY-MM-DD', { date, name? } or { from, to, name? }.`);
    }
  }
}

/** A source that gives some years completely, with the days it sets (read-only once made). */
interface YearClaim {
  readonly label: string;
  readonly years: readonly number[];
  readonly days: ReadonlyMap<DayOrdinal, DayOverride>;
}

let shipped: YearClaim | undefined;

/**
 * `'CN'`, Docket's shipped data, as a claim: built from `CN_HOLIDAY_DATA` once per process (it is a
 * constant), not again for every calendar made (one per tenant, say).
 */
function shippedClaim(): YearClaim {
  if (shipped !== undefined) return shipped;
  const days = new Map<DayOrdinal, DayOverride>();
  for (const data of Object.values(CN_HOLIDAY_DATA)) {
    for (const [from, to, name, nameEn] of data.holidays) {
      const end = parseLocalDate(to);
      for (let d = parseLocalDate(from); d <= end; d++) days.set(d, Object.freeze({ working: false, name, nameEn }));
    }
    for (const [date, name, nameEn] of data.workdays) days.set(parseLocalDate(date), Object.freeze({ working: true, name, nameEn }));
  }
  shipped = { label: "'CN' (Docket's shipped data)", years: Object.keys(CN_HOLIDAY_DATA).map(Number), days };
  return shipped;
}

/**
 * One year given completely by two sources (two notices registered for 2027: a draft and the
 * corrected one; or a list of 2027 beside a Docket release that ships 2027) is one fact only if the two
 * agree: lists compose day by day, so before, the later silently won each day it set and the union of
 * both stayed (a day the correction gave back to work stayed off). They must give every day of the
 * year the same meaning, and any day of its notice's reach (the December before, the January after)
 * that both set; otherwise `INVALID_HOLIDAY_DATA` naming the year and the first date they differ on.
 * The same list twice, or `'CN'` beside a list that repeats its year exactly, is accepted.
 */
function checkYearClaims(claims: readonly YearClaim[]): void {
  const first = new Map<number, YearClaim>();
  for (const claim of claims) {
    for (const year of new Set(claim.years)) {
      const before = first.get(year);
      if (before === undefined) {
        first.set(year, claim);
        continue;
      }
      const span = noticeSpanOf(year);
      const own = { first: dayOrdinalOf(year, 1, 1), last: dayOrdinalOf(year, 12, 31) };
      for (let d = span.first; d <= span.last; d++) {
        const a = before.days.get(d);
        const b = claim.days.get(d);
        const inYear = d >= own.first && d <= own.last;
        if (a === undefined && b === undefined) continue;
        if (a !== undefined && b !== undefined ? a.working === b.working : !inYear) continue;
        const what = (v: DayOverride | undefined) => (v === undefined ? 'an ordinary day' : v.working ? 'a make-up working day' : 'a day off');
        throw new DocketError(
          'INVALID_HOLIDAY_DATA',
          `Year ${year} is given completely by two holiday sources that disagree: ${formatDayOrdinal(d)} is ${what(a)} in ${before.label} but ${what(b)} in ${claim.label}. Sources compose day by day, so their days would be merged. Nothing was loaded: pass one schedule per year (the official notice).`,
          { year, date: formatDayOrdinal(d) },
        );
      }
    }
  }
}

/**
 * Compose holiday sources (later ones override earlier ones day by day) into lookup tables.
 * Throws `INVALID_ARGUMENT` on a malformed source, and `INVALID_HOLIDAY_DATA` (`details.year`,
 * `details.date`) when two sources give one year completely and disagree on a day of it.
 *
 * @example
 * ```ts
 * import { compileHolidaySources } from './holiday-source.js';
 * const h = compileHolidaySources(['CN', { years: [2031], holidays: ['2031-01-01'] }]);
 * h.coversYear(2031); // true
 * ```
 */
export function compileHolidaySources(sources: HolidaySource | readonly HolidaySource[]): CompiledHolidays {
  const list: readonly HolidaySource[] = Array.isArray(sources) ? sources : [sources as HolidaySource];
  const days = new Map<DayOrdinal, DayOverride>();
  const years = new Set<number>();
  // Each source that gives a year completely, with the days it sets: checked against the others below.
  const claims: YearClaim[] = [];
  let all = false;
  list.forEach((source, index) => {
    if (source === 'none') {
      all = true;
    } else if (source === 'CN') {
      const cn = shippedClaim();
      claims.push(cn);
      for (const y of cn.years) years.add(y);
      for (const [d, v] of cn.days) days.set(d, v);
    } else if (typeof source === 'object' && source !== null && !Array.isArray(source)) {
      const s = source as HolidayList;
      // A misspelt "workday" dropped every make-up working day of a year the list still made official.
      assertKnownKeys(s, ['years', 'year', 'holidays', 'workdays'], 'A holiday list', {}, 'holidays');
      // An empty list (`{}`, or one whose every field is undefined) sets nothing and covers no year:
      // taken before, it looked like a calendar configured with holidays that had none.
      if (s.years === undefined && s.year === undefined && s.holidays === undefined && s.workdays === undefined) {
        throw new DocketError('INVALID_ARGUMENT', 'A holiday list must give at least one of years, year, holidays or workdays; an empty one sets nothing. Leave it out, or list its days: { years: [2031], holidays: [...], workdays: [...] }.', { field: 'holidays' });
      }
      const own: number[] = [];
      if (s.year !== undefined) own.push(checkYear(s.year));
      if (s.years !== undefined) {
        if (!Array.isArray(s.years)) throw bad('A holiday list\'s "years" must be an array of years.');
        for (const y of s.years) own.push(checkYear(y));
      }
      const ownDays = new Map<DayOrdinal, DayOverride>();
      addDays(ownDays, s.holidays, false);
      addDays(ownDays, s.workdays, true);
      if (own.length > 0) claims.push({ label: `holiday list #${index + 1}`, years: own, days: ownDays });
      for (const y of own) years.add(y);
      for (const [d, v] of ownDays) days.set(d, v);
    } else {
      throw bad(`Unknown holiday source ${shownValue(source)}: use 'CN', 'none', or { years, holidays, workdays }.`);
    }
  });
  checkYearClaims(claims);
  const knownYears = [...years].sort((a, b) => a - b);
  return {
    coversYear: (year) => all || years.has(year),
    knownYears,
    coversAllYears: all,
    days,
  };
}
