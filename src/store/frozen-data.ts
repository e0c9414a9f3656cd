/**
 * Frozen JSON data (internal): the engine freezes each committed context, deeply, so that what a
 * store keeps by reference (the memory store), what the engine's snapshot cache shares and what a
 * history entry committed to cannot drift apart; and so that work done once on an unchanging part of
 * a state (its reference in the Merkle state digest of the hash chain, the store's check of its
 * strings) is not repeated on every commit of an instance whose context changes in one field.
 */

/**
 * What is known of one frozen JSON-data object: its reference in the Merkle state digest once worked
 * out (see `merkleDigest` in `engine/merkle-json.ts`: its text when short, else `#` and its hash),
 * and whether every string and key in it is storable, once checked (the store rules). Kept on the
 * object itself, under a non-enumerable symbol key that JSON, spreads, `Object.keys`, `for…in` and
 * structured clones do not see: weak tables of every object of every live state made each lookup a
 * cache miss and each garbage collection slower as instances grew. A reference is at most 65
 * characters, whatever the size of the subtree, so what an idle instance keeps stays small.
 */
export interface FrozenJsonInfo {
  ref?: string;
  storable?: boolean;
}

const INFO = Symbol('docket.frozenJsonData');

/**
 * Freeze the plain objects and arrays of `value` (a committed state's context), deeply, and mark
 * those whose whole subtree is JSON data: primitives, plain objects and arrays. Objects of other kinds
 * (dates, maps, class instances, a plain object with its own `toJSON`) are left as they are and keep
 * their ancestors from counting as JSON data, since their JSON text may change; so is an object that
 * was frozen, sealed or made non-extensible already by someone else (it cannot be marked). Returns whether `value` is marked JSON
 * data throughout. Walks only what is not marked already, so freezing the next state of an instance
 * costs what changed.
 *
 * Sound because a frozen object cannot be changed afterwards, and XState never changes a context in
 * place (`assign` builds a new one). A machine action that mutates a committed context in place
 * throws a TypeError (the act is refused with MACHINE_ERROR) instead of silently changing a state the
 * engine, its cache and the memory store share. Accessor properties are read, not frozen: context
 * is data, and a getter whose value changes is outside what Docket can keep.
 */
export function freezeJsonData(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if ((value as { [INFO]?: FrozenJsonInfo })[INFO] !== undefined) return true;
  let pure: boolean;
  if (Array.isArray(value)) {
    pure = Object.getPrototypeOf(value) === Array.prototype && !('toJSON' in value);
    for (let i = 0; i < value.length; i++) if (!freezeJsonData(value[i])) pure = false;
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    // A toJSON (own, enumerable or not) decides the object's text: not cached.
    pure = !('toJSON' in value);
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (!freezeJsonData((value as Record<string, unknown>)[key])) pure = false;
    }
  }
  if (Object.isFrozen(value)) return false;
  if (!Object.isExtensible(value)) {
    // Sealed or made non-extensible by its owner: no mark can be added to it. Frozen all the same
    // (the commit holds it as it is now), but not counted as JSON data.
    Object.freeze(value);
    return false;
  }
  if (pure) Object.defineProperty(value, INFO, { value: {} });
  Object.freeze(value);
  return pure;
}

/**
 * What is known of `value` when it is an object frozen by {@link freezeJsonData} whose whole
 * subtree is JSON data (the caller fills in what it learns); undefined otherwise.
 */
export function frozenJsonInfo(value: object): FrozenJsonInfo | undefined {
  return (value as { [INFO]?: FrozenJsonInfo })[INFO];
}
