import { DocketError } from '../errors.js';
import { isProxy } from './is-proxy.js';

/** How many objects, arrays and values one argument may hold (a century of holiday lists is ~10,000). */
export const PLAIN_INPUT_MAX_NODES = 1_000_000;

const DATE_PROTO = Date.prototype;
const OBJECT_PROTO = Object.prototype;
const ARRAY_PROTO = Array.prototype;
const getTime = Date.prototype.getTime;
const COERCION_HOOKS = new Set(['toString', 'valueOf', 'toJSON', 'toLocaleString']);

/**
 * Built-ins whose contents sit in internal slots, not in keys: copied key by key they became `{}`,
 * so `workingDays(3, new Map([['at', '17:00']]))` silently lost its time of day and
 * `businessCalendar(new Map(...))` gave the default calendar. Refused, by the prototype that says
 * what they are (a subclass too). A Date is read from its slot instead (see copyArgument).
 */
const SLOT_OBJECTS = new Map<object, string>(
  (
    [
      [Map, 'Map'],
      [Set, 'Set'],
      [WeakMap, 'WeakMap'],
      [WeakSet, 'WeakSet'],
      [globalThis.WeakRef, 'WeakRef'],
      [ArrayBuffer, 'ArrayBuffer'],
      [globalThis.SharedArrayBuffer, 'SharedArrayBuffer'],
      [DataView, 'DataView'],
      [Object.getPrototypeOf(Uint8Array) as unknown, 'typed array'],
      [RegExp, 'RegExp'],
      [Promise, 'Promise'],
      [String, 'String object'],
      [Number, 'Number object'],
      [Boolean, 'Boolean object'],
      [Symbol, 'Symbol object'],
      [BigInt, 'BigInt object'],
    ] as [unknown, string][]
  )
    .filter(([constructor]) => typeof constructor === 'function')
    .map(([constructor, name]) => [(constructor as { prototype: object }).prototype, name]),
);

/** Where a value sits in the argument: built into a path (`rule.quarter.year`) only for an error. */
interface Place {
  readonly parent: Place | undefined;
  readonly key: string | number;
}

function pathOf(place: Place): string {
  const keys: (string | number)[] = [];
  for (let p: Place | undefined = place; p !== undefined; p = p.parent) keys.push(p.key);
  keys.reverse();
  const step = (key: string | number) => (typeof key === 'number' ? `[${key}]` : `.${key}`);
  // A path past PATH_SHOWN levels is shown by its ends: a Map 30,000 arrays deep named a path of
  // 90,000 characters in the message and in details.field.
  if (keys.length > PATH_SHOWN) {
    const head = keys.slice(1, PATH_SHOWN / 2).map(step).join('');
    const tail = keys.slice(keys.length - PATH_SHOWN / 2).map(step).join('');
    return `${String(keys[0])}${head}…(${keys.length - PATH_SHOWN} levels)…${tail}`;
  }
  return String(keys[0]) + keys.slice(1).map(step).join('');
}

/** How many levels of a path an error names in full (see pathOf). */
const PATH_SHOWN = 16;

class Refusal {
  constructor(
    readonly place: Place,
    readonly problem: string,
    readonly cause?: unknown,
  ) {}
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : 'it threw';
}

/**
 * The longest path (in keys, the root's name included) {@link PlainInputOptions.keep} is asked
 * about. What a definition keeps by reference sits near its root (`definition.migrations[0].source.machine`
 * is 5 keys); asking at every depth built every object's path from the root, so a value nested
 * 100,000 levels deep (`permissions: { GO: deep }`) took hours to copy before it was refused.
 */
export const KEEP_PATH_MAX = 8;

/** A place at most {@link KEEP_PATH_MAX} keys from the root (walks at most that many links). */
function near(place: Place): boolean {
  let n = 0;
  for (let p: Place | undefined = place; p !== undefined; p = p.parent) if (++n > KEEP_PATH_MAX) return false;
  return true;
}

/** The keys of a place from the root: what {@link PlainInputOptions.keep} is given. */
function keysOf(place: Place): (string | number)[] {
  const keys: (string | number)[] = [];
  for (let p: Place | undefined = place; p !== undefined; p = p.parent) keys.push(p.key);
  return keys.reverse();
}

/**
 * How {@link plainInput} reads a value besides its default (every enumerable key, inherited ones too,
 * read through getters, copies left open for the function to use).
 */
export interface PlainInputOptions {
  /**
   * Own data properties only, for a value the library keeps (a workflow definition): an inherited
   * enumerable key, an accessor property (a getter or setter) and an object whose prototype is not
   * Object.prototype (or Array.prototype, for an array) are refused, each naming its path, since what
   * they hold may change after the copy or was never in the copy. Every copy is frozen. Values already
   * vouched as frozen plain data (a rule from `workingDays(3)`) are kept as they are.
   */
  readonly ownData?: boolean;
  /**
   * Objects kept by reference, neither copied nor frozen (an XState machine, a zod schema): asked with
   * the object's path from the root (`['definition', 'machine']`), after the Proxy check, for paths
   * of at most {@link KEEP_PATH_MAX} keys (a deeper object is copied). Only with `ownData`.
   */
  readonly keep?: (path: readonly (string | number)[]) => boolean;
}

/** An object or array of the argument still to be read into its copy. */
interface Pending {
  readonly source: object;
  readonly copy: Record<string | number, unknown>;
  readonly place: Place;
}

/**
 * Own mode: refuse an object whose prototype is not Object.prototype (or null; Array.prototype for an
 * array). Its first enumerable inherited key is named when it has one (`Object.create(defaults)`),
 * else the object itself (a class instance: a getter on its prototype is not listed as a key, so what
 * it answers was silently missing from the copy). The chain holds no Proxy (checked before).
 */
function refuseNotOwnData(source: object, place: Place): void {
  const proto: unknown = Object.getPrototypeOf(source);
  if (proto === null || proto === OBJECT_PROTO || (proto === ARRAY_PROTO && Array.isArray(source))) return;
  for (const key in source) {
    if (!Object.hasOwn(source, key) && !Object.hasOwn(OBJECT_PROTO, key)) {
      throw new Refusal({ parent: place, key }, 'is inherited from a prototype, not the object\'s own property, so a change to the prototype would change it; pass it as an own property (e.g. { ...defaults, ...own })');
    }
  }
  throw new Refusal(place, 'has a prototype other than Object.prototype (a class instance or Object.create(...)), so its fields may be inherited or computed; pass a plain object literal (or array) with its own data properties');
}

/**
 * Copy one argument without recursion (an array 30,000 levels deep is copied, and refused by the
 * validator that reads it, as before), keeping shared objects and cycles as they are: a validator
 * that refuses a cycle still sees one.
 *
 * Machine code calls the calendar's builders (`quarterDay`, `shiftQuarter`, a rule of its own) at
 * every step that arms a deadline, with small objects of numbers and strings, so the common path
 * allocates only the copies: a value's place is built when it is an object (its children's errors
 * name it) or when it is refused, the map of copies once a second object is met, and a key is set
 * by assignment (by `defineProperty` only for a key Object.prototype has too: `__proto__`, which
 * assignment would take as the prototype, or an accessor someone added there). The 0c2cfb5 profile of a strategy act put this copy at 7 % of the act.
 */
function copyArgument(value: object, root: Place, options?: PlainInputOptions): unknown {
  const own = options?.ownData === true;
  const keep = own ? options?.keep : undefined;
  let copies: Map<object, unknown> | undefined;
  let first: object | undefined;
  let firstCopy: unknown;
  const pending: Pending[] = [];
  let nodes = 0;
  const shell = (source: object, place: Place): unknown => {
    if (isProxy(source)) throw new Refusal(place, 'is a Proxy; pass plain data');
    if (typeof source === 'function') return source;
    if (own && (VOUCHED.has(source) || (keep !== undefined && near(place) && keep(keysOf(place))))) return source;
    if (source === first) return firstCopy;
    if (copies !== undefined) {
      const known = copies.get(source);
      if (known !== undefined) return known;
    }
    if (++nodes > PLAIN_INPUT_MAX_NODES) throw new Refusal(place, `holds more than ${PLAIN_INPUT_MAX_NODES} values`);
    // Keys are listed and read through the prototype chain: a Proxy there would run its traps.
    // Not a Proxy itself, so reading its prototype runs no caller code. Object.prototype ends every
    // chain it is in (its prototype is null and cannot be changed) and is no Proxy.
    let isDate = false;
    for (let p: object | null = Object.getPrototypeOf(source); p !== null && p !== OBJECT_PROTO; p = Object.getPrototypeOf(p)) {
      if (isProxy(p)) throw new Refusal(place, 'has a Proxy as its prototype; pass plain data');
      if (p === DATE_PROTO) isDate = true;
      const slot = SLOT_OBJECTS.get(p);
      if (slot !== undefined) throw new Refusal(place, `is a ${slot}: what it holds is not in its keys, so a copy would not hold it; pass plain data (an object, an array)`);
    }
    if (own && !isDate) refuseNotOwnData(source, place);
    let copy: unknown;
    if (isDate) {
      // A Date (a subclass too), read from its internal slot, never through a `getTime` it carries.
      try {
        copy = new Date(getTime.call(source));
        if (own) Object.freeze(copy);
      } catch (error) {
        throw new Refusal(place, `is not a readable Date (${reason(error)})`, error);
      }
    } else {
      if (Array.isArray(source) && source.length > PLAIN_INPUT_MAX_NODES - nodes) {
        // Counted before the walk: a sparse array of length 1e9 was copied hole by hole.
        throw new Refusal(place, `holds more than ${PLAIN_INPUT_MAX_NODES} values`);
      }
      copy = Array.isArray(source) ? [] : {};
      pending.push({ source, copy: copy as Record<string | number, unknown>, place });
    }
    if (first === undefined) {
      first = source;
      firstCopy = copy;
    } else (copies ??= new Map()).set(source, copy);
    return copy;
  };
  const read = (source: object, key: string | number, parent: Place): unknown => {
    let got: unknown;
    try {
      got = (source as Record<string | number, unknown>)[key];
    } catch (error) {
      throw new Refusal({ parent, key }, `could not be read (${reason(error)}: a getter or Proxy trap threw)`, error);
    }
    return (typeof got === 'object' && got !== null) || typeof got === 'function' ? shell(got as object, { parent, key }) : got;
  };
  // Own mode: each property's descriptor is read once (no getter runs, none is read through the
  // prototype), so what is copied is what the object holds now, and the copy is frozen when filled.
  const copyOwnData = (source: object, copy: Record<string | number, unknown>, place: Place): void => {
    const keys: readonly (string | number)[] = Array.isArray(source) ? Array.from({ length: source.length }, (_, i) => i) : Object.keys(source);
    if (Array.isArray(source)) nodes += keys.length;
    for (const key of keys) {
      if (typeof key === 'string' && ++nodes > PLAIN_INPUT_MAX_NODES) throw new Refusal(place, `holds more than ${PLAIN_INPUT_MAX_NODES} values`);
      const descriptor = Object.getOwnPropertyDescriptor(source, key);
      // A hole of an array: undefined, not read through Array.prototype.
      if (descriptor === undefined) continue;
      if (!('value' in descriptor)) {
        throw new Refusal({ parent: place, key }, `is ${descriptor.get ? 'a getter' : 'a setter'} (an accessor property), which may answer differently on each read; pass its value as a plain data property`);
      }
      const raw: unknown = descriptor.value;
      const got = (typeof raw === 'object' && raw !== null) || typeof raw === 'function' ? shell(raw as object, { parent: place, key }) : raw;
      if (typeof key === 'string' && typeof got === 'function' && COERCION_HOOKS.has(key)) continue;
      if (typeof key === 'string' && Object.hasOwn(OBJECT_PROTO, key)) Object.defineProperty(copy, key, { value: got, enumerable: true, writable: true, configurable: true });
      else copy[key] = got;
    }
    if (Array.isArray(copy)) copy.length = keys.length;
    Object.freeze(copy);
  };
  const out = shell(value, root);
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { source, copy, place } = next;
    if (own) {
      copyOwnData(source, copy, place);
      continue;
    }
    if (Array.isArray(source)) {
      const length = source.length;
      nodes += length;
      for (let i = 0; i < length; i++) copy[i] = read(source, i, place);
      continue;
    }
    // Every enumerable key, inherited ones too (options are read by name, so an inherited key is
    // read as well), each read once; listing the keys may run a trap of a Proxy further up the chain.
    let at: string | undefined;
    try {
      for (const key in source) {
        // A key someone made enumerable on Object.prototype is every object's, not this argument's.
        const inherited = Object.hasOwn(OBJECT_PROTO, key);
        if (inherited && !Object.hasOwn(source, key)) continue;
        // Keys count against the cap as array slots do: a key inherited from a shared prototype is
        // copied into every object that inherits it, so 100 objects over a prototype of 10^6 keys
        // copied 10^8 values from an argument of 100 objects.
        if (++nodes > PLAIN_INPUT_MAX_NODES) throw new Refusal(place, `holds more than ${PLAIN_INPUT_MAX_NODES} values`);
        at = key;
        const got = read(source, key, place);
        // The copy is read as data: a coercion hook would run caller code where it is turned into a string.
        if (typeof got === 'function' && COERCION_HOOKS.has(key)) continue;
        // A key Object.prototype also has (`__proto__`, or a setter someone put there) is defined, not
        // assigned: assignment would run the accessor instead of making the key the copy's own.
        if (inherited) Object.defineProperty(copy, key, { value: got, enumerable: true, writable: true, configurable: true });
        else copy[key] = got;
      }
    } catch (error) {
      if (error instanceof Refusal) throw error;
      throw new Refusal(at === undefined ? place : { parent: place, key: at }, `could not be listed (${reason(error)})`, error);
    }
  }
  return out;
}

/**
 * A caller's argument as plain data, read exactly once: primitives and functions as they are; a
 * `Date` as a new `Date` of the same instant (read from its internal slot); arrays and objects copied
 * key by key (every enumerable key, inherited ones too), recursively, as plain objects, leaving out
 * the coercion hooks (`toString`, `valueOf`, `toJSON`, `toLocaleString` given as functions). What a function then works on
 * is this copy, so no caller code (a getter, a Proxy trap, a `toJSON`) runs inside it and a getter
 * that answers differently on a second read cannot make a check and a use disagree.
 *
 * @param what how the message names the function: `parseQuarter()`, `calendar.resolve()`.
 * @param field the argument's name (`details.field` is it, or a path inside it: `rule.quarter.year`).
 * @param options `ownData` for a value kept after the call (a workflow definition): own data
 * properties only, the copies frozen, and `keep` the objects taken by reference (see {@link PlainInputOptions}).
 * Shared objects and cycles are kept as they are (the function's own validation refuses a cycle with
 * its own code, as it did before), and any depth is copied without recursion.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field (`details.field`, the thrown error as
 *   `details.cause`) for a Proxy anywhere in the value, a getter or trap that throws, a built-in
 *   whose contents are not its keys (a Map, Set, WeakMap, WeakSet, WeakRef, ArrayBuffer, DataView,
 *   typed array, RegExp, Promise, or a boxed String, Number, Boolean, Symbol or BigInt: its copy would
 *   be an empty object), or more than {@link PLAIN_INPUT_MAX_NODES} values (objects, array slots and
 *   object keys, inherited ones included); with `ownData`, also for an inherited key, a getter or
 *   setter, or an object whose prototype is not Object.prototype (Array.prototype for an array).
 *
 * @example
 * ```ts
 * import { plainInput } from './plain-input.js';
 * plainInput({ year: 2027, quarter: 1 }, 'formatQuarter()', 'quarter'); // { year: 2027, quarter: 1 }, a copy
 * ```
 */
export function plainInput(value: unknown, what: string, field: string, options?: PlainInputOptions): unknown {
  if (typeof value !== 'object' || value === null) {
    if (typeof value !== 'function' || !isProxy(value)) return value;
  }
  try {
    return copyArgument(value as object, { parent: undefined, key: field }, options);
  } catch (error) {
    if (!(error instanceof Refusal)) throw error;
    const at = pathOf(error.place);
    throw new DocketError('INVALID_ARGUMENT', `${what}: ${at} ${error.problem}.`, {
      field: at,
      ...(error.cause === undefined ? {} : { cause: error.cause }),
    });
  }
}

/**
 * `fn` behind the plain-input boundary: every object (or Proxy) argument is replaced by its
 * {@link plainInput} copy before `fn` runs; primitives pass as they are, so a call with strings and
 * numbers costs one `typeof` per argument. `names[i]` names argument `i` in errors; `null` passes that
 * argument through untouched (an object with methods, such as a calendar).
 *
 * @throws DocketError `INVALID_ARGUMENT` as {@link plainInput}, before `fn` runs.
 */
export function callerInput<F extends (...args: never[]) => unknown>(what: string, names: readonly (string | null)[], fn: F, options: { readonly vouchResult?: boolean } = {}): F {
  const vouchResult = options.vouchResult === true;
  const guarded = function (this: unknown, ...args: unknown[]): unknown {
    for (let i = 0; i < args.length; i++) {
      const arg = args[i];
      if (((typeof arg === 'object' && arg !== null) || typeof arg === 'function') && !VOUCHED.has(arg as object)) {
        const name = i < names.length ? names[i] : `arguments[${i}]`;
        if (name !== null) args[i] = plainInput(arg, what, name!);
      }
    }
    const result = (fn as unknown as (...a: unknown[]) => unknown).apply(this, args);
    return vouchResult ? vouch(result) : result;
  };
  Object.defineProperty(guarded, 'name', { value: fn.name });
  Object.defineProperty(guarded, UNGUARDED, { value: fn });
  return guarded as unknown as F;
}

const UNGUARDED = Symbol('docket.unguarded');

/**
 * The function behind a {@link callerInput} boundary, for calls from inside its own layer with
 * values it built itself (a quarter the calendar worked out): no copy on a hot path.
 */
export function unguarded<F extends (...args: never[]) => unknown>(fn: F): F {
  return ((fn as unknown as Record<symbol, unknown>)[UNGUARDED] as F | undefined) ?? fn;
}

// Values a function behind the boundary built and froze (a deadline rule from `workingDays(3)`):
// plain data by construction, passed through without a copy when handed back in. A rule a workflow
// declares once is resolved at every timer it arms.
const VOUCHED = new WeakSet<object>();

/** Deep-freeze a plain value this layer built and mark it as plain (see VOUCHED); returns it. */
function vouch<T>(value: T): T {
  if (typeof value !== 'object' || value === null || VOUCHED.has(value)) return value;
  for (const key of Object.keys(value)) vouch((value as Record<string, unknown>)[key]);
  Object.freeze(value);
  VOUCHED.add(value);
  return value;
}
