// The public API of `docket`: explicit named exports, grouped by area. What is not listed here is
// internal (import it from its module inside this repository), or lives under a subpath:
// `docket/internals` (unstable: hashing and chain verification for external auditors),
// `docket/sqlite`, `docket/postgres`, `docket/testing`, `docket/visualizer`, `docket/http`,
// `docket/otel`, `docket/machines`.

// Errors: one typed error with a closed union of codes; `isTransient` says whether a retry may help.
export { DocketError, isDocketError, isTransient } from './errors.js';
export type { DocketErrorCode, DocketErrorDetails } from './errors.js';

// Clocks: time is always injected; the virtual clock drives tests and simulations.
export { systemClock } from './clock/system-clock.js';
export { virtualClock } from './clock/virtual-clock.js';
export { toInstant } from './clock/clock.js';
export type { VirtualClock } from './clock/virtual-clock.js';
export type { Clock, ClockSubscriber, DurationInput, FiredTimer, Instant, InstantInput } from './clock/clock.js';

// Calendar: working days with China's holidays, deadline rules and their builders, quarters.
export { businessCalendar } from './calendar/business-calendar.js';
export { absolute, describeDeadlineRule, duration, quarterDay, validateDeadlineRule, workingDays, workingHours } from './calendar/deadline-rule.js';
export { parseHolidaySchedule } from './calendar/holiday-schedule-json.js';
export { holidayCoverageCheck } from './calendar/holiday-coverage.js';
export { statutoryDaysOff } from './calendar/statutory-holidays.js';
export { compareQuarters, formatQuarter, parseQuarter, quarterMonth, shiftQuarter } from './calendar/quarter.js';
export type { BusinessCalendar, BusinessCalendarOptions, DayInfo, QuarterDayQuery, Resolution, YearCoverage } from './calendar/business-calendar.js';
export type { DeadlineRule, DeadlineTimeOptions, QuarterDaySpec, RollPolicy } from './calendar/deadline-rule.js';
export type { HolidayScheduleJson } from './calendar/holiday-schedule-json.js';
export type { HolidayCoverageCheck } from './calendar/holiday-coverage.js';
export type { DayOverride, HolidayDay, HolidayList, HolidaySource } from './calendar/holiday-source.js';
export type { CnHolidayYear } from './calendar/cn-holiday-year.js';
export type { StatutoryDayOff, StatutoryWeekendRule } from './calendar/statutory-holidays.js';
export type { QuarterRef } from './calendar/quarter.js';
export type { DayKind, MissingYearPolicy } from './calendar/working-day-index.js';
export type { WorkingHoursOption, WorkingWindow } from './calendar/working-hours.js';
export type { CalendarInput } from './calendar/zoned-time.js';

// Stores: the in-memory store, the Store interface and the records it keeps (also what the engine
// returns). The rules a store must apply are in src/store/ (see "How to add a store" in docs/storage.md).
export { memoryStore } from './store/memory-store.js';
export { ID_MAX_LENGTH, KEY_MAX_LENGTH, PAYLOAD_DEPTH_MAX } from './store/payload-rules.js';
export { PAGE_LIMIT_DEFAULT, PAGE_LIMIT_MAX } from './store/query-rules.js';
export type { ClaimOptions, Commit, EffectUpdate, HeldClaim, InstanceQuery, Page, Store, TaskQuery } from './store/store.js';
export type {
  Actor,
  DeadlineNote,
  EffectRecord,
  EffectStatus,
  HeldTimer,
  HistoryEntry,
  HistoryKind,
  IdempotencyRecord,
  InstanceRecord,
  InstanceStatus,
  PendingTimer,
  RefusalEntry,
  RetiredTimerNote,
  EndedSuspensionNote,
  TaskRecord,
  TimerDeadline,
  TimerRecord,
  TimerStatus,
} from './store/records.js';
export type { ArchivedInstance, RetentionQuery, StoreRetention, Tombstone } from './store/retention.js';

// Organisation: who is who (directory) and who stands in for whom (代理).
export { staticDirectory } from './organisation/directory.js';
export { activeStandIns } from './organisation/stand-ins.js';
export { checkActiveUser, isActiveUser } from './organisation/known-user.js';
export type { Directory, DirectoryUser } from './organisation/directory.js';
export type { StandIn } from './organisation/stand-ins.js';

// Engine: define a workflow, run it durably, read its views.
export { createEngine } from './engine/create-engine.js';
export { defineWorkflow } from './engine/define-workflow.js';
export { effect, deadline } from './engine/effect.js';
export { effectTypesOf } from './engine/effect-types.js';
export type {
  AnyWorkflow,
  AuthorizeArgs,
  AuthorizeGrant,
  AuthorizeResult,
  DeadlineArgs,
  DeadlineSpec,
  DocketEventMeta,
  EventFrom,
  EventSchemas,
  InputFrom,
  InstanceFacts,
  Labels,
  TaskTimer,
  Workflow,
  WorkflowConfig,
  WorkflowEnv,
  WorkflowIdFrom,
} from './engine/define-workflow.js';
export type {
  BatchResult,
  CanResult,
  CloseOptions,
  EffectContext,
  EffectHandler,
  Engine,
  EngineEvents,
  EngineOptions,
  FiredTimerView,
  HistoryPageOptions,
  RefusedHistoryPageOptions,
  InstanceView,
  InstanceViewOf,
  RetiredTimer,
  RetryPolicy,
  SendOptions,
  TimerView,
  TypedInstanceView,
  VerifyProblem,
  VerifyReport,
  WaitCondition,
  WorkflowContext,
  WorkflowStateValue,
} from './engine/engine-types.js';
export type { HistoryKey, HistoryKeyOption, HistoryKeyring } from './engine/history-key.js';
export type { TimerIdentity } from './engine/timer-identity.js';
export type { EngineWarning, ProvisionalDeadline, ReresolveOptions, ReresolveReport } from './engine/reresolve-deadlines.js';
export type { ProvisionalResolution } from './engine/workflow-registry.js';

// Limits: the bounds every input is checked against (a breach is `INVALID_ARGUMENT`/`INVALID_PAYLOAD`).
export { INPUT_LIMITS } from './engine/validate-input.js';
export { HISTORY_PAGE_MAX } from './engine/history-page.js';

// Migration: move running instances to a new version of a workflow.
export { migrateFrom } from './engine/migration/migration-spec.js';
export type { MigrationInstanceInfo, StateMapping, StatePathOf, WorkflowMigration, WorkflowMigrations, WorkflowStatePath } from './engine/migration/migration-spec.js';
export type { MigrateOptions, MigratedTimer, MigrationBlockCode, MigrationBlocked, MigrationEffectsAgain, MigrationLostVotes, MigrationMove, MigrationReport } from './engine/migration/migration-types.js';

// Retention and tenants: archive/purge finished instances; one engine seen per tenant.
export type { ArchivedView, RetainOptions, RetainReport, RetentionPolicy } from './engine/retention.js';
export type { TenantConfig, TenantsOption } from './engine/tenant-routing.js';
export type { TenantEngine, TenantScopedMethods } from './engine/tenant-view.js';

// Approvals: the plugin, the step fragment, branches, approver rules, and operations on tasks.
export { withApprovals } from './approvals/with-approvals.js';
export { approvalStep, resubmitTo } from './approvals/approval-step.js';
export { branch } from './approvals/branch.js';
export { chosen, departmentHead, field, role, supervisor, supervisorChain, supervisors, users } from './approvals/approver-rules.js';
export { checkChoicesAtStart } from './approvals/approval-implementations.js';
export { describeConditionBrief } from './approvals/describe-guard.js';
export { previewApprovalPath } from './approvals/preview-approval-path.js';
export { reassignTasks } from './approvals/reassign-tasks.js';
export type { ApprovalPlugin, ApprovalsAuthorize, ApprovalsOptions, ApprovalWorkflowConfig } from './approvals/with-approvals.js';
export type { ApprovalStepConfig, ApprovalStepNode, ApprovedTarget } from './approvals/approval-step.js';
export type { Branch, BranchTransition, Condition } from './approvals/branch.js';
export type { ApproverRule, ResolvedApprover } from './approvals/approver-rules.js';
export type { DescribeGuardOptions, GuardText } from './approvals/describe-guard.js';
export type { ApprovalEvent, ApprovalEventSchemas } from './approvals/operations.js';
export type {
  ApprovalAct,
  ApprovalAssignment,
  ApprovalContext,
  ApprovalFlowState,
  ApprovalMode,
  ApprovalOperation,
  ApprovalOutcome,
  ApprovalStepSpec,
  ApprovalStepState,
  ReturnTarget,
  TimeoutAction,
} from './approvals/approval-types.js';
export type { PreviewStep } from './approvals/preview-approval-path.js';
export type { ReassignResult } from './approvals/reassign-tasks.js';

// Observability: structured logging of an engine's events (OpenTelemetry is `docket/otel`).
export { logEngine } from './engine/engine-logger.js';
export type { DocketLogger, LogFields } from './engine/engine-logger.js';
