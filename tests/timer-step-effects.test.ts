// A virtual clock's step (and each of engine.run's polls) fires the timers due and hands the effects
// due to the outbox. It asks the store first: a step with no effect due starts no claim (a claim is a
// write on the SQL stores, and the outbox's claim loop was most of a step's own cost), while an effect
// due at the step (a retry's instant, a claim that ran out) is still delivered at that very step.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, DocketError, isDocketError, memoryStore, virtualClock, type Clock, type EffectContext, type RetryPolicy, type Store } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { manualClock } from './helpers/manual-clock.js';

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

const turns = async (n: number) => {
  for (let i = 0; i < n; i++) await new Promise((r) => setImmediate(r));
};

/** A memory store whose nextEffectDue fails whenever `fails(call)` says so (call counts from 0). */
function failingHintStore(fails: (call: number) => boolean): Store {
  const inner = memoryStore();
  let calls = 0;
  return new Proxy(inner, {
    get(target, name, receiver) {
      if (name === 'nextEffectDue') {
        return () => {
          if (fails(calls++)) return Promise.reject(new DocketError('STORE_UNAVAILABLE', 'nextEffectDue: connection reset'));
          return target.nextEffectDue();
        };
      }
      const value = Reflect.get(target, name, receiver) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/**
 * An engine on `store` and `clock` with one review instance submitted: its notify effect fails its
 * first `failures` attempts (each attempt's instant, from START, goes to `calls`) under `retry`;
 * 'error' events are collected. Settled before it is returned.
 */
async function submittedWithFailingNotify(store: Store, clock: Clock, retry: RetryPolicy, failures = 1) {
  const calls: number[] = [];
  const engine = createEngine({
    store,
    clock,
    workflows: [reviewWorkflow],
    retry,
    effects: {
      notify: (_p: unknown, ctx: EffectContext) => {
        calls.push(ctx.now - START);
        if (calls.length <= failures) throw new Error('smtp down');
      },
      archive: () => {},
    },
  });
  const errors: unknown[] = [];
  engine.on('error', (e) => void errors.push(e));
  const id = await engine.start('review', { title: 't' }, { actor: staff });
  await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
  await engine.settled();
  return { engine, id, calls, errors };
}

// A step's "is an effect due?" is a hint read from the store. When reading it failed, the step
// rejected after its timers had fired (a virtual clock's advance lost what it fired) and engine.run()
// never started a claim again: a retry or a claim that ran out waited for a commit that made a new
// effect. The claim is started instead, and the failure is reported on 'error'.
describe('a step whose "effect due?" read fails still claims', () => {
  it('engine.run(): a failed attempt is retried at its backoff instant while nextEffectDue keeps failing', async () => {
    const { clock, set } = manualClock(START);
    const { engine, id, calls, errors } = await submittedWithFailingNotify(failingHintStore(() => true), clock, { initialDelayMs: 1000 });
    const stop = new AbortController();
    const running = engine.run({ signal: stop.signal, pollMs: 500 });
    for (let t = 0; t <= 3000; t += 250) {
      set(START + t);
      await turns(5);
    }
    stop.abort();
    await running;
    expect(calls).toEqual([0, 1000]);
    expect((await engine.effects(id)).map((e) => [e.status, e.attempts])).toEqual([['delivered', 2]]);
    expect(errors.some((e) => isDocketError(e, 'STORE_UNAVAILABLE'))).toBe(true);
    await engine.close();
  });

  it('property: engine.run() with nextEffectDue failing on any calls delivers every effect, each retry no earlier than its backoff and within a poll of it', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.boolean(), { minLength: 1, maxLength: 12 }), fc.integer({ min: 0, max: 3 }), fc.integer({ min: 1, max: 2_000 }), async (pattern, failures, initialDelayMs) => {
        const { clock, set } = manualClock(START);
        const store = failingHintStore((call) => pattern[call % pattern.length]!);
        const { engine, id, calls } = await submittedWithFailingNotify(store, clock, { maxAttempts: 5, initialDelayMs, maxDelayMs: 4 * initialDelayMs }, failures);
        const pollMs = 100;
        const stop = new AbortController();
        const running = engine.run({ signal: stop.signal, pollMs });
        for (let t = 0; t <= 10 * initialDelayMs + 1_000; t += 50) {
          set(START + t);
          await turns(4);
        }
        stop.abort();
        await running;
        expect((await engine.effects(id)).map((e) => [e.status, e.attempts])).toEqual([['delivered', failures + 1]]);
        for (let k = 1; k < calls.length; k++) {
          const backoff = Math.min(4 * initialDelayMs, initialDelayMs * 2 ** (k - 1));
          expect(calls[k]! - calls[k - 1]!).toBeGreaterThanOrEqual(backoff);
          expect(calls[k]! - calls[k - 1]!).toBeLessThanOrEqual(backoff + pollMs + 50);
        }
        await engine.close();
      }),
      { numRuns: 30 },
    );
  });

  it('virtual clock: a step whose read fails once resolves with its timer, and the retry due at that instant is delivered', async () => {
    const clock = virtualClock(START);
    const due = START + 3 * DAY;
    let failed = false;
    // Fails the first read made at the deadline's instant: the step's own (its nextDue read ran before the clock moved).
    const store = failingHintStore(() => clock.now() === due && !failed && (failed = true));
    const { engine, id, calls, errors } = await submittedWithFailingNotify(store, clock, { initialDelayMs: 3 * DAY, maxDelayMs: 3 * DAY });
    // The deadline (3 days) and the retry (3 days after the first attempt) share one instant.
    expect(await store.nextEffectDue()).toBe(due);
    const fired = await clock.advanceBy({ days: 3 });
    expect(fired.map((f) => f.dueAt)).toEqual([due]);
    await engine.settled();
    expect([failed, calls, errors.filter((e) => isDocketError(e, 'STORE_UNAVAILABLE')).length]).toEqual([true, [0, 3 * DAY], 1]);
    expect((await engine.get(id)).state).toBe('escalated');
    await engine.close();
  });
});
