import * as crypto from 'node:crypto';

/**
 * JSON with object keys sorted at every depth, so equal data always hashes the same (a store such as
 * Postgres `jsonb` may hand keys back in another order). Hand-written: the history hash is on the
 * hot path of every send, and a `JSON.stringify` replacer that rebuilds objects was its top cost.
 */
export function canonicalJson(value: unknown): string {
  try {
    return write(value, '') ?? 'null';
  } catch (error) {
    // The writer recurses: a structure that contains itself ends in a RangeError. Say what it is, as
    // JSON.stringify does (a TypeError), rather than "Maximum call stack size exceeded".
    if (error instanceof RangeError && containsItself(value)) throw new TypeError('Converting circular structure to JSON (canonicalJson cannot write a structure that contains itself).');
    throw error;
  }
}

/** Whether an object in `value` holds itself, through its own enumerable members (iterative: the error path of {@link canonicalJson}). */
function containsItself(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  const open = new Set<object>([value]);
  // Walked to the end without meeting an open object: no cycle through them (each object is walked once).
  const done = new Set<object>();
  const stack: { node: object; items: unknown[]; next: number }[] = [{ node: value, items: Object.values(value), next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.items.length) {
      stack.pop();
      open.delete(top.node);
      done.add(top.node);
      continue;
    }
    const item = top.items[top.next++];
    if (item === null || typeof item !== 'object' || done.has(item)) continue;
    if (open.has(item)) return true;
    open.add(item);
    stack.push({ node: item, items: Object.values(item), next: 0 });
  }
  return false;
}

/**
 * The same text as one flat string: V8 builds `a + b` as a rope, and a rope made of cached ropes
 * would be walked node by node every time a digest containing it is hashed. Converting a string to
 * a number makes V8 flatten it in place (the "flatstr" idiom); the result is discarded.
 */
export function flat(text: string): string {
  void Number(text);
  return text;
}

// Characters JSON.stringify escapes: quote, backslash, controls, and (well-formed JSON.stringify)
// lone surrogates; any surrogate sends the string to JSON.stringify, which decides.
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** JSON.stringify of a string, without the call into it for the common case of nothing to escape. */
export function quote(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : '"' + text + '"';
}

// `key` is the member name (an array item's index) `value` is found under, '' at the root: what
// JSON.stringify hands a toJSON.
function write(value: unknown, key: string | number): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      // Inline, not a helper between write and writeData: one frame fewer per level of nesting keeps
      // the depth canonicalJson reaches before the stack runs out where it was.
      const given = jsonValueOf(value, key);
      if (given === value) return writeData(value);
      return given !== null && typeof given === 'object' ? writeData(given) : write(given, key);
    }
    case 'bigint':
      throw new TypeError('BigInt values cannot be stored in history; convert them to strings.');
    default:
      return undefined;
  }
}

/**
 * What an object stands for in JSON, as `JSON.stringify` (and so every store) has it (ECMA-262,
 * SerializeJSONProperty): what its toJSON (dates, an object's or array's own, enumerable or not: it
 * is looked up, not found among the keys) gives when called with `key` (the member name, an array
 * item's index as a string, '' at the root), which is written as data (its own toJSON is not called
 * in turn: a Date a toJSON returns is written as `{}`, a toJSON returning `this` as the object's
 * keys); a boxed primitive's value; else the object itself. The one rule canonicalJson and the
 * Merkle digest both follow.
 *
 * A boxed primitive is told by its internal slot, as JSON tells it, not by its prototype: an
 * `Object.create(Number.prototype)` holds no number and is written as an object (`{}`), and a
 * `new Number(1)` is unboxed through its `valueOf` (a `new String` through its `toString`), as
 * `JSON.stringify` does. Only objects whose prototype chain holds Number's, String's, Boolean's or
 * BigInt's prototype are asked (a boxed primitive from another realm, or one given a plain prototype,
 * is written as an object).
 */
export function jsonValueOf(value: object, key: string | number = ''): unknown {
  const toJSON = (value as { toJSON?: unknown }).toJSON;
  const given: unknown = typeof toJSON === 'function' ? toJSON.call(value, typeof key === 'number' ? String(key) : key) : value;
  if (given === null || typeof given !== 'object' || Array.isArray(given)) return given;
  const proto: unknown = Object.getPrototypeOf(given);
  return proto === Object.prototype || proto === null ? given : unboxed(given);
}

/** A boxed primitive's value as JSON.stringify reads it (ToNumber, ToString, the slot), else the object. */
function unboxed(given: object): unknown {
  if (given instanceof Number) {
    if (holds(Number.prototype.valueOf, given)) return +given;
  } else if (given instanceof String) {
    if (holds(String.prototype.valueOf, given)) return `${given as unknown as string}`;
  } else if (given instanceof Boolean) {
    if (holds(Boolean.prototype.valueOf, given)) return Boolean.prototype.valueOf.call(given);
  } else if (given instanceof BigInt) {
    if (holds(BigInt.prototype.valueOf, given)) return BigInt.prototype.valueOf.call(given);
  }
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

/** An object or array written by its members (what it stands for in JSON, see {@link jsonValueOf}). */
function writeData(value: object): string {
  if (Array.isArray(value)) {
    let out = '[';
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out += ',';
      out += write(value[i], i) ?? 'null';
    }
    return out + ']';
  }
  const keys = sortedKeys(value);
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = write((value as Record<string, unknown>)[key], key);
    if (item === undefined) continue;
    // One precomputed `"key":` / `,"key":` piece per member: fewer intermediate strings to collect.
    out += (first ? memberStart(key) : memberNext(key)) + item;
    first = false;
  }
  return out + '}';
}

/**
 * The own enumerable keys of `value` in canonical order (UTF-16 code units). Keys usually arrive
 * sorted already (small objects written in order): they are only sorted when not.
 */
export function sortedKeys(value: object): string[] {
  const keys = Object.keys(value);
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      sortKeys(keys);
      break;
    }
  }
  return keys;
}

/**
 * Sort keys in place by UTF-16 code units (as `Array.prototype.sort` without a comparator does):
 * insertion sort for the few keys an object of a state has, which allocates nothing; the built-in
 * sort for many.
 */
function sortKeys(keys: string[]): void {
  if (keys.length > 24) {
    keys.sort();
    return;
  }
  for (let i = 1; i < keys.length; i++) {
    const key = keys[i]!;
    let j = i - 1;
    while (j >= 0 && keys[j]! > key) {
      keys[j + 1] = keys[j]!;
      j--;
    }
    keys[j + 1] = key;
  }
}

// Object keys repeat across every instance of a machine: the `"key":` and `,"key":` pieces are kept
// (up to a bound, so a stream of distinct keys cannot grow them without limit).
const KEY_START = new Map<string, string>();
const KEY_NEXT = new Map<string, string>();
export function memberStart(key: string): string {
  const known = KEY_START.get(key);
  if (known !== undefined) return known;
  const text = quote(key) + ':';
  if (KEY_START.size < 10_000) KEY_START.set(key, text);
  return text;
}
export function memberNext(key: string): string {
  const known = KEY_NEXT.get(key);
  if (known !== undefined) return known;
  const text = ',' + quote(key) + ':';
  if (KEY_NEXT.size < 10_000) KEY_NEXT.set(key, text);
  return text;
}

/** Hex SHA-256 of a string. */
export function sha256(text: string): string {
  // One-shot `crypto.hash` (Node >= 20.12) skips the Hash object; fall back where it is missing.
  const oneShot = (crypto as { hash?: (algorithm: string, data: string, encoding: 'hex') => string }).hash;
  return oneShot ? oneShot('sha256', text, 'hex') : crypto.createHash('sha256').update(text).digest('hex');
}
