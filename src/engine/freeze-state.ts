import { frozenMark, isStorableMark, setFrozenMark } from '../store/frozen-data.js';
import { isStorableString } from '../store/payload-rules.js';
import { dataRef } from './merkle-json.js';

/**
 * Freeze the plain objects and arrays of `value` (a committed state's context), deeply, and mark
 * those whose whole subtree is JSON data (primitives, plain objects and arrays) with their Merkle
 * reference and whether their strings are storable (see `store/frozen-data.ts`). Objects of other
 * kinds (dates, maps, class instances, a plain object with its own `toJSON`) are left as they are
 * and keep their ancestors from counting as JSON data, since their JSON text may change; so is an
 * object that was frozen, sealed or made non-extensible already by someone else (it cannot be
 * marked). Returns whether `value` is marked JSON data throughout.
 *
 * Walks only what is not marked already, bottom-up, so freezing the next state of an instance costs
 * what changed: each new node is written and hashed once (its children's references are marked
 * already), its strings checked once, and the digest of the state and the stores' string check then
 * read the marks.
 *
 * Sound because a frozen object cannot be changed afterwards, and XState never changes a context in
 * place (`assign` builds a new one). A machine action that mutates a committed context in place
 * throws a TypeError (the act is refused with MACHINE_ERROR) instead of silently changing a state the
 * engine, its cache and the memory store share. Accessor properties are read, not frozen: context
 * is data, and a getter whose value changes is outside what Docket can keep.
 *
 * @throws TypeError for a BigInt in `value` (no store can keep one).
 */
export function freezeJsonData(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return true;
  if (frozenMark(value) !== undefined) return true;
  let pure: boolean;
  let storable = true;
  if (Array.isArray(value)) {
    pure = Object.getPrototypeOf(value) === Array.prototype && !('toJSON' in value);
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      if (!freezeJsonData(item)) pure = false;
      else if (storable && !storableItem(item)) storable = false;
    }
  } else {
    const proto = Object.getPrototypeOf(value);
    if (proto !== Object.prototype && proto !== null) return false;
    // A toJSON (own, enumerable or not) decides the object's text: not marked.
    pure = !('toJSON' in value);
    for (const key in value) {
      if (!Object.hasOwn(value, key)) continue;
      if (storable && !isStorableString(key)) storable = false;
      const child = (value as Record<string, unknown>)[key];
      if (!freezeJsonData(child)) pure = false;
      else if (storable && !storableItem(child)) storable = false;
    }
  }
  if (Object.isFrozen(value)) return false;
  if (!Object.isExtensible(value)) {
    // Sealed or made non-extensible by its owner: no mark can be added to it. Frozen all the same
    // (the commit holds it as it is now), but not counted as JSON data.
    Object.freeze(value);
    return false;
  }
  if (pure) setFrozenMark(value, dataRef(value), storable);
  Object.freeze(value);
  return pure;
}

/** Whether a JSON-data item (a primitive, or an object marked just now) is storable throughout. */
function storableItem(item: unknown): boolean {
  if (typeof item === 'string') return isStorableString(item);
  if (item === null || typeof item !== 'object') return true;
  return isStorableMark(frozenMark(item)!);
}
