// Hostile arguments to the calendar, the clock and the rule builders that escaped as raw errors,
// named no field, or were misread:
// - quarterDay(null), calendar.quarterDay(null), workingDays(1, null), withApprovals(null): a raw
//   TypeError reading a property of null; workingDays(1, 'x') took the string as no options;
// - calendar.localInstant(Symbol()), its time, shiftQuarter(q, Symbol()), quarterMonth(q, Symbol()):
//   a raw TypeError building the message (a Symbol does not convert to a string);
// - toInstant / virtualClock given a Proxy whose getPrototypeOf trap throws: the trap's raw error
//   (`instanceof Date` ran it); a Date subclass whose getTime lies was read through its getTime;
// - a 1e6-character date, time, quarter or bracketed ISO annotation: a 1e6-character message;
// - a deadline rule builder's refusal (workingDays(1.5), duration({ dys: 1 })) named no field,
//   though docs/calendar.md promises every refusal of a bad argument names it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { absolute, businessCalendar, duration, isDocketError, parseQuarter, quarterDay, quarterMonth, shiftQuarter, toInstant, validateDeadlineRule, virtualClock, withApprovals, workingDays, workingHours } from '../src/index.js';

const cal = businessCalendar();
const trapProxy = () => new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); }, get: () => { throw new Error('trap'); } });
const HUGE = 'x'.repeat(1_000_000);

function refusal(run: () => unknown): { code: string; field: unknown; length: number } | string {
  try {
    run();
    return 'accepted';
  } catch (error) {
    return isDocketError(error) ? { code: error.code, field: error.details.field, length: error.message.length } : `raw ${String(error)}`;
  }
}

const cases: readonly [string, () => unknown, string, string][] = [
  ['quarterDay(null)', () => quarterDay(null as never), 'INVALID_ARGUMENT', 'spec'],
  ['calendar.quarterDay(null)', () => cal.quarterDay(null as never), 'INVALID_ARGUMENT', 'query'],
  ['workingDays(1, null)', () => workingDays(1, null as never), 'INVALID_ARGUMENT', 'options'],
  ["workingDays(1, 'x')", () => workingDays(1, 'x' as never), 'INVALID_ARGUMENT', 'options'],
  ['absolute(at, 5)', () => absolute('2026-12-20', 5 as never), 'INVALID_ARGUMENT', 'options'],
  ['withApprovals(null)', () => withApprovals(null as never), 'INVALID_ARGUMENT', 'options'],
  ['calendar.localInstant(Symbol())', () => cal.localInstant(Symbol('d') as never), 'INVALID_ARGUMENT', 'date'],
  ['calendar.localInstant(date, Symbol())', () => cal.localInstant('2026-01-05', Symbol('t') as never), 'INVALID_ARGUMENT', 'time'],
  ['shiftQuarter(q, Symbol())', () => shiftQuarter({ year: 2026, quarter: 1 }, Symbol('n') as never), 'INVALID_ARGUMENT', 'n'],
  ['quarterMonth(q, Symbol())', () => quarterMonth({ year: 2026, quarter: 1 }, Symbol('m') as never), 'INVALID_ARGUMENT', 'm'],
  ['toInstant(a Proxy whose traps throw)', () => toInstant(trapProxy() as never), 'INVALID_ARGUMENT', 'instant'],
  ['virtualClock(a Proxy whose traps throw)', () => virtualClock(trapProxy() as never), 'INVALID_ARGUMENT', 'instant'],
  ['calendar.localInstant(1e6 characters)', () => cal.localInstant(HUGE), 'INVALID_ARGUMENT', 'date'],
  ['calendar.localInstant(date, 1e6 characters)', () => cal.localInstant('2026-01-05', HUGE), 'INVALID_ARGUMENT', 'time'],
  ['parseQuarter(1e6 characters)', () => parseQuarter(HUGE), 'INVALID_ARGUMENT', 'text'],
  ['toInstant(a 1e6-character annotation)', () => toInstant(`2026-01-01T00:00:00Z[${HUGE}`), 'INVALID_ARGUMENT', 'instant'],
  ['calendar.isWorkingDay(a 1e6-character annotation)', () => cal.isWorkingDay(`2026-01-01T00:00:00Z[${HUGE}`), 'INVALID_ARGUMENT', 'at'],
  ['workingDays(1.5)', () => workingDays(1.5), 'INVALID_DEADLINE_RULE', 'days'],
  ["workingDays(1, { time: '25:00' })", () => workingDays(1, { time: '25:00' }), 'INVALID_DEADLINE_RULE', 'options.time'],
  ['workingHours(NaN)', () => workingHours(Number.NaN), 'INVALID_DEADLINE_RULE', 'hours'],
  ['duration({ dys: 1 })', () => duration({ dys: 1 } as never), 'INVALID_DEADLINE_RULE', 'duration.dys'],
  ["absolute('x')", () => absolute('x'), 'INVALID_DEADLINE_RULE', 'at'],
  ['quarterDay month 5', () => quarterDay({ quarter: { relative: 1 }, month: 5 as never, day: 1 }), 'INVALID_DEADLINE_RULE', 'spec.month'],
  ['validateDeadlineRule days 1.5', () => validateDeadlineRule({ kind: 'workingDays', days: 1.5 }), 'INVALID_DEADLINE_RULE', 'rule.days'],
  ['validateDeadlineRule(null)', () => validateDeadlineRule(null), 'INVALID_DEADLINE_RULE', 'rule'],
];

describe('hostile calendar, clock and builder arguments are typed refusals naming the argument', () => {
  it.each(cases)('%s', (_, run, code, field) => {
    const got = refusal(run);
    expect(got).toEqual({ code, field, length: expect.any(Number) });
    expect((got as { length: number }).length).toBeLessThan(2_000);
  });

  it('a Date subclass is read from its slot, not through the getTime it overrides', () => {
    class Lying extends Date {
      override getTime(): number {
        return 5;
      }
    }
    expect(toInstant(new Lying(1_000))).toBe(1_000);
    expect(virtualClock(new Lying(1_000)).now()).toBe(1_000);
  });

  it('property: any value in any argument position of these functions is accepted or a DocketError naming a field, with a bounded message', () => {
    const calls: readonly ((v: unknown) => unknown)[] = [
      (v) => quarterDay(v as never),
      (v) => cal.quarterDay(v as never),
      (v) => workingDays(1, v as never),
      (v) => workingDays(v as never),
      (v) => absolute(v as never),
      (v) => duration(v as never),
      (v) => workingHours(v as never),
      (v) => withApprovals(v as never),
      (v) => cal.localInstant(v as never),
      (v) => cal.localInstant('2026-01-05', v as never),
      (v) => shiftQuarter({ year: 2026, quarter: 1 }, v as never),
      (v) => quarterMonth({ year: 2026, quarter: 1 }, v as never),
      (v) => parseQuarter(v as never),
      (v) => toInstant(v as never),
      (v) => validateDeadlineRule(v),
      (v) => cal.isWorkingDay(v as never),
    ];
    const value = fc.oneof(
      fc.anything({ withBigInt: true, withBoxedValues: true, withDate: true, withMap: true, withNullPrototype: true, withSparseArray: true, maxDepth: 2 }),
      fc.constantFrom(null, undefined, Symbol('s'), HUGE, `2026-01-01T00:00:00Z[${HUGE}`, -0, Number.NaN, 2 ** 53 + 1).map((v) => v),
      fc.constant(null).map(() => trapProxy()),
      fc.string().map((s) => `2026-01-0${s}`),
    );
    fc.assert(
      fc.property(value, fc.constantFrom(...calls), (v, call) => {
        const got = refusal(() => call(v));
        if (got === 'accepted') return;
        // A well-formed instant in a year the calendar has no holidays for is refused for its data
        // (CALENDAR_YEAR_MISSING, by the missing-year policy), not for the argument: no field.
        if (typeof got !== 'string' && got.code === 'CALENDAR_YEAR_MISSING') return;
        expect(got).toEqual({ code: expect.any(String), field: expect.any(String), length: expect.any(Number) });
        expect((got as { length: number }).length).toBeLessThan(2_000);
      }),
      { numRuns: Number(process.env['HOSTILE_RUNS'] ?? 500) },
    );
  });
});
