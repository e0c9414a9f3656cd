import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { holidayCoverageCheck, isDocketError } from '../src/index.js';
import { docket } from './helpers/cli-runner.js';

// Regression: the coverage warning — printed by `docket calendar` to anyone who installed the
// package — said "upgrade chinese-days and run scripts/generate-cn-holidays.ts": a devDependency and
// a repository script the installed package has neither of, so the user was told to do what they
// cannot. And `docket calendar --lang zh-CN` printed it in English. The warning now says what an
// operator of an application can do, in the CLI's language; the maintainers' step is the CI script's.

const repositoryOnly = /scripts\/|generate-cn-holidays|chinese-days/;

describe('the holiday coverage warning is advice a user of the package can follow', () => {
  it('names no repository script or devDependency, and says to upgrade docket or add the notice, then re-resolve', () => {
    const warning = holidayCoverageCheck('2026-12-02', { years: [2025, 2026] }).warning!;
    expect(warning).toContain('ends with 2026 (in 29 days)');
    expect(warning).not.toMatch(repositoryOnly);
    expect(warning).toMatch(/upgrade to a docket release that ships 2027/);
    expect(warning).toContain('parseHolidaySchedule');
    expect(warning).toContain('docket calendar --holidays');
    expect(warning).toContain('reresolveDeadlines');
  });

  it("is Chinese with lang 'zh-CN', and refuses another lang", () => {
    const zh = holidayCoverageCheck('2027-01-03', { years: [2026], lang: 'zh-CN' }).warning!;
    expect(zh).toContain('中国官方节假日数据截至 2026 年（已过去 3 天）');
    expect(zh).toContain('parseHolidaySchedule');
    expect(zh).not.toMatch(repositoryOnly);
    let e: unknown;
    try {
      holidayCoverageCheck('2026-12-02', { lang: 'fr' as never });
    } catch (err) {
      e = err;
    }
    expect(isDocketError(e, 'INVALID_ARGUMENT') && e.details.field).toBe('options.lang');
  });

  it.each([
    ['en', 'upgrade to a docket release that ships 2027'],
    ['zh-CN', '升级到包含 2027 年数据的 docket 版本'],
  ])('docket calendar --lang %s prints it in that language', async (lang, words) => {
    const { code, stdout } = await docket(['calendar', '--lang', lang], Date.parse('2026-12-02T12:00:00Z'));
    expect(code).toBe(0);
    expect(stdout).toContain(words);
    expect(stdout).not.toMatch(/scripts\/|generate-cn-holidays/); // (the data source line names chinese-days@1.5.7 as where the data came from)
    const json = await docket(['calendar', '--lang', lang, '--json'], Date.parse('2026-12-02T12:00:00Z'));
    expect((JSON.parse(json.stdout) as { warning: string }).warning).toContain(words);
  });

  it('property: whenever it warns, in either language, the advice is the user’s and names the next year', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2026, max: 2098 }),
        fc.integer({ min: -400, max: 60 }),
        fc.constantFrom('en' as const, 'zh-CN' as const),
        (last, before, lang) => {
          const day = new Date(Date.UTC(last, 11, 31) - before * 86_400_000).toISOString().slice(0, 10);
          const check = holidayCoverageCheck(day, { years: [last], lang });
          expect(check.daysLeft).toBe(before);
          const warning = check.warning!;
          expect(warning).not.toMatch(repositoryOnly);
          expect(warning).toContain(String(last + 1));
          expect(warning).toContain('parseHolidaySchedule');
          expect(warning).toContain('reresolve');
          expect(/[\u4e00-\u9fff]{4}/.test(warning.replace(/国务院|调休/g, ''))).toBe(lang === 'zh-CN');
        },
      ),
      { numRuns: 200 },
    );
  });
});
