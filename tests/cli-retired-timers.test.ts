// `docket history` showed a timer retirement as `admin (retireTimers)` without naming the timers the
// entry retired (its `retiredTimers`), nor did any other row that retired one (a send, a firing, a
// resume). The row now names each by timerText, in zh-CN and en.
import fc from 'fast-check';
import { setup, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { entryEventText, timerText } from '../src/cli/format-text.js';
import { createEngine, defineWorkflow, memoryStore, virtualClock, type HistoryEntry } from '../src/index.js';
import { stateGraph } from '../src/visualizer/index.js';
import { sendAsOlderDocket } from './helpers/stale-timers.js';

const at = (hhmm: string) => Date.parse(`2026-11-02T${hhmm}:00+08:00`);
const someone = { id: 'li', roles: ['staff'] };

const machine = setup({ types: {} as { context: { skip: boolean }; events: { type: 'GO' } }, guards: { skip: ({ context }) => context.skip } }).createMachine({
  id: 'park',
  context: { skip: true },
  initial: 'idle',
  states: {
    idle: { on: { GO: 'waiting' } },
    waiting: { after: { 3600000: 'timedOut' }, always: { guard: 'skip', target: 'parked' } },
    parked: {},
    timedOut: { type: 'final' },
  },
}) as unknown as AnyStateMachine;
const workflow = defineWorkflow({ id: 'park', version: 1, machine, input: z.object({}), events: { GO: z.object({}) } });

describe('CLI history: a row that retired timers names them', () => {
  it("the retirement reads 'admin (retireTimers); retired: after 1h in waiting' and its zh-CN twin", async () => {
    const store = memoryStore();
    const writer = createEngine({ store, clock: virtualClock(at('09:00')), workflows: [workflow] });
    const id = await writer.start('park', {}, { actor: someone });
    await writer.close();
    await sendAsOlderDocket(store, machine, id, { type: 'GO' }, someone, at('09:00'));
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store, clock, workflows: [workflow] });
    await clock.advanceTo(at('11:00'));
    const entry = (await engine.history(id)).at(-1) as HistoryEntry;
    expect(entry.event.type).toBe('docket.admin.retireTimers');
    expect(entryEventText(undefined, entry, 'en')).toBe('admin (retireTimers); retired: after 1h in waiting');
    expect(entryEventText(undefined, entry, 'zh-CN')).toBe('管理操作（retireTimers）；撤下定时器：「waiting」1小时后');
    // With the workflow known, the state by its label.
    const graph = stateGraph(workflow);
    const label = graph.nodes.find((n) => n.id === 'waiting')!.label;
    expect(entryEventText(graph, entry, 'en')).toBe(`admin (retireTimers); retired: after 1h in ${label.en}`);
    expect(entryEventText(graph, entry, 'zh-CN')).toBe(`管理操作（retireTimers）；撤下定时器：「${label['zh-CN']}」1小时后`);
    // A row that retired nothing reads as before.
    expect(entryEventText(undefined, (await engine.history(id))[0] as HistoryEntry, 'en')).toBe('start');
    await engine.close();
  });

  it('property: every retired timer is named, in its language, never by a bare delay in ms', () => {
    const note = fc.record({
      name: fc.oneof(fc.integer({ min: 1, max: 10 * 86_400_000 }).map(String), fc.constantFrom('reviewDue', 'remind')),
      state: fc.constantFrom('waiting', 'review.legal', 'parked'),
      dueAt: fc.integer({ min: 0, max: 2 ** 40 }),
    });
    fc.assert(
      fc.property(fc.array(note, { minLength: 1, maxLength: 4 }), fc.constantFrom<'en' | 'zh-CN'>('en', 'zh-CN'), (retired, lang) => {
        const entry = { event: { type: 'docket.admin.retireTimers' }, retiredTimers: retired } as unknown as HistoryEntry;
        const text = entryEventText(undefined, entry, lang);
        expect(text.startsWith(lang === 'en' ? 'admin (retireTimers); retired: ' : '管理操作（retireTimers）；撤下定时器：')).toBe(true);
        for (const r of retired) {
          expect(text).toContain(timerText(undefined, r.name, r.state, lang));
          expect(text).toContain(r.state);
        }
        for (const r of retired) if (/^\d{4,}$/.test(r.name)) expect(text).not.toContain(r.name);
      }),
      { numRuns: 200 },
    );
  });
});
