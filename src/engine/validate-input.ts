import { isProxy } from '../input/is-proxy.js';
import { isOptionsObject, readOptions } from '../input/read-options.js';
import { ID_MAX_LENGTH } from '../store/payload-rules.js';
import { checkNewId, idRuleProblem } from '../store/id-rule.js';
import { DocketError, type DocketErrorDetails } from '../errors.js';
import type { Actor } from '../store/records.js';

/**
 * What Docket accepts at its public boundary. Every id (instance ids, actor ids, roles, event types,
 * idempotency keys) is a non-empty, well-formed string of at most `idLength` UTF-16 units without
 * U+0000; a payload (event or start input) is a JSON value within the depth and size below.
 * Anything else is refused before it is hashed or stored: `INVALID_ARGUMENT` for ids and actors,
 * `INVALID_PAYLOAD` for payloads.
 *
 * @example
 * ```ts
 * import { INPUT_LIMITS } from 'docket';
 * INPUT_LIMITS.idLength; // 256
 * ```
 */
export const INPUT_LIMITS = Object.freeze({
  /** Longest id, role, event type or idempotency key, in UTF-16 code units. */
  idLength: ID_MAX_LENGTH,
  /** Most roles one actor may carry. */
  roles: 64,
  /** Longest free text the engine records beside an act (an admin `reason`, a `moveTo` target), in UTF-16 code units. */
  textLength: 10_000,
  /** Deepest nesting of objects and arrays in a payload (the payload itself is depth 1). */
  payloadDepth: 64,
  /** Most values (objects, arrays, strings, numbers, booleans, nulls) in one payload. */
  payloadValues: 100_000,
  /** Most UTF-16 code units in one payload's strings and keys together. */
  payloadChars: 1_000_000,
  /**
   * Deepest nesting of objects and arrays in an instance's context, as its machine builds it (the
   * context itself is depth 1). A step that would leave a deeper context (or one that contains
   * itself) is refused with `INVALID_PAYLOAD` and changes nothing. The stores keep payloads nested
   * up to `PAYLOAD_DEPTH_MAX` (1,024) levels, the record around the context included; SQLite's JSON
   * functions stop at 1,000 (JSON_MAX_DEPTH, https://sqlite.org/json1.html).
   */
  contextDepth: 1_000,
  /**
   * Longest JSON text of an instance's context (and of a final state's output), in UTF-16 code
   * units (8 Mi), exactly as `JSON.stringify` writes it, counting a part the context holds twice or
   * more every time, as a store writes it. A context
   * that shares frozen parts (`{ a: x, b: x }` nested) is cheap in memory but doubles with each
   * level in JSON; past this it is refused with `INVALID_PAYLOAD`, before a store spends seconds
   * failing to write it.
   */
  contextSize: 8 * 1024 * 1024,
  /**
   * Most microsteps one step of a machine may take (its transition, then each eventless `always`
   * transition and each raised event it leads to). XState itself takes them without end by default,
   * so a cycle (`b: { always: 'c' }, c: { always: 'b' }`, or an event that raises itself) blocked the
   * process for ever; past this the step is refused with `MACHINE_ERROR` and changes nothing.
   */
  microsteps: 10_000,
});

const OBJECT_PROTO = Object.prototype;
const ARRAY_PROTO = Array.prototype;

/** Well-formed (no lone surrogates: Postgres refuses them, and UTF-8 drivers rewrite them) and without U+0000. */
function storable(text: string): boolean {
  // Short strings (ids, types, most keys and values) by one pass over the code units; long ones natively.
  const length = text.length;
  if (length <= 32) {
    for (let i = 0; i < length; i++) {
      const code = text.charCodeAt(i);
      if (code === 0) return false;
      if (code >= 0xd800 && code <= 0xdfff) return !text.includes('\u0000') && (text as unknown as { isWellFormed(): boolean }).isWellFormed();
    }
    return true;
  }
  return !text.includes('\u0000') && (text as unknown as { isWellFormed(): boolean }).isWellFormed();
}

/** A short, safe description of a value for an error message: never the whole of a huge or hostile value. */
function describe(value: unknown): string {
  switch (typeof value) {
    case 'string':
      return value.length > 40 ? `a string of ${value.length} characters` : JSON.stringify(value);
    case 'number':
    case 'boolean':
    case 'undefined':
      return String(value);
    case 'bigint':
      return 'a BigInt';
    case 'symbol':
      return 'a symbol';
    case 'function':
      return 'a function';
    default:
      if (value === null) return 'null';
      if (isProxy(value)) return 'a Proxy';
      return Array.isArray(value) ? 'an array' : 'an object';
  }
}

function invalid(message: string, details: DocketErrorDetails = {}): DocketError {
  return new DocketError('INVALID_ARGUMENT', message, details);
}

export { assertKnownKeys } from '../errors.js';

/** The problem with `value` as an id, or `undefined` when it is a valid one. */
function idProblem(value: unknown, max = INPUT_LIMITS.idLength): string | undefined {
  if (typeof value !== 'string') return `must be a string, got ${describe(value)}`;
  if (value.length === 0) return 'must not be empty';
  if (value.length > max) return `must be at most ${max} characters, got ${value.length}`;
  if (!storable(value)) return 'must not contain U+0000 or unpaired surrogates';
  return undefined;
}

/**
 * Check an id-like argument that names something already stored or registered (the instance of a
 * `send`, `get` or admin act, an idempotency key, the workflow to start). Any non-empty id is taken,
 * blank ones too: an instance a Docket before the one id rule stored under `'  '` stays reachable. A
 * NEW id (start's explicit id, a tenant, an actor) is checked by the stricter one rule instead
 * ({@link checkNewId}, shared with every filter).
 *
 * @throws DocketError `INVALID_ARGUMENT` unless `value` is a non-empty string of at most
 * {@link INPUT_LIMITS}`.idLength` characters, well-formed and without U+0000.
 */
export function assertId(value: unknown, what: string, details: DocketErrorDetails, field: string): asserts value is string {
  const problem = idProblem(value);
  // `field` names the argument or option (`instanceId`, `options.id` as `id`, `acts[2].instanceId`), as
  // every other INVALID_ARGUMENT does: a caller (or the HTTP layer's problem details) can point at it.
  if (problem !== undefined) throw invalid(`${what} ${problem}. Ids are non-empty strings of at most ${INPUT_LIMITS.idLength} characters.`, { ...details, field });
}

/**
 * The options object of a method, with the named fields read once; INVALID_ARGUMENT (saying `usage`)
 * if it is not a plain readable object or holds a key the method does not know (see {@link readOptions}).
 */
function optionsOf<K extends string>(opts: unknown, keys: readonly K[], usage: string, details: DocketErrorDetails, what: string, field = 'options'): Record<K, unknown> {
  if (!isOptionsObject(opts)) throw invalid(`${usage}; got ${describe(opts)}.`, { ...details, field });
  return readOptions(opts, { keys, what, details }) as Record<K, unknown>;
}

/**
 * The usual actor, a plain `{ id, roles, name? }` with string fields, copied without the general
 * walk (this runs on every send); `undefined` for anything else, which {@link jsonCopy} then decides.
 */
function usualActor(value: object): { id: string; roles: string[]; name?: string } | undefined {
  try {
    return usualActorOf(value);
  } catch {
    // A getter threw: the full walk names it.
    return undefined;
  }
}

function usualActorOf(value: object): { id: string; roles: string[]; name?: string } | undefined {
  if (Object.getPrototypeOf(value) !== OBJECT_PROTO) return undefined;
  const keys = Object.keys(value);
  if (keys.length > 3) return undefined;
  for (const key of keys) if (key !== 'id' && key !== 'roles' && key !== 'name') return undefined;
  const { id, roles, name } = value as { id?: unknown; roles?: unknown; name?: unknown };
  if (typeof id !== 'string' || (name !== undefined && typeof name !== 'string')) return undefined;
  if (!Array.isArray(roles) || isProxy(roles) || Object.getPrototypeOf(roles) !== ARRAY_PROTO || roles.length > INPUT_LIMITS.roles) return undefined;
  const list = new Array<string>(roles.length);
  for (let i = 0; i < list.length; i++) {
    const role: unknown = roles[i];
    if (typeof role !== 'string') return undefined;
    list[i] = role;
  }
  return name === undefined ? { id, roles: list } : { id, roles: list, name };
}

/** What a method needs of its actor, for messages (built only on failure: the checks run on every send). */
function actorUsage(method: string): string {
  return `${method}() needs { actor: { id, roles } }: who is acting, e.g. { id: 'li', roles: ['staff'] }`;
}

/**
 * Check who is acting, and return a plain copy of the actor for the engine to use (read once, so a
 * getter or a later change to the caller's object cannot differ from what was checked): `{ id,
 * roles, name? }` with `id` an id by the one rule ({@link checkNewId}: not blank either), `roles` an
 * array of at most {@link INPUT_LIMITS}`.roles` such ids (a string such as `'admin'` is not an array
 * of roles), `tenant`, when given, such an id, `name`, when given, an id-like string, and any other
 * field a JSON value.
 *
 * @throws DocketError `INVALID_ARGUMENT` otherwise, naming what is wrong.
 */
export function checkActorInput(value: unknown, method: string, details: DocketErrorDetails = {}): Actor {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || isProxy(value)) {
    throw invalid(`${actorUsage(method)}; got ${describe(value)}.`, { ...details, field: 'actor' });
  }
  let actor: { id?: unknown; roles?: unknown; name?: unknown } | undefined = usualActor(value);
  if (actor === undefined) {
    const copy = jsonCopy(value);
    if (!copy.ok) throw invalid(`${actorUsage(method)}; actor.${copy.path === '(root)' ? '' : copy.path + ' '}${copy.problem}.`, { ...details, field: copy.path === '(root)' ? 'actor' : `actor.${copy.path}` });
    actor = copy.value as { id?: unknown; roles?: unknown; name?: unknown };
  }
  // The actor's id, roles and tenant are written (initiator, assignee of a claim, history, an
  // instance's tenant) and filtered by (assignee, role, tenant): the one id rule, blank refused.
  const idIssue = idRuleProblem(actor.id);
  if (idIssue !== undefined) throw invalid(`${actorUsage(method)}; actor.id ${idIssue}.`, { ...details, field: 'actor.id' });
  const list = actor.roles;
  if (!Array.isArray(list)) throw invalid(`${actorUsage(method)}; actor.roles must be an array of strings, got ${describe(list)}.`, { ...details, actor: actor.id as string, field: 'actor.roles' });
  if (list.length > INPUT_LIMITS.roles) throw invalid(`${actorUsage(method)}; an actor may carry at most ${INPUT_LIMITS.roles} roles, got ${list.length}.`, { ...details, actor: actor.id as string, field: 'actor.roles' });
  for (let i = 0; i < list.length; i++) {
    const issue = idRuleProblem(list[i]);
    if (issue !== undefined) throw invalid(`${actorUsage(method)}; actor.roles[${i}] ${issue}.`, { ...details, actor: actor.id as string, field: `actor.roles[${i}]` });
  }
  if (actor.name !== undefined) {
    const issue = idProblem(actor.name);
    if (issue !== undefined) throw invalid(`${actorUsage(method)}; actor.name, when given, ${issue}.`, { ...details, actor: actor.id as string, field: 'actor.name' });
  }
  // Kept (and so recorded in history entries): the tenant the host says the actor belongs to.
  const tenant = (actor as { tenant?: unknown }).tenant;
  if (tenant !== undefined) {
    const issue = idRuleProblem(tenant);
    if (issue !== undefined) throw invalid(`${actorUsage(method)}; actor.tenant, when given, ${issue}.`, { ...details, actor: actor.id as string, field: 'actor.tenant' });
  }
  return actor as Actor;
}

/**
 * Check free text the engine records (an admin `reason`, a `moveTo` target): a string of at most
 * {@link INPUT_LIMITS}`.textLength` characters, well-formed, without U+0000. Emptiness is the
 * caller's rule to enforce.
 *
 * @throws DocketError `INVALID_ARGUMENT` otherwise.
 */
export function assertText(value: unknown, what: string, details: DocketErrorDetails, field: string): asserts value is string {
  // `field` names the option (`reason`, `target`), as every other INVALID_ARGUMENT does.
  if (typeof value !== 'string') throw invalid(`${what} must be a string, got ${describe(value)}.`, { ...details, field });
  if (value.length > INPUT_LIMITS.textLength) throw invalid(`${what} must be at most ${INPUT_LIMITS.textLength} characters, got ${value.length}.`, { ...details, field });
  if (!storable(value)) throw invalid(`${what} must not contain U+0000 or unpaired surrogates.`, { ...details, field });
}

/** Where a walk is: the source container, its copy, its depth, and how it was reached (for messages). */
interface Frame {
  readonly from: object;
  readonly to: Record<string, unknown> | unknown[];
  readonly depth: number;
  readonly parent: Frame | undefined;
  readonly key: string | number;
}

function pathOf(frame: Frame | undefined, key: string | number | undefined): string {
  const parts: (string | number)[] = key === undefined ? [] : [key];
  for (let f = frame; f?.parent !== undefined; f = f.parent) parts.push(f.key);
  parts.reverse();
  let out = '';
  for (const part of parts) out += typeof part === 'number' ? `[${part}]` : /^[A-Za-z_$][\w$]*$/.test(part) ? `.${part}` : `[${JSON.stringify(part.length > 40 ? `${part.slice(0, 40)}…` : part)}]`;
  return out === '' ? '(root)' : out.startsWith('.') ? out.slice(1) : out;
}

class Refused {
  constructor(
    readonly frame: Frame | undefined,
    readonly key: string | number | undefined,
    readonly problem: string,
  ) {}
}

/** The name a non-plain object goes by in a message (`Date`, `Number`, `Map`, a class name). */
function kindOf(value: object): string {
  try {
    const name = (Object.getPrototypeOf(value) as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    return typeof name === 'string' && name !== '' && name.length <= 40 ? `a ${name} object` : 'an object that is not plain';
  } catch {
    return 'an object that is not plain';
  }
}

/**
 * Copy `value` as a JSON value, or say why it is not one. What a payload may hold: plain objects
 * (prototype `Object.prototype` or `null`, no Proxy) and arrays without holes, finite numbers (`-0`
 * becomes `0`), strings without U+0000 or unpaired surrogates, booleans and `null`; an object
 * property whose value is `undefined` is left out, as JSON does. Nesting is at most
 * {@link INPUT_LIMITS}`.payloadDepth` deep (a cycle ends there too), with at most `payloadValues`
 * values and `payloadChars` characters of strings and keys.
 *
 * One iterative walk (no recursion, so 20,000 levels cannot overflow the stack) that reads every
 * property once: the copy is what the engine hashes and stores, so a getter or a changing value
 * cannot make the hash and the stored row disagree.
 */
export function jsonCopy(value: unknown): { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly path: string; readonly problem: string } {
  const quick = quickCopy(value);
  if (quick !== UNUSUAL) return { ok: true, value: quick };
  const walk: Walk = { values: 0, chars: 0, stack: [] };
  let frame: Frame | undefined;
  // The key being read, so a getter that throws is named in the message.
  let reading: string | number | undefined;
  try {
    const root = take(walk, value, undefined, undefined, 1);
    while ((frame = walk.stack.pop()) !== undefined) {
      const { from, to, depth } = frame;
      if (Array.isArray(to)) {
        const list = from as unknown[];
        for (let i = 0; i < to.length; i++) {
          reading = i;
          to[i] = take(walk, list[i], frame, i, depth + 1);
        }
      } else {
        const record = from as Record<string, unknown>;
        for (const key of Object.keys(record)) {
          reading = key;
          const item = record[key];
          if (item === undefined) continue;
          walk.chars += key.length;
          if (!storable(key)) throw new Refused(frame, key, 'has a key with U+0000 or an unpaired surrogate');
          const copy = take(walk, item, frame, key, depth + 1);
          // `__proto__` is an own key like any other here: define it rather than set the prototype.
          if (key === '__proto__') Object.defineProperty(to, key, { value: copy, enumerable: true, writable: true, configurable: true });
          else to[key] = copy;
        }
      }
    }
    return { ok: true, value: root };
  } catch (error) {
    if (error instanceof Refused) return { ok: false, path: pathOf(error.frame, error.key), problem: error.problem };
    // A getter or another trap threw while the value was read.
    const message = error instanceof Error ? error.message : String(error);
    return { ok: false, path: pathOf(frame, reading), problem: `could not be read (${message.length > 200 ? `${message.slice(0, 200)}…` : message})` };
  }
}

// The common case, small and shallow plain data, is copied by a short recursion without frames or
// paths; anything unusual (deeper than FAST_DEPTH, bigger than FAST_VALUES, any value it would refuse)
// sends the value to the full iterative walk, which decides and names the problem.
const UNUSUAL: unique symbol = Symbol('unusual');
const FAST_DEPTH = 8;
const FAST_VALUES = 1_000;
const FAST_CHARS = 100_000;

// Totals of the quick copy in progress (module state, saved and restored around each copy, so a
// getter that itself copies a payload cannot disturb them; no object is allocated per send for them).
let quickValues = 0;
let quickChars = 0;

/** {@link jsonCopy}'s quick path: the copy, or UNUSUAL for the full walk to decide. */
function quickCopy(value: unknown): unknown {
  const values = quickValues;
  const chars = quickChars;
  quickValues = 0;
  quickChars = 0;
  try {
    return fastCopy(value, 1);
  } catch {
    // A getter threw: the full walk names it.
    return UNUSUAL;
  } finally {
    quickValues = values;
    quickChars = chars;
  }
}

function fastCopy(item: unknown, depth: number): unknown {
  switch (typeof item) {
    case 'string':
      quickChars += item.length;
      return quickChars > FAST_CHARS || !storable(item) ? UNUSUAL : item;
    case 'number':
      return Number.isFinite(item) ? (item === 0 ? 0 : item) : UNUSUAL;
    case 'boolean':
      return item;
    case 'object': {
      if (item === null) return null;
      if (depth > FAST_DEPTH || isProxy(item)) return UNUSUAL;
      const proto = Object.getPrototypeOf(item) as unknown;
      if (Array.isArray(item)) {
        const length = item.length;
        if (proto !== ARRAY_PROTO || (quickValues += length) > FAST_VALUES) return UNUSUAL;
        const out = new Array<unknown>(length);
        for (let i = 0; i < length; i++) {
          const copy = fastCopy(item[i], depth + 1);
          if (copy === UNUSUAL) return UNUSUAL;
          out[i] = copy;
        }
        return out;
      }
      if (proto !== OBJECT_PROTO && proto !== null) return UNUSUAL;
      const record = item as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(record)) {
        const value = record[key];
        if (value === undefined) continue;
        if (key === '__proto__' || ++quickValues > FAST_VALUES) return UNUSUAL;
        quickChars += key.length;
        if (!storable(key)) return UNUSUAL;
        const copy = fastCopy(value, depth + 1);
        if (copy === UNUSUAL) return UNUSUAL;
        out[key] = copy;
      }
      return out;
    }
    default:
      return UNUSUAL;
  }
}

/** The running totals of one {@link jsonCopy} walk and its containers still to fill. */
interface Walk {
  values: number;
  chars: number;
  readonly stack: Frame[];
}

/** Check one value of a walk; returns its copy (a new container is queued for filling). */
function take(walk: Walk, item: unknown, parent: Frame | undefined, key: string | number | undefined, depth: number): unknown {
  if (++walk.values > INPUT_LIMITS.payloadValues) throw new Refused(parent, key, `has more than ${INPUT_LIMITS.payloadValues} values`);
  switch (typeof item) {
    case 'string':
      walk.chars += item.length;
      if (walk.chars > INPUT_LIMITS.payloadChars) throw new Refused(parent, key, `has more than ${INPUT_LIMITS.payloadChars} characters of text`);
      if (!storable(item)) throw new Refused(parent, key, 'is a string with U+0000 or an unpaired surrogate, which cannot be stored');
      return item;
    case 'number':
      if (!Number.isFinite(item)) throw new Refused(parent, key, `is ${item}, which JSON cannot hold`);
      return item === 0 ? 0 : item;
    case 'boolean':
      return item;
    case 'object': {
      if (item === null) return null;
      if (isProxy(item)) throw new Refused(parent, key, 'is a Proxy; pass plain data');
      if (depth > INPUT_LIMITS.payloadDepth) throw new Refused(parent, key, `is nested more than ${INPUT_LIMITS.payloadDepth} levels deep (or is part of a cycle)`);
      const proto = Object.getPrototypeOf(item) as unknown;
      let to: Record<string, unknown> | unknown[];
      if (Array.isArray(item)) {
        if (proto !== ARRAY_PROTO) throw new Refused(parent, key, `is ${kindOf(item)}; pass a plain array`);
        if (item.length > INPUT_LIMITS.payloadValues - walk.values) throw new Refused(parent, key, `has more than ${INPUT_LIMITS.payloadValues} values`);
        to = new Array<unknown>(item.length);
      } else if (proto === OBJECT_PROTO || proto === null) {
        to = {};
      } else {
        throw new Refused(parent, key, `is ${kindOf(item)}, not a JSON value; pass plain data (a string, number, boolean, null, plain object or array)`);
      }
      walk.stack.push({ from: item, to, depth, parent, key: key ?? '' });
      return to;
    }
    case 'undefined':
      throw new Refused(parent, key, 'is undefined (or a hole in an array), which JSON cannot hold; use null');
    default:
      throw new Refused(parent, key, `is ${describe(item)}, which JSON cannot hold${typeof item === 'bigint' ? '; convert it to a string' : ''}`);
  }
}

function payloadError(what: string, result: { path: string; problem: string }, details: DocketErrorDetails): DocketError {
  return new DocketError(
    'INVALID_PAYLOAD',
    `${what} is not a JSON value: ${result.path} ${result.problem}. Docket stores and hashes payloads as JSON; send plain data.`,
    { ...details, issues: [{ path: result.path === '(root)' ? [] : [result.path], message: result.problem }] },
  );
}

/** A checked `send`: the options as plain copies, and the event as a JSON copy or (for a bad payload) its type and the refusal. */
export type CheckedSend = {
  readonly opts: { readonly actor: Actor; readonly idempotencyKey?: string };
} & (
  | { readonly event: { type: string; [key: string]: unknown }; readonly invalid?: never }
  | { readonly event: { type: string }; readonly invalid: DocketError }
);

const SEND_KEYS = ['actor', 'idempotencyKey'] as const;

/**
 * Check `send`'s arguments before anything else happens.
 *
 * @throws DocketError `INVALID_ARGUMENT` for a bad instance id, event shape or type, actor, or
 * idempotency key. A payload that is not a JSON value (see {@link jsonCopy}) is returned as
 * `invalid` (`INVALID_PAYLOAD`), so the engine can record the refusal against the instance.
 */
export function checkSendInput(instanceId: unknown, event: unknown, opts: unknown, method = 'send'): CheckedSend {
  assertId(instanceId, 'The instance id', {}, 'instanceId');
  if (typeof event !== 'object' || event === null || Array.isArray(event) || isProxy(event)) {
    throw invalid(`An event must be a plain object with a string "type", e.g. { type: "APPROVE" }; got ${describe(event)}.`, { instanceId, field: 'event' });
  }
  // The copy reads every property once; only when the quick copy cannot decide does the full walk
  // run, and `type` is then looked up on its own, to name the refusal.
  let copied = quickCopy(event);
  let refused: { readonly path: string; readonly problem: string } | undefined;
  let type: unknown;
  let accessor = false;
  if (copied === UNUSUAL) {
    const full = jsonCopy(event);
    if (full.ok) copied = full.value;
    else refused = full;
  }
  if (refused === undefined) type = (copied as { type?: unknown }).type;
  else {
    const slot = Object.getOwnPropertyDescriptor(event, 'type');
    accessor = slot !== undefined && !('value' in slot);
    type = slot !== undefined && 'value' in slot ? slot.value : undefined;
  }
  if (typeof type !== 'string' || type.length > INPUT_LIMITS.idLength || !storable(type)) {
    throw invalid(
      `An event must be a plain object with a string "type" of at most ${INPUT_LIMITS.idLength} characters, e.g. { type: "APPROVE" }; its type is ${accessor ? 'a getter' : describe(type)}.`,
      { instanceId, field: 'event.type' },
    );
  }
  // Read once, by the house rule: an unknown key is refused, not ignored (a misspelt
  // `idempotencykey` left the send unkeyed, so the caller's retry acted twice).
  if (typeof opts !== 'object' || opts === null || Array.isArray(opts) || isProxy(opts)) {
    throw invalid(`${method}() needs options { actor: { id, roles } }: who is acting (got ${describe(opts)}).`, { instanceId, event: type, field: 'actor' });
  }
  const options = readOptions(opts, { keys: SEND_KEYS, what: `${method}() options`, details: { instanceId, event: type } });
  const key = options.idempotencyKey;
  const actor = checkActorInput(options.actor, method, { instanceId, event: type });
  if (key !== undefined) assertId(key, 'The idempotency key', { instanceId, event: type }, 'idempotencyKey');
  const checked = key === undefined ? { actor } : { actor, idempotencyKey: key };
  if (refused !== undefined) return { opts: checked, event: { type }, invalid: payloadError(`The payload of event "${type}"`, refused, { instanceId, event: type }) };
  return { opts: checked, event: copied as { type: string; [key: string]: unknown } };
}


/**
 * Check `start`'s arguments; returns the actor and the input as plain copies (`undefined` input
 * stays `undefined`). The tenant is `options.tenant`, else the actor's: an actor of a tenant starts
 * instances of that tenant only.
 *
 * @throws DocketError `INVALID_ARGUMENT` for a bad workflow id, options, actor or instance id (an
 * explicit id or tenant is a new id: blank is refused, as every filter refuses it; an instance id
 * `.` or `..` is refused too, as no URL can name it);
 * `FORBIDDEN` for an actor of one tenant starting an instance of another; `INVALID_PAYLOAD` for an
 * input that is not a JSON value.
 */
export function checkStartInput(
  workflowId: unknown,
  input: unknown,
  opts: unknown,
): { readonly input: unknown; readonly actor: Actor; readonly id: string | undefined; readonly tenant?: string | undefined } {
  assertId(workflowId, 'The workflow id', {}, 'workflow');
  const at = { workflow: workflowId };
  const options = optionsOf(opts, ['actor', 'id', 'tenant'], 'start() needs options { actor: { id, roles } }: who is starting it', at, 'start() options');
  const actor = checkActorInput(options.actor, 'start', at);
  const id = options.id;
  // New ids, by the one rule every filter shares: a blank one could never be listed by.
  if (id !== undefined) checkNewId(id, 'The instance id (options.id)', 'id', at);
  // An instance id is a URL path segment over docket/http (`/instances/{id}`): `.` and `..` are the
  // dot segments every URL resolves away (percent-encoded too), so such an instance could never be
  // named there (its Location `/instances/..` is `/`). Any other id is written as it is, encoded.
  if (id === '.' || id === '..') {
    throw new DocketError('INVALID_ARGUMENT', `The instance id (options.id) is ${JSON.stringify(id)}, a URL's dot segment: /instances/${id} resolves to another path, so the instance could never be read over HTTP. Choose another id (or none).`, { ...at, field: 'id' });
  }
  if (options.tenant !== undefined) checkNewId(options.tenant, 'The tenant (options.tenant)', 'tenant', at);
  if (options.tenant !== undefined && actor.tenant !== undefined && options.tenant !== actor.tenant) {
    throw new DocketError('FORBIDDEN', `${actor.id} belongs to tenant ${JSON.stringify(actor.tenant)} and may not start an instance of tenant ${JSON.stringify(options.tenant)}.`, { ...at, actor: actor.id });
  }
  const tenant = (options.tenant as string | undefined) ?? actor.tenant;
  if (input === undefined) return { input, actor, id, tenant };
  const copy = jsonCopy(input);
  if (!copy.ok) throw payloadError(`The input to start "${workflowId}"`, copy, at);
  return { input: copy.value, actor, id, tenant };
}

/**
 * Check `sendMany`'s batch shape: an array of `{ instanceId, event, idempotencyKey? }` and one actor.
 * Each act's event is checked when it is sent, and refused on its own. Returns the acts and the actor
 * as read, once: the batch is sent from this copy, so a getter cannot name one instance when checked
 * (a tenant view's ownership check) and another when sent.
 *
 * @throws DocketError `INVALID_ARGUMENT` for a batch that is not an array, an act that is not an
 * object or holds an unknown key, a bad instance id or idempotency key, or a bad actor: then nothing
 * in the batch is sent.
 */
export function checkBatchInput(acts: unknown, opts: unknown): { readonly actor: Actor; readonly acts: readonly { readonly instanceId: string; readonly event: unknown; readonly idempotencyKey?: string }[] } {
  if (!Array.isArray(acts) || isProxy(acts)) throw invalid(`sendMany() needs an array of { instanceId, event }; got ${describe(acts)}.`, { field: 'acts' });
  const actor = checkActorInput(optionsOf(opts, ['actor'], 'sendMany() needs options { actor: { id, roles } }: who is acting', {}, 'sendMany() options').actor, 'sendMany');
  const out: { readonly instanceId: string; readonly event: unknown; readonly idempotencyKey?: string }[] = [];
  for (let i = 0; i < acts.length; i++) {
    const act = optionsOf(acts[i], ['instanceId', 'event', 'idempotencyKey'], `sendMany(): act [${i}] must be an object { instanceId, event }; nothing was sent`, {}, `sendMany(): act [${i}] (nothing was sent)`, `acts[${i}]`);
    assertId(act.instanceId, `sendMany(): act [${i}]'s instanceId`, {}, `acts[${i}].instanceId`);
    if (act.idempotencyKey !== undefined) assertId(act.idempotencyKey, `sendMany(): act [${i}]'s idempotencyKey`, { instanceId: act.instanceId }, `acts[${i}].idempotencyKey`);
    out.push(act.idempotencyKey === undefined ? { instanceId: act.instanceId, event: act.event } : { instanceId: act.instanceId, event: act.event, idempotencyKey: act.idempotencyKey as string });
  }
  return { actor, acts: out };
}

/**
 * Check an administrator operation's arguments and return them as plain copies (the admin role and
 * a non-blank reason are checked against the instance, so their refusal is recorded).
 *
 * @throws DocketError `INVALID_ARGUMENT` for a bad instance id, options, actor, reason or target.
 */
export function checkAdminInput(instanceId: unknown, opts: unknown, op: string): { readonly actor: Actor; readonly reason: string; readonly target: string } {
  assertId(instanceId, 'The instance id', {}, 'instanceId');
  const at = { instanceId };
  const withTarget = op === 'moveTo';
  const options = optionsOf(opts, withTarget ? ['actor', 'reason', 'target'] : ['actor', 'reason'], `${op}() needs options { actor, reason${withTarget ? ', target' : ''} }`, at, `${op}() options`) as Record<'actor' | 'reason' | 'target', unknown>;
  const actor = checkActorInput(options.actor, op, at);
  assertText(options.reason, `${op}()'s reason`, at, 'reason');
  if (withTarget) assertText(options.target, `${op}()'s target`, at, 'target');
  return { actor, reason: options.reason, target: withTarget ? (options.target as string) : '' };
}

/**
 * Check `reassignTasks`' options: an actor, `from` and `to` user ids, a reason and an optional
 * workflow id.
 *
 * @throws DocketError `INVALID_ARGUMENT` otherwise: then nothing is handed over.
 */
export function checkReassignInput(opts: unknown): { readonly from: string; readonly to: string; readonly actor: Actor; readonly reason: string; readonly workflow?: string } {
  const options = optionsOf(opts, ['actor', 'from', 'to', 'reason', 'workflow'], 'reassignTasks() needs options { from, to, actor, reason }', {}, 'reassignTasks() options');
  const actor = checkActorInput(options.actor, 'reassignTasks');
  assertId(options.from, 'reassignTasks(): from', {}, 'from');
  // `from` names tasks already stored (a blank assignee of an older Docket can be handed away); `to`
  // is a new assignee, by the one id rule.
  checkNewId(options.to, 'reassignTasks(): to', 'to');
  assertText(options.reason, 'reassignTasks(): reason', {}, 'reason');
  if (options.from === options.to) {
    throw new DocketError('INVALID_ARGUMENT', `reassignTasks(): from and to are both "${String(options.from)}"; name the person who takes over the tasks.`, { from: options.from, field: 'to' });
  }
  if (options.workflow !== undefined) assertId(options.workflow, 'reassignTasks(): workflow', {}, 'workflow');
  // The copy checked is the copy used: reassignTasks read the caller's object again, so a getter
  // could show the checks one person and the transfers another.
  return { ...(options as { from: string; to: string; reason: string; workflow?: string }), actor };
}
