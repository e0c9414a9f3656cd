import { DocketError } from '../errors.js';
import { shownValue } from './shown-value.js';

/**
 * Milliseconds in one (wall-clock) day.
 *
 * @example
 * ```ts
 * import { MS_PER_DAY } from './time-of-day.js';
 * MS_PER_DAY; // 86_400_000
 * ```
 */
export const MS_PER_DAY = 86_400_000;

/**
 * The default deadline time on a date with no time given: the last millisecond of the local day.
 *
 * @example
 * ```ts
 * import { END_OF_DAY_MS, formatTimeOfDay } from './time-of-day.js';
 * formatTimeOfDay(END_OF_DAY_MS); // '23:59:59.999'
 * ```
 */
export const END_OF_DAY_MS = MS_PER_DAY - 1;

const TIME_RE = /^(\d{2}):(\d{2})(?::(\d{2}))?$/;

/**
 * Parse a wall-clock time `'HH:mm'` (or `'HH:mm:ss'`) into milliseconds since local midnight, or
 * `undefined` when it is not a valid time. `'24:00'` is accepted and means the end of the day
 * (midnight at the start of the next day).
 *
 * @example
 * ```ts
 * import { tryParseTimeOfDay } from './time-of-day.js';
 * tryParseTimeOfDay('18:00'); // 64_800_000
 * tryParseTimeOfDay('25:00'); // undefined
 * ```
 */
export function tryParseTimeOfDay(text: string): number | undefined {
  // Not a string: no time (a Symbol made the match throw a raw TypeError).
  if (typeof text !== 'string') return undefined;
  const m = TIME_RE.exec(text);
  if (m === null) return undefined;
  const h = Number(m[1]);
  const min = Number(m[2]);
  const s = m[3] === undefined ? 0 : Number(m[3]);
  if (h === 24 && min === 0 && s === 0) return MS_PER_DAY;
  if (h > 23 || min > 59 || s > 59) return undefined;
  return ((h * 60 + min) * 60 + s) * 1000;
}

/**
 * Parse a wall-clock time `'HH:mm'` (or `'HH:mm:ss'`, or `'24:00'`); throws `INVALID_ARGUMENT` otherwise.
 *
 * @example
 * ```ts
 * import { parseTimeOfDay } from './time-of-day.js';
 * parseTimeOfDay('09:30'); // 34_200_000
 * ```
 */
export function parseTimeOfDay(text: string, what = 'time'): number {
  const ms = tryParseTimeOfDay(text);
  if (ms === undefined) {
    throw new DocketError('INVALID_ARGUMENT', `Invalid ${what} ${shownValue(text)}: expected 'HH:mm' (00:00–23:59, or 24:00).`);
  }
  return ms;
}

/**
 * Format milliseconds since local midnight as `'HH:mm'` (with `':ss'` / `'.SSS'` only when not zero).
 *
 * @example
 * ```ts
 * import { formatTimeOfDay } from './time-of-day.js';
 * formatTimeOfDay(64_800_000); // '18:00'
 * ```
 */
export function formatTimeOfDay(ms: number): string {
  const h = Math.floor(ms / 3_600_000);
  const min = Math.floor((ms % 3_600_000) / 60_000);
  const s = Math.floor((ms % 60_000) / 1000);
  const rest = ms % 1000;
  let out = `${String(h).padStart(2, '0')}:${String(min).padStart(2, '0')}`;
  if (s !== 0 || rest !== 0) out += `:${String(s).padStart(2, '0')}`;
  if (rest !== 0) out += `.${String(rest).padStart(3, '0')}`;
  return out;
}
