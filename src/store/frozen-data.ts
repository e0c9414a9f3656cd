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
 * - its height: how many levels of objects and arrays it nests (`[]` is 1, `[[]]` 2), which the
 *   store rules' depth limit reads. A short reference is the node's own text, whose brackets give
 *   the height; a hashed one (`#` and 64 hex digits, for a text longer than 64 code units) is
 *   followed by the height in base 36 (the two or three characters fit in the string's allocation).
 *
 * The mark is a string in a private field of the object itself (see `Marked`), which JSON, spreads,
 * `Object.keys`, `for…in`, structured clones and property descriptors do not see or copy: weak
 * tables of every object of every live state made each lookup a cache miss and each garbage
 * collection slower as instances grew, and one string per object (no record of facts beside it)
 * keeps an idle instance's heap small.
 */

const UNSTORABLE = 33; // '!'

/** A base whose constructor returns the object it is given: a subclass's private field is set on that object. */
class Given {
  constructor(value: object) {
    return value;
  }
}

/**
 * The mark, as a private field set on the marked object itself (the class is never instantiated: its
 * constructor only adds the field to an existing object). Unlike a property, even a symbol-keyed,
 * non-enumerable one, a private field is not found through the prototype chain
 * (`Object.create(marked)`), not copied by `Object.getOwnPropertyDescriptors` or `Object.assign`, and
 * not seen through a Proxy: only the very object that was marked, and frozen, carries it.
 */
class Marked extends Given {
  readonly #mark: string;
  private constructor(value: object, mark: string) {
    super(value);
    this.#mark = mark;
  }

  static set(value: object, mark: string): void {
    new Marked(value, mark);
  }

  static get(value: object): string | undefined {
    return #mark in value ? (value as Marked).#mark : undefined;
  }
}

/** The mark of `value` when it is frozen JSON data (see the module's comment); undefined otherwise. */
export function frozenMark(value: object): string | undefined {
  return Marked.get(value);
}

/** Whether every string and key under a marked object is storable. */
export function isStorableMark(mark: string): boolean {
  return mark.charCodeAt(0) !== UNSTORABLE;
}

const HASH = 35; // '#'
/** Length of a hashed reference: `#` and 64 hex digits. */
const HASHED_LENGTH = 65;

/** The Merkle reference a mark records. */
export function refOfMark(mark: string): string {
  const start = mark.charCodeAt(0) === UNSTORABLE ? 1 : 0;
  if (mark.charCodeAt(start) === HASH) return mark.slice(start, start + HASHED_LENGTH);
  return start === 0 ? mark : mark.slice(1);
}

/**
 * How many levels of objects and arrays the marked object nests (`{}` is 1): read from the height a
 * hashed mark carries, or from the brackets of a short one's text (at most 64 code units, so at most
 * 32 levels).
 */
export function heightOfMark(mark: string): number {
  const start = mark.charCodeAt(0) === UNSTORABLE ? 1 : 0;
  if (mark.charCodeAt(start) === HASH) return parseInt(mark.slice(start + HASHED_LENGTH), 36);
  let depth = 0;
  let height = 0;
  let inString = false;
  for (let i = start; i < mark.length; i++) {
    const c = mark.charCodeAt(i);
    if (inString) {
      if (c === 92) i++; // a backslash escapes the next character
      else if (c === 34) inString = false;
    } else if (c === 34) inString = true;
    else if (c === 123 || c === 91) height = Math.max(height, ++depth);
    else if (c === 125 || c === 93) depth--;
  }
  return height;
}

/**
 * Mark `value` (not frozen yet, extensible, not marked) as JSON data with its Merkle reference,
 * whether its strings are storable and its height (levels of objects and arrays, see
 * {@link heightOfMark}). The caller freezes it right after: a mark is never changed.
 */
export function setFrozenMark(value: object, ref: string, storable: boolean, height: number): void {
  const mark = ref.charCodeAt(0) === HASH ? ref + height.toString(36) : ref;
  Marked.set(value, storable ? mark : '!' + mark);
}
