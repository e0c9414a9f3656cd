// Leaving an approval step's state node, decided or not.
import type { ApprovalContext } from '../approval-types.js';
import { copyWith } from '../../store/copy-with.js';
import { flowOnLeave } from '../submission.js';

/**
 * Leave step `stepId`: it is no longer active (nor in the inbox). A step left without being approved
 * (任意跳转 past it, a transition of the machine's own) approved nobody, so the flow forgets who
 * approved the step before it: the next step's 去重 counts only the step decided just before. A step
 * that sends the request back to its submitter (rejected, withdrawn, returned to the submitter, or
 * left undecided) marks it so, for the next submission ({@link flowOnLeave}).
 *
 * @example
 * ```ts
 * import { users, withApprovals } from 'docket';
 * import { enterStep } from './enter-step.js';
 * import { exitStep } from './exit-step.js';
 * const ctx = withApprovals().context({ $actor: { id: 'li', roles: [] } });
 * const { context } = enterStep(ctx, { id: 'legal', mode: 'all', approvers: users('zhao') }, { directory: undefined, now: 0, dueAt: null });
 * exitStep(context, 'legal').approvals['legal']?.active; // false
 * ```
 */
export function exitStep<C extends ApprovalContext>(ctx: C, stepId: string): C {
  const state = ctx.approvals[stepId];
  if (!state) return ctx;
  const approvals = copyWith(ctx.approvals, { [stepId]: copyWith(state, { active: false }) });
  const forget = state.outcome?.kind !== 'approved' && ctx.approvalFlow.lastApproved !== null ? { lastApproved: null } : {};
  const flow = { ...forget, ...flowOnLeave(ctx.approvalFlow, state) };
  if (Object.keys(flow).length > 0) return { ...ctx, approvals, approvalFlow: copyWith(ctx.approvalFlow, flow) };
  return { ...ctx, approvals };
}
