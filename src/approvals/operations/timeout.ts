// TIMEOUT: the step's deadline passed; escalate, approve or reject as its `deadline.then` says.
import type { ApprovalChange } from '../approval-change.js';
import { actionable } from '../approval-decision.js';
import type { ApprovalAssignment, ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { returnTarget, rewire } from './reducer-helpers.js';

/** Act on the deadline: hand open tasks to a role (escalate), pass them (approve, the default) or reject them. */
export function timeout<C extends ApprovalContext>(op: OperationContext<C>): ApprovalChange<C> {
  const { ctx, state, spec, stepId, now, facts } = op;
  const then = spec.deadline?.then ?? { kind: 'approve' };
  const open = actionable(state.assignments).map((a) => a.id);
  if (then.kind === 'escalate') {
    const members = facts.directory?.usersWithRole(then.role).map((u) => u.id) ?? [];
    if (members.length === 0) return { context: ctx, effects: [] };
    const group: ApprovalAssignment = { id: op.takeTaskId(), user: null, group: { role: then.role, members }, status: 'pending', waitsFor: [], origin: 'escalation', since: now };
    let list = state.assignments.map((a) => (open.includes(a.id) ? { ...a, status: 'transferred' as const, actedAt: now } : a));
    for (const id of open) list = rewire(list, id, [group.id]);
    return op.update({ assignments: [...list, group], nextTask: op.nextNo }, op.act({ type: 'TIMEOUT', to: then.role }));
  }
  if (then.kind === 'approve') {
    const list = state.assignments.map((a) => (a.status === 'pending' ? { ...a, status: 'approved' as const, auto: 'timeout' as const, actedAt: now } : a));
    return op.update({ assignments: list, outcome: { kind: 'approved' } }, op.act({ type: 'TIMEOUT', to: 'approve' }), { lastApproved: { step: stepId, users: [] } });
  }
  const list = state.assignments.map((a) => (open.includes(a.id) ? { ...a, status: 'rejected' as const, auto: 'timeout' as const, actedAt: now } : a));
  const rejection = spec.rejection ?? 'end';
  const outcome = rejection === 'end' ? ({ kind: 'rejected' } as const) : ({ kind: 'returned', to: returnTarget(spec, rejection.return) } as const);
  return op.update({ assignments: list, outcome }, op.act({ type: 'TIMEOUT', to: 'reject' }));
}
