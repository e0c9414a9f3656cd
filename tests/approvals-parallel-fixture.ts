// A review with two approval steps in parallel branches (法务 legal ∥ 财务 finance), for the tests of
// acts that reach every live step (催办, 撤回).
import { setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, effect, users, withApprovals, type ApprovalContext, type ApprovalEvent } from '../src/index.js';

/** draft → review (legal ∥ finance, both must approve) → approved; withdrawn and rejected finals. */
export function parallelReview(options: { financeWithdraw?: 'untilActed' | 'anytime' | 'never'; financeOps?: readonly ('APPROVE' | 'REJECT' | 'REMIND' | 'WITHDRAW')[] } = {}) {
  const approvals = withApprovals();
  const branch = (id: string, approvers: ReturnType<typeof users>, extra: object = {}) => ({
    initial: 'deciding',
    states: {
      deciding: approvalStep({ id, mode: 'all', approvers, onApproved: 'done', onRejected: '#flow.rejected', onWithdrawn: '#flow.withdrawn', returns: { submitter: '#flow.draft' }, ...extra }),
      done: { type: 'final' as const },
    },
  });
  const machine = setup({
    types: {} as { context: ApprovalContext; events: ApprovalEvent | { type: 'SUBMIT' } },
    actions: { ...approvals.actions, notify: effect<{ to: string }>() },
    guards: approvals.guards,
  }).createMachine({
    id: 'flow',
    context: ({ input }) => approvals.context(input),
    initial: 'draft',
    states: {
      draft: { on: { SUBMIT: 'review' } },
      review: {
        type: 'parallel',
        onDone: 'approved',
        states: {
          legal: branch('legal', users('zhao', 'qian')),
          finance: branch('finance', users('sun'), {
            ...(options.financeWithdraw ? { withdraw: options.financeWithdraw } : {}),
            ...(options.financeOps ? { operations: options.financeOps } : {}),
          }),
        },
      },
      approved: { type: 'final' },
      rejected: { type: 'final' },
      withdrawn: { type: 'final' },
    },
  });
  return approvals.defineWorkflow({
    id: 'flow',
    version: 1,
    machine,
    input: z.object({ amount: z.number().default(0) }),
    events: { SUBMIT: z.object({}) },
  });
}

