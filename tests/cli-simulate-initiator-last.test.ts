// `docket simulate`'s people in a 会签 (mode 'all'): each approver holds a task of their own. Regression:
// the auto-pilot took the first task offering APPROVE, which was often the initiator's (`demo` holds
// every role when the workflow names no start roles, so role('procurement') resolves them too): a
// newcomer's simulation showed demo approving their own purchase first, although lead and director
// could, against the documented rule that a decision goes to the others first.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { approvalStep, role, withApprovals, workingDays, type ApprovalContext, type ApprovalEvent, type TaskRecord } from '../src/index.js';
import { simulateCommand } from '../src/cli/command-simulate.js';
import { demoActor } from '../src/cli/auto-pilot.js';

const approvals = withApprovals({ deadlines: { procurementDue: workingDays(5) } });
const purchase = approvals.defineWorkflow({
  id: 'purchase', version: 1,
  machine: setup({
    types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'SUBMIT' } },
    actions: approvals.actions, guards: approvals.guards, delays: approvals.delays,
  }).createMachine({
    context: ({ input }) => approvals.context(input),
    initial: 'draft',
    states: {
      draft: { on: { SUBMIT: 'procurement' } },
      procurement: approvalStep({ id: 'procurement', mode: 'all', approvers: role('procurement'), onApproved: 'approved', onRejected: 'rejected', deadline: { after: 'procurementDue', then: { kind: 'approve' } } }),
      approved: { type: 'final' },
      rejected: { type: 'final' },
    },
  }),
  input: z.object({}),
  events: { SUBMIT: z.object({}) },
});

/** An open approval task held by `user`, as the inbox lists it. */
const task = (user: string, i: number): TaskRecord =>
  ({ id: `x:procurement:1:t${i}`, instanceId: 'x', workflow: 'purchase', step: 'procurement', assignees: [user], holders: [user], seated: [], roles: [], status: 'open', dueAt: null, actions: ['APPROVE', 'REJECT'], createdAt: 0, data: {}, version: 1 }) as unknown as TaskRecord;

describe('docket simulate: in 会签 the others decide before the initiator', () => {
  it('the procurement 会签: lead and director approve first; the initiator never decides before them', async () => {
    let out = '';
    const io = { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true }, env: {}, now: () => 0 };
    const code = await simulateCommand({ io, lang: 'en', json: true, workflows: [purchase], tz: 'Asia/Shanghai', onMissingYear: 'statutory' }, 'purchase', { from: '2026-11-02', to: '2026-12-31' });
    expect(code).toBe(0);
    const history = (JSON.parse(out) as { history: { actor: string; event: string }[] }).history;
    expect(history.filter((e) => e.event === 'APPROVE').map((e) => e.actor).slice(0, 2)).toEqual(['lead', 'director']);
  });

  it('demoActor: the initiator\'s own task is listed first, another holder acts', () => {
    expect(demoActor(purchase, 'APPROVE', [task('demo', 1), task('lead', 2)]).id).toBe('lead');
    // Only the initiator's task left: they act (the step needs their vote too).
    expect(demoActor(purchase, 'APPROVE', [task('demo', 1)]).id).toBe('demo');
  });

  // The kind: whatever order the inbox lists the tasks in, the initiator acts only when nobody else can.
  it('property: demoActor picks someone other than the initiator whenever a task offering the act has one', () => {
    fc.assert(
      fc.property(fc.shuffledSubarray(['demo', 'lead', 'director', 'sun'], { minLength: 1 }), (holders) => {
        const actor = demoActor(purchase, 'APPROVE', holders.map(task)).id;
        expect(holders).toContain(actor);
        if (holders.some((h) => h !== 'demo')) expect(actor).not.toBe('demo');
      }),
      { numRuns: 100 },
    );
  });
});
