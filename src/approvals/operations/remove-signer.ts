// REMOVE_SIGNER (减签): take a signer who has not acted yet off the step.
import { z } from 'zod';
import { defineOperation } from './operation-descriptor.js';
import { comment, step, user } from './event-fields.js';
import type { ApprovalChange } from '../approval-change.js';
import { actionable, voteKey } from '../approval-decision.js';
import type { ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { isAdmin, reachablePeople, refuse, rewire } from './reducer-helpers.js';
import { copyWith } from '../../store/copy-with.js';

/**
 * Remove `event.user`'s open task; allowed to a current assignee, the initiator or an administrator.
 * A current assignee is whoever the step's inbox offers an open task to (`reachablePeople`: its user,
 * or a member who could claim an unclaimed group task) or its delegate: the inbox offered 减签 on an
 * unclaimed 认领 task to every member, and this refused them as "none of these".
 * Also allowed to the adder: whoever holds the pending (open or waiting) task whose vote the removed
 * signer joined (not a signer added to it; a 转交 of it takes the vote over), or its delegate. Someone who added a signer before themselves (加签 before) waits
 * for that signer, so had no open task, and was refused the 减签 of their own signer (until 2026-12).
 */
export function removeSigner<C extends ApprovalContext>(op: OperationContext<C>): ApprovalChange<C> {
  const { ctx, state, stepId, actor, principal, details, now } = op;
  const user = op.event['user'] as string;
  const reach = reachablePeople(state, ctx.initiator);
  const isAssignee = actionable(state.assignments).some((a) => reach(a).includes(principal) || a.delegate === actor.id);
  const open = state.assignments.find((a) => a.user === user && a.status === 'pending');
  // The one whose vote the signer joined (加签 before: the adder's own task waits for them, so it is
  // not open), or their delegate, while that task is pending: they may take back whom they added.
  // Not a fellow signer added to the same vote who is still waiting.
  // (A signer who already acted is read too, so the adder hears why they stay, not that they may not ask.)
  const signer = open ?? state.assignments.find((a) => a.user === user && (a.status === 'approved' || a.status === 'rejected'));
  const isAdder = signer !== undefined && state.assignments.some((a) => a.id !== signer.id && a.status === 'pending' && !a.origin.startsWith('add-') && voteKey(a) === voteKey(signer) && (a.user === principal || a.delegate === actor.id));
  if (!isAssignee && !isAdder && actor.id !== ctx.initiator && !isAdmin(actor)) {
    refuse('FORBIDDEN', `Only a current assignee of step "${stepId}", the one who added ${user} (加签) while their own task is pending, the initiator or an administrator may remove a signer; ${actor.id} is none of these.`, details);
  }
  if (!open) {
    const acted = state.assignments.some((a) => a.user === user && (a.status === 'approved' || a.status === 'rejected'));
    return refuse(
      'OPERATION_NOT_ALLOWED',
      acted
        ? `${user} already acted on step "${stepId}"; a signer who has acted cannot be removed (减签). Their decision stands.`
        : `${user} has no open task in step "${stepId}"; there is nobody to remove.`,
      { ...details, user },
    );
  }
  // Removing the last approver, or so many that the mode can no longer pass, is refused by the step invariants.
  let list = state.assignments.map((a) => (a.id === open.id ? copyWith(a, { status: 'removed' as const, actedAt: now }) : a));
  list = rewire(list, open.id, open.waitsFor);
  return op.update({ assignments: list }, op.act({ type: 'REMOVE_SIGNER', task: open.id, users: [user] }));
}

/** 减签: take a signer who has not acted yet off the step (their task need not be actionable yet). */
export const REMOVE_SIGNER = defineOperation({
  type: 'REMOVE_SIGNER',
  schema: z.object({ step, comment, user }),
  label: { 'zh-CN': '减签', en: 'Remove signer' },
  moves: false,
  forOthers: false,
  inbox: true,
  reachesWaitingTasks: true,
  apply: removeSigner,
});
