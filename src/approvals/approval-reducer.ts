// The approval reducer: enter a step, or apply one act to it. Each operation lives in ./operations/.
import type { ApprovalChange, ApprovalInput, ReduceFacts } from './approval-change.js';
import type { ApprovalContext, ApprovalStepState } from './approval-types.js';
import { applyOf } from './operations.js';
import { createOperationContext } from './operations/operation-context.js';
import { parseTaskId, refuse } from './operations/reducer-helpers.js';
import { checkStepInvariants } from './step-invariants.js';

export type { ApprovalChange, ApprovalEffect, ApprovalInput, ReduceFacts } from './approval-change.js';
export { enterStep } from './operations/enter-step.js';

/**
 * Apply one person's (or the system's) act to a step. Pure: returns the new context and effects,
 * or throws a DocketError (`FORBIDDEN`, `OPERATION_NOT_ALLOWED`) saying why the act is refused.
 * Every operation's result is checked against the step invariants ({@link checkStepInvariants}).
 *
 * @example
 * ```ts
 * import { users, withApprovals } from 'docket';
 * import { applyApproval } from './approval-reducer.js';
 * import { enterStep } from './operations/enter-step.js';
 * const facts = { directory: undefined, now: 0 };
 * const entered = enterStep(withApprovals().context({ $actor: { id: 'li', roles: [] } }), { id: 'legal', mode: 'all', approvers: users('zhao') }, { ...facts, dueAt: null });
 * const done = applyApproval(entered.context, 'legal', { type: 'APPROVE', $actor: { id: 'zhao', roles: [] } }, facts);
 * done.context.approvals['legal']?.outcome; // { kind: 'approved' }
 * ```
 */
export function applyApproval<C extends ApprovalContext>(ctx: C, stepId: string, event: ApprovalInput, facts: ReduceFacts): ApprovalChange<C> {
  const op = createOperationContext(ctx, stepId, event, facts);
  const apply = applyOf(op.type);
  const change = apply ? apply(op) : refuse('EVENT_NOT_ACCEPTED', `Approval steps do not handle "${String(op.type)}".`, op.details);
  // Every operation passes the same invariants (one seat per person, outcomes only from votes,
  // the mode still reachable): a violation refuses the act, and nothing changes.
  const after = change.context.approvals[stepId];
  const act = op.type === 'TIMEOUT' ? `TIMEOUT:${op.spec.deadline?.then.kind ?? 'approve'}` : op.type;
  if (after) checkStepInvariants(op.state, after, { act, details: op.details, initiator: ctx.initiator });
  return change;
}

/** Whether `taskId` (full inbox id or short `t3`) names an assignment of this step's current round.
 */
export function taskInStep(state: ApprovalStepState, taskId: string): boolean {
  const { round, task } = parseTaskId(taskId);
  const parts = taskId.split(':');
  const step = parts.length >= 3 ? parts.at(-3) : undefined;
  if (step !== undefined && step !== state.spec.id) return false;
  return (round === undefined || round === state.round) && state.assignments.some((a) => a.id === task);
}
