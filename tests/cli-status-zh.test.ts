// `docket show --lang zh-CN` printed the status in English (`状况  active (suspended)`), and so did
// `list`'s 状况 column and `simulate`'s result line (`(active，已挂起)`). Now the status words are
// translated in zh-CN wherever the CLI prints a status; English output is unchanged (the stored word,
// which `--status` takes).
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, virtualClock, type AnyWorkflow } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { listCommand, showCommand } from '../src/cli/command-inspect.js';
import { simulateCommand } from '../src/cli/command-simulate.js';
import { statusText, statusWord } from '../src/cli/format-text.js';
import type { CommandContext } from '../src/cli/cli-context.js';
import { INSTANCE_STATUSES } from '../src/store/records.js';

process.env.SQLITE_USE_URI = '1';
const work = resolve(import.meta.dirname, '..', '.tmp', `cli-status-zh-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const parking = defineWorkflow({
  id: 'parking', version: 1,
  machine: setup({ types: {} as { events: { type: 'GO' } } }).createMachine({ initial: 'waiting', states: { waiting: { on: { GO: 'done' } }, done: { type: 'final' } } }),
  input: z.object({}),
  events: { GO: z.object({}) },
});
const admin = { id: 'feng', roles: ['admin'] };

/** A SQLite file with three instances: one suspended, one done, one terminated (cancelled). */
async function database(): Promise<{ db: string; suspended: string; done: string; cancelled: string }> {
  mkdirSync(work, { recursive: true });
  const db = join(work, 'statuses.db');
  const store = sqliteStore({ filename: db });
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [parking] });
  const actor = { id: 'li', roles: [] };
  const suspended = await engine.start('parking', {}, { actor });
  await engine.suspend(suspended, { actor: admin, reason: 'audit hold' });
  const done = await engine.start('parking', {}, { actor });
  await engine.send(done, { type: 'GO' }, { actor });
  const cancelled = await engine.start('parking', {}, { actor });
  await engine.terminate(cancelled, { actor: admin, reason: 'withdrawn' });
  await engine.close();
  await store.close();
  return { db, suspended, done, cancelled };
}
const made = database();

function cli(lang: 'zh-CN' | 'en', workflows: readonly AnyWorkflow[] = [parking]): CommandContext & { out: () => string } {
  let out = '';
  return { io: { stdout: { write: (t: string) => ((out += t), true) }, stderr: { write: () => true }, env: {}, now: () => Date.parse('2026-11-02T01:00:00Z') }, lang, json: false, workflows, tz: 'Asia/Shanghai', onMissingYear: 'statutory', out: () => out };
}

describe('docket --lang zh-CN prints status words in Chinese', () => {
  it('show: 状况 进行中（已挂起）, 已完成, 已取消', async () => {
    const { db, suspended, done, cancelled } = await made;
    const shown = async (id: string, lang: 'zh-CN' | 'en') => {
      const c = cli(lang);
      await showCommand(c, db, id);
      return c.out().split('\n').find((l) => l.startsWith('状况') || l.startsWith('Status'))!.replace(/^\S+\s+/, '');
    };
    expect([await shown(suspended, 'zh-CN'), await shown(done, 'zh-CN'), await shown(cancelled, 'zh-CN')]).toEqual(['进行中（已挂起）', '已完成', '已取消']);
    expect([await shown(suspended, 'en'), await shown(done, 'en'), await shown(cancelled, 'en')]).toEqual(['active (suspended)', 'done', 'cancelled']);
  });

  it("list: the 状况 column in Chinese; English keeps the stored words", async () => {
    const { db } = await made;
    const zh = cli('zh-CN');
    await listCommand(zh, db, {});
    // The 状况 column of each row (cells are separated by two spaces or more; none holds a double space).
    const statuses = (out: string) => out.trim().split('\n').slice(2).map((row) => row.split(/ {2,}/)[3]).sort();
    expect(statuses(zh.out())).toEqual(['已取消', '已完成', '进行中（已挂起）']);
    const en = cli('en');
    await listCommand(en, db, {});
    expect(statuses(en.out())).toEqual(['active (suspended)', 'cancelled', 'done']);
  });

  it("simulate: the result line's status in Chinese (已完成)", async () => {
    const zh = cli('zh-CN');
    const code = await simulateCommand(zh, 'parking', { from: '2026-11-02', to: '2026-11-10' });
    expect(code).toBe(0);
    expect(zh.out()).toMatch(/^结果: .*\(已完成\)$/m);
    const en = cli('en');
    await simulateCommand(en, 'parking', { from: '2026-11-02', to: '2026-11-10' });
    expect(en.out()).toMatch(/^Result: .*\(done\)$/m);
  });

  it('property: every status, suspended or not, is Chinese in zh-CN and the stored word in English', () => {
    fc.assert(
      fc.property(fc.constantFrom(...INSTANCE_STATUSES), fc.boolean(), (status, suspended) => {
        const zh = statusText(status, suspended, 'zh-CN');
        expect(zh).not.toMatch(/[A-Za-z]/);
        expect(zh.startsWith(statusWord(status, 'zh-CN'))).toBe(true);
        expect(zh.includes('已挂起')).toBe(suspended);
        expect(statusText(status, suspended, 'en')).toBe(suspended ? `${status} (suspended)` : status);
      }),
    );
  });

  it('a status this CLI does not know (a newer store) is printed as stored', () => {
    expect(statusText('paused', false, 'zh-CN')).toBe('paused');
    expect(statusWord('constructor', 'zh-CN')).toBe('constructor');
  });
});
