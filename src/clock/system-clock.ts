import type { Clock, ClockSubscriber, Instant } from './clock.js';

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
        const handle = setTimeout(done, Math.max(0, at - Date.now()));
        function done() {
          clearTimeout(handle);
          signal?.removeEventListener('abort', done);
          resolve();
        }
        signal?.addEventListener('abort', done, { once: true });
      });
    },
  };
}
