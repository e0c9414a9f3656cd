import { assertKnownKeys, DocketError, isDocketError } from '../errors.js';
import { isProxy } from './is-proxy.js';
import { keyedCollection } from './kind-of.js';

/**
 * How every public method reads an options object or a query (the house rule): a plain object, not
 * an array, not a Proxy and not a Map or Set (whose entries are no options: `Object.fromEntries(map)`); every enumerable key, own or inherited, one the method knows; each key
 * read exactly once. Anything else is `INVALID_ARGUMENT` naming the field (`details.field`) and
 * changes nothing:
 * - an unknown key is refused, not ignored (a misspelt `idempotencyKey` made a retry act twice);
 * - a getter or Proxy trap that throws is refused, not let through as the caller's raw `Error`;
 * - inherited keys count, because options are read by name: a known key on the prototype is used,
 *   an unknown one there must not pass (`Object.create({ dryrun: true })` purged for real).
 *
 * What the method then uses is the returned snapshot, never the caller's object again, so a getter
 * that answers differently on each read cannot make what was checked and what is used disagree.
 */
export interface ReadOptionsSpec<K extends string> {
  /** The keys the method knows. */
  readonly keys: readonly K[];
  /** How the message names the object: `retain()`, `The list query`, `migrate(): where`. */
  readonly what: string;
  /** What to pass instead, for a value that is not an object: `{ policy, mode }`. */
  readonly usage?: string;
  /** The object's path when it is nested (`policy.olderThan`): prefixes the key in `details.field`. */
  readonly path?: string;
  /** `details.field` when the value itself is not an object (default: `path`, else `options`). */
  readonly field?: string;
  /** More details for the error (instance id, workflow). */
  readonly details?: Readonly<Record<string, unknown>>;
}

function refuse(message: string, field: string, details: Readonly<Record<string, unknown>> | undefined, cause?: unknown): never {
  throw new DocketError('INVALID_ARGUMENT', message, { ...details, field, ...(cause === undefined ? {} : { cause }) });
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') return keyedCollection(value) ?? 'a Proxy';
  return typeof value === 'string' ? 'a string' : typeof value;
}

/** `value` is a plain readable object for {@link readOptions} (not null, an array, a Proxy, or a Map, Set, WeakMap or WeakSet). */
export function isOptionsObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !isProxy(value) && keyedCollection(value) === undefined;
}

/**
 * Read `value` by {@link ReadOptionsSpec}: returns the known keys whose value is not `undefined`, as
 * an own-key object.
 *
 * @throws DocketError `INVALID_ARGUMENT` for a value that is not a plain object, an unknown key, or a
 * key whose read throws.
 */
export function readOptions<K extends string>(value: unknown, spec: ReadOptionsSpec<K>): { -readonly [P in K]?: unknown } {
  const field = (key: string) => (spec.path === undefined ? key : `${spec.path}.${key}`);
  if (!isOptionsObject(value)) {
    const collection = typeof value === 'object' && value !== null && !isProxy(value) ? keyedCollection(value) : undefined;
    refuse(`${spec.what} must be an object${spec.usage === undefined ? '' : ` such as ${spec.usage}`}, not ${kindOf(value)}${collection === 'a Map' ? ' (its entries are not options: pass Object.fromEntries(map))' : ''}.`, spec.field ?? spec.path ?? 'options', spec.details);
  }
  try {
    // The one rule for unknown keys (errors.ts, which the calendar's options use too).
    assertKnownKeys(value, spec.keys, spec.what, spec.details, spec.path);
  } catch (error) {
    if (isDocketError(error)) throw error;
    // A Proxy on the prototype chain can throw from its traps while the keys are listed.
    refuse(`${spec.what}: its keys could not be listed (${error instanceof Error ? error.message : 'a trap threw'}); pass a plain object.`, spec.field ?? spec.path ?? 'options', spec.details, error);
  }
  const out: { -readonly [P in K]?: unknown } = {};
  for (const name of spec.keys) {
    let read: unknown;
    try {
      read = (value as Record<string, unknown>)[name];
    } catch (error) {
      refuse(`${spec.what}: its "${name}" could not be read (${error instanceof Error ? error.message : 'a getter threw'}); pass plain values.`, field(name), spec.details, error);
    }
    if (read !== undefined) out[name] = read;
  }
  return out;
}

/**
 * Every enumerable key of `value`, inherited ones too, each read once, as an own-key object: for a
 * layer that adds a key and passes the options on (a tenant view adds its tenant). A spread keeps own
 * keys only, so an inherited option the next layer reads by name was dropped.
 *
 * @throws DocketError `INVALID_ARGUMENT` for a Proxy, or a key whose listing or read throws: the
 * layer must not pass on the caller's object unscoped for the next one to read again.
 */
export function copyOptions<O extends object>(value: O, what: string): O {
  if (isProxy(value)) refuse(`${what} must be a plain object, not a Proxy.`, 'options', undefined);
  const out: Record<string, unknown> = {};
  let at = '';
  try {
    for (const key in value) {
      at = key;
      out[key] = (value as Record<string, unknown>)[key];
    }
  } catch (error) {
    refuse(`${what}: its "${at}" could not be read (${error instanceof Error ? error.message : 'a getter threw'}); pass plain values.`, at || 'options', undefined, error);
  }
  return out as O;
}

/**
 * An optional whole-number option of a store or engine (a count, a batch size, milliseconds): a safe
 * integer of at least `min` (and at most `max`, when the value is handed to something that keeps it
 * in fewer bits), or undefined when not given. Anything else is `INVALID_ARGUMENT` naming the field:
 * a `maxBatch` of 0 made SQLite's group commit loop for ever on empty groups, a PostgreSQL
 * `maxInFlight` of 0 left every commit waiting for a slot that never came, and a SQLite
 * `busyTimeoutMs` above 2^31 - 1 became 0 in SQLite's 32-bit setting (no waiting at all).
 */
export function wholeOption(value: unknown, field: string, what: string, min: number, max = Number.MAX_SAFE_INTEGER): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value > max) {
    const range = max === Number.MAX_SAFE_INTEGER ? `of at least ${min}` : `from ${min} to ${max}`;
    refuse(`${what}: ${field} must be a whole number ${range}, not ${typeof value === 'number' ? String(value) : kindOf(value)}.`, field, undefined);
  }
  return value;
}

/**
 * An optional option that is one of `allowed` (compared exactly), or undefined when not given; else
 * `INVALID_ARGUMENT` naming the field. `sqliteStore({ durability: 'FULL' })` ran with
 * `synchronous=NORMAL`: everything not 'full' was taken as the weaker setting.
 */
export function oneOfOption<T extends string | boolean>(value: unknown, allowed: readonly T[], field: string, what: string): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) {
    refuse(`${what}: ${field} must be ${allowed.map((a) => JSON.stringify(a)).join(' or ')}, not ${typeof value === 'string' ? JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value) : kindOf(value)}.`, field, undefined);
  }
  return value as T;
}
