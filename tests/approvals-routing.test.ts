import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import {
  approvalStep,
  branch,
  businessCalendar,
  createEngine,
  memoryStore,
  previewApprovalPath,
  role,
  staticDirectory,
  supervisors,
  users,
  virtualClock,
  withApprovals,
  type ApprovalContext,
  type ApprovalEvent,
} from '../src/index.js';
import { MONDAY, people } from './approvals-fixture.js';

/** The approval plugin, with the amount shown on each inbox task. */
const approvals = withApprovals({ inbox: { data: (c: { amount: number }) => ({ amount: c.amount }) } });

/** 条件分支: small amounts need the supervisor chain, large ones finance and the CEO too. */
const machine = setup({
  types: {} as { context: ApprovalContext & { amount: number }; events: ApprovalEvent | { type: 'SUBMIT' }; input: { amount: number } },
  actions: approvals.actions,
  guards: approvals.guards,
  delays: approvals.delays,
}).createMachine({
  id: 'expense',
  context: ({ input }) => ({ ...approvals.context(input), amount: input.amount }),
  initial: 'draft',
  states: {
    draft: { on: { SUBMIT: 'route' } },
    route: {
      always: branch([
        { when: { field: 'amount', gt: 100_000 }, target: 'finance', label: { 'zh-CN': '金额 > 10 万', en: 'amount over 100k' } },
        { target: 'chain' },
      ]),
    },
    chain: approvalStep({ id: 'chain', mode: 'sequential', approvers: supervisors(3), onApproved: 'approved', onRejected: 'rejected' }),
    finance: approvalStep({ id: 'finance', mode: { count: 2 }, approvers: role('finance'), onApproved: 'ceo', onRejected: 'rejected' }),
    ceo: approvalStep({ id: 'ceo', mode: 'all', approvers: users('ceo'), dedupe: true, onApproved: 'approved', onRejected: 'rejected' }),
    approved: { type: 'final' },
    rejected: { type: 'final' },
  },
});

const expense = approvals.defineWorkflow({
  id: 'expense',
  version: 1,
  machine,
  input: z.object({ amount: z.number().positive() }),
  events: { SUBMIT: z.object({}) },
});

const directory = staticDirectory({ users: people });

describe('条件分支 routing by data and 预览审批流程 path preview', () => {
  it('declares branch conditions as data a visualizer can print', () => {
    const route = expense.machine.root.states['route']!;
    const edges = route.always!.map((t) => ({ to: t.target?.[0]?.key, meta: (t as unknown as { meta?: unknown }).meta ?? null, description: t.description }));
    expect(edges[0]).toMatchObject({ to: 'finance', description: 'amount over 100k' });
    expect(edges[1]).toMatchObject({ to: 'chain', description: 'otherwise' });
    expect(expense.machine.root.states['chain']!.meta).toMatchObject({ approval: { id: 'chain', approvers: { kind: 'supervisor', levels: 3 } } });
  });

  const cases = [
    { amount: 500, path: [{ step: 'chain', approvers: ['wang', 'zhou'] }] },
    { amount: 200_000, path: [{ step: 'finance', approvers: ['sun', 'wu', 'zheng'] }, { step: 'ceo', approvers: ['ceo'] }] },
  ];
  for (const c of cases) {
    it(`previews the path for ${c.amount} before submission, then runs exactly that path`, async () => {
      const preview = previewApprovalPath(expense, { amount: c.amount }, { directory, initiator: 'li' });
      expect(preview.map(({ step, approvers }) => ({ step, approvers }))).toEqual(c.path);
      const clock = virtualClock(MONDAY);
      const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar({ holidays: ['CN'] }), directory, workflows: [expense], effects: { 'approval.assigned': () => {} } });
      const id = await engine.start('expense', { amount: c.amount }, { actor: { id: 'li', roles: ['staff'] } });
      expect(await engine.list({ state: 'draft' })).toMatchObject({ items: [{ id }] });
      await engine.send(id, { type: 'SUBMIT' }, { actor: { id: 'li', roles: ['staff'] } });
      const seen: { step: string; approvers: string[] }[] = [];
      for (let guard = 0; guard < 10; guard++) {
        const tasks = await engine.tasks({ instanceId: id });
        if (tasks.length === 0) break;
        const task = tasks[0]!;
        const last = seen.at(-1);
        if (last?.step === task.step) last.approvers.push(task.assignees[0]!);
        else seen.push({ step: task.step, approvers: [task.assignees[0]!] });
        expect(task.data).toMatchObject({ extra: { amount: c.amount } });
        await engine.send(id, { type: 'APPROVE', taskId: task.id }, { actor: { id: task.assignees[0]!, roles: [] } });
      }
      expect((await engine.get(id)).state).toBe('approved');
      // The 票签 2-of-3 step decides after two approvals: the real run asks a subset of the preview.
      for (const s of seen) expect(c.path.find((p) => p.step === s.step)?.approvers).toEqual(expect.arrayContaining(s.approvers));
    });
  }
});
