import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDocketError, role, staticDirectory, users, type ApprovalContext, type ApprovalMode, type ApprovalStepSpec, type ApprovalStepState } from '../src/index.js';
import { applyApproval, type ApprovalEffect } from '../src/approvals/approval-reducer.js';
import { approvalContext } from '../src/approvals/approval-types.js';
import { approvalTasks } from '../src/approvals/approval-tasks.js';
import { enterStep } from '../src/approvals/operations/enter-step.js';

// Notices follow the inbox (通知 / 催办 reach whoever may act now): after every act, the people told
// `approval.assigned` are exactly those the inbox newly lists on an open task (a (task, person) pair
// it did not list before the act; on entry, every pair), and a reminder (催办) reaches exactly the
// people the inbox lists. A 依次 approver whose turn came, a signer added after (加签), an adder whose
// turn came back and a delegate (委托) were listed without ever being told, or reminded.

const PEOPLE = ['zhao', 'qian', 'sun', 'wu', 'zheng'] as const;
const INITIATOR = 'li';
const ADMIN = 'feng';
const STEP = 's';
const directory = staticDirectory({
  users: [...PEOPLE.map((id, i) => ({ id, roles: i < 3 ? ['r'] : [] })), { id: INITIATOR, roles: [] }, { id: ADMIN, roles: ['admin'] }],
});
const inbox = approvalTasks();
const RUNS = Number(process.env.PROP_RUNS ?? 300);

const modeArb = fc.constantFrom<ApprovalMode>('sequential', 'all', 'any', { count: 2 }, { ratio: 0.5 });
const specArb: fc.Arbitrary<ApprovalStepSpec> = fc
  .record({ mode: modeArb, named: fc.uniqueArray(fc.constantFrom(...PEOPLE), { minLength: 1, maxLength: 4 }), group: fc.boolean(), then: fc.constantFrom({ kind: 'approve' as const }, { kind: 'escalate' as const, role: 'r' }) })
  .map((r) => ({ id: STEP, mode: r.mode, approvers: [users(...r.named), ...(r.group ? [role('r', { claim: true })] : [])], whenTooFew: 'lower' as const, deadline: { after: 'due', then: r.then } }));

/** An actor: a fixed person, or `#n`, one of those the inbox lists now (so delegates and added signers act often). */
const actorArb = fc.oneof(fc.constantFrom<string>(...PEOPLE, INITIATOR, ADMIN), fc.nat({ max: 7 }).map((n) => `#${n}`), fc.nat({ max: 7 }).map((n) => `#${n}`));
const person = fc.constantFrom<string>(...PEOPLE);
type Act = { readonly type: string; readonly actor: string; readonly [key: string]: unknown };
const actArb: fc.Arbitrary<Act> = fc.oneof(
  { arbitrary: fc.record({ type: fc.constantFrom('APPROVE', 'REJECT'), actor: actorArb }), weight: 5 },
  { arbitrary: fc.record({ type: fc.constant('ADD_SIGNER'), actor: actorArb, users: fc.uniqueArray(person, { minLength: 1, maxLength: 2 }), position: fc.constantFrom('before', 'after', 'alongside') }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('REMOVE_SIGNER'), actor: actorArb, user: person }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constantFrom('TRANSFER', 'DELEGATE'), actor: actorArb, to: person }), weight: 2 },
  { arbitrary: fc.record({ type: fc.constant('CLAIM'), actor: actorArb }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('REMIND'), actor: fc.constant(INITIATOR) }), weight: 1 },
  { arbitrary: fc.record({ type: fc.constant('TIMEOUT'), actor: fc.constant('docket:system') }), weight: 1 },
);

/** The inbox's (task, person) pairs for the step. */
function listed(ctx: ApprovalContext): string[] {
  const s = ctx.approvals[STEP];
  if (!s) return [];
  const snapshot = { context: ctx, hasTag: (tag: string) => tag === `approval:${STEP}` && s.active };
  return inbox({ snapshot: snapshot as never, instance: { id: 'i', workflow: 'w', initiator: INITIATOR }, now: 0 }).flatMap((t) => t.assignees.map((p) => `${t.id}>${p}`));
}
const personOf = (pair: string) => pair.slice(pair.indexOf('>') + 1);
const told = (effects: readonly ApprovalEffect[], type: string) => effects.filter((e) => e.type === type).flatMap((e) => e.params.to);

describe('approval.assigned and 催办 follow the inbox (property)', () => {
  it('after every act, exactly the people newly listed are told, and a reminder reaches exactly those listed', () => {
    let told_ = 0;
    fc.assert(
      fc.property(specArb, fc.array(actArb, { minLength: 1, maxLength: 20 }), (spec, acts) => {
        let now = 0;
        let ctx: ApprovalContext = approvalContext({ $actor: { id: INITIATOR, roles: [] } });
        let change;
        try {
          change = enterStep(ctx, spec, { directory, now, dueAt: null });
        } catch (error) {
          expect(isDocketError(error)).toBe(true);
          return;
        }
        ctx = change.context;
        expect([...told(change.effects, 'approval.assigned')].sort(), 'told on entry').toEqual([...new Set(listed(ctx).map(personOf))].sort());
        for (const act of acts) {
          const s: ApprovalStepState = ctx.approvals[STEP]!;
          if (s.outcome !== null) return;
          now += 60_000;
          const before = listed(ctx);
          const people = [...new Set(before.map(personOf))].sort();
          const id = act.actor.startsWith('#') ? (people[Number(act.actor.slice(1)) % Math.max(people.length, 1)] ?? INITIATOR) : act.actor;
          const { actor: _who, ...payload } = act;
          try {
            change = applyApproval(ctx, STEP, { ...payload, $actor: { id, roles: id === ADMIN ? ['admin'] : [] }, $at: now } as never, { directory, now });
          } catch (error) {
            expect(isDocketError(error), String(error)).toBe(true);
            continue;
          }
          ctx = change.context;
          const after = listed(ctx);
          const fresh = [...new Set(after.filter((p) => !before.includes(p)).map(personOf))].sort();
          const assigned = told(change.effects, 'approval.assigned');
          told_ += assigned.length;
          expect(new Set(assigned).size, `nobody is told twice by ${act.type}`).toBe(assigned.length);
          expect([...assigned].sort(), `told after ${act.type} by ${id}`).toEqual(fresh);
          if (act.type === 'REMIND') expect([...told(change.effects, 'approval.remind')].sort(), 'reminded').toEqual([...new Set(after.map(personOf))].sort());
        }
      }),
      { numRuns: RUNS },
    );
    // The generator reaches notices after acts, not only on entry.
    expect(told_).toBeGreaterThan(RUNS / 2);
  });
});
