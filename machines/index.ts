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
