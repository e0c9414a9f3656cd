import { callerInput, unguarded } from '../input/plain-input.js';
import type { DurationInput } from '../clock/clock.js';
import { DocketError, isDocketError } from '../errors.js';
import { kindOf } from '../input/kind-of.js';
import { DATE_RANGE, daysInMonth, tryParseLocalDate } from './local-date.js';
import { isQuarterRef, quarterMonth, type QuarterRef } from './quarter.js';
import { formatTimeOfDay, tryParseTimeOfDay } from './time-of-day.js';
import { isoInstantFault, readIsoFields } from '../clock/iso-instant.js';
import { hasOwnOffset, parseOffsetInstant } from './zoned-time.js';
import { shownValue } from './shown-value.js';

// The checked functions this module calls on values it has read already (no second copy of them).
const isQuarterRefOf = unguarded(isQuarterRef);
const quarterMonthOf = unguarded(quarterMonth);

export type { QuarterRef } from './quarter.js';

/**
 * What to do when a deadline lands on a day nobody works: move to the working day before
 * (`'previous'`), after (`'next'`), or keep it (`'none'`, the default).
 *
 * @example
 * ```ts
 * import { quarterDay } from 'docket';
 * // A submission due on Sunday 20 Dec 2026 moves to Friday 18 Dec.
 * quarterDay({ quarter: { relative: 0 }, month: 3, day: 20, roll: 'previous' });
 * ```
 */
export type RollPolicy = 'previous' | 'next' | 'none';

/**
 * A deadline as plain, JSON-serialisable data. A machine declares it; the engine resolves it with
 * `calendar.resolve(rule, enteredAt)` into an absolute instant, computed in the calendar's zone.
 *
 * - `duration`: a fixed length of time (no calendar needed).
 * - `workingDays`: the `days`-th working day after `from`, at `from`'s time of day or at `time`.
 * - `workingHours`: working hours inside the calendar's working hours (09:00–18:00 by default).
 * - `quarterDay`: day `day` (or `'last'`) of month `month` of a quarter, absolute or relative to
 *   the quarter of `from`; at `time` (default: end of day 23:59:59.999).
 * - `absolute`: a fixed instant (epoch ms or ISO with offset) or local date (`'YYYY-MM-DD'`, end of day
 *   unless `time` or a time in the string).
 *
 * @example
 * ```ts
 * import type { DeadlineRule } from 'docket';
 * const rule: DeadlineRule = { kind: 'quarterDay', quarter: { relative: 1 }, month: 2, day: 20, roll: 'previous' };
 * ```
 */
export type DeadlineRule =
  | { readonly kind: 'duration'; readonly duration: DurationInput }
  | { readonly kind: 'workingDays'; readonly days: number; readonly time?: string; readonly roll?: RollPolicy }
  | { readonly kind: 'workingHours'; readonly hours: number }
  | {
      readonly kind: 'quarterDay';
      readonly quarter: QuarterRef | { readonly relative: number };
      readonly month: 1 | 2 | 3;
      readonly day: number | 'last';
      readonly time?: string;
      readonly roll?: RollPolicy;
    }
  | { readonly kind: 'absolute'; readonly at: string | number; readonly time?: string; readonly roll?: RollPolicy };

/**
 * Options shared by the date-landing rule builders.
 *
 * @example
 * ```ts
 * import { workingDays, type DeadlineTimeOptions } from 'docket';
 * const opts: DeadlineTimeOptions = { time: '18:00', roll: 'next' };
 * workingDays(0, opts); // today at 18:00, or the next working day if today is a day off
 * ```
 */
export interface DeadlineTimeOptions {
  /** Local wall-clock time `'HH:mm'` on the resulting date. */
  readonly time?: string;
  /** What to do when the date is not a working day. */
  readonly roll?: RollPolicy;
}

/**
 * The spec of a {@link quarterDay} rule.
 *
 * @example
 * ```ts
 * import { quarterDay, type QuarterDaySpec } from 'docket';
 * const spec: QuarterDaySpec = { quarter: { relative: 1 }, month: 2, day: 20, roll: 'previous' };
 * quarterDay(spec);
 * ```
 */
export interface QuarterDaySpec extends DeadlineTimeOptions {
  readonly quarter: QuarterRef | { readonly relative: number };
  readonly month: 1 | 2 | 3;
  readonly day: number | 'last';
}

function withOptions<T extends object>(base: T, opts: DeadlineTimeOptions | undefined, what: string, field: string): T & DeadlineTimeOptions {
  // `base` is the builder's own fresh literal: the options are added to it, in this order (time,
  // then roll), rather than spread into a copy (a rule is built on every deadline a machine arms).
  if (opts === undefined) return base;
  // `null` was a raw TypeError (destructuring it), and a string or number was taken as no options.
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts)) {
    throw new DocketError('INVALID_ARGUMENT', `${what}: ${field} must be an object such as { time: '18:00', roll: 'previous' } (or left out), not ${kindOf(opts)}.`, { field });
  }
  const { time, roll } = opts;
  const rule = base as T & { -readonly [K in keyof DeadlineTimeOptions]: DeadlineTimeOptions[K] };
  if (time !== undefined) rule.time = time;
  if (roll !== undefined) rule.roll = roll;
  return rule;
}

/**
 * A fixed-length deadline: `duration({ hours: 4 })`.
 *
 * @example
 * ```ts
 * import { duration } from 'docket';
 * duration({ days: 2 }); // { kind: 'duration', duration: { days: 2 } }
 * ```
 */
export const duration = callerInput('duration()', ['duration'], function duration(d: DurationInput): DeadlineRule {
  return checkBuiltRule({ kind: 'duration', duration: d }, () => 'duration');
}, { vouchResult: true });

/**
 * "Within `days` working days": the `days`-th working day after the start (the start day is not counted).
 *
 * @example
 * ```ts
 * import { workingDays } from 'docket';
 * workingDays(3); // { kind: 'workingDays', days: 3 }
 * workingDays(3, { time: '18:00' }); // due at 18:00 on the third working day
 * ```
 */
export const workingDays = callerInput('workingDays()', ['days', 'options'], function workingDays(days: number, opts?: DeadlineTimeOptions): DeadlineRule {
  return checkBuiltRule(withOptions({ kind: 'workingDays', days }, opts, 'workingDays()', 'options'), (key) => (key === 'days' ? 'days' : `options.${key}`));
}, { vouchResult: true });

/**
 * "Within `hours` working hours", counted only inside the calendar's working hours on working days.
 *
 * @example
 * ```ts
 * import { workingHours } from 'docket';
 * workingHours(4); // { kind: 'workingHours', hours: 4 }
 * ```
 */
export const workingHours = callerInput('workingHours()', ['hours'], function workingHours(hours: number): DeadlineRule {
  return checkBuiltRule({ kind: 'workingHours', hours }, () => 'hours');
}, { vouchResult: true });

/**
 * "Month `month`, day `day` of a quarter": `quarterDay({ quarter: { relative: 1 }, month: 2, day: 20 })`
 * is the 20th of the second month of next quarter.
 *
 * @example
 * ```ts
 * import { quarterDay } from 'docket';
 * quarterDay({ quarter: { relative: 1 }, month: 2, day: 20, roll: 'previous' });
 * quarterDay({ quarter: { year: 2027, quarter: 1 }, month: 3, day: 'last', time: '18:00' });
 * ```
 */
export const quarterDay = callerInput('quarterDay()', ['spec'], function quarterDay(spec: QuarterDaySpec): DeadlineRule {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) {
    throw new DocketError('INVALID_ARGUMENT', `quarterDay() takes { quarter, month, day, time?, roll? } such as { quarter: { relative: 1 }, month: 2, day: 20 }, not ${kindOf(spec)}.`, { field: 'spec' });
  }
  return checkBuiltRule(
    withOptions({ kind: 'quarterDay', quarter: spec.quarter, month: spec.month, day: spec.day }, spec, 'quarterDay()', 'spec'),
    (key) => `spec.${key}`,
  );
}, { vouchResult: true });

/**
 * A fixed deadline: an ISO instant or epoch ms, or a local date `'YYYY-MM-DD'` in the calendar's zone.
 *
 * @example
 * ```ts
 * import { absolute } from 'docket';
 * absolute('2026-12-20', { time: '18:00', roll: 'previous' });
 * ```
 */
export const absolute = callerInput('absolute()', ['at', 'options'], function absolute(at: string | number, opts?: DeadlineTimeOptions): DeadlineRule {
  return checkBuiltRule(withOptions({ kind: 'absolute', at }, opts, 'absolute()', 'options'), (key) => (key === 'at' ? 'at' : `options.${key}`));
}, { vouchResult: true });

const DURATION_KEYS = ['weeks', 'days', 'hours', 'minutes', 'seconds', 'milliseconds'] as const;
const ALLOWED_KEYS: Record<DeadlineRule['kind'], readonly string[]> = {
  duration: ['kind', 'duration'],
  workingDays: ['kind', 'days', 'time', 'roll'],
  workingHours: ['kind', 'hours'],
  quarterDay: ['kind', 'quarter', 'month', 'day', 'time', 'roll'],
  absolute: ['kind', 'at', 'time', 'roll'],
};
/** The fewest days month 1, 2, 3 of any quarter has (Jan/Apr/Jul/Oct ≥ 30, Feb ≥ 28, Mar/Jun/Sep/Dec = 30+). */
const MIN_DAYS_OF_QUARTER_MONTH = [30, 28, 30] as const;
const MAX_WORKING_DAYS = 100_000;

/**
 * A refusal of `rule`, naming the part at fault in `details.field` (`rule.days`, `rule.duration.hours`,
 * `rule` for the rule as a whole); a builder renames it after its own arguments (see checkBuiltRule).
 */
function invalid(message: string, rule: unknown, key?: string): DocketError {
  return new DocketError('INVALID_DEADLINE_RULE', `Invalid deadline rule ${shownValue(rule)}: ${message}`, { rule, field: key === undefined ? 'rule' : `rule.${key}` });
}


/** True when `text` is an ISO instant or local date(-time) the calendar can resolve. */
function isResolvableAt(text: string): boolean {
  if (tryParseLocalDate(text) !== undefined) return true;
  if (!/^\d{4}-\d{2}-\d{2}[Tt]/.test(text) || isoInstantFault(text) !== undefined) return false;
  // Its date must be one the calendar reads (0001-01-01 … 9999-12-31): '0000-06-01T10:00' validated, then failed when armed.
  if (tryParseLocalDate(text.slice(0, 10)) === undefined) return false;
  // Text with its own offset is read by the one reader resolution uses, so a rule that validates
  // also resolves ('+99:99' passed luxon's check here and was refused when the deadline was armed).
  if (hasOwnOffset(text)) return parseOffsetInstant(text) !== undefined;
  return readIsoFields(text) !== undefined;
}

/**
 * Check that `rule` is a well-formed {@link DeadlineRule} (for example one read from JSON) and return it
 * typed. Throws `INVALID_DEADLINE_RULE` with a message saying what is wrong and `details.field`
 * naming the part (`rule.days`, `rule.duration.hours`; `rule` for the rule as a whole).
 *
 * @example
 * ```ts
 * import { validateDeadlineRule } from 'docket';
 * validateDeadlineRule({ kind: 'workingDays', days: 3 }); // ok
 * validateDeadlineRule({ kind: 'quarterDay', quarter: { relative: 1 }, month: 4, day: 1 }); // throws: month must be 1, 2 or 3
 * ```
 */
export const validateDeadlineRule = callerInput('validateDeadlineRule()', ['rule'], function validateDeadlineRule(rule: unknown): DeadlineRule {
  if (typeof rule !== 'object' || rule === null || Array.isArray(rule)) throw invalid('a rule must be an object with a "kind".', rule);
  const r = rule as Record<string, unknown>;
  const kind = r['kind'];
  if (typeof kind !== 'string' || !Object.hasOwn(ALLOWED_KEYS, kind)) {
    throw invalid(`unknown kind ${shownValue(kind)}; expected 'duration', 'workingDays', 'workingHours', 'quarterDay' or 'absolute'.`, rule, 'kind');
  }
  const allowed = ALLOWED_KEYS[kind as DeadlineRule['kind']];
  for (const key of Object.keys(r)) {
    if (!allowed.includes(key)) throw invalid(`unknown field "${key}" for a '${kind}' rule (allowed: ${allowed.join(', ')}).`, rule, key);
  }
  switch (kind) {
    case 'duration': {
      const d = r['duration'];
      if (typeof d === 'number') {
        if (!Number.isFinite(d) || d < 0) throw invalid(`"duration" in ms must be a finite number ≥ 0, got ${d}.`, rule, 'duration');
      } else if (typeof d === 'object' && d !== null && !Array.isArray(d)) {
        const entries = Object.entries(d);
        if (entries.length === 0) throw invalid('"duration" needs at least one of weeks, days, hours, minutes, seconds, milliseconds.', rule, 'duration');
        for (const [unit, value] of entries) {
          if (!(DURATION_KEYS as readonly string[]).includes(unit)) throw invalid(`unknown duration unit "${unit}" (use ${DURATION_KEYS.join(', ')}).`, rule, `duration.${unit}`);
          if (typeof value !== 'number' || !Number.isFinite(value)) throw invalid(`duration "${unit}" must be a finite number, got ${shownValue(value)}.`, rule, `duration.${unit}`);
        }
        if (entries.some(([, v]) => (v as number) < 0)) throw invalid('duration parts must not be negative.', rule, 'duration');
      } else {
        throw invalid('"duration" must be milliseconds or { weeks?, days?, hours?, minutes?, seconds?, milliseconds? }.', rule, 'duration');
      }
      break;
    }
    case 'workingDays': {
      const days = r['days'];
      if (typeof days !== 'number' || !Number.isInteger(days) || Math.abs(days) > MAX_WORKING_DAYS) {
        throw invalid(`"days" must be a whole number of working days (|days| ≤ ${MAX_WORKING_DAYS}), got ${shownValue(days)}.`, rule, 'days');
      }
      checkTimeAndRoll(r, rule);
      break;
    }
    case 'workingHours': {
      const hours = r['hours'];
      if (typeof hours !== 'number' || !Number.isFinite(hours) || Math.abs(hours) > MAX_WORKING_DAYS * 24) {
        throw invalid(`"hours" must be a finite number of working hours, got ${shownValue(hours)}.`, rule, 'hours');
      }
      break;
    }
    case 'quarterDay': {
      const q = r['quarter'];
      const isRelative = typeof q === 'object' && q !== null && 'relative' in q;
      if (isRelative) {
        const rel = (q as { relative: unknown }).relative;
        if (Object.keys(q).length !== 1 || typeof rel !== 'number' || !Number.isInteger(rel) || Math.abs(rel) > 400) {
          throw invalid(`"quarter.relative" must be a whole number of quarters (0 this, 1 next, -1 previous), got ${shownValue(q)}.`, rule, 'quarter.relative');
        }
      } else if (!isQuarterRefOf(q)) {
        throw invalid(`"quarter" must be { year, quarter: 1 | 2 | 3 | 4 } or { relative: n }, got ${shownValue(q)}.`, rule, 'quarter');
      }
      const month = r['month'];
      if (month !== 1 && month !== 2 && month !== 3) throw invalid(`"month" must be 1, 2 or 3 (month of the quarter), got ${shownValue(month)}.`, rule, 'month');
      const day = r['day'];
      if (day !== 'last') {
        if (typeof day !== 'number' || !Number.isInteger(day) || day < 1) {
          throw invalid(`"day" must be a day of the month (1–31) or 'last', got ${shownValue(day)}.`, rule, 'day');
        }
        const max = isRelative
          ? MIN_DAYS_OF_QUARTER_MONTH[month - 1]!
          : (() => {
              const ym = quarterMonthOf(q as QuarterRef, month);
              return daysInMonth(ym.year, ym.month);
            })();
        if (day > max) {
          throw invalid(
            isRelative
              ? `"day" ${day} does not exist in month ${month} of every quarter (at most ${max}); use day: 'last' for the end of the month.`
              : `"day" ${day} does not exist in that month (it has ${max} days); use day: 'last' for the end of the month.`,
            rule,
            'day',
          );
        }
      }
      checkTimeAndRoll(r, rule);
      break;
    }
    case 'absolute': {
      const at = r['at'];
      if (typeof at === 'number') {
        if (!Number.isFinite(at)) throw invalid(`"at" must be a finite epoch-ms instant, got ${at}.`, rule, 'at');
      } else if (typeof at === 'string' && isoInstantFault(at) !== undefined) {
        throw invalid(`"at": ${isoInstantFault(at)!}`, rule, 'at');
      } else if (typeof at !== 'string' || !isResolvableAt(at)) {
        throw invalid(`"at" must be epoch ms, an ISO instant, or a local date 'YYYY-MM-DD' (optionally 'THH:mm') from ${DATE_RANGE.first} to ${DATE_RANGE.last}, got ${shownValue(at)}.`, rule, 'at');
      }
      checkTimeAndRoll(r, rule);
      break;
    }
  }
  return rule as DeadlineRule;
}, { vouchResult: true });

/** A rule's optional `time` ('HH:mm') and `roll`, as {@link validateDeadlineRule} reads them. */
function checkTimeAndRoll(r: Record<string, unknown>, rule: unknown): void {
  const time = r['time'];
  if (time !== undefined && (typeof time !== 'string' || tryParseTimeOfDay(time) === undefined)) {
    throw invalid(`"time" must be 'HH:mm' (00:00–23:59 or 24:00), got ${shownValue(time)}.`, rule, 'time');
  }
  const roll = r['roll'];
  if (roll !== undefined && roll !== 'previous' && roll !== 'next' && roll !== 'none') {
    throw invalid(`"roll" must be 'previous', 'next' or 'none', got ${shownValue(roll)}.`, rule, 'roll');
  }
}

/** {@link validateDeadlineRule} on a rule a builder here made (its own fresh object: not copied again). */
const validateRule = unguarded(validateDeadlineRule);

const ZH_MONTH_OF_QUARTER = ['首月', '次月', '末月'] as const;
const ZH_QUARTER = ['一', '二', '三', '四'] as const;

function plural(n: number, one: string): string {
  return `${n} ${one}${Math.abs(n) === 1 ? '' : 's'}`;
}

function describeDuration(d: DurationInput, lang: 'zh-CN' | 'en'): string {
  const zh = { weeks: '周', days: '天', hours: '小时', minutes: '分钟', seconds: '秒', milliseconds: '毫秒' } as const;
  const en = { weeks: 'week', days: 'day', hours: 'hour', minutes: 'minute', seconds: 'second', milliseconds: 'millisecond' } as const;
  let parts: [keyof typeof zh, number][];
  if (typeof d === 'number') {
    let rest = d;
    parts = [];
    for (const [unit, size] of [['days', 86_400_000], ['hours', 3_600_000], ['minutes', 60_000], ['seconds', 1000], ['milliseconds', 1]] as const) {
      const n = Math.floor(rest / size);
      if (n > 0) parts.push([unit, n]);
      rest -= n * size;
    }
  } else {
    parts = DURATION_KEYS.filter((k) => d[k] !== undefined && d[k] !== 0).map((k) => [k, d[k]!]);
  }
  if (parts.length === 0) return lang === 'zh-CN' ? '立即' : 'immediately';
  return lang === 'zh-CN' ? parts.map(([u, n]) => `${n}${zh[u]}`).join('') : parts.map(([u, n]) => plural(n, en[u])).join(' ');
}

function describeRoll(roll: RollPolicy | undefined, lang: 'zh-CN' | 'en'): string {
  if (roll === undefined || roll === 'none') return '';
  if (lang === 'zh-CN') return roll === 'previous' ? '（遇非工作日提前）' : '（遇非工作日顺延）';
  return roll === 'previous' ? ', rolls to previous working day' : ', rolls to next working day';
}

function describeTime(time: string | undefined): string {
  return time === undefined ? '' : formatTimeOfDay(tryParseTimeOfDay(time) ?? 0);
}

/**
 * A short human description of a rule, for the visualizer and task lists.
 *
 * @example
 * ```ts
 * import { describeDeadlineRule, quarterDay, workingDays } from 'docket';
 * describeDeadlineRule(workingDays(3), 'en'); // '3 working days'
 * describeDeadlineRule(workingDays(3), 'zh-CN'); // '3个工作日'
 * describeDeadlineRule(quarterDay({ quarter: { relative: 1 }, month: 2, day: 20, roll: 'previous' }), 'zh-CN');
 * // '下季度次月20日（遇非工作日提前）'
 * ```
 */
export const describeDeadlineRule = callerInput('describeDeadlineRule()', ['rule', 'lang'], function describeDeadlineRule(rule: DeadlineRule, lang: 'zh-CN' | 'en'): string {
  const zh = lang === 'zh-CN';
  switch (rule.kind) {
    case 'duration':
      return describeDuration(rule.duration, lang);
    case 'workingDays': {
      const n = Math.abs(rule.days);
      const time = describeTime(rule.time);
      let text: string;
      if (zh) text = `${rule.days < 0 ? '提前' : ''}${n}个工作日${time === '' ? '' : `，${time}前`}`;
      else text = `${plural(n, 'working day')}${rule.days < 0 ? ' before' : ''}${time === '' ? '' : `, by ${time}`}`;
      return text + describeRoll(rule.roll, lang);
    }
    case 'workingHours':
      return zh ? `${rule.hours}个工作小时` : plural(rule.hours, 'working hour');
    case 'quarterDay': {
      const q = rule.quarter;
      let quarterText: string;
      if ('relative' in q) {
        const n = q.relative;
        if (zh) quarterText = n === 0 ? '本季度' : n === 1 ? '下季度' : n === -1 ? '上季度' : n > 0 ? `${n}个季度后` : `${-n}个季度前`;
        else quarterText = n === 0 ? 'this quarter' : n === 1 ? 'next quarter' : n === -1 ? 'previous quarter' : n > 0 ? `${n} quarters later` : `${-n} quarters earlier`;
      } else {
        quarterText = zh ? `${q.year}年第${ZH_QUARTER[q.quarter - 1]}季度` : `${q.year}-Q${q.quarter}`;
      }
      const time = describeTime(rule.time);
      if (zh) {
        const dayText = rule.day === 'last' ? '最后一日' : `${rule.day}日`;
        return `${quarterText}${ZH_MONTH_OF_QUARTER[rule.month - 1]}${dayText}${time}${describeRoll(rule.roll, lang)}`;
      }
      const dayText = rule.day === 'last' ? 'last day' : `D${rule.day}`;
      return `M${rule.month} ${dayText} of ${quarterText}${time === '' ? '' : ` at ${time}`}${describeRoll(rule.roll, lang)}`;
    }
    case 'absolute': {
      const at = typeof rule.at === 'number' ? new Date(rule.at).toISOString() : rule.at.replace('T', ' ');
      const time = describeTime(rule.time);
      const when = time === '' ? at : `${at} ${time}`;
      return (zh ? when : `on ${when}`) + describeRoll(rule.roll, lang);
    }
  }
});

/**
 * {@link validateDeadlineRule} for the builders above, on a rule they built from what their own
 * guard copied already: not copied a second time (the strategy cycle builds a quarter rule at every
 * deadline it arms).
 */
function checkBuiltRule(rule: DeadlineRule, argumentOf: (key: string) => string): DeadlineRule {
  try {
    return validateRule(rule);
  } catch (error) {
    // The refusal names the rule's part (`rule.days`); a builder's caller passed no rule but its
    // arguments, so it names the argument instead (`days`, `options.time`, `spec.month`).
    const field = isDocketError(error) ? error.details.field : undefined;
    if (typeof field !== 'string' || !field.startsWith('rule.')) throw error;
    const path = field.slice('rule.'.length);
    const key = path.split('.')[0]!;
    throw new DocketError((error as DocketError).code, (error as DocketError).message, { ...(error as DocketError).details, field: argumentOf(key) + path.slice(key.length) });
  }
}
