// Regression: the CLI's workflow list (`docket workflows`, `--workflows` modules, the docs site's
// catalog) was sorted with `localeCompare`, so by the locale of the machine running it. The same
// workflows came out as `aa-audit … 合同评审 报销 采购申请` under LANG=en_US.UTF-8, `报销 采购申请 合同评审
// aa-audit …` (pinyin, Chinese first) under zh_CN.UTF-8 and `合同评审 报销 …` under zh_TW.UTF-8;
// Lithuanian put `yearly-close` after `hotel`, Danish `aa-audit` last, Czech `ch-check` after `hotel`.
// The order "every caller sees the same" is now code point order (compareIds, the stores' order).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { newestById } from '../src/cli/workflow-catalog.js';
import { compareIds } from '../src/store/claim-rules.js';

const IDS = ['采购申请', '报销', '合同评审', 'yearly-close', 'sign-off', 'aa-audit', 'Beta', 'alpha', 'ch-check', 'hotel', 'ö-check', 'o-check', 'zz-final'];

/** newestById's order of `IDS` in a process whose locale is `locale` (what ICU reads from LC_ALL). */
async function orderUnder(locale: string): Promise<string[]> {
  const script = `import { newestById } from './src/cli/workflow-catalog.ts';
const ids = ${JSON.stringify(IDS)};
process.stdout.write(JSON.stringify(newestById(ids.map((id) => ({ kind: 'docket.workflow', id, version: 1 }))).map((w) => w.id)));`;
  const env = { ...process.env, LC_ALL: locale, LANG: locale };
  const { stdout } = await promisify(execFile)(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { env, encoding: 'utf8', cwd: new URL('..', import.meta.url).pathname });
  return JSON.parse(stdout) as string[];
}

describe("the workflow catalog's order does not depend on the machine's locale", () => {
  it('the same order under en_US, zh_CN, lt_LT and da_DK: code point order', async () => {
    const locales = ['en_US.UTF-8', 'zh_CN.UTF-8', 'lt_LT.UTF-8', 'da_DK.UTF-8'];
    const orders = await Promise.all(locales.map(orderUnder));
    const expected = [...IDS].sort(compareIds);
    expect(Object.fromEntries(locales.map((l, i) => [l, orders[i]]))).toEqual(Object.fromEntries(locales.map((l) => [l, expected])));
  }, 60_000);

  it('in this process too, newest version per id', () => {
    const values = [...IDS, 'alpha'].map((id, i) => ({ kind: 'docket.workflow', id, version: id === 'alpha' ? i : 1 }));
    const out = newestById(values);
    expect(out.map((w) => w.id)).toEqual([...IDS].sort(compareIds));
    expect(out.find((w) => w.id === 'alpha')?.version).toBe(IDS.length);
  });
});
