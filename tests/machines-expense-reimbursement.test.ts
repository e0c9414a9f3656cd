import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, memoryStore, staticDirectory, virtualClock, type DirectoryUser } from '../src/index.js';
import { assertNoDeadEnds, replayPaths } from '../src/testing/index.js';
import { expenseReimbursement } from '../machines/index.js';

const people: DirectoryUser[] = [
  { id: 'li', roles: ['staff'], department: 'sales', supervisor: 'wang' },
  { id: 'wang', roles: ['manager'], department: 'sales', supervisor: 'chen' },
  { id: 'chen', roles: ['director'], department: 'sales', supervisor: 'ceo' },
  { id: 'ceo', roles: ['ceo'], department: 'exec' },
  { id: 'sun', roles: ['finance'], department: 'finance' },
  { id: 'wu', roles: ['finance'], department: 'finance' },
];
const directory = staticDirectory({ users: people, departmentHeads: { sales: 'chen' } });
const as = (id: string) => ({ id, roles: people.find((p) => p.id === id)!.roles });
const trip = [{ description: '深圳—北京机票', amount: 1_800, category: 'travel' }];

// The approval steps are explored by default: 同意/驳回/退回修改/撤回 per step, each by the step's
// assignee (撤回 by the initiator), 加签/转交/抄送/催办 left out, the approval state's loops collapsed.
const options = {
  input: { title: '11月差旅', department: 'sales', items: trip },
  directory,
  actors: { start: as('li'), SUBMIT: as('li'), PAID: as('sun') },
  events: { SUBMIT: [{}, { items: [{ description: '展会', amount: 8_000 }] }, { items: [{ description: '年会', amount: 30_000 }] }] },
};

describe('expense-reimbursement machine', () => {
  it('reaches every state, and every path ends final or waiting on a person or a timer', () => {
    const report = assertNoDeadEnds(expenseReimbursement, options as never);
    expect(report.unreachable).toEqual([]);
  });

  it('replays every generated path through the engine', async () => {
    const results = await replayPaths(expenseReimbursement, options as never);
    expect(results.filter((r) => !r.ok).map((r) => `${r.path.description}: ${r.error}`)).toEqual([]);
  });

  it('simulation: 8,000 goes to the department head, not the CEO; payment reminded over National Day', async () => {
    const calendar = businessCalendar();
    const clock = virtualClock('2026-09-28T09:00:00+08:00');
    const reminders: string[] = [];
    const engine = createEngine({
      store: memoryStore(), clock, calendar, directory, workflows: [expenseReimbursement],
      effects: { 'approval.assigned': () => {}, remindPayment: (_p, ctx) => void reminders.push(calendar.toLocalDate(ctx.now)) },
    });
    const id = await engine.start('expense-reimbursement', { title: '展会费用', department: 'sales', items: [{ description: '展位', amount: 8_000 }] }, { actor: as('li') });
    await engine.send(id, { type: 'SUBMIT' }, { actor: as('li') });
    await engine.send(id, { type: 'APPROVE', step: 'manager' }, { actor: as('wang') });
    let view = await engine.send(id, { type: 'APPROVE', step: 'director' }, { actor: as('chen') });
    expect(view.state).toMatchObject({ financeCheck: 'pending' });
    view = await engine.send(id, { type: 'APPROVE', step: 'financeCheck' }, { actor: as('wu') });
    expect(view.state).toBe('payment');
    await clock.advanceTo('2026-10-20T09:00:00+08:00');
    // Five working days after Mon 28 Sep: 29, 30 Sep, 8, 9 and Saturday 10 Oct (a make-up working day, 调休);
    // then 12–16 Oct.
    expect(reminders).toEqual(['2026-10-10', '2026-10-16']);
    view = await engine.send(id, { type: 'PAID', voucherNo: 'PZ-2026-1019' }, { actor: as('sun') });
    expect(view.status).toBe('done');
  });
});
