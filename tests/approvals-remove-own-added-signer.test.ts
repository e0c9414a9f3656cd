import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { isDocketError, users, type ApprovalMode } from '../src/index.js';
import { actionable, voteKey } from '../src/approvals/approval-decision.js';
import { applyApproval } from '../src/approvals/approval-reducer.js';
import { approvalContext } from '../src/approvals/approval-types.js';
import { enterStep } from '../src/approvals/operations/enter-step.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

// 加签 then 减签 by the one who added (yudao BPM / Flowable: "向前加签后，加签人无法减签"). zhao adds sun
// before himself (加签 before): zhao's own task now waits for sun, so it is not open, and 减签 was
// allowed only to "a current assignee" (an open task), the initiator or an administrator: zhao was
// refused FORBIDDEN, "zhao is none of these", while qian, a co-signer sitting beside him, could
// remove sun. The person whose vote a signer joined, while their own task is still pending (open or
// waiting), may now remove that signer as long as the signer has not acted.

const legal = () => harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }]));

describe('减签: the adder may remove a signer they added while their own task waits for them', () => {
  it('zhao adds sun before himself, then removes sun: zhao’s task is open again', async () => {
    const h = legal();
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'before' }, { actor: actor('zhao') });
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:sun']);
    await h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'sun' }, { actor: actor('zhao') });
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:zhao']);
    expect(await h.statuses(id, 'legal')).toEqual(['sun:removed', 'zhao:pending', 'qian:pending']);
    const act = (await h.step(id, 'legal')).acts.at(-1)!;
    expect([act.type, act.by, act.users]).toEqual(['REMOVE_SIGNER', 'zhao', ['sun']]);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('zhao’s delegate (委托) may remove the signer zhao added before him', async () => {
    const h = legal();
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'DELEGATE', to: 'wu' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'before' }, { actor: actor('wu') });
    await h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'sun' }, { actor: actor('wu') });
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:zhao|wu']);
  });

  it('still refused: someone with no task in the step, and a signer of another vote who waits (依次)', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'sequential', approvers: users('zhao', 'qian') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'before' }, { actor: actor('zhao') });
    const before = (await h.engine.get(id)).revision;
    await expect(h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'sun' }, { actor: actor('wu') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // qian waits for zhao in 依次: sun is part of zhao's vote, not hers.
    await expect(h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'sun' }, { actor: actor('qian') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await h.engine.get(id)).revision).toBe(before);
  });

  it('a signer who already acted stays: OPERATION_NOT_ALLOWED, as for anyone', async () => {
    const h = legal();
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun', 'wu'], position: 'before' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    await expect(h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'sun' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { user: 'sun' } });
    await h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'wu' }, { actor: actor('zhao') });
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:zhao']);
  });
});

describe('减签 by the adder: only the adder, not a fellow added signer still waiting', () => {
  it('zhao adds sun and wu after himself: wu, waiting for sun, may not remove sun', async () => {
    const h = legal();
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun', 'wu'], position: 'after' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await expect(h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'sun' }, { actor: actor('wu') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });
});

describe('减签 by the adder (property)', () => {
  it('whoever added a signer, while their own task is pending, may remove them unless a step invariant refuses; never FORBIDDEN', () => {
    const PEOPLE = ['zhao', 'qian', 'sun', 'wu', 'zheng', 'wang'];
    const runs = Number(process.env.PROP_RUNS ?? 300);
    let removedByAdder = 0;
    fc.assert(
      fc.property(
        fc.constantFrom<ApprovalMode>('sequential', 'all', 'any', { count: 2 }),
        fc.array(fc.record({ who: fc.nat(), users: fc.uniqueArray(fc.constantFrom(...PEOPLE), { minLength: 1, maxLength: 2 }), position: fc.constantFrom('before', 'after', 'alongside'), approve: fc.boolean() }), { minLength: 1, maxLength: 6 }),
        (mode, steps) => {
          let now = 0;
          let ctx = enterStep(approvalContext({ $actor: { id: 'li', roles: [] } }), { id: 's', mode, approvers: users('zhao', 'qian', 'sun') }, { directory: undefined, now, dueAt: null }).context;
          const act = (event: Record<string, unknown>, by: string) => {
            now += 1000;
            ctx = applyApproval(ctx, 's', { ...event, $actor: { id: by, roles: [] }, $at: now } as never, { directory: undefined, now }).context;
          };
          for (const st of steps) {
            const s = ctx.approvals['s']!;
            if (s.outcome !== null) return;
            const open = actionable(s.assignments);
            const me = open[st.who % open.length]!.user!;
            try {
              act(st.approve ? { type: 'APPROVE' } : { type: 'ADD_SIGNER', users: st.users, position: st.position }, me);
            } catch (error) {
              expect(isDocketError(error)).toBe(true);
            }
          }
          const s = ctx.approvals['s']!;
          if (s.outcome !== null) return;
          // Every pending added signer, removed by the holder of the task whose vote they joined.
          for (const signer of s.assignments.filter((a) => a.status === 'pending' && a.origin.startsWith('add-'))) {
            const adder = s.assignments.find((a) => a.status === 'pending' && !a.origin.startsWith('add-') && voteKey(a) === voteKey(signer));
            if (adder === undefined) continue;
            const frozen = JSON.stringify(ctx);
            try {
              applyApproval(ctx, 's', { type: 'REMOVE_SIGNER', user: signer.user, $actor: { id: adder.user!, roles: [] }, $at: now } as never, { directory: undefined, now });
              removedByAdder++;
            } catch (error) {
              expect(isDocketError(error), String(error)).toBe(true);
              expect((error as { code: string }).code, `${adder.user} removing ${signer.user}: ${(error as Error).message}`).toBe('OPERATION_NOT_ALLOWED');
              expect((error as { details: { invariant?: string } }).details.invariant).toBeDefined();
              expect(JSON.stringify(ctx)).toBe(frozen);
            }
          }
        },
      ),
      { numRuns: runs },
    );
    expect(removedByAdder).toBeGreaterThan(runs / 10);
  });
});
