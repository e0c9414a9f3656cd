import { frozenMark, HASHED_REF_LENGTH, heightBoundOfMark, isHashedMark, isStorableMark, setFrozenMark, sizeOfMark } from '../store/frozen-data.js';
import { exactHeight, isStorableString } from '../store/payload-rules.js';
import { mayBeBoxed } from './canonical-json.js';
import { dataRefAndLength } from './merkle-json.js';
import { findStateFault } from './state-fault.js';
import { INPUT_LIMITS } from './validate-input.js';

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
 * Nesting is counted as it goes (the context is depth 1; a marked part adds a bound on its height,
 * see `heightBoundOfMark`, and is walked only when that bound crosses the limit): past
 * {@link INPUT_LIMITS}`.contextDepth` levels, which is also where a structure that contains itself
 * ends up, the walk stops with a {@link StateDataFault} and nothing is marked above it. So does a
 * BigInt, which no store can keep. An object whose JSON is not its own members (a toJSON, a class
 * instance, a boxed primitive) is checked as JSON writes it (`findStateFault`), with the levels left,
 * and not walked further: its members are not what any store keeps. The caller (the commit's
 * planning) turns the fault into `INVALID_PAYLOAD` naming the path and what is wrong
 * (see `state-fault.ts`).
 *
 * The context itself must not have a toJSON: stores write it both on its own and inside the record,
 * under different keys, so a toJSON there could be read two ways.
 *
 * @throws StateDataFault for a BigInt, nesting past the limit (a cycle included), a part whose JSON
 * no store can keep, or a toJSON on the context itself; whatever a getter or a toJSON throws.
 */
export function freezeJsonData(value: unknown): boolean {
  // A toJSON on the context itself would be asked under different keys by different stores (SQLite
  // writes the context on its own, key '', and inside the record, key 'context'): refused.
  if (value !== null && typeof value === 'object' && typeof (value as { toJSON?: unknown }).toJSON === 'function') throw new StateDataFault('json');
  return freezeNode(value, 1, '') >= 0;
}

/**
 * Why {@link freezeJsonData} stopped: the context holds data no store can keep. Internal: the commit
 * planning diagnoses the context again to name the path (see `state-fault.ts`).
 */
export class StateDataFault extends Error {
  constructor(readonly kind: 'bigint' | 'depth' | 'json' | 'size') {
    super(
      kind === 'bigint'
        ? 'A BigInt in the context'
        : kind === 'depth'
          ? `The context is nested more than ${INPUT_LIMITS.contextDepth} levels deep`
          : kind === 'size'
            ? `its JSON would be longer than ${INPUT_LIMITS.contextSize.toLocaleString('en')} characters (INPUT_LIMITS.contextSize), counting each shared part every time it appears, as a store writes it`
            : 'A part of the context that JSON cannot write as every store keeps it',
    );
    this.name = 'StateDataFault';
  }
}

/** Not JSON data throughout (not marked): what {@link freezeNode} returns instead of a height. */
const NOT_DATA = -1;

/**
 * Freeze `value`, found at `depth` (the context is 1) under `key` (what a toJSON is given); a bound on
 * its height when it is JSON data throughout (0 for a primitive, levels of objects and arrays for a
 * node, at most 31 over), else {@link NOT_DATA}.
 */
function freezeNode(value: unknown, depth: number, key: string | number): number {
  const limit = INPUT_LIMITS.contextDepth;
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'bigint') throw new StateDataFault('bigint');
    // A function is left out by JSON, unless it has a toJSON: then it is written as that gives.
    if (typeof value === 'function' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      if (findStateFault(value, '', limit - depth + 1, key) !== undefined) throw new StateDataFault('json');
      return NOT_DATA;
    }
    return 0;
  }
  const mark = frozenMark(value);
  if (mark !== undefined) {
    const bound = heightBoundOfMark(mark);
    if (depth - 1 + bound <= limit) return bound;
    // The bound crosses the limit: walk the part to decide (only ever near the limit).
    const height = exactHeight(value, limit - depth + 1);
    if (height === Infinity) throw new StateDataFault('depth');
    return height;
  }
  if (depth > limit) throw new StateDataFault('depth');
  const isArray = Array.isArray(value);
  const proto = Object.getPrototypeOf(value);
  if ((isArray ? proto !== Array.prototype : (proto !== Object.prototype && proto !== null) || mayBeBoxed(value)) || 'toJSON' in value) {
    // Its JSON is what a toJSON gives, or a class instance's or boxed primitive's own reading: check
    // that, with the levels left, and leave its members alone (no store keeps them as they are).
    if (findStateFault(value, '', limit - depth + 1, key) !== undefined) throw new StateDataFault('json');
    // A plain object or array with its own toJSON is frozen as it is (not marked: its text may change).
    if ((proto === Object.prototype || proto === null || proto === Array.prototype) && !mayBeBoxed(value)) Object.freeze(value);
    return NOT_DATA;
  }
  let pure = true;
  let storable = true;
  let below = 0;
  // How much longer the node's JSON is than its node text: each hashed member's JSON in place of its reference.
  let longer = 0;
  if (isArray) {
    for (let i = 0; i < value.length; i++) {
      const item: unknown = value[i];
      const height = freezeNode(item, depth + 1, i);
      if (height === NOT_DATA) pure = false;
      else {
        if (height > below) below = height;
        if (storable && !storableItem(item)) storable = false;
        longer += lengthBeyondRef(item);
      }
    }
  } else {
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      if (storable && !isStorableString(k)) storable = false;
      const child = (value as Record<string, unknown>)[k];
      const height = freezeNode(child, depth + 1, k);
      if (height === NOT_DATA) pure = false;
      else {
        if (height > below) below = height;
        if (storable && !storableItem(child)) storable = false;
        longer += lengthBeyondRef(child);
      }
    }
  }
  if (Object.isFrozen(value)) return NOT_DATA;
  if (!Object.isExtensible(value)) {
    // Sealed or made non-extensible by its owner: no mark can be added to it. Frozen all the same
    // (the commit holds it as it is now), but not counted as JSON data.
    Object.freeze(value);
    return NOT_DATA;
  }
  if (pure) {
    const { ref, length } = dataRefAndLength(value);
    const size = length + longer;
    // Shared parts are written each time they appear: a few frozen nodes can stand for JSON no store can hold.
    if (size > INPUT_LIMITS.contextSize) throw new StateDataFault('size');
    setFrozenMark(value, ref, storable, below + 1, size);
  }
  Object.freeze(value);
  return pure ? below + 1 : NOT_DATA;
}

/** Whether a JSON-data item (a primitive, or an object marked just now) is storable throughout. */
function storableItem(item: unknown): boolean {
  if (typeof item === 'string') return isStorableString(item);
  if (item === null || typeof item !== 'object') return true;
  return isStorableMark(frozenMark(item)!);
}

/** How much longer a marked member's JSON is than the reference its parent's text holds (0 unless hashed). */
function lengthBeyondRef(item: unknown): number {
  if (item === null || typeof item !== 'object') return 0;
  const mark = frozenMark(item)!;
  return isHashedMark(mark) ? sizeOfMark(mark) - HASHED_REF_LENGTH : 0;
}
