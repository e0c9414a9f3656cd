import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  isDocketError,
  role,
  staticDirectory,
  users,
  type ApprovalContext,
  type ApprovalMode,
  type ApprovalStepSpec,
  type ApprovalStepState,
  type ApproverRule,
} from '../src/index.js';
import { needed } from '../src/approvals/approval-decision.js';
import { applyApproval } from '../src/approvals/approval-reducer.js';
import { approvalContext } from '../src/approvals/approval-types.js';
import { enterStep } from '../src/approvals/operations/enter-step.js';

// Model-based test of the approval reducer (the pure function every engine send goes through):
// random steps of every mode, random sequences of every operation by random actors, and after each
// act the invariants are checked here, independently of the reducer's own checker:
//   1. one seat per person per step (votes count distinct people),
//   2. an outcome only from votes, a deadline, a withdrawal or an entry policy,
//   3. an undecided step can still pass (exact search over who could fill each open slot),
//   4. every refusal is a DocketError and changes nothing.

const PEOPLE = ['zhao', 'qian', 'sun', 'wu', 'zheng', 'wang'] as const;
const INITIATOR = 'li';
const ADMIN = 'feng';
const directory = staticDirectory({
  users: [
    ...PEOPLE.map((id, i) => ({ id, roles: i < 4 ? ['r'] : [] })),
    { id: INITIATOR, roles: ['r'] },
    { id: ADMIN, roles: ['admin'] },
    { id: 'gone', roles: ['r'], active: false },
  ],
});
const everyone = [...PEOPLE, INITIATOR, ADMIN, 'gone'];
const STEP = 's';

const modeArb: fc.Arbitrary<ApprovalMode> = fc.oneof(
  fc.constantFrom<ApprovalMode>('sequential', 'all', 'any', { ratio: 0.5 }, { ratio: 0.5, strict: true }, { ratio: 1 }),
  fc.integer({ min: 1, max: 4 }).map((count) => ({ count })),
);

const specArb: fc.Arbitrary<ApprovalStepSpec> = fc
  .record({
    mode: modeArb,
    named: fc.uniqueArray(fc.constantFrom(...PEOPLE, INITIATOR, 'gone'), { minLength: 0, maxLength: 4 }),
    claimGroup: fc.boolean(),
    whenNobody: fc.constantFrom<NonNullable<ApprovalStepSpec['whenNobody']>>('approve', { role: 'r' }, 'refuse'),
    whenTooFew: fc.constantFrom<NonNullable<ApprovalStepSpec['whenTooFew']>>('refuse', 'lower', { role: 'r' }),
    initiatorIsApprover: fc.constantFrom<NonNullable<ApprovalStepSpec['initiatorIsApprover']>>('keep', 'skip'),
    rejection: fc.constantFrom<NonNullable<ApprovalStepSpec['rejection']>>('end', { return: 'submitter' }),
    withdraw: fc.constantFrom<NonNullable<ApprovalStepSpec['withdraw']>>('untilActed', 'anytime', 'never'),
    then: fc.constantFrom<NonNullable<ApprovalStepSpec['deadline']>['then']>({ kind: 'approve' }, { kind: 'reject' }, { kind: 'escalate', role: 'r' }),
  })
  .map((r) => {
    const approvers: ApproverRule[] = [users(...r.named), ...(r.claimGroup ? [role('r', { claim: true })] : [])];
    return {
      id: STEP,
      mode: r.mode,
      approvers,
      whenNobody: r.whenNobody,
      whenTooFew: r.whenTooFew,
      initiatorIsApprover: r.initiatorIsApprover,
      rejection: r.rejection,
      returns: { submitter: true },
      withdraw: r.withdraw,
      deadline: { after: 'due', then: r.then },
    };
  });

const person = fc.constantFrom(...everyone);
const actorArb = fc.constantFrom(...PEOPLE, INITIATOR, ADMIN);

/** One act: an approval event (with its actor) or re-entering the step after it was decided. */
type Act = { readonly type: string; readonly actor: string; readonly [key: string]: unknown };
const actArb: fc.Arbitrary<Act> = fc.oneof(
  fc.record({ type: fc.constantFrom('APPROVE', 'REJECT'), actor: actorArb }),
  fc.record({ type: fc.constant('REQUEST_CHANGES'), actor: actorArb, comment: fc.constant('fix it') }),
  fc.record({ type: fc.constant('RETURN'), actor: actorArb, to: fc.constant('submitter') }),
  fc.record({ type: fc.constant('ADD_SIGNER'), actor: actorArb, users: fc.uniqueArray(person, { minLength: 1, maxLength: 2 }), position: fc.constantFrom('before', 'after', 'alongside') }),
  fc.record({ type: fc.constant('REMOVE_SIGNER'), actor: actorArb, user: person }),
  fc.record({ type: fc.constantFrom('TRANSFER', 'DELEGATE'), actor: actorArb, to: person }),
  // 离职转办 as the engine sends it: an administrator transfers `from`'s assignment (open or queued).
  fc.record({ type: fc.constant('TRANSFER'), actor: fc.constant(ADMIN), from: person, to: person }),
  fc.record({ type: fc.constantFrom('CLAIM', 'WITHDRAW', 'REMIND'), actor: actorArb }),
  fc.record({ type: fc.constant('CC'), actor: actorArb, users: fc.uniqueArray(person, { minLength: 1, maxLength: 2 }) }),
  fc.record({ type: fc.constantFrom('TIMEOUT', 'REMIND_TIMER'), actor: fc.constant('docket:system') }),
  fc.record({ type: fc.constant('REENTER'), actor: fc.constant('docket:system') }),
);

const live = (s: ApprovalStepState) => s.assignments.filter((a) => a.status !== 'removed' && a.status !== 'transferred');
const approvalsOf = (s: ApprovalStepState) => live(s).filter((a) => a.status === 'approved' || a.status === 'skipped');

/** The most open slots that distinct people without a seat could fill (exhaustive search; steps are small). */
function bestFill(slots: readonly (readonly string[])[], used: ReadonlySet<string>): number {
  if (slots.length === 0) return 0;
  const [first, ...rest] = slots;
  let best = bestFill(rest, used);
  for (const p of first!) if (!used.has(p)) best = Math.max(best, 1 + bestFill(rest, new Set([...used, p])));
  return best;
}

function reachable(s: ApprovalStepState): boolean {
  const l = live(s);
  if (l.length === 0) return false;
  const seats = new Set(l.filter((a) => a.user !== null).map((a) => a.user as string));
  const open = l.filter((a) => a.status === 'pending');
  const personal = open.filter((a) => a.user !== null).length;
  const groups = open.filter((a) => a.user === null).map((a) => a.group?.members ?? []);
  return approvalsOf(s).length + personal + bestFill(groups, seats) >= needed(s.spec.mode, l.length);
}

/** The invariants after an accepted act (`act` is the event type, `ENTER` or `TIMEOUT:<kind>`). */
function checkAfter(before: ApprovalStepState | undefined, after: ApprovalStepState, act: string): void {
  const seated = live(after).filter((a) => a.user !== null).map((a) => a.user as string);
  expect(new Set(seated).size, `one seat per person after ${act}: ${seated.join(',')}`).toBe(seated.length);
  const newly = after.outcome !== null && (before === undefined || before.outcome === null || before.round !== after.round);
  if (newly) {
    const kind = after.outcome!.kind;
    const byVotes = kind === 'approved' && new Set(approvalsOf(after).map((a) => a.user)).size >= needed(after.spec.mode, live(after).length);
    const allowed: Record<string, readonly string[]> = {
      APPROVE: ['approved'],
      REJECT: ['rejected', 'returned'],
      REQUEST_CHANGES: ['returned'],
      RETURN: ['returned'],
      WITHDRAW: ['withdrawn'],
      'TIMEOUT:approve': ['approved'],
      'TIMEOUT:reject': ['rejected', 'returned'],
      // Entering with nobody to ask and whenNobody: 'approve' is an explicit policy.
      ENTER: after.spec.whenNobody === 'approve' && live(after).length === 0 ? ['approved'] : [],
    };
    expect(byVotes || (allowed[act] ?? []).includes(kind), `outcome ${kind} after ${act}`).toBe(true);
    if (kind === 'approved' && act !== 'TIMEOUT:approve' && live(after).length > 0) expect(byVotes, `approved by distinct people after ${act}`).toBe(true);
  } else if (after.outcome === null) {
    expect(reachable(after), `the mode stays reachable after ${act}`).toBe(true);
  }
}

function expectRefusal(error: unknown, frozen: string, ctx: ApprovalContext): void {
  expect(isDocketError(error), `refusal is a DocketError: ${String(error)}`).toBe(true);
  expect(JSON.stringify(ctx)).toBe(frozen);
}

describe('approval step invariants under random operations (model-based)', () => {
  it('hold after every act, and every refusal is a DocketError that changed nothing', () => {
    let accepted = 0;
    let refused = 0;
    fc.assert(
      fc.property(specArb, fc.array(actArb, { minLength: 1, maxLength: 25 }), (spec, acts) => {
        let now = 0;
        let ctx: ApprovalContext = approvalContext({ $actor: { id: INITIATOR, roles: ['r'] } });
        const enter = (): boolean => {
          const frozen = JSON.stringify(ctx);
          const before = ctx.approvals[STEP];
          try {
            ctx = enterStep(ctx, spec, { directory, now, dueAt: null }).context;
          } catch (error) {
            expectRefusal(error, frozen, ctx);
            expect((error as { code: string }).code).toBe('NO_APPROVER');
            return false;
          }
          checkAfter(before, ctx.approvals[STEP]!, 'ENTER');
          return true;
        };
        if (!enter()) return;
        for (const act of acts) {
          now += 60_000;
          const before = ctx.approvals[STEP]!;
          if (act.type === 'REENTER') {
            if (before.outcome !== null && !enter()) return;
            continue;
          }
          const { actor, ...payload } = act;
          const event = { ...payload, $actor: { id: actor, roles: actor === ADMIN ? ['admin'] : actor === 'docket:system' ? ['system'] : [] }, $at: now };
          const frozen = JSON.stringify(ctx);
          try {
            ctx = applyApproval(ctx, STEP, event, { directory, now }).context;
            accepted++;
          } catch (error) {
            refused++;
            expectRefusal(error, frozen, ctx);
            continue;
          }
          const label = act.type === 'TIMEOUT' ? `TIMEOUT:${spec.deadline?.then.kind}` : act.type;
          checkAfter(before, ctx.approvals[STEP]!, label);
        }
      }),
      { numRuns: 1000 },
    );
    // The generator reaches both sides: many acts accepted, many refused.
    expect(accepted).toBeGreaterThan(1000);
    expect(refused).toBeGreaterThan(1000);
  });
});
