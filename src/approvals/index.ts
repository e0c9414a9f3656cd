// Approval building blocks: the step fragment, its modes, rules, operations, and the task inbox.
// A workflow is wired through `withApprovals` (actions, guards, delays, context, events, labels,
// authorization, inbox); the pieces it assembles stay internal.
export { type ApprovalAct, type ApprovalAssignment, type ApprovalContext, type ApprovalFlowState, type ApprovalMode, type ApprovalOperation, type ApprovalOutcome, type ApprovalStepSpec, type ApprovalStepState, type ReturnTarget, type TimeoutAction } from './approval-types.js';
export { chosen, departmentHead, describeApproverRule, field, readPath, resolveApprovers, role, supervisor, supervisorChain, supervisors, users, type ApproverRule, type ResolvedApprover, type ResolveFacts } from './approver-rules.js';
export { actionable, decide, needed, reachableApprovals, seatedPeople } from './approval-decision.js';
export { checkStepInvariants, stepViolations, type StepInvariant, type StepViolation } from './step-invariants.js';
export { applyApproval, enterStep, type ApprovalChange, type ApprovalEffect, type ApprovalInput, type ReduceFacts } from './approval-reducer.js';
export { approvalEvents, APPROVAL_EVENT_TYPES, type ApprovalEvent, type ApprovalEventSchemas } from './approval-events.js';
export { approvalStep, resubmitTo, stepTarget, type ApprovalStepConfig, type ApprovalStepNode, type ApprovedTarget } from './approval-step.js';
export { checkChoicesAtStart, type ApprovalActions, type ApprovalGuards } from './approval-implementations.js';
export { taskActions } from './approval-tasks.js';
export { targetStep } from './approval-target.js';
export { branch, describeCondition, matches, type Branch, type BranchTransition, type Condition } from './branch.js';
export { previewApprovalPath, type PreviewStep } from './preview-approval-path.js';
export { reassignTasks, type ReassignResult } from './reassign-tasks.js';
export { describeApprovalGuard, describeConditionBrief, type ApprovalGuardDescription, type DescribeGuardOptions, type GuardText } from './describe-guard.js';
export { withApprovals, type ApprovalPlugin, type ApprovalsAuthorize, type ApprovalsOptions, type ApprovalWorkflowConfig } from './with-approvals.js';
export { APPROVAL_DECISIONS, approvalExplorationOf, approvalStateKey, type ApprovalExploration } from './approval-exploration.js';
