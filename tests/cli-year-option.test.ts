// `docket calendar --from/--to` and `calendar reresolve --year` read a year with a copy of the CLI's
// whole-number rule of their own: refused with code USAGE and no field, where every other whole-number
// option (`retain --limit`, `migrate --from/--to`) is INVALID_ARGUMENT naming its field, so a script
// reading --json errors had to know which command the number came through. A year is now read by
// intOption with the calendar's range; `--to` before `--from` is INVALID_ARGUMENT naming `to`.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { docket } from './helpers/cli-runner.js';

const NOW = Date.parse('2026-11-02T00:00:00Z');
const error = async (args: readonly string[]) => {
  const r = await docket([...args, '--json'], NOW);
  return { exit: r.code, ...(JSON.parse(r.stdout) as { error?: { code: string; field?: string; message: string } }).error };
};

describe('a year option is a whole-number option', () => {
  it.each([
    [['calendar', '--from', '2e3'], 'from'],
    [['calendar', '--to', '0x7EB'], 'to'],
    [['calendar', '--from', '1900'], 'from'],
    [['calendar', 'reresolve', '/nonexistent/docket-year.db', '--year', 'abc'], 'year'],
  ] as const)('%j is INVALID_ARGUMENT naming %s (it was USAGE without a field)', async (args, field) => {
    expect(await error(args)).toMatchObject({ exit: 2, code: 'INVALID_ARGUMENT', field });
  });

  it('--to before --from is INVALID_ARGUMENT naming to, and says both', async () => {
    expect(await error(['calendar', '--from', '2030', '--to', '2029'])).toMatchObject({ exit: 2, code: 'INVALID_ARGUMENT', field: 'to', message: expect.stringMatching(/2029.*2030/) });
  });
});

describe('property: a year is accepted exactly when it is four digits within 1901–2099', () => {
  it('calendar --from', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: 1800, max: 2200 }).map(String), fc.double().map(String)), async (value) => {
        const ok = /^[0-9]+$/.test(value) && Number(value) >= 1901 && Number(value) <= 2099;
        const r = await docket(['calendar', '--from', value, '--to', '2099', '--json'], NOW);
        if (ok) expect([value, r.code]).toEqual([value, 0]);
        else expect([value, r.code, JSON.parse(r.stdout).error]).toEqual([value, 2, expect.objectContaining({ code: 'INVALID_ARGUMENT', field: 'from' })]);
      }),
      { numRuns: 100 },
    );
  });
});
