// ADD_SIGNER (加签): the actor adds people before, after or alongside their own task.
import { z } from 'zod';
import { defineOperation } from './operation-descriptor.js';
import { comment, step, taskId, user } from './event-fields.js';
import type { ApprovalChange } from '../approval-change.js';
import type { ApprovalAssignment, ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { refuse, rewire } from './reducer-helpers.js';
import { voteKey } from '../approval-decision.js';

/** Add `event.users` at `event.position` (`before`, `after` (default) or `alongside`) relative to the actor's task. */
export function addSigner<C extends ApprovalContext>(op: OperationContext<C>): ApprovalChange<C> {
  const { details, event } = op;
  const { task } = op.mine();
  const added = (event['users'] as readonly string[] | undefined) ?? [];
  const position = (event['position'] as 'before' | 'after' | 'alongside' | undefined) ?? 'after';
  // Adding someone who already holds a seat here is refused by the step invariants (one seat per person).
  for (const u of added) op.activeUser(u, 'users');
  if (new Set(added).size !== added.length) refuse('INVALID_ARGUMENT', `ADD_SIGNER names the same person twice (${added.join(', ')}); name each person once.`, { ...details, field: 'users' });
  let list = op.replace(task);
  // The added signers are part of the adder's vote: it counts once, when all of them approved.
  const vote = voteKey(task);
  const joined = (a: ApprovalAssignment): ApprovalAssignment => ({ ...a, vote });
  const created: ApprovalAssignment[] = [];
  if (position === 'before') {
    for (const u of added) created.push(joined(op.newTask(u, 'add-before', task.waitsFor)));
    list = list.map((a) => (a.id === task.id ? { ...a, waitsFor: created.map((c) => c.id) } : a));
    list = [...list.slice(0, list.findIndex((a) => a.id === task.id)), ...created, ...list.slice(list.findIndex((a) => a.id === task.id))];
  } else if (position === 'after') {
    let prevId = task.id;
    for (const u of added) {
      const c = joined(op.newTask(u, 'add-after', [prevId]));
      created.push(c);
      prevId = c.id;
    }
    list = rewire(list, task.id, [prevId]);
    const at = list.findIndex((a) => a.id === task.id) + 1;
    list = [...list.slice(0, at), ...created, ...list.slice(at)];
  } else {
    for (const u of added) created.push(joined(op.newTask(u, 'add-alongside', task.waitsFor)));
    list = rewire(list, task.id, [task.id, ...created.map((c) => c.id)]);
    const at = list.findIndex((a) => a.id === task.id) + 1;
    list = [...list.slice(0, at), ...created, ...list.slice(at)];
  }
  return op.update({ assignments: list, nextTask: op.nextNo }, op.act({ type: 'ADD_SIGNER', task: task.id, users: added, to: position }));
}

/** 加签: add people before, after or alongside the actor's task. */
export const ADD_SIGNER = defineOperation({
  type: 'ADD_SIGNER',
  schema: z.object({ step, taskId, comment, users: z.array(user).min(1), position: z.enum(['before', 'after', 'alongside']) }),
  label: { 'zh-CN': '加签', en: 'Add signer' },
  moves: false,
  forOthers: true,
  inbox: true,
  apply: addSigner,
});
