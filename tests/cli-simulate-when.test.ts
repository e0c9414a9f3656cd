// `docket simulate --from/--to` read a date with its own refusal, `USAGE` with no field, where every
// other refusal of the range (rangeOrderError, the ten-year bound) and `docket calendar --from` say
// INVALID_ARGUMENT naming the option: a `--json` caller could not tell which option was wrong. And a
// --from near the last date a Date keeps (`+275760-09-01`) was taken, its default --to (90 days on)
// ran past it, and the run failed as "The start input … planQuarter.year: … received NaN" (USAGE),
// blaming the workflow's input. Both are INVALID_ARGUMENT naming the option the user gave now, exit 2,
// nothing run. The calendar now reads dates to 9999-12-31 only, so that is the last date here.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docket } from './helpers/cli-runner.js';

const NOW = Date.parse('2026-11-02T00:00:00Z');
const error = async (args: readonly string[]) => {
  const r = await docket([...args, '--json'], NOW);
  return { exit: r.code, ...(JSON.parse(r.stdout) as { error?: { code: string; field?: string; message: string } }).error };
};

describe('simulate --from/--to that is no date is INVALID_ARGUMENT naming the option', () => {
  it.each([
    ['--from', '2027.0'],
    ['--from', ' 2027-01-01'],
    ['--from', '10000-01-01'],
    ['--to', '2027-02-30'],
    ['--to', '2027-01-01T09:00:60+08:00'],
  ])('%s %j', async (flag, value) => {
    const e = await error(['simulate', 'strategy-cycle', flag, value]);
    expect(e).toMatchObject({ exit: 2, code: 'INVALID_ARGUMENT', field: flag.slice(2) });
    expect(e.message).toContain(`${flag} must be a date (2026-10-08) or date-time`);
  });
});

describe('simulate --from whose default --to passes the last date is refused naming --from', () => {
  // The calendar reads dates to 9999-12-31 (tests/brk25-date-range.test.ts): the last date is its last.
  it.each(['9999-10-03', '9999-12-31'])('--from %s', async (value) => {
    const e = await error(['simulate', 'strategy-cycle', '--from', value]);
    expect(e).toMatchObject({ exit: 2, code: 'INVALID_ARGUMENT', field: 'from' });
    expect(e.message).toMatch(/^--from .* is too late: the default --to, 90 days after it, is past the last date the calendar supports \(9999-12-31\); give an earlier --from, or --to as well/);
  });
  it.each(['+275760-09-01', '+275760-09-13', '+010000-01-01'])('--from %s, past the calendar\'s dates, says its range', async (value) => {
    const e = await error(['simulate', 'strategy-cycle', '--from', value]);
    expect(e).toMatchObject({ exit: 2, code: 'INVALID_ARGUMENT', field: 'from' });
    expect(e.message).toMatch(/^--from: .* is outside the dates the calendar supports, 0001-01-01 to 9999-12-31/);
  });
});

describe('property: a refused simulate range names an option the user gave, as INVALID_ARGUMENT', () => {
  it('over dates and non-dates given or not', async () => {
    const when = fc.option(
      fc.oneof(
        fc.date({ min: new Date('1990-01-01T00:00:00Z'), max: new Date('2060-01-01T00:00:00Z'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
        fc.constantFrom('2027.0', ' 2027-01-01', '2027-02-30', 'tomorrow', '+275760-09-10', '2027-01-01T25:00'),
      ),
      { nil: undefined },
    );
    await fc.assert(
      fc.asyncProperty(when, when, async (from, to) => {
        // --path nonsense refuses after the range is read: a run is never started.
        const args = ['simulate', 'strategy-cycle', ...(from === undefined ? [] : ['--from', from]), ...(to === undefined ? [] : ['--to', to]), '--path', 'x', '--json'];
        const r = await docket(args, NOW);
        const e = (JSON.parse(r.stdout) as { error: { code: string; field?: string; message: string } }).error;
        if (e.message.startsWith('--path')) return; // the --path refusal: the range was taken
        expect(r.code).toBe(2);
        expect(e.code).toBe('INVALID_ARGUMENT');
        expect([from === undefined ? undefined : 'from', to === undefined ? undefined : 'to']).toContain(e.field);
      }),
      { numRuns: 40 },
    );
  });
});
