// What is due next is asked of the store twice per virtual-clock step (the next timer, the next
// effect). Both reads are started before either is awaited; when both fail, the step rejects with
// the first failure and the second is not left an unhandled rejection (Promise.all handled it before
// the two were awaited one after the other).
import { afterEach, describe, expect, it } from 'vitest';
import { createEngine, DocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';

const START = Date.parse('2026-11-02T09:00:00+08:00');
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => void unhandled.push(reason);
process.on('unhandledRejection', onUnhandled);
afterEach(() => void (unhandled.length = 0));

function failingReads(which: { timer: boolean; effect: boolean }): Store {
  const inner = memoryStore();
  return {
    ...inner,
    async nextTimerDue() {
      if (which.timer) throw new DocketError('STORE_UNAVAILABLE', 'timer read failed; retry.');
      return inner.nextTimerDue();
    },
    async nextEffectDue() {
      if (which.effect) throw new DocketError('STORE_UNAVAILABLE', 'effect read failed; retry.');
      return inner.nextEffectDue();
    },
  };
}

describe('timer delivery: what is due next', () => {
  it.each([
    [{ timer: true, effect: true }, 'timer read failed; retry.'],
    [{ timer: false, effect: true }, 'effect read failed; retry.'],
    [{ timer: true, effect: false }, 'timer read failed; retry.'],
  ])('reads failing %j: the clock step rejects with the first failure, and nothing is left unhandled', async (which, message) => {
    const clock = virtualClock(START);
    const engine = createEngine({ store: failingReads(which), clock, workflows: [reviewWorkflow], workerId: 'w' });
    await expect(clock.advanceBy(1000)).rejects.toThrow(message);
    // Two macrotask turns: an unhandled rejection is reported after the microtask queue drains.
    await new Promise((r) => setImmediate(r));
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
    await engine.close();
  });
});
