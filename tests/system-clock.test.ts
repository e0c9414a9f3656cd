// The system clock is the one place that sets timeouts. `setTimeout` honours at most 2^31 - 1 ms
// (24.8 days) and fires anything longer after 1 ms, so before this a 30-day effect timeout, retry
// backoff, `close({ timeoutMs })` or `run({ pollMs })` ended at once (a handler aborted after 1 ms,
// a poll loop spinning). Vitest's fake timers model that limit, so no real time passes here.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { systemClock } from '../src/index.js';

const DAY = 86_400_000;

afterEach(() => {
  vi.useRealTimers();
});

describe('systemClock.sleepUntil', () => {
  it('sleeps until an instant more than 24.8 days away, not 1 ms (setTimeout’s 32-bit limit)', async () => {
    vi.useFakeTimers({ now: 0 });
    const clock = systemClock();
    let woke: number | undefined;
    const sleeping = clock.sleepUntil(35 * DAY).then(() => (woke = Date.now()));
    await vi.advanceTimersByTimeAsync(1_000);
    expect(woke).toBeUndefined();
    await vi.advanceTimersByTimeAsync(30 * DAY);
    expect(woke).toBeUndefined();
    await vi.advanceTimersByTimeAsync(5 * DAY);
    await sleeping;
    expect(woke).toBe(35 * DAY);
  });

  it('wakes at once when aborted during a long sleep, and leaves no timeout behind', async () => {
    vi.useFakeTimers({ now: 0 });
    const clock = systemClock();
    const stop = new AbortController();
    let woke = false;
    const sleeping = clock.sleepUntil(60 * DAY, stop.signal).then(() => (woke = true));
    await vi.advanceTimersByTimeAsync(26 * DAY);
    expect(woke).toBe(false);
    stop.abort();
    await sleeping;
    expect(Date.now()).toBe(26 * DAY);
    expect(vi.getTimerCount()).toBe(0);
  });
});
