// The approval reducer: enter a step, or apply one act to it. Each operation lives in ./operations/.
import type { ApprovalChange, ApprovalInput, ReduceFacts } from './approval-change.js';
import type { ApprovalContext, ApprovalStepState } from './approval-types.js';
import { addSigner } from './operations/add-signer.js';
import { approveOrReject } from './operations/approve-or-reject.js';
import { cc } from './operations/cc.js';
import { claim } from './operations/claim.js';
import { createOperationContext, type OperationContext } from './operations/operation-context.js';
import { parseTaskId, refuse } from './operations/reducer-helpers.js';
import { remind } from './operations/remind.js';
import { removeSigner } from './operations/remove-signer.js';
import { returnStep } from './operations/return-step.js';
import { timeout } from './operations/timeout.js';
import { transferOrDelegate } from './operations/transfer-or-delegate.js';
import { withdraw } from './operations/withdraw.js';
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
 * import { applyApproval, approvalContext, enterStep, users } from 'docket';
 * const facts = { directory: undefined, now: 0 };
 * const entered = enterStep(approvalContext({ $actor: { id: 'li', roles: [] } }), { id: 'legal', mode: 'all', approvers: users('zhao') }, { ...facts, dueAt: null });
 * const done = applyApproval(entered.context, 'legal', { type: 'APPROVE', $actor: { id: 'zhao', roles: [] } }, facts);
 * done.context.approvals['legal']?.outcome; // { kind: 'approved' }
 * ```
 */
export function applyApproval<C extends ApprovalContext>(ctx: C, stepId: string, event: ApprovalInput, facts: ReduceFacts): ApprovalChange<C> {
  const op = createOperationContext(ctx, stepId, event, facts);
  const change = operate(op);
  // Every operation passes the same invariants (one seat per person, outcomes only from votes,
  // the mode still reachable): a violation refuses the act, and nothing changes.
  const after = change.context.approvals[stepId];
  const act = op.type === 'TIMEOUT' ? `TIMEOUT:${op.spec.deadline?.then.kind ?? 'approve'}` : op.type;
  if (after) checkStepInvariants(op.state, after, { act, details: op.details });
  return change;
}

function operate<C extends ApprovalContext>(op: OperationContext<C>): ApprovalChange<C> {
  const type = op.type;
  switch (type) {
    case 'APPROVE':
    case 'REJECT':
      return approveOrReject(op, type);
    case 'REQUEST_CHANGES':
    case 'RETURN':
      return returnStep(op, type);
    case 'ADD_SIGNER':
      return addSigner(op);
    case 'REMOVE_SIGNER':
      return removeSigner(op);
    case 'TRANSFER':
    case 'DELEGATE':
      return transferOrDelegate(op, type);
    case 'CLAIM':
      return claim(op);
    case 'WITHDRAW':
      return withdraw(op);
    case 'CC':
      return cc(op);
    case 'REMIND':
    case 'REMIND_TIMER':
      return remind(op, type);
    case 'TIMEOUT':
      return timeout(op);
    default:
      return refuse('EVENT_NOT_ACCEPTED', `Approval steps do not handle "${String(type)}".`, op.details);
  }
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
