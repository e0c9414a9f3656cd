// The command line names timers as the engine's views do (issue 11 §5): `docket show`, `docket
// history` and `docket simulate` printed a numeric delay's bare name (`Timer 3600000 @ …`,
// `deadline (3600000)`), which told nobody which state or step armed it, after engine.get(id).timers
// had learnt to say `after 1h in waiting`.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { eventLabelOf, timerStateText, timerText } from '../src/cli/format-text.js';
import { createEngine, defineWorkflow, memoryStore, virtualClock } from '../src/index.js';
import { timerLabel } from '../src/engine/timer-owner.js';
import { stateGraph } from '../src/visualizer/index.js';

const at = (hhmm: string) => Date.parse(`2026-11-02T${hhmm}:00+08:00`);
const someone = { id: 'li', roles: ['staff'] };

const nested = defineWorkflow({
  id: 'nested',
  version: 1,
  machine: setup({ types: {} as { events: { type: 'GO' } } }).createMachine({
    id: 'nested',
    initial: 'review',
    states: {
      review: {
        initial: 'waiting',
        states: { waiting: { after: { 3600000: 'late' } }, late: { after: { 5400000: '#nested.closed' } } },
      },
      closed: { type: 'final' },
    },
  }),
  input: z.object({}),
  events: { GO: z.object({}) },
});

describe('CLI: a timer is named by its delay and the state that armed it', () => {
  it("a pending timer reads 'after 1h in review.waiting', as the engine's view names it", async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(at('09:00')), workflows: [nested] });
    const id = await engine.start('nested', {}, { actor: someone });
    const [timer] = (await engine.get(id)).timers;
    expect(timer).toMatchObject({ name: '3600000', state: 'review.waiting', label: 'after 1h in review.waiting' });
    expect(timerText(undefined, timer!.name, timer!.state, 'en')).toBe('after 1h in review.waiting');
    // With the workflow known, the state by its label (the graph's, as the state column shows it).
    const graph = stateGraph(nested);
    const shown = graph.nodes.find((n) => n.id === 'review.waiting')!.label.en;
    expect(timerText(graph, timer!.name, timer!.state, 'en')).toBe(`after 1h in ${shown}`);
    // `docket show` prints the delay as a duration and the state after the due time: 'after 1h @ … · in <state>'.
    expect(timerText(graph, timer!.name, null, 'en')).toBe('after 1h');
    expect(timerStateText(graph, timer!.state, 'en')).toBe(shown);
    expect(timerStateText(undefined, timer!.state, 'en')).toBe('review.waiting');
    expect(timerStateText(undefined, '', 'en')).toBeNull();
    await engine.close();
  });

  it("a fired timer's history entry reads 'deadline (after 1h in review.waiting)', not 'deadline (3600000)'", async () => {
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [nested] });
    const id = await engine.start('nested', {}, { actor: someone });
    await clock.advanceTo(at('12:00'));
    const fired = (await engine.history(id)).filter((e) => e.kind === 'timer');
    expect(fired.map((e) => eventLabelOf(undefined, e.event, 'en'))).toEqual(['deadline (after 1h in review.waiting)', 'deadline (after 1h 30min in review.late)']);
    // zh-CN reads in Chinese (it read '期限到（after 1h in review.waiting）').
    expect(eventLabelOf(undefined, fired[0]!.event, 'zh-CN')).toBe('期限到（「review.waiting」1小时后）');
    // An entry without the delivered event (a bare type) still reads as before.
    expect(eventLabelOf(undefined, 'docket.timer.reviewDue', 'en')).toBe('deadline (reviewDue)');
    await engine.close();
  });

  it('property: the label of a firing in the history names the state the pending timer named', async () => {
    const segment = fc.stringMatching(/^[a-z][a-z0-9]{0,6}$/);
    await fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 4 }), fc.integer({ min: 1, max: 10 * 86_400_000 }), (path, ms) => {
        const state = path.join('.');
        const delivered = `xstate.after.${ms}.m.${state}`;
        const label = eventLabelOf(undefined, { type: `docket.timer.${ms}`, delivered }, 'en');
        expect(label).toBe(`deadline (${timerLabel(String(ms), state)})`);
        expect(label.endsWith(` in ${state})`)).toBe(true);
      }),
      { numRuns: 1000 },
    );
  });
});
