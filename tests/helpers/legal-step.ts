// A one-step 会签 (all of legal must approve) machine built with withApprovals, for tests that need
// an approval step and nothing else: the approval-payload and id-rule tests share it.
import { setup } from 'xstate';
import { approvalStep, role, withApprovals, type ApprovalContext, type ApprovalEvent } from '../../src/index.js';

export function legalStepMachine() {
  const approvals = withApprovals({ deadlines: {} });
  const machine = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent; input: Record<string, never> }, actions: approvals.actions, guards: approvals.guards, delays: approvals.delays }).createMachine({
    context: ({ input }) => approvals.context(input),
    initial: 'legal',
    states: {
      legal: approvalStep({ id: 'legal', mode: 'all', approvers: role('legal'), onApproved: 'done', onRejected: 'done', returns: { submitter: 'done' } }),
      done: { type: 'final' },
    },
  });
  return { approvals, machine };
}
