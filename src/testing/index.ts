// docket/testing: path generation with @xstate/graph, replayed through the engine on a virtual clock.
export { sampleEventsFor, sampleValue, type SampleEvent, type SampleEvents } from './sample-events.js';
export {
  actorFor,
  assertNoDeadEnds,
  exploreWorkflow,
  machineForGraph,
  stateNodePaths,
  transientStatePaths,
  type ActorMap,
  type Exploration,
  type ExploreOptions,
  type GeneratedPath,
  type GraphProblem,
  type WaitingState,
} from './explore-workflow.js';
export { replayPaths, type ReplayOptions, type ReplayResult, type ReplayStep } from './replay-paths.js';
export { pickApprover } from './pick-approver.js';
// An approval workflow checked out of the box: decisions explored, operations left out, loops collapsed.
export { createApprovalSerializer } from './approval-defaults.js';
// Issue 18: rehearse a migration on copies, on the virtual clock.
export {
  rehearseMigration,
  type RehearseOptions,
  type RehearsalAct,
  type RehearsalDifference,
  type RehearsalInstance,
  type RehearsalReport,
  type RehearsalWarning,
  type RehearsedDeadline,
  type RehearsedFuture,
} from './rehearse-migration.js';
