// A virtual clock's step (and each of engine.run's polls) fires the timers due and hands the effects
// due to the outbox. It asks the store first: a step with no effect due starts no claim (a claim is a
// write on the SQL stores, and the outbox's claim loop was most of a step's own cost), while an effect
// due at the step (a retry's instant, a claim that ran out) is still delivered at that very step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, memoryStore, virtualClock, type EffectContext, type Store } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';

const START = Date.parse('2026-11-02T09:00:00+08:00');
const DAY = 86_400_000;

/** A memory store that counts its effect claims. */
function countingStore(): { store: Store; claims: () => number } {
  const inner = memoryStore();
  let claims = 0;
  const store = new Proxy(inner, {
    get(target, name, receiver) {
      const value = Reflect.get(target, name, receiver) as unknown;
      if (name === 'claimEffects' && typeof value === 'function') {
        return (...args: unknown[]) => {
          claims++;
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      }
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { store, claims: () => claims };
}

describe('a timer step claims effects only when one is due', () => {
  it('steps that fire deadlines with no effect due start no claim; every deadline still fires once', async () => {
    const { store, claims } = countingStore();
    const clock = virtualClock(START);
    const engine = createEngine({ store, clock, workflows: [reviewWorkflow], effects: { notify: () => {}, archive: () => {} } });
    const ids: string[] = [];
    for (let i = 0; i < 10; i++) {
      const id = await engine.start('review', { title: `t${i}` }, { actor: staff });
      await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
      ids.push(id);
      await clock.advanceBy({ hours: 1 });
    }
    await engine.settled();
    const before = claims();
    const fired = await clock.advanceBy({ days: 4 });
    expect([fired.length, claims() - before]).toEqual([10, 0]);
    expect((await Promise.all(ids.map((id) => engine.get(id)))).map((v) => v.state)).toEqual(ids.map(() => 'escalated'));
    await engine.close();
  });

  // An effect whose claim ran out is taken over at the very step that ends it: see engine-effects.test.ts
  // ('close() returns at its bound ...', delivered at START + 60 000 and not at 59 999).

  it('property: with failing effects and deadlines at random instants, every effect is tried at its backoff instants and claims are started only at steps with an effect due or by commits that make one', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 5 * DAY }), { minLength: 1, maxLength: 6 }), fc.integer({ min: 1, max: 4 }), fc.integer({ min: 1, max: 50_000 }), async (offsets, maxAttempts, initialDelayMs) => {
        const { store, claims } = countingStore();
        const clock = virtualClock(START);
        const calls = new Map<string, number[]>();
        const engine = createEngine({
          store,
          clock,
          workflows: [reviewWorkflow],
          retry: { maxAttempts, initialDelayMs, maxDelayMs: 10 * initialDelayMs },
          effects: {
            notify: (_p: unknown, ctx: EffectContext) => {
              calls.set(ctx.instanceId, [...(calls.get(ctx.instanceId) ?? []), ctx.now]);
              throw new Error('down');
            },
            archive: () => {},
          },
        });
        const ids: string[] = [];
        for (const offset of [...offsets].sort((a, b) => a - b)) {
          await clock.advanceTo(Math.max(clock.now(), START + offset));
          const id = await engine.start('review', { title: 't' }, { actor: staff });
          await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
          ids.push(id);
        }
        await engine.settled();
        const before = claims();
        await clock.advanceBy({ days: 10 });
        await engine.settled();
        for (const id of ids) {
          const times = calls.get(id) ?? [];
          expect((await engine.effects(id)).map((e) => [e.type, e.status, e.attempts])).toEqual([['notify', 'dead', maxAttempts]]);
          expect(times).toHaveLength(maxAttempts);
          for (let k = 1; k < times.length; k++) expect(times[k]! - times[k - 1]!).toBe(Math.min(10 * initialDelayMs, initialDelayMs * 2 ** (k - 1)));
        }
        // After the last commit: one claim per retry step at most (retries that fall on one instant share it).
        expect(claims() - before).toBeLessThanOrEqual(ids.length * (maxAttempts - 1));
        await engine.close();
      }),
      { numRuns: 25 },
    );
  });
});
