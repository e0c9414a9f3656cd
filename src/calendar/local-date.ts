import { DocketError } from '../errors.js';
import { shownValue } from './shown-value.js';

/**
 * A calendar date with no time and no zone, as the number of days since 1970-01-01 (day 0).
 * All day arithmetic in the calendar works on these ordinals: integer maths, no time zones.
 *
 * @example
 * ```ts
 * import { dayOrdinalOf, formatDayOrdinal } from './local-date.js';
 * formatDayOrdinal(dayOrdinalOf(2026, 10, 1) + 7); // '2026-10-08'
 * ```
 */
export type DayOrdinal = number;

/**
 * The day ordinal of a civil (proleptic Gregorian) date.
 *
 * @example
 * ```ts
 * import { dayOrdinalOf } from './local-date.js';
 * dayOrdinalOf(1970, 1, 2); // 1
 * ```
 */
export function dayOrdinalOf(year: number, month: number, day: number): DayOrdinal {
  // Howard Hinnant's days_from_civil.
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const mp = (month + 9) % 12;
  const doy = Math.floor((153 * mp + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * A civil date split into its parts.
 *
 * @example
 * ```ts
 * import { civilDateOf, type CivilDate } from './local-date.js';
 * const d: CivilDate = civilDateOf(20_000); // { year: 2024, month: 10, day: 4 }
 * ```
 */
export interface CivilDate {
  readonly year: number;
  /** 1–12. */
  readonly month: number;
  /** 1–31. */
  readonly day: number;
}

/**
 * The civil date of a day ordinal.
 *
 * @example
 * ```ts
 * import { civilDateOf } from './local-date.js';
 * civilDateOf(0); // { year: 1970, month: 1, day: 1 }
 * ```
 */
export function civilDateOf(ordinal: DayOrdinal): CivilDate {
  // Howard Hinnant's civil_from_days.
  const z = ordinal + 719468;
  const era = Math.floor(z / 146097);
  const doe = z - era * 146097;
  const yoe = Math.floor((doe - Math.floor(doe / 1460) + Math.floor(doe / 36524) - Math.floor(doe / 146096)) / 365);
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  return { year: yoe + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

/**
 * ISO weekday of a day ordinal: 1 = Monday … 7 = Sunday.
 *
 * @example
 * ```ts
 * import { isoWeekdayOf, dayOrdinalOf } from './local-date.js';
 * isoWeekdayOf(dayOrdinalOf(2026, 10, 10)); // 6 (Saturday)
 * ```
 */
export function isoWeekdayOf(ordinal: DayOrdinal): 1 | 2 | 3 | 4 | 5 | 6 | 7 {
  // 1970-01-01 was a Thursday (4).
  return ((((ordinal + 3) % 7) + 7) % 7 + 1) as 1 | 2 | 3 | 4 | 5 | 6 | 7;
}

/**
 * Number of days in a month of a year.
 *
 * @example
 * ```ts
 * import { daysInMonth } from './local-date.js';
 * daysInMonth(2028, 2); // 29
 * ```
 */
export function daysInMonth(year: number, month: number): number {
  return dayOrdinalOf(month === 12 ? year + 1 : year, month === 12 ? 1 : month + 1, 1) - dayOrdinalOf(year, month, 1);
}

/**
 * The dates the calendar reads and answers for: 0001-01-01 to 9999-12-31, the years `'YYYY-MM-DD'`
 * writes (ISO 8601 without its expanded, signed years), as quarters and holiday lists take them.
 */
export const DATE_RANGE = Object.freeze({ first: '0001-01-01', last: '9999-12-31' });
const FIRST_ORDINAL = dayOrdinalOf(1, 1, 1);
const LAST_ORDINAL = dayOrdinalOf(9999, 12, 31);

/**
 * The one range check of the calendar's date inputs: `ordinal` when it lies in {@link DATE_RANGE},
 * else `INVALID_ARGUMENT` saying the range (`details.supported` is {@link DATE_RANGE}), `input` shown as the caller gave it. Before it, year 0 and
 * negative years were read (an epoch-ms input of year -1 resolved deadlines) and year 10000 came out
 * of `quarterOf` as `{ year: 1000, quarter: 0 }`.
 *
 * @throws DocketError `INVALID_ARGUMENT` for a date before 0001-01-01 or after 9999-12-31.
 *
 * @example
 * ```ts
 * import { checkDateRange, dayOrdinalOf } from './local-date.js';
 * checkDateRange(dayOrdinalOf(2026, 10, 8), '2026-10-08'); // the ordinal
 * checkDateRange(dayOrdinalOf(0, 12, 31), '0000-12-31'); // throws INVALID_ARGUMENT
 * ```
 */
export function checkDateRange(ordinal: DayOrdinal, input: unknown): DayOrdinal {
  if (ordinal >= FIRST_ORDINAL && ordinal <= LAST_ORDINAL) return ordinal;
  throw new DocketError(
    'INVALID_ARGUMENT',
    `${shownValue(input)} is outside the dates the calendar supports, ${DATE_RANGE.first} to ${DATE_RANGE.last} (years 1–9999): pass a date in that range.`,
    { supported: DATE_RANGE },
  );
}

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** The ordinal of a `'YYYY-MM-DD'` text naming a real date (any four-digit year), or `undefined`. */
function readDate(text: string): DayOrdinal | undefined {
  const m = DATE_RE.exec(text);
  if (m === null) return undefined;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  return dayOrdinalOf(year, month, day);
}

/**
 * Parse a strict `'YYYY-MM-DD'` date into a day ordinal, or `undefined` when the text is not a real
 * date in {@link DATE_RANGE} (`'0000-01-01'` is not: there is no year 0).
 *
 * @example
 * ```ts
 * import { tryParseLocalDate } from './local-date.js';
 * tryParseLocalDate('2026-02-29'); // undefined (2026 is not a leap year)
 * ```
 */
export function tryParseLocalDate(text: string): DayOrdinal | undefined {
  const ordinal = readDate(text);
  return ordinal === undefined || ordinal < FIRST_ORDINAL || ordinal > LAST_ORDINAL ? undefined : ordinal;
}

/**
 * Parse a strict `'YYYY-MM-DD'` date into a day ordinal; throws `INVALID_ARGUMENT` otherwise, saying
 * the supported range for a date outside it ({@link checkDateRange}).
 *
 * @example
 * ```ts
 * import { parseLocalDate, formatDayOrdinal } from './local-date.js';
 * formatDayOrdinal(parseLocalDate('2026-10-10')); // '2026-10-10'
 * ```
 */
export function parseLocalDate(text: string, what = 'date'): DayOrdinal {
  // Not a string: no date (a Symbol made the match throw a raw TypeError); shown cut, not whole.
  const ordinal = typeof text === 'string' ? readDate(text) : undefined;
  if (ordinal === undefined) {
    throw new DocketError('INVALID_ARGUMENT', `Invalid ${what} ${shownValue(text)}: expected a real date written 'YYYY-MM-DD'.`);
  }
  return checkDateRange(ordinal, text);
}

function pad(n: number, width: number): string {
  return String(n).padStart(width, '0');
}

/**
 * Format a day ordinal as `'YYYY-MM-DD'`.
 *
 * @example
 * ```ts
 * import { formatDayOrdinal } from './local-date.js';
 * formatDayOrdinal(0); // '1970-01-01'
 * ```
 */
export function formatDayOrdinal(ordinal: DayOrdinal): string {
  const { year, month, day } = civilDateOf(ordinal);
  return `${pad(year, 4)}-${pad(month, 2)}-${pad(day, 2)}`;
}
