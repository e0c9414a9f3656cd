// A range of two options (`--from`/`--to`) was refused in the words of both ends even when one was a
// default: `docket calendar --from 2099` said "--to (2028) is before --from (2099)", naming `to`, which
// the user never gave, and `docket simulate w --to <yesterday>` said "--to must be after --from" of a
// --from that was the clock's now. A refusal now speaks of what the user gave, says which default it
// met and suggests giving the other end (rangeOrderError in cli-context.ts); only when both are given
// is --to the one named. INVALID_ARGUMENT, exit 2.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docket } from './helpers/cli-runner.js';

const NOW = Date.parse('2026-11-02T00:00:00Z');
const error = async (args: readonly string[]) => {
  const r = await docket([...args, '--json'], NOW);
  return { exit: r.code, ...(JSON.parse(r.stdout) as { error?: { code: string; field?: string; message: string } }).error };
};

describe('a range refusal speaks of what the user gave', () => {
  it('calendar --from 2099 alone names from, says the default --to is before it and suggests --to', async () => {
    const e = await error(['calendar', '--from', '2099']);
    expect(e).toMatchObject({ exit: 2, code: 'INVALID_ARGUMENT', field: 'from' });
    expect(e.message).toMatch(/^--from 2099 is past the default --to, 2028 \(two years after this year\).*give --to as well \(e\.g\. --to 2099\)/);
  });

  it('calendar --to 1990 alone names to and says the default --from it is before', async () => {
    const e = await error(['calendar', '--to', '1990']);
    expect(e).toMatchObject({ exit: 2, code: 'INVALID_ARGUMENT', field: 'to' });
    expect(e.message).toMatch(/^--to 1990 is not at or after the default --from, \d{4} \(the year before.*give --from as well \(e\.g\. --from 1990\)/);
  });

  it('calendar with both given names to, as before', async () => {
    expect(await error(['calendar', '--from', '2030', '--to', '2029'])).toMatchObject({ exit: 2, code: 'INVALID_ARGUMENT', field: 'to', message: expect.stringMatching(/2029.*2030/) });
  });

  it('simulate --to before now (the default --from) names to, and says the default', async () => {
    const e = await error(['simulate', 'strategy-cycle', '--to', '2026-10-01']);
    expect(e).toMatchObject({ exit: 2, code: 'INVALID_ARGUMENT', field: 'to' });
    expect(e.message).toMatch(/^--to .* is not after the default --from, .* \(now\); give --from as well/);
  });

  it('simulate --to more than ten years after now names to and says --from was the default', async () => {
    const e = await error(['simulate', 'strategy-cycle', '--to', '2040-01-01']);
    expect(e).toMatchObject({ exit: 2, code: 'INVALID_ARGUMENT', field: 'to', message: expect.stringMatching(/default --from \(now/) });
  });
});

describe('property: a refusal of a calendar range names an option the user gave', () => {
  it('over --from/--to given or not', async () => {
    const year = fc.option(fc.integer({ min: 1901, max: 2099 }), { nil: undefined });
    await fc.assert(
      fc.asyncProperty(year, year, async (from, to) => {
        const args = ['calendar', ...(from === undefined ? [] : ['--from', String(from)]), ...(to === undefined ? [] : ['--to', String(to)]), '--json'];
        const r = await docket(args, NOW);
        if (r.code === 0) return;
        const e = (JSON.parse(r.stdout) as { error: { code: string; field: string; message: string } }).error;
        expect(e.code).toBe('INVALID_ARGUMENT');
        // The field is one the user gave, and the message starts with it.
        expect([from === undefined ? undefined : 'from', to === undefined ? undefined : 'to']).toContain(e.field);
        expect(e.message.startsWith(`--${e.field}`)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });
});
