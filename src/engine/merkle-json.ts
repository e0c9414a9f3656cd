import { frozenMark, refOfMark } from '../store/frozen-data.js';
import { flat, jsonValueOf, memberNext, memberStart, quote, sha256, sortedKeys } from './canonical-json.js';

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
  const given = jsonValueOf(value);
  // What a toJSON at the root gives is digested as what it stands for, as every store keeps it; a
  // primitive (or nothing: written as null, as canonicalJson writes it) by its JSON text.
  return sha256(given !== null && typeof given === 'object' ? nodeText(given) : (ref(given, 0, '') ?? 'null'));
}

/**
 * Nesting written recursively; an object nested deeper is worked out with an explicit stack
 * ({@link deepRef}), so no depth overflows the stack (a record read back from a store carries no
 * marks: its whole tree is walked on the head check of a cold load).
 */
const RECURSION_LIMIT = 200;

/** The node text of a plain object or array (its members by reference; see {@link merkleDigest}). */
export function nodeText(value: object, depth = 0): string {
  return Array.isArray(value) ? arrayText(value, depth) : objectText(value, depth);
}

/**
 * How `value` is written inside its parent, under `key` (its member name or index: what a toJSON is
 * given): undefined when a member is left out (as JSON does).
 */
function ref(value: unknown, depth: number, key: string | number): string | undefined {
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
      if (mark !== undefined) return refOfMark(mark);
      return depth < RECURSION_LIMIT ? nodeRef(value, depth, key) : deepRef(value, key);
    }
    case 'function':
      // Left out, unless it has a toJSON (JSON calls a function's toJSON as any object's).
      return typeof (value as { toJSON?: unknown }).toJSON === 'function' ? nodeRef(value, depth, key) : undefined;
    case 'bigint':
      throw new TypeError('BigInt values cannot be stored in history; convert them to strings.');
    default:
      return undefined;
  }
}

function nodeRef(value: object, depth: number, key: string | number): string | undefined {
  const given = jsonValueOf(value, key);
  if (given === value) return dataRef(value, depth);
  if (given === null || typeof given !== 'object') return ref(given, depth, key);
  const mark = frozenMark(given);
  return mark !== undefined ? refOfMark(mark) : dataRef(given, depth);
}

/** One object being worked out by {@link deepRef}: its members, read once, and their references so far. */
interface DeepFrame {
  /** The object as it stands in its parent, and what it stands for in JSON (see `jsonValueOf`). */
  readonly member: object;
  readonly node: object;
  /** Its keys in canonical order (undefined for an array: its items are keyed by index). */
  readonly keys: readonly string[] | undefined;
  readonly items: readonly unknown[];
  readonly refs: (string | undefined)[];
  next: number;
}

/**
 * {@link nodeRef} without recursion, for an object nested past {@link RECURSION_LIMIT}: the objects
 * under it are walked depth-first with an explicit stack; each member is read once, and an object's
 * reference is worked out from its members' once they are known. A structure that contains itself
 * is refused, as `JSON.stringify` refuses it.
 */
function deepRef(value: object, key: string | number): string | undefined {
  // The objects being walked (as members and as what they stand for): met again below themselves, a cycle.
  const open = new Set<object>();
  const stack: DeepFrame[] = [];
  // The reference of `member` under `key`, or undefined when it is worked out by a frame just pushed.
  const enter = (member: object, at: string | number): { ref: string | undefined } | undefined => {
    const given = jsonValueOf(member, at);
    if (given === null || typeof given !== 'object') return { ref: ref(given, 0, at) };
    const mark = frozenMark(given);
    if (mark !== undefined) return { ref: refOfMark(mark) };
    if (open.has(member) || open.has(given)) throw new TypeError('Converting circular structure to JSON (a state cannot contain itself).');
    open.add(member).add(given);
    if (Array.isArray(given)) {
      const items = Array.from({ length: given.length }, (_, i) => given[i] as unknown);
      stack.push({ member, node: given, keys: undefined, items, refs: new Array(items.length), next: 0 });
    } else {
      const keys = sortedKeys(given);
      const items = keys.map((k) => (given as Record<string, unknown>)[k]);
      stack.push({ member, node: given, keys, items, refs: new Array(items.length), next: 0 });
    }
    return undefined;
  };
  let result = enter(value, key);
  while (result === undefined) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.items.length) {
      const at = top.next++;
      const item = top.items[at];
      const itemKey = top.keys === undefined ? at : top.keys[at]!;
      if (item !== null && typeof item === 'object' && frozenMark(item) === undefined) {
        const known = enter(item, itemKey);
        if (known !== undefined) top.refs[at] = known.ref;
      } else top.refs[at] = ref(item, 0, itemKey);
      continue;
    }
    stack.pop();
    open.delete(top.member);
    open.delete(top.node);
    const text = framedText(top.keys, top.refs);
    const done = text.length <= MERKLE_INLINE_MAX ? flat(text) : flat('#' + sha256(text));
    const parent = stack[stack.length - 1];
    if (parent === undefined) result = { ref: done };
    else parent.refs[parent.next - 1] = done;
  }
  return result.ref;
}

/** The node text of an object (`keys`) or array (no keys) from its members' references. */
function framedText(keys: readonly string[] | undefined, refs: readonly (string | undefined)[]): string {
  if (keys === undefined) {
    let out = '[';
    for (let i = 0; i < refs.length; i++) out += (i > 0 ? ',' : '') + (refs[i] ?? 'null');
    return out + ']';
  }
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const item = refs[i];
    if (item === undefined) continue;
    out += (first ? memberStart(keys[i]!) : memberNext(keys[i]!)) + item;
    first = false;
  }
  return out + '}';
}

/**
 * The reference of a plain object or array (no toJSON to consult) inside its parent: its node text
 * when at most {@link MERKLE_INLINE_MAX} code units long, else `#` and the text's hex SHA-256.
 * `depth` is how deep `value` is nested.
 */
export function dataRef(value: object, depth = 0): string {
  const text = nodeText(value, depth);
  return text.length <= MERKLE_INLINE_MAX ? flat(text) : flat('#' + sha256(text));
}

/**
 * {@link dataRef} of a plain object or array, and the length of its node text (for the freeze, which
 * adds its hashed members' own lengths to it to know the node's JSON length).
 */
export function dataRefAndLength(value: object): { readonly ref: string; readonly length: number } {
  const text = nodeText(value, 0);
  return { ref: text.length <= MERKLE_INLINE_MAX ? flat(text) : flat('#' + sha256(text)), length: text.length };
}

function arrayText(value: readonly unknown[], depth: number): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    out += ref(value[i], depth + 1, i) ?? 'null';
  }
  return out + ']';
}

function objectText(value: object, depth: number): string {
  const keys = sortedKeys(value);
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = ref((value as Record<string, unknown>)[key], depth + 1, key);
    if (item === undefined) continue;
    out += (first ? memberStart(key) : memberNext(key)) + item;
    first = false;
  }
  return out + '}';
}
