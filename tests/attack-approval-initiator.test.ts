import { describe, expect, it } from 'vitest';
import { role, users, workingDays } from '../src/index.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

// initiatorIsApprover: 'skip' | 'supervisor' was applied only when the step resolved its approvers on
// entry; every later way to a seat gave the initiator one, and they decided their own request.
// The rule is now a step invariant ('initiator-not-approver', src/approvals/step-invariants.ts),
// checked after every operation, and group slots leave the initiator out when they are made.
const refusedForInitiator = { code: 'OPERATION_NOT_ALLOWED', details: { invariant: 'initiator-not-approver', user: 'li' } };

describe('initiatorIsApprover holds for the whole step, not only on entry', () => {
  it("'supervisor': 加签 of the initiator is refused (li was added alongside and could approve li's own request)", async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('li', 'zhao'), initiatorIsApprover: 'supervisor' }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    expect(await h.inbox(id)).toEqual(['legal:wang', 'legal:zhao']);
    await expect(h.engine.send(id, { type: 'ADD_SIGNER', users: ['li'], position: 'alongside' }, { actor: actor('zhao') })).rejects.toMatchObject(refusedForInitiator);
    await expect(h.engine.send(id, { type: 'TRANSFER', to: 'li' }, { actor: actor('zhao') })).rejects.toMatchObject(refusedForInitiator);
    expect(await h.statuses(id, 'legal')).toEqual(['wang:pending', 'zhao:pending']);
  });

  it("'skip': 委托 to the initiator is refused (li approved zhao's task as delegate)", async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), initiatorIsApprover: 'skip' }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await expect(h.engine.send(id, { type: 'DELEGATE', to: 'li' }, { actor: actor('zhao') })).rejects.toMatchObject(refusedForInitiator);
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: li })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect((await h.engine.get(id)).state).toEqual({ legal: 'pending' });
  });

  it("'skip': the initiator as zhao's 代理 stand-in cannot approve zhao's task (the request was approved by li alone)", async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), initiatorIsApprover: 'skip' }]), {
      standIns: [{ principal: 'zhao', deputy: 'li', from: 0, to: Number.MAX_SAFE_INTEGER }],
    });
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: li })).rejects.toMatchObject(refusedForInitiator);
    expect((await h.engine.get(id)).state).toEqual({ legal: 'pending' });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it("'skip': a 认领 group of the initiator's own role leaves the initiator out (li claimed and approved li's request)", async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'any', approvers: role('legal', { claim: true }), initiatorIsApprover: 'skip' }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: actor('zhao') });
    // legal is zhao and qian (gone is inactive): zhao started it, so only qian is offered the group task.
    expect((await h.step(id, 'legal')).assignments.map((a) => a.group?.members)).toEqual([['qian']]);
    expect(await h.inbox(id)).toEqual(['legal:qian']);
    await expect(h.engine.send(id, { type: 'CLAIM' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it("'skip': a group of the initiator alone resolves to nobody, and whenNobody decides (here: refuse to start)", async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'any', approvers: role('staff', { claim: true }), initiatorIsApprover: 'skip' }]));
    await expect(h.engine.start('flow', { amount: 1 }, { actor: li })).rejects.toMatchObject({ code: 'NO_APPROVER' });
  });

  it("'supervisor': an escalation group leaves the initiator out (li was offered li's own late task)", async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('qian'), initiatorIsApprover: 'supervisor', deadline: { after: 'due', then: { kind: 'escalate', role: 'legal' } } }], {
      deadlines: { due: workingDays(1) },
    });
    const h = harness(wf);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: actor('zhao') });
    await h.clock.advanceBy({ days: 1 });
    // legal is zhao (the initiator) and qian (whose late task it was): the slot is offered to qian only.
    expect(await h.statuses(id, 'legal')).toEqual(['qian:transferred', 'legal:pending']);
    expect((await h.step(id, 'legal')).assignments[1]?.group?.members).toEqual(['qian']);
    expect(await h.inbox(id)).toEqual(['legal:qian']);
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
  });

  it("'keep' (the default) still lets the initiator be added and decide", async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['li'], position: 'alongside' }, { actor: actor('zhao') });
    expect(await h.inbox(id)).toEqual(['legal:li', 'legal:zhao']);
  });
});

describe('the inbox lists a group task only for members who could claim it now', () => {
  it('a member who holds a seat in the step is not listed on its unclaimed group task (zhao saw a task he could not claim)', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: [users('zhao'), role('legal', { claim: true })] }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:zhao']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect(await h.engine.tasks({ assignee: 'zhao' })).toEqual([]);
    await expect(h.engine.send(id, { type: 'CLAIM' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
    expect((await h.engine.tasks({ assignee: 'qian' })).map((t) => t.actions[0])).toEqual(['CLAIM']);
  });

  it('after a 转交 gives a group member a seat, the group task stops listing them', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: [users('sun'), role('legal', { claim: true })] }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'TRANSFER', to: 'zhao' }, { actor: actor('sun') });
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:zhao']);
  });
});

describe('reminders and assignment notices reach only the people who could act', () => {
  // 催办 (REMIND, and the scheduled reminder) and approval.assigned read each open task's people as
  // every member of a group task, so zhao, who had already approved his own task, was reminded of a
  // group task he could not claim, and an initiator the step does not let decide was told of their own
  // request. They now ask the inbox's rule (reachablePeople in reducer-helpers.ts).
  it('催办 after zhao approved reminds qian only, not zhao (who holds a seat) for the group task', async () => {
    const reminded: string[][] = [];
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: [users('zhao'), role('legal', { claim: true })] }]), {
      effects: { 'approval.remind': (p: { to: string[] }) => void reminded.push(p.to) },
    });
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'REMIND' }, { actor: li });
    await h.engine.settled();
    expect(reminded).toEqual([['qian']]);
  });

  it("an initiator the step does not let decide is not notified of a group task on their own request", async () => {
    const assigned: string[][] = [];
    const h = harness(approvalFlow([{ id: 'legal', mode: 'any', approvers: [users('wang'), role('legal', { claim: true })], initiatorIsApprover: 'skip' }]), {
      effects: { 'approval.assigned': (p: { to: string[] }) => void assigned.push(p.to) },
    });
    await h.engine.start('flow', { amount: 1 }, { actor: actor('zhao') });
    await h.engine.settled();
    expect(assigned).toEqual([['wang', 'qian']]);
  });
});
