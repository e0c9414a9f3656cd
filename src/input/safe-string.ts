/**
 * `String(value)` for a refusal's message, never throwing: an object whose `toString` and `valueOf`
 * are not functions (`{ toString: 0 }`, `Object.create(null)`) or a Proxy whose traps throw made
 * `String()` throw a raw TypeError ("Cannot convert object to primitive value") in place of the typed
 * refusal being built. Such a value is shown by its kind (`'object'`). Internal.
 *
 * @example
 * ```ts
 * import { safeString } from './safe-string.js';
 * safeString(5); // '5'
 * safeString({ toString: 0 }); // 'object'
 * ```
 */
export function safeString(value: unknown): string {
  try {
    return String(value);
  } catch {
    return value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
  }
}
