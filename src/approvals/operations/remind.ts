// REMIND (催办) and REMIND_TIMER: nudge whoever may act now.
import { z } from 'zod';
import { defineOperation } from './operation-descriptor.js';
import { comment, step } from './event-fields.js';
import type { ApprovalChange, ApprovalEffect } from '../approval-change.js';
import { actionable } from '../approval-decision.js';
import type { ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { isAdmin, peopleWhoMayAct, refuse, withStep } from './reducer-helpers.js';

/** Remind the current assignees: asked for (REMIND, by the initiator or an administrator) or on schedule (REMIND_TIMER). */
export function remind<C extends ApprovalContext>(op: OperationContext<C>, type: 'REMIND' | 'REMIND_TIMER'): ApprovalChange<C> {
  const { ctx, state, stepId, actor, details, comment } = op;
  if (type === 'REMIND' && actor.id !== ctx.initiator && !isAdmin(actor)) {
    refuse('FORBIDDEN', `Only the initiator or an administrator may send a reminder (催办) for step "${stepId}".`, details);
  }
  // Whoever may act now, a delegate (委托) with the assignee: the people the inbox lists on the open tasks.
  const to = [...new Set(actionable(state.assignments).flatMap(peopleWhoMayAct(state, ctx.initiator)))];
  const next = { ...state, acts: [...state.acts, op.act({ type: 'REMIND', users: to })] };
  const effect: ApprovalEffect = {
    type: 'approval.remind',
    params: { step: stepId, round: state.round, to, by: actor.id, reason: type === 'REMIND' ? 'asked' : 'schedule', ...(comment === undefined ? {} : { comment }) },
  };
  return { context: withStep(ctx, next), effects: [effect] };
}

/** 催办: the initiator or an administrator nudges whoever may act now (not an inbox action); without `step`, at every live step that allows it. */
export const REMIND = defineOperation({
  type: 'REMIND',
  schema: z.object({ step, comment }),
  label: { 'zh-CN': '催办', en: 'Remind' },
  moves: false,
  forOthers: false,
  inbox: false,
  everyLiveStep: 'allowing',
  apply: (op) => remind(op, 'REMIND'),
});
