// TRANSFER (转交) and DELEGATE (委托): hand a task to someone else.
import { z } from 'zod';
import { defineOperation } from './operation-descriptor.js';
import { comment, step, taskId, user } from './event-fields.js';
import type { ApprovalChange } from '../approval-change.js';
import type { ApprovalAssignment, ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { isAdmin, refuse, rewire } from './reducer-helpers.js';
import { voteKey } from '../approval-decision.js';
import { copyWith } from '../../store/copy-with.js';

/**
 * Hand a task to `event.to`: TRANSFER closes it and opens a new one for them; DELEGATE lets them act
 * on it. The actor hands over their own task; an administrator may hand over `event.from`'s.
 */
export function transferOrDelegate<C extends ApprovalContext>(op: OperationContext<C>, type: 'TRANSFER' | 'DELEGATE'): ApprovalChange<C> {
  const { state, stepId, actor, principal, details, now, wanted, event } = op;
  const to = event['to'] as string;
  op.activeUser(to, 'to');
  const from = event['from'] as string | undefined;
  let task: ApprovalAssignment | undefined;
  if (from !== undefined && from !== principal) {
    if (!isAdmin(actor)) refuse('FORBIDDEN', `Only an administrator may ${type.toLowerCase()} ${from}'s task; ${actor.id} may hand over only their own.`, details);
    task = state.assignments.find((a) => a.status === 'pending' && a.user === from && (wanted === undefined || a.id === wanted));
    if (!task) refuse('OPERATION_NOT_ALLOWED', `${from} has no open task in step "${stepId}".`, details);
  } else {
    task = state.assignments.find((a) => a.status === 'pending' && (a.user === principal || a.delegate === actor.id) && (wanted === undefined || a.id === wanted)) ?? op.mine().task;
  }
  const t = task as ApprovalAssignment;
  if (t.user === to) refuse('OPERATION_NOT_ALLOWED', `The task is already ${to}'s.`, details);
  if (type === 'DELEGATE') {
    return op.update({ assignments: op.replace({ ...t, delegate: to }) }, op.act({ type, task: t.id, to }));
  }
  // The new task takes over the old one's vote (and with it any 加签 signers who joined it).
  const moved: ApprovalAssignment = { ...op.newTask(to, 'transfer', t.waitsFor), vote: voteKey(t) };
  let list = state.assignments.map((a) => (a.id === t.id ? copyWith(a, { status: 'transferred' as const, actedAt: now }) : a));
  list = rewire(list, t.id, [moved.id]);
  const at = list.findIndex((a) => a.id === t.id) + 1;
  list = [...list.slice(0, at), moved, ...list.slice(at)];
  return op.update({ assignments: list, nextTask: op.nextNo }, op.act({ type, task: t.id, to, ...(from !== undefined ? { onBehalfOf: from } : {}) }));
}

/** 转交: hand a task (one's own, or as an administrator `from`'s) to someone else. */
export const TRANSFER = defineOperation({
  type: 'TRANSFER',
  schema: z.object({ step, taskId, comment, to: user, from: user.optional() }),
  label: { 'zh-CN': '转交', en: 'Transfer' },
  moves: false,
  forOthers: true,
  inbox: true,
  reachesWaitingTasks: true,
  apply: (op) => transferOrDelegate(op, 'TRANSFER'),
});

/** 委托: let someone act on one's task. */
export const DELEGATE = defineOperation({
  type: 'DELEGATE',
  schema: z.object({ step, taskId, comment, to: user }),
  label: { 'zh-CN': '委托', en: 'Delegate' },
  moves: false,
  forOthers: true,
  inbox: true,
  apply: (op) => transferOrDelegate(op, 'DELEGATE'),
});
