import { DocketError } from '../errors.js';
import { checkMethodObject } from '../input/method-object.js';
import { isoInstantFault, parseOffsetInstant } from './iso-instant.js';
import { safeString } from '../input/safe-string.js';

/** An absolute instant, in milliseconds since the Unix epoch (UTC). */
export type Instant = number;

/** Something an instant can be given as: epoch milliseconds, a `Date`, or an ISO-8601 string. */
export type InstantInput = Instant | Date | string;

/** A fixed-length duration. Calendar-aware durations (working days) live in the calendar. */
export type DurationInput =
  | number
  | {
      readonly weeks?: number;
      readonly days?: number;
      readonly hours?: number;
      readonly minutes?: number;
      readonly seconds?: number;
      readonly milliseconds?: number;
    };

/** One timer the engine delivered while a clock advanced. */
export interface FiredTimer {
  readonly timerId: string;
  readonly instanceId: string;
  readonly name: string;
  readonly dueAt: Instant;
  readonly firedAt: Instant;
  /** How late it fired, in ms (`firedAt - dueAt`). */
  readonly lateMs: number;
}

/**
 * Work that waits on time. The engine subscribes itself to its clock: a virtual clock asks it for its
 * next due instant and makes it fire what is due, step by step; a real clock leaves that to
 * `engine.run()`.
 */
export interface ClockSubscriber {
  /** The earliest instant at which this subscriber has work, or `undefined` for none. */
  nextDue(): Promise<Instant | undefined>;
  /** Do all work due at or before `now`, and report the timers delivered. */
  fireDue(now: Instant): Promise<readonly FiredTimer[]>;
}

/** Where Docket reads time. Engine and machine code never read ambient time; they take a clock. */
export interface Clock {
  readonly kind: 'system' | 'virtual';
  /** The current instant. A fraction is allowed; the engine reads it to the whole millisecond (see `whole-instant.ts`). */
  now(): Instant;
  /** Register work that waits on time; returns the unsubscribe function. */
  subscribe(subscriber: ClockSubscriber): () => void;
  /** Resolve at `at` (or earlier when `signal` aborts). */
  sleepUntil(at: Instant, signal?: AbortSignal): Promise<void>;
}

/** The methods every {@link Clock} has (the compiler checks the list is whole). */
const CLOCK_METHODS: readonly string[] = Object.keys({ now: true, subscribe: true, sleepUntil: true } satisfies Record<{ [K in keyof Clock]: Clock[K] extends (...args: never[]) => unknown ? K : never }[keyof Clock], true>);

/**
 * Refuse, where it is given, a value that is not a {@link Clock}: left out, `null`, a number, an
 * object without `now()`, `subscribe()` or `sleepUntil()`. `INVALID_ARGUMENT` with `details.field`
 * (`clock`) saying what to pass; it failed later with a raw TypeError (`reading 'kind'`,
 * `clock.subscribe is not a function`). Internal: `createEngine` calls it (not exported, so no
 * compiled example).
 */
export function checkClock(value: unknown, field: string, what: string): asserts value is Clock {
  checkMethodObject(value, {
    what,
    field,
    noun: 'a clock',
    usage: "systemClock() for real time, or virtualClock('2026-11-02T09:00:00+08:00') for tests and simulations (both from 'docket')",
    methods: CLOCK_METHODS,
    required: true,
  });
}

const UNIT_MS = {
  weeks: 604_800_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1_000,
  milliseconds: 1,
} as const;

/** The largest instant a `Date` can hold (±8.64e15 ms, about 275,000 years either side of 1970). */
export const INSTANT_LIMIT = 8.64e15;

function invalid(message: string, field: string): never {
  throw new DocketError('INVALID_ARGUMENT', message, { field });
}

/**
 * Milliseconds in a fixed-length duration: a number of milliseconds, or an object of the units
 * above. Throws `INVALID_ARGUMENT` (naming the field) for anything that is not a finite duration: a
 * unit it does not know (`{ hour: 1 }` was read as no time at all), a value that is not a finite
 * number (`{ hours: NaN }` moved a virtual clock to NaN, where no timer ever fired again), a getter
 * that throws, or a total beyond the range of a `Date`.
 */
export function durationToMs(duration: DurationInput): number {
  if (typeof duration === 'number') {
    if (!Number.isFinite(duration) || Math.abs(duration) > INSTANT_LIMIT) invalid(`A duration must be a finite number of milliseconds, not ${safeString(duration)}.`, 'duration');
    return duration;
  }
  if (typeof duration !== 'object' || duration === null || Array.isArray(duration)) {
    invalid(`A duration is a number of milliseconds or an object such as { hours: 2 }, not ${duration === null ? 'null' : Array.isArray(duration) ? 'an array' : typeof duration}.`, 'duration');
  }
  let ms = 0;
  let at = '';
  try {
    for (const key in duration) {
      at = key;
      if (!Object.hasOwn(UNIT_MS, key)) invalid(`A duration takes { ${Object.keys(UNIT_MS).join(', ')} }, not ${JSON.stringify(key)}.`, `duration.${key}`);
      const value: unknown = (duration as Record<string, unknown>)[key];
      if (value === undefined) continue;
      if (typeof value !== 'number' || !Number.isFinite(value)) invalid(`Duration field "${key}" must be a finite number, not ${typeof value === 'number' ? String(value) : typeof value}.`, `duration.${key}`);
      ms += value * UNIT_MS[key as keyof typeof UNIT_MS];
    }
  } catch (error) {
    if (error instanceof DocketError) throw error;
    throw new DocketError('INVALID_ARGUMENT', `Duration field "${at}" could not be read; pass plain numbers.`, { field: at === '' ? 'duration' : `duration.${at}`, cause: error });
  }
  if (!Number.isFinite(ms) || Math.abs(ms) > INSTANT_LIMIT) invalid(`A duration must be within ${INSTANT_LIMIT} ms, not ${safeString(ms)}.`, 'duration');
  return ms;
}

const getTime = Date.prototype.getTime;

/** The time a Date holds (any Date, a subclass too, read from its slot), or undefined for anything else. */
function dateSlot(value: object): number | undefined {
  try {
    return getTime.call(value);
  } catch {
    return undefined;
  }
}

/**
 * Epoch milliseconds from an {@link InstantInput}: a finite number within the range of a `Date`, a
 * valid `Date`, or text naming one instant by itself: ISO-8601 with its own offset (`Z`, `+08:00`,
 * `+08`), read by the one ISO reader ({@link parseOffsetInstant}), with an RFC 9557 zone annotation
 * honoured when it agrees. `Date.parse` read `'2027-01-04T09:00'` in the process's local time (a
 * clock has no zone, so a simulation meant 09:00 Shanghai and got 09:00 in whatever TZ the machine
 * had), took prose such as `'January 5, 2026'`, and read `'2027-01-04T09Z'` as NaN; a `NaN`, an
 * invalid `Date` or `Infinity` moved a virtual clock to an instant no timer is ever due before.
 * Throws `INVALID_ARGUMENT` (`details.field: 'instant'`) otherwise.
 *
 * @example
 * ```ts
 * import { toInstant } from './clock.js';
 * toInstant('2026-10-08T09:00:00+08:00'); // 1791421200000
 * ```
 */
export function toInstant(input: InstantInput): Instant {
  let ms: number | undefined;
  if (typeof input === 'number') ms = input;
  else if (typeof input === 'string') ms = parseOffsetInstant(input);
  else {
    // A Date (a subclass too) is read from its internal slot, never through `instanceof` (which ran
    // a Proxy's getPrototypeOf trap: its error escaped raw) or a `getTime` it carries (a subclass's
    // override answered for it).
    ms = typeof input === 'object' && input !== null ? dateSlot(input) : undefined;
    if (ms === undefined) invalid(`An instant is epoch milliseconds, a Date or an ISO-8601 string with its offset, not ${input === null ? 'null' : typeof input}.`, 'instant');
  }
  if (ms === undefined || !Number.isFinite(ms) || Math.abs(ms) > INSTANT_LIMIT) {
    const fault = typeof input === 'string' ? isoInstantFault(input) : undefined;
    invalid(
      fault ??
        `Not an instant: ${typeof input === 'string' ? JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input) : String(input)}. Use epoch ms, a valid Date, or ISO-8601 with its offset ('2026-10-08T09:00:00+08:00'): a clock has no time zone to read a local time in.`,
      'instant',
    );
  }
  return ms;
}
