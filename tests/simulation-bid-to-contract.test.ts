import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, isDocketError, memoryStore, staticDirectory, virtualClock, type Engine } from '../src/index.js';
import { bidReview, contractApproval, type StartContractApprovalParams } from '../machines/index.js';
import { bidContractPeople } from './fixtures/bid-contract-people.js';

const people = bidContractPeople;
const directory = staticDirectory({ users: people, departmentHeads: { sales: 'wang' } });
const as = (id: string) => ({ id, roles: people.find((p) => p.id === id)!.roles });
const calendar = businessCalendar({ holidays: ['CN'] });
const tender = { tenderNo: 'SZ-2026-031', title: '营销平台建设', customer: '深圳电信', bondAmount: 50_000 };

function setup(start: string) {
  const clock = virtualClock(start);
  const started: string[] = [];
  const effects: string[] = [];
  let engine!: Engine;
  const noop = (type: string) => () => void effects.push(type);
  engine = createEngine({
    store: memoryStore(),
    clock,
    calendar,
    directory,
    workflows: [bidReview, contractApproval],
    effects: {
      'approval.assigned': noop('approval.assigned'),
      bidMissed: noop('bidMissed'),
      chaseBondRefund: noop('chaseBondRefund'),
      chaseBond: noop('chaseBond'),
      async startContractApproval(p: StartContractApprovalParams, ctx) {
        // The bid's effect starts the contract; the effect id makes a retried delivery start it only once.
        const id = await engine.start(
          'contract-approval' as never,
          { contractNo: `HT-${p.tenderNo}`, title: p.title, customer: p.customer, amount: p.amount, department: p.department, source: { bidInstanceId: ctx.instanceId, tenderNo: p.tenderNo } } as never,
          { actor: { id: 'tang', roles: ['bidManager'] }, id: `contract:${ctx.effectId}` },
        );
        started.push(id);
      },
    },
  });
  return { clock, engine, started, effects };
}

describe('simulation: bids on the real calendar', () => {
  it('an approval that arrives after the submission deadline finds the bid already missed', async () => {
    const { clock, engine, effects } = setup('2026-09-24T09:00:00+08:00');
    const id = await engine.start('bid-review', { ...tender, submissionDeadline: '2026-10-09T17:00:00+08:00' } as never, { actor: as('tang') });
    await engine.send(id, { type: 'TECHNICAL_READY' } as never, { actor: as('tang') });
    await engine.send(id, { type: 'COMMERCIAL_READY', quote: 1_280_000 } as never, { actor: as('tang') });
    await clock.advanceTo('2026-09-29T10:00:00+08:00');
    for (const u of ['zhang', 'wu']) await engine.send(id, { type: 'APPROVE', step: 'bidReview' } as never, { actor: as(u) });
    expect((await engine.get(id)).state).toEqual({ open: { approval: 'pending' } });
    // The approver is away over National Day; the deadline (Fri 9 Oct, 17:00, a working day) passes.
    await clock.advanceTo('2026-10-12T09:00:00+08:00');
    const view = await engine.get(id);
    expect(view.state).toBe('missed');
    expect(view.status).toBe('done');
    expect(effects).toContain('bidMissed');
    const history = await engine.history(id);
    expect(history.at(-1)).toMatchObject({ kind: 'timer', at: Date.parse('2026-10-09T17:00:00+08:00'), to: 'missed', timer: { name: 'submissionDeadline' } });
    await expect(engine.send(id, { type: 'APPROVE', step: 'bidApproval' } as never, { actor: as('zhou') })).rejects.toSatisfy((e) => isDocketError(e, 'INSTANCE_NOT_ACTIVE'));
  });

  it('a won bid pays its fee and starts a contract approval with the bid data', async () => {
    const { clock, engine, started } = setup('2026-11-02T09:00:00+08:00');
    const id = await engine.start('bid-review', { ...tender, submissionDeadline: '2026-11-20T09:30:00+08:00', prequalification: true } as never, { actor: as('tang') });
    await engine.send(id, { type: 'PREQUAL_SUBMITTED' } as never, { actor: as('tang') });
    await clock.advanceTo('2026-11-05T10:00:00+08:00');
    await engine.send(id, { type: 'PREQUAL_PASSED' } as never, { actor: as('tang') });
    await engine.send(id, { type: 'TECHNICAL_READY' } as never, { actor: as('tang') });
    await engine.send(id, { type: 'COMMERCIAL_READY', quote: 1_280_000 } as never, { actor: as('tang') });
    await engine.send(id, { type: 'REJECT', step: 'bidReview', comment: '报价偏高，请复核' } as never, { actor: as('zhang') });
    expect((await engine.get(id)).state).toMatchObject({ open: { preparing: { technical: 'drafting', commercial: 'drafting' } } });
    await engine.send(id, { type: 'TECHNICAL_READY' } as never, { actor: as('tang') });
    await engine.send(id, { type: 'COMMERCIAL_READY', quote: 1_180_000 } as never, { actor: as('tang') });
    for (const u of ['zhang', 'wu']) await engine.send(id, { type: 'APPROVE', step: 'bidReview' } as never, { actor: as(u) });
    await engine.send(id, { type: 'APPROVE', step: 'bidApproval' } as never, { actor: as('zhou') });
    await engine.send(id, { type: 'PUBLISHED', copies: 6 } as never, { actor: as('tang') });
    await clock.advanceTo('2026-11-19T15:00:00+08:00');
    await engine.send(id, { type: 'BID_SUBMITTED' } as never, { actor: as('tang') });
    await engine.send(id, { type: 'BOND_PAID', amount: 50_000 } as never, { actor: as('sun') });
    await clock.advanceTo('2026-11-27T10:00:00+08:00');
    await engine.send(id, { type: 'RESULT_WON', contractAmount: 1_180_000, serviceFee: 15_000 } as never, { actor: as('tang') });
    await engine.settled(); // the send resolves once committed; its effect starts the contract after it
    expect(started).toHaveLength(1);
    const contract = await engine.get(started[0]!);
    expect(contract).toMatchObject({ workflow: 'contract-approval', state: 'draft', initiator: 'tang' });
    expect(contract.context).toMatchObject({ contractNo: 'HT-SZ-2026-031', amount: 1_180_000, approvalLevel: 'vp', source: { bidInstanceId: id, tenderNo: 'SZ-2026-031' } });
    const done = await engine.send(id, { type: 'SERVICE_FEE_PAID', amount: 15_000 } as never, { actor: as('sun') });
    expect(done.state).toBe('won');
  });

  it('a lost bid chases the bond refund every 5 working days until it is back', async () => {
    const { clock, engine, effects } = setup('2026-11-02T09:00:00+08:00');
    const id = await engine.start('bid-review', { ...tender, submissionDeadline: '2026-11-20T09:30:00+08:00' } as never, { actor: as('tang') });
    for (const type of ['TECHNICAL_READY']) await engine.send(id, { type } as never, { actor: as('tang') });
    await engine.send(id, { type: 'COMMERCIAL_READY', quote: 990_000 } as never, { actor: as('tang') });
    for (const u of ['zhang', 'wu']) await engine.send(id, { type: 'APPROVE', step: 'bidReview' } as never, { actor: as(u) });
    await engine.send(id, { type: 'APPROVE', step: 'bidApproval' } as never, { actor: as('zhou') });
    await engine.send(id, { type: 'PUBLISHED' } as never, { actor: as('tang') });
    await engine.send(id, { type: 'BID_SUBMITTED' } as never, { actor: as('tang') });
    await engine.send(id, { type: 'BOND_PAID', amount: 50_000 } as never, { actor: as('sun') });
    await clock.advanceTo('2026-11-30T10:00:00+08:00');
    await engine.send(id, { type: 'RESULT_LOST', winner: '某公司' } as never, { actor: as('tang') });
    await clock.advanceTo('2026-12-16T09:00:00+08:00');
    expect(effects.filter((e) => e === 'chaseBondRefund')).toHaveLength(2); // 7 Dec and 14 Dec, 10:00
    const done = await engine.send(id, { type: 'BOND_REFUNDED', amount: 50_000 } as never, { actor: as('sun') });
    expect(done.state).toBe('lost');
    expect(done.context).toMatchObject({ refundReminders: 2, outcome: 'lost' });
  });
});
