import type { Instant } from '../clock/clock.js';
import type { DeadlineRule } from '../calendar/index.js';

/**
 * A named deadline a step resolved on estimated holiday data (internal): returned with the step
 * (`Step.provisional`) so `planCommit` marks the timer it arms and stores its rule for re-resolution.
 */
export interface ProvisionalResolution {
  /** The delay's name (the deadline name in `defineWorkflow({ deadlines })`). */
  readonly name: string;
  /** The delay XState was given, ms. */
  readonly delayMs: number;
  readonly rule: DeadlineRule;
  readonly from: Instant;
  readonly dueAt: Instant;
  readonly years: readonly number[];
  /**
   * The index in the step's actions of the delayed raise that resolved it: XState resolves a raise's
   * named delay and hands the raise to the executor next, so the runtime binds the two. An `after`
   * timer is named after its delay, but a `raise(event, { delay: 'chaseDue', id: 'chase' })` is named
   * after its id: matched by name, it was armed unmarked, never warned about or re-resolved.
   */
  readonly action?: number;
}
