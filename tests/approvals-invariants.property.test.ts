import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { approvalAuthorize } from '../src/approvals/approval-authorize.js';
import type { ApprovalCarry } from '../src/approvals/approval-act.js';
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
  type StandIn,
} from '../src/index.js';
import { needed } from '../src/approvals/approval-decision.js';
import { applyApproval } from '../src/approvals/approval-reducer.js';
import { approvalContext } from '../src/approvals/approval-types.js';
import { enterStep } from '../src/approvals/operations/enter-step.js';
import { approvalTasks } from '../src/approvals/approval-tasks.js';
import { exitStep } from '../src/approvals/operations/exit-step.js';

// Model-based test of the approval reducer as the engine calls it: each person's act goes through the
// approval authorize hook (which picks the task, a delegate's 委托 or a stand-in's 代理 principal, and
// reduces the act once), timers go straight to the reducer. Random steps of every mode, random
// 代理 stand-ins in the directory, random sequences of every operation (委托 included) by random
// actors, and after each act the invariants are checked here, independently of the reducer's own checker:
//   1. one seat per person per step (votes count distinct people): a person holds their own
//      assignments, every open one delegated to them, and every one they decided for someone else
//      (read from the acts: who approved or rejected which task),
//   2. an outcome only from votes, a deadline, a withdrawal or an entry policy,
//   3. an undecided step can still pass (exact search over who could fill each open slot),
//   4. every refusal is a DocketError and changes nothing,
//   5. with initiatorIsApprover 'skip' or 'supervisor', the initiator holds no seat and no group slot offers them,
//   6. the inbox lists a person on a task exactly when they could act on it now.

const PEOPLE = ['zhao', 'qian', 'sun', 'wu', 'zheng', 'wang'] as const;
const INITIATOR = 'li';
const ADMIN = 'feng';
const directoryWith = (standIns: readonly StandIn[]) => staticDirectory({
  standIns,
  users: [
    ...PEOPLE.map((id, i) => ({ id, roles: i < 4 ? ['r'] : [] })),
    { id: INITIATOR, roles: ['r'] },
    { id: ADMIN, roles: ['admin'] },
    { id: 'gone', roles: ['r'], active: false },
  ],
});

/** 代理: one to four standing stand-ins among the people (in force for the whole run). */
const standInsArb: fc.Arbitrary<StandIn[]> = fc
  .uniqueArray(fc.record({ principal: fc.constantFrom(...PEOPLE), deputy: fc.constantFrom(...PEOPLE, INITIATOR) }), { minLength: 1, maxLength: 4, selector: (s) => `${s.principal}>${s.deputy}` })
  .map((list) => list.filter((s) => s.principal !== s.deputy).map((s) => ({ ...s, from: 0, to: Number.MAX_SAFE_INTEGER })));
const everyone = [...PEOPLE, INITIATOR, ADMIN, 'gone'];
const STEP = 's';
const inbox = approvalTasks();
const RUNS = 1000;

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
    initiatorIsApprover: fc.constantFrom<NonNullable<ApprovalStepSpec['initiatorIsApprover']>>('keep', 'skip', 'supervisor'),
    rejection: fc.constantFrom<NonNullable<ApprovalStepSpec['rejection']>>('end', { return: 'submitter' }),
    withdraw: fc.constantFrom<NonNullable<ApprovalStepSpec['withdraw']>>('untilActed', 'anytime', 'never'),
    then: fc.constantFrom<NonNullable<ApprovalStepSpec['deadline']>['then']>({ kind: 'approve' }, { kind: 'reject' }, { kind: 'escalate', role: 'r' }),
    dedupe: fc.boolean(),
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
      dedupe: r.dedupe,
    };
  });

const person = fc.constantFrom(...everyone);
/**
 * Who acts: a fixed person, or (`#n`, resolved when the act runs) one of those who can act on the
 * step right now: an open task's assignee, its delegate, or a stand-in of its assignee. The second
 * kind makes delegates and stand-ins act often, including those who already hold a seat.
 */
const actorArb = fc.oneof(
  { arbitrary: fc.constantFrom<string>(...PEOPLE, INITIATOR, ADMIN), weight: 1 },
  { arbitrary: fc.nat({ max: 11 }).map((n) => `#${n}`), weight: 2 },
);

function resolveActor(id: string, s: ApprovalStepState, standIns: readonly StandIn[]): string {
  if (!id.startsWith('#')) return id;
  const open = s.assignments.filter((a) => a.status === 'pending');
  const assignees = open.flatMap((a) => (a.user !== null ? [a.user] : (a.group?.members ?? [])));
  const candidates = [...new Set([...assignees, ...open.flatMap((a) => (a.delegate ? [a.delegate] : [])), ...standIns.filter((x) => assignees.includes(x.principal)).map((x) => x.deputy)])].sort();
  return candidates.length === 0 ? INITIATOR : candidates[Number(id.slice(1)) % candidates.length]!;
}

/** One act: an approval event (with its actor) or re-entering the step after it was decided. */
type Act = { readonly type: string; readonly actor: string; readonly [key: string]: unknown };
const actArb: fc.Arbitrary<Act> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constantFrom('APPROVE', 'REJECT'), actor: actorArb }), weight: 4 },
  { arbitrary: fc.record({ type: fc.constant('REQUEST_CHANGES'), actor: actorArb, comment: fc.constant('fix it') }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('RETURN'), actor: actorArb, to: fc.constant('submitter') }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('ADD_SIGNER'), actor: actorArb, users: fc.uniqueArray(person, { minLength: 1, maxLength: 2 }), position: fc.constantFrom('before', 'after', 'alongside') }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('REMOVE_SIGNER'), actor: actorArb, user: person }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('TRANSFER'), actor: actorArb, to: person }), weight: 1 },
  // 委托: often, so delegates go on to act (and try to act twice).
  { arbitrary: fc.record({ type: fc.constant('DELEGATE'), actor: actorArb, to: person }), weight: 3 },
  // 离职转办 as the engine sends it: an administrator transfers `from`'s assignment (open or queued).
  { arbitrary: fc.record({ type: fc.constant('TRANSFER'), actor: fc.constant(ADMIN), from: person, to: person }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constantFrom('CLAIM', 'WITHDRAW', 'REMIND'), actor: actorArb }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('CC'), actor: actorArb, users: fc.uniqueArray(person, { minLength: 1, maxLength: 2 }) }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constantFrom('TIMEOUT', 'REMIND_TIMER'), actor: fc.constant('docket:system') }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('REENTER'), actor: fc.constant('docket:system') }), weight: 1 },
  // The step's state node is left, decided or not (任意跳转 elsewhere, a transition of the machine's own).
  { arbitrary: fc.record({ type: fc.constant('LEAVE'), actor: fc.constant('docket:system') }), weight: 1 },
);

const live = (s: ApprovalStepState) => s.assignments.filter((a) => a.status !== 'removed' && a.status !== 'transferred');
const DECIDING = new Set(['APPROVE', 'REJECT', 'REQUEST_CHANGES', 'RETURN']);

/** Who decided assignment `id` (approved, rejected or returned it), read from the step's acts of this round. */
const deciderOf = (s: ApprovalStepState, id: string) => s.acts.find((x) => DECIDING.has(x.type) && x.task === id)?.by;

/** The people holding a live assignment: its assignee, its delegate while it is open, whoever decided it. */
function holders(s: ApprovalStepState, a: ApprovalStepState['assignments'][number]): Set<string> {
  if (a.user === null) return new Set();
  const out = new Set([a.user]);
  if (a.status === 'pending' && a.delegate !== undefined) out.add(a.delegate);
  const by = deciderOf(s, a.id);
  if (by !== undefined) out.add(by);
  return out;
}

/** Every person once per live assignment they hold. */
const seatsOf = (s: ApprovalStepState) => live(s).flatMap((a) => [...holders(s, a)]);


/**
 * The step's votes: the live assignments by the vote they are part of (加签 signers join the adder's
 * vote, a 转交 or escalation slot the vote of the task it replaces; the model checks those links from
 * the acts). A vote is approved when all its members are, rejected at any member's rejection.
 */
function votes(s: ApprovalStepState): { members: ApprovalStepState['assignments'][number][]; status: 'approved' | 'rejected' | 'pending' }[] {
  const by = new Map<string, ApprovalStepState['assignments'][number][]>();
  for (const a of live(s)) by.set(a.vote ?? a.id, [...(by.get(a.vote ?? a.id) ?? []), a]);
  return [...by.values()].map((members) => ({
    members,
    status: members.some((m) => m.status === 'rejected') ? 'rejected' : members.every((m) => m.status === 'approved' || m.status === 'skipped') ? 'approved' : 'pending',
  }));
}
const approvedVotes = (s: ApprovalStepState) => votes(s).filter((v) => v.status === 'approved');

/** The most open votes whose group slots distinct people without a seat could all fill at once (exhaustive search; steps are small). */
function bestVotes(open: readonly (readonly (readonly string[])[])[], used: ReadonlySet<string>): number {
  if (open.length === 0) return 0;
  const [first, ...rest] = open;
  let best = bestVotes(rest, used);
  const fill = (slots: readonly (readonly string[])[], taken: ReadonlySet<string>): void => {
    if (slots.length === 0) {
      best = Math.max(best, 1 + bestVotes(rest, taken));
      return;
    }
    const [slot, ...more] = slots;
    for (const p of slot!) if (!taken.has(p)) fill(more, new Set([...taken, p]));
  };
  fill(first!, used);
  return best;
}

function reachable(s: ApprovalStepState): boolean {
  const all = votes(s);
  if (all.length === 0) return false;
  const seats = new Set(seatsOf(s));
  const open = all.filter((v) => v.status === 'pending');
  const personal = open.filter((v) => v.members.every((m) => m.status !== 'pending' || m.user !== null)).length;
  const groups = open.filter((v) => v.members.some((m) => m.status === 'pending' && m.user === null)).map((v) => v.members.filter((m) => m.status === 'pending' && m.user === null).map((m) => m.group?.members ?? []));
  return approvedVotes(s).length + personal + bestVotes(groups, seats) >= needed(s.spec.mode, all.length);
}

/**
 * Who joins which vote, read from the acts: the signers a 加签 adds join the vote of the task it was
 * added to (never a vote of their own), a 转交's new task takes over the old task's vote, and an
 * escalation's slots take over late tasks' votes and complete none by closing a late task.
 */
function checkLinks(before: ApprovalStepState, after: ApprovalStepState, act: string): void {
  if (before.round !== after.round) return;
  const key = (a: { id: string; vote?: string }) => a.vote ?? a.id;
  const fresh = after.assignments.filter((a) => !before.assignments.some((b) => b.id === a.id));
  const record = after.acts.at(-1);
  if (act === 'ADD_SIGNER' || act === 'TRANSFER') {
    const source = before.assignments.find((a) => a.id === record?.task);
    expect(source, `${act} names the task it acted on`).toBeDefined();
    for (const a of fresh) expect(key(a), `${act}: ${a.user} joins the vote of ${source!.id}`).toBe(key(source!));
  }
  if (act === 'TIMEOUT:escalate' && fresh.length > 0) {
    const late = new Set(before.assignments.filter((a) => a.status === 'pending').map(key));
    for (const a of fresh) expect(late.has(key(a)), `an escalation slot takes over a late task's vote`).toBe(true);
    expect(approvedVotes(after).length, 'an escalation completes no vote').toBe(approvedVotes(before).length);
  }
}

/** Whether the step lets the initiator decide their own request (`initiatorIsApprover: 'keep'`). */
const initiatorMayDecide = (s: ApprovalStepState) => (s.spec.initiatorIsApprover ?? 'keep') === 'keep';

/** The invariants after an accepted act (`act` is the event type, `ENTER` or `TIMEOUT:<kind>`). */
function checkAfter(before: ApprovalStepState | undefined, after: ApprovalStepState, act: string): void {
  const seated = seatsOf(after);
  expect(new Set(seated).size, `one seat per person after ${act}: ${seated.join(',')}`).toBe(seated.length);
  if (!initiatorMayDecide(after)) {
    // 'skip' / 'supervisor': the initiator never holds a seat to decide with (the entry's own skipped
    // seat is the policy at work), and no group slot counts on them.
    const own = live(after).filter((a) => a.auto !== 'initiator' && holders(after, a).has(INITIATOR));
    expect(own.map((a) => a.id), `the initiator holds no seat after ${act} (initiatorIsApprover: ${after.spec.initiatorIsApprover})`).toEqual([]);
    const offered = live(after).filter((a) => a.status === 'pending' && a.user === null && a.group?.members.includes(INITIATOR));
    expect(offered.map((a) => a.id), `no group slot offers the initiator after ${act}`).toEqual([]);
  }
  const newly = after.outcome !== null && (before === undefined || before.outcome === null || before.round !== after.round);
  if (newly) {
    const kind = after.outcome!.kind;
    // Enough votes approved, each by every person in it (one seat each, checked above).
    const byVotes = kind === 'approved' && approvedVotes(after).length >= needed(after.spec.mode, votes(after).length);
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

/**
 * The inbox agrees with the step: a person is listed on a task exactly when they could act on it now
 * (its assignee or delegate; for an unclaimed group task, a member who holds no seat in the step and
 * whom the step lets decide), and a decided or inactive step lists nothing.
 */
function checkInbox(ctx: ApprovalContext, act: string): void {
  const s = ctx.approvals[STEP]!;
  const snapshot = { context: ctx, hasTag: (tag: string) => tag === `approval:${STEP}` && s.active };
  const listed = inbox({ snapshot: snapshot as never, instance: { id: 'i', workflow: 'w', initiator: INITIATOR }, now: 0 })
    .flatMap((t) => t.assignees.map((p) => `${String((t.data as { task: string }).task)}:${p}`))
    .sort();
  const expected: string[] = [];
  if (s.active && s.outcome === null) {
    const byId = new Map(s.assignments.map((a) => [a.id, a]));
    const seats = new Set(seatsOf(s));
    for (const a of s.assignments) {
      const ready = a.status === 'pending' && a.waitsFor.every((w) => ['approved', 'skipped', 'removed', 'transferred'].includes(byId.get(w)?.status ?? 'removed'));
      if (!ready) continue;
      if (a.user !== null) expected.push(`${a.id}:${a.user}`, ...(a.delegate !== undefined ? [`${a.id}:${a.delegate}`] : []));
      else for (const m of a.group?.members ?? []) if (!seats.has(m) && (initiatorMayDecide(s) || m !== INITIATOR)) expected.push(`${a.id}:${m}`);
    }
  }
  expect(listed, `the inbox after ${act}`).toEqual(expected.sort());
}

function expectRefusal(error: unknown, frozen: string, ctx: ApprovalContext): void {
  expect(isDocketError(error), `refusal is a DocketError: ${String(error)}`).toBe(true);
  expect(JSON.stringify(ctx)).toBe(frozen);
}

describe('approval step invariants under random operations (model-based)', () => {
  it('hold after every act, and every refusal is a DocketError that changed nothing', () => {
    let accepted = 0;
    let refused = 0;
    let onBehalf = 0;
    let byStandIn = 0;
    fc.assert(
      fc.property(specArb, standInsArb, fc.uniqueArray(fc.constantFrom(...PEOPLE, INITIATOR)), fc.array(actArb, { minLength: 1, maxLength: 25, size: 'max' }), (spec, standIns, approvedBefore, acts) => {
        const directory = directoryWith(standIns);
        const authorize = approvalAuthorize();
        let now = 0;
        // A step before this one was approved by `approvedBefore`: who 去重 may pass on entry.
        let ctx: ApprovalContext = { ...approvalContext({ $actor: { id: INITIATOR, roles: ['r'] } }), approvalFlow: { resume: null, lastApproved: { step: 'previous', users: approvedBefore }, acted: false } };
        // The model's own record of who approved the step decided just before (null: nobody, or it was left undecided).
        let decidedBefore: ReadonlySet<string> | null = new Set(approvedBefore);
        const track = (before: ApprovalStepState | undefined, after: ApprovalStepState) => {
          if (after.outcome === null || (before !== undefined && before.round === after.round && before.outcome !== null)) return;
          // Who approved it themselves, and who 去重 passed in it (their approval of the step before carries on).
          decidedBefore =
            after.outcome.kind === 'approved'
              ? new Set(after.assignments.flatMap((a) => (a.user !== null && ((a.status === 'approved' && a.auto === undefined) || (a.status === 'skipped' && a.auto === 'dedupe')) ? [a.user] : [])))
              : null;
        };
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
          // 去重 passes only people who approved the step decided just before this one.
          const passed = ctx.approvals[STEP]!.assignments.filter((a) => a.auto === 'dedupe').map((a) => a.user);
          for (const user of passed) expect(decidedBefore?.has(user!) ?? false, `去重 passed ${user} on entry; the step before was approved by [${[...(decidedBefore ?? [])].join(', ')}]`).toBe(true);
          // ... and passes every one of them it asks (a run of steps asks a person once).
          if (spec.dedupe) {
            const asked = ctx.approvals[STEP]!.assignments.filter((a) => a.user !== null && a.auto === undefined && (decidedBefore?.has(a.user) ?? false));
            expect(asked.map((a) => a.user), `去重 asked again people who approved the step before: [${[...(decidedBefore ?? [])].join(', ')}]`).toEqual([]);
          }
          checkAfter(before, ctx.approvals[STEP]!, 'ENTER');
          checkInbox(ctx, 'ENTER');
          track(before, ctx.approvals[STEP]!);
          return true;
        };
        if (!enter()) return;
        for (const act of acts) {
          now += 60_000;
          const before = ctx.approvals[STEP]!;
          if (act.type === 'REENTER') {
            if ((before.outcome !== null || !before.active) && !enter()) return;
            continue;
          }
          if (act.type === 'LEAVE') {
            ctx = exitStep(ctx, STEP);
            checkInbox(ctx, 'LEAVE');
            if (before.outcome?.kind !== 'approved') decidedBefore = null;
            continue;
          }
          const { actor: who, ...payload } = act;
          const id = resolveActor(who, before, standIns);
          const actor = { id, roles: id === ADMIN ? ['admin'] : id === 'docket:system' ? ['system'] : [] };
          const frozen = JSON.stringify(ctx);
          let effects: readonly { readonly type: string; readonly params: unknown }[] = [];
          try {
            if (act.type === 'TIMEOUT' || act.type === 'REMIND_TIMER') {
              // Timers reach the machine without the authorize hook.
              const change = applyApproval(ctx, STEP, { ...payload, $actor: actor, $at: now } as never, { directory, now });
              ctx = change.context;
              effects = change.effects;
            } else {
              // A person's act, as the engine sends it: the hook decides whom it is for and reduces it once.
              const snapshot = { context: ctx, value: STEP, hasTag: (tag: string) => tag === `approval:${STEP}` && ctx.approvals[STEP]?.active === true };
              const verdict = authorize({ actor, event: payload as Act, snapshot: snapshot as never, instance: { id: 'i', workflow: 'w', initiator: INITIATOR }, env: { directory, calendar: undefined, now: () => now } });
              if (verdict !== true && typeof verdict === 'object' && 'code' in verdict) throw verdict;
              if (typeof verdict !== 'object') throw new Error(`the approval hook answered ${String(verdict)}`);
              if (verdict.onBehalfOf !== undefined) onBehalf++;
              if (verdict.onBehalfOf !== undefined && !before.assignments.some((a) => a.delegate === id)) byStandIn++;
              ctx = (verdict.carry as ApprovalCarry).change.context as ApprovalContext;
              effects = (verdict.carry as ApprovalCarry).change.effects;
            }
            accepted++;
          } catch (error) {
            refused++;
            expectRefusal(error, frozen, ctx);
            continue;
          }
          const label = act.type === 'TIMEOUT' ? `TIMEOUT:${spec.deadline?.then.kind}` : act.type;
          // 抄送 is for the initiator, an administrator, or an approver of the step: someone holding a seat
          // in it (read from the acts), or a member free to claim one of its open group tasks.
          if (act.type === 'CC') {
            const seated = new Set(seatsOf(before));
            const canClaim = live(before).some((a) => a.status === 'pending' && a.user === null && (a.group?.members ?? []).includes(id) && !seated.has(id) && (initiatorMayDecide(before) || id !== INITIATOR));
            expect(id === INITIATOR || id === ADMIN || seated.has(id) || canClaim, `${id} copied others in`).toBe(true);
          }
          // A reminder (催办) reaches exactly the people the inbox lists on the open tasks, a delegate (委托)
          // with the assignee: whoever may act now (peopleWhoMayAct; delegates were left out until 2026-12).
          for (const e of effects.filter((x) => x.type === 'approval.remind')) {
            const s = ctx.approvals[STEP]!;
            const listed = inbox({ snapshot: { context: ctx, hasTag: () => s.active } as never, instance: { id: 'i', workflow: 'w', initiator: INITIATOR }, now: 0 }).flatMap((t) => t.assignees);
            expect([...(e.params as { to: string[] }).to].sort(), `reminded after ${label}`).toEqual([...new Set(listed)].sort());
          }
          checkLinks(before, ctx.approvals[STEP]!, label);
          checkAfter(before, ctx.approvals[STEP]!, label);
          checkInbox(ctx, label);
          track(before, ctx.approvals[STEP]!);
        }
      }),
      { numRuns: RUNS },
    );
    // The generator reaches every side: many acts accepted, many refused, many done for someone else.
    expect(accepted).toBeGreaterThan(RUNS);
    expect(refused).toBeGreaterThan(RUNS);
    // (110-127 acts for someone else and 62-73 by stand-ins per 1,000 runs in seven runs, since the
    // initiator rule holds over the whole step; a bound of 100 failed at exactly 100 on one seed. The
    // bounds are half the lowest seen: they catch a generator that stops reaching these sides.)
    expect(onBehalf).toBeGreaterThan(RUNS / 20);
    expect(byStandIn).toBeGreaterThan(RUNS / 40);
  });
});
