// Engine durations added to instants must give instants a store keeps (≤ 2^53 ms). A retry policy
// with a long delay (accepted: any safe whole number) made a next-attempt instant every store refused:
// the failure was never recorded, and the effect, claimed again at each lease's end, was tried forever
// (216 001 calls in a simulated five months), never counted, never dead. effectTimeoutMs + leaseMs past
// 2^53 made every claim refused: no effect was ever delivered, only 'error' at each dispatch.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createEngine, isDocketError, memoryStore, virtualClock } from '../src/index.js';
import { reviewWorkflow, staff } from './fixtures/review-workflow.js';
import { retryDelay } from '../src/engine/outbox.js';

const START = Date.parse('2026-11-02T09:00:00+08:00');
const DAY = 86_400_000;
const LAST = Number.MAX_SAFE_INTEGER;

async function failing(start: number, options: Record<string, unknown>) {
  const clock = virtualClock(start);
  let calls = 0;
  const notify = () => {
    calls++;
    throw new Error('down');
  };
  const engine = createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow], effects: { notify }, ...(options as { retry?: object }) });
  const errors: unknown[] = [];
  engine.on('error', (e) => errors.push(e));
  const id = await engine.start('review', { title: 'T' }, { actor: staff });
  await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
  await engine.settled();
  for (let k = 0; k < 3; k++) {
    await clock.advanceBy({ days: 1 });
    await engine.settled();
  }
  const [effect] = await engine.effects(id);
  const now = clock.now();
  await engine.close();
  return { effect: effect!, calls, errors, now };
}

describe('a long retry delay is recorded, counted and honoured', () => {
  it('initialDelayMs = maxDelayMs = 2^53 - 1: the failure is recorded once (attempt 1, retried at the last storable instant), never tried again in a loop', async () => {
    const { effect, calls, errors } = await failing(START, { retry: { maxAttempts: 3, initialDelayMs: LAST, maxDelayMs: LAST } });
    expect(calls).toBe(1);
    expect(effect).toMatchObject({ status: 'pending', attempts: 1, lastError: 'down', nextAttemptAt: 2 ** 53 });
    expect(errors).toEqual([]);
  });

  it('with maxAttempts 1 the same policy marks the effect dead at once', async () => {
    const { effect, calls } = await failing(START, { retry: { maxAttempts: 1, initialDelayMs: LAST, maxDelayMs: LAST } });
    expect([calls, effect.status, effect.attempts]).toEqual([1, 'dead', 1]);
  });
});

describe('an effect claim longer than a store keeps is refused when the engine is made', () => {
  it.each([
    [{ effectTimeoutMs: 1e20 }, 'effectTimeoutMs'],
    [{ leaseMs: LAST }, 'leaseMs'],
    [{ effectTimeoutMs: 2 ** 52, leaseMs: 2 ** 52 + 2 }, 'leaseMs'],
  ])('%j is INVALID_ARGUMENT naming %s', (options, field) => {
    let caught: unknown;
    try {
      createEngine({ store: memoryStore(), clock: virtualClock(START), workflows: [reviewWorkflow], ...options });
    } catch (error) {
      caught = error;
    }
    expect(isDocketError(caught, 'INVALID_ARGUMENT')).toBe(true);
    expect((caught as { details: { field: unknown } }).details.field).toBe(field);
  });
});

describe('property: any accepted duration options keep every effect counted, and delivered or dead', () => {
  const length = fc.oneof(fc.integer({ min: 0, max: 10 * DAY }), fc.integer({ min: 0, max: LAST }));

  it('a failing handler under any accepted retry policy, from any start instant: each call is one recorded attempt, no store refusal', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 4 }), length, length, fc.integer({ min: 0, max: 8.64e15 - 10 * DAY }), async (maxAttempts, initialDelayMs, maxDelayMs, start) => {
        const { effect, calls, errors, now } = await failing(start, { retry: { maxAttempts, initialDelayMs, maxDelayMs } });
        expect(errors).toEqual([]);
        expect(effect.attempts).toBe(calls);
        expect(calls).toBeGreaterThanOrEqual(1);
        if (effect.status === 'pending') expect(effect.nextAttemptAt).toBeGreaterThan(now);
        else expect([effect.status, effect.attempts]).toEqual(['dead', maxAttempts]);
      }),
      { numRuns: 80 },
    );
  });

  it('any effectTimeoutMs and leaseMs are refused as INVALID_ARGUMENT, or the effect is delivered once', async () => {
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.integer({ min: 1, max: LAST }), fc.constantFrom(1e20, 2 ** 53)), fc.integer({ min: 1, max: LAST }), async (effectTimeoutMs, leaseMs) => {
        const clock = virtualClock(START);
        let calls = 0;
        let engine;
        try {
          engine = createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow], effectTimeoutMs, leaseMs, effects: { notify: () => void calls++ } });
        } catch (error) {
          expect(isDocketError(error, 'INVALID_ARGUMENT')).toBe(true);
          expect(effectTimeoutMs + leaseMs).toBeGreaterThan(2 ** 53);
          return;
        }
        const errors: unknown[] = [];
        engine.on('error', (e) => errors.push(e));
        const id = await engine.start('review', { title: 'T' }, { actor: staff });
        await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
        await engine.settled();
        expect([calls, (await engine.effects(id))[0]?.status, errors]).toEqual([1, 'delivered', []]);
        await engine.close({ timeoutMs: 1000 });
      }),
      { numRuns: 60 },
    );
  });
});

// initialDelayMs 0 (retry at once) with more than 1024 attempts: 0 * 2 ** 1024 was 0 * Infinity = NaN,
// a next-attempt instant every store refused, so from attempt 1025 on a failure was never recorded and
// the effect was tried at each lease's end forever, stuck at 1024 attempts, never dead.
describe('the retry backoff is a whole delay for every accepted policy and attempt', () => {
  it('initialDelayMs 0, maxAttempts 1100: every call is one recorded attempt, and the effect is dead after the 1100th', async () => {
    const clock = virtualClock(START);
    let calls = 0;
    const notify = () => {
      calls++;
      throw new Error('down');
    };
    const engine = createEngine({ store: memoryStore(), clock, workflows: [reviewWorkflow], effects: { notify }, retry: { maxAttempts: 1100, initialDelayMs: 0, maxDelayMs: 5 } });
    const errors: unknown[] = [];
    engine.on('error', (e) => errors.push(e));
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    for (let k = 0; k < 1200; k++) {
      await engine.settled();
      await clock.advanceBy({ milliseconds: 1 });
    }
    await clock.advanceBy({ minutes: 10 });
    await engine.settled();
    const [effect] = await engine.effects(id);
    expect([calls, effect!.status, effect!.attempts, errors]).toEqual([1100, 'dead', 1100, []]);
    await engine.close();
  });

  it('retryDelay(0, max, 1025) is 0, and (1, 2^53 - 1, 1025) the cap', () => {
    expect(retryDelay(0, 5, 1025)).toBe(0);
    expect(retryDelay(0, LAST, LAST)).toBe(0);
    expect(retryDelay(1, LAST, 1025)).toBe(LAST);
    expect(retryDelay(1000, 3_600_000, 3)).toBe(4000);
  });

  it('property: any accepted policy and attempt give a whole delay in [0, maxDelayMs], not shorter for a later attempt', () => {
    const ms = fc.oneof(fc.constant(0), fc.integer({ min: 0, max: 10 * DAY }), fc.integer({ min: 0, max: LAST }));
    const attempt = fc.oneof(fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 1, max: LAST }));
    fc.assert(
      fc.property(ms, ms, attempt, attempt, (initialDelayMs, maxDelayMs, a, b) => {
        const [early, late] = a <= b ? [a, b] : [b, a];
        const d = retryDelay(initialDelayMs, maxDelayMs, early);
        expect(Number.isSafeInteger(d) && d >= 0 && d <= maxDelayMs).toBe(true);
        expect(retryDelay(initialDelayMs, maxDelayMs, late)).toBeGreaterThanOrEqual(d);
      }),
      { numRuns: 500 },
    );
  });
});
