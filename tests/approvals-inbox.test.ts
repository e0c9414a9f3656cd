import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import {
  approvalStep,
  businessCalendar,
  chosen,
  createEngine,
  role,
  staticDirectory,
  users,
  virtualClock,
  withApprovals,
  workingDays,
  memoryStore,
  type ApprovalContext,
  type ApprovalEvent,
} from '../src/index.js';
import { actor, approvalFlow, harness, li, MONDAY, people } from './approvals-fixture.js';

const top = (state: unknown) => (typeof state === 'string' ? state : Object.keys(state as object)[0]);

describe('the task inbox', () => {
  it('lists open tasks with instance, step, due instant and the actions the user may take', async () => {
    const wf = approvalFlow(
      [
        { id: 'legal', mode: 'all', approvers: role('legal', { claim: true }), title: { 'zh-CN': '法务审核', en: 'Legal review' }, deadline: { after: 'due', then: { kind: 'approve' } } },
        { id: 'finance', mode: 'all', approvers: users('sun'), returns: { submitter: true, previous: 'legal' }, operations: ['APPROVE', 'REJECT', 'RETURN', 'REQUEST_CHANGES'] },
      ],
      { deadlines: { due: workingDays(3, { time: '18:00' }) } },
    );
    const h = harness(wf);
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    const [group] = await h.engine.tasks({ role: 'legal', status: 'open' });
    expect(group).toMatchObject({
      id: `${id}:legal:1:t1`,
      instanceId: id,
      workflow: 'flow',
      step: 'legal',
      title: { 'zh-CN': '法务审核', en: 'Legal review' },
      assignees: ['zhao', 'qian'],
      roles: ['legal'],
      status: 'open',
      dueAt: Date.parse('2026-11-05T18:00:00+08:00'),
      actions: ['CLAIM', 'APPROVE', 'REJECT', 'ADD_SIGNER', 'REMOVE_SIGNER', 'TRANSFER', 'DELEGATE', 'CC'],
    });
    await h.engine.send(id, { type: 'APPROVE', taskId: group!.id }, { actor: actor('zhao') });
    const [fin] = await h.engine.tasks({ assignee: 'sun' });
    expect(fin).toMatchObject({ step: 'finance', dueAt: null, actions: ['APPROVE', 'REJECT', 'REQUEST_CHANGES', 'RETURN'] });
    await expect(h.engine.send(id, { type: 'TRANSFER', to: 'wu' }, { actor: actor('sun') })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
    // A task id from an earlier round is refused with a sentence saying to reload.
    await expect(h.engine.send(id, { type: 'APPROVE', taskId: `${id}:finance:9:t1` }, { actor: actor('sun') })).rejects.toMatchObject({ code: 'EVENT_NOT_ACCEPTED' });
  });

  it('two approvals of a 会签 sent at once are both recorded (no lost update)', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }]));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await Promise.all([h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') }), h.engine.send(id, { type: 'APPROVE' }, { actor: actor('qian') })]);
    expect((await h.engine.get(id)).state).toBe('approved');
    expect(await h.statuses(id, 'legal')).toEqual(['zhao:approved', 'qian:approved']);
  });

  it('a deadline armed before a restart fires in a fresh engine on the same store', async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: workingDays(2) } });
    const store = memoryStore();
    const directory = staticDirectory({ users: people });
    const calendar = businessCalendar({ holidays: ['CN'] });
    const first = createEngine({ store, clock: virtualClock(MONDAY), calendar, directory, workflows: [wf], effects: { 'approval.assigned': () => {} } });
    const id = await first.start('flow', { amount: 1 }, { actor: li });
    await first.close();
    const clock = virtualClock('2026-11-10T09:00:00+08:00');
    const second = createEngine({ store, clock, calendar, directory, workflows: [wf] });
    const fired = await clock.flush();
    expect(fired.map((f) => [f.name, f.dueAt])).toEqual([['due', Date.parse('2026-11-04T09:00:00+08:00')]]);
    expect((await second.get(id)).state).toBe('approved');
    expect(await second.tasks({ instanceId: id })).toEqual([]);
  });
});

describe('自选 validated at start', () => {
  it('refuses a start whose choice for a later step is not allowed, and accepts a valid one', async () => {
    const rule = chosen('chosen', { among: role('legal') });
    const wf = approvalFlow([{ id: 'manager', mode: 'all', approvers: users('wang') }, { id: 'legal', mode: 'all', approvers: rule }], { checkChoices: [rule] });
    const h = harness(wf);
    await expect(h.engine.start('flow', { amount: 1, chosen: ['sun'] }, { actor: li })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    const id = await h.engine.start('flow', { amount: 1, chosen: ['qian'] }, { actor: li });
    await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
    expect(await h.inbox(id)).toEqual(['legal:qian']);
  });
});

describe('per-step strategies', () => {
  const cases: { name: string; steps: Parameters<typeof approvalFlow>[0]; script: (h: ReturnType<typeof harness>, id: string) => Promise<void> }[] = [
    {
      name: '驳回 to the previous step (rejection: { return: "previous" })',
      steps: [{ id: 'manager', mode: 'all', approvers: users('wang') }, { id: 'legal', mode: 'all', approvers: users('zhao'), rejection: { return: 'previous' }, returns: { previous: 'manager' } }],
      script: async (h, id) => {
        await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
        await h.engine.send(id, { type: 'REJECT' }, { actor: actor('zhao') });
        expect(await h.inbox(id)).toEqual(['manager:wang']);
      },
    },
    {
      name: '驳回 ends the process by default',
      steps: [{ id: 'legal', mode: 'all', approvers: users('zhao') }],
      script: async (h, id) => {
        await h.engine.send(id, { type: 'REJECT' }, { actor: actor('zhao') });
        expect((await h.engine.get(id)).status).toBe('done');
        expect((await h.engine.get(id)).state).toBe('rejected');
      },
    },
    {
      name: "撤回 withdraw: 'anytime' allows it after someone acted",
      steps: [{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian'), withdraw: 'anytime' }],
      script: async (h, id) => {
        await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('zhao') });
        await h.engine.send(id, { type: 'WITHDRAW' }, { actor: li });
        expect((await h.engine.get(id)).state).toBe('withdrawn');
      },
    },
    {
      name: "撤回 withdraw: 'never' refuses it",
      steps: [{ id: 'legal', mode: 'all', approvers: users('zhao'), withdraw: 'never' }],
      script: async (h, id) => {
        await expect(h.engine.send(id, { type: 'WITHDRAW' }, { actor: li })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
        expect(top((await h.engine.get(id)).state)).toBe('legal');
      },
    },
    {
      name: '撤回 is refused once an earlier step was approved',
      steps: [{ id: 'manager', mode: 'all', approvers: users('wang') }, { id: 'legal', mode: 'all', approvers: users('zhao') }],
      script: async (h, id) => {
        await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
        await expect(h.engine.send(id, { type: 'WITHDRAW' }, { actor: li })).rejects.toMatchObject({ code: 'OPERATION_NOT_ALLOWED' });
      },
    },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const h = harness(approvalFlow(c.steps));
      const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
      await c.script(h, id);
    });
  }
});

describe('the inbox due instant of a step kept under a key other than its id', () => {
  // A timer names the state that armed it by its path of keys; the inbox matched it against the step's
  // id, so `legalReview: approvalStep({ id: 'legal', deadline })` listed its task with dueAt null
  // while the timer was pending (bid-review keeps its steps under keys other than their ids).
  it('reads the step’s deadline timer by the step node’s path: dueAt is the timer’s instant, not null', async () => {
    const approvals = withApprovals({ deadlines: { due: workingDays(2) } });
    const machine = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent }, actions: approvals.actions, guards: approvals.guards, delays: approvals.delays }).createMachine({
      context: ({ input }) => approvals.context(input),
      initial: 'review',
      states: {
        review: {
          initial: 'legalReview',
          states: {
            legalReview: approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } }, onApproved: '#done', onRejected: '#done' }),
          },
        },
        done: { id: 'done', type: 'final' },
      },
    });
    const workflow = approvals.defineWorkflow({ id: 'keyed', version: 1, machine, input: z.object({}) });
    const clock = virtualClock(MONDAY);
    const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar({ holidays: ['CN'] }), directory: staticDirectory({ users: people }), workflows: [workflow] });
    const id = await engine.start('keyed', {}, { actor: li });
    const [timer] = (await engine.get(id)).timers;
    expect(timer?.dueAt).toBe(Date.parse('2026-11-04T09:00:00+08:00'));
    expect((await engine.tasks({ instanceId: id })).map((t) => [t.step, t.dueAt])).toEqual([['legal', timer!.dueAt]]);
  });
});
