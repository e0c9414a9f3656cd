import { DocketError } from '../errors.js';
import { isoInstantFault, parseOffsetInstant } from './iso-instant.js';

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
  /** The current instant. */
  now(): Instant;
  /** Register work that waits on time; returns the unsubscribe function. */
  subscribe(subscriber: ClockSubscriber): () => void;
  /** Resolve at `at` (or earlier when `signal` aborts). */
  sleepUntil(at: Instant, signal?: AbortSignal): Promise<void>;
}

const UNIT_MS = {
  weeks: 604_800_000,
  days: 86_400_000,
  hours: 3_600_000,
  minutes: 60_000,
  seconds: 1_000,
  milliseconds: 1,
} as const;

/** Milliseconds in a fixed-length duration. */
export function durationToMs(duration: DurationInput): number {
  if (typeof duration === 'number') return duration;
  let ms = 0;
  for (const [unit, factor] of Object.entries(UNIT_MS)) {
    const value = duration[unit as keyof typeof UNIT_MS];
    if (value !== undefined) ms += value * factor;
  }
  return ms;
}

/**
 * Epoch milliseconds from an {@link InstantInput}. Text must name one instant by itself: ISO-8601 with
 * its own offset (`Z`, `+08:00`, `+08`), read by the one ISO reader ({@link parseOffsetInstant}), with
 * an RFC 9557 zone annotation honoured when it agrees. `Date.parse` read `'2027-01-04T09:00'` in the
 * process's local time (a clock has no zone, so a test meant 09:00 Shanghai and got 09:00 in
 * whatever TZ the machine had) and `'2027-01-04T09Z'` as NaN. Throws `INVALID_ARGUMENT` otherwise.
 *
 * @example
 * ```ts
 * import { toInstant } from './clock.js';
 * toInstant('2026-10-08T09:00:00+08:00'); // 1791421200000
 * ```
 */
export function toInstant(input: InstantInput): Instant {
  const ms = typeof input === 'number' ? input : input instanceof Date ? input.getTime() : typeof input === 'string' ? parseOffsetInstant(input) : undefined;
  if (ms !== undefined && Number.isFinite(ms)) return ms;
  const fault = typeof input === 'string' ? isoInstantFault(input) : undefined;
  throw new DocketError(
    'INVALID_ARGUMENT',
    fault ??
      `Not an instant: ${typeof input === 'string' ? JSON.stringify(input.slice(0, 80)) : String(input)}. Use epoch ms, a Date, or ISO-8601 with its offset ('2026-10-08T09:00:00+08:00'): a clock has no time zone to read a local time in.`,
  );
}
