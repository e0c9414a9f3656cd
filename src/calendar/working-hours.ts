import { assertKnownKeys, DocketError } from '../errors.js';
import type { LocalPoint } from './zoned-time.js';
import type { WorkingDayIndex } from './working-day-index.js';
import { tryParseTimeOfDay } from './time-of-day.js';
import { shownValue } from './shown-value.js';

/**
 * The daily working window used for hour-level deadlines, as local wall-clock times. Default 09:00–18:00.
 *
 * @example
 * ```ts
 * import { businessCalendar } from 'docket';
 * businessCalendar({ workingHours: { start: '08:30', end: '17:30' } });
 * ```
 */
export interface WorkingHoursOption {
  readonly start: string;
  readonly end: string;
}

/**
 * Parsed working hours: milliseconds since local midnight.
 *
 * @example
 * ```ts
 * import type { WorkingWindow } from 'docket';
 * const nineToSix: WorkingWindow = { start: 9 * 3_600_000, end: 18 * 3_600_000 };
 * ```
 */
export interface WorkingWindow {
  readonly start: number;
  readonly end: number;
}

// The window's `start` or `end`, its refusal naming it (`workingHours.start`).
function timeOf(text: string, key: 'start' | 'end'): number {
  const ms = typeof text === 'string' ? tryParseTimeOfDay(text) : undefined;
  if (ms === undefined) throw new DocketError('INVALID_ARGUMENT', `Invalid working hours ${key} ${shownValue(text)}: expected 'HH:mm' (00:00–23:59, or 24:00).`, { field: `workingHours.${key}` });
  return ms;
}

/**
 * Parse and check a {@link WorkingHoursOption}; throws `INVALID_ARGUMENT` when `end` is not after `start`.
 *
 * @example
 * ```ts
 * import { parseWorkingHours } from './working-hours.js';
 * parseWorkingHours({ start: '09:00', end: '18:00' }); // { start: 32_400_000, end: 64_800_000 }
 * ```
 */
export function parseWorkingHours(option: WorkingHoursOption): WorkingWindow {
  if (typeof option !== 'object' || option === null) throw new DocketError('INVALID_ARGUMENT', `Working hours must be { start: 'HH:mm', end: 'HH:mm' }, got ${shownValue(option)}.`);
  // A lunch break or a misspelt key was ignored: say it is not read.
  assertKnownKeys(option, ['start', 'end'], 'workingHours', {}, 'workingHours');
  const start = timeOf(option.start, 'start');
  const end = timeOf(option.end, 'end');
  if (end <= start) {
    throw new DocketError('INVALID_ARGUMENT', `Working hours end (${option.end}) must be after their start (${option.start}).`, { field: 'workingHours.end' });
  }
  return { start, end };
}

/**
 * Move `ms` milliseconds of working time forward (or backward when negative) from a local position,
 * counting only time inside `window` on working days. Landing exactly on the end of a day's window
 * stays on that day (18:00, not 09:00 the next working day); going backward, exactly on its start.
 *
 * @example
 * ```ts
 * import { compileHolidaySources } from './holiday-source.js';
 * import { dayOrdinalOf } from './local-date.js';
 * import { WorkingDayIndex } from './working-day-index.js';
 * import { addWorkingTime } from './working-hours.js';
 * const index = new WorkingDayIndex({ holidays: compileHolidaySources('none'), workweek: [1, 2, 3, 4, 5], onMissingYear: 'throw', missingYearHint: () => '' });
 * // Friday 17:00 + 2 h → Monday 10:00
 * addWorkingTime(index, { start: 9 * 3.6e6, end: 18 * 3.6e6 }, { ordinal: dayOrdinalOf(2027, 1, 8), timeOfDay: 17 * 3.6e6 }, 2 * 3.6e6);
 * ```
 */
export function addWorkingTime(index: WorkingDayIndex, window: WorkingWindow, from: LocalPoint, ms: number): LocalPoint {
  if (!Number.isFinite(ms)) throw new DocketError('INVALID_ARGUMENT', `Working time must be finite, got ${ms}.`);
  if (ms === 0) return from;
  const length = window.end - window.start;
  let { ordinal, timeOfDay } = from;
  if (ms > 0) {
    let rest = ms;
    let available: number;
    if (index.isWorking(ordinal) && timeOfDay < window.end) {
      if (timeOfDay < window.start) timeOfDay = window.start;
      available = window.end - timeOfDay;
    } else {
      ordinal = index.addWorkingDays(ordinal, 1);
      timeOfDay = window.start;
      available = length;
    }
    if (rest <= available) return { ordinal, timeOfDay: timeOfDay + rest };
    rest -= available;
    const days = Math.ceil(rest / length);
    return { ordinal: index.addWorkingDays(ordinal, days), timeOfDay: window.start + rest - (days - 1) * length };
  }
  let rest = -ms;
  let available: number;
  if (index.isWorking(ordinal) && timeOfDay > window.start) {
    if (timeOfDay > window.end) timeOfDay = window.end;
    available = timeOfDay - window.start;
  } else {
    ordinal = index.addWorkingDays(ordinal, -1);
    timeOfDay = window.end;
    available = length;
  }
  if (rest <= available) return { ordinal, timeOfDay: timeOfDay - rest };
  rest -= available;
  const days = Math.ceil(rest / length);
  return { ordinal: index.addWorkingDays(ordinal, -days), timeOfDay: window.end - (rest - (days - 1) * length) };
}
