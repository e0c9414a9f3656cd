/**
 * How `JSON.stringify` reads an object (ECMA-262, SerializeJSONProperty), as one rule every writer
 * and checker of stored data follows: the stores' checks (`payload-rules.ts`), the canonical writer
 * and the Merkle digest (`engine/canonical-json.ts`, `engine/merkle-json.ts`) and the engine's
 * freeze. What a store keeps of an object is what this says it stands for.
 */

/**
 * What an object stands for in JSON, as `JSON.stringify` (and so every store) has it (ECMA-262,
 * SerializeJSONProperty): what its toJSON (dates, an object's or array's own, enumerable or not: it
 * is looked up, not found among the keys) gives when called with `key` (the member name, an array
 * item's index as a string, '' at the root), which is written as data (its own toJSON is not called
 * in turn: a Date a toJSON returns is written as `{}`, a toJSON returning `this` as the object's
 * keys); a boxed primitive's value; `undefined` (left out) for a function, unless its own toJSON
 * gives something else (JSON calls a function's toJSON as any object's); else the object itself.
 *
 * A boxed primitive is told by its internal slot, as JSON tells it, not by its prototype or realm: an
 * `Object.create(Number.prototype)` holds no number and is written as an object (`{}`), a
 * `new Number(1)` given a null prototype or made in another realm (`vm`) is still a number, read
 * through `valueOf` (a `new String` through its `toString`), as `JSON.stringify` reads them. The
 * slot shows in `Object.prototype.toString` (its built-in tag) unless a `Symbol.toStringTag` is
 * present; then each slot is tried. One limit: a boxed BigInt with its prototype removed shows no
 * tag and is written as an object, where `JSON.stringify` throws (no store keeps a BigInt either way).
 */
export function jsonValueOf(value: object, key: string | number = ''): unknown {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  const given: unknown = typeof toJSON === 'function' ? toJSON.call(value, typeof key === 'number' ? String(key) : key) : value;
  // A function is an object to JSON: its toJSON is called as any object's (above); a function
  // itself, given or found, is left out.
  if (typeof given === 'function') return undefined;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return given;
  const tag = OBJECT_TAG.call(given);
  if (tag === '[object Object]' && !(Symbol.toStringTag in given)) return given;
  return unboxed(given, tag);
}

const OBJECT_TAG = Object.prototype.toString;

/**
 * Whether a non-array object may be written by JSON other than as its own members: a boxed primitive
 * (its built-in tag says so, or a `Symbol.toStringTag` hides it). A plain object says
 * `[object Object]` and has no such tag. Used with the prototype and toJSON checks to tell JSON data.
 */
export function mayBeBoxed(value: object): boolean {
  return OBJECT_TAG.call(value) !== '[object Object]' || Symbol.toStringTag in value;
}

/** A boxed primitive's value as JSON.stringify reads it (ToNumber, ToString, the slot), else the object. */
function unboxed(given: object, tag: string): unknown {
  const hidden = Symbol.toStringTag in given;
  if ((hidden || tag === '[object Number]') && holds(Number.prototype.valueOf, given)) return +given;
  if ((hidden || tag === '[object String]') && holds(String.prototype.valueOf, given)) return `${given as unknown as string}`;
  if ((hidden || tag === '[object Boolean]') && holds(Boolean.prototype.valueOf, given)) return Boolean.prototype.valueOf.call(given);
  if (hidden && holds(BigInt.prototype.valueOf, given)) return BigInt.prototype.valueOf.call(given);
  return given;
}

/** Whether `given` has the internal slot a built-in `valueOf` reads (it throws a TypeError on any other object). */
function holds(valueOf: (this: never) => unknown, given: object): boolean {
  try {
    valueOf.call(given as never);
    return true;
  } catch {
    return false;
  }
}
