import { describe, expect, it } from 'vitest';
import { expenseReimbursement } from '../machines/index.js';
import { businessCalendar, createEngine, memoryStore, virtualClock, workingDays } from '../src/index.js';
import { rehearseMigration } from '../src/testing/index.js';
import { expenseDirectory, expenseV2, person } from './helpers/expense-v2.js';

const calendar = businessCalendar();
const WF = 'expense-reimbursement';

/** A v1 store: one claim awaiting payment, one at the supervisor, one at the CEO. */
async function v1Store() {
  const store = memoryStore();
  const clock = virtualClock('2026-09-28T09:00:00+08:00');
  const engine = createEngine({ store, clock, calendar, directory: expenseDirectory, workflows: [expenseReimbursement] });
  const start = (id: string, amount: number) => engine.start(WF, { title: id, department: 'sales', items: [{ description: 'x', amount }] } as never, { actor: person('li'), id });
  const send = (id: string, event: object, who: string) => engine.send(id, event as never, { actor: person(who) });
  await start('pay', 1_800);
  await send('pay', { type: 'SUBMIT' }, 'li');
  await send('pay', { type: 'APPROVE', step: 'manager' }, 'wang');
  await send('pay', { type: 'APPROVE', step: 'financeCheck' }, 'sun');
  await start('mgr', 1_800);
  await send('mgr', { type: 'SUBMIT' }, 'li');
  await start('big', 30_000);
  await send('big', { type: 'SUBMIT' }, 'li');
  await send('big', { type: 'APPROVE', step: 'manager' }, 'wang');
  await send('big', { type: 'APPROVE', step: 'director' }, 'chen');
  await engine.close();
  return store;
}

describe('rehearseMigration', () => {
  it('reports the payment claim whose reminders move (v1: 5 working days at 10:00; v2: 3 at 09:30), and nothing else', async () => {
    const store = await v1Store();
    const before = await store.load('pay');
    const at = Date.parse('2026-09-29T09:00:00+08:00');
    const horizon = Date.parse('2026-10-31T00:00:00+08:00');
    const report = await rehearseMigration({ source: store, from: expenseReimbursement, to: expenseV2, at, horizon, calendar, directory: expenseDirectory });
    expect(report.instances).toBe(3);
    expect(report.migration.moved.map((m) => m.instanceId).sort()).toEqual(['mgr', 'pay']);
    expect(report.migration.blocked.map((b) => [b.instanceId, b.code])).toEqual([['big', 'STATE_NOT_MAPPED']]);
    expect(report.differences.map((d) => d.instanceId)).toEqual(['pay']);
    const pay = report.differences[0]!;
    expect(pay.finalStateDiffers).toBe(false);
    expect(pay.unmigrated.state).toBe('payment');
    expect(pay.migratedFuture.state).toBe('payout');
    // The due instants each copy met or holds, computed from each version's rule independently.
    const chain = (rule: ReturnType<typeof workingDays>, from: number) => {
      const out: number[] = [];
      for (let t = calendar.resolve(rule, from); t <= horizon; t = calendar.resolve(rule, t)) out.push(t);
      out.push(calendar.resolve(rule, out.at(-1)!));
      return out;
    };
    const enteredPayment = before!.updatedAt;
    expect(pay.deadlinesMoved).toEqual({
      old: chain(workingDays(5, { time: '10:00' }), enteredPayment),
      new: chain(workingDays(3, { time: '09:30' }), at),
    });
    expect(pay.deadlinesMoved!.old).not.toEqual(pay.deadlinesMoved!.new);
    // Each deadline says which state armed it, fired or pending: v1's payment step, v2's payout.
    expect(new Set(pay.unmigrated.deadlines.map((d) => `${d.state}|${d.label}|${d.fired ? 'fired' : 'pending'}`))).toEqual(
      new Set(['payment|paymentRemind in payment|fired', 'payment|paymentRemind in payment|pending']),
    );
    expect(new Set(pay.migratedFuture.deadlines.map((d) => `${d.state}|${d.label}`))).toEqual(new Set(['payout|paymentRemind in payout']));
    // The source was only read.
    expect(await store.load('pay')).toEqual(before);
  });

  it('follows a script on both copies: a claim paid before its first reminder has the same future', async () => {
    const store = await v1Store();
    const report = await rehearseMigration({
      source: store,
      from: expenseReimbursement,
      to: expenseV2,
      at: '2026-09-29T09:00:00+08:00',
      horizon: '2026-10-31T00:00:00+08:00',
      calendar,
      directory: expenseDirectory,
      script: [{ at: '2026-09-29T11:00:00+08:00', instanceId: 'pay', event: { type: 'PAID', voucherNo: 'PZ-1' }, actor: person('sun') }],
    });
    expect(report.differences).toEqual([]);
  });

  it('reports a final state that differs: a draft migration sending supervisor claims back to draft', async () => {
    const store = await v1Store();
    const report = await rehearseMigration({
      source: store,
      from: expenseReimbursement,
      to: expenseV2,
      migration: { kind: 'docket.migration', from: 1, states: { manager: 'draft', payment: 'payout' }, context: (c: object) => ({ ...c, currency: 'CNY' }) },
      at: '2026-09-29T09:00:00+08:00',
      horizon: '2026-09-30T00:00:00+08:00',
      calendar,
      directory: expenseDirectory,
      script: [{ at: '2026-09-29T10:00:00+08:00', instanceId: 'mgr', event: { type: 'APPROVE', step: 'manager' }, actor: person('wang') }],
    });
    const mgr = report.differences.find((d) => d.instanceId === 'mgr')!;
    expect(mgr.finalStateDiffers).toBe(true);
    expect([mgr.unmigrated.state, mgr.migratedFuture.state]).toEqual([{ financeCheck: 'pending' }, 'draft']);
    expect(mgr.unmigrated.refusedActs).toEqual([]);
    expect(mgr.migratedFuture.refusedActs.map((r) => [r.event, r.code])).toEqual([['APPROVE', 'EVENT_NOT_ACCEPTED']]);
  });
});
