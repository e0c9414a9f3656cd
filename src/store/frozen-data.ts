/**
 * Marks on frozen JSON data (internal). The engine freezes each committed context, deeply (see
 * `freezeJsonData` in `engine/freeze-state.ts`), so that what a store keeps by reference (the memory
 * store), what the engine's snapshot cache shares and what a history entry committed to cannot drift
 * apart; and so that work done once on an unchanging part of a state is not repeated on every commit
 * of an instance whose context changes in one field. Each frozen object or array whose whole subtree
 * is JSON data carries one mark, set when it is frozen:
 *
 * - its reference in the Merkle state digest (`merkleDigest` in `engine/merkle-json.ts`: its text
 *   when short, else `#` and its hash), at most 65 characters whatever the subtree's size;
 * - whether every string and key in it is storable (the store rules, `payload-rules.ts`): the
 *   reference is prefixed with `!` when one is not (a reference never starts with `!`);
 * - a bound on its height (how many levels of objects and arrays it nests: `[]` is 1, `[[]]` 2),
 *   which the depth limits read. A short reference is the node's own text, at most 64 code units,
 *   so its height is at most half its length (each level takes a bracket pair); a hashed one (`#`
 *   and 64 hex digits) is followed by its bound in base 36: one more than its highest member's bound;
 * - the length of its canonical JSON text (shared parts counted each time, as a store writes them):
 *   a short reference is that text; a hashed one carries it after the bound, `.` and base 36. With
 *   the bound, a few characters, which mostly fit in the string's allocation. Only a short text's bound
 *   is ever above the height, by at most 31, so a bound is exact to within 31 levels; a check that
 *   a bound fails near a limit walks the data to decide (see `exactHeight` in `engine/freeze-state.ts`).
 *
 * The mark is a string in a private field of the object itself (see `marks`), which JSON, spreads,
 * `Object.keys`, `for…in`, structured clones and property descriptors do not see or copy: weak
 * tables of every object of every live state made each lookup a cache miss and each garbage
 * collection slower as instances grew, and one string per object (no record of facts beside it)
 * keeps an idle instance's heap small.
 */

import { privateMark } from './private-mark.js';

const UNSTORABLE = 33; // '!'

/**
 * The mark, a private mark (see `private-mark.ts`) set on the marked object itself: not found through
 * the prototype chain (`Object.create(marked)`), not copied by `Object.getOwnPropertyDescriptors` or
 * `Object.assign`, and not seen through a Proxy: only the very object that was marked, and frozen,
 * carries it.
 */
const marks = privateMark<string>();

/** The mark of `value` when it is frozen JSON data (see the module's comment); undefined otherwise. */
export function frozenMark(value: object): string | undefined {
  return marks.of(value);
}

/** Whether every string and key under a marked object is storable. */
export function isStorableMark(mark: string): boolean {
  return mark.charCodeAt(0) !== UNSTORABLE;
}

const HASH = 35; // '#'
const DOT = 46; // '.', between a hashed mark's height bound and its size
/** Length of a hashed reference: `#` and 64 hex digits. */
const HASHED_LENGTH = 65;

/** The Merkle reference a mark records. */
export function refOfMark(mark: string): string {
  const start = mark.charCodeAt(0) === UNSTORABLE ? 1 : 0;
  if (mark.charCodeAt(start) === HASH) return mark.slice(start, start + HASHED_LENGTH);
  return start === 0 ? mark : mark.slice(1);
}

/**
 * A bound on how many levels of objects and arrays the marked object nests (`{}` is 1): the bound a
 * hashed mark carries, or half a short one's length (its text, at most 64 code units). At most 31
 * above the height (see the module's comment); read in constant time, without a scan or a slice.
 */
export function heightBoundOfMark(mark: string): number {
  const start = mark.charCodeAt(0) === UNSTORABLE ? 1 : 0;
  if (mark.charCodeAt(start) !== HASH) return (mark.length - start) >> 1;
  return base36(mark, start + HASHED_LENGTH);
}

/** The base-36 number written in `mark` from `from` up to the next `.` or its end. */
function base36(mark: string, from: number): number {
  let value = 0;
  for (let i = from; i < mark.length; i++) {
    const c = mark.charCodeAt(i);
    if (c === DOT) break;
    value = value * 36 + (c <= 57 ? c - 48 : c - 87); // 0-9, a-z
  }
  return value;
}

/**
 * Mark `value` (not frozen yet, extensible, not marked) as JSON data with its Merkle reference,
 * whether its strings are storable and a bound on its height (see {@link heightBoundOfMark}; kept
 * only when the reference is hashed). The caller freezes it right after: a mark is never changed.
 */
export function setFrozenMark(value: object, ref: string, storable: boolean, heightBound: number, size: number): void {
  const mark = ref.charCodeAt(0) === HASH ? `${ref}${heightBound.toString(36)}.${size.toString(36)}` : ref;
  marks.mark(value, storable ? mark : '!' + mark);
}

/**
 * The length of the marked object's canonical JSON text, in UTF-16 code units, shared parts counted
 * each time they appear (what a store writes): a short mark's text is that text; a hashed one carries
 * it after its height bound. Read in constant time.
 */
export function sizeOfMark(mark: string): number {
  const start = mark.charCodeAt(0) === UNSTORABLE ? 1 : 0;
  if (mark.charCodeAt(start) !== HASH) return mark.length - start;
  return base36(mark, mark.indexOf('.', start + HASHED_LENGTH) + 1);
}

/**
 * How much longer the marked object's JSON is than the reference its parent's node text holds for
 * it: 0 for a short mark (the reference is the text), its size less 65 for a hashed one.
 */
export function lengthBeyondRefOfMark(mark: string): number {
  const start = mark.charCodeAt(0) === UNSTORABLE ? 1 : 0;
  return mark.charCodeAt(start) === HASH ? sizeOfMark(mark) - HASHED_LENGTH : 0;
}
