import type { Instant } from '../clock/clock.js';
import { DocketError } from '../errors.js';
import type { EffectRecord, EffectStatus, TimerRecord } from './records.js';
import { checkId, isStorableString } from './payload-rules.js';
import { INSTANT_BOUND } from '../clock/whole-instant.js';
import { readOptions } from '../input/read-options.js';
import type { ClaimOptions, EffectUpdate, HeldClaim } from './store.js';
import { safeString } from '../input/safe-string.js';

/**
 * How workers claim due timers and effects, the same in every store:
 *
 * - An item is claimable when it is `pending` and its ready instant is at or before `now`. The ready
 *   instant is its due instant (`dueAt`, an effect's `nextAttemptAt`) while nobody holds it, and its
 *   lease expiry ({@link leaseExpiry}) while a worker does.
 * - A claim leases each item to its `owner` and `token` until `now + leaseMs`: no worker, the owner
 *   included, gets it again before then; after that a crashed worker's item is claimed again. The
 *   item is then held under that claim ({@link HeldClaim}): the token, fresh per claim, tells two
 *   claims of one owner apart (two engines sharing a `workerId`, or one engine's successive claims).
 * - A claim takes at most `limit` items, earliest ready instant first, ties by id
 *   ({@link compareIds}), and returns them in due order ({@link byTimerDue}, {@link byEffectDue}).
 * - Firing a timer, cancelling it, or updating an effect clears its lease; `releaseTimer` clears it
 *   only under the timer's current claim (owner and token), and only for a pending timer (its ready
 *   instant is its due instant again). `deferTimer` does the same with `until` as its ready instant;
 *   `retireTimer` cancels the row (both only under the current claim, only for a pending timer;
 *   {@link checkTimerHand}). A hand under any other claim changes nothing.
 * - `updateEffect` of an effect the outbox does not hold is {@link unknownEffect}; one under a claim
 *   that is not the effect's any more (it ran out and another claim took the effect, by another
 *   worker or one with the same owner, or an outcome was recorded under it) is {@link staleEffectClaim}.
 *   A claim that ran out but was not taken over is still its holder's: nobody else delivers the effect meanwhile.
 */

/**
 * The order of ids among items due at one instant, the same in every store: by Unicode code point,
 * which is how SQLite's BINARY and PostgreSQL's `COLLATE "C"` order UTF-8 text. `localeCompare`
 * (the memory store's, before) put `a` before `B` where SQLite puts `B` first, and a PostgreSQL
 * database's own collation can differ again; JavaScript's `<` compares UTF-16 code units, which put
 * U+E000–U+FFFF after the characters beyond U+FFFF.
 */
export function compareIds(a: string, b: string): number {
  if (a === b) return 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i);
    let y = b.charCodeAt(i);
    if (x === y) continue;
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates (D800–DFFF) after E000–FFFF, as their code points (10000 and up) are.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000;
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000;
    }
    return x - y;
  }
  return a.length - b.length;
}

/**
 * Due order of timers (claims, `timers(instanceId)`): due instant, then id ({@link compareIds}).
 * A claim takes the items due together in this order too, so how many timers are due at once (one
 * claim or several) never changes the order one instance's timers fire in.
 */
export function byTimerDue(a: TimerRecord, b: TimerRecord): number {
  return a.dueAt - b.dueAt || compareIds(a.id, b.id);
}

/** Due order of effects (claims): next attempt instant, then id ({@link compareIds}). */
export function byEffectDue(a: EffectRecord, b: EffectRecord): number {
  return a.nextAttemptAt - b.nextAttemptAt || compareIds(a.id, b.id);
}

/** The instant (epoch ms) a lease taken at `now` runs out, and the item is ready again. */
export function leaseExpiry(now: Instant, options: ClaimOptions): Instant {
  return now + options.leaseMs;
}

/**
 * A claim's arguments, checked and read once, the same in every store: `now` a finite instant,
 * clamped to ±2^53 ({@link INSTANT_BOUND}, where stored instants lie; PostgreSQL's bigint refused
 * `NaN` and `1e300` as STORE_UNAVAILABLE, "retry", where memory and SQLite answered; it floors a
 * fraction, exact for its whole-millisecond columns), `owner` and `token` ids, `leaseMs` a positive number of
 * milliseconds, rounded up to a whole one
 * (a lease expiry is stored as a whole instant; `NaN` or `-1` left an item leased to nobody or never
 * claimable again), `limit` an integer of at least 1 (capped at 2^31 - 1).
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field otherwise; nothing is claimed.
 */
export function checkClaim(now: unknown, options: unknown): { readonly now: Instant; readonly options: ClaimOptions } {
  if (typeof now !== 'number' || !Number.isFinite(now)) {
    throw new DocketError('INVALID_ARGUMENT', `A claim's "now" must be an instant in epoch milliseconds (a finite number), not ${typeof now === 'number' ? String(now) : typeof now}.`, { field: 'now' });
  }
  const o = readOptions(options, { keys: ['owner', 'token', 'leaseMs', 'limit'], what: 'A claim', usage: '{ owner, token, leaseMs, limit }' });
  const owner = checkId(o.owner, 'claim owner');
  const token = checkId(o.token, 'claim token');
  const { leaseMs, limit } = o;
  if (typeof leaseMs !== 'number' || !Number.isFinite(leaseMs) || leaseMs <= 0 || leaseMs > INSTANT_BOUND) {
    throw new DocketError('INVALID_ARGUMENT', `A claim's "leaseMs" must be a positive number of milliseconds, not ${typeof leaseMs === 'number' ? String(leaseMs) : typeof leaseMs}.`, { field: 'leaseMs' });
  }
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1) {
    throw new DocketError('INVALID_ARGUMENT', `A claim's "limit" must be an integer of at least 1, not ${typeof limit === 'number' ? String(limit) : typeof limit}.`, { field: 'limit' });
  }
  // Not floored here: the memory store keeps the instants it is given (a virtual clock advanced by
  // 0.5 ms arms a timer at x.5), and a claim at x.5 floored to x never took it, so the virtual clock
  // stepped to x.5 forever. PostgreSQL floors it where it binds it (its instants are whole).
  const at = Math.min(Math.max(now, -INSTANT_BOUND), INSTANT_BOUND);
  // A lease holds at least as long as asked: a fraction (effectTimeoutMs: 1.5) is rounded up to a whole ms.
  return { now: at, options: { owner, token, leaseMs: Math.ceil(leaseMs), limit: Math.min(limit, 2 ** 31 - 1) } };
}

/** A {@link HeldClaim} as a caller passed it: an object of two ids, read once. */
function checkHeldClaim(claim: unknown): HeldClaim {
  const o = readOptions(claim, { keys: ['owner', 'token'], what: 'A held claim', usage: '{ owner, token } (those of the claim that returned the item)', field: 'claim' });
  return { owner: checkId(o.owner, 'claim owner'), token: checkId(o.token, 'claim token') };
}

/**
 * The arguments of `releaseTimer`, `deferTimer` and `retireTimer`, checked and read once, the same in
 * every store: the timer id an id, `claim` the {@link HeldClaim} (owner and token ids), `until`
 * (deferTimer) a finite instant, rounded up to the whole millisecond stored instants are (never
 * earlier than asked) and clamped to ±2^53.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field otherwise; nothing is changed.
 */
export function checkTimerHand(timerId: unknown, claim: unknown, until?: unknown): { readonly timerId: string; readonly claim: HeldClaim; readonly until: Instant } {
  const id = checkId(timerId, 'timer id');
  const held = checkHeldClaim(claim);
  if (until === undefined) return { timerId: id, claim: held, until: 0 };
  if (typeof until !== 'number' || !Number.isFinite(until)) {
    throw new DocketError('INVALID_ARGUMENT', `A deferred timer's "until" must be an instant in epoch milliseconds (a finite number), not ${typeof until === 'number' ? String(until) : typeof until}.`, { field: 'until' });
  }
  return { timerId: id, claim: held, until: Math.ceil(Math.min(Math.max(until, -INSTANT_BOUND), INSTANT_BOUND)) };
}

/** The `INVALID_ARGUMENT` for `updateEffect` of an effect id the outbox does not hold. */
export function unknownEffect(effectId: string): DocketError {
  return new DocketError('INVALID_ARGUMENT', `No effect ${effectId} in the outbox.`);
}

/**
 * The `CONFLICT` for `updateEffect` under a claim that is no longer the effect's: nothing is written.
 * Before, a worker whose claim had run out and been taken over still overwrote the status (and
 * attempt count) its successor recorded, and while claims were told apart by owner alone, so did an
 * engine whose successor shared its `workerId`.
 */
export function staleEffectClaim(effectId: string, claim: HeldClaim): DocketError {
  return new DocketError(
    'CONFLICT',
    `Effect ${effectId} is no longer held under claim ${claim.token} of worker ${claim.owner}: that claim ran out and another claim took the effect (another worker's, or one with the same workerId), or an outcome was already recorded under it. This outcome was not recorded (nothing written); the holder of the current claim records its own, so do not retry it.`,
    { effectId, owner: claim.owner, token: claim.token, field: 'token' },
  );
}

const EFFECT_STATUSES: readonly EffectStatus[] = ['pending', 'delivered', 'dead'];

/** An instant field of an effect update: finite, rounded up to the whole millisecond it is stored as. */
function updateInstant(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || Math.abs(value) > INSTANT_BOUND) {
    throw new DocketError('INVALID_ARGUMENT', `An effect update's "${field}" must be an instant in epoch milliseconds, not ${typeof value === 'number' ? String(value) : typeof value}.`, { field });
  }
  return Math.ceil(value);
}

/**
 * `updateEffect`'s arguments, checked and read once, the same in every store: the effect id an id,
 * `owner` and `token` (the claim it was delivered under) ids, `status` one of pending/delivered/dead, `attempts` a whole number ≥ 0, `nextAttemptAt` (and
 * `deliveredAt`) an instant, rounded up to a whole millisecond (not before it was due), `lastError`
 * text a store can keep (no U+0000, no lone surrogate). Before, memory kept `status: 'bogus'` and
 * `NaN` attempts, SQLite failed `NaN` as STORE_UNAVAILABLE ("retry"), and PostgreSQL failed a
 * handler's error message holding U+0000, so the outcome of that attempt was never recorded and the
 * effect was retried forever, never counted and never dead.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field; nothing is updated.
 */
export function checkEffectUpdate(effectId: unknown, update: unknown): { readonly effectId: string; readonly update: EffectUpdate } {
  const id = checkId(effectId, 'effect id');
  const u = readOptions(update, { keys: ['owner', 'token', 'status', 'attempts', 'nextAttemptAt', 'lastError', 'deliveredAt'], what: 'An effect update', usage: '{ owner, token, status, attempts, nextAttemptAt, lastError?, deliveredAt? }' });
  const owner = checkId(u.owner, 'owner');
  const token = checkId(u.token, 'token');
  if (typeof u.status !== 'string' || !EFFECT_STATUSES.includes(u.status as EffectStatus)) {
    throw new DocketError('INVALID_ARGUMENT', `An effect update's "status" must be one of ${EFFECT_STATUSES.join(', ')}.`, { field: 'status' });
  }
  if (typeof u.attempts !== 'number' || !Number.isSafeInteger(u.attempts) || u.attempts < 0) {
    throw new DocketError('INVALID_ARGUMENT', `An effect update's "attempts" must be a whole number of at least 0, not ${safeString(u.attempts)}.`, { field: 'attempts' });
  }
  if (u.lastError !== undefined && (typeof u.lastError !== 'string' || !isStorableString(u.lastError))) {
    throw new DocketError('INVALID_ARGUMENT', `An effect update's "lastError" must be text without U+0000 or lone surrogates (every store keeps it as text).`, { field: 'lastError' });
  }
  const out: { -readonly [K in keyof EffectUpdate]: EffectUpdate[K] } = { owner, token, status: u.status as EffectStatus, attempts: u.attempts, nextAttemptAt: updateInstant(u.nextAttemptAt, 'nextAttemptAt') };
  if (u.lastError !== undefined) out.lastError = u.lastError as string;
  if (u.deliveredAt !== undefined) out.deliveredAt = updateInstant(u.deliveredAt, 'deliveredAt');
  return { effectId: id, update: out };
}
