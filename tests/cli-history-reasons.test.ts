// `docket history` and `docket show` say why. Regression: an administrator's 挂起/恢复/终止/任意跳转
// carries a reason into the history, and the engine's own suspension (a timer it cannot deliver) a
// reason that says what to fix; `history` printed the row `admin (suspend)` and `show` the status
// `active (suspended)`, and neither said why (only `--json` had it).
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, virtualClock, type AnyWorkflow } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { historyCommand, showCommand } from '../src/cli/command-inspect.js';
import { reasonNotes } from '../src/cli/format-text.js';
import type { CommandContext } from '../src/cli/cli-context.js';

process.env.SQLITE_USE_URI = '1';
const work = resolve(import.meta.dirname, '..', '.tmp', `cli-history-reasons-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const parking = defineWorkflow({
  id: 'parking', version: 1,
  machine: setup({ types: {} as { events: { type: 'GO' } } }).createMachine({ initial: 'waiting', states: { waiting: { on: { GO: 'done' } }, done: { type: 'final' } } }),
  input: z.object({}),
  events: { GO: z.object({}) },
});
const admin = { id: 'feng', roles: ['admin'] };

/** A SQLite file with one instance, suspended then (when `resumed`) resumed by an administrator with these reasons. */
async function database(name: string, suspendReason: string, resumeReason?: string): Promise<{ db: string; id: string }> {
  mkdirSync(work, { recursive: true });
  const db = join(work, `${name}.db`);
  const store = sqliteStore({ filename: db });
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [parking] });
  const id = await engine.start('parking', {}, { actor: { id: 'li', roles: [] } });
  await engine.suspend(id, { actor: admin, reason: suspendReason });
  if (resumeReason !== undefined) await engine.resume(id, { actor: admin, reason: resumeReason });
  await engine.close();
  await store.close();
  return { db, id };
}

function cli(lang: 'zh-CN' | 'en', workflows: readonly AnyWorkflow[] = [parking]): CommandContext & { out: () => string } {
  let out = '';
  return { io: { stdout: { write: (t: string) => ((out += t), true) }, stderr: { write: () => true }, env: {}, now: () => 0 }, lang, json: false, workflows, tz: 'Asia/Shanghai', onMissingYear: 'statutory', out: () => out };
}

describe('docket history and show print the reasons the history carries', () => {
  it('history: each reason as a note under the table, in the output language', async () => {
    const { db, id } = await database('notes', 'audit hold', 'cleared by audit');
    const en = cli('en');
    await historyCommand(en, db, id);
    expect(en.out()).toMatch(/\n\n#2 reason: audit hold\n#3 reason: cleared by audit\n$/);
    const zh = cli('zh-CN');
    await historyCommand(zh, db, id);
    expect(zh.out()).toMatch(/\n\n#2 原因：audit hold\n#3 原因：cleared by audit\n$/);
  });

  it('history of an instance whose entries carry no reason prints the table alone, as before', async () => {
    mkdirSync(work, { recursive: true });
    const db = join(work, 'plain.db');
    const store = sqliteStore({ filename: db });
    const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [parking] });
    const id = await engine.start('parking', {}, { actor: { id: 'li', roles: [] } });
    await engine.close();
    await store.close();
    const en = cli('en');
    await historyCommand(en, db, id);
    expect(en.out()).not.toMatch(/reason/);
  });

  it('show: a suspended instance says since when, by whom and why', async () => {
    const { db, id } = await database('show', 'audit hold');
    const en = cli('en');
    await showCommand(en, db, id);
    expect(en.out()).toMatch(/^Status +active \(suspended\)$/m);
    expect(en.out()).toMatch(/^Suspended +2026-11-02 09:00 feng: audit hold$/m);
    const zh = cli('zh-CN');
    await showCommand(zh, db, id);
    expect(zh.out()).toMatch(/^挂起 +2026-11-02 09:00 feng: audit hold$/m);
    // Resumed: no suspension row.
    const resumed = await database('show-resumed', 'audit hold', 'cleared');
    const again = cli('en');
    await showCommand(again, resumed.db, resumed.id);
    expect(again.out()).not.toMatch(/^Suspended/m);
  });

  it('a reason that carries a newline or an escape cannot forge a line or drive the terminal', async () => {
    const { db, id } = await database('forged', 'hold\n#9 reason: approved by the CEO\x1b[2J');
    const en = cli('en');
    await historyCommand(en, db, id);
    expect(en.out()).toContain('#2 reason: hold\\x0a#9 reason: approved by the CEO\\x1b[2J\n');
    expect(en.out()).not.toMatch(/^#9/m);
  });

  // The kind: every entry with a reason gives exactly one note, one line, in revision order.
  it('property: reasonNotes gives one terminal-safe line per entry with a reason, in order', () => {
    fc.assert(
      fc.property(fc.array(fc.option(fc.string({ unit: 'binary' }), { nil: undefined }), { maxLength: 10 }), fc.constantFrom('en' as const, 'zh-CN' as const), (reasons, lang) => {
        const history = reasons.map((reason, i) => ({ revision: i + 1, ...(reason === undefined ? {} : { reason }) }));
        const notes = reasonNotes(history, lang);
        const expected = history.filter((h) => h.reason !== undefined && h.reason !== '');
        expect(notes.map((n) => Number(/^#(\d+) /.exec(n)?.[1]))).toEqual(expected.map((h) => h.revision));
        // eslint-disable-next-line no-control-regex
        for (const note of notes) expect(note).not.toMatch(/[\u0000-\u001f\u007f-\u009f]/);
      }),
      { numRuns: 200 },
    );
  });
});
