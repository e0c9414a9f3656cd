import type { Instant } from '../clock/clock.js';
import { DocketError } from '../errors.js';
import type { EffectRecord, TimerRecord } from './records.js';
import type { ClaimOptions } from './store.js';

/**
 * How workers claim due timers and effects, the same in every store:
 *
 * - An item is claimable when it is `pending` and its ready instant is at or before `now`. The ready
 *   instant is its due instant (`dueAt`, an effect's `nextAttemptAt`) while nobody holds it, and its
 *   lease expiry ({@link leaseExpiry}) while a worker does.
 * - A claim leases each item to `owner` until `now + leaseMs`: no worker, the owner included, gets
 *   it again before then; after that a crashed worker's item is claimed again.
 * - A claim takes at most `limit` items, earliest ready instant first, and returns them in due
 *   order ({@link byTimerDue}, {@link byEffectDue}).
 * - Firing a timer, cancelling it, or updating an effect clears its lease; `releaseTimer` clears it
 *   only for its owner, and only for a pending timer (its ready instant is its due instant again).
 * - `updateEffect` of an effect the outbox does not hold is {@link unknownEffect}.
 */

/** Due order of timers (claims, `timers(instanceId)`): due instant, then id. */
export function byTimerDue(a: TimerRecord, b: TimerRecord): number {
  return a.dueAt - b.dueAt || a.id.localeCompare(b.id);
}

/** Due order of effects (claims): next attempt instant, then id. */
export function byEffectDue(a: EffectRecord, b: EffectRecord): number {
  return a.nextAttemptAt - b.nextAttemptAt || a.id.localeCompare(b.id);
}

/** The instant (epoch ms) a lease taken at `now` runs out, and the item is ready again. */
export function leaseExpiry(now: Instant, options: ClaimOptions): Instant {
  return now + options.leaseMs;
}

/** The `INVALID_ARGUMENT` for `updateEffect` of an effect id the outbox does not hold. */
export function unknownEffect(effectId: string): DocketError {
  return new DocketError('INVALID_ARGUMENT', `No effect ${effectId} in the outbox.`);
}
