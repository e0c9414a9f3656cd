import { businessCalendar } from '../calendar/index.js';
import { virtualClock, toInstant, type Instant, type DurationInput } from '../clock/index.js';
import { durationToMs } from '../clock/index.js';
import { canonicalJson, createEngine, type AnyWorkflow, type EffectHandler, type InstanceView } from '../engine/index.js';
import { isDocketError } from '../errors.js';
import { ownValue } from '../engine/own-property.js';
import { delayEventLabel } from '../engine/timer-identity.js';
import { timerOwnersOf, type TimerOwners } from '../engine/timer-owner.js';
import type { AnyStateMachine } from 'xstate';
import { memoryStore } from '../store/index.js';
import { resolveExploreOptions } from './approval-defaults.js';
import { actorFor, DEFAULT_START, explore, type ExploreOptions, type GeneratedPath } from './explore-workflow.js';
import { readExploreOptions, type CheckedReplayOptions } from './explore-options.js';

/** Options for {@link replayPaths}: those of path generation plus how to run them. */
export interface ReplayOptions extends ExploreOptions {
  /**
   * Time a person takes before each act, so acts land on real dates. The clock never passes a
   * pending timer for this (a path that sends an event before a deadline stays before it). Default 1 hour.
   */
  readonly thinkTime?: DurationInput;
  /**
   * Effect handlers, by effect type; effects without one are recorded and acknowledged. Each key must
   * be an effect type the workflow emits (`effectTypesOf(workflow)`): another (a misspelt `notfy`)
   * is refused, as `createEngine` refuses it.
   */
  readonly effects?: Readonly<Record<string, EffectHandler>>;
  /** Replay only the first `maxPaths` paths (a whole number of at least 1). */
  readonly maxPaths?: number;
}

/** One step as the engine took it. */
export interface ReplayStep {
  readonly kind: 'event' | 'timer';
  readonly type: string;
  /** When the engine took it (virtual clock), epoch ms. */
  readonly at: Instant;
  readonly expected: unknown;
  readonly actual: unknown;
  readonly ok: boolean;
  readonly error?: string;
}

/** What happened to one path on the engine. */
export interface ReplayResult {
  readonly path: GeneratedPath;
  readonly ok: boolean;
  readonly instanceId: string;
  readonly steps: readonly ReplayStep[];
  readonly final: InstanceView;
  readonly effects: readonly { readonly type: string; readonly params: unknown; readonly at: Instant }[];
  /** The first problem, in a sentence. */
  readonly error?: string;
}

const same = (a: unknown, b: unknown) => canonicalJson(a) === canonicalJson(b);

/** Which state arms each `after` timer of the workflow's machine (what names a timer in a message). */
const timerOwners = (workflow: AnyWorkflow): TimerOwners => timerOwnersOf(workflow.machine as AnyStateMachine);

/**
 * Generate paths with `@xstate/graph` and replay each through a real engine (memory store) on a
 * virtual clock with a business calendar: person events are sent with their actors, timer steps are
 * taken by advancing the clock to the timer's real due instant (working days, holidays, quarter
 * dates), and after each step the engine's state is compared with the graph's.
 *
 * @throws DocketError as `exploreWorkflow` does for its options (read once, by the house rule), and
 * `INVALID_ARGUMENT` naming `thinkTime` (not a duration of at least 0), `effects` (not an object of
 * functions; `effects.<name>` for a handler not a function, inherited, or under a name the workflow
 * emits no effect by) or `maxPaths` (not a whole number of at least 1).
 *
 * @example
 * ```ts
 * import { replayPaths } from 'docket/testing';
 * // const results = await replayPaths(leaveWorkflow, { input: { days: 2 }, start: '2026-09-30T09:00:00+08:00' });
 * // results.every((r) => r.ok)
 * ```
 */
export async function replayPaths(workflow: AnyWorkflow, given: ReplayOptions): Promise<ReplayResult[]> {
  // Read once, by the house rule: path generation and every replay use this copy.
  const checked = readExploreOptions(workflow, given, 'replayPaths()', true);
  const calendar = checked.calendar ?? businessCalendar({ holidays: ['CN'] });
  const start = checked.start ?? toInstant(DEFAULT_START);
  // The caller's options: the limit's advice names what they passed, not the defaults.
  const exploration = explore(workflow, { ...checked, calendar, start });
  // The same defaults path generation took (an approval workflow's approvers, its initiator's 撤回), so
  // the engine is sent each act by the person the graph assumed.
  const options = resolveExploreOptions(workflow, checked, actorFor(workflow, 'start', checked.actors));
  const paths = exploration.paths.slice(0, options.maxPaths ?? Number.POSITIVE_INFINITY);
  const think = options.thinkTime ?? durationToMs({ hours: 1 });
  const results: ReplayResult[] = [];
  for (const path of paths) results.push(await replayOne(workflow, path, options, calendar, start, think));
  return results;
}

async function replayOne(
  workflow: AnyWorkflow,
  path: GeneratedPath,
  options: CheckedReplayOptions,
  calendar: NonNullable<ReplayOptions['calendar']>,
  start: Instant,
  think: number,
): Promise<ReplayResult> {
  const clock = virtualClock(start);
  const effects: { type: string; params: unknown; at: Instant }[] = [];
  const given = options.effects ?? {};
  // A handler for every type: an own property of the Proxy (the engine takes own properties only,
  // src/engine/effect-handlers.ts), so its descriptor is answered as well as its value.
  const handlerFor = (type: string): EffectHandler => (params, ctx) => {
    effects.push({ type, params, at: ctx.now });
    return ownValue(given, type)?.(params, ctx);
  };
  const handlers = new Proxy({} as Record<string, EffectHandler>, {
    get: (_t, type) => (typeof type === 'string' ? handlerFor(type) : undefined),
    getOwnPropertyDescriptor: (_t, type) => (typeof type === 'string' ? { value: handlerFor(type), enumerable: true, configurable: true, writable: false } : undefined),
  });
  const engine = createEngine({
    store: memoryStore(),
    clock,
    calendar,
    workflows: [workflow],
    effects: handlers,
    ...(options.directory ? { directory: options.directory } : {}),
  });
  const steps: ReplayStep[] = [];
  let error: string | undefined;
  const id = await engine.start(workflow.id as never, options.input as never, { actor: actorFor(workflow, 'start', options.actors) });
  for (const step of path.steps) {
      const record = await engine.record(id);
      const type = step.event.type;
      if (type.startsWith('xstate.after.')) {
        const timer = record.timers.find((t) => t.event.type === type);
        if (!timer) {
          // The timer by what it is (`after 1h in review.waiting`), as the path's description names it.
          error = `timer "${delayEventLabel(type, timerOwners(workflow))}" was not armed in state ${JSON.stringify(record.state)}`;
          steps.push({ kind: 'timer', type, at: clock.now(), expected: step.state, actual: record.state, ok: false, error });
          break;
        }
        await clock.advanceTo(Math.max(clock.now(), timer.dueAt));
        const view = await engine.get(id);
        const ok = same(view.state, step.state);
        steps.push({ kind: 'timer', type, at: clock.now(), expected: step.state, actual: view.state, ok });
        if (!ok) {
          error = `after timer "${delayEventLabel(type, timerOwners(workflow))}" the engine is in ${JSON.stringify(view.state)}, the graph expected ${JSON.stringify(step.state)}`;
          break;
        }
        continue;
      }
      const nextDue = record.timers[0]?.dueAt;
      let target = clock.now() + think;
      if (nextDue !== undefined && nextDue <= target) target = Math.max(clock.now(), nextDue - 1);
      await clock.advanceTo(target);
      const { type: _type, ...payload } = step.event;
      try {
        const actor = options.pickActor?.(step.event, record.context) ?? actorFor(workflow, type, options.actors);
        const view = await engine.send(id, { type, ...payload } as never, { actor });
        const ok = same(view.state, step.state);
        steps.push({ kind: 'event', type, at: clock.now(), expected: step.state, actual: view.state, ok });
        if (!ok) {
          error = `after ${type} the engine is in ${JSON.stringify(view.state)}, the graph expected ${JSON.stringify(step.state)}`;
          break;
        }
      } catch (e) {
        if (!isDocketError(e)) throw e;
        error = `${type} was refused: ${e.message}`;
        steps.push({ kind: 'event', type, at: clock.now(), expected: step.state, actual: record.state, ok: false, error });
        break;
      }
  }
  // Acts resolve once committed; the effects of the last one are delivered after it.
  await engine.settled();
  const final = await engine.get(id);
  await engine.close();
  return { path, ok: error === undefined, instanceId: id, steps, final, effects, ...(error === undefined ? {} : { error }) };
}
