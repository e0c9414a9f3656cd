import { createActor, type AnyStateMachine, type AnyMachineSnapshot } from 'xstate';
import type { Instant } from '../clock/clock.js';
import type { ProvisionalResolution } from './deadline-provenance.js';
import { timerOwnersOf, type TimerOwners } from './timer-owner.js';
import { freezeJsonData } from './freeze-state.js';
import { stateParts } from './state-parts.js';
import { copyWith } from '../store/copy-with.js';
import { DocketError } from '../errors.js';
import { INPUT_LIMITS } from './validate-input.js';

// Shared empty objects, frozen and marked as JSON data (their Merkle reference and string check are
// known): most persisted snapshots have no history and no children.
const EMPTY = {} as Record<string, never>;
freezeJsonData(EMPTY);

/** An action XState asked to run, as data: `type` plus resolved `params`. */
export interface ActionData {
  readonly type: string;
  readonly params: unknown;
}

/**
 * The outcome of one pure step: the next snapshot and the actions it produced, none executed, plus
 * the named deadlines it resolved on estimated holiday data (absent when none).
 */
export interface Step {
  readonly snapshot: AnyMachineSnapshot;
  readonly actions: readonly ActionData[];
  readonly provisional?: readonly ProvisionalResolution[];
}

/**
 * The per-call context of one step: its instant, the tenant of the instance it is computed for, and
 * the provisional deadlines resolved so far.
 */
interface StepCall {
  readonly now: Instant;
  readonly tenant: string | undefined;
  provisional: ProvisionalResolution[] | undefined;
  /** The last provisional resolution not yet bound to the delayed raise that asked for it. */
  unbound: ProvisionalResolution | undefined;
  /** How many microsteps the step has taken (bounded by `INPUT_LIMITS.microsteps`). */
  microsteps: number;
}

// The step being computed, whichever runtime computes it: a step is one synchronous call, so this is
// set only for its duration (and restored after). A workflow's delays and implementations read it
// through the runtime they were registered with, also when another runtime built from the same
// machine (a migration's) runs them.
let current: StepCall | undefined;

/**
 * XState v5 driven as a pure function, the way v6 will work: `(snapshot, event) → (snapshot, actions)`.
 *
 * It uses `machine.transition(snapshot, event, scope)` with one inert actor scope per machine whose
 * `actionExecutor` collects actions instead of running them. xstate's exported `transition()` builds
 * a throwaway actor per call and is ~4x slower; this signature is less public, so xstate's minor
 * version is pinned and `tests/xstate-runtime.test.ts` covers what is relied on here.
 */
export class XStateRuntime {
  private readonly scope: any;
  private collected: ActionData[] = [];
  // The instant of the last step, for a reader outside any step (see `now`).
  #last: Instant = 0;
  /** Which state arms each `after` timer (see timer-owner.ts). */
  readonly timerOwners: TimerOwners;

  constructor(readonly machine: AnyStateMachine) {
    this.timerOwners = timerOwnersOf(machine);
    const self = createActor(machine);
    const system = boundedSystem(machine, self.system, () => current);
    this.scope = {
      self,
      defer: () => {},
      id: '',
      logger: () => {},
      sessionId: '',
      stopChild: () => {},
      system,
      emit: () => {},
      actionExecutor: (action: { type: string; params: unknown }) => {
        // XState resolves a raise's delay (our deadline's delay function, which notes a provisional
        // resolution) and then hands that raise here: bind the two by the raise's position.
        const call = current;
        const pending = call?.unbound;
        if (pending !== undefined && action.type === 'xstate.raise' && Number((action.params as { delay?: unknown } | undefined)?.delay) === pending.delayMs) {
          const bound = copyWith(pending, { action: this.collected.length });
          call!.provisional![call!.provisional!.lastIndexOf(pending)] = bound;
          call!.unbound = undefined;
        }
        this.collected.push({ type: action.type, params: action.params });
      },
    };
  }

  /**
   * The instant of the step being computed: named delays resolve from it and the workflow's
   * `env.now()` returns it. Outside a step, the instant of the last one.
   */
  now(): Instant {
    return current?.now ?? this.#last;
  }

  /**
   * The tenant of the instance the step being computed is for (its calendar and directory are the
   * ones the step's delays and implementations use); undefined outside a step or without a tenant.
   */
  tenant(): string | undefined {
    return current?.tenant;
  }

  /** Record a deadline the current step resolved on estimated data (returned as `Step.provisional`). */
  noteProvisional(resolution: ProvisionalResolution): void {
    if (!current) return;
    (current.provisional ??= []).push(resolution);
    current.unbound = resolution;
  }

  private collect(now: Instant, tenant: string | undefined, children: object | undefined, fn: () => AnyMachineSnapshot): Step {
    this.collected = [];
    const outer = current;
    const call: StepCall = { now, tenant, provisional: undefined, unbound: undefined, microsteps: 0 };
    current = call;
    this.#last = now;
    try {
      const snapshot = fn();
      refuseWhatIsNotDurable(this.machine, this.collected, snapshot, children);
      return call.provisional ? { snapshot, actions: this.collected, provisional: call.provisional } : { snapshot, actions: this.collected };
    } finally {
      this.collected = [];
      current = outer;
    }
  }

  /**
   * The initial step for `input` at `now` (ms since the epoch; default: the last step's instant), for
   * an instance of `tenant` (none by default).
   */
  initial(input: unknown, now: Instant = this.now(), tenant?: string): Step {
    return this.collect(now, tenant, undefined, () => inDocumentOrder(this.machine.getInitialSnapshot(this.scope, input)));
  }

  /**
   * The step `event` makes from `snapshot` at `now` (ms since the epoch; default: the last step's
   * instant), for an instance of `tenant` (none by default).
   */
  transition(snapshot: AnyMachineSnapshot, event: { type: string }, now: Instant = this.now(), tenant?: string): Step {
    const from = inDocumentOrder(snapshot);
    this.scope.self._snapshot = from;
    // XState answers an event no transition takes with the snapshot it was given: answer with the
    // caller's own, which is how the engine tells an event not accepted.
    return this.collect(now, tenant, from.children, () => {
      const next = this.machine.transition(from, event as never, this.scope) as AnyMachineSnapshot;
      return next === from ? snapshot : inDocumentOrder(next);
    });
  }

  /**
   * Restored snapshots without context, by status and state value: what XState works out from the
   * value alone (its state nodes, `value`, `tags`) is the same for every instance in that state, so
   * a restore in a state met before copies it instead of walking the machine again. Bounded: a
   * machine has finitely many states, but parallel regions multiply them.
   */
  private readonly templates = new Map<string, AnyMachineSnapshot>();
  private static readonly TEMPLATES_MAX = 512;

  restore(persisted: unknown): AnyMachineSnapshot {
    const p = persisted as { children?: unknown; context?: unknown; historyValue?: unknown; status?: unknown; value?: unknown; output?: unknown; error?: unknown } | null;
    if (p !== null && typeof p === 'object' && isEmptyObject(p.children) && p.context !== null && typeof p.context === 'object') {
      // No history states remembered (most durable machines have none): the snapshot is the state's
      // template with this instance's context (and its own children and history objects, which
      // XState replaces rather than changes, but which no two snapshots should share).
      if (isEmptyObject(p.historyValue) && p.output === undefined && p.error === undefined && (typeof p.value === 'string' || (p.value !== null && typeof p.value === 'object'))) {
        const key = `${String(p.status)}\u0000${typeof p.value === 'string' ? p.value : JSON.stringify(p.value)}`;
        let template = this.templates.get(key);
        if (template === undefined) {
          template = this.machine.restoreSnapshot({ ...p, context: {} } as never, this.scope) as AnyMachineSnapshot;
          if (this.templates.size < XStateRuntime.TEMPLATES_MAX) this.templates.set(key, template);
        }
        return { ...template, context: p.context, children: {}, historyValue: {} } as AnyMachineSnapshot;
      }
      // A snapshot with no child actors (what `persist` writes for a durable machine) has no actor
      // placeholders in its context, so XState's revival walk over the whole context finds nothing
      // to do: restore around an empty context and put the stored one in place. The context is
      // only carried by the restored snapshot, never read while restoring.
      const restored = this.machine.restoreSnapshot({ ...p, context: {} } as never, this.scope) as AnyMachineSnapshot & { context: unknown };
      restored.context = p.context;
      return restored;
    }
    return this.machine.restoreSnapshot(persisted as never, this.scope) as AnyMachineSnapshot;
  }

  persist(snapshot: AnyMachineSnapshot): unknown {
    // Durable machines run no child actors (effects go through the outbox), so the context holds no
    // actor refs and the persisted form is plain data. Build it directly: xstate's
    // getPersistedSnapshot rest-destructures the whole snapshot and walks the context on every call.
    const s = snapshot as AnyMachineSnapshot & { historyValue?: Record<string, { id: string }[]> };
    for (const _ in s.children) return this.machine.getPersistedSnapshot(snapshot);
    let historyValue: Record<string, { id: string }[]> = EMPTY;
    for (const key in s.historyValue) {
      if (historyValue === EMPTY) historyValue = {};
      historyValue[key] = s.historyValue[key]!.map((node) => ({ id: node.id }));
    }
    const persisted: Record<string, unknown> = { status: s.status, value: stateParts(s.value).value, historyValue, context: s.context, children: EMPTY };
    if (s.output !== undefined) persisted.output = s.output;
    if (s.error !== undefined) persisted.error = s.error;
    return persisted;
  }
}

type StateNodeLike = { readonly order: number; readonly key: string; readonly type: string; readonly parent?: StateNodeLike; readonly tags: readonly string[] };

/**
 * `snapshot` with its active state nodes, state value and tags in document order.
 *
 * Where two regions of a parallel state both enable a transition (eventless, or on one event) and
 * the two conflict, XState keeps the first by the order its snapshot lists the active states. For a
 * snapshot XState just computed that is the order they were entered; for one restored from storage
 * it is the order of the stored value's keys. So the same instance could choose differently when
 * stepped from the engine's cached snapshot and from the store (after a restart, on another worker),
 * and a Postgres `jsonb` column reorders keys. Every step starts and ends in document order (the
 * order SCXML gives conflicting transitions, and the order of the machine's definition), so the
 * choice is the definition's, wherever the snapshot came from.
 *
 * Returns `snapshot` itself when it is in document order already (the common case: one pass over a
 * handful of nodes); otherwise a copy, never a change to `snapshot`.
 */
export function inDocumentOrder(snapshot: AnyMachineSnapshot): AnyMachineSnapshot {
  const nodes = (snapshot as unknown as { _nodes: readonly StateNodeLike[] })._nodes;
  if (inOrder(nodes)) return snapshot;
  const sorted = [...nodes].sort((a, b) => a.order - b.order);
  const root = sorted[0]!;
  const children = new Map<StateNodeLike, StateNodeLike[]>();
  for (const node of sorted) {
    if (node.parent === undefined) continue;
    let list = children.get(node.parent);
    if (list === undefined) children.set(node.parent, (list = []));
    list.push(node);
  }
  const valueOf = (node: StateNodeLike): unknown => {
    const active = children.get(node) ?? [];
    // As XState writes a value: a compound state in an atomic (or final) child is that child's key.
    if (node.type === 'compound' && active[0] !== undefined && (active[0].type === 'atomic' || active[0].type === 'final')) return active[0].key;
    const value: Record<string, unknown> = {};
    for (const child of active) value[child.key] = valueOf(child);
    return value;
  };
  return { ...snapshot, _nodes: sorted, value: valueOf(root), tags: new Set(sorted.flatMap((node) => node.tags)) } as unknown as AnyMachineSnapshot;
}

/**
 * Whether `nodes` choose as document order does: the atomic states in document order (XState's
 * order for eventless transitions), and the children of each state in document order (the order of
 * the state value's keys, XState's order for an event's transitions; XState builds the value from
 * the nodes, in a computed and in a restored snapshot alike). Parents may come anywhere: a restored
 * snapshot lists them breadth first. No allocation: a machine's active states are a handful.
 */
function inOrder(nodes: readonly StateNodeLike[]): boolean {
  let lastAtomic = -1;
  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i]!;
    if (node.type === 'atomic' || node.type === 'final') {
      if (node.order < lastAtomic) return false;
      lastAtomic = node.order;
    }
    for (let j = 0; j < i; j++) if (nodes[j]!.parent === node.parent && nodes[j]!.order > node.order) return false;
  }
  return true;
}

/** How many microsteps a step has taken so far. */
export interface StepCount {
  microsteps: number;
}

/**
 * `system` (an actor scope's) counting the microsteps of the step `count` returns (none outside a
 * step): XState tells its system of every microstep it takes (an inspection event), so a step that
 * never settles (an `always` cycle, an event that raises itself) is refused with `MACHINE_ERROR`
 * past `INPUT_LIMITS.microsteps` instead of blocking the process for ever, which XState, with no
 * limit by default, does. The one bound of a step, for the engine's runtime and `docket/testing`'s
 * exploration alike.
 */
export function boundedSystem<T>(machine: AnyStateMachine, system: T, count: () => StepCount | undefined): T {
  type Inspected = { _sendInspectionEvent(event: { type: string }): void };
  const bounded = Object.create(system as object) as Inspected;
  const inspect = (system as unknown as Inspected)._sendInspectionEvent.bind(system);
  bounded._sendInspectionEvent = (event) => {
    const counted = count();
    if (event.type === '@xstate.microstep' && counted !== undefined && ++counted.microsteps > INPUT_LIMITS.microsteps) throw endless(machine);
    inspect(event);
  };
  return bounded as T;
}

/**
 * XState's actions that Docket has no durable meaning for: an event sent to another actor (`sendTo`,
 * `sendParent`, `forwardTo`, also `sendTo(self)`, delayed or not), an actor started (`invoke`,
 * `spawnChild`), an event emitted to the actor's listeners (`emit`). An instance is one durable
 * machine and nothing else runs beside it, so each was dropped without a word: the event never
 * arrived, the invoked actor never ran (its `onDone` never came), and the instance waited for ever.
 */
const NOT_DURABLE: ReadonlyMap<string, string> = new Map(Object.entries({
  'xstate.sendTo':
    'sends an event to an actor (sendTo, sendParent or forwardTo): Docket runs one durable machine per instance and no other actors, so the event would be lost. Send the machine an event with raise(event) (raise(event, { delay }) for a later one, which Docket keeps as a durable timer), and reach the outside with an effect(), delivered through the outbox',
  'xstate.spawnChild':
    'starts an actor (invoke or spawnChild): Docket never runs actors beside the instance, so its onDone or onError would never come. Do the work in an effect() (delivered through the outbox) and send the instance an event when it is done',
  'xstate.emit':
    'emits an event to the actor\'s listeners (emit): a Docket instance has none, so it would be lost. Use an effect() (delivered through the outbox) to tell the outside',
}));

/**
 * Refuse a step that asks for what Docket cannot do durably (see {@link NOT_DURABLE}), or that
 * spawns an actor from an `assign` (a child the snapshot did not have before, `before` being the
 * children of the snapshot stepped from, undefined for an initial step): `MACHINE_ERROR` saying what
 * to do instead. The engine's runtime and `docket/testing`'s exploration both ask it of each step.
 */
export function refuseWhatIsNotDurable(machine: AnyStateMachine, actions: readonly { readonly type: string; readonly params?: unknown }[], snapshot: AnyMachineSnapshot, before: object | undefined): void {
  for (const action of actions) {
    // A Map: an action named like an Object.prototype member (an effect `toString`) is not one of these.
    const why = NOT_DURABLE.get(action.type);
    if (why === undefined) continue;
    const params = action.params as { id?: unknown; src?: unknown; event?: { type?: unknown } } | undefined;
    const what = action.type === 'xstate.spawnChild' ? (typeof params?.src === 'string' ? params.src : params?.id) : params?.event?.type;
    throw notDurable(machine, action.type, typeof what === 'string' ? what : undefined, why);
  }
  for (const id in snapshot.children) {
    if (before !== undefined && Object.prototype.hasOwnProperty.call(before, id)) continue;
    throw notDurable(machine, 'spawn', id, NOT_DURABLE.get('xstate.spawnChild')!.replace('(invoke or spawnChild)', '(spawn in assign)'));
  }
}

function notDurable(machine: AnyStateMachine, action: string, what: string | undefined, why: string): DocketError {
  return new DocketError(
    'MACHINE_ERROR',
    `Machine "${machine.id}" ${why}.${what === undefined ? '' : ` (${action}: "${what}")`} Nothing was changed. 状态机使用了 Docket 无法持久执行的动作（sendTo、invoke、spawn、emit）：请改用 raise 向本实例发送事件，用 effect() 通知外部。`,
    { machine: machine.id, action, problem: 'not-durable', ...(what === undefined ? {} : { what }) },
  );
}

/** The refusal of a step that took more than `INPUT_LIMITS.microsteps` microsteps without settling. */
function endless(machine: AnyStateMachine): DocketError {
  return new DocketError(
    'MACHINE_ERROR',
    `Machine "${machine.id}" took more than ${INPUT_LIMITS.microsteps.toLocaleString('en')} microsteps (INPUT_LIMITS.microsteps) in one step without settling: an eventless (always) transition or a raised event leads back to where it started, without a guard that ever stops it. Nothing was changed; give the cycle a guard that becomes false, or a target that waits for an event. 状态机一步之内未能稳定：always 转移或 raise 的事件形成了循环，请给循环加上会变为假的守卫。`,
    { machine: machine.id, problem: 'endless-step', limit: INPUT_LIMITS.microsteps },
  );
}

/** Whether `value` is an object with no own enumerable keys (`{}`, the persisted form of no children). */
function isEmptyObject(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  for (const _ in value) return false;
  return true;
}
