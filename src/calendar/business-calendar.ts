import { CN_HOLIDAY_DATA, CN_HOLIDAY_DATA_SOURCE } from './cn-holidays-data.js';
import { durationToMs, type Instant } from '../clock/clock.js';
import { assertKnownKeys, DocketError, isDocketError } from '../errors.js';
import { callerInput, unguarded } from '../input/plain-input.js';
import { checkMethodObject } from '../input/method-object.js';
import { validateDeadlineRule, type DeadlineRule, type RollPolicy } from './deadline-rule.js';
import { compileHolidaySources, type HolidaySource } from './holiday-source.js';
import { civilDateOf, daysInMonth, dayOrdinalOf, formatDayOrdinal, isoWeekdayOf, parseLocalDate, type DayOrdinal } from './local-date.js';
import { checkQuarter, quarterMonth, quarterOfMonth, shiftQuarter, type QuarterRef } from './quarter.js';
import { END_OF_DAY_MS, parseTimeOfDay } from './time-of-day.js';
import { isStatutoryYear, STATUTORY_YEARS, statutoryOverrides, type StatutoryWeekendRule } from './statutory-holidays.js';
import { checkYearArgument, WorkingDayIndex, type DayKind, type MissingYearPolicy } from './working-day-index.js';
import { shownValue } from './shown-value.js';
import { kindOf } from '../input/kind-of.js';
import { addWorkingTime, parseWorkingHours, type WorkingHoursOption } from './working-hours.js';
import { ZonedTime, type CalendarInput, type LocalPoint } from './zoned-time.js';

// Inside the calendar, quarters it worked out itself go to the quarter helpers without a copy.
const quarterMonthOf = unguarded(quarterMonth);
const shiftQuarterOf = unguarded(shiftQuarter);

/**
 * Options of {@link businessCalendar}.
 *
 * @example
 * ```ts
 * import { businessCalendar, type BusinessCalendarOptions } from 'docket';
 * const options: BusinessCalendarOptions = { zone: 'Asia/Shanghai', holidays: 'CN', onMissingYear: 'throw' };
 * businessCalendar(options);
 * ```
 */
export interface BusinessCalendarOptions {
  /** IANA time zone all local dates and times are in. Default `'Asia/Shanghai'`. */
  readonly zone?: string;
  /** Where days off come from; sources compose in order, later ones override. Default `'CN'`. */
  readonly holidays?: HolidaySource | readonly HolidaySource[];
  /** ISO weekdays that are normally worked (1 = Monday … 7 = Sunday). Default Monday–Friday. */
  readonly workweek?: readonly (1 | 2 | 3 | 4 | 5 | 6 | 7)[];
  /**
   * What to do for a year no holiday source covers: `'statutory'` (the default when the sources include
   * `'CN'`) estimates the days off China's law fixes, `'throw'` (the default otherwise) throws
   * `CALENDAR_YEAR_MISSING`, `'weekdays-with-warning'` treats it as plain workweek days. The statutory
   * estimate covers the years the 2024 law governs (2025–2099); another uncovered year throws. Both estimates
   * warn once per year and make deadlines in that year *provisional* (see {@link BusinessCalendar.resolveWithProvenance}).
   */
  readonly onMissingYear?: MissingYearPolicy;
  /**
   * For `'statutory'`: a statutory holiday on a Saturday or Sunday gives a substitute weekday off
   * (`'next-weekday'`, the law's 补假 rule, default) or nothing (`'none'`).
   */
  readonly statutoryWeekendRule?: StatutoryWeekendRule;
  /** Receives the missing-year warning (once per year). Without it the calendar uses `console.warn`. */
  readonly onWarning?: (message: string) => void;
  /** The daily working window for hour-level deadlines. Default 09:00–18:00. */
  readonly workingHours?: WorkingHoursOption;
}

/**
 * One day as the visualizer shows it.
 *
 * @example
 * ```ts
 * import { businessCalendar, type DayInfo } from 'docket';
 * const day: DayInfo = businessCalendar().describeDay('2026-10-10');
 * // { date: '2026-10-10', weekday: 6, working: true, kind: 'makeup-workday', name: '国庆节', nameEn: 'National Day' }
 * ```
 */
export interface DayInfo {
  readonly date: string;
  /** ISO weekday: 1 = Monday … 7 = Sunday. */
  readonly weekday: 1 | 2 | 3 | 4 | 5 | 6 | 7;
  readonly working: boolean;
  readonly kind: DayKind;
  /** Holiday (or make-up day) name in Chinese, when the source knows it. */
  readonly name?: string;
  /** Holiday (or make-up day) name in English, when the source knows it. */
  readonly nameEn?: string;
  /**
   * True when the day may still change with a schedule not yet published: its year has no official
   * schedule (the kind is an estimate), or it is in December and next year's notice, which may set
   * days of that December (2019's set 2018-12-29 to 31), is not yet added.
   */
  readonly provisional?: true;
}

/**
 * How well the calendar knows a year: `'official'` (a source covers it), `'provisional'` (estimated by
 * the missing-year policy: statutory or plain weekdays) or `'missing'` (policy `'throw'`).
 *
 * @example
 * ```ts
 * import { businessCalendar, type YearCoverage } from 'docket';
 * const c: YearCoverage = businessCalendar().yearCoverage(2040); // 'provisional' (statutory estimate)
 * ```
 */
export type YearCoverage = 'official' | 'provisional' | 'missing';

/**
 * A resolved deadline and whether it rests on estimated holiday data.
 *
 * @example
 * ```ts
 * import { businessCalendar, workingDays, type Resolution } from 'docket';
 * const cal = businessCalendar();
 * const r: Resolution = cal.resolveWithProvenance(workingDays(3), cal.localInstant('2026-12-30', '10:00'));
 * r.provisional; // true: the walk crossed into 2027, which only the statutory estimate covers
 * ```
 */
export interface Resolution {
  /** The instant, epoch ms. */
  readonly at: Instant;
  /**
   * True when some year the resolution looked at is estimated (no official schedule), or, in a calendar
   * with `'CN'`, it looked at a day of December whose next year's notice (which may set it) is not yet added.
   */
  readonly provisional: boolean;
  /** The estimated years it rests on, ascending (empty when `provisional` is false): 2027 for a walk through December 2026. */
  readonly estimatedYears: readonly number[];
}

/**
 * A day of a quarter: month 1–3 of the quarter, day of month or `'last'`, optional time and roll.
 *
 * @example
 * ```ts
 * import { businessCalendar, type QuarterDayQuery } from 'docket';
 * const q: QuarterDayQuery = { quarter: { year: 2026, quarter: 4 }, month: 3, day: 20, roll: 'previous' };
 * businessCalendar().quarterDay(q); // Friday 18 Dec 2026, 23:59:59.999 Shanghai time
 * ```
 */
export interface QuarterDayQuery {
  readonly quarter: QuarterRef;
  readonly month: 1 | 2 | 3;
  readonly day: number | 'last';
  /** Local time `'HH:mm'`; default end of day (23:59:59.999). */
  readonly time?: string;
  /** Default `'none'`. */
  readonly roll?: RollPolicy;
}

/**
 * Working-day and quarter arithmetic in one time zone with one holiday schedule. Every operation takes
 * instants (epoch ms) or {@link CalendarInput} strings and returns absolute instants; day-level
 * operations keep the local time of day.
 *
 * @example
 * ```ts
 * import { businessCalendar } from 'docket';
 * const cal = businessCalendar({ zone: 'Asia/Shanghai', holidays: 'CN' });
 * cal.toLocalDate(cal.nextWorkingDay('2026-09-30')); // '2026-10-08'
 * ```
 */
export interface BusinessCalendar {
  /** The IANA zone local dates are in. */
  readonly zone: string;
  /** The daily working window for hour-level operations. */
  readonly workingHours: WorkingHoursOption;
  /** True when some holiday source covers `year` (so no `CALENDAR_YEAR_MISSING` for it). Throws `INVALID_ARGUMENT` unless `year` is a whole number. */
  hasYear(year: number): boolean;
  /** True when the local date of `at` is a working day (including make-up working days). */
  isWorkingDay(at: CalendarInput): boolean;
  /** The first working day after `at`'s date, at the same local time of day. */
  nextWorkingDay(at: CalendarInput): Instant;
  /** The last working day before `at`'s date, at the same local time of day. */
  previousWorkingDay(at: CalendarInput): Instant;
  /**
   * The `n`-th working day after `at`'s date (before it for negative `n`), keeping the local time of day.
   * The start date is never counted; `n = 0` returns `at` unchanged.
   */
  addWorkingDays(at: CalendarInput, n: number): Instant;
  /**
   * Working days between the local dates of `a` and `b`: the count of working dates `d` with
   * `a < d ≤ b` (negated when `b` is before `a`). Time of day is ignored.
   */
  workingDaysBetween(a: CalendarInput, b: CalendarInput): number;
  /** Add working hours (negative to go back) inside the working window on working days. */
  addWorkingHours(at: CalendarInput, hours: number): Instant;
  /** Move `at` to a working day by `policy` when its date is not one (time of day kept). */
  roll(at: CalendarInput, policy: RollPolicy): Instant;
  /** The quarter containing `at`'s local date. */
  quarterOf(at: CalendarInput): QuarterRef;
  /** First and last local dates of a quarter, `'YYYY-MM-DD'`. */
  quarterDates(quarter: QuarterRef): { readonly first: string; readonly last: string };
  /** The instant of a day of a quarter ("second month, day 20"), rolled by `roll`. */
  quarterDay(query: QuarterDayQuery): Instant;
  /** Resolve a deadline rule from the instant `from` (usually when a state was entered). */
  resolve(rule: DeadlineRule, from: Instant): Instant;
  /**
   * {@link BusinessCalendar.resolve}, also saying whether the result rests on estimated holiday data
   * (a year no source covers, estimated by `onMissingYear`): such a deadline is provisional and should
   * be re-resolved once the official schedule is added. Throws what `resolve` throws.
   */
  resolveWithProvenance(rule: DeadlineRule, from: Instant): Resolution;
  /** Whether `year` is official, provisional (estimated) or missing. Throws `INVALID_ARGUMENT` unless `year` is a whole number (`'2026'` is refused, not "missing"). */
  yearCoverage(year: number): YearCoverage;
  /** The missing-year policy in force. */
  readonly onMissingYear: MissingYearPolicy;
  /** What kind of day `at`'s local date is. */
  describeDay(at: CalendarInput): DayInfo;
  /** Every local date from `from` to `to`, both included (at most 36 600 days). */
  daysInRange(from: CalendarInput, to: CalendarInput): DayInfo[];
  /** The local date of an instant, `'YYYY-MM-DD'`. */
  toLocalDate(at: CalendarInput): string;
  /** The instant of a local date at a local time (`'HH:mm'`, default 00:00). */
  localInstant(date: string, time?: string): Instant;
}

const MAX_RANGE_DAYS = 36_600;

/**
 * `error`, when it is a refusal naming no argument, as the same refusal naming `field`
 * (`details.field`): the readers below (a date, a time, a zone) do not know which argument they read;
 * the method that called them does. A refusal that names a field already keeps it.
 */
function naming(error: unknown, field: string): unknown {
  if (!isDocketError(error) || error.details.field !== undefined) return error;
  return new DocketError(error.code, error.message, { ...error.details, field });
}

function missingYearHint(sources: readonly HolidaySource[]): (year: number) => string {
  const usesCn = sources.includes('CN');
  const cnYears = Object.keys(CN_HOLIDAY_DATA).map(Number).sort((a, b) => a - b);
  const shipped = usesCn ? ` Docket ships China's schedule for ${cnYears[0]}–${cnYears[cnYears.length - 1]} (${CN_HOLIDAY_DATA_SOURCE}).` : '';
  return (year: number): string =>
    `Add the year's schedule as a holiday source, e.g. holidays: [${usesCn ? "'CN', " : ''}{ years: [${year}], ` +
    `holidays: [{ from: '${year}-10-01', to: '${year}-10-07', name: '国庆节' }, ...], workdays: ['${year}-09-27', ...] }] ` +
    `(China's State Council publishes next year's schedule each autumn; parseHolidaySchedule() loads it from JSON), or upgrade docket.${shipped} ` +
    (isStatutoryYear(year)
      ? `To estimate unknown years from the law instead, pass onMissingYear: 'statutory' (or 'weekdays-with-warning' for plain weekdays).`
      : `The statutory estimate covers ${STATUTORY_YEARS.first}–${STATUTORY_YEARS.last} only (the law as amended in 2024 governs from 2025), so it does not estimate ${year}; 'weekdays-with-warning' treats it as plain weekdays.`);
}

const OPTION_KEYS = ['zone', 'holidays', 'workweek', 'onMissingYear', 'statutoryWeekendRule', 'onWarning', 'workingHours'];

/**
 * Create a business calendar on luxon: working days, holidays (China's official schedule by default),
 * working hours, quarter arithmetic and deadline-rule resolution, all in one IANA zone.
 * Throws `INVALID_ARGUMENT` for an unknown zone or malformed options, naming the option in
 * `details.field` (`zone`, `workingHours.start`); each method's refusal of a bad argument names it
 * the same way (`at`, `days`, `from`, `to`, `date`, `time`, `query.month`: {@link METHOD_ARGUMENTS}).
 *
 * @example
 * ```ts
 * import { businessCalendar, workingDays } from 'docket';
 * const cal = businessCalendar(); // Asia/Shanghai, China's holidays, Mon–Fri, 09:00–18:00
 * cal.isWorkingDay('2026-10-10'); // true (make-up working Saturday)
 * cal.toLocalDate(cal.resolve(workingDays(1), cal.localInstant('2026-09-30', '10:00'))); // '2026-10-08'
 * ```
 */
export const businessCalendar = callerInput('businessCalendar()', ['options'], function businessCalendar(options: BusinessCalendarOptions = {}): BusinessCalendar {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new DocketError('INVALID_ARGUMENT', `businessCalendar() takes an options object { ${OPTION_KEYS.join(', ')} }, got ${shownValue(options)}.`, { field: 'options' });
  }
  // A misspelt option was ignored: { workWeek: [1, 2, 3, 4, 5, 6] } counted Saturdays off, { onMissingYears: 'throw' } estimated.
  assertKnownKeys(options, OPTION_KEYS, 'businessCalendar()');
  const zone = options.zone ?? 'Asia/Shanghai';
  let time: ZonedTime;
  try {
    time = new ZonedTime(zone);
  } catch (error) {
    throw naming(error, 'zone');
  }
  const sourceOption = options.holidays ?? 'CN';
  const sources: readonly HolidaySource[] = Array.isArray(sourceOption) ? sourceOption : [sourceOption as HolidaySource];
  let holidays: ReturnType<typeof compileHolidaySources>;
  try {
    holidays = compileHolidaySources(sources);
  } catch (error) {
    throw naming(error, 'holidays');
  }
  const workweek = options.workweek ?? [1, 2, 3, 4, 5];
  if (!Array.isArray(workweek) || workweek.length === 0 || workweek.some((d) => !Number.isInteger(d) || d < 1 || d > 7)) {
    throw new DocketError('INVALID_ARGUMENT', `Invalid workweek ${shownValue(workweek)}: expected ISO weekdays 1 (Mon) … 7 (Sun), at least one.`, { field: 'workweek' });
  }
  const onMissingYear = options.onMissingYear ?? (sources.includes('CN') ? 'statutory' : 'throw');
  if (onMissingYear !== 'throw' && onMissingYear !== 'statutory' && onMissingYear !== 'weekdays-with-warning') {
    throw new DocketError('INVALID_ARGUMENT', `Invalid onMissingYear ${shownValue(onMissingYear)}: use 'statutory', 'throw' or 'weekdays-with-warning'.`, { field: 'onMissingYear' });
  }
  const weekendRule = options.statutoryWeekendRule ?? 'next-weekday';
  if (weekendRule !== 'next-weekday' && weekendRule !== 'none') {
    throw new DocketError('INVALID_ARGUMENT', `Invalid statutoryWeekendRule ${shownValue(weekendRule)}: use 'next-weekday' or 'none'.`, { field: 'statutoryWeekendRule' });
  }
  const estimates = new Map<number, ReturnType<typeof statutoryOverrides>>();
  const statutory = (year: number) => {
    let days = estimates.get(year);
    if (days === undefined) estimates.set(year, (days = statutoryOverrides(year, weekendRule)));
    return days;
  };
  const workingHoursOption = options.workingHours ?? { start: '09:00', end: '18:00' };
  let window: ReturnType<typeof parseWorkingHours>;
  try {
    window = parseWorkingHours(workingHoursOption);
  } catch (error) {
    throw naming(error, 'workingHours');
  }
  const index = new WorkingDayIndex({
    holidays,
    workweek,
    onMissingYear,
    ...(options.onWarning === undefined ? {} : { onWarning: options.onWarning }),
    missingYearHint: missingYearHint(sources),
    noticeReach: sources.includes('CN'),
    statutory,
  });

  const rollOrdinal = (ordinal: DayOrdinal, policy: RollPolicy | undefined, field?: string): DayOrdinal => {
    // Checked before the day is looked at: roll(at, 'Next') passed silently on a working day and threw only on a holiday.
    if (policy !== undefined && policy !== 'none' && policy !== 'previous' && policy !== 'next') {
      throw new DocketError('INVALID_ARGUMENT', `Invalid roll policy ${shownValue(policy)}: use 'previous', 'next' or 'none'.`, field === undefined ? {} : { field });
    }
    if (policy === undefined || policy === 'none' || index.isWorking(ordinal)) return ordinal;
    return index.addWorkingDays(ordinal, policy === 'previous' ? -1 : 1);
  };

  // The method's date, time and instant arguments, read with their refusals naming the argument.
  const pointArg = (input: CalendarInput, field: string): LocalPoint => {
    try {
      return time.parse(input);
    } catch (error) {
      throw naming(error, field);
    }
  };
  const instantArg = (input: CalendarInput, field: string): Instant => {
    try {
      return time.parseInstant(input);
    } catch (error) {
      throw naming(error, field);
    }
  };
  const dateArg = (text: string, field: string): DayOrdinal => {
    try {
      return parseLocalDate(text);
    } catch (error) {
      throw naming(error, field);
    }
  };
  const timeArg = (text: string, field: string): number => {
    try {
      return parseTimeOfDay(text);
    } catch (error) {
      throw naming(error, field);
    }
  };

  const shiftDays = (at: CalendarInput, n: number): Instant => {
    const p = pointArg(at, 'at');
    return time.toInstant({ ordinal: index.addWorkingDays(p.ordinal, n), timeOfDay: p.timeOfDay });
  };

  const dayInfo = (ordinal: DayOrdinal): DayInfo => {
    const kind = index.kindOf(ordinal);
    const year = civilDateOf(ordinal).year;
    const estimated = index.isEstimated(year);
    // A day of December is provisional too while next year's notice, which may set it, is unpublished.
    const provisional = index.pendingYearsOf(ordinal).length > 0;
    const override = kind === 'weekend' || kind === 'workday' ? undefined : (holidays.days.get(ordinal) ?? (estimated && onMissingYear === 'statutory' ? statutory(year).get(ordinal) : undefined));
    return {
      date: formatDayOrdinal(ordinal),
      weekday: isoWeekdayOf(ordinal),
      working: kind === 'workday' || kind === 'makeup-workday',
      kind,
      ...(override?.name === undefined ? {} : { name: override.name }),
      ...(override?.nameEn === undefined ? {} : { nameEn: override.nameEn }),
      ...(provisional ? { provisional: true as const } : {}),
    };
  };

  // The date's own fields: reading them back out of its 'YYYY-MM-DD' text by position made year 10000
  // { year: 1000, quarter: 0 }.
  const quarterOfOrdinal = (ordinal: DayOrdinal): QuarterRef => {
    const { year, month } = civilDateOf(ordinal);
    return quarterOfMonth(year, month);
  };

  /** `query` as the caller's argument (refusals name `query.month` …), or as a rule resolved it (`undefined`: no field). */
  const quarterDay = (query: QuarterDayQuery, arg?: 'query'): Instant => {
    const field = (key: string) => (arg === undefined ? {} : { field: `${arg}.${key}` });
    if (arg !== undefined && (typeof query !== 'object' || query === null || Array.isArray(query))) {
      // `quarterDay(null)` read `null.quarter`: a raw TypeError.
      throw new DocketError('INVALID_ARGUMENT', `quarterDay() takes { quarter, month, day, time?, roll? } such as { quarter: { year: 2027, quarter: 1 }, month: 3, day: 'last' }, not ${kindOf(query)}.`, { field: arg });
    }
    if (arg !== undefined) checkQuarter(query.quarter, `${arg}.quarter`);
    let ym: { readonly year: number; readonly month: number };
    try {
      ym = quarterMonthOf(query.quarter, query.month);
    } catch (error) {
      throw arg === undefined ? error : naming(error, `${arg}.month`);
    }
    const { year, month } = ym;
    const last = daysInMonth(year, month);
    const day = query.day === 'last' ? last : query.day;
    if (!Number.isInteger(day) || day < 1 || day > last) {
      throw new DocketError('INVALID_DEADLINE_RULE', `Day ${String(query.day)} does not exist in ${year}-${String(month).padStart(2, '0')} (it has ${last} days); use day: 'last'.`, field('day'));
    }
    if (query.month !== 1 && query.month !== 2 && query.month !== 3) {
      throw new DocketError('INVALID_DEADLINE_RULE', `Month of quarter must be 1, 2 or 3, got ${shownValue(query.month)}.`, field('month'));
    }
    const ordinal = rollOrdinal(dayOrdinalOf(year, month, day), query.roll, arg === undefined ? undefined : `${arg}.roll`);
    const timeOfDay = query.time === undefined ? END_OF_DAY_MS : arg === undefined ? parseTimeOfDay(query.time) : timeArg(query.time, `${arg}.time`);
    return time.toInstant({ ordinal, timeOfDay });
  };

  const withTimeOrUndefined = (q: Omit<QuarterDayQuery, 'time' | 'roll'>, t: string | undefined, roll: RollPolicy | undefined): QuarterDayQuery => ({
    ...q,
    ...(t === undefined ? {} : { time: t }),
    ...(roll === undefined ? {} : { roll }),
  });

  const calendar: BusinessCalendar = {
    zone,
    workingHours: workingHoursOption,
    hasYear: (year) => {
      checkYearArgument(year);
      return holidays.coversYear(year);
    },
    onMissingYear,
    yearCoverage: (year) => index.coverage(year),
    resolveWithProvenance: (rule, from) => {
      const { value, estimatedYears } = index.track(() => calendar.resolve(rule, from));
      return { at: value, provisional: estimatedYears.length > 0, estimatedYears };
    },
    isWorkingDay: (at) => index.isWorking(pointArg(at, 'at').ordinal),
    nextWorkingDay: (at) => shiftDays(at, 1),
    previousWorkingDay: (at) => shiftDays(at, -1),
    addWorkingDays: (at, n) => {
      if (typeof n !== 'number' || !Number.isInteger(n)) throw new DocketError('INVALID_ARGUMENT', `Working days must be a whole number, got ${shownValue(n)}.`, { field: 'days' });
      return n === 0 ? instantArg(at, 'at') : shiftDays(at, n);
    },
    workingDaysBetween: (a, b) => index.between(pointArg(a, 'from').ordinal, pointArg(b, 'to').ordinal),
    addWorkingHours: (at, hours) => {
      if (typeof hours !== 'number' || !Number.isFinite(hours)) throw new DocketError('INVALID_ARGUMENT', `Working hours must be a finite number, got ${shownValue(hours)}.`, { field: 'hours' });
      if (hours === 0) return instantArg(at, 'at');
      return time.toInstant(addWorkingTime(index, window, pointArg(at, 'at'), Math.round(hours * 3_600_000)));
    },
    roll: (at, policy) => {
      const p = pointArg(at, 'at');
      const ordinal = rollOrdinal(p.ordinal, policy, 'policy');
      // A date that does not move keeps its instant (local time and back is not one-to-one in a DST overlap).
      if (ordinal === p.ordinal) return time.parseInstant(at);
      return time.toInstant({ ordinal, timeOfDay: p.timeOfDay });
    },
    quarterOf: (at) => quarterOfOrdinal(pointArg(at, 'at').ordinal),
    quarterDates: (q) => {
      checkQuarter(q, 'quarter');
      const first = quarterMonthOf(q, 1);
      const last = quarterMonthOf(q, 3);
      return {
        first: formatDayOrdinal(dayOrdinalOf(first.year, first.month, 1)),
        last: formatDayOrdinal(dayOrdinalOf(last.year, last.month, daysInMonth(last.year, last.month))),
      };
    },
    quarterDay: (query) => quarterDay(query, 'query'),
    resolve: (input, from) => {
      let rule: DeadlineRule;
      try {
        rule = validateDeadlineRule(input);
      } catch (error) {
        throw naming(error, 'rule');
      }
      if (typeof from !== 'number' || !Number.isFinite(from)) throw new DocketError('INVALID_ARGUMENT', `resolve() needs an epoch-ms instant as "from", got ${shownValue(from)}.`, { field: 'from' });
      // Read as every date input is (the supported dates checked there), whatever the rule needs of it.
      const start = pointArg(from, 'from');
      switch (rule.kind) {
        case 'duration':
          return from + durationToMs(rule.duration);
        case 'workingHours':
          return calendar.addWorkingHours(from, rule.hours);
        case 'workingDays': {
          const ordinal = rollOrdinal(index.addWorkingDays(start.ordinal, rule.days), rule.roll);
          if (rule.time === undefined && ordinal === start.ordinal) return from;
          return time.toInstant({ ordinal, timeOfDay: rule.time === undefined ? start.timeOfDay : parseTimeOfDay(rule.time) });
        }
        case 'quarterDay': {
          const quarter = 'relative' in rule.quarter ? shiftQuarterOf(quarterOfOrdinal(start.ordinal), rule.quarter.relative) : rule.quarter;
          return quarterDay(withTimeOrUndefined({ quarter, month: rule.month, day: rule.day }, rule.time, rule.roll));
        }
        case 'absolute': {
          const at = rule.at;
          const localDate = typeof at === 'string' && at.length === 10;
          const p = localDate ? { ordinal: parseLocalDate(at), timeOfDay: END_OF_DAY_MS } : time.parse(at);
          const timeOfDay = rule.time === undefined ? p.timeOfDay : parseTimeOfDay(rule.time);
          const ordinal = rollOrdinal(p.ordinal, rule.roll);
          // An instant the rule names (epoch ms, ISO with its own offset) is used as is unless the date moves.
          if (ordinal === p.ordinal && rule.time === undefined && !localDate) return time.parseInstant(at);
          return time.toInstant({ ordinal, timeOfDay });
        }
      }
    },
    describeDay: (at) => dayInfo(pointArg(at, 'at').ordinal),
    daysInRange: (from, to) => {
      const a = pointArg(from, 'from').ordinal;
      const b = pointArg(to, 'to').ordinal;
      if (b < a) throw new DocketError('INVALID_ARGUMENT', `daysInRange: "to" (${formatDayOrdinal(b)}) is before "from" (${formatDayOrdinal(a)}).`, { field: 'to' });
      if (b - a >= MAX_RANGE_DAYS) throw new DocketError('INVALID_ARGUMENT', `daysInRange covers at most ${MAX_RANGE_DAYS} days.`, { field: 'to' });
      const days: DayInfo[] = [];
      for (let d = a; d <= b; d++) days.push(dayInfo(d));
      return days;
    },
    toLocalDate: (at) => formatDayOrdinal(pointArg(at, 'at').ordinal),
    localInstant: (date, t) => time.toInstant({ ordinal: dateArg(date, 'date'), timeOfDay: t === undefined ? 0 : timeArg(t, 'time') }),
  };
  // Every method reads its arguments as plain data, once (src/input/plain-input.ts): a Proxy or a
  // getter that throws is INVALID_ARGUMENT naming the argument, never the caller's raw error.
  for (const key of Object.keys(METHOD_ARGUMENTS) as (keyof typeof METHOD_ARGUMENTS)[]) {
    (calendar as unknown as Record<string, unknown>)[key] = callerInput(`calendar.${key}()`, METHOD_ARGUMENTS[key], calendar[key] as (...args: never[]) => unknown);
  }
  return calendar;
});

/** The argument names of each calendar method, as its errors name them (`details.field`). */
const METHOD_ARGUMENTS = {
  hasYear: ['year'],
  yearCoverage: ['year'],
  resolveWithProvenance: ['rule', 'from'],
  isWorkingDay: ['at'],
  nextWorkingDay: ['at'],
  previousWorkingDay: ['at'],
  addWorkingDays: ['at', 'days'],
  workingDaysBetween: ['from', 'to'],
  addWorkingHours: ['at', 'hours'],
  roll: ['at', 'policy'],
  quarterOf: ['at'],
  quarterDates: ['quarter'],
  quarterDay: ['query'],
  resolve: ['rule', 'from'],
  describeDay: ['at'],
  daysInRange: ['from', 'to'],
  toLocalDate: ['at'],
  localInstant: ['date', 'time'],
} as const satisfies { readonly [K in keyof BusinessCalendar as BusinessCalendar[K] extends (...args: never[]) => unknown ? K : never]: readonly string[] };

/**
 * Refuse, where it is given, a value that is not a {@link BusinessCalendar}: `null`, a number, or an
 * object without the calendar's methods (`resolveWithProvenance()`, `addWorkingDays()`, …; the list
 * is {@link METHOD_ARGUMENTS}'). `INVALID_ARGUMENT` with `details.field` (`calendar`,
 * `tenants.acme.calendar`); `undefined` passes (no calendar: durations need none). A calendar `5` was
 * taken and failed, raw, at the first working-day deadline of some instance. Internal: `createEngine`
 * calls it (not exported, so no compiled example).
 */
export function checkCalendar(value: unknown, field: string, what: string): asserts value is BusinessCalendar | undefined {
  checkMethodObject(value, {
    what,
    field,
    noun: 'a business calendar',
    usage: "businessCalendar({ holidays: ['CN'] }) from 'docket', or leave it out when every deadline is a duration",
    methods: Object.keys(METHOD_ARGUMENTS),
    required: false,
  });
}
