// docket/machines: the documented processes as typed, durable workflows.
export { label, stateLabelsOf } from './shared/labels.js';
export { timedStep, type RemindParams } from './shared/timed-step.js';
export {
  obstacleSolution,
  obstacleSolutionMachine,
  obstacleSolutionInput,
  obstacleStepDays,
  type ObstacleSolutionContext,
  type ObstacleSolutionEvent,
  type ObstacleComment,
} from './obstacle-solution.js';
export * from './strategy-cycle/index.js';
export {
  promotionPhases,
  promotionPhasesMachine,
  promotionPhasesInput,
  metricTarget,
  unmetTargets,
  DEFAULT_PROMOTION_TARGETS,
  PROMOTION_TRACKS,
  type PromotionTrack,
  type PromotionPhasesContext,
  type PromotionPhasesEvent,
  type MetricTarget,
  type GatePassed,
} from './promotion-phases.js';
export {
  contractApproval,
  contractApprovalMachine,
  contractApprovalInput,
  contractThresholds,
  approvalLevelFor,
  type ContractApprovalContext,
  type ContractApprovalEvent,
  type ContractApprovalLevel,
} from './contract-approval.js';
export {
  bidReview,
  bidReviewMachine,
  bidReviewInput,
  type BidReviewContext,
  type BidReviewEvent,
  type BidOutcome,
  type StartContractApprovalParams,
} from './bid-review.js';
export {
  expenseReimbursement,
  expenseReimbursementMachine,
  expenseReimbursementInput,
  type ExpenseReimbursementContext,
  type ExpenseReimbursementEvent,
} from './expense-reimbursement.js';
