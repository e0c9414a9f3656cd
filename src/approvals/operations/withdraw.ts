// WITHDRAW (撤回): the initiator takes the request back.
import { z } from 'zod';
import { defineOperation } from './operation-descriptor.js';
import { comment } from './event-fields.js';
import type { ApprovalChange } from '../approval-change.js';
import type { ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { refuse } from './reducer-helpers.js';

/** Withdraw the request, as the step's `withdraw` policy allows (`untilActed` by default). */
export function withdraw<C extends ApprovalContext>(op: OperationContext<C>): ApprovalChange<C> {
  const { ctx, spec, stepId, actor, details } = op;
  if (actor.id !== ctx.initiator) refuse('FORBIDDEN', `Only the initiator (${ctx.initiator}) may withdraw this request.`, details);
  const policy = spec.withdraw ?? 'untilActed';
  if (policy === 'never') refuse('OPERATION_NOT_ALLOWED', `Step "${stepId}" does not allow withdrawal; ask an administrator to terminate the instance.`, details);
  if (policy === 'untilActed' && ctx.approvalFlow.acted) {
    refuse('OPERATION_NOT_ALLOWED', `Someone has already acted on this request, so it can no longer be withdrawn (撤回); ask the current approver to return it instead.`, details);
  }
  return op.update({ outcome: { kind: 'withdrawn' } }, op.act({ type: 'WITHDRAW' }), { acted: false, resume: null });
}

/** 撤回: the initiator takes the request back (not an inbox action). */
export const WITHDRAW = defineOperation({
  type: 'WITHDRAW',
  schema: z.object({ comment }),
  label: { 'zh-CN': '撤回', en: 'Withdraw' },
  moves: true,
  forOthers: false,
  inbox: false,
  apply: withdraw,
});
