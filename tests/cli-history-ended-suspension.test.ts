// `docket history` of an instance terminated while suspended (终止 of a 挂起 instance). Since session 21
// the terminating entry records `endedSuspension` (the suspension ended, and the timers it held were
// dropped without firing), but the row read only `admin (terminate)`: the deadlines that went with it
// were in `--json` alone. The row now says the suspension ended and names each dropped timer by
// timerText, in zh-CN and en, as a retirement's row names what it retired.
import { mkdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, virtualClock, type HistoryEntry } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { historyCommand } from '../src/cli/command-inspect.js';
import { entryEventText, timerText } from '../src/cli/format-text.js';
import type { CommandContext } from '../src/cli/cli-context.js';
import { stateGraph } from '../src/visualizer/index.js';

process.env.SQLITE_USE_URI = '1';
const work = resolve(import.meta.dirname, '..', '.tmp', `cli-history-ended-suspension-${process.pid}`);
afterAll(() => rmSync(work, { recursive: true, force: true }));

const hold = defineWorkflow({
  id: 'hold',
  version: 1,
  machine: setup({ types: {} as { events: { type: 'GO' } } }).createMachine({
    id: 'hold',
    initial: 'waiting',
    states: { waiting: { meta: { label: { 'zh-CN': '等待', en: 'Waiting' } }, after: { 3600000: 'late' }, on: { GO: 'done' } }, late: {}, done: { type: 'final' } },
  }),
  input: z.object({}),
  events: { GO: z.object({}) },
});
const admin = { id: 'feng', roles: ['admin'] };

function cli(lang: 'zh-CN' | 'en'): CommandContext & { out: () => string } {
  let out = '';
  return { io: { stdout: { write: (t: string) => ((out += t), true) }, stderr: { write: () => true }, env: {}, now: () => 0 }, lang, json: false, workflows: [hold], tz: 'Asia/Shanghai', onMissingYear: 'statutory', out: () => out };
}

async function terminatedWhileSuspended(name: string, suspend: boolean): Promise<{ db: string; id: string }> {
  mkdirSync(work, { recursive: true });
  const db = join(work, `${name}.db`);
  const store = sqliteStore({ filename: db });
  const engine = createEngine({ store, clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [hold] });
  const id = await engine.start('hold', {}, { actor: { id: 'li', roles: [] } });
  if (suspend) await engine.suspend(id, { actor: admin, reason: 'audit hold' });
  await engine.terminate(id, { actor: admin, reason: 'no longer needed' });
  await engine.close();
  await store.close();
  return { db, id };
}

describe('docket history: an entry that ended a suspension says so and names the timers it dropped', () => {
  it('en: the terminate row names the held timer by its state label', async () => {
    const { db, id } = await terminatedWhileSuspended('en', true);
    const en = cli('en');
    await historyCommand(en, db, id);
    expect(en.out()).toContain('admin (terminate); ended the suspension; held timers dropped: after 1h in Waiting');
  });

  it('zh-CN: the same row in Chinese', async () => {
    const { db, id } = await terminatedWhileSuspended('zh', true);
    const zh = cli('zh-CN');
    await historyCommand(zh, db, id);
    expect(zh.out()).toContain('结束挂起，持有的定时器不再触发：「等待」1小时后');
  });

  it('a terminate of an instance that was not suspended reads as before', async () => {
    const { db, id } = await terminatedWhileSuspended('plain', false);
    const en = cli('en');
    await historyCommand(en, db, id);
    expect(en.out()).not.toContain('suspension');
    expect(en.out()).toMatch(/admin \(terminate\)/);
  });

  it('a suspension that held no timers: the row says it ended, and names none', () => {
    const entry = { event: { type: 'docket.admin.terminate' }, endedSuspension: { heldTimers: [] } } as unknown as HistoryEntry;
    expect(entryEventText(undefined, entry, 'en')).toMatch(/; ended the suspension$/);
    expect(entryEventText(undefined, entry, 'zh-CN')).toMatch(/；结束挂起$/);
  });

  it('property: every dropped timer is named in its language, never by a bare delay in ms', () => {
    const graph = stateGraph(hold);
    const held = fc.record({
      name: fc.oneof(fc.integer({ min: 1000, max: 10 * 86_400_000 }).map(String), fc.constantFrom('reviewDue', 'remind')),
      dueAt: fc.integer({ min: 0, max: 2 ** 40 }),
      state: fc.constantFrom('waiting', 'late', null),
    });
    fc.assert(
      fc.property(fc.array(held, { maxLength: 4 }), fc.constantFrom<'en' | 'zh-CN'>('en', 'zh-CN'), (heldTimers, lang) => {
        const entry = { event: { type: 'docket.admin.terminate' }, endedSuspension: { heldTimers } } as unknown as HistoryEntry;
        const text = entryEventText(graph, entry, lang);
        expect(text).toContain(lang === 'en' ? 'ended the suspension' : '结束挂起');
        for (const h of heldTimers) expect(text).toContain(timerText(graph, h.name, h.state, lang));
        for (const h of heldTimers) if (/^\d{4,}$/.test(h.name)) expect(text).not.toContain(h.name);
      }),
      { numRuns: 200 },
    );
  });
});
