import { callerInput } from '../input/plain-input.js';
import { DocketError } from '../errors.js';
import type { CnHolidayYear } from './cn-holiday-year.js';
import type { HolidayDay, HolidayList } from './holiday-source.js';
import { formatDayOrdinal, isoWeekdayOf, tryParseLocalDate, type DayOrdinal } from './local-date.js';
import { noticeSpanOf } from './notice-span.js';
import { duplicateJsonKey } from './json-duplicate-keys.js';
import { shownValue } from './shown-value.js';

// A bad entry as a message shows it: bounded, and never a raw error of its own (see shown-value.ts).
const shown = (value: unknown): string => shownValue(value, 80);

const WEEKDAYS = ['Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday', 'Sunday'];

/**
 * One year's official schedule as JSON, in the shape Docket ships (`CN_HOLIDAY_DATA`): either
 * `{ "2027": { "holidays": [...], "workdays": [...] } }` (several years allowed) or
 * `{ "year": 2027, "holidays": [...], "workdays": [...] }`. Holidays are `[from, to, nameZh, nameEn?]`
 * inclusive ranges, make-up working days `[date, nameZh, nameEn?]`. A year's days may include the
 * last week of the December before it, as its notice does (2019's: `["2018-12-30", "2019-01-01", "元旦"]`, `["2018-12-29", "元旦"]`).
 *
 * @example
 * ```ts
 * import type { HolidayScheduleJson } from 'docket';
 * const cn2027: HolidayScheduleJson = { year: 2027, holidays: [['2027-10-01', '2027-10-07', '国庆节', 'National Day']], workdays: [['2027-10-09', '国庆节', 'National Day']] };
 * ```
 */
export type HolidayScheduleJson =
  | Readonly<Record<string, CnHolidayYear>>
  | ({ readonly year: number } & CnHolidayYear);

function invalid(message: string, details: Record<string, unknown> = {}): DocketError {
  return new DocketError('INVALID_HOLIDAY_DATA', `${message} Nothing was loaded: fix the file (the shape is docs/calendar.md's "Adding next year's schedule") and load it again.`, details);
}

function date(value: unknown, year: number, where: string): DayOrdinal {
  const ordinal = typeof value === 'string' ? tryParseLocalDate(value) : undefined;
  if (ordinal === undefined) throw invalid(`${year}: ${where} ${shown(value)} is not a 'YYYY-MM-DD' date.`, { year });
  // A notice for Y may set days of Y-1's December (2019's: 2018-12-29 worked, 12-30 to 2019-01-01 off).
  const span = noticeSpanOf(year);
  if (ordinal < span.first || ordinal > span.last) {
    throw invalid(`${year}: ${where} ${String(value)} is outside ${year}'s notice (${formatDayOrdinal(span.first)} to ${formatDayOrdinal(span.last)}: the year, and the last week of the December before or the first week of the January after, which its 元旦 arrangement may reach; a day it may set waits on it as provisional until it is added).`, { year, date: value });
  }
  return ordinal;
}

function name(value: unknown, year: number, where: string): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value.trim() === '') throw invalid(`${year}: ${where} has a name that is not a non-empty string.`, { year });
  return value;
}

interface ParsedYear {
  readonly list: HolidayList;
  /** Each day the year's schedule sets: true for a make-up working day, false for a day off. */
  readonly days: ReadonlyMap<DayOrdinal, boolean>;
}

function parseYear(year: number, raw: unknown, allowed: readonly string[] = ['holidays', 'workdays']): ParsedYear {
  if (!Number.isInteger(year) || year < 1900 || year > 2200) throw invalid(`Year ${shown(year)} is not a year like 2027.`, { year });
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid(`${year}: expected { holidays: [...], workdays: [...] }.`, { year });
  // A misspelt field ("workday") would drop every make-up working day and still mark the year official.
  for (const key of Object.keys(raw)) {
    if (!allowed.includes(key)) throw invalid(`${year}: unknown field ${shown(key)} (expected ${allowed.map((k) => `"${k}"`).join(', ')}).`, { year, field: key });
  }
  const { holidays = [], workdays = [] } = raw as { holidays?: unknown; workdays?: unknown };
  if (!Array.isArray(holidays) || !Array.isArray(workdays)) throw invalid(`${year}: "holidays" and "workdays" must be arrays.`, { year });
  const off = new Map<DayOrdinal, string>();
  const outHolidays: HolidayDay[] = [];
  for (const entry of holidays as unknown[]) {
    if (!Array.isArray(entry) || entry.length < 2 || entry.length > 4) throw invalid(`${year}: a holiday must be [from, to, nameZh, nameEn?], got ${shown(entry)}.`, { year });
    const from = date(entry[0], year, 'holiday start');
    const to = date(entry[1], year, 'holiday end');
    if (to < from) throw invalid(`${year}: holiday ${String(entry[0])}..${String(entry[1])} ends before it starts.`, { year });
    const zh = name(entry[2], year, `holiday ${String(entry[0])}`);
    const en = name(entry[3], year, `holiday ${String(entry[0])}`);
    for (let d = from; d <= to; d++) {
      if (off.has(d)) throw invalid(`${year}: ${formatDayOrdinal(d)} is listed twice as a holiday.`, { year, date: formatDayOrdinal(d) });
      off.set(d, zh ?? '');
    }
    outHolidays.push({ from: String(entry[0]), to: String(entry[1]), ...(zh === undefined ? {} : { name: zh }), ...(en === undefined ? {} : { nameEn: en }) });
  }
  const worked = new Set<DayOrdinal>();
  const outWorkdays: HolidayDay[] = [];
  for (const entry of workdays as unknown[]) {
    if (!Array.isArray(entry) || entry.length < 1 || entry.length > 3) throw invalid(`${year}: a make-up working day must be [date, nameZh, nameEn?], got ${shown(entry)}.`, { year });
    const d = date(entry[0], year, 'make-up working day');
    const when = formatDayOrdinal(d);
    if (worked.has(d)) throw invalid(`${year}: make-up working day ${when} is listed twice.`, { year, date: when });
    if (off.has(d)) throw invalid(`${year}: ${when} is both a holiday and a make-up working day.`, { year, date: when });
    // 调休上班 moves work onto a rest day: every one in every notice is a Saturday or Sunday. A weekday
    // here is a typo for the weekend day next to it, which would silently stay a day off.
    if (isoWeekdayOf(d) < 6) {
      throw invalid(`${year}: make-up working day ${when} is a ${WEEKDAYS[isoWeekdayOf(d) - 1]}, already a working day: a make-up working day (调休上班) is a Saturday or Sunday. Is the date a typo?`, { year, date: when });
    }
    worked.add(d);
    const zh = name(entry[1], year, `make-up working day ${when}`);
    const en = name(entry[2], year, `make-up working day ${when}`);
    outWorkdays.push({ date: when, ...(zh === undefined ? {} : { name: zh }), ...(en === undefined ? {} : { nameEn: en }) });
  }
  const nationalDay = tryParseLocalDate(`${year}-10-01`)!;
  if (!off.has(nationalDay)) {
    throw invalid(`${year}: no holiday covers National Day (${year}-10-01). Every official schedule has one: is this the whole year's notice?`, { year });
  }
  const days = new Map<DayOrdinal, boolean>();
  for (const d of off.keys()) days.set(d, false);
  for (const d of worked) days.set(d, true);
  return { list: { years: [year], holidays: outHolidays, workdays: outWorkdays }, days };
}

/**
 * Two years of one input that give a day opposite meanings (2018's data says 2018-12-29 is off, 2019's
 * notice says it is worked) cannot both be the State Council's: whichever source came later would
 * silently win. The same meaning twice (a year keyed by date, as Docket ships it, beside the notice
 * that set the day) is one fact.
 */
function checkAgreement(years: readonly (ParsedYear & { readonly year: number })[]): void {
  const seen = new Map<DayOrdinal, { readonly working: boolean; readonly year: number }>();
  for (const { year, days } of years) {
    for (const [d, working] of days) {
      const before = seen.get(d);
      if (before !== undefined && before.working !== working) {
        const what = (w: boolean) => (w ? 'a make-up working day' : 'a day off');
        throw invalid(`${formatDayOrdinal(d)} is ${what(before.working)} in ${before.year}'s schedule but ${what(working)} in ${year}'s: the two contradict each other.`, { year, date: formatDayOrdinal(d) });
      }
      if (before === undefined) seen.set(d, { working, year });
    }
  }
}

/**
 * Load official holiday schedules from JSON (text or parsed), so an operator can add a year the day
 * the State Council publishes it: `businessCalendar({ holidays: ['CN', ...parseHolidaySchedule(json)] })`.
 * Each year is checked before anything is returned: no field but `holidays` and `workdays` (a misspelt
 * one would silently drop its days), entries of the right length, dates real and inside their notice's
 * reach (the year, plus 25–31 December before and 1–7 January after: the notice for 2019 set
 * 2018-12-29 to 31; the same span the calendar keeps provisional until the notice is added), no date
 * listed twice, no make-up working day that is also a holiday or falls on a weekday, no day two years
 * of the input give opposite meanings, no key written twice in one object of the text (`JSON.parse`
 * keeps the last `"2027"` of two and drops the first), and National Day (10-01) a holiday.
 * Throws `INVALID_HOLIDAY_DATA` (with `details.year`, and `details.date` when one date is at fault).
 *
 * @example
 * ```ts
 * import { businessCalendar, parseHolidaySchedule } from 'docket';
 * const cn2027 = parseHolidaySchedule('{"2027":{"holidays":[["2027-10-01","2027-10-07","国庆节","National Day"]],"workdays":[]}}');
 * businessCalendar({ holidays: ['CN', ...cn2027] }).yearCoverage(2027); // 'official'
 * ```
 */
export const parseHolidaySchedule = callerInput('parseHolidaySchedule()', ['input'], function parseHolidaySchedule(input: string | HolidayScheduleJson | unknown): HolidayList[] {
  let raw: unknown = input;
  if (typeof input === 'string') {
    try {
      raw = JSON.parse(input);
    } catch (error) {
      throw invalid(`The holiday schedule is not valid JSON (${error instanceof Error ? error.message : String(error)}).`);
    }
    // JSON.parse keeps the last of two equal keys: a year listed twice silently lost the first.
    const twice = duplicateJsonKey(input);
    if (twice !== undefined) {
      const year = twice.path.length === 0 && /^\d{4}$/.test(twice.key) ? Number(twice.key) : /^\d{4}$/.test(twice.path[0] ?? '') ? Number(twice.path[0]) : undefined;
      const where = twice.path.length === 0 ? 'at the top level' : `in ${twice.path.map((p) => JSON.stringify(p)).join(' → ')}`;
      const what = twice.path.length === 0 && year !== undefined ? `Year ${year} is listed twice` : `${JSON.stringify(twice.key)} is listed twice ${where}`;
      throw invalid(`${what}: JSON keeps only the last, so the other would be dropped without a word. Keep one (the official notice).`, { ...(year === undefined ? {} : { year }), field: twice.key });
    }
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw invalid('A holiday schedule must be a JSON object: { "2027": { "holidays": [...], "workdays": [...] } }.');
  const obj = raw as Record<string, unknown>;
  if ('year' in obj) return [parseYear(obj.year as number, obj, ['year', 'holidays', 'workdays']).list];
  const keys = Object.keys(obj);
  if (keys.length === 0) throw invalid('The holiday schedule lists no year.');
  const years = keys.map((key) => {
    if (!/^\d{4}$/.test(key)) throw invalid(`${shown(key)} is not a year: keys must be years like "2027".`, { year: key });
    return { year: Number(key), ...parseYear(Number(key), obj[key]) };
  });
  checkAgreement(years);
  return years.map((y) => y.list);
});
