import type { ApprovalStepNode } from '../../src/index.js';
import { label } from './labels.js';

/**
 * An approval step node (from `approvalStep`) with bilingual labels on it and on its `pending`
 * sub-state, kept beside the step's own `meta.approval`, so every state carries `meta.label`.
 *
 * @example
 * ```ts
 * import { approvalStep, role } from 'docket';
 * import { labelledStep } from './labelled-step.js';
 * const legal = labelledStep(approvalStep({ id: 'legal', mode: 'all', approvers: role('legal'), onApproved: 'done' }), '法务审核', 'Legal review');
 * ```
 */
export function labelledStep(node: ApprovalStepNode, zh: string, en: string) {
  return {
    ...node,
    meta: { ...node.meta, ...label(zh, en) },
    states: { pending: { ...node.states.pending, meta: label('待审批', 'Awaiting decision') } },
  };
}
