import type { ApprovalAssignment, ApprovalMode } from './approval-types.js';

const DONE = new Set(['approved', 'skipped', 'removed', 'transferred']);

/** Assignments that count towards the decision (removed and transferred ones do not).
 */
export function counted(assignments: readonly ApprovalAssignment[]): ApprovalAssignment[] {
  return assignments.filter((a) => a.status !== 'removed' && a.status !== 'transferred');
}

/** Approvals needed to pass, of `n` counted assignments.
 *
 * @example
 * ```ts
 * import { needed } from './approval-decision.js';
 * needed({ ratio: 0.5, strict: true }, 4); // 3 (more than half of four)
 * ```
 */
export function needed(mode: ApprovalMode, n: number): number {
  if (mode === 'sequential' || mode === 'all') return n;
  if (mode === 'any') return Math.min(1, n);
  if ('count' in mode) return mode.count;
  const exact = mode.ratio * n;
  return mode.strict ? Math.floor(exact + 1e-9) + 1 : Math.ceil(exact - 1e-9);
}

/**
 * The step's decision as soon as it is certain: approved once enough approvals are in; rejected
 * once enough cannot be reached any more (or, for 依次/会签/或签, at the first rejection).
 *
 * @example
 * ```ts
 * import { decide } from './approval-decision.js';
 * const a = (status: 'pending' | 'approved' | 'rejected') => ({ id: 't', user: 'u', status, waitsFor: [], origin: 'rule' as const, since: 0 });
 * decide({ count: 2 }, [a('approved'), a('approved'), a('pending')]); // 'approved' (decided early)
 * decide('all', [a('approved'), a('rejected'), a('pending')]); // 'rejected'
 * ```
 */
export function decide(mode: ApprovalMode, assignments: readonly ApprovalAssignment[]): 'approved' | 'rejected' | null {
  const live = counted(assignments);
  const approvals = live.filter((a) => a.status === 'approved' || a.status === 'skipped').length;
  const rejections = live.filter((a) => a.status === 'rejected').length;
  const need = needed(mode, live.length);
  if (mode === 'sequential' || mode === 'all' || mode === 'any') {
    if (rejections > 0) return 'rejected';
    if (approvals >= need && live.length > 0) return 'approved';
    if (live.length > 0 && reachableApprovals(assignments) < need) return 'rejected';
    return null;
  }
  if (approvals >= need) return 'approved';
  if (reachableApprovals(assignments) < need) return 'rejected';
  return null;
}

const SEATED = new Set<ApprovalAssignment['status']>(['pending', 'approved', 'rejected', 'skipped']);

/**
 * The people holding one live (open, queued or decided) assignment: its assignee, the delegate (委托)
 * of an open one, and whoever decided it for the assignee (a delegate or a stand-in 代理, `actedBy`).
 * Each of them has used their one seat in the step on it: an open task of sun's delegated to qian is
 * held by `['sun', 'qian']`.
 */
export function holdersOf(a: ApprovalAssignment): string[] {
  if (!SEATED.has(a.status) || a.user === null) return [];
  const out = [a.user];
  if (a.status === 'pending' && a.delegate !== undefined && !out.includes(a.delegate)) out.push(a.delegate);
  if (a.actedBy !== undefined && !out.includes(a.actedBy)) out.push(a.actedBy);
  return out;
}

/** People holding a live seat, once per assignment they hold (see {@link holdersOf}): a name listed twice holds two.
 *
 * @example
 * ```ts
 * import { seatedPeople } from './approval-decision.js';
 * const a = { id: 't1', user: 'zhao', status: 'approved' as const, waitsFor: [], origin: 'rule' as const, since: 0 };
 * seatedPeople([a, { ...a, id: 't2', user: 'qian', status: 'transferred' as const }]); // ['zhao']
 * seatedPeople([a, { ...a, id: 't2', user: 'sun', status: 'pending' as const, delegate: 'zhao' }]); // ['zhao', 'sun', 'zhao']
 * ```
 */
export function seatedPeople(assignments: readonly ApprovalAssignment[]): string[] {
  return assignments.flatMap(holdersOf);
}

/**
 * Who cast each decided vote, once per vote: the person who approved or rejected an assignment
 * (`actedBy` when a delegate or stand-in decided it, else the assignee). Automatic decisions
 * (去重, initiator skipped, deadline) are nobody's vote.
 */
export function voters(assignments: readonly ApprovalAssignment[]): string[] {
  return assignments.flatMap((a) =>
    (a.status === 'approved' || a.status === 'rejected') && a.auto === undefined && a.user !== null ? [a.actedBy ?? a.user] : [],
  );
}

/**
 * The most approvals the assignments can still reach from distinct people: those already in, one per
 * pending personal assignment, and one per unclaimed group slot that a distinct group member without
 * a seat of their own can still take (a person votes once per step).
 *
 * @example
 * ```ts
 * import { reachableApprovals } from './approval-decision.js';
 * const a = { id: 't1', user: 'zhao', status: 'approved' as const, waitsFor: [], origin: 'rule' as const, since: 0 };
 * const g = { ...a, id: 't2', user: null, status: 'pending' as const, group: { role: 'legal', members: ['zhao'] } };
 * reachableApprovals([a, g]); // 1: zhao already voted, so the group slot cannot be filled
 * ```
 */
export function reachableApprovals(assignments: readonly ApprovalAssignment[]): number {
  const live = counted(assignments);
  const approvals = live.filter((a) => a.status === 'approved' || a.status === 'skipped').length;
  const personal = live.filter((a) => a.status === 'pending' && a.user !== null).length;
  const groups = live.filter((a) => a.status === 'pending' && a.user === null);
  if (groups.length === 0) return approvals + personal;
  const taken = new Set(seatedPeople(assignments));
  return approvals + personal + fillable(groups.map((g) => (g.group?.members ?? []).filter((m) => !taken.has(m))));
}

/** How many slots can get a distinct person each (a maximum bipartite matching, by augmenting paths). */
function fillable(slots: readonly (readonly string[])[]): number {
  const holder = new Map<string, number>();
  const place = (slot: number, seen: Set<string>): boolean => {
    for (const person of slots[slot]!) {
      if (seen.has(person)) continue;
      seen.add(person);
      const other = holder.get(person);
      if (other === undefined || place(other, seen)) {
        holder.set(person, slot);
        return true;
      }
    }
    return false;
  };
  let filled = 0;
  for (let slot = 0; slot < slots.length; slot++) if (place(slot, new Set())) filled++;
  return filled;
}

/** Pending assignments whose prerequisites are all done: the ones that may act now.
 *
 * @example
 * ```ts
 * import { actionable } from './approval-decision.js';
 * const a = { id: 't1', user: 'a', status: 'pending' as const, waitsFor: [], origin: 'rule' as const, since: 0 };
 * actionable([a, { ...a, id: 't2', user: 'b', waitsFor: ['t1'] }]).map((x) => x.user); // ['a']
 * ```
 */
export function actionable(assignments: readonly ApprovalAssignment[]): ApprovalAssignment[] {
  const byId = new Map(assignments.map((a) => [a.id, a]));
  return assignments.filter(
    (a) => a.status === 'pending' && a.waitsFor.every((id) => DONE.has(byId.get(id)?.status ?? 'removed')),
  );
}
