// How docket/testing reads its options: by the house rule (read-options.ts), once, into a checked copy
// that path generation and replay use and never the caller's object again. A misspelt `limt` or
// `thinktime` was ignored; a `limit` of NaN or '100' turned the limit off (the traversal compares
// `iterations > limit`), so a growing context ran without end instead of EXPLORATION_LIMIT; a
// `maxPaths` of -1 or '3' replayed all but the last path, or none, and reported every replay as
// passing; `actors: null`, `serialize: 'x'` or `pickActor: 1` were raw TypeErrors; a bad `input`
// was a raw ZodError; a sample for an event type the workflow does not declare was dropped.
import type { AnyStateMachine } from 'xstate';
import { durationToMs, type Instant } from '../clock/index.js';
import { wholeInstantInput } from '../clock/whole-instant.js';
import type { AnyWorkflow, EffectHandler } from '../engine/index.js';
import { checkActorInput, checkSendInput } from '../engine/validate-input.js';
import { checkEffectHandlers, checkEffectTypes } from '../engine/effect-handlers.js';
import { effectTypesOf } from '../engine/effect-types.js';
import { parseEventPayload } from '../engine/authorize.js';
import { ownValue } from '../engine/own-property.js';
import { DocketError, isDocketError } from '../errors.js';
import { checkCalendar } from '../calendar/business-calendar.js';
import { checkDirectory } from '../organisation/directory.js';
import { isOptionsObject, oneOfOption, readOptions, wholeOption } from '../input/read-options.js';
import { kindOf } from '../input/kind-of.js';
import type { Directory } from '../organisation/index.js';
import type { Actor } from '../store/index.js';
import type { SampleEvents } from './sample-events.js';
// A function of the module that imports this one: used only when called, so the cycle is harmless.
import { stateNodePaths, type ExploreOptions } from './explore-workflow.js';

/** The keys of `ExploreOptions`, in the order the message lists them. */
export const EXPLORE_KEYS = [
  'input',
  'events',
  'skipEvents',
  'approvalOperations',
  'actors',
  'traversal',
  'serialize',
  'pickActor',
  'limit',
  'start',
  'calendar',
  'directory',
  'ignoreUnreachable',
] as const;

/** The keys `replayPaths` takes besides {@link EXPLORE_KEYS}. */
export const REPLAY_KEYS = ['thinkTime', 'effects', 'maxPaths'] as const;

/**
 * The options of path generation, checked (see {@link readExploreOptions}): {@link ExploreOptions} as
 * given, with the start input also as its schema parsed it, `start` as an instant and each actor as
 * `engine.send` takes one.
 */
export interface CheckedExploreOptions extends Omit<ExploreOptions, 'start' | 'actors'> {
  /** The start input as the workflow's input schema parsed it (what path generation starts from). */
  readonly parsedInput: unknown;
  readonly actors?: Readonly<Record<string, Actor>>;
  readonly start?: Instant;
}

/** The options of replay, checked: path generation's and how to run the paths. */
export interface CheckedReplayOptions extends CheckedExploreOptions {
  /** Milliseconds, at least 0. */
  readonly thinkTime?: number;
  readonly effects?: Readonly<Record<string, EffectHandler>>;
  readonly maxPaths?: number;
}

function refuse(message: string, field: string, workflow: string, extra: Record<string, unknown> = {}): never {
  throw new DocketError('INVALID_ARGUMENT', message, { workflow, field, ...extra });
}

/** An array of strings, each one of `allowed` when given (a misspelt name is refused, not skipped). */
function nameList(value: unknown, field: string, what: string, workflow: string, allowed: readonly string[] | undefined, kind: string): readonly string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value)) refuse(`${what}: ${field} must be an array of ${kind}, not ${kindOf(value)}.`, field, workflow);
  const out: string[] = [];
  for (let i = 0; i < value.length; i++) {
    const name: unknown = value[i];
    if (typeof name !== 'string') refuse(`${what}: ${field}[${i}] must be a string (${kind}), not ${kindOf(name)}.`, `${field}[${i}]`, workflow);
    if (allowed !== undefined && !allowed.includes(name)) {
      refuse(`${what}: ${field}[${i}] is ${JSON.stringify(name)}, which is not one of the workflow's ${kind} (${allowed.join(', ')}); check its spelling.`, `${field}[${i}]`, workflow);
    }
    out.push(name);
  }
  return Object.freeze(out);
}

function fn<T>(value: unknown, field: string, what: string, workflow: string, usage: string): T | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'function') refuse(`${what}: ${field} must be a function ${usage}, not ${kindOf(value)}.`, field, workflow);
  return value as T;
}

/** Sample payloads by declared event type: an object or an array of objects each. */
function sampleEvents(value: unknown, what: string, workflow: AnyWorkflow): SampleEvents | undefined {
  if (value === undefined) return undefined;
  const declared = Object.keys(workflow.events);
  if (!isOptionsObject(value)) refuse(`${what}: events must be an object of sample payloads by event type ({ PAY: { amount: 500 } }), not ${kindOf(value)}.`, 'events', workflow.id);
  const given = readOptions(value, { keys: declared, what: `${what}: events (sample payloads by event type of "${workflow.id}")`, path: 'events', details: { workflow: workflow.id } });
  const out: Record<string, unknown> = {};
  for (const [type, samples] of Object.entries(given)) {
    const list = Array.isArray(samples) ? samples : [samples];
    const read = list.map((payload: unknown, i) => {
      const at = Array.isArray(samples) ? `events.${type}[${i}]` : `events.${type}`;
      if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
        refuse(`${what}: ${at} must be a payload object (without type, e.g. {}), not ${kindOf(payload)}.`, at, workflow.id);
      }
      // Read as send reads a payload: copied as plain JSON (an undefined field dropped), then by the
      // event's schema. A sample send refuses ({ amount: 'x' } for a number) was sent to the machine as
      // given, so a guard decided on it and path generation reported states reachable, or not, by an
      // event the engine never takes.
      try {
        const sent = checkSendInput('sample', { ...(payload as object), type }, { actor: { id: 'sample', roles: [] } }, what.replace(/\(\)$/, ''));
        if (sent.invalid) throw sent.invalid;
        parseEventPayload(ownValue(workflow.events, type) as never, sent.event, { workflow: workflow.id, event: type });
        const { type: _type, ...copy } = sent.event;
        return Object.freeze(copy);
      } catch (error) {
        if (!isDocketError(error)) throw error;
        const { instanceId: _sample, ...details } = error.details;
        throw new DocketError('INVALID_PAYLOAD', `${what}: ${at} is a sample ${type} that send would refuse: ${error.message}`, { ...details, workflow: workflow.id, field: at });
      }
    });
    out[type] = Array.isArray(samples) ? Object.freeze(read) : read[0];
  }
  return Object.freeze(out) as SampleEvents;
}

/** Actors by event type (or `start`), each checked as send checks an actor. */
function actorMap(value: unknown, what: string, workflow: AnyWorkflow): Readonly<Record<string, Actor>> | undefined {
  if (value === undefined) return undefined;
  const types = ['start', ...Object.keys(workflow.events)];
  if (!isOptionsObject(value)) refuse(`${what}: actors must be an object of actors by event type (and start), e.g. { start: { id: 'li', roles: ['sales'] } }, not ${kindOf(value)}.`, 'actors', workflow.id);
  const given = readOptions(value, { keys: types, what: `${what}: actors (by event type of "${workflow.id}", or start)`, path: 'actors', details: { workflow: workflow.id } });
  const out: Record<string, Actor> = {};
  for (const [type, actor] of Object.entries(given)) {
    try {
      out[type] = checkActorInput(actor, what.replace(/\(\)$/, ''));
    } catch (error) {
      const e = error as DocketError;
      const field = typeof e.details?.field === 'string' ? e.details.field.replace(/^actor/, `actors.${type}`) : `actors.${type}`;
      refuse(`${what}: actors.${type} is who sends ${type === 'start' ? 'the start' : type}: ${e.message}`, field, workflow.id);
    }
  }
  return Object.freeze(out);
}


/**
 * Read the options of `exploreWorkflow` / `assertNoDeadEnds` (or, with `replay`, of `replayPaths`) by
 * the house rule: a plain object with known keys only, each read once, each checked; the start input
 * parsed by the workflow's input schema. What path generation and replay use is the returned copy.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming `workflow` for a workflow that is not one, and the
 * field (`details.field`: `limit`, `events.PAY`, `actors.start.roles`, `skipEvents[0]`) for anything else; `INVALID_PAYLOAD` with the schema's
 * issues for an input the workflow's input schema refuses, as `engine.start` refuses it.
 */
export function readExploreOptions(workflow: AnyWorkflow, given: unknown, what: string, replay: true): CheckedReplayOptions;
export function readExploreOptions(workflow: AnyWorkflow, given: unknown, what: string, replay?: false): CheckedExploreOptions;
export function readExploreOptions(workflow: AnyWorkflow, given: unknown, what: string, replay = false): CheckedReplayOptions {
  // The workflow first: every check below reads its id, events, schema and machine.
  checkWorkflowArgument(workflow, what);
  const id = workflow.id;
  const keys = replay ? [...EXPLORE_KEYS, ...REPLAY_KEYS] : [...EXPLORE_KEYS];
  const o = readOptions(given, { keys, what, usage: '{ input, directory? } (plus events, actors, serialize … as needed)', details: { workflow: id } });
  const parsed = workflow.input.safeParse(o.input);
  if (!parsed.success) {
    throw new DocketError('INVALID_PAYLOAD', `${what}: the input to start "${id}" is invalid: ${parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}. Pass input as engine.start would take it.`, {
      workflow: id,
      field: 'input',
      issues: parsed.error.issues.map((i) => ({ path: i.path, message: i.message })),
    });
  }
  const events = sampleEvents(o.events, what, workflow);
  const skipEvents = nameList(o.skipEvents, 'skipEvents', what, id, Object.keys(workflow.events), 'event types');
  const approvalOperations = oneOfOption(o.approvalOperations, ['decisions', 'all'] as const, 'approvalOperations', what);
  const actors = actorMap(o.actors, what, workflow);
  const traversal = oneOfOption(o.traversal, ['shortest', 'simple'] as const, 'traversal', what);
  const serialize = fn<CheckedExploreOptions['serialize']>(o.serialize, 'serialize', what, id, '(snapshot) => string');
  const pickActor = fn<CheckedExploreOptions['pickActor']>(o.pickActor, 'pickActor', what, id, '(event, context) => actor | undefined');
  // At least 1: the traversal compares `iterations > limit`, which NaN or a string never passes.
  const limit = wholeOption(o.limit, 'limit', what, 1);
  // By the one instant rule the stores keep (whole epoch ms): `start: 0.5` was taken.
  const start: Instant | undefined = o.start === undefined ? undefined : wholeInstantInput(o.start, 'start', what, { workflow: id });
  // The one shape rule createEngine applies to its calendar and directory (src/input/method-object.ts).
  checkCalendar(o.calendar, 'calendar', what);
  checkDirectory(o.directory, 'directory', what);
  const directory = o.directory as Directory | undefined;
  const ignoreUnreachable = nameList(o.ignoreUnreachable, 'ignoreUnreachable', what, id, stateNodePaths(workflow.machine as AnyStateMachine), 'state paths');
  const out: Record<string, unknown> = { input: o.input, parsedInput: parsed.data, events, skipEvents, approvalOperations, actors, traversal, serialize, pickActor, limit, start, calendar: o.calendar, directory, ignoreUnreachable };
  if (replay) {
    if (o.thinkTime !== undefined) {
      let ms: number;
      try {
        ms = durationToMs(o.thinkTime as never);
      } catch (error) {
        refuse(`${what}: thinkTime: ${(error as Error).message}`, 'thinkTime', id);
      }
      if (ms < 0) refuse(`${what}: thinkTime must not be negative (a person acts after the last act, not before), not ${ms} ms.`, 'thinkTime', id);
      out['thinkTime'] = ms;
    }
    if (o.effects !== undefined) {
      if (!isOptionsObject(o.effects)) refuse(`${what}: effects must be an object of handlers by effect type, not ${kindOf(o.effects)}.`, 'effects', id);
      // The engine's one rule for an effects object (own handler functions; a class's method or an
      // Object.create(...) handler is inherited, which replay, reading own keys, silently never ran).
      // Each handler is read once, into a copy on the same prototype, which the rule then checks.
      try {
        const given = o.effects as Record<string, unknown>;
        const copy = Object.create(Object.getPrototypeOf(given) as object | null) as Record<string, unknown>;
        for (const type of Object.keys(given)) Object.defineProperty(copy, type, { value: given[type], enumerable: true });
        checkEffectHandlers(copy);
        // By the engine's rule too: a handler for an effect the workflow never emits (a misspelt
        // `notfy`) was taken, never ran, and the replay reported the paths as passing.
        checkEffectTypes(copy as never, effectTypesOf(workflow), `of workflow "${id}"`);
        const handlers: Record<string, unknown> = {};
        for (const type of Object.keys(copy)) handlers[type] = copy[type];
        out['effects'] = Object.freeze(handlers);
      } catch (error) {
        const e = error as DocketError;
        refuse(`${what}: ${isDocketError(e) ? e.message : `effects could not be read (${String((e as Error)?.message ?? e)}); pass a plain object of handler functions.`}`, isDocketError(e) && typeof e.details.field === 'string' ? e.details.field : 'effects', id, { cause: error });
      }
    }
    out['maxPaths'] = wholeOption(o.maxPaths, 'maxPaths', what, 1);
  }
  for (const key of Object.keys(out)) if (out[key] === undefined) delete out[key];
  return Object.freeze(out) as unknown as CheckedReplayOptions;
}

/**
 * The workflow these checks explore: a workflow (`defineWorkflow(...)`), its machine, input schema and
 * events where they are read. `undefined` or another object was a raw TypeError ("reading 'permissions'").
 *
 * @throws DocketError `INVALID_ARGUMENT` with `details.field: 'workflow'`.
 */
function checkWorkflowArgument(workflow: unknown, what: string): asserts workflow is AnyWorkflow {
  const w = workflow as Partial<Record<'id' | 'machine' | 'input' | 'events', unknown>> | null | undefined;
  let ok: boolean;
  try {
    ok =
      typeof w === 'object' &&
      w !== null &&
      typeof w.id === 'string' &&
      typeof (w.machine as { transition?: unknown } | undefined)?.transition === 'function' &&
      typeof (w.input as { safeParse?: unknown } | undefined)?.safeParse === 'function' &&
      typeof w.events === 'object' &&
      w.events !== null;
  } catch {
    ok = false;
  }
  if (!ok) throw new DocketError('INVALID_ARGUMENT', `${what} takes a workflow made by defineWorkflow(...) (with its machine, input schema and events), not ${kindOf(workflow)}${typeof workflow === 'object' && workflow !== null ? ' without them' : ''}.`, { field: 'workflow' });
}
