import { DateTime, IANAZone } from 'luxon';
import { hasOwnOffset, isoInstantFault, parseOffsetInstant, readIsoFields, validDateTime } from '../clock/iso-instant.js';
import type { Instant } from '../clock/clock.js';
import { DocketError } from '../errors.js';
import { checkDateRange, dayOrdinalOf, tryParseLocalDate, type DayOrdinal } from './local-date.js';
import { MS_PER_DAY } from './time-of-day.js';
import { shownValue } from './shown-value.js';

/**
 * ISO 8601's date forms: a year (four digits, or six with a sign), then a month and day, a week and
 * day, or an ordinal day, extended or basic ('2026-10-08', '20261008', '2026-W41-4', '2026-281').
 */
const ISO_DATE_PART = /^(?:[+-]\d{6}|\d{4})(?:-?\d{2}(?:-?\d{2})?|-?W\d{2}(?:-?\d)?|-?\d{3})?$/;

/**
 * True when local date(-time) text writes its date: the part before its time ('T', 't' or a space)
 * is one of ISO's date forms. ISO's time-only forms, '09:00', '24:00', '093000.123', and '2026Z' or
 * '2026+08' (20:26 with an offset), are not: luxon puts those on the real date of the machine.
 */
function writesADate(text: string): boolean {
  const split = text.search(/[Tt ]/);
  return ISO_DATE_PART.test(split < 0 ? text : text.slice(0, split));
}

/**
 * What the calendar accepts as a point in time: epoch milliseconds, a `Date`, an ISO-8601 instant with
 * offset (`'2026-10-08T09:00:00Z'`), or a local date / date-time in the calendar's zone
 * (`'2026-10-08'` = local midnight, `'2026-10-08T18:00'`).
 *
 * @example
 * ```ts
 * import { businessCalendar, type CalendarInput } from 'docket';
 * const when: CalendarInput = '2026-09-30';
 * businessCalendar().nextWorkingDay(when);
 * ```
 */
export type CalendarInput = Instant | Date | string;

/**
 * A wall-clock position in some zone: a local date and milliseconds since local midnight.
 *
 * @example
 * ```ts
 * import { dayOrdinalOf } from './local-date.js';
 * import type { LocalPoint } from './zoned-time.js';
 * const nineAm: LocalPoint = { ordinal: dayOrdinalOf(2026, 10, 8), timeOfDay: 9 * 3_600_000 };
 * ```
 */
export interface LocalPoint {
  readonly ordinal: DayOrdinal;
  /** Milliseconds since local midnight (0 … 86 399 999; `86 400 000` means the end of the day). */
  readonly timeOfDay: number;
}

export { hasOwnOffset, parseOffsetInstant } from '../clock/iso-instant.js';

/**
 * Converts between absolute instants and local wall-clock positions in one IANA zone (via luxon).
 *
 * @example
 * ```ts
 * import { ZonedTime } from './zoned-time.js';
 * const z = new ZonedTime('Asia/Shanghai');
 * z.toInstant(z.parse('2026-10-08T09:00')) === Date.parse('2026-10-08T01:00:00Z'); // true
 * ```
 */
export class ZonedTime {
  readonly #zone: IANAZone;
  /**
   * UTC day number → the zone's offset in ms throughout that UTC day, or `null` when the offset
   * changes during it (a DST or other transition day: those take luxon's own path). Asking luxon
   * for an offset formats a date through Intl (`partsOffset`), which was the top self-time function
   * of a simulated year; the offset of a UTC day is asked twice, then read from here.
   */
  readonly #dayOffsets = new Map<number, number | null>();

  constructor(readonly zone: string) {
    if (typeof zone !== 'string' || !IANAZone.isValidZone(zone)) {
      throw new DocketError('INVALID_ARGUMENT', `Unknown time zone ${shownValue(zone)}: use an IANA zone name like 'Asia/Shanghai'.`);
    }
    this.#zone = IANAZone.create(zone);
  }

  /** The offset (ms) in force during the whole UTC day `day`, or `null` if it changes during that day. */
  #stableOffset(day: number): number | null {
    let offset = this.#dayOffsets.get(day);
    if (offset === undefined) {
      const start = day * MS_PER_DAY;
      const a = this.#zone.offset(start);
      const b = this.#zone.offset(start + MS_PER_DAY - 1);
      // Offsets are minutes (fractional for historical local mean time); keep whole milliseconds.
      offset = a === b && Number.isFinite(a) ? Math.round(a * 60_000) : null;
      if (this.#dayOffsets.size >= 50_000) this.#dayOffsets.clear(); // ~137 years of days; never unbounded
      this.#dayOffsets.set(day, offset);
    }
    return offset;
  }

  /** The local date and time of day of an instant. */
  toLocal(instant: Instant): LocalPoint {
    // Past ±8.64e15 ms (the range a Date holds) luxon has no local time: the year came out NaN.
    if (!Number.isFinite(instant) || Math.abs(instant) > 8.64e15) throw new DocketError('INVALID_ARGUMENT', `Not an instant: ${instant} (epoch ms within ±8.64e15, the range a Date holds).`);
    const offset = this.#stableOffset(Math.floor(instant / MS_PER_DAY));
    if (offset !== null) {
      // The offset holds all day: local wall time is plain arithmetic (what luxon does with it too).
      const local = instant + offset;
      const ordinal = Math.floor(local / MS_PER_DAY);
      return { ordinal, timeOfDay: local - ordinal * MS_PER_DAY };
    }
    const dt = validDateTime(() => DateTime.fromMillis(instant, { zone: this.zone }));
    if (dt === undefined) throw new DocketError('INVALID_ARGUMENT', `Not an instant: ${instant} has no local time in ${this.zone} (too close to the end of the range a Date holds).`);
    return {
      ordinal: dayOrdinalOf(dt.year, dt.month, dt.day),
      timeOfDay: ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.millisecond,
    };
  }

  /** The zone's offset (whole ms) at `instant`: from the per-day cache when it holds all day. */
  #offsetAt(instant: number): number {
    const stable = this.#stableOffset(Math.floor(instant / MS_PER_DAY));
    return stable ?? Math.round(this.#zone.offset(instant) * 60_000);
  }

  /**
   * The instant of a local wall-clock position, decided by the zone's rules alone: never by the
   * process's clock or zone. luxon's `DateTime.fromObject({ … }, { zone })` starts from the zone's
   * offset *now* (`Settings.now()`), so in a DST overlap it answered the first occurrence in a process
   * started in summer and the second in one started in winter: a deadline an hour apart.
   *
   * - An **ambiguous** time (the clocks go back, so it happens twice: America/New_York 2026-11-01
   *   01:30 is 05:30Z, EDT, and again 06:30Z, EST) means the **later** occurrence (06:30Z).
   * - A **nonexistent** time (the clocks go forward past it: New York 2026-03-08 02:30) moves
   *   **forward by the length of the gap** (03:30 EDT, 07:30Z); a skipped day (Pacific/Apia
   *   2011-12-30) moves forward a day.
   *
   * Both are Temporal's `disambiguation: 'later'` (TC39 Temporal, DisambiguatePossibleInstants),
   * computed as it does: the offsets in force a day before and a day after the wall time give the
   * candidate instants; those the zone really has that offset at are the occurrences.
   */
  toInstant(point: LocalPoint): Instant {
    let { ordinal, timeOfDay } = point;
    if (timeOfDay >= MS_PER_DAY) {
      ordinal += Math.floor(timeOfDay / MS_PER_DAY);
      timeOfDay %= MS_PER_DAY;
    }
    // The wall time read as if it were UTC. The instant lies within 14 h of it (the widest offset), so
    // when one offset holds from 26 h before to 26 h after, the answer is unique and plain arithmetic.
    const wall = ordinal * MS_PER_DAY + timeOfDay;
    const first = Math.floor((wall - 26 * 3_600_000) / MS_PER_DAY);
    const last = Math.floor((wall + 26 * 3_600_000) / MS_PER_DAY);
    const offset = this.#stableOffset(first);
    if (offset !== null) {
      let same = true;
      for (let d = first + 1; d <= last && same; d++) same = this.#stableOffset(d) === offset;
      if (same) return wall - offset;
    }
    // Near a transition: the offset before it and the offset after it each name a candidate.
    const before = this.#offsetAt(wall - MS_PER_DAY);
    const after = this.#offsetAt(wall + MS_PER_DAY);
    const early = wall - before;
    const late = wall - after;
    const earlyOccurs = this.#offsetAt(early) === before;
    const lateOccurs = this.#offsetAt(late) === after;
    if (earlyOccurs && lateOccurs) return Math.max(early, late); // an overlap: the later occurrence
    if (lateOccurs) return late;
    if (earlyOccurs) return early;
    // A gap: read with the offset in force before it, which is the wall time moved forward by the gap.
    return early;
  }

  /**
   * Parse a {@link CalendarInput} into a local position (local dates mean local midnight). The
   * calendar's one reader of date inputs: every method's date argument comes through here (or through
   * `parseLocalDate`), so the supported dates, 0001-01-01 to 9999-12-31, are checked in one place.
   *
   * @throws DocketError `INVALID_ARGUMENT` for what is not a date or instant, or whose local date is
   *   outside 0001-01-01 … 9999-12-31 (epoch ms of year -1, `'0000-06-01T10:00'`, year 10000).
   */
  parse(input: CalendarInput): LocalPoint {
    const point = this.#read(input);
    checkDateRange(point.ordinal, input);
    return point;
  }

  #read(input: CalendarInput): LocalPoint {
    if (typeof input === 'number') return this.toLocal(input);
    if (input instanceof Date) return this.toLocal(input.getTime());
    if (typeof input !== 'string') throw new DocketError('INVALID_ARGUMENT', `Not a date or instant: ${shownValue(input)}.`);
    const date = tryParseLocalDate(input);
    if (date !== undefined) return { ordinal: date, timeOfDay: 0 };
    // An ISO instant with its own offset names one instant whatever the zone: read by the one reader of
    // those (in UTC, no Intl offset lookup) and converted through the offset cache; an offset out of
    // range is refused. Local date-times need the zone.
    // A bracketed zone (RFC 9557) is honoured only with an offset that agrees with it: luxon read
    // '…T09:00[Asia/Shanghai]' in the bracket's zone and '…T09:00+08:00[America/New_York]' as 09:00
    // New York, dropping the written offset.
    const fault = isoInstantFault(input);
    if (fault !== undefined) throw new DocketError('INVALID_ARGUMENT', `Not a date or instant: ${fault}`);
    const own = hasOwnOffset(input);
    const instant = own ? parseOffsetInstant(input) : undefined;
    if (instant !== undefined) return this.toLocal(instant);
    // A local date-time must write its date. ISO's time-only forms ('09:00', '09', '24:00',
    // '09:00:00.123') were read by luxon on the real date of the machine running it, so an answer
    // changed from one day to the next and a simulation on a virtual clock read the wall clock.
    if (!writesADate(input)) {
      throw new DocketError(
        'INVALID_ARGUMENT',
        `Not a date or instant: ${JSON.stringify(input.length > 80 ? `${input.slice(0, 80)}…` : input)} has no date, and a time alone would be read on the machine's real date. Write the date with it ('2026-10-08T09:00', a local time) or pass an instant (epoch ms, or ISO with its offset).`,
      );
    }
    // A local date-time: its fields read as written (in UTC, where no offset is guessed), then placed
    // in the zone by toInstant's rule. Read in the zone, luxon guessed the offset from the current time.
    const dt = readIsoFields(input);
    if (own || dt === undefined) {
      throw new DocketError(
        'INVALID_ARGUMENT',
        `Not a date or instant: "${input}". Use epoch ms, 'YYYY-MM-DD' (local date), 'YYYY-MM-DDTHH:mm' (local time) or an ISO instant with offset.`,
      );
    }
    const wall = dt.toMillis();
    const ordinal = Math.floor(wall / MS_PER_DAY);
    return this.toLocal(this.toInstant({ ordinal, timeOfDay: wall - ordinal * MS_PER_DAY }));
  }

  /**
   * Parse a {@link CalendarInput} into an instant. An input that already names an instant (epoch ms, a
   * `Date`, ISO with its own offset) is that instant: it is not sent through local time and back, which
   * in a DST overlap would move the first 01:30 to the second.
   */
  parseInstant(input: CalendarInput): Instant {
    const point = this.parse(input); // refuses what is no date or instant, or lies outside the supported dates
    if (typeof input === 'number') return input;
    if (input instanceof Date) return input.getTime();
    const instant = parseOffsetInstant(input);
    return instant !== undefined ? instant : this.toInstant(point);
  }
}
