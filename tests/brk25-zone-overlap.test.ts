import fc from 'fast-check';
import { DateTime, IANAZone, Settings } from 'luxon';
import { afterEach, describe, expect, it } from 'vitest';
import { absolute, businessCalendar, workingDays } from '../src/index.js';
import { ZonedTime } from '../src/calendar/zoned-time.js';

// Regression: a local time in a DST overlap (it happens twice) was converted by luxon's
// DateTime.fromObject, which starts from the zone's offset at Settings.now(): the same deadline came out
// an hour apart in a process started in summer and one started in winter. The calendar now decides
// itself: the later occurrence; a time in a spring-forward gap moves forward by the gap.

const MINUTE = 60_000;
const DAY = 86_400_000;
const realNow = Settings.now;
const realZone = Settings.defaultZone;

afterEach(() => {
  Settings.now = realNow;
  Settings.defaultZone = realZone;
});

/** Run `fn` as if the process started at `now` in the zone `processZone` (luxon's view of both). */
function asIfProcess<T>(now: number, processZone: string, fn: () => T): T {
  Settings.now = () => now;
  Settings.defaultZone = processZone;
  try {
    return fn();
  } finally {
    Settings.now = realNow;
    Settings.defaultZone = realZone;
  }
}

const SUMMER = Date.parse('2026-07-15T12:00:00Z');
const WINTER = Date.parse('2026-01-15T12:00:00Z');
const PROCESSES: [number, string][] = [
  [SUMMER, 'America/New_York'],
  [WINTER, 'America/New_York'],
  [SUMMER, 'Australia/Sydney'],
  [WINTER, 'Australia/Sydney'],
  [SUMMER, 'UTC'],
  [WINTER, 'Asia/Shanghai'],
];

function calendarIn(zone: string) {
  return businessCalendar({ zone, holidays: 'none', workweek: [1, 2, 3, 4, 5, 6, 7] });
}

describe('a local time that happens twice (DST overlap) means the later occurrence, whatever the process', () => {
  const overlaps: [string, string, string, string][] = [
    // zone, date, time, the later occurrence
    ['America/New_York', '2026-11-01', '01:30', '2026-11-01T01:30:00-05:00'],
    ['Europe/London', '2026-10-25', '01:30', '2026-10-25T01:30:00+00:00'],
    ['Australia/Sydney', '2026-04-05', '02:30', '2026-04-05T02:30:00+10:00'],
    ['America/Santiago', '2026-04-04', '23:30', '2026-04-04T23:30:00-04:00'],
  ];
  for (const [zone, date, time, later] of overlaps) {
    it(`${zone} ${date} ${time} is ${later} in summer and winter processes, whatever their zone`, () => {
      const cal = calendarIn(zone);
      for (const [now, processZone] of PROCESSES) {
        const process = `a process at ${new Date(now).toISOString().slice(0, 10)} in ${processZone}`;
        expect(asIfProcess(now, processZone, () => cal.localInstant(date, time)), process).toBe(Date.parse(later));
      }
    });
  }

  it('a local date-time string, an absolute rule and a working-days rule with a time all take the later occurrence', () => {
    const cal = calendarIn('America/New_York');
    const later = Date.parse('2026-11-01T01:30:00-05:00');
    const from = Date.parse('2026-10-31T12:00:00-04:00');
    for (const [now, processZone] of PROCESSES) {
      asIfProcess(now, processZone, () => {
        expect(cal.resolve(absolute('2026-11-01T01:30'), from)).toBe(later);
        expect(cal.resolve(workingDays(1, { time: '01:30' }), from)).toBe(later);
        expect(cal.addWorkingDays('2026-10-31T01:30', 1)).toBe(later);
      });
    }
  });

  it('ZonedTime.toInstant gives the same instant for every local time of the overlap day in summer and in winter processes', () => {
    for (const zone of ['America/New_York', 'Australia/Sydney', 'Europe/London']) {
      const z = new ZonedTime(zone);
      const date = zone === 'Australia/Sydney' ? '2026-04-05' : zone === 'Europe/London' ? '2026-10-25' : '2026-11-01';
      const ordinal = Math.floor(Date.parse(`${date}T00:00:00Z`) / DAY);
      for (let minute = 0; minute < 24 * 60; minute += 15) {
        const point = { ordinal, timeOfDay: minute * MINUTE };
        const summer = asIfProcess(SUMMER, 'UTC', () => z.toInstant(point));
        const winter = asIfProcess(WINTER, 'Pacific/Auckland', () => z.toInstant(point));
        expect(summer, `${zone} ${date} +${minute} min`).toBe(winter);
      }
    }
  });
});

describe('a local time that does not exist (DST gap) moves forward by the gap', () => {
  const gaps: [string, string, string, string][] = [
    ['America/New_York', '2026-03-08', '02:30', '2026-03-08T03:30:00-04:00'],
    ['Europe/London', '2026-03-29', '01:30', '2026-03-29T02:30:00+01:00'],
    ['Australia/Sydney', '2026-10-04', '02:30', '2026-10-04T03:30:00+11:00'],
    // Santiago springs forward at midnight: the day starts at 01:00.
    ['America/Santiago', '2026-09-06', '00:30', '2026-09-06T01:30:00-03:00'],
    ['America/Santiago', '2026-09-06', '00:00', '2026-09-06T01:00:00-03:00'],
  ];
  for (const [zone, date, time, expected] of gaps) {
    it(`${zone} ${date} ${time} is ${expected}, in summer and winter processes`, () => {
      const cal = calendarIn(zone);
      for (const [now, processZone] of PROCESSES) {
        expect(asIfProcess(now, processZone, () => cal.localInstant(date, time))).toBe(Date.parse(expected));
      }
    });
  }

  it('Pacific/Apia 2011-12-30, the day that did not exist, moves forward a day', () => {
    expect(calendarIn('Pacific/Apia').localInstant('2011-12-30', '12:00')).toBe(Date.parse('2011-12-31T12:00:00+14:00'));
  });
});

// ---- the property: over zones with DST, local times near each transition --------------------------

const DST_ZONES = ['America/New_York', 'Europe/London', 'Australia/Sydney', 'America/Santiago'] as const;

/** The zone's offset in ms at an instant, by luxon's IANAZone directly. */
function offsetMs(zone: string, instant: number): number {
  return Math.round(IANAZone.create(zone).offset(instant) * MINUTE);
}

/** The instants in `year` at which the zone's offset changes (found by day, then bisected to the ms). */
function transitionsOf(zone: string, year: number): number[] {
  const found: number[] = [];
  const start = Date.UTC(year, 0, 1);
  const end = Date.UTC(year + 1, 0, 1);
  for (let t = start; t < end; t += DAY) {
    if (offsetMs(zone, t) === offsetMs(zone, t + DAY)) continue;
    let lo = t;
    let hi = t + DAY; // offset(lo) != offset(hi); find the first instant with the new offset
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (offsetMs(zone, mid) === offsetMs(zone, lo)) lo = mid;
      else hi = mid;
    }
    found.push(hi);
  }
  return found;
}

const transitionCache = new Map<string, number[]>();
function cachedTransitions(zone: string, year: number): number[] {
  const key = `${zone} ${year}`;
  let list = transitionCache.get(key);
  if (list === undefined) transitionCache.set(key, (list = transitionsOf(zone, year)));
  return list;
}

/** The wall time (local fields read as UTC ms) of an instant in a zone, by luxon's formatting. */
function wallOf(zone: string, instant: number): number {
  const dt = DateTime.fromMillis(instant, { zone });
  return Date.UTC(dt.year, dt.month - 1, dt.day, dt.hour, dt.minute, dt.second, dt.millisecond);
}

/** Every instant whose wall time in the zone is `wall`: each offset seen within ±30 h tried. */
function occurrencesOf(zone: string, wall: number): number[] {
  const offsets = new Set<number>();
  for (let k = -60; k <= 60; k++) offsets.add(offsetMs(zone, wall + k * 30 * MINUTE));
  return [...new Set([...offsets].map((o) => wall - o))].filter((t) => wallOf(zone, t) === wall).sort((a, b) => a - b);
}

describe('property: the instant of a local time depends on the zone only, and is the later occurrence', () => {
  it('round-trips when the time exists, is the later of two occurrences, moves forward by the gap otherwise; for any process clock', () => {
    const caseArb = fc
      .record({
        zone: fc.constantFrom(...DST_ZONES),
        year: fc.integer({ min: 1995, max: 2037 }),
        which: fc.nat(),
        minutes: fc.integer({ min: -180, max: 180 }),
        now: fc.integer({ min: Date.UTC(1971, 0, 1), max: Date.UTC(2060, 0, 1) }),
        processZone: fc.constantFrom('UTC', 'America/New_York', 'Australia/Sydney', 'Asia/Shanghai'),
      })
      .filter(({ zone, year }) => cachedTransitions(zone, year).length > 0);
    fc.assert(
      fc.property(caseArb, ({ zone, year, which, minutes, now, processZone }) => {
        const list = cachedTransitions(zone, year);
        const at = list[which % list.length]!;
        const before = offsetMs(zone, at - 1);
        const after = offsetMs(zone, at);
        // A wall time within 3 h of where the clocks jump: before it, in the gap or overlap, after it.
        const wall = at + before + minutes * MINUTE;
        const date = new Date(wall).toISOString().slice(0, 10);
        const time = new Date(wall).toISOString().slice(11, 16);
        const cal = calendarIn(zone);
        const got = asIfProcess(now, processZone, () => cal.localInstant(date, time));
        const occurrences = occurrencesOf(zone, wall);
        if (occurrences.length > 0) {
          expect(wallOf(zone, got)).toBe(wall);
          expect(got).toBe(occurrences[occurrences.length - 1]);
        } else {
          // A gap: the wall time read with the offset before the jump, i.e. moved forward by the gap.
          expect(after).toBeGreaterThan(before);
          expect(got).toBe(wall - before);
          expect(wallOf(zone, got)).toBe(wall + (after - before));
        }
      }),
      { numRuns: 300 },
    );
  });
});
