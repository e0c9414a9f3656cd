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

/** One vote of a step: the counted assignments that make it (see `ApprovalAssignment.vote`) and where it stands. */
export interface StepVote {
  readonly key: string;
  readonly members: readonly ApprovalAssignment[];
  /** `approved` once every member approved (or was passed), `rejected` at any member's rejection. */
  readonly status: 'approved' | 'rejected' | 'pending';
}

/**
 * The vote an assignment is part of: its `vote`, else a vote of its own (its id). 加签 signers and a
 * transferred or escalated task's successor carry the vote they joined; every reading of votes keys by this.
 *
 * @example
 * ```ts
 * import { voteKey } from './approval-decision.js';
 * voteKey({ id: 't2', vote: 't1' }); // 't1'
 * voteKey({ id: 't1' }); // 't1'
 * ```
 */
export function voteKey(a: Pick<ApprovalAssignment, 'id' | 'vote'>): string {
  return a.vote ?? a.id;
}

/**
 * The step's votes, in order: the counted assignments grouped by `vote` (an assignment without one is a
 * vote of its own). 加签 signers are part of the vote of the person who added them, so a 票签 or 或签
 * counts that person once, and only when they and their added signers all approved.
 *
 * @example
 * ```ts
 * import { votesOf } from './approval-decision.js';
 * const a = { id: 't1', user: 'zhao', status: 'approved' as const, waitsFor: [], origin: 'rule' as const, since: 0 };
 * votesOf([a, { ...a, id: 't2', user: 'wu', status: 'pending' as const, origin: 'add-alongside' as const, vote: 't1' }]).map((v) => v.status); // ['pending']
 * ```
 */
export function votesOf(assignments: readonly ApprovalAssignment[]): StepVote[] {
  const byKey = new Map<string, ApprovalAssignment[]>();
  for (const a of counted(assignments)) {
    const key = voteKey(a);
    const members = byKey.get(key);
    if (members) members.push(a);
    else byKey.set(key, [a]);
  }
  return [...byKey].map(([key, members]) => ({
    key,
    members,
    status: members.some((m) => m.status === 'rejected') ? 'rejected' : members.every((m) => DONE.has(m.status)) ? 'approved' : 'pending',
  }));
}

/**
 * The step's decision as soon as it is certain: approved once enough votes are in; rejected
 * once enough cannot be reached any more (or, for 依次/会签/或签, at the first rejection).
 *
 * @example
 * ```ts
 * import { decide } from './approval-decision.js';
 * const a = (id: string, status: 'pending' | 'approved' | 'rejected') => ({ id, user: id, status, waitsFor: [], origin: 'rule' as const, since: 0 });
 * decide({ count: 2 }, [a('t1', 'approved'), a('t2', 'approved'), a('t3', 'pending')]); // 'approved' (decided early)
 * decide('all', [a('t1', 'approved'), a('t2', 'rejected'), a('t3', 'pending')]); // 'rejected'
 * ```
 */
export function decide(mode: ApprovalMode, assignments: readonly ApprovalAssignment[]): 'approved' | 'rejected' | null {
  const votes = votesOf(assignments);
  const approvals = votes.filter((v) => v.status === 'approved').length;
  const rejections = votes.filter((v) => v.status === 'rejected').length;
  const need = needed(mode, votes.length);
  if (mode === 'sequential' || mode === 'all' || mode === 'any') {
    if (rejections > 0) return 'rejected';
    if (approvals >= need && votes.length > 0) return 'approved';
    if (votes.length > 0 && reachableApprovals(assignments) < need) return 'rejected';
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
 * The people holding a seat in the step's current round, each once, in the order they first appear
 * ({@link seatedPeople}: an assignee of an open, queued or decided assignment, the delegate (委托) of
 * an open one, whoever decided one for its assignee). The one reading of "who has a seat here": a
 * stand-in (代理) among them acts for nobody else in the step (`standInFor`), and the step's inbox
 * tasks carry it (`TaskRecord.seated`) so the inbox applies the same rule without the instance.
 * An unclaimed group task's members are not seated (they could claim it); a transferred (转交) or
 * removed (减签) assignment seats nobody.
 *
 * @example
 * ```ts
 * import { seatHolders } from './approval-decision.js';
 * const a = { id: 't1', user: 'zhao', status: 'approved' as const, waitsFor: [], origin: 'rule' as const, since: 0, actedBy: 'sun' };
 * seatHolders([a, { ...a, id: 't2', user: 'qian', status: 'transferred' as const }]); // ['zhao', 'sun']
 * ```
 */
export function seatHolders(assignments: readonly ApprovalAssignment[]): string[] {
  return [...new Set(seatedPeople(assignments))];
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
 * The most votes the assignments can still approve from distinct people: those already in, and each
 * open vote without a rejection whose unclaimed group slots distinct group members without a seat of
 * their own can still take (a person votes once per step).
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
  const votes = votesOf(assignments);
  let reached = 0;
  const open: (readonly (readonly string[])[])[] = [];
  for (const v of votes) {
    if (v.status === 'approved') reached++;
    if (v.status !== 'pending') continue;
    const slots = v.members.filter((m) => m.status === 'pending' && m.user === null);
    if (slots.length === 0) reached++;
    else open.push(slots.map((g) => g.group?.members ?? []));
  }
  if (open.length === 0) return reached;
  const taken = new Set(seatedPeople(assignments));
  const free = open.map((vote) => vote.map((members) => members.filter((m) => !taken.has(m))));
  // One group slot per vote (the usual case: a 认领 task, or a late task escalated): a matching.
  if (free.every((vote) => vote.length === 1)) return reached + fillable(free.map((vote) => vote[0]!));
  return reached + completable(free);
}

/** How many votes can have all their group slots filled at once, each by a distinct person (exhaustive; only for votes of several slots). */
function completable(votes: readonly (readonly (readonly string[])[])[]): number {
  let best = 0;
  const pick = (i: number, chosen: (readonly string[])[], n: number) => {
    if (n + (votes.length - i) <= best) return;
    if (i === votes.length) {
      best = n;
      return;
    }
    const withIt = [...chosen, ...votes[i]!];
    if (fillable(withIt) === withIt.length) pick(i + 1, withIt, n + 1);
    pick(i + 1, chosen, n);
  };
  pick(0, [], 0);
  return best;
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
