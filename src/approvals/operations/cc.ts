// CC (抄送): copy people in on a step without asking them to act.
import { z } from 'zod';
import { defineOperation } from './operation-descriptor.js';
import { comment, step, user } from './event-fields.js';
import type { ApprovalChange, ApprovalEffect } from '../approval-change.js';
import type { ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { isAdmin, reachablePeople, refuse, withStep } from './reducer-helpers.js';
import { holdersOf } from '../approval-decision.js';

/** Copy `event.users` (each an active user) in; allowed to the initiator, an approver of the step or an administrator. */
export function cc<C extends ApprovalContext>(op: OperationContext<C>): ApprovalChange<C> {
  const { ctx, state, stepId, actor, principal, details, comment } = op;
  const to = (op.event['users'] as readonly string[] | undefined) ?? [];
  // An approver of the step: someone holding a seat in it (decided or open, as assignee, delegate or
  // the one who acted for them), or a member who could claim one of its open group tasks; not someone
  // whose task was transferred away (转交) or removed (减签).
  const reach = reachablePeople(state, ctx.initiator);
  const involved =
    actor.id === ctx.initiator ||
    isAdmin(actor) ||
    state.assignments.some((a) => holdersOf(a).includes(principal) || holdersOf(a).includes(actor.id) || (a.status === 'pending' && a.user === null && reach(a).includes(principal)));
  if (!involved) refuse('FORBIDDEN', `Only the initiator, an approver of step "${stepId}" or an administrator may copy others in (抄送).`, details);
  // The rule every act that brings someone in obeys (转交, 委托, 加签 too): a copy to someone the
  // directory does not know, or who has left, was accepted and delivered as an approval.cc effect.
  for (const u of to) op.activeUser(u, 'users');
  // As 加签 refuses it: a person named twice was copied in twice (the act and the approval.cc effect
  // listed them twice, so a notifier sent them the copy twice).
  if (new Set(to).size !== to.length) refuse('INVALID_ARGUMENT', `CC names the same person twice (${to.join(', ')}); name each person once.`, { ...details, field: 'users' });
  const next = { ...state, cc: [...new Set([...state.cc, ...to])], acts: [...state.acts, op.act({ type: 'CC', users: to })] };
  const effect: ApprovalEffect = { type: 'approval.cc', params: { step: stepId, round: state.round, to, by: actor.id, ...(comment === undefined ? {} : { comment }) } };
  return { context: withStep(ctx, next), effects: [effect] };
}

/** 抄送: copy people in without asking them to act. */
export const CC = defineOperation({
  type: 'CC',
  schema: z.object({ step, comment, users: z.array(user).min(1) }),
  label: { 'zh-CN': '抄送', en: 'Copy to' },
  moves: false,
  forOthers: false,
  inbox: true,
  apply: cc,
});
