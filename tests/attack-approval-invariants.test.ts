import { describe, expect, it } from 'vitest';
import { users } from '../src/index.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

describe('approval step invariants: 委托 DELEGATE cannot give one person two votes', () => {
  // A task's delegate holds it (one seat per person per step, src/approvals/step-invariants.ts), so
  // delegating to someone who already holds a task is refused as TRANSFER and ADD_SIGNER are.
  it('票签 { count: 2 } over zhao, qian, sun: sun 委托 to qian (who holds a task) is refused; qian cannot vote twice', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await expect(h.engine.send(id, { type: 'DELEGATE', to: 'qian' }, { actor: actor('sun') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    expect(await h.statuses(id, 'legal')).toEqual(['zhao:pending', 'qian:approved', 'sun:pending']);
    expect(await h.inbox(id)).toEqual(['legal:sun', 'legal:zhao']);
  });

  it('a delegate holds the task: once sun 委托 to wu, wu cannot be added (加签) or transferred a second task in the step', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'DELEGATE', to: 'wu' }, { actor: actor('sun') });
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:sun|wu', 'legal:zhao']);
    await expect(h.engine.send(id, { type: 'ADD_SIGNER', users: ['wu'], position: 'alongside' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { invariant: 'one-seat-per-person', user: 'wu' } });
    await expect(h.engine.send(id, { type: 'TRANSFER', to: 'wu' }, { actor: actor('qian') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { invariant: 'one-seat-per-person', user: 'wu' } });
    // wu votes once, for sun; zhao's vote makes the two distinct people the mode needs.
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wu') });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect((await h.step(id, 'legal')).outcome).toEqual({ kind: 'approved' });
    const acts = (await h.step(id, 'legal')).acts.filter((a) => a.type === 'APPROVE').map((a) => `${a.by}${a.onBehalfOf ? `→${a.onBehalfOf}` : ''}`);
    expect(acts).toEqual(['wu→sun', 'zhao']);
  });
});

describe('approval step invariants: a 代理 stand-in who is a co-approver votes once', () => {
  // zhao stands in for qian this week, and both are approvers of the same step.
  const week = [{ principal: 'qian', deputy: 'zhao', from: Date.parse('2026-11-01T00:00:00+08:00'), to: Date.parse('2026-11-08T00:00:00+08:00') }];

  it('票签 { count: 2 } over zhao, qian, sun: zhao approves for herself, then acting for qian is refused; qian and zhao make two', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun') }]), { standIns: week });
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { invariant: 'one-seat-per-person', user: 'zhao' } });
    expect((await h.step(id, 'legal')).outcome).toBeNull();
    expect(await h.statuses(id, 'legal')).toEqual(['zhao:approved', 'qian:pending', 'sun:pending']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.step(id, 'legal')).outcome).toEqual({ kind: 'approved' });
  });

  it('依次 [qian, zhao]: zhao cannot approve qian\'s turn for her and then her own (会签 by one person)', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'sequential', approvers: users('qian', 'zhao') }]), { standIns: week });
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { invariant: 'one-seat-per-person', user: 'zhao' } });
    expect(await h.statuses(id, 'legal')).toEqual(['qian:pending', 'zhao:pending']);
    // A stand-in who is not an approver of the step still acts for qian, and it counts as qian's vote.
    const other = harness(approvalFlow([{ id: 'legal', mode: 'sequential', approvers: users('qian', 'sun') }]), { standIns: week });
    const id2 = await other.engine.start('flow', { amount: 1 }, { actor: li });
    await other.engine.send(id2, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect(await other.statuses(id2, 'legal')).toEqual(['qian:approved', 'sun:pending']);
    expect((await other.step(id2, 'legal')).assignments[0]).toMatchObject({ user: 'qian', actedBy: 'zhao' });
  });

});
