// `docket --lang zh-CN` printed its errors in English only: a Chinese user of the CLI got
// `docket: --limit must be a positive whole number…` and nothing else. Now every error the CLI
// prints is preceded by a zh-CN line saying what went wrong and what to do (by code, and by field
// for a refused argument), then the English detail as before; exit codes unchanged, and `--json`
// errors gain `messageZh` in zh-CN only.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/program.js';
import { ERROR_TEXT_ZH, errorTextZh } from '../src/cli/error-text-zh.js';

async function docket(args: readonly string[], env: NodeJS.ProcessEnv = { LANG: 'en_US.UTF-8' }) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => ((stdout += s), true) },
    stderr: { write: (s: string) => ((stderr += s), true) },
    env,
    now: () => Date.parse('2026-11-02T01:00:00Z'),
    cwd: process.cwd(),
  });
  return { code, stdout, stderr, lines: stderr.split('\n').filter((l) => l !== '') };
}

const HAN = /\p{Script=Han}/u;

/** The string literals of a union type declared in `source` as `export type NAME = | 'A' | 'B' …;`. */
function unionMembers(source: string, name: string): string[] {
  // Comments inside the union (TSDoc on each member) may quote words and hold semicolons: drop them first.
  const body = source.replace(/\/\*[\s\S]*?\*\//g, '').split(`export type ${name} =`)[1]?.split(';')[0] ?? '';
  return [...body.matchAll(/'([^']+)'/g)].map((m) => m[1]!);
}

describe('zh-CN error lines: the table cannot drift', () => {
  it('every DocketErrorCode in src/errors.ts has a zh-CN line', () => {
    const codes = unionMembers(readFileSync(join(__dirname, '../src/errors.ts'), 'utf8'), 'DocketErrorCode');
    expect(codes.length).toBeGreaterThan(20);
    const missing = codes.filter((c) => !Object.hasOwn(ERROR_TEXT_ZH, c));
    expect(missing).toEqual([]);
  });

  it("every code the CLI's own refusals carry, and every code commander refuses with, has a zh-CN line", () => {
    const own = unionMembers(readFileSync(join(__dirname, '../src/cli/error-text-zh.ts'), 'utf8'), 'CliOwnErrorCode');
    // Commander's codes as the installed commander throws them, so an upgrade adding one fails here.
    const commanderLib = readFileSync(join(dirname(createRequire(import.meta.url).resolve('commander')), 'lib/command.js'), 'utf8');
    const commander = [...new Set([...commanderLib.matchAll(/'(commander\.[A-Za-z]+)'/g)].map((m) => m[1]!))].filter(
      (c) => !['commander.help', 'commander.helpDisplayed', 'commander.version', 'commander.executeSubCommandAsync'].includes(c),
    );
    expect(commander).toContain('commander.unknownOption');
    expect([...own, ...commander].filter((c) => !Object.hasOwn(ERROR_TEXT_ZH, c))).toEqual([]);
  });

  it('every line is Chinese and ends a sentence', () => {
    for (const [code, text] of Object.entries(ERROR_TEXT_ZH)) expect([code, HAN.test(text) && text.endsWith('。')]).toEqual([code, true]);
  });
});

describe('docket --lang zh-CN: errors', () => {
  it('a refused argument: the zh-CN line names the option and what to pass, then the English detail; exit 2', async () => {
    const en = await docket(['list', 'x.db', '--limit', '0']);
    const zh = await docket(['list', 'x.db', '--limit', '0', '--lang', 'zh-CN']);
    expect(zh.code).toBe(2);
    expect(zh.lines).toEqual([`docket: 选项 --limit 的值无效：请给出用数字写的正整数（list 为 1 到 1000）；未做任何改动。`, ...en.lines]);
  });

  it("the CLI's own refusal (an unknown workflow): 未知的流程, then the English; exit 2", async () => {
    const zh = await docket(['simulate', 'nope', '--lang', 'zh-CN']);
    expect(zh.code).toBe(2);
    expect(zh.lines[0]).toBe(`docket: ${ERROR_TEXT_ZH.UNKNOWN_WORKFLOW}`);
    expect(zh.lines[1]).toMatch(/^docket: Unknown workflow "nope"/);
  });

  it("a library refusal passed through (a missing database): its code's line first; exit 2", async () => {
    const zh = await docket(['show', join(__dirname, 'no-such-dir', 'missing.db'), 'i1', '--lang', 'zh-CN']);
    expect(zh.code).toBe(2);
    expect(zh.lines[0]).toBe(`docket: ${ERROR_TEXT_ZH.DB_MISSING}`);
    expect(zh.lines[1]).toMatch(/^docket: .*missing\.db/);
  });

  it("commander's refusal (an unknown option): the zh-CN line comes before commander's English", async () => {
    const zh = await docket(['list', 'x.db', '--bogus', '--lang', 'zh-CN']);
    expect(zh.code).toBe(2);
    expect(zh.lines[0]).toBe(`docket: ${ERROR_TEXT_ZH['commander.unknownOption']}`);
    expect(zh.lines[1]).toMatch(/^error: unknown option '--bogus'/);
  });

  it('an unknown --lang falls back to the locale for its own error: LANG=zh_CN gets the line', async () => {
    const zh = await docket(['workflows', '--lang', 'fr'], { LANG: 'zh_CN.UTF-8' });
    expect(zh.code).toBe(2);
    // The refusal of an option's value names the option (flagError): --lang, and what to give.
    expect(zh.lines[0]).toBe(`docket: ${errorTextZh('INVALID_ARGUMENT', 'lang')}`);
    expect(zh.lines[0]).toContain('--lang');
    expect(zh.lines[1]).toBe('docket: Unknown language "fr": use --lang zh-CN or --lang en.');
  });

  it('the locale alone (LANG=zh_CN.UTF-8, no --lang) picks zh-CN', async () => {
    const zh = await docket(['simulate', 'nope'], { LANG: 'zh_CN.UTF-8' });
    expect(zh.lines[0]).toBe(`docket: ${ERROR_TEXT_ZH.UNKNOWN_WORKFLOW}`);
  });

  it('--json: the same error object plus messageZh in zh-CN; English output unchanged (no zh line, no messageZh)', async () => {
    const en = await docket(['list', 'x.db', '--workflow', '', '--json']);
    const zh = await docket(['list', 'x.db', '--workflow', '', '--json', '--lang', 'zh-CN']);
    const enError = JSON.parse(en.stdout).error;
    expect(enError).not.toHaveProperty('messageZh');
    expect(en.lines.some((l) => HAN.test(l))).toBe(false);
    expect(JSON.parse(zh.stdout).error).toEqual({ ...enError, messageZh: errorTextZh('INVALID_ARGUMENT', 'workflow') });
    expect(zh.code).toBe(en.code);
  });
});

describe('property: zh-CN output is the English output with one zh-CN line first', () => {
  it('for any refused --limit value and any library code/field, the exit code and the English lines are unchanged', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 12 }).filter((v) => !/^[0-9]{1,4}$/.test(v) && !v.startsWith('-')), fc.boolean(), async (value, json) => {
        const args = ['list', 'x.db', '--limit', value, ...(json ? ['--json'] : [])];
        const en = await docket(args);
        const zh = await docket([...args, '--lang', 'zh-CN']);
        expect(zh.code).toBe(en.code);
        expect(zh.lines.slice(1)).toEqual(en.lines);
        expect(zh.lines[0]).toMatch(/^docket: 选项 --limit 的值无效：/);
        if (json) expect(JSON.parse(zh.stdout).error).toEqual({ ...JSON.parse(en.stdout).error, messageZh: zh.lines[0]!.slice('docket: '.length) });
      }),
      { numRuns: 100 },
    );
  });

  it('errorTextZh: every code and any field gives one Chinese sentence; a refused argument names its option', () => {
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(ERROR_TEXT_ZH)), fc.option(fc.stringMatching(/^[a-z][a-z.-]{0,15}$/), { nil: undefined }), (code, field) => {
        const text = errorTextZh(code, field);
        expect(HAN.test(text) && text.endsWith('。') && !text.includes('\n')).toBe(true);
        if (code === 'INVALID_ARGUMENT' && field !== undefined) expect(text).toContain(`--${field.replace(/^where\./, '')}`);
        else expect(text).toBe(ERROR_TEXT_ZH[code as keyof typeof ERROR_TEXT_ZH]);
      }),
      { numRuns: 200 },
    );
  });
});
