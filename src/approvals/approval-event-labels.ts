import type { Labels } from '../engine/define-workflow.js';
import type { ApprovalEventSchemas } from './operations.js';
import { operationLabels } from './operations.js';

/**
 * The approval operations' names in both languages, keyed like `approvalEvents` (derived from the operations list): spread them
 * into a workflow's `labels.events` beside its own events.
 *
 * @example
 * ```ts
 * import { approvalEventLabels } from './approval-event-labels.js';
 * const events = { ...approvalEventLabels, SUBMIT: { 'zh-CN': '提交审批', en: 'Submit' } };
 * events.ADD_SIGNER['zh-CN']; // '加签'
 * ```
 */
export const approvalEventLabels: { readonly [K in keyof ApprovalEventSchemas]: Labels } = operationLabels;
