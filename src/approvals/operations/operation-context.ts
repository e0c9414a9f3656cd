// One approval act in progress: the checked event, who acts, and the tools every operation uses.
import type { Instant } from '../../clock/clock.js';
import type { Actor } from '../../store/records.js';
import type { ApprovalChange, ApprovalInput, ReduceFacts } from '../approval-change.js';
import { actionable } from '../approval-decision.js';
import type { ApprovalAct, ApprovalAssignment, ApprovalContext, ApprovalOperation, ApprovalStepSpec, ApprovalStepState } from '../approval-types.js';
import { parseTaskId, reachablePeople, refuse, settle, SYSTEM, withStep } from './reducer-helpers.js';
import { copyWith } from '../../store/copy-with.js';
import { checkActiveUser } from '../../organisation/known-user.js';

/** Every event type an approval step handles: the people's operations plus the engine's timers. */
export type OperationType = ApprovalOperation | 'TIMEOUT' | 'REMIND_TIMER';

/** The context one operation works in. `nextNo` advances as `newTask` / `takeTaskId` hand out ids. */
export interface OperationContext<C extends ApprovalContext> {
  readonly ctx: C;
  readonly stepId: string;
  readonly event: ApprovalInput;
  readonly facts: ReduceFacts;
  readonly state: ApprovalStepState;
  readonly spec: ApprovalStepSpec;
  readonly type: OperationType;
  readonly actor: Actor;
  readonly now: Instant;
  /** Who the act is for: `$onBehalfOf`, else the actor. */
  readonly principal: string;
  readonly comment: string | undefined;
  readonly details: { readonly step: string; readonly event: OperationType; readonly actor: string };
  /** The short task id the event named (`taskId`), if any. */
  readonly wanted: string | undefined;
  /** The number the next new task gets. */
  readonly nextNo: number;
  /** Record an act by the actor (with `onBehalfOf` and the comment when they apply). */
  act(extra: Partial<ApprovalAct> & { type: ApprovalAct['type'] }): ApprovalAct;
  /** The actor's own task that may act now (as assignee, delegate, stand-in or group member). */
  mine(): { task: ApprovalAssignment; onBehalfOf: string | undefined };
  /** `{ actedBy }` when the actor decides `task` for its assignee (as delegate or stand-in), else `{}`. */
  actedBy(task: ApprovalAssignment): { actedBy?: string };
  /** `list` with `task` in place of the assignment of the same id. */
  replace(task: ApprovalAssignment, list?: readonly ApprovalAssignment[]): ApprovalAssignment[];
  /** Patch the step, record an act, merge flow facts, and settle. */
  update(patch: Partial<ApprovalStepState>, record: ApprovalAct | null, flow?: Partial<ApprovalContext['approvalFlow']>): ApprovalChange<C>;
  /**
   * Refuse a person the act brings in (the payload's `field` names them) whom the directory does not
   * know or who has left: `OPERATION_NOT_ALLOWED` with `details.field` and `details.user`
   * ({@link checkActiveUser}, the one rule for every act).
   */
  activeUser(id: string, field: string): void;
  /** A new pending task for `user`, numbered from `nextNo`. */
  newTask(user: string, origin: ApprovalAssignment['origin'], waitsFor: readonly string[]): ApprovalAssignment;
  /** Take the next task id (`t<nextNo>`) and advance `nextNo`. */
  takeTaskId(): string;
}

/**
 * Check that step `stepId` takes this event now (it is open, allows the operation, and the task id
 * is of its current round) and build the context the operation runs in.
 */
export function createOperationContext<C extends ApprovalContext>(ctx: C, stepId: string, event: ApprovalInput, facts: ReduceFacts): OperationContext<C> {
  const state = ctx.approvals[stepId];
  const type = event.type as OperationType;
  const actor: Actor = event.$actor ?? { id: SYSTEM, roles: ['system'] };
  const now = event.$at ?? facts.now;
  const principal = event.$onBehalfOf ?? actor.id;
  const comment = typeof event['comment'] === 'string' ? (event['comment'] as string) : undefined;
  const details = { step: stepId, event: type, actor: actor.id };
  // A step left undecided (任意跳转 past it) waits for nobody either: it is no longer in the inbox.
  if (!state || state.outcome || !state.active) {
    return refuse('OPERATION_NOT_ALLOWED', `Approval step "${stepId}" is not waiting for decisions${state?.outcome ? ` (it was ${state.outcome.kind})` : state ? ' (the instance has left it)' : ''}; check engine.tasks() for what is open.`, details);
  }
  const spec = state.spec;
  if (type !== 'TIMEOUT' && type !== 'REMIND_TIMER' && spec.operations && !spec.operations.includes(type)) {
    return refuse('OPERATION_NOT_ALLOWED', `Step "${stepId}" does not allow ${type}; it allows [${spec.operations.join(', ')}].`, details);
  }
  let wanted: string | undefined;
  if (typeof event['taskId'] === 'string') {
    const { round, task } = parseTaskId(event['taskId'] as string);
    if (round !== undefined && round !== state.round) {
      return refuse('OPERATION_NOT_ALLOWED', `Task ${String(event['taskId'])} belongs to round ${round} of step "${stepId}", which is now in round ${state.round}; reload the inbox.`, details);
    }
    wanted = task;
  }
  return new Act<C>(ctx, stepId, event, facts, state, spec, type, actor, now, principal, comment, details, wanted);
}

/**
 * The context of one act, as a class: its tools are methods on the prototype, not a dozen closures
 * made for every act (the 会签 act's profile showed the object and its closures; see
 * docs/performance.md). Built only by {@link createOperationContext}, after its checks.
 */
class Act<C extends ApprovalContext> implements OperationContext<C> {
  #nextNo: number;
  readonly #before: readonly ApprovalAssignment[];
  constructor(
    readonly ctx: C,
    readonly stepId: string,
    readonly event: ApprovalInput,
    readonly facts: ReduceFacts,
    readonly state: ApprovalStepState,
    readonly spec: ApprovalStepSpec,
    readonly type: OperationType,
    readonly actor: Actor,
    readonly now: Instant,
    readonly principal: string,
    readonly comment: string | undefined,
    readonly details: { readonly step: string; readonly event: OperationType; readonly actor: string },
    readonly wanted: string | undefined,
  ) {
    this.#nextNo = state.nextTask;
    this.#before = state.assignments;
  }

  get nextNo(): number {
    return this.#nextNo;
  }

  act(extra: Partial<ApprovalAct> & { type: ApprovalAct['type'] }): ApprovalAct {
    const { actor, now, principal, comment } = this;
    return {
      by: actor.id,
      at: now,
      ...(principal !== actor.id ? { onBehalfOf: principal } : {}),
      ...(comment === undefined ? {} : { comment }),
      ...extra,
    } as ApprovalAct;
  }

  mine(): { task: ApprovalAssignment; onBehalfOf: string | undefined } {
    const { state, wanted, principal, actor, ctx, stepId, details } = this;
    for (const a of actionable(state.assignments)) {
      if (wanted !== undefined && a.id !== wanted) continue;
      if (a.user === principal) return { task: a, onBehalfOf: principal !== actor.id ? principal : undefined };
      if (a.delegate === actor.id && a.user !== null) return { task: a, onBehalfOf: a.user };
      if (a.user === null && a.group?.members.includes(principal)) return { task: { ...a, user: principal }, onBehalfOf: principal !== actor.id ? principal : undefined };
    }
    const current = actionable(state.assignments).flatMap(reachablePeople(state, ctx.initiator));
    const waiting = state.assignments.some((a) => a.status === 'pending' && a.user === principal);
    return refuse(
      'FORBIDDEN',
      waiting
        ? `${principal} is an approver of step "${stepId}" but it is not their turn yet; wait for [${current.join(', ')}].`
        : `${actor.id} is not a current assignee of step "${stepId}" (current: [${current.join(', ')}]). Only a current assignee, their delegate or stand-in may do this.`,
      details,
    );
  }

  actedBy(task: ApprovalAssignment): { actedBy?: string } {
    return task.user !== null && task.user !== this.actor.id ? { actedBy: this.actor.id } : {};
  }

  replace(task: ApprovalAssignment, list: readonly ApprovalAssignment[] = this.state.assignments): ApprovalAssignment[] {
    return list.map((a) => (a.id === task.id ? task : a));
  }

  update(patch: Partial<ApprovalStepState>, record: ApprovalAct | null, flow: Partial<ApprovalContext['approvalFlow']> = {}): ApprovalChange<C> {
    const { state, ctx, type } = this;
    const next = copyWith(copyWith(state, patch), { acts: record ? [...state.acts, record] : state.acts }) as ApprovalStepState;
    return settle(withStep(ctx, next, flow), next, this.#before, type.toLowerCase());
  }

  activeUser(id: string, field: string): void {
    checkActiveUser(this.facts.directory, id, field, this.details);
  }

  newTask(user: string, origin: ApprovalAssignment['origin'], waitsFor: readonly string[]): ApprovalAssignment {
    return { id: `t${this.#nextNo++}`, user, status: 'pending', waitsFor, origin, since: this.now } as ApprovalAssignment;
  }

  takeTaskId(): string {
    return `t${this.#nextNo++}`;
  }
}
