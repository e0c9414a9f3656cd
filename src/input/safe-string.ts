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

/**
 * What a thrown value says, for a message or a record: an `Error`'s `message`, any other value as
 * `String()` gives it, and `fallback` when reading it throws (a getter, a `toString` that throws or is
 * not a function). Internal: one reader for every place that reports an error it caught.
 *
 * @example
 * ```ts
 * import { messageOf } from './safe-string.js';
 * messageOf(new Error('disk full')); // 'disk full'
 * messageOf({ toString: 0 }, 'unprintable'); // 'unprintable'
 * ```
 */
export function messageOf(error: unknown, fallback = 'a value that cannot be shown as text'): string {
  try {
    return error instanceof Error ? String(error.message) : String(error);
  } catch {
    return fallback;
  }
}
