import { describe, expect, it } from 'vitest';
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
