// The rules every approval step obeys after every act, written once: the reducer checks them after
// each operation (and on entry), so no operation can break what its siblings already refuse.
import { DocketError, type DocketErrorCode } from '../errors.js';
import { holdersOf, needed, reachableApprovals, seatedPeople, voters, votesOf } from './approval-decision.js';
import type { ApprovalStepState } from './approval-types.js';

/** The invariants, by name. */
export type StepInvariant =
  /**
   * A person holds at most one live assignment (open, queued or already decided) per step round, so
   * votes count distinct people. A task's delegate (委托) holds it while it is open, and whoever
   * decided a task for its assignee (delegate or stand-in 代理) holds it too; nobody casts two votes.
   */
  | 'one-seat-per-person'
  /** An outcome comes only from votes, a deadline (TIMEOUT), a withdrawal or an entry policy. */
  | 'outcome-from-votes'
  /** While undecided, enough distinct people can still approve for the step's mode to pass. */
  | 'mode-reachable'
  /**
   * With `initiatorIsApprover: 'skip'` or `'supervisor'`, the initiator never decides their own
   * request in the step: they hold no seat in it (as assignee, delegate, stand-in, added signer or
   * group member who claimed), whichever operation would give them one.
   */
  | 'initiator-not-approver';

/** One broken invariant, with a sentence saying what is wrong and what to do. */
export interface StepViolation {
  readonly invariant: StepInvariant;
  readonly message: string;
  /** The person concerned, when there is one. */
  readonly user?: string;
}

/** Which outcomes each act may produce: votes, the deadline, the initiator's withdrawal, entry policies. */
const MAY_DECIDE: Readonly<Record<string, readonly string[]>> = {
  APPROVE: ['approved'],
  REJECT: ['rejected', 'returned'],
  REQUEST_CHANGES: ['returned'],
  RETURN: ['returned'],
  'TIMEOUT:approve': ['approved'],
  'TIMEOUT:reject': ['rejected', 'returned'],
  'TIMEOUT:escalate': [],
  WITHDRAW: ['withdrawn'],
  ENTER: ['approved'],
};

/** Whether the step, while undecided, can still pass under its mode. */
function reachable(state: ApprovalStepState): boolean {
  const votes = votesOf(state.assignments);
  if (votes.length === 0) return false;
  const mode = state.spec.mode;
  if ((mode === 'sequential' || mode === 'all' || mode === 'any') && votes.some((v) => v.status === 'rejected')) return false;
  return reachableApprovals(state.assignments) >= needed(mode, votes.length);
}

/** Whether an `approved` outcome is backed by enough approved votes (or an entry with nobody to ask). */
function approvedByVotes(state: ApprovalStepState): boolean {
  const votes = votesOf(state.assignments);
  if (votes.length === 0) return true;
  return votes.filter((v) => v.status === 'approved').length >= needed(state.spec.mode, votes.length);
}

/**
 * Every invariant `after` breaks, given the step before the act (`undefined` on entry) and the
 * act's type (`'ENTER'` on entry, `'TIMEOUT:<then.kind>'` for a deadline), and the instance's
 * `initiator` (without it, `initiator-not-approver` is not checked). A violation already present before the act is not reported again,
 * so a step stored before a rule existed is never locked by it.
 *
 * @example
 * ```ts
 * import { type ApprovalStepState } from 'docket';
 * import { stepViolations } from './step-invariants.js';
 * declare const before: ApprovalStepState, after: ApprovalStepState;
 * stepViolations(before, after, 'TRANSFER').map((v) => v.invariant); // e.g. ['one-seat-per-person']
 * ```
 */
export function stepViolations(before: ApprovalStepState | undefined, after: ApprovalStepState, act: string, initiator?: string): StepViolation[] {
  const out: StepViolation[] = [];
  const step = after.spec.id;
  const sameRound = before !== undefined && before.round === after.round;
  const tally = (names: readonly string[]) => {
    const n = new Map<string, number>();
    for (const u of names) n.set(u, (n.get(u) ?? 0) + 1);
    return n;
  };
  // Counted per person, before and after: a state stored before a rule existed keeps what it had
  // (never locked by it), but nobody takes a further seat or casts a further vote.
  const seatsBefore = tally(sameRound ? seatedPeople(before.assignments) : []);
  const votesBefore = tally(sameRound ? voters(before.assignments) : []);
  const votesAfter = tally(voters(after.assignments));
  const reported = new Set<string>();
  for (const [user, n] of tally(seatedPeople(after.assignments))) {
    if (n < 2 || n <= (seatsBefore.get(user) ?? 0)) continue;
    reported.add(user);
    out.push({
      invariant: 'one-seat-per-person',
      user,
      message: `${user} already holds an assignment in step "${step}" (round ${after.round}), as an approver, a delegate (委托) or a stand-in (代理) who acted for someone; one person has one vote per step. Choose someone else.`,
    });
  }
  for (const [user, n] of votesAfter) {
    if (n < 2 || n <= (votesBefore.get(user) ?? 0) || reported.has(user)) continue;
    out.push({
      invariant: 'one-seat-per-person',
      user,
      message: `${user} already voted in step "${step}" (round ${after.round}); one person has one vote per step, also when acting for someone else (委托, 代理). The other assignee must act themselves.`,
    });
  }
  const policy = after.spec.initiatorIsApprover ?? 'keep';
  if (initiator !== undefined && policy !== 'keep' && !reported.has(initiator)) {
    // The entry's own skipped seat (auto: 'initiator') is the policy at work, not a seat to decide with.
    const seatsOf = (s: ApprovalStepState) => s.assignments.filter((a) => a.auto !== 'initiator' && holdersOf(a).includes(initiator)).length;
    if (seatsOf(after) > (sameRound ? seatsOf(before) : 0)) {
      out.push({
        invariant: 'initiator-not-approver',
        user: initiator,
        message: `${initiator} started this request, and step "${step}" does not let the initiator decide their own request (initiatorIsApprover: '${policy}'), so they cannot take a task in it (as approver, added signer, delegate, stand-in or group member). Choose someone else.`,
      });
    }
  }
  const decidedNow = after.outcome !== null && (before?.outcome ?? null) === null;
  const kind = after.outcome?.kind ?? '';
  if (decidedNow && !(MAY_DECIDE[act] ?? []).includes(kind) && !(kind === 'approved' && approvedByVotes(after))) {
    out.push({
      invariant: 'outcome-from-votes',
      message: `${act} would decide step "${step}" (${kind}) without a vote, a deadline or a policy saying so: the ${needed(after.spec.mode, votesOf(after.assignments).length)} approval(s) its mode needs would no longer be reachable from distinct people (at most ${reachableApprovals(after.assignments)}). Leave enough approvers, or add someone first.`,
    });
  }
  const wasReachable = before === undefined || before.outcome !== null || before.round !== after.round || reachable(before);
  if (after.outcome === null && wasReachable && !reachable(after)) {
    const live = votesOf(after.assignments).length;
    const need = needed(after.spec.mode, live);
    out.push({
      invariant: 'mode-reachable',
      message:
        live === 0
          ? `After ${act}, step "${step}" would have nobody left to decide it. Transfer the task instead, or add someone first.`
          : `After ${act}, step "${step}" could no longer reach the ${need} approval(s) its mode needs from distinct people (at most ${reachableApprovals(after.assignments)}). Add an approver first, or transfer instead.`,
    });
  }
  return out;
}

/**
 * Refuse an act whose result breaks a step invariant: throws a {@link DocketError} (`code`, by
 * default `OPERATION_NOT_ALLOWED`; details name the step, the invariant and the person) and
 * returns nothing otherwise. The reducer runs it after every operation and on entry.
 *
 * @example
 * ```ts
 * import { type ApprovalStepState } from 'docket';
 * import { checkStepInvariants } from './step-invariants.js';
 * declare const before: ApprovalStepState, after: ApprovalStepState;
 * checkStepInvariants(before, after, { act: 'REMOVE_SIGNER' }); // throws OPERATION_NOT_ALLOWED when after breaks a rule
 * ```
 */
export function checkStepInvariants(
  before: ApprovalStepState | undefined,
  after: ApprovalStepState,
  options: { readonly act: string; readonly code?: DocketErrorCode; readonly details?: Readonly<Record<string, unknown>>; readonly initiator?: string },
): void {
  const [first] = stepViolations(before, after, options.act, options.initiator);
  if (!first) return;
  throw new DocketError(options.code ?? 'OPERATION_NOT_ALLOWED', first.message, {
    ...options.details,
    step: after.spec.id,
    invariant: first.invariant,
    ...(first.user === undefined ? {} : { user: first.user }),
  });
}
