// TIMEOUT: the step's deadline passed; escalate, approve or reject as its `deadline.then` says.
import type { ApprovalChange } from '../approval-change.js';
import { activeMembers } from '../../organisation/known-user.js';
import { actionable, seatedPeople, votesOf, type StepVote } from '../approval-decision.js';
import type { ApprovalAssignment, ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { approvedBy, groupMembers, returnTarget, rewire } from './reducer-helpers.js';
import { copyWith } from '../../store/copy-with.js';

/** Act on the deadline: hand open tasks to a role (escalate), pass them (approve, the default) or reject them. */
export function timeout<C extends ApprovalContext>(op: OperationContext<C>): ApprovalChange<C> {
  const { ctx, state, spec, stepId, now, facts } = op;
  const then = spec.deadline?.then ?? { kind: 'approve' };
  const open = actionable(state.assignments).map((a) => a.id);
  if (then.kind === 'escalate') {
    // Each late task becomes a group slot of the role (one for 或签, where one decision suffices), so
    // the mode's count is kept; members who already hold a seat in this step are left out (one vote each).
    const late = new Set(open);
    const seated = new Set(seatedPeople(state.assignments.filter((a) => !late.has(a.id))));
    const members = groupMembers(spec, ctx.initiator, activeMembers(facts.directory, then.role)).filter((m) => !seated.has(m));
    if (members.length === 0 || open.length === 0) return { context: ctx, effects: [] };
    // Each slot takes over the vote of the late task it stands for. In 或签 one slot stands for every
    // vote the late tasks make alone, and a vote that keeps other members (加签 signers, one already
    // approved) keeps a slot of its own: closing its late task without one would complete it unasked.
    // Every late task is open, so counted: it is a member of one of the step's votes.
    const voteOfTask = new Map<string, StepVote>(votesOf(state.assignments).flatMap((v) => v.members.map((m) => [m.id, v] as const)));
    const keyOf = (id: string) => voteOfTask.get(id)!.key;
    const kept = (id: string) => voteOfTask.get(id)!.members.some((m) => !late.has(m.id));
    const alone = open.filter((id) => !kept(id));
    const slots = spec.mode === 'any' ? [...open.filter(kept), ...alone.slice(0, 1)] : open;
    const groups: ApprovalAssignment[] = slots.map((task) => ({ id: op.takeTaskId(), user: null, group: { role: then.role, members }, status: 'pending', waitsFor: [], origin: 'escalation', since: now, vote: keyOf(task) }));
    let list = state.assignments.map((a) => (late.has(a.id) ? copyWith(a, { status: 'transferred' as const, actedAt: now }) : a));
    for (const id of open) list = rewire(list, id, groups.map((g) => g.id));
    return op.update({ assignments: [...list, ...groups], nextTask: op.nextNo }, op.act({ type: 'TIMEOUT', to: then.role }));
  }
  if (then.kind === 'approve') {
    const list = state.assignments.map((a) => (a.status === 'pending' ? copyWith(a, { status: 'approved' as const, auto: 'timeout' as const, actedAt: now }) : a));
    return op.update({ assignments: list, outcome: { kind: 'approved' } }, op.act({ type: 'TIMEOUT', to: 'approve' }), { lastApproved: { step: stepId, users: approvedBy(list) } });
  }
  const list = state.assignments.map((a) => (open.includes(a.id) ? copyWith(a, { status: 'rejected' as const, auto: 'timeout' as const, actedAt: now }) : a));
  const rejection = spec.rejection ?? 'end';
  const outcome = rejection === 'end' ? ({ kind: 'rejected' } as const) : ({ kind: 'returned', to: returnTarget(spec, rejection.return) } as const);
  return op.update({ assignments: list, outcome }, op.act({ type: 'TIMEOUT', to: 'reject' }));
}
