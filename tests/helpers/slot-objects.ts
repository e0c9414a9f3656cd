/**
 * Whether a value holds, at any depth, a built-in whose contents are not its keys (a Map, Set,
 * WeakMap, WeakSet, ArrayBuffer, typed array or DataView, RegExp, Promise, or a boxed primitive):
 * the plain-input boundary refuses those as INVALID_ARGUMENT naming the field, before the
 * function's own validation (which would have seen an empty object) and its own code.
 */
export function holdsSlotObject(value: unknown, seen = new Set<object>()): boolean {
  if (typeof value !== 'object' || value === null || seen.has(value)) return false;
  seen.add(value);
  if (
    value instanceof Map ||
    value instanceof Set ||
    value instanceof WeakMap ||
    value instanceof WeakSet ||
    value instanceof ArrayBuffer ||
    ArrayBuffer.isView(value) ||
    value instanceof RegExp ||
    value instanceof Promise ||
    value instanceof String ||
    value instanceof Number ||
    value instanceof Boolean ||
    value instanceof Symbol ||
    value instanceof BigInt
  ) {
    return true;
  }
  for (const key in value) if (holdsSlotObject((value as Record<string, unknown>)[key], seen)) return true;
  return false;
}
