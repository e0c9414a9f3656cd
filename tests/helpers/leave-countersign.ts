// A leave request with a 会签 of the initiator's supervisor and HR, and no start permission: anyone
// may start it (tests of the simulated people).
import { setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, role, supervisor, withApprovals, workingDays, type ApprovalContext, type ApprovalEvent } from '../../src/index.js';

const approvals = withApprovals({ deadlines: { signBy: workingDays(3, { time: '18:00' }) } });
const machine = setup({
  types: {} as { context: ApprovalContext & { days: number }; events: ApprovalEvent; input: { days: number } },
  actions: approvals.actions,
  guards: approvals.guards,
  delays: approvals.delays,
}).createMachine({
  context: ({ input }) => approvals.context(input, { days: input.days }),
  initial: 'countersign',
  states: {
    countersign: approvalStep({ id: 'countersign', mode: 'all', approvers: [supervisor(), role('hr')], onApproved: 'approved', onRejected: 'rejected', deadline: { after: 'signBy', then: { kind: 'approve' } } }),
    approved: { type: 'final' },
    rejected: { type: 'final' },
  },
});
export const leaveCountersign = approvals.defineWorkflow({ id: 'leave', version: 1, machine, input: z.object({ days: z.number().int().positive() }) });
