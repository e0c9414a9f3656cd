import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it, vi } from 'vitest';

// Counts the approval reducer's runs: every act, refused or not, goes through applyApproval.
const calls = vi.hoisted(() => ({ n: 0 }));
vi.mock('../src/approvals/approval-reducer.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/approvals/approval-reducer.js')>();
  return {
    ...original,
    applyApproval: (...args: Parameters<typeof original.applyApproval>) => {
      calls.n++;
      return original.applyApproval(...args);
    },
  };
});

const { approvalFlow, harness, li } = await import('./approvals-fixture.js');
const { role, users, withApprovals, workingDays } = await import('../src/index.js');
const { approvalEventLabels } = await import('../src/approvals/approval-event-labels.js');
const { approvalEvents, APPROVAL_EVENT_TYPES } = await import('../src/approvals/approval-events.js');
const { approvalTasks } = await import('../src/approvals/approval-tasks.js');
const { APPROVAL_OPERATIONS } = await import('../src/approvals/operations.js');

const zhao = { id: 'zhao', roles: ['legal'] };

describe('approvals as one plugin', () => {
  it('reduces an act once per decision point: the authorize hook, then the guard and action share one result', async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao', 'qian') }]);
    const { engine } = harness(wf);
    const id = await engine.start('flow', { amount: 1 }, { actor: li });
    calls.n = 0;
    await engine.send(id, { type: 'APPROVE' }, { actor: zhao });
    // The authorize hook reduces once and hands its result to the machine as `$carry`; the guard and
    // the action reuse it (the old code reduced 3 times).
    expect(calls.n).toBe(1);
  });

  it('a refused act is reduced only by the authorize hook (never by the machine) and refused with the reducer\'s own code, changing nothing', async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'sequential', approvers: users('zhao', 'qian') }]);
    const { engine, statuses } = harness(wf);
    const id = await engine.start('flow', { amount: 1 }, { actor: li });
    calls.n = 0;
    await expect(engine.send(id, { type: 'APPROVE' }, { actor: { id: 'qian', roles: ['legal'] } })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    // The hook refuses before the machine runs; the engine decides a refusal made on a remembered
    // record once more on a fresh load (create-engine's cache rule), hence at most two.
    expect(calls.n).toBeLessThanOrEqual(2);
    expect(calls.n).toBeGreaterThanOrEqual(1);
    expect(await statuses(id, 'legal')).toEqual(['zhao:pending', 'qian:pending']);
  });

  it('derives the event types, schemas and labels from the one operations list', () => {
    const types = APPROVAL_OPERATIONS.map((d) => d.type);
    expect(APPROVAL_EVENT_TYPES).toEqual(types);
    expect(Object.keys(approvalEvents)).toEqual(types);
    expect(Object.keys(approvalEventLabels)).toEqual(types);
    expect(APPROVAL_OPERATIONS.filter((d) => d.forOthers).map((d) => d.type)).toEqual(['APPROVE', 'REJECT', 'REQUEST_CHANGES', 'RETURN', 'ADD_SIGNER', 'TRANSFER', 'DELEGATE', 'CLAIM']);
    expect(approvalEventLabels.ADD_SIGNER).toEqual({ 'zh-CN': '加签', en: 'Add signer' });
  });

  it('refuses, at definition, a machine set up without the approval actions and guards', () => {
    const approvals = withApprovals({ deadlines: { due: workingDays(2) } });
    const machine = setup({}).createMachine({ initial: 'a', states: { a: {} } });
    expect(() => approvals.defineWorkflow({ id: 'bare', version: 1, machine, input: z.object({}) })).toThrow(/spread approvals\.actions and approvals\.guards into setup/);
  });

  it('gives the workflow the approval events, labels, deadlines, authorization and inbox from one call', () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: role('legal') }], { deadlines: { due: workingDays(2) } });
    expect(Object.keys(wf.events)).toEqual([...APPROVAL_EVENT_TYPES, 'SUBMIT']);
    expect(Object.keys(wf.deadlines ?? {})).toEqual(['due']);
    expect(typeof wf.authorize).toBe('function');
    expect(typeof wf.tasks).toBe('function');
    // Regression: the labels were added only when the workflow had labels of its own, so a workflow
    // without them showed raw APPROVE / REJECT in zh-CN history, simulations and diagrams.
    expect(wf.labels?.events?.['APPROVE']).toEqual(approvalEventLabels.APPROVE);
    expect(wf.labels?.title).toEqual({ 'zh-CN': 'flow', en: 'flow' });
  });
});

describe('inbox due dates', () => {
  const deadlineStep = { id: 'legal', mode: 'all' as const, approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' as const } } };

  it('without timers from the engine, a task is due when its deadline was resolved on entry', async () => {
    const wf = approvalFlow([deadlineStep], { deadlines: { due: workingDays(2) } });
    const { engine } = harness(wf);
    const id = await engine.start('flow', { amount: 1 }, { actor: li });
    const [task] = await engine.tasks({ instanceId: id });
    expect(task?.dueAt).toBe(Date.parse('2026-11-04T09:00:00+08:00'));
  });

  it('with the commit plan\'s timers, a task is due when its step\'s deadline timer is', () => {
    const state = {
      spec: { ...deadlineStep },
      round: 1,
      active: true,
      outcome: null,
      dueAt: 111,
      assignments: [{ id: 't1', user: 'zhao', status: 'pending' as const, waitsFor: [], origin: 'rule' as const, since: 0 }],
      acts: [],
      cc: [],
      nextTask: 2,
    };
    const snapshot = { context: { initiator: 'li', approvals: { legal: state }, approvalFlow: { resume: null, lastApproved: null, acted: false } }, hasTag: (t: string) => t === 'approval:legal' };
    const tasks = approvalTasks();
    const instance = { id: 'i1', workflow: 'flow', initiator: 'li' };
    const args = { snapshot: snapshot as never, instance, now: 0 };
    expect(tasks(args)[0]?.dueAt).toBe(111);
    expect(tasks({ ...args, timers: [{ name: 'due', dueAt: 222, state: 'legal' }, { name: 'other', dueAt: 333, state: 'legal' }] })[0]?.dueAt).toBe(222);
    expect(tasks({ ...args, timers: [{ name: 'due', dueAt: 444, state: 'elsewhere' }] })[0]?.dueAt).toBeNull();
  });
});
