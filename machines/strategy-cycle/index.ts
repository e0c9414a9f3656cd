export { strategyCycle } from './strategy-cycle.js';
export { strategyCycleMachine, missingIn, TRI_PARTY_MEETINGS_PER_CYCLE, type StrategyCycleContext, type StrategyCycleEvent, type StrategyPhase, type PhaseRecord, type Submission } from './strategy-cycle-machine.js';
export { strategyCycleInput, DEFAULT_PROVIDERS } from './strategy-cycle-input.js';
export {
  DEFAULT_STRATEGY_SCHEDULE,
  STRATEGY_MILESTONES,
  milestoneRule,
  milestoneSpec,
  preparationQuarter,
  triPartyMeetingRule,
  type MilestoneSpec,
  type StrategyMilestone,
} from './schedule.js';
