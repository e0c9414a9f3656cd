import { describe, expect, it } from 'vitest';
import { reassignTasks, role, users, type HistoryEntry } from '../src/index.js';
import { actor, admin, approvalFlow, harness, li, type FlowContext } from './approvals-fixture.js';

const top = (state: unknown) => (typeof state === 'string' ? state : Object.keys(state as object)[0]);
type H = ReturnType<typeof harness>;

/** One operation per row: a flow, a script, and what must hold after it. */
const cases: { name: string; steps: Parameters<typeof approvalFlow>[0]; draft?: boolean; script: (h: H, id: string) => Promise<void> }[] = [
  {
    name: '同意 approve / 拒绝 reject (with comments kept)',
    steps: [{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'APPROVE', comment: 'ok' }, { actor: actor('zhao') });
      await h.engine.send(id, { type: 'REJECT', comment: 'clause 7' }, { actor: actor('qian') });
      expect((await h.engine.get(id)).state).toBe('rejected');
      expect((await h.step(id, 'legal')).acts.map((a) => [a.type, a.by, a.comment])).toEqual([
        ['APPROVE', 'zhao', 'ok'],
        ['REJECT', 'qian', 'clause 7'],
      ]);
    },
  },
  {
    name: '要求修改 request changes: back to the submitter with comments; a comment is required',
    draft: true,
    steps: [{ id: 'legal', mode: 'all', approvers: users('zhao'), returns: { submitter: true } }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
      await expect(h.engine.send(id, { type: 'REQUEST_CHANGES' } as never, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
      await h.engine.send(id, { type: 'REQUEST_CHANGES', comment: 'attach the quote' }, { actor: actor('zhao') });
      expect((await h.engine.get(id)).state).toBe('draft');
      expect((await h.step(id, 'legal')).outcome).toEqual({ kind: 'returned', to: 'submitter' });
      await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
      expect(await h.inbox(id)).toEqual(['legal:zhao']);
      expect((await h.step(id, 'legal')).round).toBe(2);
    },
  },
  {
    name: '退回 return to the previous step; a step not allowed is refused',
    steps: [
      { id: 'manager', mode: 'all', approvers: users('wang') },
      { id: 'legal', mode: 'all', approvers: users('zhao'), returns: { previous: 'manager' } },
    ],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
      await expect(h.engine.send(id, { type: 'RETURN', to: 'submitter' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
      await h.engine.send(id, { type: 'RETURN', to: 'previous', comment: 'check the budget' }, { actor: actor('zhao') });
      expect(await h.inbox(id)).toEqual(['manager:wang']);
    },
  },
  {
    name: '驳回 rejection strategy per step: REJECT returns to the submitter instead of ending',
    draft: true,
    steps: [{ id: 'legal', mode: 'all', approvers: users('zhao'), rejection: { return: 'submitter' }, returns: { submitter: true } }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
      await h.engine.send(id, { type: 'REJECT', comment: 'no' }, { actor: actor('zhao') });
      expect((await h.engine.get(id)).state).toBe('draft');
    },
  },
  {
    name: '加签 before: the added signer acts first, then the one who added',
    steps: [{ id: 'legal', mode: 'sequential', approvers: users('zhao', 'qian') }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'before' }, { actor: actor('zhao') });
      expect(await h.inbox(id)).toEqual(['legal:sun']);
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
      expect(await h.inbox(id)).toEqual(['legal:zhao']);
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
      expect(await h.inbox(id)).toEqual(['legal:qian']);
    },
  },
  {
    name: '加签 after: the added signer acts after the one who added, before the next',
    steps: [{ id: 'legal', mode: 'sequential', approvers: users('zhao', 'qian') }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'after' }, { actor: actor('zhao') });
      expect(await h.inbox(id)).toEqual(['legal:zhao']);
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
      expect(await h.inbox(id)).toEqual(['legal:sun']);
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
      expect(await h.statuses(id, 'legal')).toEqual(['zhao:approved', 'sun:approved', 'qian:pending']);
    },
  },
  {
    name: '加签 alongside: the added signer acts in parallel; both must approve before the next',
    steps: [{ id: 'legal', mode: 'sequential', approvers: users('zhao', 'qian') }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'ADD_SIGNER', users: ['sun'], position: 'alongside' }, { actor: actor('zhao') });
      expect(await h.inbox(id)).toEqual(['legal:sun', 'legal:zhao']);
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
      expect(await h.inbox(id)).toEqual(['legal:sun']);
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
      expect(await h.inbox(id)).toEqual(['legal:qian']);
    },
  },
  {
    name: '减签 removes a signer not yet acted; removing one who already approved is refused',
    steps: [{ id: 'finance', mode: 'all', approvers: role('finance') }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
      const refused = await h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'sun' }, { actor: actor('wu') }).catch((e) => e);
      expect(refused).toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
      expect(refused.message).toContain('already acted');
      await h.engine.send(id, { type: 'REMOVE_SIGNER', user: 'zheng' }, { actor: actor('wu') });
      expect(await h.statuses(id, 'finance')).toEqual(['sun:approved', 'wu:pending', 'zheng:removed']);
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wu') });
      expect((await h.engine.get(id)).state).toBe('approved');
      const audit = (await h.engine.history(id, { includeRefused: true })).filter((e) => 'code' in e);
      expect(audit.map((e) => ('code' in e ? e.code : ''))).toEqual(['OPERATION_NOT_ALLOWED']);
    },
  },
  {
    name: '转交 transfer: the new assignee acts; the old assignee is refused',
    steps: [{ id: 'legal', mode: 'all', approvers: users('zhao') }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'TRANSFER', to: 'qian', comment: 'on leave' }, { actor: actor('zhao') });
      expect(await h.inbox(id)).toEqual(['legal:qian']);
      await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
      expect((await h.engine.get(id)).state).toBe('approved');
    },
  },
  {
    name: '委托 delegate: the delegate approves on behalf of the assignee; history shows both',
    steps: [{ id: 'legal', mode: 'all', approvers: users('zhao') }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'DELEGATE', to: 'qian' }, { actor: actor('zhao') });
      expect((await h.engine.tasks({ assignee: 'qian' })).map((t) => t.step)).toEqual(['legal']);
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
      const last = (await h.engine.history(id)).at(-1) as HistoryEntry;
      expect(last).toMatchObject({ actor: { id: 'qian' }, onBehalfOf: 'zhao' });
      expect((await h.step(id, 'legal')).acts.at(-1)).toMatchObject({ type: 'APPROVE', by: 'qian', onBehalfOf: 'zhao' });
    },
  },
  {
    name: '认领 claim: one member of the role claims the group task; the others may no longer act',
    steps: [{ id: 'legal', mode: 'any', approvers: role('legal', { claim: true }) }],
    script: async (h, id) => {
      expect((await h.engine.tasks({ role: 'legal' })).map((t) => [t.status, t.actions[0]])).toEqual([['open', 'CLAIM']]);
      await h.engine.send(id, { type: 'CLAIM' }, { actor: actor('qian') });
      const [task] = await h.engine.tasks({ instanceId: id });
      expect(task).toMatchObject({ status: 'claimed', claimedBy: 'qian', assignees: ['qian'] });
      await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
      expect((await h.engine.get(id)).state).toBe('approved');
    },
  },
  {
    name: '撤回 withdraw: the initiator alone, and only while no one has acted',
    steps: [{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }],
    script: async (h, id) => {
      await expect(h.engine.send(id, { type: 'WITHDRAW' }, { actor: actor('zhao') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
      const late = await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li }).catch((e) => e);
      expect(late).toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
      expect(top((await h.engine.get(id)).state)).toBe('legal');
    },
  },
  {
    name: '撤回 withdraw before anyone acted ends the request',
    steps: [{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'WITHDRAW', comment: 'wrong amount' }, { actor: li });
      expect((await h.engine.get(id)).state).toBe('withdrawn');
      expect(await h.inbox(id)).toEqual([]);
    },
  },
  {
    name: '抄送 CC and 催办 remind are recorded and sent as effects',
    steps: [{ id: 'legal', mode: 'all', approvers: users('zhao') }],
    script: async (h, id) => {
      await h.engine.send(id, { type: 'CC', users: ['sun', 'wu'], comment: 'FYI' }, { actor: li });
      await h.engine.send(id, { type: 'REMIND' }, { actor: li });
      await expect(h.engine.send(id, { type: 'REMIND' }, { actor: actor('qian') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
      const effects = (await h.engine.effects(id)).map((e) => [e.type, (e.params as { to: string[] }).to]);
      expect(effects).toEqual([
        ['approval.assigned', ['zhao']],
        ['approval.cc', ['sun', 'wu']],
        ['approval.remind', ['zhao']],
      ]);
      expect((await h.step(id, 'legal')).cc).toEqual(['sun', 'wu']);
    },
  },
];

describe('operations', () => {
  for (const c of cases) {
    it(c.name, async () => {
      const h = harness(approvalFlow(c.steps, { draft: c.draft ?? false }));
      const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
      await c.script(h, id);
    });
  }
});

describe('代理 stand-ins and 离职转办', () => {
  it('a stand-in for a date range sees and acts on the principal’s tasks, recorded on their behalf', async () => {
    const from = Date.parse('2026-11-03T00:00:00+08:00');
    const to = Date.parse('2026-11-10T00:00:00+08:00');
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }]), { standIns: [{ principal: 'zhao', deputy: 'qian', from, to }] });
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    expect(await h.engine.tasks({ assignee: 'qian' })).toEqual([]);
    await expect(h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await h.clock.advanceTo(from);
    expect((await h.engine.tasks({ assignee: 'qian' })).map((t) => t.assignees)).toEqual([['zhao']]);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') });
    expect((await h.engine.history(id)).at(-1)).toMatchObject({ actor: { id: 'qian' }, onBehalfOf: 'zhao' });
    expect((await h.engine.get(id)).state).toBe('approved');
  });

  it('离职转办 hands every open task of a person to another across instances, each act recorded', async () => {
    const h = harness(approvalFlow([{ id: 'manager', mode: 'sequential', approvers: users('zhao', 'wang') }, { id: 'legal', mode: 'all', approvers: users('wang') }]));
    const a = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const b = await h.engine.start('flow', { amount: 2 }, { actor: li });
    await h.engine.send(b, { type: 'APPROVE' }, { actor: actor('zhao') });
    // wang is waiting in `a` (not yet his turn) and open in `b`: only open tasks are in the inbox.
    expect((await h.engine.tasks({ assignee: 'wang' })).map((t) => t.instanceId)).toEqual([b]);
    // 离职转办 reads the steps' state: wang's queued slot in `a` moves too (the inbox view alone missed it).
    await expect(reassignTasks(h.engine, { from: 'wang', to: 'zhou', actor: actor('zhao'), reason: 'x' })).resolves.toMatchObject([{ ok: false }, { ok: false }]);
    const results = await reassignTasks(h.engine, { from: 'wang', to: 'zhou', actor: admin, reason: '王经理离职' });
    expect(results.map((r) => [r.instanceId, r.status, r.ok]).sort()).toEqual([[a, 'queued', true], [b, 'open', true]].sort());
    expect(await h.engine.tasks({ assignee: 'wang' })).toEqual([]);
    expect(await h.inbox(b)).toEqual(['manager:zhou']);
    await h.engine.send(a, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect(await h.inbox(a)).toEqual(['manager:zhou']);
    const entry = (await h.engine.history(b)).at(-1)!;
    expect(entry.event).toMatchObject({ type: 'TRANSFER', from: 'wang', to: 'zhou', comment: '王经理离职' });
  });
});

describe('加签 → 退回 → resubmission that jumps back', () => {
  it('keeps every task correct through 加签 after partial approval, 退回 to the first step and a jump back', async () => {
    const h = harness(
      approvalFlow(
        [
          { id: 'manager', mode: 'all', approvers: users('wang') },
          { id: 'legal', mode: 'all', approvers: users('zhao') },
          { id: 'finance', mode: 'all', approvers: users('sun', 'wu'), returns: { submitter: true, steps: ['manager'] }, resubmit: 'jump' },
          { id: 'ceo', mode: 'all', approvers: users('ceo') },
        ],
        { draft: true },
      ),
    );
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
    expect(await h.inbox(id)).toEqual(['finance:sun', 'finance:wu']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    await h.engine.send(id, { type: 'ADD_SIGNER', users: ['zheng'], position: 'after' }, { actor: actor('wu') });
    expect(await h.inbox(id)).toEqual(['finance:wu']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wu') });
    expect(await h.inbox(id)).toEqual(['finance:zheng']);
    expect(await h.statuses(id, 'finance')).toEqual(['sun:approved', 'wu:approved', 'zheng:pending']);
    // zheng returns it to the first step.
    await h.engine.send(id, { type: 'RETURN', to: 'manager', comment: 'budget owner must re-sign' }, { actor: actor('zheng') });
    expect(top((await h.engine.get(id)).state)).toBe('manager');
    expect(await h.inbox(id)).toEqual(['manager:wang']);
    expect((await h.step(id, 'manager')).round).toBe(2);
    // The manager re-approves: the flow jumps straight back to finance, skipping legal.
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    expect(top((await h.engine.get(id)).state)).toBe('finance');
    const finance = await h.step(id, 'finance');
    expect(finance.round).toBe(2);
    expect(await h.statuses(id, 'finance')).toEqual(['sun:pending', 'wu:pending']);
    expect(await h.inbox(id)).toEqual(['finance:sun', 'finance:wu']);
    expect((await h.step(id, 'legal')).round).toBe(1);
    expect(((await h.engine.get(id)).context as FlowContext).approvalFlow.resume).toBeNull();
    // A return to the submitter: resubmitting jumps straight back to finance as well.
    await h.engine.send(id, { type: 'RETURN', to: 'submitter' }, { actor: actor('sun') });
    expect(await h.inbox(id)).toEqual([]);
    await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
    expect(await h.inbox(id)).toEqual(['finance:sun', 'finance:wu']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wu') });
    expect(await h.inbox(id)).toEqual(['ceo:ceo']);
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('ceo') });
    expect((await h.engine.get(id)).state).toBe('approved');
    expect(await h.engine.verify(id)).toMatchObject({ ok: true });
  });
});

describe('批量审批 batch approval and the inbox', () => {
  it('approves many tasks at once; one refusal does not undo the others and says why', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }]));
    const ids = [await h.engine.start('flow', { amount: 1 }, { actor: li }), await h.engine.start('flow', { amount: 2 }, { actor: li })];
    const other = await h.engine.start('flow', { amount: 3 }, { actor: li });
    await h.engine.send(other, { type: 'TRANSFER', to: 'qian' }, { actor: actor('zhao') });
    const inbox = await h.engine.tasks({ assignee: 'zhao', workflow: 'flow' });
    expect(inbox.map((t) => [t.instanceId, t.step, t.actions.includes('APPROVE')])).toEqual(ids.map((id) => [id, 'legal', true]));
    const results = await h.engine.sendMany(
      [...inbox.map((t) => ({ instanceId: t.instanceId, event: { type: 'APPROVE' as const, taskId: t.id } })), { instanceId: other, event: { type: 'APPROVE' as const } }],
      { actor: actor('zhao') },
    );
    expect(results.map((r) => [r.ok, r.error?.code])).toEqual([[true, undefined], [true, undefined], [false, 'FORBIDDEN']]);
    for (const id of ids) expect((await h.engine.get(id)).state).toBe('approved');
    expect(top((await h.engine.get(other)).state)).toBe('legal');
  });
});

describe('任意跳转 move to a state (admin)', () => {
  it('moves an instance to another step with a reason; approvers are resolved afresh; non-admins refused', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao') }, { id: 'finance', mode: 'all', approvers: users('sun') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await expect(h.engine.moveTo(id, { actor: li, target: 'finance', reason: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(h.engine.moveTo(id, { actor: admin, target: 'nowhere', reason: 'x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    const view = await h.engine.moveTo(id, { actor: admin, target: 'finance', reason: 'legal signed on paper' });
    expect(top(view.state)).toBe('finance');
    expect(await h.inbox(id)).toEqual(['finance:sun']);
    expect((await h.engine.history(id)).at(-1)).toMatchObject({ kind: 'admin', reason: 'legal signed on paper', event: { type: 'docket.admin.moveTo', target: 'finance' } });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('sun') });
    expect((await h.engine.get(id)).state).toBe('approved');
  });
});
