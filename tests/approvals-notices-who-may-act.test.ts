import { describe, expect, it } from 'vitest';
import { role, users } from '../src/index.js';
import { actor, approvalFlow, harness, li } from './approvals-fixture.js';

// 通知 / 催办 reach whoever may act now. Bugs filed against yudao BPM and Flowable setups of this kind:
// "依次审批的下一位审批人收不到待办通知", "委派后被委派人收不到通知 / 催办". Here:
//  - approval.assigned was keyed by (task, user) against every assignment of the step before the act,
//    queued ones included, so a 依次 approver, a signer added after (加签 after) or an adder whose
//    turn came back after a signer added before was never told the task was theirs now;
//  - a 委托 delegate was never told (the task's user did not change) and 催办 skipped them, though
//    the inbox lists them on the task and they may act on it.
// One rule now, peopleWhoMayAct (reducer-helpers.ts), for the inbox, reminders and assignment notices.

type Notice = { readonly step: string; readonly round: number; readonly to: readonly string[]; readonly reason: string };

function withNotices(steps: Parameters<typeof approvalFlow>[0]) {
  const assigned: Notice[] = [];
  const reminded: Notice[] = [];
  const h = harness(approvalFlow(steps), {
    effects: { 'approval.assigned': (p: Notice) => void assigned.push(p), 'approval.remind': (p: Notice) => void reminded.push(p) },
  });
  return { h, assigned, reminded };
}

describe('approval.assigned reaches each person when a task becomes theirs to act on', () => {
  it('依次 zhao → qian: qian is told when zhao approves (was: only zhao, on entry)', async () => {
    const { h, assigned } = withNotices([{ id: 'legal', mode: 'sequential', approvers: users('zhao', 'qian') }]);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.settled();
    expect(await h.inbox(id)).toEqual(['legal:qian']);
    expect(assigned.map((n) => [n.to, n.reason])).toEqual([[['zhao'], 'entered'], [['qian'], 'approve']]);
  });

  it('加签 after: sun, added after zhao, is told when zhao approves', async () => {
    const { h, assigned } = withNotices([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }]);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'after' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.settled();
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:sun']);
    expect(assigned.map((n) => n.to)).toEqual([['zhao', 'qian'], ['sun']]);
  });

  it('加签 before: zhao is told his task is back once sun, whom he added before himself, approved', async () => {
    const { h, assigned } = withNotices([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }]);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'before' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    await h.engine.settled();
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:zhao']);
    expect(assigned.map((n) => n.to)).toEqual([['zhao', 'qian'], ['sun'], ['zhao']]);
  });

  it('减签 of the one a 依次 approver waited for: the next in line is told', async () => {
    const { h, assigned } = withNotices([{ id: 'legal', mode: 'sequential', approvers: users('zhao', 'qian', 'sun') }]);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'zhao' }, { actor: li });
    await h.engine.settled();
    expect(await h.inbox(id)).toEqual(['legal:qian']);
    expect(assigned.map((n) => [n.to, n.reason])).toEqual([[['zhao'], 'entered'], [['qian'], 'remove_signer']]);
  });

  it('委托: the delegate is told (was: nobody), and nobody is told twice', async () => {
    const { h, assigned } = withNotices([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }]);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'DELEGATE', to: 'sun' }, { actor: actor('zhao') });
    await h.engine.settled();
    expect(await h.inbox(id)).toEqual(['legal:qian', 'legal:zhao|sun']);
    expect(assigned.map((n) => [n.to, n.reason])).toEqual([[['zhao', 'qian'], 'entered'], [['sun'], 'delegate']]);
  });

  it('认领: a member who claims a group task is not told of what they just took; the others are not told again', async () => {
    const { h, assigned } = withNotices([{ id: 'legal', mode: 'all', approvers: [users('sun'), role('legal', { claim: true })] }]);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'CLAIM' }, { actor: actor('zhao') });
    await h.engine.settled();
    expect(assigned.map((n) => n.to)).toEqual([['sun', 'zhao', 'qian']]);
  });
});

describe('催办 reaches whoever may act now', () => {
  it('a delegate (委托) is reminded with the assignee, who stays responsible (was: the assignee only)', async () => {
    const { h, reminded } = withNotices([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }]);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'DELEGATE', to: 'sun' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'REMIND' }, { actor: li });
    await h.engine.settled();
    expect(reminded.map((n) => n.to)).toEqual([['zhao', 'sun', 'qian']]);
    const act = (await h.step(id, 'legal')).acts.at(-1)!;
    expect(act.users).toEqual(['zhao', 'sun', 'qian']);
  });

  it('依次: only whoever may act now is reminded, not those queued', async () => {
    const { h, reminded } = withNotices([{ id: 'legal', mode: 'sequential', approvers: users('zhao', 'qian') }]);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'REMIND' }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'REMIND' }, { actor: li });
    await h.engine.settled();
    expect(reminded.map((n) => n.to)).toEqual([['zhao'], ['qian']]);
  });
});
