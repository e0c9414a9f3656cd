import { getShortestPaths, getSimplePaths, type StatePath } from '@xstate/graph';
import { __unsafe_getAllOwnEventDescriptors, type AnyMachineSnapshot, type AnyStateMachine, type AnyStateNode } from 'xstate';
import { businessCalendar, type BusinessCalendar } from '../calendar/index.js';
import { toInstant, type Instant, type InstantInput } from '../clock/index.js';
import { statePaths, type AnyWorkflow, type WorkflowEnv } from '../engine/index.js';
import type { Directory } from '../organisation/index.js';
import { ownValue } from '../engine/own-property.js';
import { delayEventLabel } from '../engine/timer-identity.js';
import { timerOwnersOf, timersAfterStep } from '../engine/timer-owner.js';
import { boundedSystem, refuseWhatIsNotDurable, type StepCount } from '../engine/xstate-runtime.js';
import type { Actor } from '../store/index.js';
import { DocketError, isDocketError } from '../errors.js';
import { parseEventPayload } from '../engine/authorize.js';
import { approvalsOf, resolveExploreOptions } from './approval-defaults.js';
import { sampleEventsFor, type SampleEvent, type SampleEvents } from './sample-events.js';
import { readExploreOptions, type CheckedExploreOptions } from './explore-options.js';

/** Who sends each event type in generated paths: by type, with `start` for the starter. */
export type ActorMap = Readonly<Record<string, Actor>>;

/** Options shared by {@link exploreWorkflow} and `replayPaths`. */
export interface ExploreOptions {
  /** The start input (validated and defaulted by the workflow's input schema). */
  readonly input: unknown;
  /**
   * Sample payloads per event type, as `engine.send` takes them; types not listed get one payload
   * derived from their schema. The machine is given each as send gives it: parsed by the event's
   * schema (defaults filled in, transforms applied).
   */
  readonly events?: SampleEvents;
  /** Event types to leave out of path generation (on an approval workflow, added to the operations left out by `approvalOperations`). */
  readonly skipEvents?: readonly string[];
  /**
   * On a workflow built from approval steps, which approval events path generation sends.
   * `'decisions'` (default): the acts that move the request (同意 APPROVE, 驳回 REJECT, 退回修改
   * REQUEST_CHANGES, 退回 RETURN, 撤回 WITHDRAW), one sample per step (and per declared return target)
   * unless `events` gives some; the operations that only change who is asked or told (加签, 减签, 转交,
   * 委托, 认领, 抄送, 催办) are left out, except those `events` gives samples for. `'all'`: send those
   * too (give them samples in `events`, and usually a `serialize`). Ignored on other workflows.
   */
  readonly approvalOperations?: 'decisions' | 'all';
  /**
   * Who acts, by event type (and `start`). Missing types act as `{ id: 'role:<r>', roles: [r] }` for
   * the first role the workflow's permissions allow, or as `sampler` with no roles.
   */
  readonly actors?: ActorMap;
  /** `'shortest'` (default): one shortest path per reachable state; `'simple'`: every simple path. */
  readonly traversal?: 'shortest' | 'simple';
  /**
   * Identity of a state for traversal; default its value and context (on an approval workflow,
   * `createApprovalSerializer()`: the approval part reduced to what decides the next act). Project the
   * context to tame loops: a counter or a history makes every loop a new state.
   */
  readonly serialize?: (snapshot: AnyMachineSnapshot) => string;
  /**
   * Pick the actor for one event from the instance's context (e.g. the pending approver of an
   * approval step); `undefined` falls back to `actors`. Used by path generation and replay alike.
   * On an approval workflow, an approval event it gives no actor for is sent by the step's first open
   * assignee (`pickApprover(directory)`), and WITHDRAW by the initiator, unless `actors` names one.
   */
  readonly pickActor?: (event: SampleEvent, context: unknown) => Actor | undefined;
  /**
   * Most transitions to visit before giving up (a loop that grows context forever): then a DocketError
   * `EXPLORATION_LIMIT` says which option to pass. A whole number of at least 1; default 20,000.
   */
  readonly limit?: number;
  /** The start instant (also `$at` of generated events). Default `2026-11-02T09:00:00+08:00`. */
  readonly start?: InstantInput;
  readonly calendar?: BusinessCalendar;
  readonly directory?: Directory;
  /** State paths (dotted) that need not be reachable, e.g. ones entered only by an admin. */
  readonly ignoreUnreachable?: readonly string[];
}

/** One generated path: the events (timers as `xstate.after.*`) and the state value after each. */
export interface GeneratedPath {
  /**
   * The path for people: its event types in order, a timer by what it is (`SUBMIT → after 3 days in
   * review → APPROVE`, never XState's `xstate.after.259200000.m.review`); `(initial state)` for none.
   */
  readonly description: string;
  readonly steps: readonly { readonly event: SampleEvent; readonly state: unknown }[];
  readonly state: unknown;
  readonly done: boolean;
}

/** How a reachable, unfinished state can move on. */
export interface WaitingState {
  readonly state: unknown;
  readonly waitingOn: readonly ('person' | 'timer')[];
  readonly events: readonly string[];
}

/** What {@link exploreWorkflow} found. */
export interface Exploration {
  readonly paths: readonly GeneratedPath[];
  /** Every state node path (dotted) in the machine. */
  readonly stateNodes: readonly string[];
  /** Routing states left by `always` transitions at once: never seen in a snapshot, so not checked. */
  readonly transient: readonly string[];
  /** State node paths no generated state reaches. */
  readonly unreachable: readonly string[];
  /** Reachable states that are not final and accept no event and no timer: once per state value, with its shortest path. */
  readonly deadEnds: readonly { readonly state: unknown; readonly path: GeneratedPath }[];
  /**
   * Paths on which the machine itself failed (an action, guard or approver rule threw, e.g. a role
   * approver without `directory`): the path (its last event the act that failed, or `(initial state)`),
   * the state the machine was in (for an act, the state it was sent to) and the error's message. Not
   * dead ends: the engine would refuse that act (or `start`) with that message.
   */
  readonly errors: readonly { readonly state: unknown; readonly path: GeneratedPath; readonly message: string }[];
  /** For each reachable unfinished state: what it waits on. */
  readonly waiting: readonly WaitingState[];
}

export const DEFAULT_START = '2026-11-02T09:00:00+08:00';

/** The actor who sends `type`: the caller's, else one holding the first permitted role. */
export function actorFor(workflow: AnyWorkflow, type: string, actors: ActorMap = {}): Actor {
  const given = ownValue(actors, type);
  if (given) return given;
  const roles = ownValue(workflow.permissions as Record<string, readonly string[] | undefined> | undefined, type);
  const role = roles?.[0];
  return role === undefined ? { id: 'sampler', roles: [] } : { id: `role:${role}`, roles: [role] };
}

/** A routing state: only `always` transitions, nothing that waits (no events, no timers, not final). */
function isTransient(node: AnyStateNode): boolean {
  const config = node.config as { always?: unknown; on?: object; after?: object; type?: string; states?: object };
  return config.always !== undefined && config.type !== 'final' && !config.states && Object.keys(config.on ?? {}).length === 0 && Object.keys(config.after ?? {}).length === 0;
}

/** Routing states of a machine (dotted paths). */
export function transientStatePaths(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  const walk = (node: AnyStateNode) => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      if (isTransient(child)) out.push(child.path.join('.'));
      walk(child);
    }
  };
  walk(machine.root);
  return out;
}

/** Every state node of a machine as a dotted path, the root excluded. */
export function stateNodePaths(machine: AnyStateMachine): string[] {
  const out: string[] = [];
  const walk = (node: AnyStateNode) => {
    for (const child of Object.values(node.states) as AnyStateNode[]) {
      out.push(child.path.join('.'));
      walk(child);
    }
  };
  walk(machine.root);
  return out;
}

/**
 * The workflow's machine as the engine would run it, with every named deadline resolved to 1 ms so
 * traversal treats timers as events (`xstate.after.<name>.<state>`) instead of firing them at once.
 */
export function machineForGraph(workflow: AnyWorkflow, env: WorkflowEnv): AnyStateMachine {
  const provided = (workflow.implementations?.(env) ?? {}) as { delays?: Record<string, unknown> };
  const delays: Record<string, () => number> = {};
  for (const name of Object.keys(workflow.deadlines ?? {})) delays[name] = () => 1;
  return (workflow.machine as AnyStateMachine).provide({ ...provided, delays: { ...provided.delays, ...delays } } as never);
}

function eventKinds(snapshot: AnyMachineSnapshot, declared: ReadonlySet<string>): { person: string[]; timer: string[] } {
  const person: string[] = [];
  const timer: string[] = [];
  for (const type of __unsafe_getAllOwnEventDescriptors(snapshot) as string[]) {
    if (type.startsWith('xstate.after.')) timer.push(type);
    else if (declared.has(type)) person.push(type);
  }
  return { person, timer };
}

/**
 * Generate paths through a workflow with `@xstate/graph`, with its sample events and timers, and
 * check the graph: which state nodes no path reaches, and which reachable states are dead ends (not
 * final, yet accepting no event from a person and no timer). A timer is offered only while it is
 * pending, by the engine's rule (a targetless `after`, such as a deadline's 超时升级, fires once per
 * entry of its state).
 *
 * The options are read once, by the house rule: a key it does not know (a misspelt `limt`), a value
 * of the wrong shape, a `limit` that is not a whole number of at least 1, a sample or actor for an
 * event type the workflow does not declare, is refused before anything runs.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming `workflow` for a workflow that is not one, or the
 * option in `details.field` (not an object, an unknown key such as a misspelt `ignoreUnrechable`,
 * `limit`, `traversal`, `events.PAY`, `actors.start.roles`, `skipEvents[0]`); `INVALID_PAYLOAD`
 * (field `input`) for an input the workflow's input schema refuses; `EXPLORATION_LIMIT` when path
 * generation visits more than `limit` transitions.
 *
 * @example
 * ```ts
 * import { exploreWorkflow } from 'docket/testing';
 * // const { unreachable, deadEnds, paths } = exploreWorkflow(leaveWorkflow, { input: { days: 2 } });
 * ```
 */
export function exploreWorkflow(workflow: AnyWorkflow, given: ExploreOptions): Exploration {
  return explore(workflow, readExploreOptions(workflow, given, 'exploreWorkflow()'));
}

/**
 * Path generation over options already read and checked ({@link readExploreOptions}); `replayPaths`
 * and `assertNoDeadEnds` come here with the copy they read, so the caller's object is read once.
 * Internal.
 */
export function explore(workflow: AnyWorkflow, checked: CheckedExploreOptions): Exploration {
  const options = resolveExploreOptions(workflow, checked, actorFor(workflow, 'start', checked.actors));
  const calendar = options.calendar ?? businessCalendar({ holidays: ['CN'] });
  const at: Instant = options.start ?? toInstant(DEFAULT_START);
  const env: WorkflowEnv = { directory: options.directory, calendar, now: () => at };
  const machine = machineForGraph(workflow, env);
  const declared = new Set(Object.keys(workflow.events));
  const skip = new Set(options.skipEvents ?? []);
  // Each sample as it is sent (what a path lists and replay sends), and the event the machine is
  // given for it: the payload as the event's schema parsed it, as engine.send gives it (defaults
  // filled in, transforms applied). The machine was given the sample itself, so a guard reading a
  // defaulted or transformed field decided on an event the engine never hands over, and path
  // generation reported states reachable, or not, that the engine reaches otherwise.
  const toMachine = new WeakMap<object, SampleEvent>();
  const samples: SampleEvent[] = [];
  for (const e of sampleEventsFor(workflow, options.events ?? {})) {
    if (skip.has(e.type)) continue;
    const parsed = machineEventOf(workflow, e);
    // A sample send refuses is not sent at all (the engine would refuse it; the caller's own samples
    // were refused by the options check already).
    if (parsed === undefined) continue;
    const sample = { ...e, $actor: actorFor(workflow, e.type, options.actors), $at: at };
    toMachine.set(sample, parsed);
    samples.push(sample);
  }
  // The event the machine is given for one the traversal sends (a sample, with its actor and instant).
  const given = (event: SampleEvent): SampleEvent => {
    const parsed = toMachine.get(event);
    return parsed === undefined ? event : { ...parsed, $actor: event['$actor'], $at: event['$at'] };
  };
  const startActor = actorFor(workflow, 'start', options.actors);
  const input = { ...(options.parsedInput as object), $actor: startActor, $at: at };
  const serialize = options.serialize ?? ((s: AnyMachineSnapshot) => JSON.stringify({ v: s.value, c: s.context }));
  const owners = timerOwnersOf(machine as AnyStateMachine);
  // The timers pending in each snapshot path generation reaches, by the engine's rule (timersAfterStep):
  // a targetless `after` (超时升级 stays in its step) was offered again after it fired, so a 超时升级
  // step ran into the limit, paths fired a timer the engine never armed again, and a state stuck after
  // its last timer fired was listed as waiting on it.
  const pending = new WeakMap<object, readonly string[]>();
  const timersOf = (snapshot: AnyMachineSnapshot): readonly string[] | undefined => pending.get(snapshot);
  // A state's identity includes its pending timers: the same value and context before and after its
  // timer fired are two states (one waits on the timer, the other does not).
  const identity = (s: AnyMachineSnapshot): string => {
    const timers = timersOf(s);
    return timers === undefined || timers.length === 0 ? serialize(s) : `${serialize(s)}\u0000${[...timers].sort().join('\u0000')}`;
  };
  // Which context fields keep taking new values: what the limit's message names as the likely cause.
  const growth = contextGrowth(approvalsOf(workflow) === undefined ? [] : ['initiator', 'approvals', 'approvalFlow']);
  const events = (snapshot: AnyMachineSnapshot): SampleEvent[] => {
    if (snapshot.status !== 'active') return [];
    const { person, timer } = eventKinds(snapshot, declared);
    const armed = timersOf(snapshot);
    const mine = samples.filter((e) => person.includes(e.type));
    const picked = options.pickActor
      ? mine.map((e) => {
          const sample = { ...e, $actor: options.pickActor!(stripMeta(e), snapshot.context) ?? e['$actor'] };
          const parsed = toMachine.get(e);
          if (parsed !== undefined) toMachine.set(sample, parsed);
          return sample;
        })
      : mine;
    const due = armed === undefined ? timer : timer.filter((type) => armed.includes(type));
    return [...picked, ...due.map((type) => ({ type, $actor: { id: 'docket:system', roles: ['system'] }, $at: at }))];
  };
  const traversal = {
    input,
    events: events as never,
    serializeState: ((s: AnyMachineSnapshot) => {
      growth.see(s.context);
      return identity(s);
    }) as never,
    limit: options.limit ?? 20_000,
  };
  // An act whose actions throw (an approver rule without its directory, an assign that fails) made
  // XState's transition throw out of the whole traversal, without the path that led there. The
  // traversal sees such an act as going nowhere; the failure is recorded and reported with its path.
  const failures: { key: string; event: SampleEvent; message: string }[] = [];
  // The step's actions as XState executes them, for the timers it arms and cancels.
  // Bounded as the engine bounds a step (boundedSystem): a cycle hung the exploration for ever.
  const recording = (scope: { actionExecutor: (action: never) => void; system: unknown }, into: { type: string; params?: unknown }[]) => {
    const count: StepCount = { microsteps: 0 };
    return {
      ...scope,
      system: boundedSystem(machine, scope.system, () => count),
      actionExecutor: (action: { type: string; params?: unknown }) => {
        into.push({ type: action.type, params: action.params });
        scope.actionExecutor(action as never);
      },
    };
  };
  const logic = Object.create(machine) as AnyStateMachine;
  logic.getInitialSnapshot = ((scope: never, given: unknown) => {
    const actions: { type: string; params?: unknown }[] = [];
    const snapshot = machine.getInitialSnapshot(recording(scope, actions) as never, given);
    refuseWhatIsNotDurable(machine, actions, snapshot, undefined);
    pending.set(snapshot, timersAfterStep([], undefined, actions, statePaths(snapshot.value), owners));
    return snapshot;
  }) as never;
  logic.transition = ((snapshot: AnyMachineSnapshot, event: SampleEvent, scope: never) => {
    const actions: { type: string; params?: unknown }[] = [];
    try {
      const next = machine.transition(snapshot, given(event) as never, recording(scope, actions) as never);
      // A step the engine refuses (an action it cannot do durably) goes nowhere here too.
      refuseWhatIsNotDurable(machine, actions, next, snapshot.children);
      // An event the state does not take returns the same snapshot: its timers are as they were.
      if (next !== snapshot) {
        const fired = event.type.startsWith('xstate.after.') ? event.type : undefined;
        pending.set(next, timersAfterStep(timersOf(snapshot) ?? [], fired, actions, statePaths(next.value), owners));
      }
      return next;
    } catch (error) {
      const key = identity(snapshot);
      if (!failures.some((f) => f.key === key && f.event.type === event.type)) failures.push({ key, event: stripMeta(event), message: errorMessage(error) });
      return snapshot;
    }
  }) as never;
  let raw: StatePath<AnyMachineSnapshot, SampleEvent>[];
  try {
    raw = options.traversal === 'simple' ? (getSimplePaths(logic, traversal) as never) : (getShortestPaths(logic, traversal) as never);
  } catch (error) {
    if (error instanceof Error && /limit exceeded/.test(error.message)) throw limitError(workflow, checked, traversal.limit, growth.growing(), error);
    throw error;
  }

  const paths: GeneratedPath[] = raw.map((p) => {
    const steps = p.steps
      .filter((s) => s.event.type !== 'xstate.init')
      .map((s) => ({ event: stripMeta(s.event), state: s.state.value }));
    return {
      description: steps.length === 0 ? '(initial state)' : steps.map((s) => delayEventLabel(s.event.type, owners) ?? s.event.type).join(' → '),
      steps,
      state: p.state.value,
      done: p.state.status === 'done',
    };
  });

  const reached = new Set<string>();
  const deadEnds: { state: unknown; path: GeneratedPath }[] = [];
  const errors: { state: unknown; path: GeneratedPath; message: string }[] = [];
  const waiting: WaitingState[] = [];
  raw.forEach((p, i) => {
    for (const path of statePaths(p.state.value)) reached.add(path);
    for (const step of p.steps) for (const path of statePaths(step.state.value)) reached.add(path);
    if (p.state.status === 'done') return;
    // A machine that threw stops in status 'error' and accepts nothing: that is its error, not a dead
    // end (the message "no person or timer can move it" hid "needs the organisation directory").
    if (p.state.status === 'error') {
      errors.push({ state: p.state.value, path: paths[i]!, message: errorMessage((p.state as { error?: unknown }).error) });
      return;
    }
    const enabled = events(p.state).filter((e) => p.state.can(given(e) as never));
    const kinds = new Set<'person' | 'timer'>(enabled.map((e) => (e.type.startsWith('xstate.after.') ? 'timer' : 'person')));
    // Once per state value, by its shortest path: the same stuck state reached with other approvers or
    // after a 退回 round is one problem, not one per way in.
    if (kinds.size === 0) {
      const same = deadEnds.findIndex((d) => JSON.stringify(d.state) === JSON.stringify(p.state.value));
      if (same < 0) deadEnds.push({ state: p.state.value, path: paths[i]! });
      else if (paths[i]!.steps.length < deadEnds[same]!.path.steps.length) deadEnds[same] = { state: p.state.value, path: paths[i]! };
    }
    else waiting.push({ state: p.state.value, waitingOn: [...kinds], events: [...new Set(enabled.map((e) => e.type))] });
  });
  for (const f of failures) {
    const i = raw.findIndex((p) => identity(p.state) === f.key);
    if (i < 0) continue;
    const label = delayEventLabel(f.event.type, owners) ?? f.event.type;
    const before = paths[i]!;
    const description = before.steps.length === 0 ? label : `${before.description} → ${label}`;
    errors.push({ state: raw[i]!.state.value, path: { ...before, description, steps: [...before.steps, { event: f.event, state: raw[i]!.state.value }] }, message: f.message });
  }
  const stateNodes = stateNodePaths(machine);
  const transient = transientStatePaths(machine);
  const ignore = new Set([...(options.ignoreUnreachable ?? []), ...transient]);
  const unreachable = stateNodes.filter((s) => !reached.has(s) && !ignore.has(s));
  return { paths, stateNodes, transient, unreachable, deadEnds, errors, waiting };
}

const GROWTH_CAP = 64;

/** Distinct values per top-level context field, up to {@link GROWTH_CAP} each (the approval fields, reduced by the default identity, left out). */
function contextGrowth(leaveOut: readonly string[]): { see(context: unknown): void; growing(): string[] } {
  const values = new Map<string, Set<string>>();
  return {
    see(context) {
      if (context === null || typeof context !== 'object') return;
      for (const [key, value] of Object.entries(context)) {
        if (leaveOut.includes(key)) continue;
        let seen = values.get(key);
        if (!seen) values.set(key, (seen = new Set()));
        if (seen.size < GROWTH_CAP) seen.add(JSON.stringify(value) ?? 'undefined');
      }
    },
    // The fields with the most distinct values (at least 8), most first: a counter, a history, a total.
    growing: () =>
      [...values]
        .filter(([, seen]) => seen.size >= 8)
        .sort((a, b) => b[1].size - a[1].size)
        .slice(0, 3)
        .map(([key, seen]) => `${key} (${seen.size >= GROWTH_CAP ? `${GROWTH_CAP}+` : seen.size})`),
  };
}

/** The limit was hit: say which option to pass, for the situation at hand. */
function limitError(workflow: AnyWorkflow, given: CheckedExploreOptions, limit: number, growing: readonly string[], cause: Error): DocketError {
  const approvals = approvalsOf(workflow) !== undefined;
  const advice: string[] = [];
  const fields = growing.length === 0 ? '' : `; the context fields that took the most values: ${growing.join(', ')}`;
  if (approvals && given.approvalOperations === 'all') {
    advice.push(`leave approvalOperations at 'decisions' (the default: 加签, 转交, 抄送, 催办 … change who is asked, not where the request is, and their loops never end)`);
  }
  if (given.serialize !== undefined) {
    advice.push('make your serialize drop what grows on every loop (a counter, a history, a list of acts)');
  } else if (approvals) {
    advice.push('pass serialize: createApprovalSerializer((context) => …), returning only the part of your own context your guards read (a counter capped, no history); the approval part is reduced for you');
  } else {
    advice.push('pass serialize returning the state value and only what your guards read (a counter or a history in the context makes every step a new state)');
  }
  advice.push(`or raise limit (now ${limit})`);
  return new DocketError('EXPLORATION_LIMIT', `Workflow "${workflow.id}": path generation visited more than ${limit} transitions without running out of new states${fields}. To fix it: ${advice.join('; ')}.`, {
    workflow: workflow.id,
    limit,
    growing,
    cause,
  });
}

/**
 * The event `engine.send` gives the machine for `sample` (its payload parsed by the event's schema,
 * {@link parseEventPayload}), or undefined when send would refuse it.
 */
function machineEventOf(workflow: AnyWorkflow, sample: SampleEvent): SampleEvent | undefined {
  const schema = ownValue(workflow.events as Record<string, unknown>, sample.type);
  if (schema === undefined) return undefined;
  try {
    return parseEventPayload(schema as never, stripMeta(sample), { workflow: workflow.id, event: sample.type });
  } catch (error) {
    if (isDocketError(error)) return undefined;
    throw error;
  }
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function stripMeta(event: SampleEvent): SampleEvent {
  const { $actor: _actor, $at: _at, ...rest } = event as SampleEvent & { $actor?: unknown; $at?: unknown };
  return rest as SampleEvent;
}

/**
 * Throw when some state node is unreachable or some reachable state is a dead end; return the
 * exploration otherwise. The message names each problem and the path that leads to it.
 *
 * @throws DocketError `INVALID_WORKFLOW_GRAPH` listing the problems (`details.problems`, each a
 * {@link GraphProblem}); what {@link exploreWorkflow} throws.
 *
 * @example
 * ```ts
 * import { assertNoDeadEnds } from 'docket/testing';
 * // const report = assertNoDeadEnds(leaveWorkflow, { input: { days: 2 } });
 * // report.paths.length > 0
 * ```
 */
export function assertNoDeadEnds(workflow: AnyWorkflow, given: ExploreOptions): Exploration {
  const options = readExploreOptions(workflow, given, 'assertNoDeadEnds()');
  const report = explore(workflow, options);
  const problems: GraphProblem[] = [];
  for (const e of report.errors) {
    // The engine's sentence names createEngine's option; the same option of these checks is what to pass here.
    const hint = options.directory === undefined && /\bdirectory\b/.test(e.message) ? ' (here: pass directory in the options of assertNoDeadEnds / replayPaths)' : '';
    problems.push({ kind: 'machine-error', state: e.state, path: e.path.description, message: `the machine failed on ${e.path.description} (in ${JSON.stringify(e.state)}): ${e.message}${hint}` });
  }
  for (const s of report.unreachable) problems.push({ kind: 'unreachable', state: s, message: `state "${s}" is never reached (give sample events that lead there, or list it in ignoreUnreachable)` });
  for (const d of report.deadEnds) problems.push({ kind: 'dead-end', state: d.state, path: d.path.description, message: `dead end ${JSON.stringify(d.state)} after ${d.path.description}: not final, and no person or timer can move it` });
  if (problems.length > 0) {
    // A DocketError with a code, as every refusal Docket makes: a plain Error before, the one throw of
    // docket/testing a program could not tell from a crash without parsing its message.
    throw new DocketError('INVALID_WORKFLOW_GRAPH', `Workflow "${workflow.id}" has ${problems.length} graph problem(s):\n- ${problems.map((p) => p.message).join('\n- ')}`, {
      workflow: workflow.id,
      problems,
    });
  }
  return report;
}

/**
 * One problem `assertNoDeadEnds` found, as `details.problems` of its `INVALID_WORKFLOW_GRAPH` error
 * lists it: a machine that threw on a path, a state node never reached (`state` its dotted path), a
 * dead end; `path` is the path's description (`SUBMIT → APPROVE`), `message` the sentence.
 */
export interface GraphProblem {
  readonly kind: 'machine-error' | 'unreachable' | 'dead-end';
  readonly state: unknown;
  readonly path?: string;
  readonly message: string;
}
