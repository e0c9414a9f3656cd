// Entering an approval step: resolve its approvers and open a new round.
import type { Instant } from '../../clock/clock.js';
import { activeMembers } from '../../organisation/known-user.js';
import type { ApprovalChange, ReduceFacts } from '../approval-change.js';
import type { ApprovalAct, ApprovalAssignment, ApprovalContext, ApprovalStepSpec, ApprovalStepState } from '../approval-types.js';
import { resolveApprovers, supervisorChain } from '../approver-rules.js';
import { needed, reachableApprovals } from '../approval-decision.js';
import { checkStepInvariants } from '../step-invariants.js';
import { groupMembers, refuse, settle, SYSTEM, withStep } from './reducer-helpers.js';
import { INPUT_LIMITS } from '../../engine/validate-input.js';
import { flowOnEnter } from '../submission.js';

/**
 * Enter a step (a new round): resolve its approvers through the directory, apply its policies
 * (去重, initiator, nobody resolved, too few resolved) and decide at once when nobody is left to ask.
 * `fromStep`: the instance was in an approval step just before; a request back with its submitter
 * that enters from outside the steps begins a new submission ({@link flowOnEnter}).
 * Throws `NO_APPROVER` when nobody (or fewer than the mode needs) resolved and the step refuses to start.
 *
 * @example
 * ```ts
 * import { users, withApprovals } from 'docket';
 * import { enterStep } from './enter-step.js';
 * const ctx = withApprovals().context({ $actor: { id: 'li', roles: [] } });
 * const { context } = enterStep(ctx, { id: 'legal', mode: 'all', approvers: users('zhao') }, { directory: undefined, now: 0, dueAt: null });
 * context.approvals['legal']?.assignments.map((a) => a.user); // ['zhao']
 * ```
 */
export function enterStep<C extends ApprovalContext>(ctx: C, spec: ApprovalStepSpec, facts: ReduceFacts & { readonly dueAt: Instant | null }, fromStep = false): ApprovalChange<C> {
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
  // A 认领 group two rules name (the same role) is one group task, as a person two rules name is asked
  // once: it made two tasks of the same role, each member saw it twice, and a 会签 needed two members.
  const groups = new Set<string>();
  for (const r of resolved) {
    if (r.kind === 'group') {
      if (groups.has(r.role)) continue;
      groups.add(r.role);
      const members = groupMembers(spec, ctx.initiator, r.members);
      if (members.length > 0) assignments.push({ id: `t${++n}`, user: null, group: { role: r.role, members }, status: 'pending', waitsFor: [], origin: 'rule', since: now });
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
      const members = groupMembers(spec, ctx.initiator, activeMembers(directory, policy.role));
      if (members.length === 0) {
        refuse(
          'NO_APPROVER',
          `Approval step "${spec.id}" resolved no approver, and its fallback role "${policy.role}" has no active member who may decide this request. Give someone the role "${policy.role}" in the directory.`,
          { step: spec.id },
        );
      }
      assignments.push({ id: `t${++n}`, user: null, group: { role: policy.role, members }, status: 'pending', waitsFor: [], origin: 'fallback', since: now });
    }
  }
  let effective = spec;
  const live = assignments.length;
  const need = needed(spec.mode, live);
  if (live > 0 && need > reachableApprovals(assignments)) {
    const policy = spec.whenTooFew ?? 'refuse';
    const short = need - reachableApprovals(assignments);
    const asked = assignments.flatMap((a) => (a.user !== null ? [a.user] : [...(a.group?.members ?? [])]));
    if (policy === 'refuse') {
      refuse(
        'NO_APPROVER',
        `Approval step "${spec.id}" needs ${need} approvals but only ${reachableApprovals(assignments)} distinct approver(s) resolved ([${asked.join(', ')}]; rules ${JSON.stringify(spec.approvers)}). Widen the rule, lower the mode's count, or give the step whenTooFew: 'lower' or { role: 'admin' }.`,
        { step: spec.id, needed: need, resolved: asked },
      );
    } else if (policy === 'lower') {
      const count = reachableApprovals(assignments);
      effective = { ...spec, mode: { count } };
      acts.push({ type: 'AUTO', by: SYSTEM, at: now, comment: `only ${count} approver(s) resolved; the step needs all of them instead of ${need} (whenTooFew: 'lower')` });
    } else {
      const taken = new Set(asked);
      const members = groupMembers(spec, ctx.initiator, activeMembers(directory, policy.role)).filter((m) => !taken.has(m));
      if (members.length < short) {
        refuse(
          'NO_APPROVER',
          `Approval step "${spec.id}" needs ${need} approvals, ${short} more than the ${reachableApprovals(assignments)} resolved, and its fallback role "${policy.role}" has only ${members.length} active member(s) not already asked. Give more people the role "${policy.role}".`,
          { step: spec.id, needed: need, role: policy.role },
        );
      }
      for (let i = 0; i < short; i++) {
        assignments.push({ id: `t${++n}`, user: null, group: { role: policy.role, members }, status: 'pending', waitsFor: [], origin: 'fallback', since: now });
      }
    }
  }
  if (spec.mode === 'sequential') {
    for (let i = 1; i < assignments.length; i++) assignments[i] = { ...assignments[i]!, waitsFor: [assignments[i - 1]!.id] };
  }
  const nobody = assignments.length === 0;
  const state: ApprovalStepState = {
    // The step's own copy: the machine's spec is frozen by approvalStep, and an object frozen by
    // someone else cannot carry the engine's JSON-data mark (engine/freeze-state.ts), so every commit
    // of the instance walked and hashed the spec and the context above it again. A copy is marked at
    // the entry's commit and carried, unchanged, by the step's later states.
    spec: ownCopy(effective),
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
  const submission = flowOnEnter(ctx.approvalFlow, fromStep);
  const base = withStep(ctx, state, nobody ? { ...submission, ...resume, lastApproved: { step: spec.id, users: [] } } : { ...submission, ...resume });
  const change = settle(base, state, [], 'entered');
  const after = change.context.approvals[spec.id];
  if (after) checkStepInvariants(undefined, after, { act: 'ENTER', code: 'NO_APPROVER', details: { step: spec.id }, initiator: ctx.initiator });
  return change;
}

/**
 * A copy of `value` whose plain objects and arrays are new, not frozen (anything else, such as an
 * approver rule's function, is kept by reference), for the context to own: see the step's `spec`.
 *
 * Each object is copied once, so a part the spec holds twice is one copy held twice and a part that
 * holds itself is a copy that holds itself, and nothing deeper than a context may nest is copied (it is
 * kept as it is): the engine's check of the context then refuses such a spec (`INVALID_PAYLOAD`, naming
 * the path) as it did the spec itself. Copied as a tree, a spec of 40 levels each holding the one
 * below twice took 2^40 copies (the process ran out of memory), one that held itself, or nested
 * 20,000 levels, overflowed the stack (a MACHINE_ERROR blaming the machine).
 */
function ownCopy<T>(value: T): T {
  const copies = new Map<object, unknown>();
  const copy = (node: unknown, depth: number): unknown => {
    if (typeof node !== 'object' || node === null) return node;
    const known = copies.get(node);
    if (known !== undefined) return known;
    const isArray = Array.isArray(node);
    const proto = Object.getPrototypeOf(node);
    // Past the deepest a context may nest, the engine refuses the state anyway: left as it is.
    if ((!isArray && proto !== Object.prototype && proto !== null) || depth > INPUT_LIMITS.contextDepth) return node;
    if (isArray) {
      const out: unknown[] = [];
      copies.set(node, out);
      for (const item of node as unknown[]) out.push(copy(item, depth + 1));
      return out;
    }
    const out: Record<string, unknown> = {};
    copies.set(node, out);
    for (const key of Object.keys(node)) {
      const member = copy((node as Record<string, unknown>)[key], depth + 1);
      // An own "__proto__" key stays a key (an assignment would set the copy's prototype).
      if (key === '__proto__') Object.defineProperty(out, key, { value: member, enumerable: true, writable: true, configurable: true });
      else out[key] = member;
    }
    return out;
  };
  return copy(value, 1) as T;
}
