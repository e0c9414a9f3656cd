// `docket calendar` read "today" as the UTC date of the clock: from 00:00 to 08:00 in Shanghai that is
// yesterday, so on 1 January (Beijing) the default --to was a year behind and the coverage advice
// counted from 31 December. Today is now the date in the CLI's zone (--tz, Asia/Shanghai by default).
import fc from 'fast-check';
import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { docket } from './helpers/cli-runner.js';

/** The years `docket calendar --json` lists, at instant `now`, with extra global flags. */
async function years(now: number, flags: readonly string[] = []): Promise<number[]> {
  const r = await docket([...flags, 'calendar', '--from', '2025', '--json'], now);
  expect(r.code, r.stderr).toBe(0);
  return (JSON.parse(r.stdout) as { years: { year: number }[] }).years.map((y) => y.year);
}

describe("docket calendar's today is the date in the CLI's zone", () => {
  it('04:00 on 1 January 2027 in Shanghai (still 2026 in UTC): the default --to is 2029', async () => {
    const now = Date.parse('2027-01-01T04:00:00+08:00');
    expect((await years(now)).at(-1)).toBe(2029);
  });

  it('the same instant with --tz America/New_York (still 31 December there): the default --to is 2028', async () => {
    const now = Date.parse('2027-01-01T04:00:00+08:00');
    expect((await years(now, ['--tz', 'America/New_York'])).at(-1)).toBe(2028);
  });

  it('property: the default --to is two years after the year in the zone, whatever the instant', async () => {
    const zones = ['Asia/Shanghai', 'UTC', 'America/New_York', 'Pacific/Kiritimati'];
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: Date.parse('2026-01-01T00:00:00Z'), max: Date.parse('2030-12-31T23:59:59Z') }), fc.constantFrom(...zones), async (now, tz) => {
        const year = DateTime.fromMillis(now, { zone: tz }).year;
        expect((await years(now, ['--tz', tz])).at(-1)).toBe(year + 2);
      }),
      { numRuns: 40 },
    );
  });
});
