import { frozenMark, refOfMark } from '../store/frozen-data.js';
import { flat, memberNext, memberStart, quote, sha256, sortKeys } from './canonical-json.js';

/**
 * Longest node text, in UTF-16 code units, that a parent holds inline; a longer one is held as `#`
 * and the node's hash (65 characters).
 */
export const MERKLE_INLINE_MAX = 64;

/**
 * The Merkle digest of JSON data (history entry format 4): hex SHA-256 of the node text of `value`.
 *
 * A node is a JSON object or array (after `toJSON`, as `JSON.stringify` and every store see it). Its
 * text is its canonical JSON (keys sorted by UTF-16 code units, no spaces; see `canonicalJson`) in
 * which every member or element that is itself a node is written as its *reference*: its own text
 * when that is at most {@link MERKLE_INLINE_MAX} code units long, else `#` followed by the hex
 * SHA-256 of its text. `#` cannot start a JSON value, so the text parses one way only, and two
 * different JSON values never share a digest unless SHA-256 collides.
 *
 * Why not the hash of the whole text (format 3): a committed context is frozen (`freezeJsonData` in
 * `engine/freeze-state.ts`) and keeps its reference, so a step hashes only the nodes it changed
 * (the path from the root to the change) instead of every byte of the state, twice (the context and
 * the snapshot's copy of it). Digests depend on the data only: a record read back from any store
 * digests the same.
 *
 * @example
 * ```ts
 * import { merkleDigest } from './merkle-json.js';
 * merkleDigest({ b: [1, 2], a: 'x' }) === merkleDigest({ a: 'x', b: [1, 2] }); // true
 * ```
 * @throws TypeError for a BigInt anywhere in `value` (as `canonicalJson`).
 */
export function merkleDigest(value: object): string {
  return sha256(nodeText(value));
}

/** The node text of a plain object or array (its members by reference; see {@link merkleDigest}). */
export function nodeText(value: object): string {
  return Array.isArray(value) ? arrayText(value) : objectText(value);
}

/** How `value` is written inside its parent: undefined when a member is left out (as JSON does). */
function ref(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
      return quote(value);
    case 'number':
      return Number.isFinite(value) ? String(value) : 'null';
    case 'boolean':
      return value ? 'true' : 'false';
    case 'object': {
      if (value === null) return 'null';
      // Frozen JSON data cannot change: its reference was worked out when it was frozen.
      const mark = frozenMark(value);
      return mark !== undefined ? refOfMark(mark) : nodeRef(value);
    }
    case 'bigint':
      throw new TypeError('BigInt values cannot be stored in history; convert them to strings.');
    default:
      return undefined;
  }
}

function nodeRef(value: object): string | undefined {
  // toJSON (dates, an object's or array's own) and boxed primitives stand for what they give, as in
  // JSON.stringify; the same rules as canonicalJson. What toJSON gives is written as data: its own
  // toJSON is not called in turn (JSON.stringify writes a Date a toJSON returns as `{}`).
  const toJSON = (value as { toJSON?: () => unknown }).toJSON;
  if (typeof toJSON !== 'function') return givenRef(value);
  const given: unknown = toJSON.call(value);
  if (given === null || typeof given !== 'object') return ref(given);
  const mark = frozenMark(given);
  return mark !== undefined ? refOfMark(mark) : givenRef(given);
}

/** The reference of an object written as data (no toJSON consulted): a boxed primitive as its value. */
function givenRef(value: object): string | undefined {
  if (!Array.isArray(value)) {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null && (value instanceof Number || value instanceof String || value instanceof Boolean)) return ref(value.valueOf());
  }
  return dataRef(value);
}

/**
 * The reference of a plain object or array (no toJSON to consult) inside its parent: its node text
 * when at most {@link MERKLE_INLINE_MAX} code units long, else `#` and the text's hex SHA-256.
 */
export function dataRef(value: object): string {
  const text = nodeText(value);
  return text.length <= MERKLE_INLINE_MAX ? flat(text) : flat('#' + sha256(text));
}

function arrayText(value: readonly unknown[]): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    out += ref(value[i]) ?? 'null';
  }
  return out + ']';
}

function objectText(value: object): string {
  const keys = Object.keys(value);
  let sorted = true;
  for (let i = 1; i < keys.length; i++) {
    if (keys[i - 1]! > keys[i]!) {
      sorted = false;
      break;
    }
  }
  if (!sorted) sortKeys(keys);
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = ref((value as Record<string, unknown>)[key]);
    if (item === undefined) continue;
    out += (first ? memberStart(key) : memberNext(key)) + item;
    first = false;
  }
  return out + '}';
}
