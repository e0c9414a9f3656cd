// pickApprover sent a 认领 group task's act as the group's first member, as listed: in a 会签 of zhao
// and a claim group of legal (zhao, qian), zhao approved his own task and was then picked again for the
// group's, which he may not take (one seat per person). The act was refused, so path generation
// reported the step as a dead end (and 'approved' unreachable) although qian could claim it. It now
// picks by the inbox's own rule (reachablePeople): the first person an open task is offered to.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, role, staticDirectory, users, withApprovals, type ApprovalContext, type ApprovalEvent, type ApprovalMode, type ApproverRule } from '../src/index.js';
import { exploreWorkflow, pickApprover, replayPaths } from '../src/testing/index.js';

function flow(mode: ApprovalMode, approvers: readonly ApproverRule[], initiatorIsApprover: 'keep' | 'skip' = 'keep') {
  const approvals = withApprovals({});
  const machine = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'SUBMIT' } }, actions: approvals.actions, guards: approvals.guards }).createMachine({
    context: ({ input }) => approvals.context(input),
    initial: 'draft',
    states: {
      draft: { on: { SUBMIT: 'legal' } },
      legal: approvalStep({ id: 'legal', mode, approvers, initiatorIsApprover, onApproved: 'approved', onRejected: 'rejected' }),
      approved: { type: 'final' },
      rejected: { type: 'final' },
    },
  });
  return approvals.defineWorkflow({ id: 'claims', version: 1, machine, input: z.object({}), events: { SUBMIT: z.object({}) } });
}

const directory = staticDirectory({
  users: [
    { id: 'li', roles: ['sales', 'legal'] },
    { id: 'zhao', roles: ['legal'] },
    { id: 'qian', roles: ['legal'] },
    { id: 'sun', roles: ['finance'] },
    { id: 'wu', roles: ['finance'] },
  ],
});
const li = { id: 'li', roles: ['sales', 'legal'] };

describe('pickApprover picks who the inbox offers the task to', () => {
  it('会签 of zhao and a claim group of legal: not a dead end; qian takes the group task', async () => {
    // legal's members in the directory's order: zhao first.
    const legal = staticDirectory({ users: [{ id: 'li', roles: ['sales'] }, { id: 'zhao', roles: ['legal'] }, { id: 'qian', roles: ['legal'] }] });
    const wf = flow('all', [users('zhao'), role('legal', { claim: true })]);
    const report = exploreWorkflow(wf, { input: {}, directory: legal });
    expect(report.deadEnds).toEqual([]);
    expect(report.unreachable).toEqual([]);
    expect((await replayPaths(wf, { input: {}, directory: legal })).filter((r) => !r.ok).map((r) => r.error)).toEqual([]);
  });

  it('the group\'s first member is seated already: the next one who may claim is picked', () => {
    const pick = pickApprover(directory);
    const task = (id: string, user: string | null, status: 'pending' | 'approved', members?: string[]) => ({ id, user, status, waitsFor: [], origin: 'rule' as const, since: 0, ...(members ? { group: { role: 'legal', members } } : {}) });
    const context = {
      initiator: 'li',
      approvals: { legal: { spec: { id: 'legal', mode: 'all', approvers: [] }, round: 1, active: true, enteredAt: 0, dueAt: null, acts: [], cc: [], outcome: null, nextTask: 3, assignments: [task('t1', 'zhao', 'approved'), task('t2', null, 'pending', ['zhao', 'qian'])] } },
    };
    expect(pick({ type: 'APPROVE', step: 'legal' }, context)).toEqual({ id: 'qian', roles: ['legal'] });
  });
});

describe('property: a step of named people and a claim group is never a false dead end', () => {
  const modes: readonly ApprovalMode[] = ['all', 'any', 'sequential', { count: 2 }];
  it('for any mode, named person, group role, order and initiator rule', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom(...modes),
        fc.constantFrom('zhao', 'qian', 'sun', 'li'),
        fc.constantFrom('legal', 'finance'),
        fc.boolean(),
        fc.constantFrom<'keep' | 'skip'>('keep', 'skip'),
        async (mode, named, group, groupFirst, initiator) => {
          const rules = groupFirst ? [role(group, { claim: true }), users(named)] : [users(named), role(group, { claim: true })];
          const wf = flow(mode, rules, initiator);
          const options = { input: {}, directory, actors: { start: li } };
          const report = exploreWorkflow(wf, options);
          const label = JSON.stringify([mode, named, group, groupFirst, initiator]);
          // Every group (legal: li, zhao, qian; finance: sun, wu) keeps a member free to claim, and the
          // named person may approve (the initiator li is skipped, not stuck): the step can pass.
          expect([label, report.errors, report.deadEnds]).toEqual([label, [], []]);
          expect([label, report.paths.some((p) => p.state === 'approved')]).toEqual([label, true]);
          const replayed = await replayPaths(wf, options);
          expect([label, replayed.filter((r) => !r.ok).map((r) => r.error)]).toEqual([label, []]);
        },
      ),
      { numRuns: 40 },
    );
  });
});
