import { DocketError, isDocketError } from '../errors.js';
import { kindOf } from '../input/kind-of.js';
import { isOptionsObject, oneOfOption, readOptions, wholeOption } from '../input/read-options.js';
import { checkCalendar } from '../calendar/business-calendar.js';
import { checkDirectory } from '../organisation/directory.js';
import { checkActorInput } from '../engine/validate-input.js';
import type { AnyWorkflow } from '../engine/index.js';
import type { ExploreOptions } from './explore-workflow.js';
import type { ReplayOptions } from './replay-paths.js';

/** The keys of {@link ExploreOptions} (the compiler checks the list is whole). */
const EXPLORE_KEYS = Object.keys({
  input: true,
  events: true,
  skipEvents: true,
  approvalOperations: true,
  actors: true,
  traversal: true,
  serialize: true,
  pickActor: true,
  limit: true,
  start: true,
  calendar: true,
  directory: true,
  ignoreUnreachable: true,
} satisfies Record<keyof ExploreOptions, true>) as (keyof ExploreOptions)[];

/** The keys {@link ReplayOptions} adds. */
const REPLAY_KEYS = Object.keys({ thinkTime: true, effects: true, maxPaths: true } satisfies Record<Exclude<keyof ReplayOptions, keyof ExploreOptions>, true>) as (keyof ReplayOptions)[];

/**
 * The options of `exploreWorkflow`, `assertNoDeadEnds` (`replay: false`) or `replayPaths`
 * (`replay: true`), read once by the options rule (src/input/read-options.ts): a plain object of the
 * keys the call knows, `traversal` and `approvalOperations` one of their values, `limit` and
 * `maxPaths` whole numbers, `skipEvents` and `ignoreUnreachable` arrays of strings, `serialize` and
 * `pickActor` functions, `events` payload objects by type, `actors` actors as `engine.send` takes
 * them, `calendar` and `directory` each one. Before, the options were read as given: left out or `null` was a raw
 * TypeError ("reading 'actors'"), and a misspelt `ignoreUnrechable` was ignored, so the check then
 * failed on the very state the caller had meant to leave out.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field (`options`, the unknown key, `traversal`, …).
 */
export function readExploreOptions<T extends ExploreOptions>(value: unknown, what: string, replay: boolean): T {
  const keys = replay ? [...EXPLORE_KEYS, ...REPLAY_KEYS] : EXPLORE_KEYS;
  const options = readOptions(value, { keys, what: `${what} options`, usage: `{ input, events?, actors?, directory?, … }` }) as Record<string, unknown>;
  oneOfOption(options['traversal'], ['shortest', 'simple'], 'traversal', what);
  oneOfOption(options['approvalOperations'], ['decisions', 'all'], 'approvalOperations', what);
  wholeOption(options['limit'], 'limit', what, 1);
  wholeOption(options['maxPaths'], 'maxPaths', what, 0);
  for (const name of ['skipEvents', 'ignoreUnreachable'] as const) {
    const list = options[name];
    if (list !== undefined && (!Array.isArray(list) || !list.every((item) => typeof item === 'string'))) {
      refuse(`${what}: ${name} must be an array of ${name === 'skipEvents' ? 'event types' : 'dotted state paths'}, not ${kindOf(list)}${Array.isArray(list) ? ' holding a non-string' : ''}.`, name);
    }
  }
  for (const name of ['serialize', 'pickActor'] as const) {
    const fn = options[name];
    if (fn !== undefined && typeof fn !== 'function') refuse(`${what}: ${name} must be a function, not ${kindOf(fn)}.`, name);
  }
  const events = options['events'];
  if (events !== undefined) {
    if (!isOptionsObject(events)) refuse(`${what}: events must be an object of sample payloads by event type (e.g. { PAY: [{ amount: 500 }] }), not ${kindOf(events)}.`, 'events');
    for (const [type, samples] of Object.entries(events)) {
      const each = Array.isArray(samples) ? samples : [samples];
      if (!each.every((sample: unknown) => typeof sample === 'object' && sample !== null && !Array.isArray(sample))) {
        refuse(`${what}: events.${type} must be a payload object or an array of them (without type), not ${kindOf(samples)}${Array.isArray(samples) ? ' holding one that is not' : ''}.`, `events.${type}`);
      }
    }
  }
  const actors = options['actors'];
  if (actors !== undefined) {
    if (!isOptionsObject(actors)) refuse(`${what}: actors must be an object of actors by event type (and start), not ${kindOf(actors)}.`, 'actors');
    // Each an actor as engine.send takes one: they are sent through the engine by replayPaths.
    const checked: Record<string, unknown> = {};
    for (const [type, actor] of Object.entries(actors)) {
      try {
        checked[type] = checkActorInput(actor, what);
      } catch (error) {
        const field = isDocketError(error) && typeof error.details.field === 'string' ? error.details.field.replace(/^actor/, `actors.${type}`) : `actors.${type}`;
        refuse(`${what}: actors.${type}: ${error instanceof Error ? error.message : String(error)}`, field);
      }
    }
    options['actors'] = checked;
  }
  checkCalendar(options['calendar'], 'calendar', what);
  checkDirectory(options['directory'], 'directory', what);
  return options as T;
}

function refuse(message: string, field: string): never {
  throw new DocketError('INVALID_ARGUMENT', message, { field });
}

/**
 * The workflow these checks explore: a workflow (`defineWorkflow(...)`), its machine, input schema and
 * events where they are read. `undefined` or another object was a raw TypeError ("reading 'permissions'").
 *
 * @throws DocketError `INVALID_ARGUMENT` with `details.field: 'workflow'`.
 */
export function checkWorkflowArgument(workflow: unknown, what: string): asserts workflow is AnyWorkflow {
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
