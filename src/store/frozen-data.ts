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
 *   reference is prefixed with `!` when one is not (a reference never starts with `!`).
 *
 * The mark is a string under a non-enumerable symbol key that JSON, spreads, `Object.keys`, `for…in`
 * and structured clones do not see, on the object itself: weak tables of every object of every live
 * state made each lookup a cache miss and each garbage collection slower as instances grew, and one
 * string per object (no record of facts beside it) keeps an idle instance's heap small.
 */

const MARK = Symbol('docket.frozenJsonData');
const UNSTORABLE = 33; // '!'

/**
 * The mark of `value` when it is frozen JSON data (see the module's comment); undefined otherwise.
 * Only a mark of its own: an object whose prototype is marked data (`Object.create(frozen)`) is not
 * that data, and its own keys and strings are digested and checked.
 */
export function frozenMark(value: object): string | undefined {
  const mark = (value as { [MARK]?: string })[MARK];
  return mark !== undefined && Object.hasOwn(value, MARK) ? mark : undefined;
}

/** Whether every string and key under a marked object is storable. */
export function isStorableMark(mark: string): boolean {
  return mark.charCodeAt(0) !== UNSTORABLE;
}

/** The Merkle reference a mark records. */
export function refOfMark(mark: string): string {
  return mark.charCodeAt(0) === UNSTORABLE ? mark.slice(1) : mark;
}

/**
 * Mark `value` (not frozen yet, extensible) as JSON data with its Merkle reference and whether its
 * strings are storable. The caller freezes it right after: a mark is never changed.
 */
export function setFrozenMark(value: object, ref: string, storable: boolean): void {
  Object.defineProperty(value, MARK, { value: storable ? ref : '!' + ref });
}
