// APPROVE and REJECT: the actor decides their own task.
import { z } from 'zod';
import { defineOperation } from './operation-descriptor.js';
import { comment, step, taskId } from './event-fields.js';
import type { ApprovalChange } from '../approval-change.js';
import type { ApprovalAssignment, ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { copyWith } from '../../store/copy-with.js';
import { flowOnDecision } from '../submission.js';

/** Approve or reject the actor's current task (as assignee, delegate, stand-in or group member). */
export function approveOrReject<C extends ApprovalContext>(op: OperationContext<C>, type: 'APPROVE' | 'REJECT'): ApprovalChange<C> {
  const { now, comment } = op;
  const { task, onBehalfOf } = op.mine();
  const done: ApprovalAssignment = copyWith(task, { status: type === 'APPROVE' ? ('approved' as const) : ('rejected' as const), actedAt: now, ...op.actedBy(task), ...(comment === undefined ? {} : { comment }) });
  return op.update({ assignments: op.replace(done) }, op.act({ type, task: task.id, ...(onBehalfOf ? { onBehalfOf } : {}) }), flowOnDecision(op.ctx.approvalFlow, op.stepId));
}

/** 同意: approve the actor's task. */
export const APPROVE = defineOperation({
  type: 'APPROVE',
  schema: z.object({ step, taskId, comment }),
  label: { 'zh-CN': '同意', en: 'Approve' },
  moves: true,
  forOthers: true,
  inbox: true,
  apply: (op) => approveOrReject(op, 'APPROVE'),
});

/** 驳回: reject the actor's task. */
export const REJECT = defineOperation({
  type: 'REJECT',
  schema: z.object({ step, taskId, comment }),
  label: { 'zh-CN': '驳回', en: 'Reject' },
  moves: true,
  forOthers: true,
  inbox: true,
  apply: (op) => approveOrReject(op, 'REJECT'),
});
