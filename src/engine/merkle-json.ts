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
  return sha256(nodeText(value));
}

/**
 * Nesting written recursively; an object nested deeper is worked out with an explicit stack
 * ({@link deepRef}), so no depth overflows the stack (a record read back from a store carries no
 * marks: its whole tree is walked on the head check of a cold load).
 */
const RECURSION_LIMIT = 200;

/** References already worked out by {@link deepRef}, by the object as it stands in its parent. */
type Known = ReadonlyMap<object, string | undefined>;

/** The node text of a plain object or array (its members by reference; see {@link merkleDigest}). */
export function nodeText(value: object, depth = 0, known?: Known): string {
  return Array.isArray(value) ? arrayText(value, depth, known) : objectText(value, depth, known);
}

/** How `value` is written inside its parent: undefined when a member is left out (as JSON does). */
function ref(value: unknown, depth: number, known?: Known): string | undefined {
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
      if (known !== undefined && known.has(value)) return known.get(value);
      return depth < RECURSION_LIMIT ? nodeRef(value, depth) : deepRef(value);
    }
    case 'bigint':
      throw new TypeError('BigInt values cannot be stored in history; convert them to strings.');
    default:
      return undefined;
  }
}

function nodeRef(value: object, depth: number): string | undefined {
  const given = jsonValueOf(value);
  if (given === value) return dataRef(value, depth);
  if (given === null || typeof given !== 'object') return ref(given, depth);
  const mark = frozenMark(given);
  return mark !== undefined ? refOfMark(mark) : dataRef(given, depth);
}

/**
 * {@link nodeRef} without recursion, for an object nested past {@link RECURSION_LIMIT}: the objects
 * under it are walked depth-first with an explicit stack and each one's reference is worked out once
 * its members' are known. A structure that contains itself is refused, as `JSON.stringify` refuses it.
 */
function deepRef(value: object): string | undefined {
  const known = new Map<object, string | undefined>();
  // The objects being walked (as members and as what they stand for): met again below themselves, a cycle.
  const open = new Set<object>();
  const stack: { member: object; node: object; items: readonly unknown[]; next: number }[] = [];
  const enter = (member: object): void => {
    const given = jsonValueOf(member);
    if (given === null || typeof given !== 'object') {
      known.set(member, ref(given, 0));
      return;
    }
    const mark = frozenMark(given);
    if (mark !== undefined) {
      known.set(member, refOfMark(mark));
      return;
    }
    if (open.has(member) || open.has(given)) throw new TypeError('Converting circular structure to JSON (a state cannot contain itself).');
    open.add(member).add(given);
    stack.push({ member, node: given, items: Array.isArray(given) ? given : Object.values(given), next: 0 });
  };
  enter(value);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    if (top.next < top.items.length) {
      const item = top.items[top.next++];
      if (item !== null && typeof item === 'object' && frozenMark(item) === undefined && !known.has(item)) enter(item);
      continue;
    }
    stack.pop();
    open.delete(top.member);
    open.delete(top.node);
    known.set(top.member, dataRef(top.node, RECURSION_LIMIT, known));
  }
  return known.get(value);
}

/**
 * The reference of a plain object or array (no toJSON to consult) inside its parent: its node text
 * when at most {@link MERKLE_INLINE_MAX} code units long, else `#` and the text's hex SHA-256.
 * `depth` is how deep `value` is nested, `known` the references {@link deepRef} worked out.
 */
export function dataRef(value: object, depth = 0, known?: Known): string {
  const text = nodeText(value, depth, known);
  return text.length <= MERKLE_INLINE_MAX ? flat(text) : flat('#' + sha256(text));
}

function arrayText(value: readonly unknown[], depth: number, known: Known | undefined): string {
  let out = '[';
  for (let i = 0; i < value.length; i++) {
    if (i > 0) out += ',';
    out += ref(value[i], depth + 1, known) ?? 'null';
  }
  return out + ']';
}

function objectText(value: object, depth: number, known: Known | undefined): string {
  const keys = sortedKeys(value);
  let out = '{';
  let first = true;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const item = ref((value as Record<string, unknown>)[key], depth + 1, known);
    if (item === undefined) continue;
    out += (first ? memberStart(key) : memberNext(key)) + item;
    first = false;
  }
  return out + '}';
}
