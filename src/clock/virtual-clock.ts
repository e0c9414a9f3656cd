import { DocketError } from '../errors.js';
import {
  durationToMs,
  INSTANT_LIMIT,
  toInstant,
  type Clock,
  type ClockSubscriber,
  type DurationInput,
  type FiredTimer,
  type Instant,
  type InstantInput,
} from './clock.js';
import { safeString } from '../input/safe-string.js';

/** A clock that moves only when told to, jumping straight from one due timer to the next. */
export interface VirtualClock extends Clock {
  readonly kind: 'virtual';
  /**
   * Move to `instant`, firing every due timer in due order, each as its own event, at its own due
   * instant. Resolves with what fired. Moving backwards is refused.
   */
  advanceTo(instant: InstantInput): Promise<FiredTimer[]>;
  /** `advanceTo(now + duration)`. */
  advanceBy(duration: DurationInput): Promise<FiredTimer[]>;
  /** Fire whatever is due at the current instant without moving. */
  flush(): Promise<FiredTimer[]>;
}

const MAX_STEPS = 1_000_000;

/**
 * A virtual clock for tests and simulations: months of deadlines run in milliseconds.
 *
 * @example
 * ```ts
 * import { virtualClock } from 'docket';
 * const clock = virtualClock('2026-10-01T09:00:00+08:00');
 * await clock.advanceBy({ days: 3 });
 * new Date(clock.now()).toISOString(); // '2026-10-04T01:00:00.000Z'
 * ```
 */
export function virtualClock(start: InstantInput): VirtualClock {
  let now = toInstant(start);
  const subscribers = new Set<ClockSubscriber>();
  const sleepers: { at: Instant; resolve: () => void }[] = [];
  let advancing: Promise<unknown> = Promise.resolve();

  function wakeSleepers() {
    for (let i = sleepers.length - 1; i >= 0; i--) {
      const sleeper = sleepers[i]!;
      if (sleeper.at <= now) {
        sleepers.splice(i, 1);
        sleeper.resolve();
      }
    }
  }

  async function run(target: Instant): Promise<FiredTimer[]> {
    // now + a valid duration can still pass the range of a Date (and NaN compared false below).
    if (!Number.isFinite(target) || Math.abs(target) > INSTANT_LIMIT) {
      throw new DocketError('INVALID_ARGUMENT', `A virtual clock moves to instants a Date can hold (within ±8.64e15 ms), not ${safeString(target)}.`, { field: 'instant' });
    }
    if (target < now) {
      throw new DocketError(
        'INVALID_ARGUMENT',
        `A virtual clock cannot move backwards (now ${new Date(now).toISOString()}, asked for ${new Date(target).toISOString()}).`,
      );
    }
    const fired: FiredTimer[] = [];
    for (let step = 0; ; step++) {
      if (step > MAX_STEPS) {
        throw new DocketError('INVALID_ARGUMENT', `More than ${MAX_STEPS} timer steps before ${new Date(target).toISOString()}: a timer loop with a zero delay?`);
      }
      let next: Instant | undefined;
      let owner: ClockSubscriber | undefined;
      for (const subscriber of subscribers) {
        const due = await subscriber.nextDue();
        if (due !== undefined && (next === undefined || due < next)) {
          next = due;
          owner = subscriber;
        }
      }
      if (next === undefined || owner === undefined || next > target) break;
      now = Math.max(now, next);
      wakeSleepers();
      const done = await owner.fireDue(now);
      // One push per timer: spreading a step's timers into push() passes them as arguments, and a
      // step of 130k+ timers due at one instant overflows the argument limit (RangeError).
      for (const timer of done) fired.push(timer);
    }
    now = target;
    wakeSleepers();
    return fired;
  }

  // Advances are serialised: a second advanceTo waits for the first, so timers never interleave.
  function serialise(target: () => Instant): Promise<FiredTimer[]> {
    const result = advancing.then(() => run(target()));
    advancing = result.catch(() => undefined);
    return result;
  }

  return {
    kind: 'virtual',
    now: () => now,
    subscribe(subscriber) {
      subscribers.add(subscriber);
      return () => subscribers.delete(subscriber);
    },
    sleepUntil(at, signal) {
      // Not `at <= now`: a NaN instant slept forever here, where the system clock returns at once.
      if (!(at > now) || signal?.aborted) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const sleeper = { at, resolve };
        sleepers.push(sleeper);
        signal?.addEventListener(
          'abort',
          () => {
            const i = sleepers.indexOf(sleeper);
            if (i >= 0) sleepers.splice(i, 1);
            resolve();
          },
          { once: true },
        );
      });
    },
    advanceTo: (instant) => serialise(() => toInstant(instant)),
    advanceBy: (duration) => serialise(() => now + durationToMs(duration)),
    flush: () => serialise(() => now),
  };
}
