import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, memoryStore, reassignTasks, role, staticDirectory, users, virtualClock, workingDays, type Directory } from '../src/index.js';
import { actor, admin, approvalFlow, harness, li, MONDAY, people, type FlowContext } from './approvals-fixture.js';

const top = (state: unknown) => (typeof state === 'string' ? state : Object.keys(state as object)[0]);

describe('one seat per person per step (votes count distinct people)', () => {
  const vote = approvalFlow([{ id: 'vote', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun') }]);

  it('转交 to someone who already holds a task in the step is refused, as 加签 is; nothing changes', async () => {
    const h = harness(vote);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const before = await h.engine.get(id);
    const refused = await h.engine.send(id, { type: 'TRANSFER', to: 'qian' }, { actor: actor('sun') }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { invariant: 'one-seat-per-person', user: 'qian' } });
    expect((await h.engine.get(id)).revision).toBe(before.revision);
    expect(await h.inbox(id)).toEqual(['vote:qian', 'vote:sun', 'vote:zhao']);
    await expect(h.engine.send(id, { type: 'ADD_SIGNER', users: ['qian'], position: 'alongside' }, { actor: actor('sun') })).rejects.toMatchObject({
      code: 'OPERATION_NOT_ALLOWED',
      details: { invariant: 'one-seat-per-person' },
    });
    // qian votes once; the step waits for a second person.
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    expect(top((await h.engine.get(id)).state)).toBe('vote');
    // Transferring to someone who already voted is refused too: they would vote twice.
    await expect(h.engine.send(id, { type: 'TRANSFER', to: 'qian' }, { actor: actor('zhao') })).rejects.toMatchObject({ details: { invariant: 'one-seat-per-person' } });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    expect((await h.engine.get(id)).state).toBe('approved');
    expect((await h.step(id, 'vote')).acts.filter((a) => a.type === 'APPROVE').map((a) => a.by)).toEqual(['qian', 'sun']);
  });

  it('离职转办 to someone who already holds a task in the step is refused for that step, and says why', async () => {
    const h = harness(vote);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const results = await reassignTasks(h.engine, { from: 'sun', to: 'qian', actor: admin, reason: '孙离职' });
    expect(results.map((r) => [r.instanceId, r.step, r.status, r.ok, r.error?.code])).toEqual([[id, 'vote', 'open', false, 'OPERATION_NOT_ALLOWED']]);
    expect(await h.inbox(id)).toEqual(['vote:qian', 'vote:sun', 'vote:zhao']);
  });

  it('an escalation group leaves out people who already hold a seat: the step is passed by two different people', async () => {
    const wf = approvalFlow([{ id: 'vote', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun'), deadline: { after: 'due', then: { kind: 'escalate', role: 'legal' } } }], {
      deadlines: { due: workingDays(1) },
    });
    const h = harness(wf);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.clock.advanceBy({ days: 1 });
    // qian's and sun's late tasks each became a legal slot; zhao (legal, already voted) is not offered them.
    expect(await h.statuses(id, 'vote')).toEqual(['zhao:approved', 'qian:transferred', 'sun:transferred', 'legal:pending', 'legal:pending']);
    expect(await h.inbox(id)).toEqual(['vote:qian', 'vote:qian']);
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.engine.get(id)).state).toBe('approved');
    const approvers = (await h.step(id, 'vote')).assignments.filter((a) => a.status === 'approved').map((a) => a.user);
    expect(approvers).toEqual(['zhao', 'qian']);
  });

  it('an escalation to a role with too few free members decides nothing: the instance is suspended with the reason', async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian'), deadline: { after: 'due', then: { kind: 'escalate', role: 'vp' } } }], {
      deadlines: { due: workingDays(1) },
    });
    const h = harness(wf);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.clock.advanceBy({ days: 1 });
    const view = await h.engine.get(id);
    expect([top(view.state), view.suspended]).toEqual(['legal', true]);
    expect(await h.statuses(id, 'legal')).toEqual(['zhao:pending', 'qian:pending']);
  });

  it('认领 by a member who already holds a seat in the step is refused', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: [users('zhao'), role('legal', { claim: true })] }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await expect(h.engine.send(id, { type: 'CLAIM' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
    await h.engine.send(id, { type: 'CLAIM' }, { actor: actor('qian') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });
});

describe('离职转办 moves every assignment a person holds, read from the steps’ state', () => {
  it('依次 [wang, zhao]: zhao leaves while it is wang’s turn; his queued slot goes to sun', async () => {
    let left = false;
    const base = staticDirectory({ users: people, departmentHeads: { sales: 'wang', legal: 'zhao', finance: 'sun' } });
    const directory: Directory = {
      ...base,
      user: (id) => {
        const u = base.user(id);
        return u && id === 'zhao' && left ? { ...u, active: false } : u;
      },
      usersWithRole: (r) => base.usersWithRole(r).filter((u) => !(left && u.id === 'zhao')),
    };
    const noop = () => {};
    const engine = createEngine({
      store: memoryStore(),
      clock: virtualClock(MONDAY),
      calendar: businessCalendar({ holidays: ['CN'] }),
      directory,
      workflows: [approvalFlow([{ id: 'review', mode: 'sequential', approvers: users('wang', 'zhao') }])],
      effects: { 'approval.assigned': noop, 'approval.cc': noop, 'approval.remind': noop, notify: noop },
    });
    const id = await engine.start('flow', { amount: 1 }, { actor: li });
    left = true;
    const results = await reassignTasks(engine, { from: 'zhao', to: 'sun', actor: admin, reason: '赵离职' });
    expect(results.map((r) => [r.instanceId, r.step, r.status, r.from, r.to, r.ok])).toEqual([[id, 'review', 'queued', 'zhao', 'sun', true]]);
    expect(results[0]!.taskId).toBe(`${id}:review:1:t2`);
    await engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    expect((await engine.tasks({ instanceId: id })).map((t) => t.assignees)).toEqual([['sun']]);
    await engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    expect((await engine.get(id)).state).toBe('approved');
    const step = ((await engine.get(id)).context as FlowContext).approvals['review']!;
    expect(step.assignments.map((a) => `${a.user}:${a.status}:${a.origin}`)).toEqual(['wang:approved:rule', 'zhao:transferred:rule', 'sun:approved:transfer']);
  });

  it('moves a 加签-after slot that is not yet the person’s turn', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['qian'], position: 'after' }, { actor: actor('zhao') });
    const results = await reassignTasks(h.engine, { from: 'qian', to: 'wu', actor: admin, reason: '钱离职' });
    expect(results.map((r) => [r.status, r.ok])).toEqual([['queued', true]]);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect(await h.inbox(id)).toEqual(['legal:wu']);
  });

  it('离职转办 by an actor of a tenant moves that tenant’s assignments only and names no other tenant’s instance', async () => {
    const noop = () => {};
    const engine = createEngine({
      store: memoryStore(),
      clock: virtualClock(MONDAY),
      calendar: businessCalendar({ holidays: ['CN'] }),
      directory: staticDirectory({ users: people }),
      tenants: { acme: {}, globex: {} },
      workflows: [approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }])],
      effects: { 'approval.assigned': noop, 'approval.cc': noop, 'approval.remind': noop, notify: noop },
    });
    const mine = await engine.forTenant('acme').start('flow', { amount: 1 }, { actor: li });
    const theirs = await engine.forTenant('globex').start('flow', { amount: 1 }, { actor: li });
    const results = await reassignTasks(engine, { from: 'zhao', to: 'sun', actor: { ...admin, tenant: 'acme' }, reason: '赵离职' });
    expect(results.map((r) => [r.instanceId, r.step, r.status, r.ok])).toEqual([[mine, 'legal', 'open', true]]);
    expect((await engine.tasks({ instanceId: theirs })).map((t) => t.assignees)).toEqual([['zhao'], ['qian']]);
    expect(await engine.history(theirs, { includeRefused: true })).toHaveLength(1);
  });

  it('离职转办 from a person to themselves is INVALID_ARGUMENT before anything is sent or recorded', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await expect(reassignTasks(h.engine, { from: 'zhao', to: 'zhao', actor: admin, reason: 'x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(await h.engine.history(id, { includeRefused: true })).toHaveLength(1);
  });
});

describe('the mode stays reachable, or the act is refused', () => {
  it('票签 2 of [zhao, qian, sun]: qian removes sun, then zhao; the second removal is refused and the step still waits', async () => {
    const h = harness(approvalFlow([{ id: 'vote', mode: { count: 2 }, approvers: users('zhao', 'qian', 'sun') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'sun' }, { actor: actor('qian') });
    const before = await h.engine.get(id);
    const refused = await h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'zhao' }, { actor: actor('qian') }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { invariant: 'outcome-from-votes' } });
    expect((await h.engine.get(id)).revision).toBe(before.revision);
    expect(top((await h.engine.get(id)).state)).toBe('vote');
    expect(await h.statuses(id, 'vote')).toEqual(['zhao:pending', 'qian:pending', 'sun:removed']);
    const audit = (await h.engine.history(id, { includeRefused: true })).filter((e) => 'code' in e);
    expect(audit.map((e) => ('code' in e ? e.code : ''))).toEqual(['OPERATION_NOT_ALLOWED']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('removing the last approver is refused (nobody would be left to decide)', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await expect(h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'zhao' }, { actor: li })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED', details: { invariant: 'mode-reachable' } });
  });

  it('at entry, a count above the approvers resolved refuses the entering act with NO_APPROVER by default (whenTooFew)', async () => {
    const h = harness(approvalFlow([{ id: 'vote', mode: { count: 3 }, approvers: users('zhao', 'qian') }], { draft: true }));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const refused = await h.engine.send(id, { type: 'SUBMIT' }, { actor: li }).catch((e) => e);
    expect(refused).toMatchObject({ code: 'NO_APPROVER', details: { step: 'vote', needed: 3, resolved: ['zhao', 'qian'] } });
    expect((await h.engine.get(id)).state).toBe('draft');
  });

  it("whenTooFew: 'lower' asks everyone resolved instead, recorded as an automatic act", async () => {
    const h = harness(approvalFlow([{ id: 'vote', mode: { count: 3 }, approvers: users('zhao', 'qian'), whenTooFew: 'lower' }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const step = await h.step(id, 'vote');
    expect(step.spec.mode).toEqual({ count: 2 });
    expect(step.acts.map((a) => [a.type, a.by])).toEqual([['AUTO', 'docket:system']]);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect(top((await h.engine.get(id)).state)).toBe('vote');
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('whenTooFew: { role } adds one group slot per missing approval, for members not already asked', async () => {
    const h = harness(approvalFlow([{ id: 'vote', mode: { count: 3 }, approvers: users('zhao', 'sun'), whenTooFew: { role: 'finance' } }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    expect(await h.statuses(id, 'vote')).toEqual(['zhao:pending', 'sun:pending', 'finance:pending']);
    expect((await h.step(id, 'vote')).assignments[2]!.group?.members).toEqual(['wu', 'zheng']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wu') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });
});

describe('an outcome only from votes, a deadline or a policy: 去重 counts only the step decided just before', () => {
  const flow = approvalFlow([
    { id: 'manager', mode: 'all', approvers: users('wang') },
    { id: 'legal', mode: 'all', approvers: users('zhao') },
    { id: 'finance', mode: 'all', approvers: users('wang', 'sun'), dedupe: true },
  ]);

  it('任意跳转 past an undecided step: the next step asks wang again instead of passing him on an approval two steps back', async () => {
    const h = harness(flow);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    await h.engine.moveTo(id, { actor: admin, target: 'finance', reason: 'legal signed on paper' });
    expect(await h.statuses(id, 'finance')).toEqual(['wang:pending', 'sun:pending']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    expect(top((await h.engine.get(id)).state)).toBe('finance');
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('the step just before approved by wang still passes him once (去重 as documented)', async () => {
    const h = harness(flow);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    await h.engine.send(id, { type: 'TRANSFER', to: 'wang' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    expect(await h.statuses(id, 'finance')).toEqual(['wang:skipped', 'sun:pending']);
  });
});

describe('documented semantics (docs/approvals.md)', () => {
  it('转交 is not acting: the initiator may still withdraw (withdraw: untilActed) after a transfer', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'TRANSFER', to: 'sun' }, { actor: actor('zhao') });
    await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li });
    expect((await h.engine.get(id)).state).toBe('withdrawn');
  });

  it('或签 ends on the first decision either way: the first REJECT rejects the step', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'any', approvers: users('zhao', 'qian') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'REJECT', comment: 'no' }, { actor: actor('zhao') });
    expect((await h.engine.get(id)).state).toBe('rejected');
    expect(await h.inbox(id)).toEqual([]);
    expect(await h.statuses(id, 'legal')).toEqual(['zhao:rejected', 'qian:pending']);
  });
});
