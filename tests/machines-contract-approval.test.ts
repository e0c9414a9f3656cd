import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, memoryStore, staticDirectory, virtualClock, type DirectoryUser } from '../src/index.js';
import { assertNoDeadEnds, createApprovalSerializer, replayPaths } from '../src/testing/index.js';
import { contractApproval, type ContractApprovalContext } from '../machines/index.js';

const people: DirectoryUser[] = [
  { id: 'li', roles: ['sales'], department: 'sales', supervisor: 'wang' },
  { id: 'wang', roles: ['manager'], department: 'sales', supervisor: 'zhou' },
  { id: 'zhao', roles: ['legal'], department: 'legal' },
  { id: 'sun', roles: ['finance'], department: 'finance' },
  { id: 'qian', roles: ['technical'], department: 'tech' },
  { id: 'zhou', roles: ['vp'], department: 'exec' },
  { id: 'ceo', roles: ['ceo'], department: 'exec' },
  { id: 'ma', roles: ['contractAdmin'], department: 'sales' },
];
const directory = staticDirectory({ users: people, departmentHeads: { sales: 'wang' } });
const as = (id: string) => ({ id, roles: people.find((p) => p.id === id)!.roles });
const input = { contractNo: 'HT-2026-118', title: '营销平台建设', customer: '深圳电信', amount: 3_000_000, department: 'sales' };
// The approval steps are explored by default (decisions per step, by the assignee; 撤回 by the
// initiator li). Only the contract's own acts need samples, and its payments a capped identity.
const options = {
  input,
  directory,
  actors: { start: as('li'), SUBMIT: as('li'), SIGNED: as('ma'), ARCHIVED: as('ma'), PAYMENT_RECEIVED: as('sun') },
  events: {
    SUBMIT: [{}, { amount: 100_000 }, { amount: 900_000 }],
    PAYMENT_RECEIVED: [{ amount: 1_000_000 }, { amount: 3_000_000 }],
    SIGNED: { signedOn: '2026-11-05' },
  },
  // Resubmissions are counted and payments listed: only the level and whether anything was paid matter.
  serialize: createApprovalSerializer<ContractApprovalContext>((c) => [c.approvalLevel, Math.min(c.paid, 1)]),
  start: '2026-11-02T09:00:00+08:00',
};

describe('contract-approval machine', () => {
  it('reaches every state, and every path ends final or waiting on a person or a timer', () => {
    const report = assertNoDeadEnds(contractApproval, options as never);
    expect(report.unreachable).toEqual([]);
    expect(report.transient).toEqual(['afterDepartment', 'afterVp']);
  });

  it('replays every generated path through the engine with the directory', async () => {
    const results = await replayPaths(contractApproval, options as never);
    expect(results.filter((r) => !r.ok).map((r) => `${r.path.description}: ${r.error}`)).toEqual([]);
    expect(results.length).toBeGreaterThan(20);
  });

  it('simulation: 会签 rejection back to draft, VP-length chain for 880k, ERP effects, receivables chased until paid', async () => {
    const calendar = businessCalendar({ holidays: ['CN'] });
    const clock = virtualClock('2026-11-02T09:00:00+08:00');
    const effects: { type: string; at: string; params: any }[] = [];
    const rec = (type: string) => (params: unknown, ctx: { now: number }) => void effects.push({ type, at: calendar.toLocalDate(ctx.now), params });
    const types = ['erpCreateCustomer', 'erpCreateSalesOrder', 'chaseReceivable', 'contractClosed', 'remindSigning', 'approval.assigned', 'approval.remind', 'approval.cc'];
    const engine = createEngine({ store: memoryStore(), clock, calendar, directory, workflows: [contractApproval], effects: Object.fromEntries(types.map((t) => [t, rec(t)])) });
    const id = await engine.start('contract-approval', { ...input, amount: 880_000 }, { actor: as('li') });
    await engine.send(id, { type: 'SUBMIT' }, { actor: as('li') });
    expect((await engine.tasks({ instanceId: id })).flatMap((t) => t.assignees).sort()).toEqual(['qian', 'sun', 'zhao']);
    await engine.send(id, { type: 'APPROVE', step: 'review' }, { actor: as('zhao') });
    let view = await engine.send(id, { type: 'REJECT', step: 'review', comment: '付款节点需与验收挂钩' }, { actor: as('sun') });
    expect(view.state).toBe('draft');
    await expect(engine.send(id, { type: 'SUBMIT' }, { actor: as('ma') })).rejects.toThrow(/initiator/);
    await clock.advanceTo('2026-11-03T10:00:00+08:00');
    await engine.send(id, { type: 'SUBMIT', note: '已修改付款条款' }, { actor: as('li') });
    for (const u of ['zhao', 'sun', 'qian']) view = await engine.send(id, { type: 'APPROVE', step: 'review' }, { actor: as(u) });
    expect(view.state).toMatchObject({ departmentApproval: 'pending' });
    view = await engine.send(id, { type: 'APPROVE', step: 'departmentApproval' }, { actor: as('wang') });
    expect(view.state).toMatchObject({ vpApproval: 'pending' });
    view = await engine.send(id, { type: 'APPROVE', step: 'vpApproval' }, { actor: as('zhou') });
    expect(view.state).toBe('signing'); // 880k < 2M: no CEO step
    // A signing date that is no day of the calendar (30 February, month 13) is refused, naming the field.
    for (const signedOn of ['2026-02-30', '2026-13-01', '2026-11-5', '2026-11-05T00:00']) {
      const refused = await engine.send(id, { type: 'SIGNED', signedOn }, { actor: as('ma') }).catch((e: unknown) => e);
      expect(refused, signedOn).toMatchObject({ code: 'INVALID_PAYLOAD' });
      expect(JSON.stringify((refused as { details?: unknown }).details), signedOn).toContain('signedOn');
    }
    expect((await engine.get(id)).state).toBe('signing');
    await engine.send(id, { type: 'SIGNED', signedOn: '2026-11-05' }, { actor: as('ma') });
    view = await engine.send(id, { type: 'ARCHIVED', archiveNo: 'GD-2026-0451' }, { actor: as('ma') });
    expect(effects.filter((e) => e.type.startsWith('erp'))).toEqual([{ type: 'erpCreateCustomer', at: '2026-11-03', params: { contractNo: 'HT-2026-118', customer: '深圳电信' } }]);
    await engine.send(id, { type: 'ERP_CUSTOMER_CREATED', customerCode: 'C-88001' }, { actor: as('ma') });
    await engine.send(id, { type: 'ERP_ORDER_CREATED', orderNo: 'SO-2026-7731' }, { actor: as('ma') });
    await engine.send(id, { type: 'KICKOFF_HELD' }, { actor: as('ma') });
    await engine.send(id, { type: 'PAYMENT_RECEIVED', amount: 440_000, invoiceNo: 'FP-01' }, { actor: as('sun') });
    await clock.advanceTo('2026-12-31T09:00:00+08:00');
    expect(effects.filter((e) => e.type === 'chaseReceivable').map((e) => [e.at, e.params.outstanding])).toEqual([['2026-12-03', 440_000]]);
    view = await engine.send(id, { type: 'PAYMENT_RECEIVED', amount: 440_000, invoiceNo: 'FP-02' }, { actor: as('sun') });
    expect(view.status).toBe('done');
    const history = await engine.history(id);
    expect(history.find((h) => h.event.type === 'REJECT')).toMatchObject({ actor: { id: 'sun' }, event: { comment: '付款节点需与验收挂钩' }, to: 'draft' });
    expect(effects.at(-1)).toMatchObject({ type: 'contractClosed', params: { paid: 880_000 } });
  });

  it('the initiator may withdraw during review; nobody else', async () => {
    const clock = virtualClock('2026-11-02T09:00:00+08:00');
    const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar(), directory, workflows: [contractApproval], effects: { 'approval.assigned': () => {} } });
    const id = await engine.start('contract-approval', input, { actor: as('li') });
    await engine.send(id, { type: 'SUBMIT' }, { actor: as('li') });
    await expect(engine.send(id, { type: 'WITHDRAW' }, { actor: as('ma') })).rejects.toThrow();
    expect((await engine.send(id, { type: 'WITHDRAW', comment: '客户暂缓' }, { actor: as('li') })).state).toBe('withdrawn');
  });
});
