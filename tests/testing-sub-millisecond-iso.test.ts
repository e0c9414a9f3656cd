// wholeInstantInput (src/clock/whole-instant.ts), the reader of docket/testing's instants, says a
// fraction of a millisecond is refused, not floored, naming "an ISO string with microseconds"; but the
// ISO reader keeps milliseconds and drops the rest, so `exploreWorkflow(w, { start:
// '2026-11-02T09:00:00.0005+08:00' })` or rehearseMigration's `at` given so was taken as …09:00:00.000,
// floored without a word, where `start: 0.5` is refused. It is INVALID_ARGUMENT naming the option now;
// a fourth digit of 0 (…00.5000) names a whole millisecond and is taken.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusalOf } from './helpers/refusal-outcome.js';
import { tickWorkflow } from './fixtures/tick-workflow.js';
import { expenseReimbursement } from '../machines/index.js';
import { businessCalendar, isDocketError, memoryStore } from '../src/index.js';
import { wholeInstantInput } from '../src/clock/whole-instant.js';
import { exploreWorkflow, rehearseMigration, replayPaths } from '../src/testing/index.js';
import { expenseV2 } from './helpers/expense-v2.js';

const workflow = tickWorkflow;


describe('an ISO instant finer than a millisecond is refused, not floored', () => {
  it.each(['2026-11-02T09:00:00.0005+08:00', '2026-11-02T01:00:00.123456Z', '2026-11-02T01:00:00,0001Z', '2026-11-02T09:00:00.999999999+08:00'])('start: %s is INVALID_ARGUMENT naming start', async (start) => {
    expect(await refusalOf(() => exploreWorkflow(workflow, { input: {}, start } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'start' });
    expect(await refusalOf(() => replayPaths(workflow, { input: {}, start } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'start' });
    expect(() => exploreWorkflow(workflow, { input: {}, start } as never)).toThrow(/whole epoch milliseconds.*give at most three digits after the seconds/);
  });

  // Regression (brk23): the check looked for a colon before the seconds, so the basic format the ISO
  // reader also takes (20261102T010000.0005Z) was still floored without a word.
  it.each(['20261102T010000.0005Z', '20261102T090000,000001+08:00', '2026-11-02T090000.0005+0800'])('start: %s (basic format) is INVALID_ARGUMENT naming start', async (start) => {
    expect(await refusalOf(() => exploreWorkflow(workflow, { input: {}, start } as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'start' });
  });

  it('rehearseMigration: an at finer than a millisecond is INVALID_ARGUMENT naming at', async () => {
    const options = { source: memoryStore(), from: expenseReimbursement, to: expenseV2, horizon: Date.parse('2026-10-31T00:00:00+08:00'), at: '2026-09-29T09:00:00.0001+08:00', calendar: businessCalendar() };
    expect(await refusalOf(() => rehearseMigration(options as never))).toEqual({ code: 'INVALID_ARGUMENT', field: 'at' });
  });

  it.each(['2026-11-02T09:00:00.5000+08:00', '2026-11-02T09:00:00.123+08:00', '2026-11-02T09:00:00+08:00', '2026-11-02T09:00+08:00'])('start: %s names a whole millisecond and is taken', async (start) => {
    expect(await refusalOf(() => exploreWorkflow(workflow, { input: {}, start } as never))).toBe('accepted');
  });
});

describe('property: an ISO time is taken exactly when its fraction of a second is whole milliseconds', () => {
  it('over fractions of one to nine digits', () => {
    fc.assert(
      fc.property(fc.stringMatching(/^[0-9]{1,9}$/), fc.constantFrom('Z', '+08:00', '-05:30'), fc.constantFrom('.', ','), fc.constantFrom('2026-11-02T09:00:00', '20261102T090000', '2026-11-02T090000'), (digits, offset, mark, time) => {
        const text = `${time}${mark}${digits}${offset}`;
        const whole = /^[0-9]{0,3}$/.test(digits.replace(/0+$/, ''));
        let result: number | string;
        try {
          result = wholeInstantInput(text, 'start', 'x():');
        } catch (error) {
          result = isDocketError(error) ? error.code : String(error);
        }
        if (whole) expect(result).toBe(Date.parse(`2026-11-02T09:00:00.${digits.padEnd(3, '0').slice(0, 3)}${offset}`));
        else expect(result).toBe('INVALID_ARGUMENT');
      }),
      { numRuns: 200 },
    );
  });
});
