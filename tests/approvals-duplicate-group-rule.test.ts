import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { role, users, type ApprovalMode, type ApproverRule } from '../src/index.js';
import { enterStep } from '../src/approvals/operations/enter-step.js';
import { approvalContext } from '../src/approvals/approval-types.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

// "Rules resolve in order and concatenate; duplicates … are dropped" (docs/approvals.md), as 候选人
// lists are unioned in yudao BPM and candidate groups in Flowable. A person named twice was asked
// once, but a 认领 group named twice (role('legal', { claim: true }) in two rules) made two group tasks:
// each member saw the same task twice in the inbox, and a 会签 silently needed two legal members
// instead of one. (To ask for more members of a role, use a count or whenTooFew: { role }.)

describe('a 认领 group named by two rules is one group task', () => {
  it('会签 with role("legal", { claim }) twice: one task, one legal member approves it', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: [role('legal', { claim: true }), users('sun'), role('legal', { claim: true })] }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    expect(await h.inbox(id)).toEqual(['legal:sun', 'legal:zhao|qian']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });
});

describe('duplicate rules ask nobody twice (property)', () => {
  it('repeating any rule of the list changes none of the step’s assignments', () => {
    const ruleArb = fc.oneof(
      fc.uniqueArray(fc.constantFrom('zhao', 'qian', 'sun', 'wu'), { minLength: 1, maxLength: 3 }).map((u) => users(...u)),
      fc.constantFrom('legal', 'finance').map((r) => role(r, { claim: true })),
      fc.constantFrom('legal', 'finance').map((r) => role(r)),
    );
    const mode = fc.constantFrom<ApprovalMode>('all', 'any', 'sequential', { count: 1 });
    const { directory } = harness(approvalFlow([{ id: 'x', mode: 'all', approvers: users('zhao') }]));
    fc.assert(
      fc.property(fc.array(ruleArb, { minLength: 1, maxLength: 4 }), fc.array(fc.nat(), { minLength: 1, maxLength: 3 }), mode, (rules, picks, m) => {
        const repeated: ApproverRule[] = [...rules, ...picks.map((i) => rules[i % rules.length]!)];
        const enter = (approvers: ApproverRule[]) =>
          enterStep(approvalContext({ $actor: { id: 'li', roles: [] } }), { id: 's', mode: m, approvers, whenTooFew: 'lower' }, { directory, now: 0, dueAt: null }).context.approvals['s']!.assignments;
        expect(enter(repeated)).toEqual(enter(rules));
      }),
      { numRuns: Number(process.env.PROP_RUNS ?? 300) },
    );
  });
});
