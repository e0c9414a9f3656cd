/** The longest a refusal shows a value, in UTF-16 code units, unless told otherwise. */
export const SHOWN_MAX = 200;

/**
 * A value as an error message of the calendar shows it, never throwing: its JSON, or `String(value)`
 * where JSON gives none (`undefined`, a function) or cannot write it (a BigInt, a cycle, an array
 * nested deeper than `JSON.stringify` recurses), else its type; cut to `max` characters (with `…`),
 * 200 by default: a 5 MB string in an option made a 5 MB error message.
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
export function shownValue(value: unknown, max = SHOWN_MAX): string {
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
  if (text.length <= max) return text;
  // Never cut inside a surrogate pair (a lone half is not well-formed text).
  const end = max - 1 > 0 && /[\ud800-\udbff]/.test(text.charAt(max - 2)) ? max - 2 : max - 1;
  return `${text.slice(0, Math.max(end, 0))}…`;
}
