import { readFileSync } from 'node:fs';
import { describe, expect, it, vi } from 'vitest';

describe('README quickstart', () => {
  it('is examples/quickstart.ts, under 30 lines, and runs to the state it promises', async () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const block = /## Quickstart\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
    expect(block).toBeDefined();
    const example = readFileSync(new URL('../examples/quickstart.ts', import.meta.url), 'utf8');
    const expected = example.replace("from '../src/index.js'", "from 'docket'").replace('export { view };\n', '');
    expect(block).toBe(expected);
    expect(block!.trim().split('\n').length).toBeLessThan(30);
    const log = vi.spyOn(console, 'log').mockImplementation(() => {});
    const { view } = await import('../examples/quickstart.js');
    log.mockRestore();
    expect(view.state).toBe('autoApproved');
    expect(view.status).toBe('done');
    // Three working days after 30 Sep 2026: 8 Oct, 9 Oct, and Saturday 10 Oct (调休), at 10:00.
    expect(view.updatedAt).toBe(Date.parse('2026-10-10T10:00:00+08:00'));
  });
});

describe('the CLI reference', () => {
  /** `docket <args…> --help` run in-process: its stdout. */
  async function help(args: readonly string[]): Promise<string> {
    const { runCli } = await import('../src/cli/program.js');
    let out = '';
    await runCli([...args, '--help'], { stdout: { write: (s: string) => ((out += s), true) }, stderr: { write: () => true }, env: { LANG: 'en_US.UTF-8' }, now: () => 0, cwd: process.cwd() });
    return out;
  }
  const commandsIn = (text: string) => [...(text.split(/^Commands:$/m)[1] ?? '').matchAll(/^ {2}([a-z-]+)/gm)].map((m) => m[1]!).filter((c) => c !== 'help');
  const optionsIn = (text: string) => [...(text.split(/^Options:$/m)[1] ?? '').split(/^Commands:$/m)[0]!.matchAll(/^ {2}(?:-\w, )?(--[a-z-]+)/gm)].map((m) => m[1]!).filter((o) => o !== '--help');

  // Regression: docs/cli.md and the README's bin row listed seven commands; calendar, migrate and
  // retain (and verify's --history-key-file) existed only in `docket --help`.
  it('docs/cli.md shows every command and option `docket --help` offers, and the README names every command', async () => {
    const cliMd = readFileSync(new URL('../docs/cli.md', import.meta.url), 'utf8');
    const usage = /^```\n([\s\S]*?)```/m.exec(cliMd)?.[1] ?? '';
    const binRow = readFileSync(new URL('../README.md', import.meta.url), 'utf8').split('\n').find((l) => l.startsWith('| `docket` (bin)')) ?? '';
    const top = commandsIn(await help([]));
    expect(top).toEqual(expect.arrayContaining(['workflows', 'diagram', 'simulate', 'list', 'verify', 'calendar', 'migrate', 'retain']));
    const missing: string[] = [];
    for (const command of top) {
      if (!binRow.includes(command)) missing.push(`README bin row: ${command}`);
      const text = await help([command]);
      const paths = [[command], ...commandsIn(text).map((sub) => [command, sub])];
      for (const path of paths) {
        const line = usage.split('\n').find((l) => l.startsWith(`docket ${path.join(' ')} `) || l === `docket ${path.join(' ')}`);
        if (!line) {
          missing.push(`docs/cli.md: docket ${path.join(' ')}`);
          continue;
        }
        const own = path.length === 1 ? text : await help(path);
        for (const option of optionsIn(own)) if (!line.includes(option)) missing.push(`docs/cli.md: docket ${path.join(' ')} ${option}`);
      }
    }
    expect(missing).toEqual([]);
  });
});

describe('the install lines', () => {
  // Regression: a TypeScript app with skipLibCheck off that followed the README (npm install
  // better-sqlite3) failed in docket/sqlite's declarations with TS7016: the driver ships no types.
  it('name the @types package of every optional driver that ships no types of its own', () => {
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const install = /## Install[^\n]*\n\n```sh\n([\s\S]*?)```/.exec(readme)?.[1] ?? '';
    for (const driver of ['better-sqlite3', 'pg']) {
      const manifest = JSON.parse(readFileSync(new URL(`../node_modules/${driver}/package.json`, import.meta.url), 'utf8')) as { types?: string; typings?: string };
      expect(install).toContain(driver);
      if (manifest.types === undefined && manifest.typings === undefined) expect(install, driver).toContain(`@types/${driver}`);
    }
  });
});

describe('the docs agree with the code on defaults and counts', () => {
  // Regression: calendar.md's options table and zh-CN.md said a year without holiday data throws by
  // default, and the README listed it among the errors; with 'CN' the default estimates the year.
  it('onMissingYear: the documented default is the one businessCalendar applies', async () => {
    const { businessCalendar } = await import('../src/index.js');
    const warn = vi.fn();
    expect(businessCalendar({ holidays: 'CN', onWarning: warn }).onMissingYear).toBe('statutory');
    expect(businessCalendar({ holidays: 'none' }).onMissingYear).toBe('throw');
    const calendarMd = readFileSync(new URL('../docs/calendar.md', import.meta.url), 'utf8');
    const row = calendarMd.split('\n').find((l) => l.startsWith('| `onMissingYear` |')) ?? '';
    expect(row).toMatch(/^\| `onMissingYear` \| `'statutory'` with `'CN'`, else `'throw'` \|/);
    expect(calendarMd).not.toMatch(/onMissingYear: 'throw',\s+\/\/ or 'weekdays-with-warning'/);
    const zh = readFileSync(new URL('../docs/zh-CN.md', import.meta.url), 'utf8');
    expect(zh).not.toContain('缺少某年节假日数据时会报错');
    expect(zh).toContain('暂定');
  });

  it('README and zh-CN.md count and list every process docket/machines ships', async () => {
    const machines = await import('../machines/index.js');
    const ids = (Object.values(machines) as unknown[]).filter((w): w is { id: string; version: number; machine: unknown } => typeof w === 'object' && w !== null && 'machine' in w && 'version' in w).map((w) => w.id);
    expect(ids).toContain('expense-reimbursement');
    const words = ['zero', 'one', 'two', 'three', 'four', 'five', 'six', 'seven', 'eight', 'nine'];
    const zhWords = ['零', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    expect(readme).toContain(`the ${words[ids.length]} documented processes`);
    const zh = readFileSync(new URL('../docs/zh-CN.md', import.meta.url), 'utf8');
    expect(zh).toContain(`## ${zhWords[ids.length]}个业务流程`);
    const section = zh.split(/^## /m).find((s) => s.endsWith('\n') && s.includes('个业务流程')) ?? '';
    expect(section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| 流程') && !l.startsWith('| ---')).length).toBe(ids.length);
  });
});
