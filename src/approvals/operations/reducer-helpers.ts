// Small pure pieces every approval operation shares: refusing, storing a step, settling it.
import type { Actor } from '../../store/records.js';
import { DocketError } from '../../errors.js';
import { actionable, decide, seatedPeople } from '../approval-decision.js';
import type { ApprovalAssignment, ApprovalContext, ApprovalStepSpec, ApprovalStepState } from '../approval-types.js';
import type { ApprovalChange, ApprovalEffect } from '../approval-change.js';
import { copyWith } from '../../store/copy-with.js';
import { declaredReturn } from '../return-rule.js';

/** The actor id recorded for acts nobody in particular performed (timers, automatic passes). */
export const SYSTEM = 'docket:system';

/** Throw the DocketError that refuses an approval act. */
export function refuse(code: 'FORBIDDEN' | 'OPERATION_NOT_ALLOWED' | 'NO_APPROVER' | 'EVENT_NOT_ACCEPTED' | 'INVALID_ARGUMENT', message: string, details: Record<string, unknown> = {}): never {
  throw new DocketError(code, message, details);
}

/**
 * Store a step's state in the context and merge flow facts (with {@link copyWith}: a new key after a
 * spread gives each object a hidden class of its own, which every committed context would keep).
 */
export function withStep<C extends ApprovalContext>(ctx: C, state: ApprovalStepState, flow: Partial<ApprovalContext['approvalFlow']> = {}): C {
  return { ...ctx, approvals: copyWith(ctx.approvals, { [state.spec.id]: state }), approvalFlow: copyWith(ctx.approvalFlow, flow) };
}

/**
 * The members a group task (认领, a fallback or escalation role) of this step may offer: everyone but
 * the initiator when the step does not let the initiator decide their own request
 * (`initiatorIsApprover: 'skip' | 'supervisor'`), so no slot counts on them or lists them.
 */
export function groupMembers(spec: ApprovalStepSpec, initiator: string, members: readonly string[]): string[] {
  return (spec.initiatorIsApprover ?? 'keep') === 'keep' ? [...members] : members.filter((m) => m !== initiator);
}

/**
 * Who an open assignment of the step reaches now: its user, or, for an unclaimed group task, the
 * members who could claim it (not those holding a seat in the step, nor an initiator the step does
 * not let decide). The inbox, reminders (催办) and assignment notices all ask it.
 */
export function reachablePeople(state: ApprovalStepState, initiator: string): (a: ApprovalAssignment) => string[] {
  let seated: ReadonlySet<string> | undefined;
  return (a) => {
    if (a.user !== null) return [a.user];
    seated ??= new Set(seatedPeople(state.assignments));
    return groupMembers(state.spec, initiator, a.group?.members ?? []).filter((m) => !seated!.has(m));
  };
}

/**
 * Who may act on an open assignment of the step now: the people {@link reachablePeople} gives (its
 * user, or the members who could claim an unclaimed group task) and, on a task delegated (委托), the
 * delegate, who acts on it for its user (the user stays responsible and may act too). The one rule
 * for the inbox's assignees, reminders (催办) and assignment notices (`approval.assigned`): a
 * delegate was listed in the inbox but never told of the task nor reminded of it.
 */
export function peopleWhoMayAct(state: ApprovalStepState, initiator: string): (a: ApprovalAssignment) => string[] {
  const reach = reachablePeople(state, initiator);
  return (a) => {
    const people = reach(a);
    return a.delegate !== undefined && a.user !== null && !people.includes(a.delegate) ? [...people, a.delegate] : people;
  };
}

/**
 * The `approval.assigned` effect for the people who may act on an open task now and could not act on
 * that task before the act ({@link peopleWhoMayAct}, read on `before` and on `state`): a 依次
 * approver whose turn came, a signer added after (加签) once the adder approved, an adder whose turn
 * came back, a delegate (委托), a new task's holder (转交, escalation). Someone who could already act
 * on the task (a group member who claimed it) is not told again.
 *
 * Until 2026-12: compared by task and user against every assignment of `before`, queued ones
 * included, so a task that became actionable without changing its user (依次, 加签 after or before,
 * 减签 of the one it waited for) and a delegation told nobody.
 */
export function assignedEffects(before: readonly ApprovalAssignment[], state: ApprovalStepState, reason: string, initiator: string): ApprovalEffect[] {
  if (state.outcome) return [];
  const open = actionable(state.assignments);
  if (open.length === 0) return [];
  const could = new Map<string, readonly string[]>();
  if (before.length > 0) {
    const earlier = peopleWhoMayAct(copyWith(state, { assignments: before }), initiator);
    for (const a of actionable(before)) could.set(a.id, earlier(a));
  }
  const now = peopleWhoMayAct(state, initiator);
  const to = [...new Set(open.flatMap((a) => {
    const had = could.get(a.id);
    const people = now(a);
    return had === undefined ? people : people.filter((p) => !had.includes(p));
  }))];
  return to.length === 0 ? [] : [{ type: 'approval.assigned', params: { step: state.spec.id, round: state.round, to, reason } }];
}

/**
 * The people whose approval a step holds, for the next step's 去重: who approved it themselves (or
 * through their delegate or stand-in), and who it passed by 去重 because they had approved the step
 * before (their approval carries on through a run of steps). Not a deadline's automatic approval,
 * nor an initiator the step skipped.
 */
export function approvedBy(assignments: readonly ApprovalAssignment[]): string[] {
  return assignments.flatMap((a) => (a.user !== null && ((a.status === 'approved' && a.auto === undefined) || (a.status === 'skipped' && a.auto === 'dedupe')) ? [a.user] : []));
}

/** Resolve a return target (`previous`, `submitter`, a step id) against what the step allows. */
export function returnTarget(spec: ApprovalStepSpec, to: string | undefined): string {
  const r = spec.returns ?? {};
  const fallback = typeof spec.rejection === 'object' ? spec.rejection.return : r.previous !== undefined ? 'previous' : 'submitter';
  const wanted = to ?? fallback;
  const target = declaredReturn(r, wanted);
  if (target !== undefined) return target;
  const allowed = [...(r.submitter ? ['submitter'] : []), ...(r.previous !== undefined ? ['previous'] : []), ...(r.steps ?? [])];
  return refuse(
    'OPERATION_NOT_ALLOWED',
    `Step "${spec.id}" may not return to "${wanted}". It may return to: [${allowed.join(', ') || 'nowhere'}]; declare more in approvalStep({ returns }).`,
    { step: spec.id, to: wanted },
  );
}

/** Settle a step after a change: decide it if certain, route a rejection, update flow facts. */
export function settle<C extends ApprovalContext>(ctx: C, state: ApprovalStepState, before: readonly ApprovalAssignment[], reason: string): ApprovalChange<C> {
  let next = state;
  let flow: Partial<ApprovalContext['approvalFlow']> = {};
  if (!next.outcome) {
    const verdict = decide(next.spec.mode, next.assignments);
    if (verdict === 'approved') {
      const approvers = approvedBy(next.assignments);
      next = copyWith(next, { outcome: { kind: 'approved' as const } });
      flow = { lastApproved: { step: next.spec.id, users: approvers } };
    } else if (verdict === 'rejected') {
      const rejection = next.spec.rejection ?? 'end';
      next =
        rejection === 'end'
          ? copyWith(next, { outcome: { kind: 'rejected' as const } })
          : copyWith(next, { outcome: { kind: 'returned' as const, to: returnTarget(next.spec, rejection.return) } });
    }
  }
  if (next.outcome && next.outcome.kind !== 'approved') flow = copyWith(flow, { lastApproved: null });
  if (next.outcome?.kind === 'returned') {
    // Back with the submitter, the request's next submission begins when it enters a step again
    // (src/approvals/submission.ts): who acted on this one counts until then.
    flow = copyWith(flow, { resume: next.spec.resubmit === 'jump' ? { step: next.spec.id } : null });
  }
  return { context: withStep(ctx, next, flow), effects: assignedEffects(before, next, reason, ctx.initiator) };
}

/** Split a task id (full inbox id `…:step:round:t3` or short `t3`) into its round and task. */
export function parseTaskId(taskId: string): { round: number | undefined; task: string } {
  const parts = taskId.split(':');
  const task = parts.at(-1) ?? taskId;
  const round = parts.length >= 2 ? Number(parts.at(-2)) : undefined;
  return { round: Number.isInteger(round) ? round : undefined, task };
}

/** Whether the actor holds the `admin` role. */
export function isAdmin(actor: Actor): boolean {
  return actor.roles.includes('admin');
}

/** Rewire assignments that waited for `oldId` to wait for `newIds` instead. */
export function rewire(list: readonly ApprovalAssignment[], oldId: string, newIds: readonly string[]): ApprovalAssignment[] {
  return list.map((a) => (a.waitsFor.includes(oldId) ? { ...a, waitsFor: [...a.waitsFor.filter((w) => w !== oldId), ...newIds] } : a));
}
