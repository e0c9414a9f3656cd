import fc from 'fast-check';
import { DateTime, IANAZone } from 'luxon';
import { describe, expect, it } from 'vitest';
import { civilDateOf, dayOrdinalOf } from '../src/calendar/local-date.js';
import { parseOffsetInstant, ZonedTime } from '../src/calendar/zoned-time.js';
import { resolveDeadlineRule } from '../src/calendar/resolve-deadline.js';
import { absolute, businessCalendar, virtualClock } from '../src/index.js';
import { toInstant } from '../src/clock/clock.js';

// ZonedTime reads a zone's offset once per UTC day and converts by arithmetic when the offset holds;
// near a transition it takes luxon's path. Whatever path it takes, it must give luxon's answer.
const ZONES = [
  'Asia/Shanghai', // fixed +08:00 since 1991; DST 1986–1991; LMT +08:05:43 before 1901
  'America/New_York',
  'Europe/London',
  'Australia/Lord_Howe', // 30-minute DST
  'Asia/Kathmandu', // +05:45
  'America/Sao_Paulo', // DST until 2019, transitions at midnight
  'Pacific/Apia', // skipped 30 Dec 2011
  'UTC',
];
const zones = new Map(ZONES.map((z) => [z, new ZonedTime(z)])); // shared: later runs hit the cache
const MIN = Date.UTC(1890, 0, 1);
const MAX = Date.UTC(2100, 0, 1);
const DAY = 86_400_000;

function luxonLocal(instant: number, zone: string) {
  const dt = DateTime.fromMillis(instant, { zone });
  return { ordinal: dayOrdinalOf(dt.year, dt.month, dt.day), timeOfDay: ((dt.hour * 60 + dt.minute) * 60 + dt.second) * 1000 + dt.millisecond };
}
function luxonInstant(ordinal: number, timeOfDay: number, zone: string) {
  const { year, month, day } = civilDateOf(ordinal);
  return DateTime.fromObject(
    { year, month, day, hour: Math.floor(timeOfDay / 3_600_000), minute: Math.floor((timeOfDay % 3_600_000) / 60_000), second: Math.floor((timeOfDay % 60_000) / 1000), millisecond: timeOfDay % 1000 },
    { zone },
  ).toMillis();
}

/**
 * luxon's instant, except in an overlap: luxon's `fromObject` picks an occurrence from the zone's offset
 * at the current time (a summer process got the first 01:30, a winter one the second); the calendar
 * takes the later one (tests/brk25-zone-overlap.test.ts). In a gap luxon's answer does not depend on
 * the current time (the wall time moved forward by the gap), and it is the calendar's.
 */
function laterLuxonInstant(ordinal: number, timeOfDay: number, zone: string) {
  const guess = luxonInstant(ordinal, timeOfDay, zone);
  const wall = ordinal * DAY + timeOfDay;
  const occurrences = new Set<number>();
  for (let k = -60; k <= 60; k++) occurrences.add(wall - Math.round(IANAZone.create(zone).offset(wall + k * 1_800_000) * 60_000));
  const later = [...occurrences].filter((t) => t > guess && luxonLocal(t, zone).ordinal === ordinal && luxonLocal(t, zone).timeOfDay === timeOfDay);
  return later.length === 0 ? guess : Math.max(...later);
}

const zoneArb = fc.constantFrom(...ZONES);
// Instants anywhere in two centuries, and instants close to the spring/autumn transitions.
const anyInstant = fc.integer({ min: MIN, max: MAX });
const nearTransition = fc
  .record({ year: fc.integer({ min: 1900, max: 2060 }), month: fc.constantFrom(3, 4, 9, 10, 11, 12), day: fc.integer({ min: 1, max: 31 }), ms: fc.integer({ min: 0, max: DAY - 1 }) })
  .map(({ year, month, day, ms }) => Date.UTC(year, month - 1, day) + ms);
const instantArb = fc.oneof(anyInstant, nearTransition);

describe('ZonedTime: the cached-offset path equals luxon', () => {
  it('toLocal(instant) is luxon’s local date and time of day, in every zone, 1890–2100', () => {
    fc.assert(
      fc.property(zoneArb, instantArb, (zone, instant) => {
        expect(zones.get(zone)!.toLocal(instant)).toEqual(luxonLocal(instant, zone));
      }),
      { numRuns: 4000 },
    );
  });

  it('toInstant(local point) is luxon’s instant (in an overlap the later occurrence), including DST gaps', () => {
    fc.assert(
      fc.property(zoneArb, instantArb, (zone, wallAsUtc) => {
        // Read a UTC instant's fields as a wall time in the zone: near transitions this lands in gaps and overlaps.
        const ordinal = Math.floor(wallAsUtc / DAY);
        const timeOfDay = wallAsUtc - ordinal * DAY;
        expect(zones.get(zone)!.toInstant({ ordinal, timeOfDay })).toBe(laterLuxonInstant(ordinal, timeOfDay, zone));
      }),
      { numRuns: 4000 },
    );
  });

  it('parse(ISO instant with its own offset) is luxon’s instant read in the zone, for Z, ±hh:mm, ±hhmm and ±hh', () => {
    const offsetArb = fc.oneof(
      fc.constant('Z'),
      fc.record({ sign: fc.constantFrom('+', '-'), h: fc.integer({ min: 0, max: 14 }), m: fc.constantFrom(0, 15, 30, 45), style: fc.constantFrom(':', '', 'h') }).map(({ sign, h, m, style }) => {
        const hh = String(h).padStart(2, '0');
        const mm = String(m).padStart(2, '0');
        return style === 'h' ? `${sign}${hh}` : `${sign}${hh}${style}${mm}`;
      }),
    );
    fc.assert(
      fc.property(zoneArb, instantArb, offsetArb, (zone, wallAsUtc, offset) => {
        const iso = new Date(wallAsUtc).toISOString().slice(0, 19) + offset;
        const dt = DateTime.fromISO(iso, { zone });
        fc.pre(dt.isValid);
        expect(zones.get(zone)!.parse(iso)).toEqual(luxonLocal(dt.toMillis(), zone));
      }),
      { numRuns: 2000 },
    );
  });

  it('an offset out of range (hours past 23, minutes past 59) names no instant: parse refuses it in every zone, as the no-calendar reader does', () => {
    // luxon reads '+99' and '+99:99' (an instant four days away); ISO 8601 and RFC 3339 do not.
    const badOffsetArb = fc
      .oneof(
        fc.record({ h: fc.integer({ min: 24, max: 99 }), m: fc.integer({ min: 0, max: 59 }) }),
        fc.record({ h: fc.integer({ min: 0, max: 23 }), m: fc.integer({ min: 60, max: 99 }) }),
      )
      .chain(({ h, m }) =>
        fc.record({ sign: fc.constantFrom('+', '-'), style: fc.constantFrom(':', '', ...(m === 0 ? ['h'] : [])) }).map(({ sign, style }) => {
          const hh = String(h).padStart(2, '0');
          const mm = String(m).padStart(2, '0');
          return style === 'h' ? `${sign}${hh}` : `${sign}${hh}${style}${mm}`;
        }),
      );
    fc.assert(
      fc.property(zoneArb, instantArb, badOffsetArb, (zone, wallAsUtc, offset) => {
        const iso = new Date(wallAsUtc).toISOString().slice(0, 19) + offset;
        expect(parseOffsetInstant(iso)).toBeUndefined();
        expect(() => zones.get(zone)!.parse(iso)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
        // A deadline rule naming it is refused when it is written, not first when it is armed.
        expect(() => absolute(iso)).toThrow(expect.objectContaining({ code: 'INVALID_DEADLINE_RULE' }));
      }),
      { numRuns: 500 },
    );
    for (const iso of ['2027-01-04T09:00+99', '2027-01-04T09:00+99:99', '2027-01-04T09:00+24:00', '2027-01-04T09:00-0060']) expect(parseOffsetInstant(iso), iso).toBeUndefined();
    expect(parseOffsetInstant('2027-01-04T09:00+23:59')).toBe(Date.parse('2027-01-03T09:01:00Z'));
  });

  it('the documented transition cases: a gap moves forward, an overlap resolves to the later occurrence, Apia’s skipped day', () => {
    const ny = zones.get('America/New_York')!;
    const cases: [ZonedTime, string, string, string][] = [
      [ny, 'America/New_York', '2026-03-08', '02:30'], // gap
      [ny, 'America/New_York', '2026-11-01', '01:30'], // overlap: 06:30Z (EST), not 05:30Z (EDT)
      [zones.get('Pacific/Apia')!, 'Pacific/Apia', '2011-12-30', '12:00'], // the day that did not exist
      [zones.get('Asia/Shanghai')!, 'Asia/Shanghai', '1900-06-01', '09:00'], // LMT +08:05:43
    ];
    for (const [z, zone, date, time] of cases) {
      const [y, m, d] = date.split('-').map(Number) as [number, number, number];
      const [hh, mm] = time.split(':').map(Number) as [number, number];
      const ordinal = dayOrdinalOf(y, m, d);
      const timeOfDay = (hh * 60 + mm) * 60_000;
      expect(z.toInstant({ ordinal, timeOfDay })).toBe(laterLuxonInstant(ordinal, timeOfDay, zone));
    }
    expect(ny.toInstant({ ordinal: dayOrdinalOf(2026, 11, 1), timeOfDay: 90 * 60_000 })).toBe(Date.parse('2026-11-01T06:30:00Z'));
    // A fixed-offset day: plain arithmetic, 09:00 in Shanghai is 01:00Z.
    expect(zones.get('Asia/Shanghai')!.toInstant({ ordinal: dayOrdinalOf(2026, 10, 8), timeOfDay: 9 * 3_600_000 })).toBe(Date.parse('2026-10-08T01:00:00Z'));
    expect(zones.get('Asia/Shanghai')!.toLocal(Date.parse('2026-10-08T01:00:00Z'))).toEqual({ ordinal: dayOrdinalOf(2026, 10, 8), timeOfDay: 9 * 3_600_000 });
  });

  it('an input that names an instant is that instant on every path: parseInstant, roll on a working day, an absolute rule, no calendar', () => {
    // Guards two faults of one kind: an instant in a DST overlap sent through local time and back came
    // out as the other occurrence; and without a calendar, Date.parse read valid ISO forms ('T09Z',
    // '09:00:00,5Z', '+08') as NaN or refused them, so a timer was armed at NaN.
    const calendars = new Map(ZONES.map((z) => [z, businessCalendar({ zone: z, holidays: 'none', workweek: [1, 2, 3, 4, 5, 6, 7] })]));
    const offsetArb = fc.integer({ min: -12 * 4, max: 14 * 4 }).map((q) => q * 15);
    const styleArb = fc.constantFrom('Z', 'z', 'hh:mm', 'hhmm', 'hh');
    fc.assert(
      fc.property(zoneArb, instantArb, offsetArb, styleArb, fc.boolean(), fc.constantFrom('T', 't'), (zone, rawInstant, offsetMin, style, comma, separator) => {
        const ms = ((rawInstant % 1000) + 1000) % 1000;
        const instant = style === 'hh' ? rawInstant - ms : rawInstant;
        const minutes = style === 'Z' || style === 'z' ? 0 : style === 'hh' ? Math.trunc(offsetMin / 60) * 60 : offsetMin;
        const wall = DateTime.fromMillis(instant, { zone: 'UTC' }).plus({ minutes });
        const sign = minutes < 0 ? '-' : '+';
        const hh = String(Math.floor(Math.abs(minutes) / 60)).padStart(2, '0');
        const mm = String(Math.abs(minutes) % 60).padStart(2, '0');
        const suffix = style === 'Z' || style === 'z' ? style : style === 'hh:mm' ? `${sign}${hh}:${mm}` : style === 'hhmm' ? `${sign}${hh}${mm}` : `${sign}${hh}`;
        const fraction = instant === rawInstant && ms !== 0 ? `${comma ? ',' : '.'}${String(ms).padStart(3, '0')}` : '';
        // RFC 3339 allows a lowercase 't' (regression: it was read as local time, moving an instant in a DST overlap).
        const text = `${wall.toFormat(`yyyy-MM-dd'${separator}'HH:mm:ss`)}${fraction}${suffix}`;
        const cal = calendars.get(zone)!;
        expect(parseOffsetInstant(text)).toBe(instant);
        expect(cal.addWorkingDays(text, 0)).toBe(instant);
        expect(cal.roll(text, 'next')).toBe(instant);
        expect(cal.roll(instant, 'previous')).toBe(instant);
        expect(cal.resolve(absolute(text), 0)).toBe(instant);
        expect(cal.resolve(absolute(instant, { roll: 'next' }), 0)).toBe(instant);
        expect(resolveDeadlineRule(absolute(text), 0, undefined).at).toBe(instant);
        expect(toInstant(text)).toBe(instant);
      }),
      { numRuns: 3000 },
    );
  });

  it('RFC 9557 bracketed zones: honoured with an offset that agrees, refused (typed) without one or when they disagree, on every path that reads ISO text', () => {
    // Regression: luxon read '2027-01-04T09:00+08:00[America/New_York]' as 09:00 New York (the written
    // offset dropped) and '2027-01-04T09:00[Asia/Shanghai]' in the bracket's zone, while the engine
    // without a calendar and the clocks refused both (or, for Date.parse, read offset-less text in the
    // process's local time).
    const calendars = ZONES.map((z) => businessCalendar({ zone: z, holidays: 'none', workweek: [1, 2, 3, 4, 5, 6, 7] }));
    const modern = fc.integer({ min: Date.UTC(1972, 0, 1), max: MAX }).map((ms) => ms - (ms % 1000));
    const readers = (text: string) => [
      () => parseOffsetInstant(text) ?? (() => { throw Object.assign(new Error('undefined'), { code: 'UNDEFINED' }); })(),
      ...calendars.map((cal) => () => cal.addWorkingDays(text, 0)),
      () => calendars[0]!.resolve(absolute(text), 0),
      () => resolveDeadlineRule(absolute(text), 0, undefined).at,
      () => toInstant(text),
      () => virtualClock(text).now(),
    ];
    fc.assert(
      fc.property(zoneArb, zoneArb, modern, fc.constantFrom('', '!'), fc.boolean(), (zone, other, instant, critical, tagged) => {
        const wall = DateTime.fromMillis(instant, { zone });
        const local = wall.toFormat("yyyy-MM-dd'T'HH:mm:ss");
        const tag = tagged ? '[u-ca=iso8601]' : '';
        const good = `${local}${wall.toFormat('ZZ')}[${critical}${zone}]${tag}`;
        for (const read of readers(good)) expect(read()).toBe(instant);
        // 'Z' with any zone: the instant is exact, the zone says where it is read.
        const utc = `${DateTime.fromMillis(instant, { zone: 'UTC' }).toFormat("yyyy-MM-dd'T'HH:mm:ss")}Z[${other}]`;
        for (const read of readers(utc)) expect(read()).toBe(instant);
        // No offset: refused everywhere (a local time in a gap or overlap names no instant, or two).
        for (const read of readers(`${local}[${zone}]`)) expect(read).toThrow(expect.objectContaining({ code: expect.stringMatching(/^(INVALID_ARGUMENT|INVALID_DEADLINE_RULE|UNDEFINED)$/) }));
        // An offset another zone has at that instant: refused everywhere, never read as either.
        const otherOffset = DateTime.fromMillis(instant, { zone: other }).toFormat('ZZ');
        fc.pre(otherOffset !== wall.toFormat('ZZ'));
        const clash = `${local}${otherOffset}[${zone}]`;
        for (const read of readers(clash)) expect(read).toThrow(expect.objectContaining({ code: expect.stringMatching(/^(INVALID_ARGUMENT|INVALID_DEADLINE_RULE|UNDEFINED)$/) }));
        expect(() => absolute(clash)).toThrow(expect.objectContaining({ code: 'INVALID_DEADLINE_RULE' }));
      }),
      { numRuns: 400 },
    );
    // The brief's cases, and malformed annotations.
    expect(parseOffsetInstant('2027-01-04T09:00+08:00[Asia/Shanghai]')).toBe(Date.parse('2027-01-04T01:00:00Z'));
    expect(parseOffsetInstant('2027-01-04T09:00+08:00[+08:00]')).toBe(Date.parse('2027-01-04T01:00:00Z'));
    for (const bad of ['2027-01-04T09:00[Asia/Shanghai]', '2027-01-04T09:00+08:00[Asia/Shanghia]', '2027-01-04T09:00+08:00[Asia/Shanghai][Asia/Shanghai]', '2027-01-04T09:00+08:00[!x-foo=bar]', '2027-01-04T09:00+08:00[Asia/Shanghai', '2027-01-04T09:00+08:00]', '2027-01-04[Asia/Shanghai]']) {
      expect(parseOffsetInstant(bad), bad).toBeUndefined();
      expect(() => calendars[0]!.toLocalDate(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => toInstant(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
      expect(() => absolute(bad), bad).toThrow(expect.objectContaining({ code: 'INVALID_DEADLINE_RULE' }));
    }
    expect(parseOffsetInstant('2027-01-04T09:00+08:00[Asia/Shanghai][x-foo=bar]')).toBe(Date.parse('2027-01-04T01:00:00Z')); // elective: ignored
  }, 240_000); // each run reads 4 texts through 10 readers: minutes on a loaded 2-core host

  it('a clock reads text without an offset as an error, not in the process’s time zone (regression)', () => {
    // Date.parse read '2027-01-04T09:00' as 09:00 in whatever TZ the machine had; and '…T09Z' as NaN.
    for (const text of ['2027-01-04T09:00', '2027-01-04', 'soon']) {
      expect(() => virtualClock(text)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    }
    expect(virtualClock('2027-01-04T09Z').now()).toBe(Date.parse('2027-01-04T09:00:00Z'));
    // The first 01:30 of New York's fall-back night, written with RFC 3339's lowercase 't' and 'z'.
    const ny = businessCalendar({ zone: 'America/New_York', holidays: 'none', workweek: [1, 2, 3, 4, 5, 6, 7] });
    expect(ny.addWorkingDays('2026-11-01t05:30z', 0)).toBe(Date.parse('2026-11-01T05:30:00Z'));
    expect(ny.roll('2026-11-01t05:30:00+00:00', 'next')).toBe(Date.parse('2026-11-01T05:30:00Z'));
    expect(() => toInstant(new Date(Number.NaN))).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
