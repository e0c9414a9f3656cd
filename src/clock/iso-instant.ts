import { DateTime, IANAZone } from 'luxon';
import type { Instant } from './clock.js';
import { shownValue } from '../input/shown-value.js';

/** An annotation's body cut for a message (a 1e6-character annotation made a 1e6-character message). */
function cut(body: string): string {
  return body.length > 60 ? `${body.slice(0, 59)}…` : body;
}

/**
 * An ISO-8601 time that ends in its own offset: `Z`, `+08:00`, `+0800` or `+08`. The separator may be
 * `t` as RFC 3339 allows (luxon reads it): text with a lowercase `t` was read as a local time, so in a
 * DST overlap the first 01:30 became the second, and the clocks and rules refused it.
 */
const OWN_OFFSET = /[Tt][^]*(?:[zZ]|[+-]\d\d(?::?\d\d)?)$/;
/** The hours and minutes of a numeric offset ending an ISO-8601 time. */
const OFFSET_FIELDS = /([+-])(\d\d)(?::?(\d\d))?$/;
/** RFC 9557 suffix: the date-time, then one or more bracketed annotations. */
const SUFFIX = /^([^[\]]*)((?:\[[^[\]]*\])+)$/;
const ANNOTATION = /\[(!?)([^[\]]*)\]/g;
const KEY_VALUE = /^([a-z_][a-z0-9_-]*)=([A-Za-z0-9]+(?:-[A-Za-z0-9]+)*)$/;
const OFFSET_ZONE = /^[+-]\d\d:\d\d$/;

/**
 * ISO-8601 text split from its RFC 9557 annotations (`2027-01-04T09:00+08:00[Asia/Shanghai]`):
 * the date-time itself and the time zone it names, if any; or `fault`, a sentence saying why the
 * annotations cannot be honoured.
 */
export type IsoText = { readonly core: string; readonly zone?: string; readonly fault?: never } | { readonly fault: string; readonly core?: never; readonly zone?: never };

/**
 * Split `text` from its RFC 9557 annotations and check them: at most one time zone (an IANA name or
 * `±hh:mm`), first; `key=value` tags after it, where an elective one (`[u-ca=iso8601]`) is ignored as
 * RFC 9557 allows and a critical one (`[!foo=bar]`) other than the calendar is refused.
 */
export function splitIsoText(text: string): IsoText {
  const m = SUFFIX.exec(text);
  if (m === null) return text.includes('[') || text.includes(']') ? { fault: `${shownValue(text)} has a malformed bracketed annotation (RFC 9557: 2027-01-04T09:00+08:00[Asia/Shanghai]).` } : { core: text };
  const core = m[1]!;
  let zone: string | undefined;
  let index = 0;
  for (const [, critical, body] of m[2]!.matchAll(ANNOTATION)) {
    const tag = KEY_VALUE.exec(body!);
    if (tag === null) {
      if (body!.includes('=') || index > 0) return { fault: `${shownValue(text)}: [${critical}${cut(body!)}] is not an RFC 9557 annotation (one time zone first, then key=value tags).` };
      if (!OFFSET_ZONE.test(body!) && !IANAZone.isValidZone(body!)) return { fault: `${shownValue(text)} names an unknown time zone [${cut(body!)}]: use an IANA zone name like Asia/Shanghai.` };
      zone = body!;
    } else if (critical === '!' && tag[1] !== 'u-ca') {
      return { fault: `${shownValue(text)} has a critical annotation [!${cut(body!)}] Docket does not understand.` };
    }
    index++;
  }
  return zone === undefined ? { core } : { core, zone };
}

/** Whether `text` is an ISO-8601 date-time written with its own offset (which {@link parseOffsetInstant} reads), annotations aside. */
export function hasOwnOffset(text: string): boolean {
  const split = splitIsoText(text);
  return split.fault === undefined && OWN_OFFSET.test(split.core);
}

/**
 * Why ISO text with a bracketed zone cannot be read as an instant, or `undefined` when it can (or has
 * no brackets). A bracketed zone is honoured with the offset written before it and checked against
 * it: `2027-01-04T09:00+08:00[Asia/Shanghai]` is 01:00Z; `…+08:00[America/New_York]` is refused (the
 * two disagree, and one of them is a mistake); `2027-01-04T09:00[Asia/Shanghai]` is refused (a local
 * time and a zone, which in a DST gap or overlap names no instant or two: write the offset, as
 * Temporal.Instant.from requires).
 *
 * @example
 * ```ts
 * import { isoInstantFault } from './iso-instant.js';
 * isoInstantFault('2027-01-04T09:00+08:00[Asia/Shanghai]'); // undefined
 * isoInstantFault('2027-01-04T09:00[Asia/Shanghai]'); // '"…" gives a time zone but no offset: …'
 * ```
 */
export function isoInstantFault(text: string): string | undefined {
  return readIso(text).fault;
}

/**
 * `text` read once: its instant (undefined when it is not an ISO instant with its own offset), or why
 * its bracketed annotations cannot be honoured. {@link isoInstantFault} and {@link parseOffsetInstant}
 * are its two halves, so the text is split and luxon parses it once.
 */
function readIso(text: string): { readonly instant?: Instant | undefined; readonly fault?: string } {
  const split = splitIsoText(text);
  if (split.fault !== undefined) return { fault: split.fault };
  const instant = readCore(split.core);
  if (split.core === text) return { instant };
  if (!OWN_OFFSET.test(split.core)) {
    return { fault: `"${text}" gives a time zone but no offset: write the offset before the zone, as in 2027-01-04T09:00+08:00[Asia/Shanghai], so the text names one instant even in a DST gap or overlap.` };
  }
  if (instant === undefined) return { fault: `"${text}" is not an ISO-8601 instant.` };
  if (split.zone === undefined || /[zZ]$/.test(split.core)) return { instant }; // Z: the instant is exact, the zone only says where it is read
  const written = writtenOffsetMinutes(split.core);
  const zoneOffset = OFFSET_ZONE.test(split.zone) ? writtenOffsetMinutes(split.zone) : IANAZone.create(split.zone).offset(instant);
  if (written !== zoneOffset) {
    return { fault: `"${text}": the offset ${split.core.slice(split.core.length - (OFFSET_FIELDS.exec(split.core)![0].length))} is not ${split.zone}'s offset at that time (${formatOffset(zoneOffset)}): fix the one that is wrong.` };
  }
  return { instant };
}

function writtenOffsetMinutes(text: string): number {
  const m = OFFSET_FIELDS.exec(text)!;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  return m[1] === '-' ? -minutes : minutes;
}

function formatOffset(minutes: number): string {
  const a = Math.abs(minutes);
  return `${minutes < 0 ? '-' : '+'}${String(Math.floor(a / 60)).padStart(2, '0')}:${String(a % 60).padStart(2, '0')}`;
}

/** The instant of an ISO date-time ending in its own offset, no annotations; `undefined` if it is not one. */
function readCore(core: string): Instant | undefined {
  if (!OWN_OFFSET.test(core)) return undefined;
  // Offsets as ISO 8601 and RFC 3339 write them (hours 00-23, minutes 00-59): luxon also reads
  // '+99' and '+99:99', which named an instant four days away.
  const offset = OFFSET_FIELDS.exec(core);
  if (offset && (Number(offset[2]) > 23 || Number(offset[3] ?? 0) > 59)) return undefined;
  return readIsoFields(core)?.toMillis();
}

/**
 * The DateTime `make` builds with luxon, or `undefined` when luxon calls it invalid, the same in every
 * process. luxon's settings are the process's: an application that sets `Settings.throwOnInvalid =
 * true` (luxon's advice for TypeScript) made luxon throw its own `Error` where Docket reads
 * `isValid`, so `isWorkingDay('2026-02-30T09:00')`, `virtualClock('2026-02-30T09:00Z')` and a
 * deadline rule's `at` gave a raw "Invalid DateTime" in place of `INVALID_ARGUMENT` (and a
 * rule's check threw instead of answering false). Every luxon construction in Docket's reading of
 * dates goes through here.
 *
 * @example
 * ```ts
 * import { DateTime } from 'luxon';
 * import { validDateTime } from './iso-instant.js';
 * validDateTime(() => DateTime.fromISO('2026-02-30', { zone: 'UTC' })); // undefined, even with Settings.throwOnInvalid
 * ```
 */
export function validDateTime(make: () => DateTime): DateTime | undefined {
  let dt: DateTime;
  try {
    dt = make();
  } catch {
    return undefined; // luxon's InvalidDateTimeError under Settings.throwOnInvalid
  }
  return dt.isValid ? dt : undefined;
}

/**
 * ISO-8601 text's fields as written, read by luxon in UTC (so no offset is guessed from the process's
 * zone or clock), or `undefined` when it is not ISO luxon reads ({@link validDateTime}).
 *
 * @example
 * ```ts
 * import { readIsoFields } from './iso-instant.js';
 * readIsoFields('2026-10-08T09:00')?.toMillis(); // 1791450000000 (the wall time, read as UTC)
 * ```
 */
export function readIsoFields(text: string): DateTime | undefined {
  return validDateTime(() => DateTime.fromISO(text, { zone: 'UTC' }));
}

/**
 * The instant an ISO-8601 date-time written with its own offset names (`Z`, `±hh:mm`, `±hhmm`, `±hh`),
 * optionally followed by RFC 9557 annotations that agree with it (see {@link isoInstantFault});
 * `undefined` for text without an offset, that is not ISO, or whose annotations cannot be honoured.
 * One reader for every path (a calendar, the engine without one, the clocks), so the same text never
 * means two instants, or none, and never the process's local time.
 *
 * @example
 * ```ts
 * import { parseOffsetInstant } from './iso-instant.js';
 * parseOffsetInstant('2027-01-04T09Z'); // 1799053200000 (Date.parse gives NaN)
 * parseOffsetInstant('2027-01-04T09:00+08:00[Asia/Shanghai]'); // 1799024400000
 * parseOffsetInstant('2027-01-04T09:00'); // undefined: a local time needs a zone
 * ```
 */
export function parseOffsetInstant(text: string): Instant | undefined {
  const read = readIso(text);
  return read.fault === undefined ? read.instant : undefined;
}
