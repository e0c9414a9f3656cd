import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, type Store } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { manualClock } from './helpers/manual-clock.js';


const tick = () => new Promise((r) => setImmediate(r));

describe('engine.run() worker loop', () => {
  it('sleeps until the next due timer, fires it, and stops on abort', async () => {
    const start = Date.parse('2026-11-02T09:00:00+08:00');
    const { clock, sleeps, set } = manualClock(start, { resolvePast: false });
    const engine = createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow] });
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    const controller = new AbortController();
    const running = engine.run({ signal: controller.signal, pollMs: 3_600_000 });
    await tick();
    // It sleeps until the earlier of the next poll and the deadline (the poll here: 1 hour).
    expect(sleeps.at(-1)!.at).toBe(start + 3_600_000);
    set(start + 3 * 86_400_000);
    for (let i = 0; i < 20 && (await engine.get(id)).state !== 'escalated'; i++) await tick();
    expect((await engine.get(id)).state).toBe('escalated');
    controller.abort();
    await running;
    expect(controller.signal.aborted).toBe(true);
  });

  it('wakes at once when the store announces new work', async () => {
    const start = 0;
    const { clock, sleeps } = manualClock(start, { resolvePast: false });
    const inner = memoryStore();
    const wakers = new Set<() => void>();
    const store: Store = { ...inner, onWake: (fn) => (wakers.add(fn), () => wakers.delete(fn)) };
    const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
    await engine.start('review', { title: 'T' }, { actor: staff });
    const controller = new AbortController();
    const running = engine.run({ signal: controller.signal, pollMs: 60_000 });
    await tick();
    const before = sleeps.length;
    expect(wakers.size).toBe(1);
    for (const wake of wakers) wake();
    for (let i = 0; i < 10 && sleeps.length === before; i++) await tick();
    expect(sleeps.length).toBe(before + 1);
    controller.abort();
    await running;
    expect(wakers.size).toBe(0);
  });
});
