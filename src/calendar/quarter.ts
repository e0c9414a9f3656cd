import { DocketError } from '../errors.js';
import { shownValue } from './shown-value.js';
import { callerInput, unguarded } from '../input/plain-input.js';

/**
 * A calendar quarter: Q1 = January–March … Q4 = October–December.
 *
 * @example
 * ```ts
 * import type { QuarterRef } from 'docket';
 * const plan: QuarterRef = { year: 2027, quarter: 1 };
 * ```
 */
export interface QuarterRef {
  readonly year: number;
  readonly quarter: 1 | 2 | 3 | 4;
}

/**
 * True for a well-formed {@link QuarterRef}.
 *
 * @example
 * ```ts
 * import { isQuarterRef } from './quarter.js';
 * isQuarterRef({ year: 2027, quarter: 5 }); // false
 * ```
 */
export const isQuarterRef = callerInput('isQuarterRef()', ['value'], function isQuarterRef(value: unknown): value is QuarterRef {
  if (typeof value !== 'object' || value === null) return false;
  const q = value as { year?: unknown; quarter?: unknown };
  return (
    typeof q.year === 'number' &&
    Number.isInteger(q.year) &&
    q.year >= 1 &&
    q.year <= 9999 &&
    (q.quarter === 1 || q.quarter === 2 || q.quarter === 3 || q.quarter === 4)
  );
});

/**
 * `INVALID_ARGUMENT` naming `field` (`details.field`) unless `q` is a {@link QuarterRef}. Called inside
 * the guarded functions below, on the argument their guard copied already: the check runs on that
 * copy, not through isQuarterRef's own guard (a second copy at every call). Internal: the calendar
 * checks its own quarter arguments with it (not exported from `docket`, so no compiled example).
 */
export function checkQuarter(q: unknown, field: string): asserts q is QuarterRef {
  if (!unguarded(isQuarterRef)(q)) {
    throw new DocketError('INVALID_ARGUMENT', `Invalid quarter ${shownValue(q)}: expected { year: 1–9999, quarter: 1 | 2 | 3 | 4 }.`, { field });
  }
}

/**
 * The quarter containing a month (1–12) of a year.
 *
 * @example
 * ```ts
 * import { quarterOfMonth } from './quarter.js';
 * quarterOfMonth(2026, 11); // { year: 2026, quarter: 4 }
 * ```
 */
export function quarterOfMonth(year: number, month: number): QuarterRef {
  return { year, quarter: (Math.floor((month - 1) / 3) + 1) as 1 | 2 | 3 | 4 };
}

/**
 * The quarter `n` quarters after `q` (before it for negative `n`): "next quarter" is `shiftQuarter(q, 1)`.
 *
 * @example
 * ```ts
 * import { shiftQuarter } from 'docket';
 * shiftQuarter({ year: 2026, quarter: 4 }, 1); // { year: 2027, quarter: 1 }
 * shiftQuarter({ year: 2027, quarter: 1 }, -1); // { year: 2026, quarter: 4 }
 * ```
 */
export const shiftQuarter = callerInput('shiftQuarter()', ['q', 'n'], function shiftQuarter(q: QuarterRef, n: number): QuarterRef {
  checkQuarter(q, 'q');
  if (!Number.isInteger(n)) throw new DocketError('INVALID_ARGUMENT', `Quarters to shift must be a whole number, got ${shownValue(n)}.`, { field: 'n' });
  const index = q.year * 4 + (q.quarter - 1) + n;
  const shifted = { year: Math.floor(index / 4), quarter: ((index - Math.floor(index / 4) * 4) + 1) as 1 | 2 | 3 | 4 };
  // Past the years a quarter may name: (1, Q1) shifted by -5 was { year: -1, quarter: 0 }, and 1e20 a year no date has.
  if (!unguarded(isQuarterRef)(shifted)) throw new DocketError('INVALID_ARGUMENT', `Shifting ${formatQuarter(q)} by ${n} quarters leaves the years 1–9999.`, { field: 'n' });
  return shifted;
});

/**
 * The calendar month (`{ year, month: 1–12 }`) of the `m`-th month of a quarter. Month 0 or negative
 * reach back before the quarter: `quarterMonth(q, 0)` is "the month before the quarter".
 *
 * @example
 * ```ts
 * import { quarterMonth } from 'docket';
 * quarterMonth({ year: 2027, quarter: 1 }, 2); // { year: 2027, month: 2 }
 * quarterMonth({ year: 2027, quarter: 1 }, 0); // { year: 2026, month: 12 } (month before the quarter)
 * ```
 */
export const quarterMonth = callerInput('quarterMonth()', ['q', 'm'], function quarterMonth(q: QuarterRef, m: number): { readonly year: number; readonly month: number } {
  checkQuarter(q, 'q');
  if (!Number.isInteger(m)) throw new DocketError('INVALID_ARGUMENT', `Month of quarter must be a whole number, got ${shownValue(m)}.`, { field: 'm' });
  const index = q.year * 12 + (q.quarter - 1) * 3 + (m - 1);
  const year = Math.floor(index / 12);
  if (year < 1 || year > 9999) throw new DocketError('INVALID_ARGUMENT', `Month ${m} of ${formatQuarter(q)} is outside the years 1–9999.`, { field: 'm' });
  return { year, month: index - year * 12 + 1 };
});

/**
 * Compare two quarters: negative when `a` is earlier, 0 when equal, positive when later.
 *
 * @example
 * ```ts
 * import { compareQuarters } from 'docket';
 * compareQuarters({ year: 2026, quarter: 4 }, { year: 2027, quarter: 1 }) < 0; // true
 * ```
 */
export const compareQuarters = callerInput('compareQuarters()', ['a', 'b'], function compareQuarters(a: QuarterRef, b: QuarterRef): number {
  checkQuarter(a, 'a');
  checkQuarter(b, 'b');
  return a.year * 4 + a.quarter - (b.year * 4 + b.quarter);
});

/**
 * Format a quarter as `'2027-Q1'`.
 *
 * @example
 * ```ts
 * import { formatQuarter } from 'docket';
 * formatQuarter({ year: 2027, quarter: 1 }); // '2027-Q1'
 * ```
 */
export const formatQuarter = callerInput('formatQuarter()', ['q'], function formatQuarter(q: QuarterRef): string {
  checkQuarter(q, 'q');
  return `${String(q.year).padStart(4, '0')}-Q${q.quarter}`; // YYYY, as parseQuarter reads it
});

/**
 * Parse `'2027-Q1'` (or `'2027Q1'`) into a quarter; throws `INVALID_ARGUMENT` otherwise.
 *
 * @example
 * ```ts
 * import { parseQuarter } from 'docket';
 * parseQuarter('2027-Q1'); // { year: 2027, quarter: 1 }
 * ```
 */
export const parseQuarter = callerInput('parseQuarter()', ['text'], function parseQuarter(text: string): QuarterRef {
  if (typeof text !== 'string') throw new DocketError('INVALID_ARGUMENT', `parseQuarter() takes a string like '2027-Q1', got ${shownValue(text)}.`, { field: 'text' });
  const m = /^(\d{4})-?Q([1-4])$/i.exec(text);
  if (m === null) throw new DocketError('INVALID_ARGUMENT', `Invalid quarter ${shownValue(text)}: expected 'YYYY-Qn', like '2027-Q1'.`, { field: 'text' });
  return { year: Number(m[1]), quarter: Number(m[2]) as 1 | 2 | 3 | 4 };
});
