import type { Clock, ClockSubscriber } from '../../src/index.js';

/** A sleep the clock holds until `set` passes its instant (or its signal aborts). */
export interface ManualSleep {
  readonly at: number;
  readonly resolve: () => void;
}

/**
 * A clock of kind `'system'` whose time only the test moves (`set`), so `engine.run()`, effect
 * timeouts and retries are driven without real time. A sleep ends when `set` reaches its instant or
 * its signal aborts; `sleeps` lists those still waiting, in the order they began.
 *
 * `resolvePast` (default true): a sleep until an instant already reached ends at once, as the system
 * clock's does. With false it waits for the next `set` at or past it, so a loop that keeps asking
 * to sleep until now cannot spin inside a test.
 */
export function manualClock(start: number, { resolvePast = true }: { readonly resolvePast?: boolean } = {}) {
  let now = start;
  const sleeps: ManualSleep[] = [];
  const clock: Clock = {
    kind: 'system',
    now: () => now,
    subscribe: (_s: ClockSubscriber) => () => {},
    sleepUntil(at, signal) {
      if (signal?.aborted || (resolvePast && !(at > now))) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const sleep = { at, resolve };
        sleeps.push(sleep);
        signal?.addEventListener('abort', () => resolve(), { once: true });
      });
    },
  };
  return {
    clock,
    sleeps,
    set(t: number) {
      now = t;
      for (let i = 0; i < sleeps.length; ) {
        if (sleeps[i]!.at <= t) sleeps.splice(i, 1)[0]!.resolve();
        else i++;
      }
    },
  };
}
