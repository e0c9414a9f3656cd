// The kind behind tests/calendar-time-without-date.test.ts, tests/luxon-settings-refusals.test.ts,
// tests/cli-tz-machine-zone.test.ts, tests/cli-simulate-date-hint-zone.test.ts and
// tests/cli-workflow-order-locale.test.ts: an answer that depends on the machine running it
// instead of on what the caller passed. A calendar's answers depend on its zone, its holidays and
// the inputs; a clock's start and a deadline rule's check on the text given. This property asks the
// same questions in the plain process and again under another machine: another process time zone
// (TZ, read by Date and by luxon's system zone), another real date (a faked Date), and luxon's
// process-wide Settings as an application may set them (throwOnInvalid, defaultZone, defaultLocale,
// numbering system, output calendar, week settings, now). Every answer and every refusal must be
// the same. PROP_RUNS sets the number of runs (default 150).
import fc from 'fast-check';
import { Settings } from 'luxon';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { businessCalendar, isDocketError, validateDeadlineRule, virtualClock, workingHours } from '../src/index.js';

const PROP_RUNS = Number(process.env.PROP_RUNS ?? 150);
const calendars = [businessCalendar({ zone: 'Asia/Shanghai', holidays: ['CN'] }), businessCalendar({ zone: 'America/New_York', onWarning: () => {} })];

/** What a caller sees: the answer, the DocketError's code and field, or a raw error's name and text. */
function outcome(fn: () => unknown): unknown {
  try {
    return { answer: fn() };
  } catch (error) {
    return isDocketError(error) ? { code: error.code, field: error.details['field'] } : `raw ${(error as Error).name}: ${(error as Error).message}`;
  }
}

type Input = string | number;

function answers(input: Input, time: string): unknown {
  const byCalendar = calendars.map((cal) => ({
    isWorkingDay: outcome(() => cal.isWorkingDay(input)),
    nextWorkingDay: outcome(() => cal.nextWorkingDay(input)),
    addWorkingDays: outcome(() => cal.addWorkingDays(input, 2)),
    addWorkingHours: outcome(() => cal.addWorkingHours(input, 3)),
    between: outcome(() => cal.workingDaysBetween('2026-10-01', input)),
    toLocalDate: outcome(() => cal.toLocalDate(input)),
    quarterOf: outcome(() => cal.quarterOf(input)),
    describeDay: outcome(() => cal.describeDay(input)),
    localInstant: outcome(() => cal.localInstant(typeof input === 'string' ? input.slice(0, 10) : '2026-10-08', time)),
    absolute: outcome(() => cal.resolve({ kind: 'absolute', at: input } as never, Date.UTC(2026, 9, 1))),
    workingHours: outcome(() => cal.resolve(workingHours(5), typeof input === 'number' ? input : Date.UTC(2026, 9, 8, 3))),
  }));
  return { byCalendar, clock: outcome(() => virtualClock(input).now()), rule: outcome(() => validateDeadlineRule({ kind: 'absolute', at: input } as never)) };
}

interface Machine {
  readonly tz: string;
  readonly realNow: number;
  readonly luxon: {
    readonly throwOnInvalid: boolean;
    readonly defaultZone: string;
    readonly defaultLocale: string;
    readonly numbering: string;
    readonly outputCalendar: string;
    readonly firstDay: number;
    readonly now: number;
  };
}

const before = {
  tz: process.env.TZ,
  throwOnInvalid: Settings.throwOnInvalid,
  defaultZone: Settings.defaultZone,
  defaultLocale: Settings.defaultLocale,
  numbering: Settings.defaultNumberingSystem,
  outputCalendar: Settings.defaultOutputCalendar,
  weekSettings: Settings.defaultWeekSettings,
  now: Settings.now,
};

function restore(): void {
  vi.useRealTimers();
  if (before.tz === undefined) delete process.env.TZ;
  else process.env.TZ = before.tz;
  Settings.throwOnInvalid = before.throwOnInvalid;
  Settings.defaultZone = before.defaultZone;
  Settings.defaultLocale = before.defaultLocale;
  Settings.defaultNumberingSystem = before.numbering;
  Settings.defaultOutputCalendar = before.outputCalendar;
  Settings.defaultWeekSettings = before.weekSettings;
  Settings.now = before.now;
}

function on(machine: Machine): void {
  process.env.TZ = machine.tz;
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(machine.realNow);
  Settings.throwOnInvalid = machine.luxon.throwOnInvalid;
  Settings.defaultZone = machine.luxon.defaultZone;
  Settings.defaultLocale = machine.luxon.defaultLocale;
  Settings.defaultNumberingSystem = machine.luxon.numbering;
  Settings.defaultOutputCalendar = machine.luxon.outputCalendar;
  Settings.defaultWeekSettings = { firstDay: machine.luxon.firstDay as 1 | 2 | 3 | 4 | 5 | 6 | 7, minimalDays: 1, weekend: [5, 6] };
  Settings.now = () => machine.luxon.now;
}

afterEach(restore);

const two = (min: number, max: number) => fc.integer({ min, max }).map((n) => String(n).padStart(2, '0'));
/** ISO-ish text: real and impossible dates (02-30, month 13, week 60, day 400), times (25:00, 09:60), offsets, zones. */
const text: fc.Arbitrary<string> = fc.oneof(
  fc
    .tuple(
      fc.constantFrom('2026', '2027', '2011', '1999', '9999', '0001'),
      fc.oneof(
        fc.tuple(two(0, 13), two(0, 32)).map(([m, d]) => `-${m}-${d}`),
        two(0, 60).map((w) => `-W${w}-${1 + (Number(w) % 8)}`),
        fc.integer({ min: 0, max: 400 }).map((d) => `-${String(d).padStart(3, '0')}`),
      ),
      fc.option(fc.tuple(two(0, 25), two(0, 60), fc.option(two(0, 60))).map(([h, m, s]) => `T${h}:${m}${s === null ? '' : `:${s}`}`)),
      fc.constantFrom('', '', 'Z', '+08:00', '-05:00', '+0530', '+08:00[Asia/Shanghai]', '[Asia/Shanghai]'),
    )
    .map(([y, d, t, o]) => `${y}${d}${t ?? ''}${t === null ? '' : o}`),
  fc.stringMatching(/^[0-9T:+\-.WZ ]{1,20}$/),
);
const input: fc.Arbitrary<Input> = fc.oneof(text, fc.integer({ min: -2e12, max: 4e12 }));
const machine: fc.Arbitrary<Machine> = fc.record({
  tz: fc.constantFrom('UTC', 'America/New_York', 'Pacific/Chatham', 'Asia/Kolkata', 'Pacific/Apia', 'America/Santiago', 'Australia/Lord_Howe', 'Pacific/Kiritimati'),
  realNow: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2080, 0, 1) }),
  luxon: fc.record({
    throwOnInvalid: fc.boolean(),
    defaultZone: fc.constantFrom('system', 'America/New_York', 'Pacific/Chatham', 'UTC+5'),
    defaultLocale: fc.constantFrom('en-US', 'ar-SA', 'zh-CN', 'th-TH', 'fa-IR'),
    numbering: fc.constantFrom('latn', 'arab', 'hanidec', 'thai'),
    outputCalendar: fc.constantFrom('gregory', 'islamic', 'buddhist', 'persian'),
    firstDay: fc.integer({ min: 1, max: 7 }),
    now: fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2080, 0, 1) }),
  }),
});

describe("property: no answer depends on the machine's zone, real date or luxon settings", () => {
  it('the calendar, a virtual clock and a deadline rule answer the same on any machine', () => {
    fc.assert(
      fc.property(input, fc.constantFrom('09:00', '18:30', '24:00', '9:00', '25:00'), machine, (at, time, m) => {
        restore();
        const plain = answers(at, time);
        on(m);
        const there = answers(at, time);
        restore();
        expect(there).toEqual(plain);
      }),
      { numRuns: PROP_RUNS },
    );
  });
});
