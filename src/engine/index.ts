export { createEngine, toView } from './create-engine.js';
export {
  defineWorkflow,
  type Workflow,
  type AnyWorkflow,
  type WorkflowConfig,
  type WorkflowEnv,
  type EventFrom,
  type InputFrom,
  type WorkflowIdFrom,
  type EventSchemas,
  type Labels,
  type DeadlineSpec,
  type DeadlineArgs,
  type DocketEventMeta,
  type AuthorizeArgs,
  type AuthorizeResult,
  type AuthorizeGrant,
  type TaskTimer,
  type InstanceFacts,
} from './define-workflow.js';
export type * from './engine-types.js';
export { GENESIS_HASH } from './history.js';
export { verifyChain, verifyHistory, type VerifyOptions } from './chain-verifier.js';
export type { HistoryKey, HistoryKeyring, HistoryKeyOption } from './history-key.js';
export { HISTORY_PAGE_MAX } from './history-page.js';
export { canonicalJson } from './canonical-json.js';
export { statePaths } from './state-parts.js';
export { effect, deadline } from './effect.js';
export { effectTypesOf } from './effect-types.js';
export {
  provisionalDeadlinesOf,
  type EngineWarning,
  type ProvisionalDeadline,
  type ReresolveOptions,
  type ReresolveReport,
} from './reresolve-deadlines.js';
export type { ProvisionalResolution } from './workflow-registry.js';
export { INPUT_LIMITS } from './validate-input.js';
export { migrateFrom, type WorkflowMigration, type WorkflowMigrations, type StateMapping, type MigrationInstanceInfo, type StatePathOf, type WorkflowStatePath } from './migration/migration-spec.js';
export type { MigrateOptions, MigrationReport, MigrationMove, MigrationBlocked, MigrationBlockCode, MigratedTimer, MigrationEffectsAgain, MigrationLostVotes } from './migration/migration-types.js';
