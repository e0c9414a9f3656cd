import type { AnyMachineSnapshot } from 'xstate';
import type { Instant } from '../clock/clock.js';
import type { InstanceFacts, TaskTimer } from '../engine/define-workflow.js';
import type { TaskRecord } from '../store/records.js';
import { actionable, seatHolders } from './approval-decision.js';
import { peopleWhoMayAct } from './operations/reducer-helpers.js';
import type { ApprovalAssignment, ApprovalContext, ApprovalOperation, ApprovalStepState } from './approval-types.js';
import { APPROVAL_OPERATIONS } from './operations.js';
import { frozenMark } from '../store/frozen-data.js';
import { freezeJsonData } from '../engine/freeze-state.js';


/** The operations an assignee may perform on a task of this step (what the inbox offers).
 *
 * @example
 * ```ts
 * import { type ApprovalStepState } from 'docket';
 * import { taskActions } from './approval-tasks.js';
 * declare const legal: ApprovalStepState;
 * taskActions(legal, false)[0]; // 'CLAIM' for an unclaimed group task
 * ```
 */
export function taskActions(state: ApprovalStepState, claimed: boolean): ApprovalOperation[] {
  const { spec } = state;
  // A committed step's spec is frozen JSON data (deep: the engine's freeze marks it), the same object
  // from one act to the next: what it offers is worked out once per spec. A copy is handed out, so a
  // caller cannot change the next one's; a spec that is not marked frozen is read afresh every time.
  const fixed = frozenMark(spec) !== undefined;
  const known = fixed ? offeredBySpec.get(spec) : undefined;
  const offered = known ?? offeredBy(state);
  if (known === undefined && fixed) offeredBySpec.set(spec, offered);
  return [...(claimed ? offered.claimed : offered.unclaimed)];
}

/** What {@link taskActions} offers, claimed and unclaimed, per frozen step spec. */
const offeredBySpec = new WeakMap<object, Offered>();

/**
 * {@link taskActions} for the inbox's own tasks: for a committed (frozen) spec, one frozen array per
 * spec and claim, marked as JSON data, shared by every task of the step and every commit, so the
 * store's payload check reads its mark and the task keeps no copy of its own. A spec that is not
 * frozen gets a fresh copy, as from `taskActions`.
 */
function sharedTaskActions(state: ApprovalStepState, claimed: boolean): readonly ApprovalOperation[] {
  const { spec } = state;
  if (frozenMark(spec) === undefined) return taskActions(state, claimed);
  let shared = sharedBySpec.get(spec);
  if (shared === undefined) {
    const frozen = (list: ApprovalOperation[]): readonly ApprovalOperation[] => {
      freezeJsonData(list);
      return list;
    };
    shared = { claimed: frozen(taskActions(state, true)), unclaimed: frozen(taskActions(state, false)) };
    sharedBySpec.set(spec, shared);
  }
  return claimed ? shared.claimed : shared.unclaimed;
}

/** What {@link sharedTaskActions} gives, per frozen step spec. */
const sharedBySpec = new WeakMap<object, Offered>();

interface Offered {
  readonly claimed: readonly ApprovalOperation[];
  readonly unclaimed: readonly ApprovalOperation[];
}

function offeredBy(state: ApprovalStepState): Offered {
  const allowed = state.spec.operations;
  const offered = (d: (typeof APPROVAL_OPERATIONS)[number]): boolean => {
    if (allowed && !allowed.includes(d.type)) return false;
    return typeof d.inbox === 'function' ? d.inbox(state.spec) : d.inbox === true;
  };
  const ops = APPROVAL_OPERATIONS.filter(offered).map((d) => d.type);
  // An unclaimed group task offers its claim first (认领), whatever the step allows otherwise.
  const claim = APPROVAL_OPERATIONS.filter((d) => d.inbox === 'unclaimed').map((d) => d.type);
  return { claimed: ops, unclaimed: [...claim, ...ops] };
}

/** What the `tasks` hook receives. `timers` comes from the commit plan when the engine supplies it. */
export interface ApprovalTasksArgs {
  readonly snapshot: AnyMachineSnapshot;
  readonly instance: InstanceFacts;
  readonly now: Instant;
  readonly timers?: readonly TaskTimer[];
}

/**
 * A step's due instant from the timers the commit planned: its deadline's timer, armed by the step's
 * own state; `null` when none is pending.
 */
function dueAtFromTimers(state: ApprovalStepState, timers: readonly TaskTimer[], path: string | undefined): Instant | null {
  const name = state.spec.deadline?.after;
  if (name === undefined) return null;
  const step = state.spec.id;
  // A timer names the state that armed it by its path of keys; the step's id is its node's id, which
  // need not be its key (`legalReview: approvalStep({ id: 'legal' })`).
  const timer = timers.find((t) => t.name === name && (t.state === null || (path !== undefined ? t.state === path : t.state === step || t.state.split('.').includes(step))));
  return timer === undefined ? null : timer.dueAt;
}

/** The dotted path of keys of the step's state node (its id is the step id), when the snapshot's machine tells. */
function stepPath(snapshot: AnyMachineSnapshot, step: string): string | undefined {
  const machine = snapshot.machine as object | undefined;
  if (machine === undefined || machine === null) return undefined;
  // A machine does not change: each step's path is looked up once per machine.
  let paths = pathsByMachine.get(machine);
  if (paths === undefined) pathsByMachine.set(machine, (paths = new Map()));
  if (paths.has(step)) return paths.get(step);
  let path: string | undefined;
  try {
    path = (machine as { getStateNodeById?: (id: string) => { path: readonly string[] } }).getStateNodeById?.(step).path.join('.');
  } catch {
    path = undefined;
  }
  paths.set(step, path);
  return path;
}

/** {@link stepPath}'s answers, per machine and step id. */
const pathsByMachine = new WeakMap<object, Map<string, string | undefined>>();

/**
 * The `tasks` projection for workflows built from approval steps: one inbox task per assignment that
 * may act now, with its instance, step, due instant (from the commit's timers when the engine gives
 * them, else as resolved on entry) and the operations the user may perform.
 * An unclaimed group task (认领) lists every member as assignee and the role in `roles`.
 * Internal to the approval plugin: a workflow gets it from `withApprovals({ inbox: { data } })`.
 *
 * A task that comes out the same as at the last commit (its assignment is the same committed object,
 * and nothing else it is built from changed) is that commit's task object. Every task is frozen as
 * built (the memory store hands each reader the very object, so no reader can change what another
 * reader or a later commit gets), and one that may be reused has its parts marked as JSON data
 * (`freezeJsonData`): a store's payload check reads their marks instead of walking them again. The
 * actions offered are one frozen array per spec. In a 会签 of n seats an act changes one task and
 * would otherwise rebuild and re-check n tasks of n names each.
 */
export function approvalTasks<C = ApprovalContext>(options: { readonly data?: (context: C) => unknown } = {}) {
  // The task last built for each committed assignment object (frozen context data, kept by the next
  // state when the act did not touch it), with what it was built from that the assignment is not.
  const built = new WeakMap<ApprovalAssignment, BuiltTask>();
  return (args: ApprovalTasksArgs): TaskRecord[] => {
    const { snapshot, instance } = args;
    const ctx = snapshot.context as ApprovalContext | undefined;
    if (!ctx || typeof ctx.approvals !== 'object') return [];
    const extra = options.data ? options.data(snapshot.context as C) : undefined;
    // Only data that cannot change under the task (none, or frozen context data) lets it be reused.
    const reusable = extra === undefined || (typeof extra === 'object' && extra !== null && frozenMark(extra) !== undefined);
    const out: TaskRecord[] = [];
    for (const state of Object.values(ctx.approvals)) {
      const step = state.spec.id;
      if (state.outcome || !snapshot.hasTag(`approval:${step}`)) continue;
      // An unclaimed group task lists only the members who could claim it now: not those who already
      // hold a seat in the step (one vote per person: their claim would be refused), nor an initiator
      // the step does not let decide their own request.
      const people = peopleWhoMayAct(state, ctx.initiator);
      const open = actionable(state.assignments);
      // Who sits in the step, once per step and shared by its tasks: the inbox keeps a stand-in who
      // holds a seat here off the principal's task by the rule send applies (standInFor).
      let seated = seatHolders(state.assignments);
      const dueAt = args.timers === undefined || open.length === 0 ? state.dueAt : dueAtFromTimers(state, args.timers, stepPath(snapshot, step));
      for (const a of open) {
        const claimed = a.user !== null;
        // Its user (or the members who could claim it) and its delegate (委托): reminders and notices read the same.
        const assignees = people(a);
        const last = reusable ? built.get(a) : undefined;
        if (last !== undefined && last.spec === state.spec && last.round === state.round && last.extra === extra && sameTask(last.task, instance, ctx.initiator, dueAt, assignees, seated)) {
          // Shared by the step's tasks, as when they were built together.
          seated = last.task.seated as string[];
          out.push(last.task);
          continue;
        }
        const task: TaskRecord = {
          id: `${instance.id}:${step}:${state.round}:${a.id}`,
          instanceId: instance.id,
          workflow: instance.workflow,
          step,
          ...(state.spec.title ? { title: state.spec.title } : {}),
          assignees,
          // The seat's own holder, as approvalAuthorize reads it for a stand-in (standInFor).
          holders: a.user === null ? [] : [a.user],
          seated,
          roles: a.group && a.user === null ? [a.group.role] : [],
          status: a.group && a.user !== null ? 'claimed' : 'open',
          ...(a.group && a.user !== null ? { claimedBy: a.user } : {}),
          dueAt,
          actions: sharedTaskActions(state, claimed) as ApprovalOperation[],
          createdAt: a.since,
          data: { round: state.round, task: a.id, mode: state.spec.mode, initiator: ctx.initiator, ...(a.delegate !== undefined ? { delegate: a.delegate } : {}), ...(extra === undefined ? {} : { extra }) },
          // Last, where the commit's stamp put it before the hook was given the version.
          ...(instance.version !== undefined ? { version: instance.version } : {}),
        };
        // Frozen as built: a store that keeps it by reference (the memory store) hands this very object
        // to every reader, and a task kept for the next commit must come out as built whatever a
        // reader or a store did with it. One that may be reused has its parts marked as JSON data.
        if (reusable && frozenMark(a) !== undefined && settled(task)) built.set(a, { task, spec: state.spec, round: state.round, extra });
        else frozenAsBuilt(task);
        out.push(task);
      }
    }
    return out;
  };
}

/**
 * A task as {@link approvalTasks} built it, with the step's spec, round and inbox data it came from
 * (not the step's state, which would keep every earlier state of the step alive with the task).
 */
interface BuiltTask {
  readonly task: TaskRecord;
  readonly spec: ApprovalStepState['spec'];
  readonly round: number;
  readonly extra: unknown;
}

/**
 * Whether `task`, built for the same assignment, spec, round and inbox data, is what would be built
 * now: the same instance, workflow version, initiator, due instant, assignees and seat holders.
 */
function sameTask(task: TaskRecord, instance: InstanceFacts, initiator: string, dueAt: Instant | null, assignees: readonly string[], seated: readonly string[]): boolean {
  return (
    task.instanceId === instance.id &&
    task.workflow === instance.workflow &&
    task.version === instance.version &&
    task.dueAt === dueAt &&
    (task.data as { initiator?: unknown }).initiator === initiator &&
    sameNames(task.assignees, assignees) &&
    sameNames(task.seated!, seated)
  );
}

function sameNames(a: readonly string[], b: readonly string[]): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

/**
 * Freeze a task that may be reused at the next commit, and mark its parts (assignees, seat holders,
 * data…) as JSON data, so the store's check reads their marks: true when every part is marked. The
 * task object itself is frozen, not marked (marking would hash it for what a check of its dozen fields
 * costs). A part that cannot be marked leaves the task to be built afresh at the next commit.
 *
 * Frozen when built, not when first reused: the task a commit stores is the object the memory store
 * hands every reader, and a reader that changed it in place (a status, a seat holder, a field of its
 * data) had its change carried into every later commit's inbox that reused the task, where a task
 * built afresh would not have it.
 */
function settled(task: TaskRecord): boolean {
  const parts = task as unknown as Record<string, unknown>;
  let marked = true;
  for (const key in parts) {
    const part = parts[key];
    if (typeof part !== 'object' || part === null || frozenMark(part) !== undefined) continue;
    try {
      if (!Object.isExtensible(part) || !freezeJsonData(part)) marked = false;
    } catch {
      // Left for the store's check to name.
      marked = false;
    }
  }
  Object.freeze(task);
  return marked;
}

/**
 * Freeze a task that will not be reused, and the arrays and data object built for it (not the inbox
 * data inside, which is the workflow's own value): a reader of the memory store cannot change the
 * task another reader gets.
 */
function frozenAsBuilt(task: TaskRecord): void {
  // The actions too: a step whose spec is not frozen JSON data (an approver rule holding a function)
  // gets a fresh list per task, not the one shared frozen list.
  for (const part of [task.assignees, task.holders, task.seated, task.roles, task.actions, task.data]) if (typeof part === 'object' && part !== null) Object.freeze(part);
  Object.freeze(task);
}
