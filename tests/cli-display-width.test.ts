// Columns of the CLI's text output line up by display width. Regression: `docket show --lang zh-CN`
// padded its labels by `String.length`, so 发起人 (3 characters, 6 columns) and 实例 (2, 4) put the
// values at different columns; the tables counted every code point from U+2E80 up as two columns and
// every other as one, so a decomposed accent (e + U+0301: one column) counted two, halfwidth katakana
// (ｱ: one) two, and an emoji with its variation selector three, and the columns after them slid.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, virtualClock } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { listCommand, showCommand } from '../src/cli/command-inspect.js';
import { displayWidth, keyValueLines, table } from '../src/cli/format-text.js';

process.env.SQLITE_USE_URI = '1';
const work = resolve(import.meta.dirname, '..', '.tmp', `cli-display-width-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

/**
 * The oracle: the width of each grapheme the generators use, as a terminal shows it (Unicode East
 * Asian Width: Han, fullwidth punctuation and emoji are wide; halfwidth katakana narrow; a combining
 * mark joins its letter).
 */
const WIDTH: Readonly<Record<string, number>> = {
  ' ': 1, a: 1, Z: 1, '7': 1, '-': 1, '·': 1, '→': 1, '—': 1, 'e\u0301': 1, 'ｱ': 1, 'ｲ': 1, 'ｳ': 1,
  中: 2, 审: 2, 批: 2, 流: 2, 程: 2, 张: 2, 伟: 2, '，': 2, '（': 2, '）': 2, '「': 2, '」': 2, 'Ａ': 2, '👍': 2, '✔\uFE0F': 2,
};
const units = Object.keys(WIDTH).filter((u) => u !== ' ');
const segmenter = new Intl.Segmenter('en', { granularity: 'grapheme' });
const widthOf = (g: string): number => {
  const w = WIDTH[g] ?? (/^[\x21-\x7e]$/.test(g) ? 1 : /^\p{Script=Han}$/u.test(g) ? 2 : undefined);
  if (w === undefined) throw new Error(`no oracle width for ${JSON.stringify(g)}`);
  return w;
};
const oracle = (text: string) => [...segmenter.segment(text)].reduce((w, { segment }) => w + widthOf(segment), 0);
/** A cell: one or more units, no space (so the spaces in a line are the padding). */
const cell = fc.array(fc.constantFrom(...units), { minLength: 1, maxLength: 6 }).map((u) => u.join(''));

/** The display column each cell of `line` starts at (cells are separated by two spaces or more; a cell may hold single spaces). */
const starts = (line: string) => [...line.matchAll(/[^ ]+(?: [^ ]+)*/g)].map((m) => oracle(line.slice(0, m.index)));

/** A SQLite file with one instance of a workflow labelled in Chinese, started by 张伟, with a one-hour timer. */
async function database(): Promise<{ db: string; id: string; ctx: (lang: 'zh-CN' | 'en') => Parameters<typeof showCommand>[0] & { out: () => string } }> {
  const waiting = defineWorkflow({
    id: 'waiting', version: 1,
    machine: setup({ types: {} as { events: { type: 'GO' } } }).createMachine({ initial: 'wait', states: { wait: { after: { 3600000: 'over' }, on: { GO: 'over' } }, over: { type: 'final' } } }),
    input: z.object({}),
    events: { GO: z.object({}) },
    labels: { title: { 'zh-CN': '等待', en: 'Waiting' }, states: { wait: { 'zh-CN': '等待中', en: 'Waiting' }, over: { 'zh-CN': '结束', en: 'Over' } } },
  });
  mkdirSync(work, { recursive: true });
  const db = join(work, 'show.db');
  const store = sqliteStore({ filename: db });
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [waiting] });
  const id = await engine.start('waiting', {}, { actor: { id: '张伟', roles: [] } });
  await engine.close();
  await store.close();
  const ctx = (lang: 'zh-CN' | 'en') => {
    let out = '';
    return { io: { stdout: { write: (t: string) => ((out += t), true) }, stderr: { write: () => true }, env: {}, now: () => 0 }, lang, json: false, workflows: [waiting], tz: 'Asia/Shanghai', onMissingYear: 'statutory' as const, out: () => out };
  };
  return { db, id, ctx };
}

describe('CLI columns line up by display width', () => {
  it('docket show --lang zh-CN: every value starts at the same display column', async () => {
    const { db, id, ctx } = await database();
    for (const lang of ['zh-CN', 'en'] as const) {
      const c = ctx(lang);
      await showCommand(c, db, id);
      const lines = c.out().trimEnd().split('\n');
      expect(lines.length).toBeGreaterThan(5);
      expect(new Set(lines.map((l) => starts(l)[1])).size).toBe(1);
    }
  });

  it('docket list --lang zh-CN: every column starts at the same display column', async () => {
    const { db, ctx } = await database();
    const c = ctx('zh-CN');
    await listCommand(c, db, {});
    const lines = c.out().trimEnd().split('\n');
    expect(new Set(lines.map((l) => JSON.stringify(starts(l)))).size).toBe(1);
  });

  it('show (zh-CN): every value starts at the same column, 发起人 and 实例 alike', () => {
    const lines = keyValueLines([['实例', 'i1'], ['发起人', 'li'], ['计时器', '1小时后 @ 2026-11-02 10:00'], ['挂起', 'x']]).split('\n');
    expect(new Set(lines.map((l) => starts(l)[1]))).toEqual(new Set([8]));
  });

  it('table: a decomposed accent, halfwidth katakana and an emoji with its variation selector take their own width', () => {
    const out = table(['who', 'event'], [['Jose\u0301', 'approve'], ['ｱｲｳ', 'reject'], ['✔\uFE0Fok', 'start'], ['张伟', 'submit']]).split('\n');
    // The widest cell of the first column is 4 columns wide (José, ✔️ok, 张伟): the second starts at 6.
    expect(out.map((l) => starts(l)[1])).toEqual([6, 6, 6, 6, 6, 6]);
  });

  it('displayWidth: CJK and fullwidth count two, combining marks none', () => {
    expect([displayWidth('审批'), displayWidth('（a）'), displayWidth('e\u0301'), displayWidth('ｱ'), displayWidth('👍'), displayWidth('abc')]).toEqual([4, 5, 1, 1, 2, 3]);
  });

  it('property: for any rows of mixed CJK/ASCII cells, every column starts at the same display column', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(fc.array(cell, { minLength: n, maxLength: n }), fc.array(fc.array(cell, { minLength: n, maxLength: n }), { maxLength: 6 }))),
        ([header, body]) => {
          const lines = table(header, body).split('\n');
          const first = starts(lines[0]!);
          expect(first).toHaveLength(header.length);
          for (const line of lines) expect(starts(line)).toEqual(first);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('property: show-style key/value lines put every value at the same display column', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(cell, cell), { minLength: 1, maxLength: 8 }), (rows) => {
        const lines = keyValueLines(rows).split('\n');
        expect(new Set(lines.map((l) => starts(l)[1])).size).toBe(1);
      }),
      { numRuns: 300 },
    );
  });
});
