import { DocketError, type DocketErrorDetails } from '../errors.js';
import { INSTANT_LIMIT, toInstant, type Clock, type Instant, type InstantInput } from './clock.js';

/**
 * Docket's one rule for instants, kept by the engine and by every store alike: **an instant Docket
 * stores is a whole number of epoch milliseconds** (a 64-bit integer column in SQL), within ±2^53
 * (`INSTANT_BOUND`, where `Number.isSafeInteger` holds). Before, a timer's `dueAt` of `x.5` or an
 * entry's `at` of `1.5` was kept by memory and SQLite and refused by PostgreSQL (its bigint), so one
 * engine worked or failed by the store under it.
 *
 * - A stored stamp that breaks it (a commit's `instance.updatedAt`, `addTimers[0].dueAt`, an
 *   archive's `at`) is refused, `INVALID_ARGUMENT` naming the field ({@link checkWholeInstant}),
 *   the same in every store; nothing is written.
 * - The engine reads its clock to the whole millisecond ({@link wholeMillisecondClock}: floored,
 *   as `Date` keeps time), so a clock that yields fractions (a virtual clock advanced by 0.5 ms, a
 *   `performance.now()`-based one) works the same on every store; and it rounds a timer's due instant
 *   up ({@link dueInstant}: a timer never fires before its delay has passed).
 * - A bound in a query (`dueBefore`, `finishedBefore`, a claim's `now`) is not stored: any finite
 *   number is taken and rounded where it is bound (see `instantBefore` in `src/store/query-rules.ts`).
 */
export const INSTANT_BOUND = 2 ** 53;

/** True for an instant every store keeps as it is: a whole number of epoch ms within ±2^53. */
export function isWholeInstant(value: unknown): value is Instant {
  return typeof value === 'number' && Number.isSafeInteger(value);
}

function shown(value: unknown): string {
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  return value === null ? 'null' : typeof value;
}

/**
 * `value` when it is a whole instant ({@link isWholeInstant}); otherwise `INVALID_ARGUMENT` with
 * `details.field` set to `field`, saying what to pass instead. `what` names the owner in the message
 * (`A commit's`, `An archive's`).
 */
export function checkWholeInstant(value: unknown, field: string, what: string, details: DocketErrorDetails = {}): Instant {
  if (isWholeInstant(value)) return value;
  const fix =
    typeof value === 'number' && Number.isFinite(value) && Math.abs(value) <= INSTANT_BOUND
      ? `round it to a whole millisecond (Math.floor(${value}) = ${Math.floor(value)}): every store keeps instants to the millisecond`
      : 'pass a whole number of epoch milliseconds (a Date holds ±8.64e15)';
  throw new DocketError('INVALID_ARGUMENT', `${what} "${field}" must be an instant in whole epoch milliseconds, not ${shown(value)}; ${fix}.`, { ...details, field });
}

/**
 * Seconds with a fraction finer than a millisecond (a fourth digit on that is not 0), in an ISO time:
 * extended (`09:00:00.0005`) or basic (`T090000.0005`, which the ISO reader takes as well).
 */
const SUB_MILLISECOND = /(?::\d\d|T\d{6})[.,](\d{3}0*[1-9]\d*)(?=\D|$)/;

/**
 * An instant an option gives (epoch ms, a `Date` or an ISO-8601 string with its offset, as
 * {@link toInstant} reads them) by the one rule: a whole number of epoch milliseconds. A fraction
 * (`0.5`, an ISO string with a fourth digit of a second that is not 0) is refused, not floored, as a
 * store refuses it; a value that
 * is no instant at all is refused with `toInstant`'s words. docket/testing's instants (`start` of
 * `exploreWorkflow` and `replayPaths`, `rehearseMigration`'s `at`, `horizon` and `script[i].at`)
 * are read so: `start: 0.5` was taken and every generated event carried `$at: 0.5`, an instant no
 * store keeps.
 *
 * @throws DocketError `INVALID_ARGUMENT` with `details.field` = `field`; `what` names the owner
 * (`exploreWorkflow():`).
 */
export function wholeInstantInput(value: unknown, field: string, what: string, details: DocketErrorDetails = {}): Instant {
  let ms: Instant;
  try {
    ms = toInstant(value as InstantInput);
  } catch (error) {
    throw new DocketError('INVALID_ARGUMENT', `${what} ${field}: ${(error as Error).message}`, { ...details, field });
  }
  // The ISO reader keeps milliseconds and drops what is finer: '…T00:00:00.0005Z' was taken as
  // '…T00:00:00.000Z', floored without a word, where a number 0.5 is refused.
  const text = typeof value === 'string' ? value : '';
  const finer = SUB_MILLISECOND.exec(text);
  if (finer !== null) {
    throw new DocketError('INVALID_ARGUMENT', `${what} "${field}" must be an instant in whole epoch milliseconds, not ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)} (${finer[1]!.length} digits of a second); give at most three digits after the seconds (…:00.123).`, { ...details, field });
  }
  return checkWholeInstant(ms, field, what, details);
}

/**
 * The instant a clock reading stands for, to the whole millisecond (floored, as `Date` keeps time):
 * `INVALID_ARGUMENT` (`field: 'clock'`) for a reading that is not an instant at all (`NaN`,
 * `Infinity`, beyond the range of a `Date`), which no timer could ever be due against.
 */
export function wholeInstantOf(reading: unknown): Instant {
  if (typeof reading !== 'number' || !Number.isFinite(reading) || Math.abs(reading) > INSTANT_LIMIT) {
    throw new DocketError('INVALID_ARGUMENT', `The engine's clock read ${shown(reading)}, not an instant: a clock's now() must return finite epoch milliseconds within ±${INSTANT_LIMIT}. Fix the clock.`, { field: 'clock' });
  }
  // `+ 0` turns the -0 that Math.floor(-0.5 + 0.5) can give into 0 (canonical JSON writes both as 0).
  return Math.floor(reading) + 0;
}

/**
 * A timer's due instant, `from + delay` rounded up to the whole millisecond (a timer never fires
 * before its delay has passed); `undefined` when that is not an instant a clock can reach (a delay
 * of `NaN` or `Infinity`, or one that passes a `Date`'s range, ±8.64e15 ms: about the year 275,760),
 * which the caller refuses. A store would keep such a `dueAt` (up to 2^53), but no clock reads it,
 * so the timer could never fire, and every `new Date(dueAt)` of it (an inbox's due date, a
 * provisional deadline's notice) is an Invalid Date that throws when formatted.
 */
export function dueInstant(from: Instant, delay: number): Instant | undefined {
  // The delay is rounded up on its own and then added: `from + delay` in floating point loses a
  // fraction below half the spacing of doubles at `from` (2^-12 ms today, 0.125 ms near 10^15), so
  // `Math.ceil(1_790_000_000_000 + 0.0001)` was `from` itself, a timer due before its delay had
  // passed. Two whole numbers within ±2^53 add exactly.
  const step = Math.ceil(delay);
  const due = (Number.isSafeInteger(from) && Number.isSafeInteger(step) ? from + step : Math.ceil(from + delay)) + 0;
  return isWholeInstant(due) && Math.abs(due) <= INSTANT_LIMIT ? due : undefined;
}

/**
 * `clock` as the engine reads it: `now()` to the whole millisecond ({@link wholeInstantOf}), and the
 * instants it hands its subscribers (`fireDue(now)`) the same way, so every stamp the engine writes
 * (an entry's `at`, a timer's `firedAt`, a claim) is one every store keeps. Sleeping and subscribing
 * go to `clock` itself.
 */
export function wholeMillisecondClock(clock: Clock): Clock {
  return {
    kind: clock.kind,
    now: () => wholeInstantOf(clock.now()),
    subscribe: (subscriber) =>
      clock.subscribe({
        nextDue: () => subscriber.nextDue(),
        fireDue: (now) => subscriber.fireDue(wholeInstantOf(now)),
      }),
    sleepUntil: (at, signal) => clock.sleepUntil(at, signal),
  };
}
