import { DocketError } from '../errors.js';
import type { CompiledHolidays } from './holiday-source.js';
import { civilDateOf, DATE_RANGE, dayOrdinalOf, isoWeekdayOf, type DayOrdinal } from './local-date.js';
import { noticeYearsOf, noticeYearsTouching } from './notice-span.js';
import { isStatutoryYear } from './statutory-holidays.js';

/**
 * How a day counts: an ordinary working day, a weekend day, a holiday, or a make-up working day (调休).
 *
 * @example
 * ```ts
 * import { businessCalendar, type DayKind } from 'docket';
 * const kind: DayKind = businessCalendar().describeDay('2026-10-10').kind; // 'makeup-workday'
 * ```
 */
export type DayKind = 'workday' | 'weekend' | 'holiday' | 'makeup-workday';

/**
 * What the calendar does for a year it has no holiday data for: throw `CALENDAR_YEAR_MISSING`;
 * `'statutory'`: estimate the days off the law fixes (see {@link statutoryOverrides}) and warn once
 * (for the years that law governs, 2025–2099; any other year throws as with `'throw'`);
 * or `'weekdays-with-warning'`: treat the year as plain workweek days and warn once. Both estimates
 * make the year *provisional*: deadlines resolved on it are flagged so they can be re-resolved.
 *
 * @example
 * ```ts
 * import { businessCalendar, type MissingYearPolicy } from 'docket';
 * const policy: MissingYearPolicy = 'weekdays-with-warning';
 * businessCalendar({ onMissingYear: policy, onWarning: (m) => console.log(m) });
 * ```
 */
export type MissingYearPolicy = 'throw' | 'statutory' | 'weekdays-with-warning';

const KINDS: readonly DayKind[] = ['workday', 'weekend', 'holiday', 'makeup-workday'];
const WORKDAY = 0;
const WEEKEND = 1;
const HOLIDAY = 2;
const MAKEUP = 3;

interface YearTable {
  readonly year: number;
  readonly start: DayOrdinal;
  readonly length: number;
  readonly kinds: Uint8Array;
  /** prefix[i] = working days among the first i days of the year; prefix[length] = total. */
  readonly prefix: Int32Array;
  readonly total: number;
  /** True when the year is an estimate (no source covers it). */
  readonly estimated: boolean;
}

/**
 * Options of a {@link WorkingDayIndex}.
 *
 * @example
 * ```ts
 * import { compileHolidaySources } from './holiday-source.js';
 * import type { WorkingDayIndexOptions } from './working-day-index.js';
 * const options: WorkingDayIndexOptions = {
 *   holidays: compileHolidaySources('none'), workweek: [1, 2, 3, 4, 5], onMissingYear: 'throw', missingYearHint: () => '',
 * };
 * ```
 */
export interface WorkingDayIndexOptions {
  readonly holidays: CompiledHolidays;
  /** ISO weekdays that are working days (1 = Monday … 7 = Sunday). */
  readonly workweek: readonly number[];
  readonly onMissingYear: MissingYearPolicy;
  readonly onWarning?: (message: string) => void;
  /** Extra text for the missing-year message (how to add the year). */
  readonly missingYearHint: (year: number) => string;
  /**
   * True when the calendar follows China's State Council notices (its sources include `'CN'`): a
   * notice for Y may set days of Y-1's December (`noticeSpanOf`), so those days wait on Y.
   */
  readonly noticeReach?: boolean;
  /** For `'statutory'`: the estimated days off of a year no source covers. */
  readonly statutory?: (year: number) => ReadonlyMap<DayOrdinal, { readonly working: boolean; readonly name?: string; readonly nameEn?: string }>;
}

/**
 * `INVALID_ARGUMENT` unless `year` is a whole number: a year asked as text (`'2026'`, read from a
 * query string) or as `2026.5` would otherwise be answered "missing" (or "no data"), which is a
 * statement about the calendar, not about the caller's mistake.
 */
export function checkYearArgument(year: unknown): asserts year is number {
  if (typeof year !== 'number' || !Number.isSafeInteger(year)) {
    const shown = typeof year === 'string' ? JSON.stringify(year.slice(0, 40)) : typeof year === 'number' ? String(year) : typeof year;
    throw new DocketError('INVALID_ARGUMENT', `A year must be a whole number like 2027, got ${shown}${typeof year === 'string' ? ' (a string: pass Number(year))' : ''}.`, { field: 'year' });
  }
}

/** Years a single working-day walk may cross before the calendar gives up. */
const MAX_YEARS_WALKED = 400;

/**
 * Working-day arithmetic on day ordinals, with per-year tables built lazily: each year keeps the
 * kind of each day and a prefix sum of working days, so adding or counting working days costs one
 * binary search per year crossed instead of a step per day.
 *
 * @example
 * ```ts
 * import { compileHolidaySources } from './holiday-source.js';
 * import { dayOrdinalOf, formatDayOrdinal } from './local-date.js';
 * import { WorkingDayIndex } from './working-day-index.js';
 * const index = new WorkingDayIndex({
 *   holidays: compileHolidaySources('CN'), workweek: [1, 2, 3, 4, 5],
 *   onMissingYear: 'throw', missingYearHint: () => '',
 * });
 * formatDayOrdinal(index.addWorkingDays(dayOrdinalOf(2026, 9, 30), 1)); // '2026-10-08'
 * ```
 */
export class WorkingDayIndex {
  readonly #years = new Map<number, YearTable>();
  readonly #warned = new Set<number>();
  readonly #options: WorkingDayIndexOptions;
  readonly #workweek: boolean[];
  /** Estimated years a resolution touched, while {@link WorkingDayIndex.track} runs. */
  #touched: Set<number> | undefined;

  constructor(options: WorkingDayIndexOptions) {
    this.#options = options;
    this.#workweek = [false, false, false, false, false, false, false, false];
    for (const d of options.workweek) this.#workweek[d] = true;
  }

  /**
   * How `year` is covered: `'official'` when a holiday source has it, `'missing'` when using it
   * throws CALENDAR_YEAR_MISSING (the policy is `'throw'`, or `'statutory'` for a year the statutory
   * estimate does not govern), else `'provisional'` (estimated by the policy). The one place that
   * decides it, for the year tables and for `BusinessCalendar.yearCoverage`.
   */
  coverage(year: number): 'official' | 'provisional' | 'missing' {
    checkYearArgument(year);
    const { holidays, onMissingYear, statutory } = this.#options;
    if (holidays.coversYear(year)) return 'official';
    if (onMissingYear === 'throw' || (onMissingYear === 'statutory' && statutory !== undefined && !isStatutoryYear(year))) return 'missing';
    return 'provisional';
  }

  /** The year table for `year`, building it (and applying the missing-year policy) on first use. */
  #table(year: number): YearTable {
    const cached = this.#years.get(year);
    if (cached !== undefined) {
      if (cached.estimated && this.#touched !== undefined) this.#touched.add(year);
      return cached;
    }
    // A walk from a supported date can still step past one: its answer would be a date no input may name.
    if (year < 1 || year > 9999) {
      throw new DocketError('INVALID_ARGUMENT', `Working-day arithmetic reached the year ${year}, outside the dates the calendar supports, ${DATE_RANGE.first} to ${DATE_RANGE.last}: count fewer working days.`, { supported: DATE_RANGE });
    }
    const { holidays } = this.#options;
    const estimated = !holidays.coversYear(year);
    let estimate: ReadonlyMap<DayOrdinal, { readonly working: boolean }> | undefined;
    if (estimated) {
      const hint = this.#options.missingYearHint(year);
      const statutory = this.#options.onMissingYear === 'statutory' && this.#options.statutory !== undefined;
      // The statutory estimate is the law in force from 2025: a year it does not govern is missing, not estimated.
      if (this.coverage(year) === 'missing') {
        throw new DocketError(
          'CALENDAR_YEAR_MISSING',
          `The business calendar has no holiday data for ${year}, so it cannot tell working days from holidays in ${year}. ${hint}`,
          { year },
        );
      }
      if (statutory) estimate = this.#options.statutory!(year);
      if (!this.#warned.has(year)) {
        this.#warned.add(year);
        const message = statutory
          ? `The business calendar has no official holiday schedule for ${year}; estimating ${year} from the law (全国年节及纪念日放假办法: the statutory days off, a weekday off for one on a weekend). ` +
            `Make-up working days (调休) and the bridging days of the real schedule cannot be known until the State Council publishes it, so deadlines in ${year} are provisional: ` +
            `add the official schedule when it is published (parseHolidaySchedule loads its JSON) and run engine.reresolveDeadlines() (docket calendar reresolve).`
          : `The business calendar has no holiday data for ${year}; treating ${year} as plain weekdays. ${hint}`;
        if (this.#options.onWarning !== undefined) this.#options.onWarning(message);
        else console.warn(`[docket] ${message}`);
      }
    }
    const start = dayOrdinalOf(year, 1, 1);
    const length = dayOrdinalOf(year + 1, 1, 1) - start;
    const kinds = new Uint8Array(length);
    const prefix = new Int32Array(length + 1);
    let weekday = isoWeekdayOf(start) as number;
    for (let i = 0; i < length; i++) {
      const override = holidays.days.get(start + i) ?? estimate?.get(start + i);
      const normallyWorking = this.#workweek[weekday] === true;
      let kind: number;
      if (override === undefined) kind = normallyWorking ? WORKDAY : WEEKEND;
      else if (override.working) kind = normallyWorking ? WORKDAY : MAKEUP;
      else kind = HOLIDAY;
      kinds[i] = kind;
      prefix[i + 1] = prefix[i]! + (kind === WORKDAY || kind === MAKEUP ? 1 : 0);
      weekday = weekday === 7 ? 1 : weekday + 1;
    }
    const table: YearTable = { year, start, length, kinds, prefix, total: prefix[length]!, estimated };
    this.#years.set(year, table);
    if (estimated && this.#touched !== undefined) this.#touched.add(year);
    return table;
  }

  #last: YearTable | undefined;

  #tableOf(ordinal: DayOrdinal): YearTable {
    // Fast path: consecutive calls usually stay in the same year.
    const last = this.#last;
    if (last !== undefined && ordinal >= last.start && ordinal < last.start + last.length) {
      if (last.estimated && this.#touched !== undefined) this.#touched.add(last.year);
      return last;
    }
    const table = this.#table(civilDateOf(ordinal).year);
    this.#last = table;
    return table;
  }

  /**
   * Run `fn` and report which estimated years (no source covers them) it looked at, including a year
   * whose unpublished notice may still set a day of the December before or January after that `fn`
   * looked at: a deadline resolved on one of them is provisional. Not re-entrant (a nested call reports to the outer one).
   */
  track<T>(fn: () => T): { readonly value: T; readonly estimatedYears: readonly number[] } {
    if (this.#touched !== undefined) return { value: fn(), estimatedYears: [] };
    const touched = new Set<number>();
    this.#touched = touched;
    try {
      const value = fn();
      return { value, estimatedYears: [...touched].sort((a, b) => a - b) };
    } finally {
      this.#touched = undefined;
    }
  }

  /** True when `year` is estimated rather than covered by a source. */
  isEstimated(year: number): boolean {
    return !this.#options.holidays.coversYear(year);
  }

  /**
   * The years whose missing schedule leaves day `ordinal` provisional: its own year when estimated,
   * and the next (previous) year for a day of December's last week (January's first) when that year has no official
   * schedule, since its notice may still set the day (`noticeSpanOf`). Empty when final.
   */
  pendingYearsOf(ordinal: DayOrdinal): readonly number[] {
    if (this.#options.noticeReach !== true) {
      const year = civilDateOf(ordinal).year;
      return this.isEstimated(year) ? [year] : [];
    }
    return noticeYearsOf(ordinal).filter((year) => this.isEstimated(year));
  }

  /**
   * Note that a tracked resolution depended on the days `first..last`: a day of December's last week
   * (January's first) rests on the next (previous) year's notice too, so that year is pending when it is not official.
   * (The year tables note their own years as they are read.)
   */
  #noteSpan(first: DayOrdinal, last: DayOrdinal): void {
    const touched = this.#touched;
    if (touched === undefined || first > last || this.#options.noticeReach !== true) return;
    // The notice spans' one rule (notice-span.ts): the years whose notice may set one of these days.
    for (const year of noticeYearsTouching(first, last)) if (this.isEstimated(year)) touched.add(year);
  }

  /** How the day counts. Throws `CALENDAR_YEAR_MISSING` for a year with no data (policy 'throw'). */
  kindOf(ordinal: DayOrdinal): DayKind {
    const t = this.#tableOf(ordinal);
    this.#noteSpan(ordinal, ordinal);
    return KINDS[t.kinds[ordinal - t.start]!]!;
  }

  /** True when people work that day. */
  isWorking(ordinal: DayOrdinal): boolean {
    this.#noteSpan(ordinal, ordinal);
    const t = this.#tableOf(ordinal);
    const k = t.kinds[ordinal - t.start]!;
    return k === WORKDAY || k === MAKEUP;
  }

  /**
   * The `n`-th working day after `ordinal` (n > 0) or before it (n < 0); `ordinal` itself for n = 0.
   * The start day itself is never counted.
   */
  addWorkingDays(ordinal: DayOrdinal, n: number): DayOrdinal {
    if (!Number.isInteger(n)) throw new DocketError('INVALID_ARGUMENT', `Working days must be a whole number, got ${n}.`);
    if (n === 0) return ordinal;
    const result = this.#addWorkingDays(ordinal, n);
    // The days walked: after the start up to the result (or from the result up to before the start).
    if (n > 0) this.#noteSpan(ordinal + 1, result);
    else this.#noteSpan(result, ordinal - 1);
    return result;
  }

  #addWorkingDays(ordinal: DayOrdinal, n: number): DayOrdinal {
    let t = this.#tableOf(ordinal);
    let i = ordinal - t.start;
    let walked = 0;
    if (n > 0) {
      let remaining = n;
      for (;;) {
        // Working days strictly after index i in this year.
        const after = t.total - t.prefix[i + 1]!;
        if (remaining <= after) {
          // Smallest j > i with prefix[j + 1] === prefix[i + 1] + remaining.
          const target = t.prefix[i + 1]! + remaining;
          let lo = i + 1;
          let hi = t.length - 1;
          while (lo < hi) {
            const mid = (lo + hi) >>> 1;
            if (t.prefix[mid + 1]! >= target) hi = mid;
            else lo = mid + 1;
          }
          return t.start + lo;
        }
        remaining -= after;
        if (++walked > MAX_YEARS_WALKED) throw this.#tooFar(n);
        t = this.#table(t.year + 1);
        i = -1;
      }
    }
    let remaining = -n;
    for (;;) {
      // Working days strictly before index i in this year.
      const before = t.prefix[i]!;
      if (remaining <= before) {
        // Largest j < i with prefix[j] === before - remaining (and day j working).
        const target = before - remaining;
        let lo = 0;
        let hi = i - 1;
        while (lo < hi) {
          const mid = (lo + hi + 1) >>> 1;
          if (t.prefix[mid]! <= target) lo = mid;
          else hi = mid - 1;
        }
        return t.start + lo;
      }
      remaining -= before;
      if (++walked > MAX_YEARS_WALKED) throw this.#tooFar(n);
      t = this.#table(t.year - 1);
      i = t.length;
    }
  }

  /** Working days on or before `ordinal`, counted from the start of `ordinal`'s year, plus `base`. */
  #cumulative(t: YearTable, ordinal: DayOrdinal): number {
    return t.prefix[ordinal - t.start + 1]!;
  }

  /**
   * Working days `d` with `a < d <= b` when `a <= b`, negated (with `b < d <= a`) when `b < a`.
   * So `between(d, addWorkingDays(d, n)) === n` and `between(a, b) === -between(b, a)`.
   */
  between(a: DayOrdinal, b: DayOrdinal): number {
    if (a === b) return 0;
    if (b < a) return 0 - this.between(b, a); // 0 - x, never -0
    this.#noteSpan(a + 1, b); // the days counted: a < d <= b
    const ta = this.#tableOf(a);
    const tb = this.#tableOf(b);
    if (tb.year - ta.year > MAX_YEARS_WALKED) throw new DocketError('INVALID_ARGUMENT', 'Working days between dates more than 400 years apart are not counted.');
    let count = this.#cumulative(tb, b) - this.#cumulative(ta, a);
    for (let y = ta.year; y < tb.year; y++) count += this.#table(y).total;
    return count;
  }

  #tooFar(n: number): DocketError {
    return new DocketError('INVALID_ARGUMENT', `Adding ${n} working days walks more than ${MAX_YEARS_WALKED} years; the calendar has too few working days for that.`);
  }
}
