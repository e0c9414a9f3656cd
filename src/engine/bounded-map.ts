/**
 * Set `key` to `value` as the newest entry of an insertion-ordered `map`, and drop the oldest entries
 * beyond `max`. For an engine's own per-timer and per-effect bookkeeping (a retry's backoff, an
 * effect handed back), whose entries are removed when this engine finishes the item: an item another
 * engine finished leaves its entry behind, and without a bound a long-running engine kept every one.
 * A dropped entry only starts its item's backoff again.
 *
 * @example
 * ```ts
 * import { setNewest } from './bounded-map.js';
 * const seen = new Map<string, number>();
 * setNewest(seen, 'a', 1, 2);
 * setNewest(seen, 'b', 1, 2);
 * setNewest(seen, 'c', 1, 2); // 'a' is dropped
 * ```
 */
export function setNewest<K, V>(map: Map<K, V>, key: K, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  while (map.size > max) map.delete(map.keys().next().value as K);
}
