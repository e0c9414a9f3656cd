import * as crypto from 'node:crypto';
import { jsonValueOf } from '../store/json-value.js';

export { jsonValueOf, mayBeBoxed } from '../store/json-value.js';

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

/**
 * Whether an object in `value` holds itself, through its members as JSON reads them (a toJSON's
 * result included). Iterative, each object walked once: the error path of {@link canonicalJson}.
 */
function containsItself(value: unknown): boolean {
  const viewOf = (member: unknown, key: string | number): unknown => {
    if (member === null || typeof member !== 'object') return member;
    try {
      return jsonValueOf(member, key);
    } catch {
      return undefined;
    }
  };
  const root = viewOf(value, '');
  if (root === null || typeof root !== 'object') return false;
  const open = new Set<object>([root]);
  // Walked to the end without meeting an open object: no cycle through them.
  const done = new Set<object>();
  const membersOf = (node: object): [string | number, unknown][] => (Array.isArray(node) ? node.map((item, i) => [i, item]) : Object.entries(node));
  const stack: { node: object; items: [string | number, unknown][]; next: number }[] = [{ node: root, items: membersOf(root), next: 0 }];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next >= top.items.length) {
      stack.pop();
      open.delete(top.node);
      done.add(top.node);
      continue;
    }
    const [key, member] = top.items[top.next++]!;
    const item = viewOf(member, key);
    if (item === null || typeof item !== 'object' || done.has(item)) continue;
    if (open.has(item)) return true;
    open.add(item);
    stack.push({ node: item, items: membersOf(item), next: 0 });
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

/** The length of JSON's text for a string (quotes and escapes included). */
export function jsonStringLength(text: string): number {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text).length : text.length + 2;
}

/** The length of JSON's text for a string, number, boolean or null. */
export function primitiveLength(value: unknown): number {
  switch (typeof value) {
    case 'string':
      return jsonStringLength(value);
    case 'number':
      return Number.isFinite(value) ? String(value).length : 4;
    case 'boolean':
      return value ? 4 : 5;
    default:
      return 4; // null
  }
}

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
    case 'object':
    case 'function': {
      // A function is left out unless it has a toJSON, as JSON.stringify has it (see jsonValueOf).
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
