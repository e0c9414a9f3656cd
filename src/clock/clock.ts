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

/** Epoch milliseconds from an {@link InstantInput}; throws a `TypeError` on an unparseable string. */
export function toInstant(input: InstantInput): Instant {
  if (typeof input === 'number') return input;
  if (input instanceof Date) return input.getTime();
  const ms = Date.parse(input);
  if (Number.isNaN(ms)) throw new TypeError(`Not an ISO-8601 instant: "${input}"`);
  return ms;
}
