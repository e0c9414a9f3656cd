/**
 * A value as an error message of the calendar shows it, never throwing: its JSON, or `String(value)`
 * where JSON gives none (`undefined`, a function) or cannot write it (a BigInt, a cycle, an array
 * nested deeper than `JSON.stringify` recurses), else its type; cut to `max` characters (with `…`).
 * One helper for the calendar's refusals (options, deadline rules, holiday schedules), so a bad
 * input is always refused with the calendar's typed error, never a raw RangeError or TypeError.
 *
 * @example
 * ```ts
 * import { shownValue } from './shown-value.js';
 * shownValue({ days: 3 }); // '{"days":3}'
 * shownValue(10n); // '10'
 * shownValue('x'.repeat(100), 10); // '"xxxxxxxx…'
 * ```
 */
export function shownValue(value: unknown, max = Number.POSITIVE_INFINITY): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    try {
      text = String(value);
    } catch {
      text = typeof value;
    }
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
