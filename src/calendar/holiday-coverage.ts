import { callerInput } from '../input/plain-input.js';
import { assertKnownKeys, DocketError } from '../errors.js';
import { CN_HOLIDAY_DATA } from './cn-holidays-data.js';
import { dayOrdinalOf, parseLocalDate } from './local-date.js';
import { shownValue } from './shown-value.js';

/**
 * What a coverage check found: the last official year, the days until it ends, and a warning when
 * that is within the notice period.
 *
 * @example
 * ```ts
 * import { holidayCoverageCheck, type HolidayCoverageCheck } from 'docket';
 * const c: HolidayCoverageCheck = holidayCoverageCheck('2026-11-29');
 * c.warning; // "China's official holiday data ends with 2026 (in 33 days) …"
 * ```
 */
export interface HolidayCoverageCheck {
  readonly lastOfficialYear: number;
  /** Days from `today` to 31 December of the last official year (negative once it has passed). */
  readonly daysLeft: number;
  readonly warning?: string;
}

/**
 * Check how long the shipped official China data lasts, for CI: warns when `today` ('YYYY-MM-DD') is
 * within `noticeDays` (default 60) of the end of the last official year, or past it. `years` defaults
 * to the years of `CN_HOLIDAY_DATA`. Throws `INVALID_ARGUMENT` for a malformed date, an unknown option, an empty or
 * non-integer `years` or a negative or fractional `noticeDays`.
 *
 * @example
 * ```ts
 * import { holidayCoverageCheck } from 'docket';
 * holidayCoverageCheck('2026-06-01').warning; // undefined: 213 days left
 * ```
 */
export const holidayCoverageCheck = callerInput('holidayCoverageCheck()', ['today', 'options'], function holidayCoverageCheck(today: string, options: { readonly noticeDays?: number; readonly years?: readonly number[] } = {}): HolidayCoverageCheck {
  // Checked, not coerced: years [] answered "ends with -Infinity (NaN days ago)", noticeDays 'x' warned always.
  if (typeof options !== 'object' || options === null) throw new DocketError('INVALID_ARGUMENT', 'holidayCoverageCheck() takes { noticeDays?, years? }.');
  assertKnownKeys(options, ['noticeDays', 'years'], 'holidayCoverageCheck()');
  const years = options.years ?? Object.keys(CN_HOLIDAY_DATA).map(Number);
  if (!Array.isArray(years) || years.length === 0 || !years.every((y) => Number.isSafeInteger(y))) {
    throw new DocketError('INVALID_ARGUMENT', `holidayCoverageCheck(): "years" must be a non-empty list of whole years, got ${shownValue(years)}.`);
  }
  const notice = options.noticeDays ?? 60;
  if (!Number.isSafeInteger(notice) || notice < 0) throw new DocketError('INVALID_ARGUMENT', `holidayCoverageCheck(): "noticeDays" must be a whole number of days, 0 or more, got ${shownValue(notice)}.`);
  const last = Math.max(...years);
  const daysLeft = dayOrdinalOf(last, 12, 31) - parseLocalDate(today, 'today');
  if (daysLeft > notice) return { lastOfficialYear: last, daysLeft };
  const when = daysLeft >= 0 ? `in ${daysLeft} days` : `${-daysLeft} days ago`;
  return {
    lastOfficialYear: last,
    daysLeft,
    warning:
      `China's official holiday data ends with ${last} (${when}). Deadlines in ${last + 1}, and those that walk through December ${last} (which ${last + 1}'s notice may still set), are provisional until the State Council's schedule is added: ` +
      `upgrade chinese-days and run scripts/generate-cn-holidays.ts when it has ${last + 1}, or ship it as a holiday source (parseHolidaySchedule).`,
  };
});
