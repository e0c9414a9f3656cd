import type { AnyStateMachine, AnyStateNode } from 'xstate';
import type { AnyWorkflow } from './define-workflow.js';
import { DocketError } from '../errors.js';
import { kindOf } from '../input/kind-of.js';
import { migrationsOf } from './migration/migration-spec.js';
import { listedImplementations } from './listed-implementations.js';

// The mark an action carries when it is, or enqueues, an outbox effect. A registered symbol on a
// non-enumerable property, not a private field or a weak table: two copies of Docket loaded side by
// side (an app and a plugin) must still read each other's marks. XState keeps the action functions of
// `setup({ actions })` by reference in `machine.implementations.actions`, so the mark is found there.
const EFFECT_MARK = Symbol.for('docket.effectTypes');

/** What an action's mark says: `'self'` (it is the effect named by its key) or the effect types it enqueues. */
type EffectMark = 'self' | readonly string[];

/**
 * Mark `action` as an effect (`'self'`: `effect()`'s placeholder, named by its key in
 * `setup({ actions })`) or as an action that enqueues the listed effect types (the approval plugin's
 * `approval.enter` enqueues `approval.assigned`). Internal. Returns `action`.
 */
export function markEffectTypes<T extends object>(action: T, mark: EffectMark): T {
  Object.defineProperty(action, EFFECT_MARK, { value: mark === 'self' ? 'self' : Object.freeze([...mark]) });
  return action;
}

function markOf(action: unknown): EffectMark | undefined {
  if (typeof action !== 'function') return undefined;
  try {
    const mark: unknown = (action as unknown as Record<symbol, unknown>)[EFFECT_MARK];
    if (mark === 'self') return 'self';
    if (Array.isArray(mark) && mark.every((t) => typeof t === 'string')) return mark as readonly string[];
  } catch {
    // A Proxy action whose trap throws: no mark.
  }
  return undefined;
}

/**
 * The effect types a machine can hand the outbox, by the rule `planCommit` applies (every action it
 * executes whose type is not `xstate.*` becomes an effect): each named action of
 * `machine.implementations.actions` that is a plain function (an `effect()`, or any function action,
 * which the engine records rather than runs), the types an action's mark says it enqueues (the
 * approval plugin's), and the actions the states name without an implementation. XState's built-ins
 * (`assign`, `enqueueActions`, `raise`: functions with a `resolve`) run inside the transition and are
 * no effect themselves; what a user's own `enqueueActions` enqueues cannot be seen (declare it with
 * `effect()` in `setup({ actions })`). Sorted. Internal.
 */
export function machineEffectTypes(machine: AnyStateMachine): string[] {
  const out = new Set<string>();
  let actions: Record<string, unknown> = {};
  try {
    actions = ((machine as { implementations?: { actions?: Record<string, unknown> } }).implementations?.actions ?? {}) as Record<string, unknown>;
  } catch {
    return [];
  }
  for (const name of Object.keys(actions)) addImplementedEffectTypes(name, actions[name], out);
  // The actions the machine's states and transitions name (the implemented ones are counted above).
  const seen = (action: unknown): void => addNamedEffectTypes(action, actions, out, false);
  const walk = (node: AnyStateNode): void => {
    for (const action of node.entry ?? []) seen(action);
    for (const action of node.exit ?? []) seen(action);
    for (const transitions of node.transitions?.values() ?? []) for (const t of transitions) for (const action of t.actions ?? []) seen(action);
    for (const t of node.always ?? []) for (const action of t.actions ?? []) seen(action);
    for (const child of Object.values(node.states ?? {}) as AnyStateNode[]) walk(child);
  };
  try {
    walk(machine.root);
  } catch {
    // A machine object XState did not build: its named actions above are what can be told.
  }
  return [...out].sort();
}

/**
 * The effect types a state's own `entry` actions are or enqueue, by {@link machineEffectTypes}' rule,
 * with `actions` the machine's `implementations.actions`: what entering the state hands the outbox
 * (again, when the state is entered again). Sorted. Internal (the migration report's warnings).
 */
export function entryEffectTypes(node: AnyStateNode, actions: Readonly<Record<string, unknown>>): string[] {
  const out = new Set<string>();
  for (const action of node.entry ?? []) addNamedEffectTypes(action, actions, out, true);
  return [...out].sort();
}

/**
 * Add to `out` the effect types of the implementation `impl` of action `name`: the name itself for an
 * `effect()` or any plain function action (the engine records it rather than runs it), the types its
 * mark says it enqueues (the approval plugin's); nothing for XState's built-ins or an `xstate.*` name.
 */
function addImplementedEffectTypes(name: string, impl: unknown, out: Set<string>): void {
  const mark = markOf(impl);
  if (mark === 'self') out.add(name);
  else if (mark !== undefined) for (const type of mark) out.add(type);
  else if (typeof impl === 'function' && !isBuiltIn(impl) && !name.startsWith('xstate.')) out.add(name);
}

/**
 * Add to `out` the effect types of one action a state or transition names. One named but not
 * implemented (`entry: 'sendMail'` in a machine made without setup) is handed to the executor by its
 * name, and an inline function by its own name (XState's rule, `action.name || '(anonymous)'`); both
 * reach the outbox. A name the machine implements adds its implementation's types when
 * `withImplemented` (else the caller counts the implementations itself).
 */
function addNamedEffectTypes(action: unknown, actions: Readonly<Record<string, unknown>>, out: Set<string>, withImplemented: boolean): void {
  if (typeof action === 'function') {
    if (isBuiltIn(action)) return;
    const mark = markOf(action);
    if (mark !== undefined && mark !== 'self') for (const type of mark) out.add(type);
    else out.add((action as { name?: unknown }).name ? String((action as { name?: unknown }).name) : '(anonymous)');
    return;
  }
  const type = typeof action === 'string' ? action : typeof (action as { type?: unknown } | null)?.type === 'string' ? (action as { type: string }).type : undefined;
  if (type === undefined || type.startsWith('xstate.')) return;
  if (!Object.hasOwn(actions, type)) out.add(type);
  else if (withImplemented) addImplementedEffectTypes(type, actions[type], out);
}

/** One of XState's built-in actions (`assign`, `raise`, `enqueueActions` …): resolved inside the transition, never an effect. */
function isBuiltIn(action: unknown): boolean {
  return typeof action === 'function' && typeof (action as { resolve?: unknown }).resolve === 'function';
}


/**
 * The effect types a workflow can emit: what its machine's actions are, or enqueue (`effect()`
 * placeholders, function actions, and on an approval workflow `approval.assigned`, `approval.cc` and
 * `approval.remind`), with the actions its `implementations` provide and, for instances still on an
 * older version, the machines its `migrations` move from. These are the keys `createEngine({ effects })`
 * and `replayPaths({ effects })` take a handler under; any other key is refused as a misspelling.
 * Sorted.
 *
 * @example
 * ```ts
 * import { setup } from 'xstate';
 * import { z } from 'zod';
 * import { defineWorkflow, effect, effectTypesOf } from 'docket';
 * const wf = defineWorkflow({
 *   id: 'w', version: 1, input: z.object({}), events: { GO: z.object({}) },
 *   machine: setup({ actions: { notify: effect<{ to: string }>() } }).createMachine({
 *     initial: 'a', states: { a: { on: { GO: 'b' } }, b: { type: 'final', entry: { type: 'notify', params: { to: 'legal' } } } },
 *   }),
 * });
 * effectTypesOf(wf); // ['notify']
 * ```
 *
 * @throws DocketError `INVALID_ARGUMENT` (`details.field: 'workflow'`) when `workflow` is not one made
 * by `defineWorkflow` (`undefined`, its bare machine, a plain object, an object whose fields cannot be
 * read): it listed `[]` for a machine or `{}` (as if nothing needed a handler) and threw a raw
 * TypeError for `undefined`.
 */
export function effectTypesOf(workflow: AnyWorkflow): readonly string[] {
  checkListedWorkflow(workflow);
  try {
    return listEffectTypes(workflow);
  } catch (error) {
    // A getter or Proxy trap of a workflow-like object that throws (a defineWorkflow result is frozen data).
    if (error instanceof DocketError) throw error;
    throw new DocketError('INVALID_ARGUMENT', `effectTypesOf(): the workflow could not be read (${error instanceof Error ? error.message : kindOf(error)}); pass the workflow defineWorkflow(...) returned.`, { field: 'workflow', cause: error });
  }
}

/** `effectTypesOf`'s argument: an object with the machine of a workflow, as replayPaths checks its workflow (no `kind` tag asked: a hand-made `{ id, machine, … }` replays). */
function checkListedWorkflow(workflow: unknown): asserts workflow is AnyWorkflow {
  let ok = false;
  let machineGiven = false;
  try {
    const w = workflow as { machine?: unknown; root?: unknown; transition?: unknown } | null | undefined;
    ok = typeof w === 'object' && w !== null && typeof (w.machine as { transition?: unknown } | undefined)?.transition === 'function';
    machineGiven = !ok && typeof w === 'object' && w !== null && typeof w.transition === 'function' && w.root !== undefined;
  } catch {
    ok = false;
  }
  if (ok) return;
  const hint = machineGiven ? ' It was given a bare state machine: pass defineWorkflow({ id, version, machine, input, events }) instead.' : '';
  throw new DocketError('INVALID_ARGUMENT', `effectTypesOf() takes a workflow made by defineWorkflow(...), not ${kindOf(workflow)}.${hint}`, { field: 'workflow' });
}

function listEffectTypes(workflow: AnyWorkflow): readonly string[] {
  const machine = workflow.machine as AnyStateMachine;
  const out = new Set(machineEffectTypes(machine));
  if (typeof workflow.implementations === 'function') {
    // undefined for a factory that needs a real env to build: the engine lists its actions, calling it with one.
    const provided = listedImplementations(workflow.implementations);
    if (provided?.actions !== undefined && typeof provided.actions === 'object' && provided.actions !== null) {
      for (const type of machineEffectTypes(machine.provide({ actions: provided.actions } as never))) out.add(type);
    }
  }
  for (const type of migrationEffectTypes(workflow)) out.add(type);
  return Object.freeze([...out].sort());
}

/**
 * The effect types of the machines a workflow's `migrations` move from: effects still pending on
 * instances of an older version are delivered under those names. Internal: with
 * {@link machineEffectTypes} of the machine as the engine runs it, the engine's registry lists a
 * version's effect types without calling its `implementations` factory a second time.
 */
export function migrationEffectTypes(workflow: AnyWorkflow): string[] {
  const out = new Set<string>();
  for (const migration of migrationsOf(workflow)) {
    if (migration.source?.machine) for (const type of machineEffectTypes(migration.source.machine)) out.add(type);
  }
  return [...out];
}
