// CLAIM (认领): a group member takes an unclaimed group task.
import { z } from 'zod';
import { defineOperation } from './operation-descriptor.js';
import { step, taskId } from './event-fields.js';
import type { ApprovalChange } from '../approval-change.js';
import { actionable } from '../approval-decision.js';
import type { ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { refuse } from './reducer-helpers.js';

/** Claim an open group task the principal is a member of, making it theirs. */
export function claim<C extends ApprovalContext>(op: OperationContext<C>): ApprovalChange<C> {
  const { state, stepId, principal, details, wanted } = op;
  const task = actionable(state.assignments).find((a) => a.user === null && a.group?.members.includes(principal) && (wanted === undefined || a.id === wanted));
  if (!task) {
    return refuse('OPERATION_NOT_ALLOWED', `Step "${stepId}" has no unclaimed group task for ${principal}; it may already be claimed.`, details);
  }
  return op.update({ assignments: op.replace({ ...task, user: principal }) }, op.act({ type: 'CLAIM', task: task.id }));
}

/** 认领: take an unclaimed group task (offered first on such a task). */
export const CLAIM = defineOperation({
  type: 'CLAIM',
  schema: z.object({ step, taskId }),
  label: { 'zh-CN': '认领', en: 'Claim' },
  moves: false,
  forOthers: true,
  inbox: 'unclaimed',
  apply: claim,
});
