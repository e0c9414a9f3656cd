import type { Clock, ClockSubscriber, Instant } from './clock.js';

/** The longest delay `setTimeout` honours (a signed 32-bit millisecond count); longer ones fire at once. */
const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/**
 * Real time. The only place in Docket that reads the wall clock or sets a timeout.
 *
 * @example
 * ```ts
 * import { systemClock } from 'docket';
 * const clock = systemClock();
 * clock.now(); // epoch ms
 * ```
 */
export function systemClock(): Clock {
  const subscribers = new Set<ClockSubscriber>();
  return {
    kind: 'system',
    now: () => Date.now(),
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    sleepUntil(at: Instant, signal?: AbortSignal) {
      return new Promise<void>((resolve) => {
        if (signal?.aborted) return resolve();
        let handle: ReturnType<typeof setTimeout>;
        // A timeout longer than 2^31 - 1 ms (24.8 days) fires after 1 ms in Node and browsers: a
        // long effect timeout, retry backoff, close() deadline or poll would end at once. Sleep in
        // pieces no longer than that until the instant is reached.
        function arm() {
          handle = setTimeout(wake, Math.min(Math.max(0, at - Date.now()), MAX_TIMEOUT_MS));
        }
        function wake() {
          if (Date.now() < at) arm();
          else done();
        }
        function done() {
          clearTimeout(handle);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        arm();
        signal?.addEventListener('abort', done, { once: true });
      });
    },
  };
}
