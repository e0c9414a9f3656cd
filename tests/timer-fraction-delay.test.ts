// A delay of a fraction of a millisecond (`after: { 1.5: … }`) was named "1" (the key
// `xstate.after.1.5.m.a` was read up to its first dot) and worded "after 1ms": its name, label and
// rule now say 1.5 ms, in both languages.
import fc from 'fast-check';
import { setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, memoryStore, virtualClock } from '../src/index.js';
import { isNumericDelay, timerLabel, timerNameOf } from '../src/engine/timer-owner.js';

describe('a delay with a fraction of a millisecond', () => {
  it('is named 1.5 and worded "after 1.5ms" / "1.5毫秒后", as engine.get shows it', async () => {
    const wf = defineWorkflow({ id: 'm', version: 1, machine: setup({}).createMachine({ id: 'm', initial: 'a', states: { a: { after: { 1.5: 'b' } }, b: {} } }), input: z.object({}), events: {} });
    const engine = createEngine({ store: memoryStore(), clock: virtualClock(0), workflows: [wf] });
    const id = await engine.start('m', {}, { actor: { id: 'x', roles: [] } });
    expect((await engine.get(id)).timers).toEqual([{ name: '1.5', dueAt: 2, state: 'a', label: 'after 1.5ms in a' }]);
    expect(timerLabel('1.5', 'a', { lang: 'zh-CN' })).toBe('「a」1.5毫秒后');
    expect(timerLabel('1000.1', null)).toBe('after 1s 0.1ms');
    await engine.close();
  });

  it('property: the name read from the key is the delay, and its words give back its length', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 10 ** 9 }), fc.integer({ min: 0, max: 999 }), fc.constantFrom('m.a', 'm.review.waiting', 'step1'), (whole, thousandths, state) => {
        const delay = whole + thousandths / 1000;
        const name = timerNameOf(`xstate.after.${delay}.${state}`);
        expect(name).toBe(String(delay));
        expect(isNumericDelay(name)).toBe(true);
        // The words add up to the delay: units of the English label summed back.
        const words = timerLabel(name, null).replace(/^after /, '');
        const unit: Record<string, number> = { d: 86_400_000, h: 3_600_000, min: 60_000, s: 1000, ms: 1 };
        const total = words.split(' ').reduce((sum, part) => {
          const [, n, u] = /^([\d.]+)(d|h|min|s|ms)$/.exec(part)!;
          return sum + Number(n) * unit[u!]!;
        }, 0);
        expect(Math.abs(total - delay)).toBeLessThan(1e-6);
      }),
      { numRuns: 300 },
    );
  });
});
