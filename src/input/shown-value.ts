/** The longest a refusal shows a value, in UTF-16 code units, unless told otherwise. */
export const SHOWN_MAX = 200;

// A number JSON cannot write is written as a string carrying a mark, then unquoted: the mark starts
// with U+0000, which JSON writes escaped, so only a marked number gives this text (or a string someone
// wrote with the same control character and words, shown then as the number: harmless in a message).
const MARK = '\u0000docket:number:';
const MARKED = /"\\u0000docket:number:(NaN|Infinity|-Infinity)"/g;
function markNonFinite(_key: string, v: unknown): unknown {
  return typeof v === 'number' && !Number.isFinite(v) ? `${MARK}${String(v)}` : v;
}

/**
 * A value as a refusal's message shows it, never throwing: its JSON, or `String(value)`
 * where JSON gives none (`undefined`, a function) or cannot write it (a BigInt, a cycle, an array
 * nested deeper than `JSON.stringify` recurses), else its type; cut to `max` characters (with `…`),
 * 200 by default: a 5 MB string in an option made a 5 MB error message. `NaN`, `Infinity` and
 * `-Infinity` are shown as themselves, at the top or inside an object or array: JSON writes them
 * `null`, so `addWorkingDays(at, NaN)` said "got null", which is not what was passed.
 * One helper for every refusal that shows a caller's value (the calendar's options, deadline rules
 * and holiday schedules; the engine's `retain`/`migrate` options; a definition's permissions; an
 * approver rule's kind), so a bad input is always refused with its typed error, never a raw
 * RangeError or TypeError: `JSON.stringify` of a cycle, a BigInt or a getter that throws, used
 * directly in a message, threw in place of the refusal being built.
 *
 * @example
 * ```ts
 * import { shownValue } from './shown-value.js';
 * shownValue({ days: 3 }); // '{"days":3}'
 * shownValue(10n); // '10'
 * shownValue({ days: Number.NaN }); // '{"days":NaN}'
 * shownValue('x'.repeat(100), 10); // '"xxxxxxxx…'
 * ```
 */
export function shownValue(value: unknown, max = SHOWN_MAX): string {
  let text: string;
  try {
    text = JSON.stringify(value, markNonFinite)?.replace(MARKED, '$1') ?? String(value);
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
