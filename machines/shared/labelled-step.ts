import type { ApprovalStepNode } from '../../src/index.js';
import { label } from './labels.js';

/**
 * An approval step node (from `approvalStep`) with bilingual labels on it and on its `pending`
 * sub-state (named after the step), kept beside the step's own `meta.approval`, so every state carries `meta.label`.
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
    // Named after its step, so a history line reads "Legal review · awaiting decision", never a bare "Awaiting decision".
    states: { pending: { ...node.states.pending, meta: label(`${zh} · 待审批`, `${en} · awaiting decision`) } },
  };
}
