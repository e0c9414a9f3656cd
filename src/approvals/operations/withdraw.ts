// WITHDRAW (撤回): the initiator takes the request back.
import { z } from 'zod';
import { defineOperation } from './operation-descriptor.js';
import { comment, step } from './event-fields.js';
import type { ApprovalChange } from '../approval-change.js';
import type { ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { refuse } from './reducer-helpers.js';
import { actedAgainst } from '../submission.js';

/**
 * Withdraw the request at this step, as the step's `withdraw` policy allows (`untilActed` by default:
 * while nobody has decided on this step, nor on a step before it, in this submission; a branch live
 * beside it, which the withdrawal of this step leaves as it is, does not count). Without a `step`,
 * WITHDRAW reaches every live step (parallel branches) and each must allow it; a refusal names the
 * steps acted on (`details.actedOn`).
 */
export function withdraw<C extends ApprovalContext>(op: OperationContext<C>): ApprovalChange<C> {
  const { ctx, spec, stepId, actor, details } = op;
  if (actor.id !== ctx.initiator) refuse('FORBIDDEN', `Only the initiator (${ctx.initiator}) may withdraw this request.`, details);
  const policy = spec.withdraw ?? 'untilActed';
  if (policy === 'never') refuse('OPERATION_NOT_ALLOWED', `Step "${stepId}" does not allow withdrawal (撤回); ask an administrator to terminate the instance.`, details);
  if (policy === 'untilActed') {
    // Steps whose state node is active now, decided in this very act or not: the same set for every
    // step one WITHDRAW reaches, whichever is reduced first.
    const live = Object.values(ctx.approvals).filter((s) => s.active).map((s) => s.spec.id);
    const against = actedAgainst(ctx.approvalFlow, stepId, live);
    if (against.steps.length > 0 || against.unknown) {
      const where = against.steps.length > 0 ? ` on step${against.steps.length > 1 ? 's' : ''} ${against.steps.map((s) => `"${s}"`).join(', ')}` : '';
      refuse(
        'OPERATION_NOT_ALLOWED',
        `Someone has already acted${where} in this submission, so step "${stepId}" can no longer be withdrawn (撤回); ask the current approver to return it (退回) instead.`,
        { ...details, actedOn: against.steps },
      );
    }
  }
  return op.update({ outcome: { kind: 'withdrawn' } }, op.act({ type: 'WITHDRAW' }), { resume: null });
}

/** 撤回: the initiator takes the request back (not an inbox action); without `step`, from every live step. */
export const WITHDRAW = defineOperation({
  type: 'WITHDRAW',
  schema: z.object({ step, comment }),
  label: { 'zh-CN': '撤回', en: 'Withdraw' },
  moves: true,
  forOthers: false,
  inbox: false,
  everyLiveStep: 'each',
  apply: withdraw,
});
