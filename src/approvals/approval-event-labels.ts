import type { Labels } from '../engine/define-workflow.js';
import type { ApprovalEventSchemas } from './operations.js';
import { operationLabels } from './operations.js';

/**
 * The approval operations' names in both languages, keyed like `approvalEvents` (derived from the operations list): spread them
 * into a workflow's `labels.events` beside its own events. Internal to the approval plugin, whose
 * `defineWorkflow` adds them to the workflow's own `labels.events`.
 */
export const approvalEventLabels: { readonly [K in keyof ApprovalEventSchemas]: Labels } = operationLabels;
