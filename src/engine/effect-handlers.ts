import { DocketError } from '../errors.js';
import type { EffectHandler } from './engine-types.js';
import { kindOf } from '../input/kind-of.js';
import { messageOf } from '../input/safe-string.js';

/** The `createEngine({ effects })` object: handlers by effect type (internal). */
export type EffectHandlers = Readonly<Record<string, EffectHandler>>;

/** What looking up an effect's handler found: the handler, or why there is none (internal). */
export type HandlerLookup = { readonly handler: EffectHandler; readonly missing?: never } | { readonly handler?: never; readonly missing: string };

const USAGE = '{ notify: async (params, context) => { ... } }';

/** `type` as an object literal key in a message's example: bare when it is an identifier, quoted otherwise (`'approval.assigned'`). */
function keyOf(type: string): string {
  return /^[A-Za-z_$][\w$]*$/.test(type) ? type : `'${type.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
}

function refuse(message: string, field: string, cause?: unknown): never {
  throw new DocketError('INVALID_ARGUMENT', message, { field, ...(cause === undefined ? {} : { cause }) });
}

function reason(error: unknown): string {
  return messageOf(error, 'an unprintable value was thrown');
}

/**
 * The one rule for which property of the effects object is a handler: an own enumerable property
 * (what `Object.keys` lists, so what {@link checkEffectHandlers} checked). An inherited one is
 * never a handler: an effect named `toString` or `constructor` found `Object.prototype`'s member,
 * and a prototype's method was called as a handler though createEngine had never seen it. A Proxy
 * of handlers answers through its `getOwnPropertyDescriptor` and `get` traps: a catch-all Proxy
 * (a handler for every type, as `replayPaths` uses) answers both.
 */
function isHandlerKey(handlers: object, type: string): boolean {
  return Object.prototype.propertyIsEnumerable.call(handlers, type);
}

/**
 * The handler registered for `type`, or why there is none. Reads the effects object live, so it may
 * throw what a getter or a Proxy trap throws: the outbox counts that as a failed attempt of the
 * effect (retried, `dead` after the last), never a crash of its delivery loop.
 */
export function lookupEffectHandler(handlers: EffectHandlers, type: string): HandlerLookup {
  if (!isHandlerKey(handlers, type)) {
    // The advice holds for an effect createEngine would refuse a handler for, too: one a machine only
    // enqueues with enqueueActions reaches the outbox, but is not known until declared with effect().
    return {
      missing: `No handler is registered for effect "${type}": pass createEngine({ effects: { ${keyOf(type)}: async (params) => { ... } } }). If createEngine refuses that name, the machine only enqueues "${type}" (enqueueActions): declare it with ${keyOf(type)}: effect() in its setup({ actions }) first.`,
    };
  }
  const found: unknown = handlers[type];
  if (typeof found !== 'function') {
    return { missing: `The handler for effect "${type}" is no longer a function (${kindOf(found)}): the effects object was changed after createEngine; register a function under "${type}".` };
  }
  return { handler: found as EffectHandler };
}

/**
 * `createEngine({ effects })`, checked before anything is started: an object (a Proxy too) whose own
 * enumerable properties are each a function. Refused with `INVALID_ARGUMENT` naming the field, and
 * saying what to pass instead:
 * - anything but an object (`null`, an array, a string);
 * - keys that cannot be listed, or a handler whose getter (or Proxy trap) throws: the raw error
 *   escaped createEngine before, or was thrown at each delivery;
 * - a handler that is not a function (a module's missing export: `undefined`);
 * - a handler only inherited (`Object.create({ notify })`, a class's method): it is not used by the
 *   lookup's rule, so its effects would all have been marked dead.
 *
 * The object is kept and read again at each delivery (a lazy getter, a Proxy of handlers): a read
 * that fails then is a failed attempt of that effect (see {@link lookupEffectHandler}).
 */
export function checkEffectHandlers(value: unknown): EffectHandlers {
  if (value === undefined) return {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    refuse(`effects must be an object of handler functions by effect type (e.g. ${USAGE}); got ${kindOf(value)}.`, 'effects');
  }
  let types: string[];
  try {
    types = Object.keys(value);
  } catch (error) {
    refuse(`effects: its keys could not be listed (${reason(error)}); pass a plain object of handler functions such as ${USAGE}.`, 'effects', error);
  }
  for (const type of types) {
    let handler: unknown;
    try {
      handler = (value as Record<string, unknown>)[type];
    } catch (error) {
      refuse(`effects.${type} could not be read (${reason(error)}): its getter threw. Pass the handler itself as a plain property: { ${type}: async (params, context) => { ... } }.`, `effects.${type}`, error);
    }
    if (typeof handler !== 'function') {
      refuse(`effects.${type} must be a function (params, context) => void | Promise<void>; got ${kindOf(handler)}. Register the handler, or leave the type out to have its effects marked dead with that reason.`, `effects.${type}`);
    }
  }
  const inherited = inheritedName(value);
  if (inherited !== undefined) {
    refuse(
      `effects.${inherited} is inherited from the object's prototype (a class's method, or Object.create(...)), not its own property: inherited handlers are not used. Pass own properties, e.g. { ${inherited}: handlers.${inherited}.bind(handlers) }.`,
      `effects.${inherited}`,
    );
  }
  return value as EffectHandlers;
}

/**
 * Refuse a handler registered under a name no workflow emits: a misspelt `notfy` was taken without a
 * word, and the effect it was meant for (`notify`) was marked `dead` for want of a handler, found only
 * when someone went looking for the notice that never came. `known` is every effect type the
 * workflows can emit (`effectTypesOf`: effect() placeholders and other function actions, the
 * approval plugin's `approval.assigned` / `approval.cc` / `approval.remind`, and those of the
 * versions the workflows' migrations move from). Names are listed, never read. Run after
 * {@link checkEffectHandlers}.
 *
 * @throws DocketError `INVALID_ARGUMENT`, `details.field` `effects.<name>`, the message listing the
 * known effect types and saying what to do.
 */
export function checkEffectTypes(handlers: EffectHandlers, known: readonly string[], whose: string): void {
  let types: string[];
  try {
    types = Object.keys(handlers);
  } catch (error) {
    refuse(`effects: its keys could not be listed (${reason(error)}); pass a plain object of handler functions such as ${USAGE}.`, 'effects', error);
  }
  const set = new Set(known);
  for (const type of types) {
    if (set.has(type)) continue;
    const near = known.find((k) => k.toLowerCase() === type.toLowerCase());
    refuse(
      `effects.${type} names no effect ${whose} (${known.length === 0 ? 'none is declared' : `the effect types: ${known.join(', ')}`}): a handler under it is not taken.${near === undefined ? '' : ` Did you mean "${near}"?`} Fix its name or leave it out. An effect is declared with effect() in the machine's setup({ actions }); one the machine only enqueues with enqueueActions (enqueue({ type: ${JSON.stringify(type)} })) must be declared there too ({ ${keyOf(type)}: effect() }) before it takes a handler.`,
      `effects.${type}`,
    );
  }
}

/**
 * The first name a prototype of `value` defines (below `Object.prototype`; a class's `constructor`
 * aside), not shadowed by an own handler: a handler only inherited. Names are listed, never read, so
 * no getter runs.
 */
function inheritedName(value: object): string | undefined {
  try {
    const own = new Set(Object.keys(value));
    for (let proto = Object.getPrototypeOf(value) as object | null; proto !== null && proto !== Object.prototype; proto = Object.getPrototypeOf(proto) as object | null) {
      for (const name of Object.getOwnPropertyNames(proto)) {
        if (name !== 'constructor' && !own.has(name)) return name;
      }
    }
    return undefined;
  } catch (error) {
    refuse(`effects: its prototype could not be read (${reason(error)}); pass a plain object of handler functions such as ${USAGE}.`, 'effects', error);
  }
}
