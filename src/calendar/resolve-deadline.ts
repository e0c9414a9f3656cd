import { callerInput } from '../input/plain-input.js';
import { durationToMs, type Instant } from '../clock/clock.js';
import { DocketError } from '../errors.js';
import type { BusinessCalendar, Resolution } from './business-calendar.js';
import type { DeadlineRule } from './deadline-rule.js';
import { parseOffsetInstant } from './zoned-time.js';

const OFFICIAL: readonly number[] = Object.freeze([]);

/**
 * Resolve a deadline rule from an instant, with its provenance: `at` is the due instant (ms since
 * the epoch, not clamped to `from`: a rule already past resolves to its own instant), `provisional`
 * is true when the calendar had to estimate a year's holidays (`estimatedYears` names them).
 * A duration needs no calendar, nor does an absolute instant written with its own offset; every
 * other rule does.
 *
 * Internal to the engine (it arms timers with it); the public form is {@link resolveDeadline}.
 *
 * @throws DocketError `INVALID_DEADLINE_RULE` when the rule needs a calendar and none is given;
 *   whatever `calendar.resolve` throws for a rule it cannot resolve.
 */
export const resolveDeadlineRule = callerInput('resolveDeadlineRule()', ['rule', 'from', null], function resolveDeadlineRule(rule: DeadlineRule, from: Instant, calendar: BusinessCalendar | undefined): Resolution {
  if (rule.kind === 'duration') return { at: from + durationToMs(rule.duration), provisional: false, estimatedYears: OFFICIAL };
  if (calendar) return calendar.resolveWithProvenance(rule, from);
  if (rule.kind === 'absolute' && rule.time === undefined && rule.roll === undefined) {
    // An instant with its own offset needs no calendar; a local date does.
    if (typeof rule.at === 'number') return { at: rule.at, provisional: false, estimatedYears: OFFICIAL };
    // The calendar's own reader: Date.parse reads '2027-01-04T09Z' as NaN, and refuses '+08' and 'z'.
    const instant = parseOffsetInstant(rule.at);
    if (instant !== undefined) return { at: instant, provisional: false, estimatedYears: OFFICIAL };
  }
  throw new DocketError(
    'INVALID_DEADLINE_RULE',
    `A "${rule.kind}" deadline needs a business calendar: pass createEngine({ calendar: businessCalendar({ holidays: ['CN'] }) }).`,
  );
});

/**
 * Resolve a deadline rule to its due instant (ms since the epoch) from `from`: durations need no
 * calendar, nor does an absolute instant with its own offset; every other rule does.
 *
 * @example
 * ```ts
 * import { businessCalendar, workingDays } from 'docket';
 * import { resolveDeadline } from './resolve-deadline.js';
 * const cal = businessCalendar({ holidays: ['CN'] });
 * const due = resolveDeadline(workingDays(3), Date.parse('2026-09-30T10:00:00+08:00'), cal);
 * ```
 *
 * @throws DocketError `INVALID_DEADLINE_RULE` when the rule needs a calendar and none is given.
 */
export const resolveDeadline = callerInput('resolveDeadline()', ['rule', 'from', null], function resolveDeadline(rule: DeadlineRule, from: Instant, calendar: BusinessCalendar | undefined): Instant {
  return resolveDeadlineRule(rule, from, calendar).at;
});
