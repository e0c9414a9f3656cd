import { frozenMark, heightBoundOfMark, isStorableMark, lengthBeyondRefOfMark, setFrozenMark, sizeOfMark } from '../store/frozen-data.js';
import { isStorableString } from '../store/payload-rules.js';
import { jsonStringLength, mayBeBoxed, primitiveLength } from './canonical-json.js';
import { dataRefAndLength } from './merkle-json.js';
import { findStateFault, TOO_LONG } from './state-fault.js';
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
  const outer = otherSizes;
  const outerVisits = visits;
  otherSizes = undefined;
  visits = 0;
  try {
    return freezeNode(value, 1, '') >= 0;
  } finally {
    otherSizes = outer;
    visits = outerVisits;
  }
}

// The exact JSON length of each part of the context being frozen that is not JSON data throughout
// (so carries no mark to hold it), for its parent to read when it is not JSON data either, by the
// key it was found under (a toJSON may give each key something else). Made per freeze, only when
// such a part is met, and dropped after.
let otherSizes: Map<object, Map<string | number, number>> | undefined;

function noteSize(value: object, key: string | number, size: number): void {
  otherSizes ??= new Map();
  let byKey = otherSizes.get(value);
  if (byKey === undefined) otherSizes.set(value, (byKey = new Map()));
  byKey.set(key, size);
}

// Values walked by this freeze, shared parts each time they are met. Each one is at least one
// character of the JSON a store writes, so past INPUT_LIMITS.contextSize of them the context is too
// long: the walk stops there instead of doubling with every level of a shared part that is not
// JSON data throughout (and so has no mark to stop at).
let visits = 0;

/**
 * The exact length of the JSON of a node that is not JSON data throughout, from its members: a
 * primitive's text, a marked member's mark, another member's size noted when it was walked.
 */
function otherNodeSize(value: object, isArray: boolean): number {
  const sizeOf = (item: unknown, key: string | number): number => {
    if (item === null || (typeof item !== 'object' && typeof item !== 'function')) {
      return item === undefined || typeof item === 'symbol' ? 0 : primitiveLength(item);
    }
    const mark = frozenMark(item as object);
    if (mark !== undefined) return sizeOfMark(mark);
    return otherSizes?.get(item as object)?.get(key) ?? 0;
  };
  let size = 2;
  let written = 0;
  if (isArray) {
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) size += (sizeOf(list[i], i) || 4) + (written++ > 0 ? 1 : 0);
    return size;
  }
  for (const k in value) {
    if (!Object.hasOwn(value, k)) continue;
    const item = sizeOf((value as Record<string, unknown>)[k], k);
    if (item === 0) continue;
    size += jsonStringLength(k) + 1 + item + (written++ > 0 ? 1 : 0);
  }
  return size;
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
            ? TOO_LONG
            : 'A part of the context that JSON cannot write as every store keeps it',
    );
    this.name = 'StateDataFault';
  }
}

/** Not JSON data throughout (not marked): what {@link freezeNode} returns instead of a height. */
const NOT_DATA = -1;

// What the last {@link freezeNode} call found of the value it walked, for its parent to read right
// after it returns (module state, so no object is allocated per node): how much longer its JSON is
// than the reference the parent's node text holds for it (only a hashed node's is), and whether its
// strings are storable.
let walkedLonger = 0;
let walkedStorable = true;

function walked(longer: number, storable: boolean): void {
  walkedLonger = longer;
  walkedStorable = storable;
}

/**
 * Freeze `value`, found at `depth` (the context is 1) under `key` (what a toJSON is given); a bound on
 * its height when it is JSON data throughout (0 for a primitive, levels of objects and arrays for a
 * node, at most 31 over), else {@link NOT_DATA}. Sets what the parent reads (see `walkedLonger`).
 */
function freezeNode(value: unknown, depth: number, key: string | number): number {
  const limit = INPUT_LIMITS.contextDepth;
  const maxSize = INPUT_LIMITS.contextSize;
  if (value !== undefined && typeof value !== 'symbol' && typeof value !== 'function' && ++visits > maxSize) throw new StateDataFault('size');
  if (value === null || typeof value !== 'object') {
    if (typeof value === 'string') {
      walked(0, isStorableString(value));
      return 0;
    }
    if (typeof value === 'bigint') throw new StateDataFault('bigint');
    // A function is left out by JSON, unless it has a toJSON: then it is written as that gives.
    if (typeof value === 'function' && typeof (value as { toJSON?: unknown }).toJSON === 'function') {
      noteSize(value, key, opaqueSize(value, depth, key));
      walked(0, true);
      return NOT_DATA;
    }
    walked(0, true);
    return 0;
  }
  const mark = frozenMark(value);
  if (mark !== undefined) {
    walked(lengthBeyondRefOfMark(mark), isStorableMark(mark));
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
  const plain = isArray ? proto === Array.prototype : (proto === Object.prototype || proto === null) && !mayBeBoxed(value);
  if (!plain || 'toJSON' in value) {
    // Its JSON is what a toJSON gives, or a class instance's or boxed primitive's own reading: check
    // that, with the levels left, and leave its members alone (no store keeps them as they are).
    noteSize(value, key, opaqueSize(value, depth, key));
    // A plain object with its own toJSON is frozen as it is (not marked: its text may change).
    if (plain && !isArray) Object.freeze(value);
    walked(0, true);
    return NOT_DATA;
  }
  let pure = true;
  let storable = true;
  let below = 0;
  // How much longer the node's JSON is than its node text: each hashed member's JSON in place of its reference.
  let longer = 0;
  // What JSON does not write is not kept (see `dropUnwritten`): the walk passes over it as JSON does
  // (an object's member left out, an array's item read as null), and only a node that has some is
  // changed, after its walk and before its text and mark. Not a pass of its own over every node: a
  // delete puts an object in V8's dictionary mode, and a second walk of each new node cost the
  // contract approval's act ~10 % (interleaved A/B, session 21).
  let unwrittenSeen = false;
  if (isArray) {
    for (let i = 0; i < value.length; i++) {
      let item: unknown = value[i];
      if (unwritten(item)) {
        unwrittenSeen = true;
        item = null;
      }
      const height = freezeNode(item, depth + 1, i);
      if (height === NOT_DATA) pure = false;
      else if (height > below) below = height;
      if (!walkedStorable) storable = false;
      longer += walkedLonger;
    }
  } else {
    for (const k in value) {
      if (!Object.hasOwn(value, k)) continue;
      const child = (value as Record<string, unknown>)[k];
      if (unwritten(child)) {
        unwrittenSeen = true;
        continue;
      }
      if (!isStorableString(k)) storable = false;
      const height = freezeNode(child, depth + 1, k);
      if (height === NOT_DATA) pure = false;
      else if (height > below) below = height;
      if (!walkedStorable) storable = false;
      longer += walkedLonger;
    }
  }
  if (unwrittenSeen && Object.isExtensible(value)) dropUnwritten(value, isArray);
  if (!pure || Object.isFrozen(value) || !Object.isExtensible(value)) {
    // Not JSON data throughout, or frozen, sealed or made non-extensible by its owner (no mark can be
    // added to it): frozen all the same (the commit holds it as it is now), not marked, its exact
    // JSON length noted for its parent. Shared parts are written each time they appear: a few
    // frozen nodes can stand for JSON no store can hold.
    const size = otherNodeSize(value, isArray);
    if (size > maxSize) throw new StateDataFault('size');
    noteSize(value, key, size);
    Object.freeze(value);
    walked(0, storable);
    return NOT_DATA;
  }
  const text = dataRefAndLength(value);
  const exact = text.length + longer;
  if (exact > maxSize) throw new StateDataFault('size');
  setFrozenMark(value, text.ref, storable, below + 1, exact);
  Object.freeze(value);
  walked(exact - text.ref.length, storable);
  return below + 1;
}

/** A member JSON leaves out of an object (and writes as `null` in an array): undefined, a symbol, a function without toJSON. */
function unwritten(item: unknown): boolean {
  return item === undefined || typeof item === 'symbol' || (typeof item === 'function' && typeof (item as { toJSON?: unknown }).toJSON !== 'function');
}

/**
 * Make a plain node hold what its JSON holds: members JSON leaves out are deleted from an object, and
 * array items JSON writes as `null` become `null`. A SQL store writes the context as JSON and reads
 * that back, while the memory store and the engine's snapshot cache keep the very object: an
 * `assign({ signedOn: undefined })` (or `{ ...c, note: event.note }` with no note) left the key in
 * the context on the memory store and in the cache, and not after a load from SQLite or Postgres, so
 * `Object.keys(context)`, `'note' in context` and the views differed by store and by restart.
 * Only own data properties that can be changed are touched (a getter is read, not replaced; a sealed
 * node is left as its owner made it).
 */
function dropUnwritten(value: object, isArray: boolean): void {
  if (isArray) {
    const list = value as unknown[];
    for (let i = 0; i < list.length; i++) {
      if (!unwritten(list[i])) continue;
      const desc = Object.getOwnPropertyDescriptor(list, i);
      if (desc === undefined || ('value' in desc && desc.writable === true)) list[i] = null;
    }
    return;
  }
  const record = value as Record<string, unknown>;
  if (rebuildWithout(record)) return;
  for (const k in record) {
    if (!Object.hasOwn(record, k) || !unwritten(record[k])) continue;
    const desc = Object.getOwnPropertyDescriptor(record, k);
    if (desc !== undefined && 'value' in desc && desc.configurable === true) delete record[k];
  }
}

/**
 * Drop a plain record's unwritten members by taking every member off, last first, and putting back
 * the written ones in their order. Same members and order as deleting the unwritten ones, but V8
 * keeps the object in fast mode: a `delete` of any member but the last added turns it into a
 * dictionary-mode object, which held ~780 B more per idle contract approval (its context starts with
 * `signedOn: undefined` and three more) and is slower to read (workload 6, session 22). Taking off
 * the last member each time only steps V8's hidden class back.
 *
 * Only a record whose every own key is a string naming an enumerable, writable, configurable data
 * member is rebuilt (what an object literal, a spread or `assign` makes); anything else (a getter, a
 * symbol key, a hidden member) is left to the plain deletes, so nothing its owner set up is changed.
 *
 * @returns true when the record was rebuilt.
 */
function rebuildWithout(record: Record<string, unknown>): boolean {
  const keys = Reflect.ownKeys(record);
  const values: unknown[] = new Array(keys.length);
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i]!;
    if (typeof k !== 'string') return false;
    const desc = Object.getOwnPropertyDescriptor(record, k)!;
    if (!('value' in desc) || desc.writable !== true || desc.enumerable !== true || desc.configurable !== true) return false;
    values[i] = desc.value;
  }
  for (let i = keys.length - 1; i >= 0; i--) delete record[keys[i] as string];
  for (let i = 0; i < keys.length; i++) if (!unwritten(values[i])) record[keys[i] as string] = values[i];
  return true;
}

/**
 * The length of the JSON of a part whose JSON is not its own members (a toJSON, a class instance, a
 * boxed primitive), checked as JSON writes it with the levels left (see `findStateFault`).
 *
 * @throws StateDataFault ('json') when no store can keep it, ('size') when it makes the JSON too long.
 */
function opaqueSize(value: unknown, depth: number, key: string | number): number {
  const measure = { size: 0, max: INPUT_LIMITS.contextSize };
  const fault = findStateFault(value, '', INPUT_LIMITS.contextDepth - depth + 1, key, measure);
  if (fault !== undefined) throw new StateDataFault(fault.tooLong ? 'size' : 'json');
  return measure.size;
}

/**
 * Check a final state's output as JSON writes it (with `findStateFault`): no BigInt, no cycle, at
 * most `INPUT_LIMITS.contextDepth` levels and `INPUT_LIMITS.contextSize` characters.
 *
 * @throws StateDataFault as {@link freezeJsonData}.
 */
export function checkOutput(output: unknown): void {
  // Stores write the output inside the snapshot: a toJSON on it is given the key 'output'.
  opaqueSize(output, 1, 'output');
}

/**
 * The height of plain data `value` (levels of objects and arrays: `[]` is 1, a primitive 0), walked
 * member by member whatever its marks say, or `Infinity` as soon as it is known to exceed `budget`
 * (so a structure that contains itself ends). Iterative. For the rare check a height bound fails
 * near the depth limit (see `heightBoundOfMark`).
 */
export function exactHeight(value: unknown, budget: number): number {
  if (value === null || typeof value !== 'object') return 0;
  let height = 0;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [v, level] = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (level > budget) return Infinity;
    if (level > height) height = level;
    const items: unknown[] = Array.isArray(v) ? v : Object.values(v);
    for (let i = 0; i < items.length; i++) stack.push([items[i], level + 1]);
  }
  return height;
}
