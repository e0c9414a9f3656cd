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
 * to the years of `CN_HOLIDAY_DATA`. The warning is for an application's operators, in `lang`
 * (`'en'`, the default, or `'zh-CN'`): upgrade Docket, or add the notice as a holiday source, then
 * re-resolve. Throws `INVALID_ARGUMENT` for a malformed date, an unknown option, an empty or
 * non-integer `years`, a negative or fractional `noticeDays` or another `lang`.
 *
 * @example
 * ```ts
 * import { holidayCoverageCheck } from 'docket';
 * holidayCoverageCheck('2026-06-01').warning; // undefined: 213 days left
 * ```
 */
export const holidayCoverageCheck = callerInput('holidayCoverageCheck()', ['today', 'options'], function holidayCoverageCheck(today: string, options: { readonly noticeDays?: number; readonly years?: readonly number[]; readonly lang?: 'en' | 'zh-CN' } = {}): HolidayCoverageCheck {
  // Checked, not coerced: years [] answered "ends with -Infinity (NaN days ago)", noticeDays 'x' warned always.
  if (typeof options !== 'object' || options === null) throw new DocketError('INVALID_ARGUMENT', 'holidayCoverageCheck() takes { noticeDays?, years?, lang? }.');
  assertKnownKeys(options, ['noticeDays', 'years', 'lang'], 'holidayCoverageCheck()');
  const lang = options.lang ?? 'en';
  if (lang !== 'en' && lang !== 'zh-CN') throw new DocketError('INVALID_ARGUMENT', `holidayCoverageCheck(): "lang" must be 'en' or 'zh-CN', got ${shownValue(lang)}.`, { field: 'options.lang' });
  const years = options.years ?? Object.keys(CN_HOLIDAY_DATA).map(Number);
  if (!Array.isArray(years) || years.length === 0 || !years.every((y) => Number.isSafeInteger(y))) {
    throw new DocketError('INVALID_ARGUMENT', `holidayCoverageCheck(): "years" must be a non-empty list of whole years, got ${shownValue(years)}.`);
  }
  const notice = options.noticeDays ?? 60;
  if (!Number.isSafeInteger(notice) || notice < 0) throw new DocketError('INVALID_ARGUMENT', `holidayCoverageCheck(): "noticeDays" must be a whole number of days, 0 or more, got ${shownValue(notice)}.`);
  const last = Math.max(...years);
  const daysLeft = dayOrdinalOf(last, 12, 31) - parseLocalDate(today, 'today');
  if (daysLeft > notice) return { lastOfficialYear: last, daysLeft };
  const next = last + 1;
  // For whoever runs an application on the installed package: what they can do. (It named the
  // repository's generator script and chinese-days, which a user of the package has neither of;
  // scripts/check-holiday-coverage.ts adds the maintainers' step itself.)
  const warning =
    lang === 'zh-CN'
      ? `中国官方节假日数据截至 ${last} 年（${daysLeft >= 0 ? `还有 ${daysLeft} 天` : `已过去 ${-daysLeft} 天`}）。${next} 年的期限，以及经过 ${last} 年 12 月底（${next} 年的通知可能调整这几天）的期限，在加入国务院放假安排之前都是暂定的：` +
        `升级到包含 ${next} 年数据的 docket 版本，或自行加入该通知作为节假日来源（parseHolidaySchedule；命令行 docket calendar --holidays 文件），然后重新计算暂定期限（engine.reresolveDeadlines 或 docket calendar reresolve）。`
      : `China's official holiday data ends with ${last} (${daysLeft >= 0 ? `in ${daysLeft} days` : `${-daysLeft} days ago`}). Deadlines in ${next}, and those that walk through December ${last} (which ${next}'s notice may still set), are provisional until the State Council's schedule is added: ` +
        `upgrade to a docket release that ships ${next}, or add the notice yourself as a holiday source (parseHolidaySchedule; on the command line docket calendar --holidays file), then re-resolve the provisional deadlines (engine.reresolveDeadlines or docket calendar reresolve).`;
  return { lastOfficialYear: last, daysLeft, warning };
});
