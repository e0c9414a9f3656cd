import { z } from 'zod';
import { quarterDay, shiftQuarter, validateDeadlineRule, type DeadlineRule, type QuarterRef } from '../../src/index.js';

/** The milestones of the quarterly strategy cycle, in order (seed 000, pages "6"–"15"). */
export const STRATEGY_MILESTONES = ['kickoff', 'surveyDue', 'internalMeetingDue', 'draftDue', 'reviewDue', 'approvalDue', 'releaseDue'] as const;
export type StrategyMilestone = (typeof STRATEGY_MILESTONES)[number];

/**
 * A deadline's local time 'HH:mm' exactly as the calendar reads it (00:00–23:59, or 24:00), asked of the
 * deadline validator itself: a digits-only pattern passed '25:00', and the instance started, then was
 * suspended when the kickoff timer armed the tri-party meeting (INVALID_DEADLINE_RULE), or the start
 * failed without naming the field.
 */
export const localTime = z
  .string()
  .regex(/^\d{2}:\d{2}$/)
  .refine(
    (time) => {
      try {
        validateDeadlineRule({ kind: 'workingDays', days: 0, time });
        return true;
      } catch {
        return false;
      }
    },
    { message: "a local time 'HH:mm', 00:00–23:59 (or 24:00)" },
  );

/** One milestone: month 1–3 of the preparation quarter, day, local time, and what a day off does to it. */
export const milestoneSpec = z.object({
  month: z.union([z.literal(1), z.literal(2), z.literal(3)]),
  day: z.union([z.number().int().min(1).max(28), z.literal('last')]),
  time: localTime.optional(),
  roll: z.enum(['previous', 'next', 'none']).optional(),
});
export type MilestoneSpec = z.infer<typeof milestoneSpec>;

/**
 * The documents' schedule, relative to the quarter BEFORE the plan quarter (the plan for Q+1 is made
 * during Q): 首月1日 kickoff … 末月25日 release. Kickoff rolls forward to the next working day (work
 * cannot start on a holiday); due dates roll back to the working day before (a deadline on a Sunday
 * means Friday).
 *
 * @example
 * ```ts
 * import { DEFAULT_STRATEGY_SCHEDULE } from 'docket/machines';
 * DEFAULT_STRATEGY_SCHEDULE.approvalDue; // { month: 3, day: 20, roll: 'previous' }
 * ```
 */
export const DEFAULT_STRATEGY_SCHEDULE: Readonly<Record<StrategyMilestone, MilestoneSpec>> = Object.freeze({
  kickoff: { month: 1, day: 1, time: '09:00', roll: 'next' },
  surveyDue: { month: 2, day: 20, roll: 'previous' },
  internalMeetingDue: { month: 2, day: 25, roll: 'previous' },
  draftDue: { month: 3, day: 1, roll: 'previous' },
  reviewDue: { month: 3, day: 10, roll: 'previous' },
  approvalDue: { month: 3, day: 20, roll: 'previous' },
  releaseDue: { month: 3, day: 25, roll: 'previous' },
});

/** The quarter the work happens in: the one before the plan quarter. */
export function preparationQuarter(planQuarter: QuarterRef): QuarterRef {
  return shiftQuarter(planQuarter, -1);
}

/**
 * A milestone as a deadline rule on the calendar: an absolute quarter, so the dates depend on the
 * instance's plan quarter and never on when the engine happens to evaluate them.
 *
 * @example
 * ```ts
 * import { milestoneRule, DEFAULT_STRATEGY_SCHEDULE } from 'docket/machines';
 * milestoneRule({ year: 2027, quarter: 1 }, DEFAULT_STRATEGY_SCHEDULE.kickoff);
 * // { kind: 'quarterDay', quarter: { year: 2026, quarter: 4 }, month: 1, day: 1, time: '09:00', roll: 'next' }
 * ```
 */
export function milestoneRule(planQuarter: QuarterRef, spec: MilestoneSpec): DeadlineRule {
  return quarterDay({
    quarter: preparationQuarter(planQuarter),
    month: spec.month,
    day: spec.day,
    ...(spec.time === undefined ? {} : { time: spec.time }),
    ...(spec.roll === undefined ? {} : { roll: spec.roll }),
  });
}

/**
 * The n-th (0-based) monthly tri-party meeting: month `n % 3 + 1` of the preparation quarter and
 * onwards, on `day` at `time`, moved to the next working day when it falls on a day off.
 */
export function triPartyMeetingRule(planQuarter: QuarterRef, n: number, day: number, time: string): DeadlineRule {
  return quarterDay({
    quarter: shiftQuarter(preparationQuarter(planQuarter), Math.floor(n / 3)),
    month: ((n % 3) + 1) as 1 | 2 | 3,
    day,
    time,
    roll: 'next',
  });
}
