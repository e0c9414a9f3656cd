// REQUEST_CHANGES and RETURN (退回): the actor sends the request back to the submitter or an earlier step.
import { z } from 'zod';
import { defineOperation } from './operation-descriptor.js';
import { comment, step, taskId } from './event-fields.js';
import type { ApprovalChange } from '../approval-change.js';
import type { ApprovalAssignment, ApprovalContext } from '../approval-types.js';
import type { OperationContext } from './operation-context.js';
import { refuse, returnTarget } from './reducer-helpers.js';
import { copyWith } from '../../store/copy-with.js';
import { flowOnDecision } from '../submission.js';

/** Return the step: REQUEST_CHANGES goes to the submitter (and needs a comment); RETURN goes to `event.to`. */
export function returnStep<C extends ApprovalContext>(op: OperationContext<C>, type: 'REQUEST_CHANGES' | 'RETURN'): ApprovalChange<C> {
  const { now, comment, spec, details } = op;
  const { task, onBehalfOf } = op.mine();
  const to = returnTarget(spec, type === 'REQUEST_CHANGES' ? 'submitter' : (op.event['to'] as string | undefined));
  if (type === 'REQUEST_CHANGES' && comment === undefined) refuse('INVALID_ARGUMENT', 'REQUEST_CHANGES needs a comment telling the submitter what to change.', details);
  const done: ApprovalAssignment = copyWith(task, { status: 'rejected' as const, actedAt: now, ...op.actedBy(task), ...(comment === undefined ? {} : { comment }) });
  return op.update({ assignments: op.replace(done), outcome: { kind: 'returned', to } }, op.act({ type, task: task.id, to, ...(onBehalfOf ? { onBehalfOf } : {}) }), flowOnDecision(op.ctx.approvalFlow, op.stepId));
}

/** 退回修改: send the request back to the submitter, saying what to change. */
export const REQUEST_CHANGES = defineOperation({
  type: 'REQUEST_CHANGES',
  schema: z.object({ step, taskId, comment: z.string().min(1) }),
  label: { 'zh-CN': '退回修改', en: 'Request changes' },
  moves: true,
  forOthers: true,
  inbox: (spec) => spec.returns?.submitter === true,
  apply: (op) => returnStep(op, 'REQUEST_CHANGES'),
});

/** 退回: send the request back to the submitter, the previous step or a named earlier step. */
export const RETURN = defineOperation({
  type: 'RETURN',
  schema: z.object({ step, taskId, comment, to: z.string().min(1).optional() }),
  label: { 'zh-CN': '退回', en: 'Return' },
  moves: true,
  forOthers: true,
  inbox: ({ returns: r }) => r !== undefined && (r.submitter === true || r.previous !== undefined || (r.steps?.length ?? 0) > 0),
  apply: (op) => returnStep(op, 'RETURN'),
});
