import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { counted, voteKey, votesOf } from '../src/approvals/approval-decision.js';
import type { ApprovalAssignment } from '../src/approvals/approval-types.js';
import { role, users, workingDays } from '../src/index.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

// 加签 signers counted as votes of their own: in 票签 and 或签 a signer added by one approver raised
// that approver's side to two votes (zhao + the wu he added passed a "2 of zhao, qian, sun" vote that
// qian and sun never saw), or was never asked (或签: zhao added sun after himself, approved, and the
// step was decided). Signers now join the vote of the task they were added to (ApprovalAssignment.vote;
// votesOf in approval-decision.ts): the vote counts once, when all of them approved. A 转交 or an
// escalation slot takes over the vote of the task it replaces.
describe('加签 signers are part of the adder’s vote, in every mode', () => {
  it('票签 { count: 2 } over zhao, qian, sun: zhao and the wu he added alongside are one vote, not two', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['wu'], position: 'alongside' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wu') });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:sun']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('或签 any over zhao, qian: sun added after zhao is asked before zhao’s approval counts', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'any', approvers: users('zhao', 'qian') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'after' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:sun']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('或签 any: sun added before zhao does not decide the step alone; zhao then acts', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'any', approvers: users('zhao', 'qian') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'before' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:zhao']);
  });

  it('或签 any: a rejection by an added signer is a decision of the adder’s vote (the first decision decides)', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'any', approvers: users('zhao', 'qian') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'alongside' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'REJECT' }, { actor: actor('sun') });
    expect((await h.engine.get(id)).state).toBe('rejected');
  });

  it('票签 { ratio: 0.5, strict: true } over zhao, qian: an added signer does not change the base (was: 2 of 3 reached without qian)', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: { ratio: 0.5, strict: true }, approvers: users('zhao', 'qian') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['wu'], position: 'alongside' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wu') });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('票签 { count: 2 }: an added signer who rejects makes the adder’s vote a rejection; the other two still decide', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['wu'], position: 'alongside' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'REJECT' }, { actor: actor('wu') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    await h.engine.send(id, { type: 'REJECT' }, { actor: actor('sun') });
    // zhao's vote (with wu) and sun's are against: two approvals can no longer be reached.
    expect((await h.engine.get(id)).state).toBe('rejected');
  });

  it('转交 of an added signer keeps the vote: zheng, who took wu’s task, and zhao are still one vote', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['wu'], position: 'alongside' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'TRANSFER', to: 'zheng' }, { actor: actor('wu') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zheng') });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('或签 any: an escalation keeps a slot for the late signer of a vote already begun, so the deadline completes no vote', async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'any', approvers: users('zhao', 'qian'), deadline: { after: 'due', then: { kind: 'escalate', role: 'finance' } } }], {
      deadlines: { due: workingDays(1) },
    });
    const h = harness(wf);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['wu'], position: 'after' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.clock.advanceBy({ days: 1 });
    // qian's and wu's tasks were late: wu's slot finishes zhao's vote, the other stands for qian's.
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    expect(await h.statuses(id, 'legal')).toEqual(['zhao:approved', 'wu:transferred', 'qian:transferred', 'finance:pending', 'finance:pending']);
    await h.engine.send(id, { type: 'APPROVE', taskId: 't4' }, { actor: actor('sun') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('会签 all and 依次 are unchanged: everyone asked, added signers included, must approve', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: [users('zhao'), role('finance')] }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['qian'], position: 'after' }, { actor: actor('zhao') });
    for (const p of ['zhao', 'sun', 'wu', 'zheng']) await h.engine.send(id, { type: 'APPROVE' }, { actor: actor(p) });
    expect(await h.inbox(id)).toEqual(['legal:qian']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });
});

// One rule for which vote an assignment is part of (voteKey): 加签, 转交 and the deadline's escalation
// each wrote `a.vote ?? a.id` themselves, and TIMEOUT grouped votes by its own reading beside votesOf.
describe('one vote key', () => {
  const base = { waitsFor: [], origin: 'rule' as const, since: 0 };
  it('an assignment without a vote is a vote of its own; one that joined a vote is in it', () => {
    expect(voteKey({ id: 't3' })).toBe('t3');
    expect(voteKey({ id: 't3', vote: 't1' })).toBe('t1');
    const list: ApprovalAssignment[] = [
      { ...base, id: 't1', user: 'zhao', status: 'approved' },
      { ...base, id: 't2', user: 'qian', status: 'transferred' },
      { ...base, id: 't3', user: 'wu', status: 'pending', origin: 'transfer', vote: 't2' },
      { ...base, id: 't4', user: 'sun', status: 'pending', origin: 'add-alongside', vote: 't1' },
    ];
    expect(votesOf(list).map((v) => [v.key, v.members.map((m) => m.id), v.status])).toEqual([
      ['t1', ['t1', 't4'], 'pending'],
      ['t2', ['t3'], 'pending'],
    ]);
  });

  it('property: votesOf groups the counted assignments by voteKey, each in exactly one vote', () => {
    const status = fc.constantFrom<ApprovalAssignment['status']>('pending', 'approved', 'rejected', 'skipped', 'removed', 'transferred');
    const list = fc.array(fc.tuple(status, fc.option(fc.nat(7), { nil: undefined })), { maxLength: 8 }).map((rows) =>
      rows.map(([s, joins], i): ApprovalAssignment => ({ ...base, id: `t${i}`, user: `u${i}`, status: s, ...(joins !== undefined && joins < i ? { vote: `t${joins}` } : {}) })),
    );
    fc.assert(
      fc.property(list, (assignments) => {
        const votes = votesOf(assignments);
        expect(votes.flatMap((v) => v.members.map((m) => m.id)).sort()).toEqual(counted(assignments).map((a) => a.id).sort());
        for (const v of votes) for (const m of v.members) expect(voteKey(m)).toBe(v.key);
        expect(new Set(votes.map((v) => v.key)).size).toBe(votes.length);
      }),
    );
  });
});
