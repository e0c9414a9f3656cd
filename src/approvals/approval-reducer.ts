import type { Instant } from '../clock/clock.js';
import type { Directory } from '../engine/directory.js';
import { DocketError } from '../errors.js';
import type { Actor } from '../store/records.js';
import { actionable, counted, decide } from './approval-decision.js';
import type {
  ApprovalAct,
  ApprovalAssignment,
  ApprovalContext,
  ApprovalOperation,
  ApprovalStepSpec,
  ApprovalStepState,
} from './approval-types.js';
import { resolveApprovers, supervisorChain } from './approver-rules.js';

/** An effect an approval step asks the engine to deliver (outbox): who to tell, and why. */
export interface ApprovalEffect {
  readonly type: 'approval.assigned' | 'approval.cc' | 'approval.remind';
  readonly params: {
    readonly step: string;
    readonly round: number;
    readonly to: readonly string[];
    readonly by?: string;
    readonly comment?: string;
    readonly reason?: string;
  };
}

/** A new context and the effects the change asks for. */
export interface ApprovalChange<C extends ApprovalContext> {
  readonly context: C;
  readonly effects: readonly ApprovalEffect[];
}

/** The event as an approval step sees it: the payload plus the engine's `$actor`, `$at`, `$onBehalfOf`. */
export interface ApprovalInput {
  readonly type: string;
  readonly $actor?: Actor;
  readonly $at?: Instant;
  readonly $onBehalfOf?: string;
  readonly [key: string]: unknown;
}

/** What the reducer may read besides the context: the directory (for 离职 checks) and the instant. */
export interface ReduceFacts {
  readonly directory: Directory | undefined;
  readonly now: Instant;
}

const SYSTEM = 'docket:system';

function refuse(code: 'FORBIDDEN' | 'OPERATION_NOT_ALLOWED' | 'NO_APPROVER' | 'EVENT_NOT_ACCEPTED' | 'INVALID_ARGUMENT', message: string, details: Record<string, unknown> = {}): never {
  throw new DocketError(code, message, details);
}

function withStep<C extends ApprovalContext>(ctx: C, state: ApprovalStepState, flow: Partial<ApprovalContext['approvalFlow']> = {}): C {
  return { ...ctx, approvals: { ...ctx.approvals, [state.spec.id]: state }, approvalFlow: { ...ctx.approvalFlow, ...flow } };
}

function peopleOf(a: ApprovalAssignment): string[] {
  return a.user !== null ? [a.user] : [...(a.group?.members ?? [])];
}

function assignedEffects(before: readonly ApprovalAssignment[], state: ApprovalStepState, reason: string): ApprovalEffect[] {
  if (state.outcome) return [];
  const had = new Set(before.map((a) => `${a.id}:${a.user ?? ''}`));
  const fresh = actionable(state.assignments).filter((a) => !had.has(`${a.id}:${a.user ?? ''}`));
  const to = [...new Set(fresh.flatMap(peopleOf))];
  return to.length === 0 ? [] : [{ type: 'approval.assigned', params: { step: state.spec.id, round: state.round, to, reason } }];
}

/** Resolve a return target (`previous`, `submitter`, a step id) against what the step allows. */
function returnTarget(spec: ApprovalStepSpec, to: string | undefined): string {
  const r = spec.returns ?? {};
  const fallback = typeof spec.rejection === 'object' ? spec.rejection.return : r.previous !== undefined ? 'previous' : 'submitter';
  const wanted = to ?? fallback;
  if (wanted === 'submitter' && r.submitter) return 'submitter';
  if (wanted === 'previous' && r.previous !== undefined) return r.previous;
  if (wanted !== 'submitter' && wanted !== 'previous' && (r.steps?.includes(wanted) || r.previous === wanted)) return wanted;
  const allowed = [...(r.submitter ? ['submitter'] : []), ...(r.previous !== undefined ? ['previous'] : []), ...(r.steps ?? [])];
  return refuse(
    'OPERATION_NOT_ALLOWED',
    `Step "${spec.id}" may not return to "${wanted}". It may return to: [${allowed.join(', ') || 'nowhere'}]; declare more in approvalStep({ returns }).`,
    { step: spec.id, to: wanted },
  );
}

/** Settle a step after a change: decide it if certain, route a rejection, update flow facts. */
function settle<C extends ApprovalContext>(ctx: C, state: ApprovalStepState, before: readonly ApprovalAssignment[], reason: string): ApprovalChange<C> {
  let next = state;
  let flow: Partial<ApprovalContext['approvalFlow']> = {};
  if (!next.outcome) {
    const verdict = decide(next.spec.mode, next.assignments);
    if (verdict === 'approved') {
      const approvers = next.assignments.filter((a) => a.status === 'approved' && a.user !== null).map((a) => a.user as string);
      next = { ...next, outcome: { kind: 'approved' } };
      flow = { lastApproved: { step: next.spec.id, users: approvers } };
    } else if (verdict === 'rejected') {
      const rejection = next.spec.rejection ?? 'end';
      next =
        rejection === 'end'
          ? { ...next, outcome: { kind: 'rejected' } }
          : { ...next, outcome: { kind: 'returned', to: returnTarget(next.spec, rejection.return) } };
    }
  }
  if (next.outcome && next.outcome.kind !== 'approved') flow = { ...flow, lastApproved: null };
  if (next.outcome?.kind === 'returned') {
    flow = { ...flow, resume: next.spec.resubmit === 'jump' ? { step: next.spec.id } : null };
    if (next.outcome.to === 'submitter') flow = { ...flow, acted: false };
  }
  return { context: withStep(ctx, next, flow), effects: assignedEffects(before, next, reason) };
}

/**
 * Enter a step (a new round): resolve its approvers through the directory, apply its policies
 * (去重, initiator, nobody resolved) and decide at once when nobody is left to ask.
 * Throws `NO_APPROVER` when nobody resolved and the step refuses to start.
 *
 * @example
 * ```ts
 * import { approvalContext, enterStep, users } from 'docket';
 * const ctx = approvalContext({ $actor: { id: 'li', roles: [] } });
 * const { context } = enterStep(ctx, { id: 'legal', mode: 'all', approvers: users('zhao') }, { directory: undefined, now: 0, dueAt: null });
 * context.approvals['legal']?.assignments.map((a) => a.user); // ['zhao']
 * ```
 */
export function enterStep<C extends ApprovalContext>(ctx: C, spec: ApprovalStepSpec, facts: ReduceFacts & { readonly dueAt: Instant | null }): ApprovalChange<C> {
  const { directory, now } = facts;
  const prev = ctx.approvals[spec.id];
  const rules = Array.isArray(spec.approvers) ? (spec.approvers as ApprovalStepSpec['approvers'][]) : [spec.approvers];
  const resolved = rules.flatMap((rule) => resolveApprovers(rule as never, { directory, initiator: ctx.initiator, context: ctx }));
  let n = 0;
  const assignments: ApprovalAssignment[] = [];
  const seen = new Set<string>();
  const lastApproved = spec.dedupe ? new Set(ctx.approvalFlow.lastApproved?.users ?? []) : new Set<string>();
  const acts: ApprovalAct[] = [];
  const push = (user: string, origin: ApprovalAssignment['origin']) => {
    if (seen.has(user)) return;
    seen.add(user);
    const auto = lastApproved.has(user) ? ('dedupe' as const) : undefined;
    assignments.push({ id: `t${++n}`, user, status: auto ? 'skipped' : 'pending', waitsFor: [], origin, since: now, ...(auto ? { auto, actedAt: now } : {}) });
    if (auto) acts.push({ type: 'AUTO', by: SYSTEM, onBehalfOf: user, at: now, task: `t${n}`, comment: 'approved in the previous step (去重)' });
  };
  for (const r of resolved) {
    if (r.kind === 'group') {
      assignments.push({ id: `t${++n}`, user: null, group: { role: r.role, members: r.members }, status: 'pending', waitsFor: [], origin: 'rule', since: now });
      continue;
    }
    if (r.user === ctx.initiator) {
      const policy = spec.initiatorIsApprover ?? 'keep';
      if (policy === 'skip') {
        if (seen.has(r.user)) continue;
        seen.add(r.user);
        assignments.push({ id: `t${++n}`, user: r.user, status: 'skipped', auto: 'initiator', waitsFor: [], origin: 'rule', since: now, actedAt: now });
        acts.push({ type: 'AUTO', by: SYSTEM, onBehalfOf: r.user, at: now, task: `t${n}`, comment: 'the initiator is not asked to approve their own request' });
        continue;
      }
      if (policy === 'supervisor') {
        const boss = directory ? supervisorChain(directory, r.user, 10)[0] : undefined;
        if (boss !== undefined) push(boss, 'rule');
        continue;
      }
    }
    push(r.user, 'rule');
  }
  if (assignments.length === 0) {
    const policy = spec.whenNobody ?? 'refuse';
    const rulesText = JSON.stringify(spec.approvers);
    if (policy === 'refuse') {
      refuse(
        'NO_APPROVER',
        `Approval step "${spec.id}" resolved no approver (rules ${rulesText}). Fix the directory (roles, supervisors, department heads) or give the step whenNobody: 'approve' or { role: 'admin' }.`,
        { step: spec.id },
      );
    }
    if (policy === 'approve') {
      acts.push({ type: 'AUTO', by: SYSTEM, at: now, comment: 'no approver resolved; passed automatically' });
    } else {
      const members = directory?.usersWithRole(policy.role).map((u) => u.id) ?? [];
      if (members.length === 0) {
        refuse(
          'NO_APPROVER',
          `Approval step "${spec.id}" resolved no approver, and its fallback role "${policy.role}" has no active member. Give someone the role "${policy.role}" in the directory.`,
          { step: spec.id },
        );
      }
      assignments.push({ id: `t${++n}`, user: null, group: { role: policy.role, members }, status: 'pending', waitsFor: [], origin: 'fallback', since: now });
    }
  }
  if (spec.mode === 'sequential') {
    for (let i = 1; i < assignments.length; i++) assignments[i] = { ...assignments[i]!, waitsFor: [assignments[i - 1]!.id] };
  }
  const nobody = assignments.length === 0;
  const state: ApprovalStepState = {
    spec,
    round: (prev?.round ?? 0) + 1,
    active: true,
    enteredAt: now,
    dueAt: facts.dueAt,
    assignments,
    acts,
    cc: [],
    outcome: nobody ? { kind: 'approved' } : null,
    nextTask: n + 1,
  };
  const resume = ctx.approvalFlow.resume?.step === spec.id ? { resume: null } : {};
  const base = withStep(ctx, state, { ...resume, ...(nobody ? { lastApproved: { step: spec.id, users: [] } } : {}) });
  return settle(base, state, [], 'entered');
}

function parseTaskId(taskId: string): { round: number | undefined; task: string } {
  const parts = taskId.split(':');
  const task = parts.at(-1) ?? taskId;
  const round = parts.length >= 2 ? Number(parts.at(-2)) : undefined;
  return { round: Number.isInteger(round) ? round : undefined, task };
}

function isAdmin(actor: Actor): boolean {
  return actor.roles.includes('admin');
}

/**
 * Apply one person's (or the system's) act to a step. Pure: returns the new context and effects,
 * or throws a DocketError (`FORBIDDEN`, `OPERATION_NOT_ALLOWED`) saying why the act is refused.
 *
 * @example
 * ```ts
 * import { applyApproval, approvalContext, enterStep, users } from 'docket';
 * const facts = { directory: undefined, now: 0 };
 * const entered = enterStep(approvalContext({ $actor: { id: 'li', roles: [] } }), { id: 'legal', mode: 'all', approvers: users('zhao') }, { ...facts, dueAt: null });
 * const done = applyApproval(entered.context, 'legal', { type: 'APPROVE', $actor: { id: 'zhao', roles: [] } }, facts);
 * done.context.approvals['legal']?.outcome; // { kind: 'approved' }
 * ```
 */
export function applyApproval<C extends ApprovalContext>(ctx: C, stepId: string, event: ApprovalInput, facts: ReduceFacts): ApprovalChange<C> {
  const state = ctx.approvals[stepId];
  const type = event.type as ApprovalOperation | 'TIMEOUT' | 'REMIND_TIMER';
  const actor: Actor = event.$actor ?? { id: SYSTEM, roles: ['system'] };
  const now = event.$at ?? facts.now;
  const principal = event.$onBehalfOf ?? actor.id;
  const comment = typeof event['comment'] === 'string' ? (event['comment'] as string) : undefined;
  const details = { step: stepId, event: type, actor: actor.id };
  if (!state || state.outcome) {
    return refuse('OPERATION_NOT_ALLOWED', `Approval step "${stepId}" is not waiting for decisions${state?.outcome ? ` (it was ${state.outcome.kind})` : ''}; check engine.tasks() for what is open.`, details);
  }
  const spec = state.spec;
  if (type !== 'TIMEOUT' && type !== 'REMIND_TIMER' && spec.operations && !spec.operations.includes(type)) {
    return refuse('OPERATION_NOT_ALLOWED', `Step "${stepId}" does not allow ${type}; it allows [${spec.operations.join(', ')}].`, details);
  }
  const before = state.assignments;
  let wanted: string | undefined;
  if (typeof event['taskId'] === 'string') {
    const { round, task } = parseTaskId(event['taskId'] as string);
    if (round !== undefined && round !== state.round) {
      return refuse('OPERATION_NOT_ALLOWED', `Task ${String(event['taskId'])} belongs to round ${round} of step "${stepId}", which is now in round ${state.round}; reload the inbox.`, details);
    }
    wanted = task;
  }
  const act = (extra: Partial<ApprovalAct> & { type: ApprovalAct['type'] }): ApprovalAct => ({
    by: actor.id,
    at: now,
    ...(principal !== actor.id ? { onBehalfOf: principal } : {}),
    ...(comment === undefined ? {} : { comment }),
    ...extra,
  });
  /** The actor's own task that may act now (as assignee, delegate, stand-in or group member). */
  const mine = (): { task: ApprovalAssignment; onBehalfOf: string | undefined } => {
    for (const a of actionable(state.assignments)) {
      if (wanted !== undefined && a.id !== wanted) continue;
      if (a.user === principal) return { task: a, onBehalfOf: principal !== actor.id ? principal : undefined };
      if (a.delegate === actor.id && a.user !== null) return { task: a, onBehalfOf: a.user };
      if (a.user === null && a.group?.members.includes(principal)) return { task: { ...a, user: principal }, onBehalfOf: principal !== actor.id ? principal : undefined };
    }
    const now = actionable(state.assignments).flatMap(peopleOf);
    const waiting = state.assignments.some((a) => a.status === 'pending' && a.user === principal);
    return refuse(
      'FORBIDDEN',
      waiting
        ? `${principal} is an approver of step "${stepId}" but it is not their turn yet; wait for [${now.join(', ')}].`
        : `${actor.id} is not a current assignee of step "${stepId}" (current: [${now.join(', ')}]). Only a current assignee, their delegate or stand-in may do this.`,
      details,
    );
  };
  const replace = (task: ApprovalAssignment, list = state.assignments) => list.map((a) => (a.id === task.id ? task : a));
  const update = (patch: Partial<ApprovalStepState>, record: ApprovalAct | null, flow: Partial<ApprovalContext['approvalFlow']> = {}) => {
    const next: ApprovalStepState = { ...state, ...patch, acts: record ? [...state.acts, record] : state.acts };
    return settle(withStep(ctx, next, flow), next, before, type.toLowerCase());
  };
  const activeUser = (id: string) => {
    const u = facts.directory?.user(id);
    if (facts.directory && (!u || u.active === false)) {
      refuse('OPERATION_NOT_ALLOWED', `${id} is unknown to the directory or no longer active; choose someone who can act.`, { ...details, user: id });
    }
  };
  /** Rewire assignments that waited for `oldId` to wait for `newIds` instead. */
  const rewire = (list: readonly ApprovalAssignment[], oldId: string, newIds: readonly string[]) =>
    list.map((a) => (a.waitsFor.includes(oldId) ? { ...a, waitsFor: [...a.waitsFor.filter((w) => w !== oldId), ...newIds] } : a));
  let nextNo = state.nextTask;
  const newTask = (user: string, origin: ApprovalAssignment['origin'], waitsFor: readonly string[]): ApprovalAssignment => ({
    id: `t${nextNo++}`,
    user,
    status: 'pending',
    waitsFor,
    origin,
    since: now,
  });

  switch (type) {
    case 'APPROVE':
    case 'REJECT': {
      const { task, onBehalfOf } = mine();
      const done: ApprovalAssignment = { ...task, status: type === 'APPROVE' ? 'approved' : 'rejected', actedAt: now, ...(comment === undefined ? {} : { comment }) };
      return update({ assignments: replace(done) }, act({ type, task: task.id, ...(onBehalfOf ? { onBehalfOf } : {}) }), { acted: true });
    }
    case 'REQUEST_CHANGES':
    case 'RETURN': {
      const { task, onBehalfOf } = mine();
      const to = returnTarget(spec, type === 'REQUEST_CHANGES' ? 'submitter' : (event['to'] as string | undefined));
      if (type === 'REQUEST_CHANGES' && comment === undefined) refuse('INVALID_ARGUMENT', 'REQUEST_CHANGES needs a comment telling the submitter what to change.', details);
      const done: ApprovalAssignment = { ...task, status: 'rejected', actedAt: now, ...(comment === undefined ? {} : { comment }) };
      return update({ assignments: replace(done), outcome: { kind: 'returned', to } }, act({ type, task: task.id, to, ...(onBehalfOf ? { onBehalfOf } : {}) }), { acted: true });
    }
    case 'ADD_SIGNER': {
      const { task } = mine();
      const added = (event['users'] as readonly string[] | undefined) ?? [];
      const position = (event['position'] as 'before' | 'after' | 'alongside' | undefined) ?? 'after';
      for (const u of added) {
        activeUser(u);
        if (state.assignments.some((a) => a.user === u && a.status === 'pending')) {
          refuse('OPERATION_NOT_ALLOWED', `${u} already has an open task in step "${stepId}"; add someone else.`, { ...details, user: u });
        }
      }
      let list = replace(task);
      const created: ApprovalAssignment[] = [];
      if (position === 'before') {
        for (const u of added) created.push(newTask(u, 'add-before', task.waitsFor));
        list = list.map((a) => (a.id === task.id ? { ...a, waitsFor: created.map((c) => c.id) } : a));
        list = [...list.slice(0, list.findIndex((a) => a.id === task.id)), ...created, ...list.slice(list.findIndex((a) => a.id === task.id))];
      } else if (position === 'after') {
        let prevId = task.id;
        for (const u of added) {
          const c = newTask(u, 'add-after', [prevId]);
          created.push(c);
          prevId = c.id;
        }
        list = rewire(list, task.id, [prevId]);
        const at = list.findIndex((a) => a.id === task.id) + 1;
        list = [...list.slice(0, at), ...created, ...list.slice(at)];
      } else {
        for (const u of added) created.push(newTask(u, 'add-alongside', task.waitsFor));
        list = rewire(list, task.id, [task.id, ...created.map((c) => c.id)]);
        const at = list.findIndex((a) => a.id === task.id) + 1;
        list = [...list.slice(0, at), ...created, ...list.slice(at)];
      }
      return update({ assignments: list, nextTask: nextNo }, act({ type, task: task.id, users: added, to: position }));
    }
    case 'REMOVE_SIGNER': {
      const user = event['user'] as string;
      const isAssignee = actionable(state.assignments).some((a) => a.user === principal || a.delegate === actor.id);
      if (!isAssignee && actor.id !== ctx.initiator && !isAdmin(actor)) {
        refuse('FORBIDDEN', `Only a current assignee of step "${stepId}", the initiator or an administrator may remove a signer; ${actor.id} is none of these.`, details);
      }
      const open = state.assignments.find((a) => a.user === user && a.status === 'pending');
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
      if (counted(state.assignments).length <= 1) {
        refuse('OPERATION_NOT_ALLOWED', `${user} is the last approver of step "${stepId}"; transfer the task instead of removing it.`, { ...details, user });
      }
      let list = state.assignments.map((a) => (a.id === open.id ? { ...a, status: 'removed' as const, actedAt: now } : a));
      list = rewire(list, open.id, open.waitsFor);
      return update({ assignments: list }, act({ type, task: open.id, users: [user] }));
    }
    case 'TRANSFER':
    case 'DELEGATE': {
      const to = event['to'] as string;
      activeUser(to);
      const from = event['from'] as string | undefined;
      let task: ApprovalAssignment | undefined;
      if (from !== undefined && from !== principal) {
        if (!isAdmin(actor)) refuse('FORBIDDEN', `Only an administrator may ${type.toLowerCase()} ${from}'s task; ${actor.id} may hand over only their own.`, details);
        task = state.assignments.find((a) => a.status === 'pending' && a.user === from && (wanted === undefined || a.id === wanted));
        if (!task) refuse('OPERATION_NOT_ALLOWED', `${from} has no open task in step "${stepId}".`, details);
      } else {
        task = state.assignments.find((a) => a.status === 'pending' && (a.user === principal || a.delegate === actor.id) && (wanted === undefined || a.id === wanted)) ?? mine().task;
      }
      const t = task as ApprovalAssignment;
      if (t.user === to) refuse('OPERATION_NOT_ALLOWED', `The task is already ${to}'s.`, details);
      if (type === 'DELEGATE') {
        return update({ assignments: replace({ ...t, delegate: to }) }, act({ type, task: t.id, to }));
      }
      const moved = newTask(to, 'transfer', t.waitsFor);
      let list = state.assignments.map((a) => (a.id === t.id ? { ...a, status: 'transferred' as const, actedAt: now } : a));
      list = rewire(list, t.id, [moved.id]);
      const at = list.findIndex((a) => a.id === t.id) + 1;
      list = [...list.slice(0, at), moved, ...list.slice(at)];
      return update({ assignments: list, nextTask: nextNo }, act({ type, task: t.id, to, ...(from !== undefined ? { onBehalfOf: from } : {}) }));
    }
    case 'CLAIM': {
      const task = actionable(state.assignments).find((a) => a.user === null && a.group?.members.includes(principal) && (wanted === undefined || a.id === wanted));
      if (!task) {
        return refuse('OPERATION_NOT_ALLOWED', `Step "${stepId}" has no unclaimed group task for ${principal}; it may already be claimed.`, details);
      }
      return update({ assignments: replace({ ...task, user: principal }) }, act({ type: 'CLAIM', task: task.id }));
    }
    case 'WITHDRAW': {
      if (actor.id !== ctx.initiator) refuse('FORBIDDEN', `Only the initiator (${ctx.initiator}) may withdraw this request.`, details);
      const policy = spec.withdraw ?? 'untilActed';
      if (policy === 'never') refuse('OPERATION_NOT_ALLOWED', `Step "${stepId}" does not allow withdrawal; ask an administrator to terminate the instance.`, details);
      if (policy === 'untilActed' && ctx.approvalFlow.acted) {
        refuse('OPERATION_NOT_ALLOWED', `Someone has already acted on this request, so it can no longer be withdrawn (撤回); ask the current approver to return it instead.`, details);
      }
      return update({ outcome: { kind: 'withdrawn' } }, act({ type: 'WITHDRAW' }), { acted: false, resume: null });
    }
    case 'CC': {
      const to = (event['users'] as readonly string[] | undefined) ?? [];
      const involved = actor.id === ctx.initiator || isAdmin(actor) || state.assignments.some((a) => a.user === principal || a.delegate === actor.id);
      if (!involved) refuse('FORBIDDEN', `Only the initiator, an approver of step "${stepId}" or an administrator may copy others in (抄送).`, details);
      const next = { ...state, cc: [...new Set([...state.cc, ...to])], acts: [...state.acts, act({ type: 'CC', users: to })] };
      const effect: ApprovalEffect = { type: 'approval.cc', params: { step: stepId, round: state.round, to, by: actor.id, ...(comment === undefined ? {} : { comment }) } };
      return { context: withStep(ctx, next), effects: [effect] };
    }
    case 'REMIND':
    case 'REMIND_TIMER': {
      if (type === 'REMIND' && actor.id !== ctx.initiator && !isAdmin(actor)) {
        refuse('FORBIDDEN', `Only the initiator or an administrator may send a reminder (催办) for step "${stepId}".`, details);
      }
      const to = [...new Set(actionable(state.assignments).flatMap(peopleOf))];
      const next = { ...state, acts: [...state.acts, act({ type: 'REMIND', users: to })] };
      const effect: ApprovalEffect = {
        type: 'approval.remind',
        params: { step: stepId, round: state.round, to, by: actor.id, reason: type === 'REMIND' ? 'asked' : 'schedule', ...(comment === undefined ? {} : { comment }) },
      };
      return { context: withStep(ctx, next), effects: [effect] };
    }
    case 'TIMEOUT': {
      const then = spec.deadline?.then ?? { kind: 'approve' };
      const open = actionable(state.assignments).map((a) => a.id);
      if (then.kind === 'escalate') {
        const members = facts.directory?.usersWithRole(then.role).map((u) => u.id) ?? [];
        if (members.length === 0) return { context: ctx, effects: [] };
        const group: ApprovalAssignment = { id: `t${nextNo++}`, user: null, group: { role: then.role, members }, status: 'pending', waitsFor: [], origin: 'escalation', since: now };
        let list = state.assignments.map((a) => (open.includes(a.id) ? { ...a, status: 'transferred' as const, actedAt: now } : a));
        for (const id of open) list = rewire(list, id, [group.id]);
        return update({ assignments: [...list, group], nextTask: nextNo }, act({ type: 'TIMEOUT', to: then.role }));
      }
      if (then.kind === 'approve') {
        const list = state.assignments.map((a) => (a.status === 'pending' ? { ...a, status: 'approved' as const, auto: 'timeout' as const, actedAt: now } : a));
        return update({ assignments: list, outcome: { kind: 'approved' } }, act({ type: 'TIMEOUT', to: 'approve' }), { lastApproved: { step: stepId, users: [] } });
      }
      const list = state.assignments.map((a) => (open.includes(a.id) ? { ...a, status: 'rejected' as const, auto: 'timeout' as const, actedAt: now } : a));
      const rejection = spec.rejection ?? 'end';
      const outcome = rejection === 'end' ? ({ kind: 'rejected' } as const) : ({ kind: 'returned', to: returnTarget(spec, rejection.return) } as const);
      return update({ assignments: list, outcome }, act({ type: 'TIMEOUT', to: 'reject' }));
    }
    default:
      return refuse('EVENT_NOT_ACCEPTED', `Approval steps do not handle "${String(type)}".`, details);
  }
}

/** Whether `taskId` (full inbox id or short `t3`) names an assignment of this step's current round.
 */
export function taskInStep(state: ApprovalStepState, taskId: string): boolean {
  const { round, task } = parseTaskId(taskId);
  const parts = taskId.split(':');
  const step = parts.length >= 3 ? parts.at(-3) : undefined;
  if (step !== undefined && step !== state.spec.id) return false;
  return (round === undefined || round === state.round) && state.assignments.some((a) => a.id === task);
}
