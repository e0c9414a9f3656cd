// docket/testing read its instants with toInstant alone, which takes any finite number: `start: 0.5`
// for exploreWorkflow, assertNoDeadEnds and replayPaths, and rehearseMigration's `at`, `horizon` and
// `script[i].at` of 1.5, were taken, so generated events carried `$at: 0.5`, an instant no store keeps
// (the stores refuse it: src/clock/whole-instant.ts). They are read by the one instant rule now
// (wholeInstantInput: toInstant, then checkWholeInstant): INVALID_ARGUMENT naming the option, saying to
// round. A whole instant before 1970 (`start: -1`) is an instant by that rule, as every store keeps it.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { refusalOf } from './helpers/refusal-outcome.js';
import { tickWorkflow } from './fixtures/tick-workflow.js';
import { expenseReimbursement } from '../machines/index.js';
import { businessCalendar, memoryStore } from '../src/index.js';
import { isWholeInstant } from '../src/clock/whole-instant.js';
import { assertNoDeadEnds, exploreWorkflow, rehearseMigration, replayPaths } from '../src/testing/index.js';
import { expenseV2 } from './helpers/expense-v2.js';

const workflow = tickWorkflow;

const entries = [
  (start: unknown) => () => exploreWorkflow(workflow, { input: {}, start } as never),
  (start: unknown) => () => assertNoDeadEnds(workflow, { input: {}, start } as never),
  (start: unknown) => () => replayPaths(workflow, { input: {}, start } as never),
];

describe('docket/testing takes instants by the one instant rule', () => {
  it.each([0.5, 1_790_000_000_000.25, -1.5])('start: %d is INVALID_ARGUMENT naming start, in every entry point', async (start) => {
    for (const entry of entries) expect(await refusalOf(entry(start))).toEqual({ code: 'INVALID_ARGUMENT', field: 'start' });
    expect(() => exploreWorkflow(workflow, { input: {}, start } as never)).toThrow(/"start" must be an instant in whole epoch milliseconds.*round it/);
  });

  it.each([-1, 0, 1_790_000_000_000, '2026-11-02T09:00:00+08:00'])('start: %j is an instant by the rule and is taken', async (start) => {
    for (const entry of entries) expect(await refusalOf(entry(start))).toBe('accepted');
  });

  const base = { source: memoryStore(), from: expenseReimbursement, to: expenseV2, horizon: Date.parse('2026-10-31T00:00:00+08:00'), at: Date.parse('2026-09-29T09:00:00+08:00'), calendar: businessCalendar() };
  it.each([
    ['at', { ...base, at: base.at + 0.5 }],
    ['horizon', { ...base, horizon: base.horizon + 0.25 }],
    ['script[0].at', { ...base, script: [{ at: base.at + 0.5, instanceId: 'x', event: { type: 'SUBMIT' }, actor: { id: 'li', roles: [] } }] }],
  ])('rehearseMigration: a fractional %s is INVALID_ARGUMENT naming it', async (field, options) => {
    expect(await refusalOf(() => rehearseMigration(options as never))).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it('rehearseMigration: whole instants are taken', async () => {
    expect(await refusalOf(() => rehearseMigration(base as never))).toBe('accepted');
  });
});

describe('property: an instant option is taken exactly when the stores would keep it', () => {
  it('exploreWorkflow start, over integers, fractions and the edges', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer(), fc.double({ noNaN: false }), fc.constantFrom(8.64e15, -8.64e15, 8.64e15 + 1, 2 ** 53)), async (start) => {
        const ok = isWholeInstant(start) && Math.abs(start) <= 8.64e15;
        expect(await refusalOf(entries[0]!(start))).toEqual(ok ? 'accepted' : { code: 'INVALID_ARGUMENT', field: 'start' });
      }),
      { numRuns: 200 },
    );
  });
});
