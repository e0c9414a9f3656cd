// The calendar's public entry points read what a caller passes as plain data, once
// (src/input/plain-input.ts). A Proxy or a getter that throws was let through as the caller's raw
// error at about twenty of them (businessCalendar's options, every calendar method, the deadline
// rule builders, parseHolidaySchedule, the quarter helpers); it is INVALID_ARGUMENT naming the field.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  absolute,
  businessCalendar,
  compareQuarters,
  describeDeadlineRule,
  duration,
  formatQuarter,
  holidayCoverageCheck,
  isDocketError,
  parseHolidaySchedule,
  parseQuarter,
  quarterDay,
  quarterMonth,
  shiftQuarter,
  statutoryDaysOff,
  validateDeadlineRule,
  workingDays,
  workingHours,
  type BusinessCalendar,
} from '../src/index.js';
import { isQuarterRef, resolveDeadline } from '../src/calendar/index.js';

class Boom extends Error {}
const boom = (): never => {
  throw new Boom('boom');
};
/** An object whose listed keys are getters that throw. */
const throwingGetters = (keys: readonly string[]): object => Object.defineProperties({}, Object.fromEntries(keys.map((k) => [k, { get: boom, enumerable: true }])));
/** A Proxy whose every trap throws. */
const hostileProxy = (): object => new Proxy({}, { get: boom, has: boom, ownKeys: boom, getOwnPropertyDescriptor: boom, getPrototypeOf: boom });

function refusal(fn: () => unknown): { code: string; field: unknown; cause: unknown } {
  try {
    fn();
  } catch (error) {
    if (!isDocketError(error)) throw new Error(`raw error: ${String(error)}`);
    return { code: error.code, field: error.details['field'], cause: error.details['cause'] };
  }
  throw new Error('no error');
}

const cal = businessCalendar();

/** Built-ins whose contents are not their keys: copied key by key, each became an object that lost them. */
const SLOT_VALUES: readonly (() => object)[] = [
  () => new Map([['at', '17:00']]),
  () => new Set([2030]),
  () => new WeakMap(),
  () => new WeakSet(),
  () => new ArrayBuffer(4),
  () => new DataView(new ArrayBuffer(4)),
  () => new Uint8Array([1, 2]),
  () => /17:00/,
  () => Promise.resolve(1),
  () => new String('17:00'),
  () => new Number(3),
  () => new Boolean(true),
  () => Object(Symbol('s')) as object,
  () => Object(BigInt(1)) as object,
  () => new (class MyMap extends Map {})(),
];

// A Map, a Set or a boxed value was copied as {} (or its indices): `workingDays(3, new Map([['at',
// '17:00']]))` silently lost its time of day, `businessCalendar(new Map(...))` gave the default
// calendar, and `duration({ hours: new Number(2) })` was refused as "got {}", naming no field.
describe('calendar entry points: a built-in whose contents are not its keys is INVALID_ARGUMENT naming the field', () => {
  it.each([
    ['workingDays options Map', () => workingDays(3, new Map([['at', '17:00']]) as never), 'options', 'a Map'],
    ['businessCalendar options Map', () => businessCalendar(new Map([['holidays', []]]) as never), 'options', 'a Map'],
    ['businessCalendar holidays Set', () => businessCalendar({ holidays: new Set(['CN']) as never }), 'options.holidays', 'a Set'],
    ['holidayCoverageCheck years Set', () => holidayCoverageCheck('2026-12-01', { years: new Set([2030]) as never }), 'options.years', 'a Set'],
    ['duration hours boxed', () => duration({ hours: new Number(2) } as never), 'duration.hours', 'a Number object'],
    ['absolute options RegExp', () => absolute('2027-01-01T00:00:00+08:00', /x/ as never), 'options', 'a RegExp'],
    ['quarterDay spec typed array', () => quarterDay(new Uint8Array(2) as never), 'spec', 'a typed array'],
    ['calendar.roll a Map subclass', () => cal.roll('2026-10-01', new (class Rolls extends Map {})() as never), expect.stringMatching(/./), 'a Map'],
  ])('%s', (_name, call, field, what) => {
    let message = '';
    try {
      call();
    } catch (error) {
      message = error instanceof Error ? error.message : String(error);
    }
    expect(refusal(call)).toEqual({ code: 'INVALID_ARGUMENT', field, cause: undefined });
    expect(message).toContain(`is ${what}:`);
  });

  it('a Map 30,000 arrays deep is named by a path shown by its ends, not 90,000 characters of it', () => {
    let deep: unknown = new Map();
    for (let i = 0; i < 30_000; i++) deep = [deep];
    const { code, field } = refusal(() => duration(deep as never));
    expect(code).toBe('INVALID_ARGUMENT');
    expect(field).toBe(`duration${'[0]'.repeat(7)}…(29985 levels)…${'[0]'.repeat(8)}`);
  });

  it('the same options as plain data are read as before', () => {
    expect(workingDays(3, { at: '17:00' } as never)).toEqual(workingDays(3, { at: '17:00' } as never));
    expect(holidayCoverageCheck('2026-12-01', { years: [2030] }).lastOfficialYear).toBe(2030);
    expect(duration({ hours: 2 })).toEqual({ kind: 'duration', duration: { hours: 2 } });
  });

  it('an object of many keys counts them against the value cap (a prototype of 10^6 keys under 2 objects)', () => {
    const proto: Record<string, number> = {};
    for (let i = 0; i < 600_000; i++) proto[`k${i}`] = i;
    const call = () => duration([Object.create(proto), Object.create(proto)] as never);
    expect(refusal(call)).toMatchObject({ code: 'INVALID_ARGUMENT', field: expect.stringMatching(/^duration\[[01]\]$/) });
  });
});

describe('calendar entry points: a Proxy or a throwing getter is INVALID_ARGUMENT naming the field', () => {
  const cases: [string, () => unknown, string][] = [
    ['businessCalendar(options with a throwing getter)', () => businessCalendar(throwingGetters(['zone']) as never), 'options.zone'],
    ['businessCalendar(a Proxy)', () => businessCalendar(hostileProxy() as never), 'options'],
    ['businessCalendar(holidays list with a throwing getter)', () => businessCalendar({ holidays: [{ year: 2030, holidays: [throwingGetters(['date'])] }] } as never), 'options.holidays[0].holidays[0].date'],
    ['calendar.addWorkingDays(a Proxy, 3)', () => cal.addWorkingDays(hostileProxy() as never, 3), 'at'],
    ['calendar.addWorkingDays(date, a Proxy)', () => cal.addWorkingDays('2026-12-01', hostileProxy() as never), 'days'],
    ['calendar.resolve(a Proxy rule)', () => cal.resolve(hostileProxy() as never, 0), 'rule'],
    ['calendar.resolve(rule with a throwing getter)', () => cal.resolve(throwingGetters(['kind']) as never, 0), 'rule.kind'],
    ['calendar.resolveWithProvenance(rule with a throwing nested getter)', () => cal.resolveWithProvenance({ kind: 'quarterDay', quarter: throwingGetters(['relative']), month: 1, day: 5 } as never, 0), 'rule.quarter.relative'],
    ['calendar.isWorkingDay(a Proxy)', () => cal.isWorkingDay(hostileProxy() as never), 'at'],
    ['calendar.workingDaysBetween(date, a Proxy)', () => cal.workingDaysBetween('2026-12-01', hostileProxy() as never), 'to'],
    ['calendar.quarterDates(a throwing getter)', () => cal.quarterDates(throwingGetters(['year', 'quarter']) as never), 'quarter.year'],
    ['calendar.quarterDay(a throwing getter)', () => cal.quarterDay({ quarter: { year: 2027, quarter: 1 }, month: 1, day: throwingGetters(['x']) } as never), 'query.day.x'],
    ['calendar.daysInRange(a Proxy)', () => cal.daysInRange(hostileProxy() as never, '2026-12-02'), 'from'],
    ['parseHolidaySchedule(a Proxy)', () => parseHolidaySchedule(hostileProxy()), 'input'],
    ['parseHolidaySchedule(a throwing getter)', () => parseHolidaySchedule(throwingGetters(['year'])), 'input.year'],
    ['parseQuarter(a Proxy)', () => parseQuarter(hostileProxy() as never), 'text'],
    ['isQuarterRef(a Proxy)', () => isQuarterRef(hostileProxy()), 'value'],
    ['formatQuarter(a throwing getter)', () => formatQuarter(throwingGetters(['year']) as never), 'q.year'],
    ['shiftQuarter(a throwing getter, 1)', () => shiftQuarter(throwingGetters(['quarter']) as never, 1), 'q.quarter'],
    ['quarterMonth(a Proxy, 1)', () => quarterMonth(hostileProxy() as never, 1), 'q'],
    ['compareQuarters(q, a Proxy)', () => compareQuarters({ year: 2027, quarter: 1 }, hostileProxy() as never), 'b'],
    ['statutoryDaysOff(a Proxy)', () => statutoryDaysOff(hostileProxy() as never), 'year'],
    ['validateDeadlineRule(a Proxy)', () => validateDeadlineRule(hostileProxy()), 'rule'],
    ['describeDeadlineRule(a throwing getter)', () => describeDeadlineRule(throwingGetters(['kind']) as never, 'zh-CN'), 'rule.kind'],
    ['workingDays(3, options with a throwing getter)', () => workingDays(3, throwingGetters(['time']) as never), 'options.time'],
    ['absolute(a Proxy)', () => absolute(hostileProxy() as never), 'at'],
    ['quarterDay(a throwing getter)', () => quarterDay(throwingGetters(['month']) as never), 'spec.month'],
    ['duration(a throwing getter)', () => duration(throwingGetters(['days']) as never), 'duration.days'],
    ['holidayCoverageCheck(today, a Proxy)', () => holidayCoverageCheck('2026-12-01', hostileProxy() as never), 'options'],
    ['resolveDeadline(a Proxy rule)', () => resolveDeadline(hostileProxy() as never, 0, cal), 'rule'],
  ];
  for (const [name, fn, field] of cases) {
    it(name, () => {
      const r = refusal(fn);
      expect(r.code).toBe('INVALID_ARGUMENT');
      expect(r.field).toBe(field);
    });
  }

  it("a getter's own error is kept as the cause", () => {
    expect(refusal(() => cal.resolve(throwingGetters(['kind']) as never, 0)).cause).toBeInstanceOf(Boom);
  });

  it('a Date is read from its internal slot, not through a getTime it carries', () => {
    const at = new Date('2026-09-30T02:00:00Z');
    Object.defineProperty(at, 'getTime', { value: boom });
    Object.defineProperty(at, 'valueOf', { value: boom });
    expect(cal.addWorkingDays(at, 1)).toBe(cal.addWorkingDays(Date.parse('2026-09-30T02:00:00Z'), 1));
  });

  it('a coercion hook the caller adds is not run: an object for a string is refused as the object it is', () => {
    const r = refusal(() => parseQuarter({ toString: boom } as never));
    expect(r.code).toBe('INVALID_ARGUMENT');
  });

  it('a getter is read exactly once, and the value it gave is the one used', () => {
    let reads = 0;
    const rule = Object.defineProperty({ kind: 'workingDays' }, 'days', {
      enumerable: true,
      get: () => (++reads === 1 ? 1 : 250),
    });
    const from = Date.parse('2026-09-30T02:00:00Z');
    expect(cal.resolve(rule as never, from)).toBe(cal.resolve(workingDays(1), from));
    expect(reads).toBe(1);
  });

  it('plain input gives the same answers as before (inherited keys read, shared objects kept)', () => {
    const q = { year: 2027, quarter: 1 as const };
    expect(compareQuarters(q, q)).toBe(0);
    const inherited = Object.create({ kind: 'workingDays', days: 2 }) as object;
    const from = Date.parse('2026-09-30T02:00:00Z');
    expect(() => cal.resolve(inherited as never, from)).not.toThrow();
    expect(workingHours(3)).toEqual({ kind: 'workingHours', hours: 3 });
  });

  it('a rule a builder made is frozen, so the boundary may pass it on uncopied and no getter can be added to it later', () => {
    const rule = workingDays(2, { time: '10:00' });
    expect(Object.isFrozen(rule)).toBe(true);
    expect(() => Object.defineProperty(rule, 'days', { get: boom })).toThrow(TypeError);
    const from = Date.parse('2026-09-30T02:00:00Z');
    expect(cal.resolve(rule, from)).toBe(cal.resolve({ kind: 'workingDays', days: 2, time: '10:00' } as never, from));
  });

  it('a Proxy as the prototype is refused before its traps run', () => {
    let trapped = 0;
    const proto = new Proxy({ kind: 'workingDays', days: 2 }, { get: (t, k, r) => (trapped++, Reflect.get(t, k, r)) });
    const r = refusal(() => validateDeadlineRule(Object.create(proto)));
    expect([r.code, r.field, trapped]).toEqual(['INVALID_ARGUMENT', 'rule', 0]);
  });

  it('a sparse array of length 10^9 is refused at once by the value cap, not copied hole by hole', () => {
    const a: number[] = [];
    a.length = 1e9;
    a[0] = 1;
    const r = refusal(() => businessCalendar({ workweek: a as never }));
    expect([r.code, r.field]).toEqual(['INVALID_ARGUMENT', 'options.workweek']);
  });

  it('a Date subclass is read as the Date it is', () => {
    class LocalDate extends Date {}
    expect(cal.isWorkingDay(new LocalDate('2026-10-10T03:00:00Z'))).toBe(cal.isWorkingDay(Date.parse('2026-10-10T03:00:00Z')));
  });

  it("a key made enumerable on Object.prototype is not read as the argument's own", () => {
    Object.defineProperty(Object.prototype, 'zzzPolluted', { value: 1, enumerable: true, configurable: true, writable: true });
    try {
      const from = Date.parse('2026-09-30T02:00:00Z');
      expect(cal.resolve({ kind: 'workingDays', days: 1 } as never, from)).toBe(cal.resolve(workingDays(1), from));
    } finally {
      delete (Object.prototype as Record<string, unknown>)['zzzPolluted'];
    }
  });

  it("an accessor someone put on Object.prototype is not run by the copy, and the argument's own key is kept", () => {
    let setterRan = 0;
    Object.defineProperty(Object.prototype, 'days', {
      configurable: true,
      get: () => undefined,
      set: () => void setterRan++,
    });
    try {
      const from = Date.parse('2026-09-30T02:00:00Z');
      const rule = { kind: 'workingDays' } as Record<string, unknown>;
      Object.defineProperty(rule, 'days', { value: 3, enumerable: true, writable: true, configurable: true });
      const got = cal.resolve(rule as never, from);
      delete (Object.prototype as Record<string, unknown>)['days'];
      expect([got, setterRan]).toEqual([cal.resolve(workingDays(3), from), 0]);
    } finally {
      delete (Object.prototype as Record<string, unknown>)['days'];
    }
  });

  it('a refusal changes nothing: the calendar answers as a fresh one after it', () => {
    const c = businessCalendar();
    const from = Date.parse('2026-12-25T02:00:00Z');
    for (const [, fn] of cases) {
      try {
        fn();
      } catch {
        // refused, as the cases above check
      }
    }
    expect(c.resolve(workingDays(5), from)).toBe(businessCalendar().resolve(workingDays(5), from));
    expect(cal.describeDay('2027-01-01')).toEqual(businessCalendar().describeDay('2027-01-01'));
  });
});

describe('property: no calendar entry point lets a caller error through', () => {
  // Values with a Proxy or a throwing getter somewhere inside, at any depth. fast-check is given a
  // plan of the value (it reads what it generates, and a hostile value would throw at it), and the
  // property builds the value from the plan.
  type Plan = { readonly leaf: unknown } | { readonly proxy: true } | { readonly getters: readonly string[] } | { readonly slot: number } | { readonly list: readonly Plan[] } | { readonly dict: Readonly<Record<string, Plan>> };
  const build = (plan: Plan): unknown => {
    if ('leaf' in plan) return plan.leaf;
    if ('slot' in plan) return SLOT_VALUES[plan.slot]!();
    if ('proxy' in plan) return hostileProxy();
    if ('getters' in plan) return throwingGetters(plan.getters);
    if ('list' in plan) return plan.list.map(build);
    return Object.fromEntries(Object.entries(plan.dict).map(([k, v]) => [k, build(v)]));
  };
  const hostile: fc.Arbitrary<Plan> = fc.letrec((tie) => ({
    leaf: fc.oneof(fc.constant(undefined), fc.constant(null), fc.integer(), fc.string({ maxLength: 12 }), fc.constantFrom('2026-12-01', '2027-Q1', 'workingDays', 'zh-CN')).map((leaf) => ({ leaf })),
    bad: fc.oneof(
      fc.constant({ proxy: true as const }),
      fc.array(fc.string({ minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }).map((getters) => ({ getters })),
      fc.integer({ min: 0, max: SLOT_VALUES.length - 1 }).map((slot) => ({ slot })),
    ),
    node: fc.oneof(
      { depthSize: 'small' },
      tie('leaf'),
      tie('bad'),
      fc.array(tie('node'), { maxLength: 3 }).map((list) => ({ list })),
      fc.dictionary(fc.constantFrom('kind', 'days', 'year', 'quarter', 'holidays', 'zone', 'at', 'month', 'day', 'time'), tie('node'), { maxKeys: 4 }).map((dict) => ({ dict })),
    ),
    // Always at least one hostile part.
    value: fc.oneof(
      tie('bad'),
      fc.tuple(tie('bad'), tie('node')).map(([b, n]) => ({ list: [n, b] })),
      fc.tuple(tie('bad'), tie('node')).map(([b, n]) => ({ dict: { kind: { leaf: 'workingDays' }, holidays: { list: [n] }, days: b } })),
    ),
  })).value as fc.Arbitrary<Plan>;

  const entryPoints: [string, (arg: unknown, c: BusinessCalendar) => unknown][] = [
    ['businessCalendar', (a) => businessCalendar(a as never)],
    ['calendar.resolve', (a, c) => c.resolve(a as never, 0)],
    ['calendar.resolveWithProvenance', (a, c) => c.resolveWithProvenance(a as never, 0)],
    ['calendar.addWorkingDays', (a, c) => c.addWorkingDays(a as never, 1)],
    ['calendar.addWorkingHours', (a, c) => c.addWorkingHours(0, a as never)],
    ['calendar.roll', (a, c) => c.roll('2026-10-01', a as never)],
    ['calendar.quarterDay', (a, c) => c.quarterDay(a as never)],
    ['calendar.quarterDates', (a, c) => c.quarterDates(a as never)],
    ['calendar.localInstant', (a, c) => c.localInstant('2026-10-08', a as never)],
    ['calendar.describeDay', (a, c) => c.describeDay(a as never)],
    ['calendar.hasYear', (a, c) => c.hasYear(a as never)],
    ['parseHolidaySchedule', (a) => parseHolidaySchedule(a)],
    ['validateDeadlineRule', (a) => validateDeadlineRule(a)],
    ['describeDeadlineRule', (a) => describeDeadlineRule(a as never, 'en')],
    ['workingDays', (a) => workingDays(2, a as never)],
    ['absolute', (a) => absolute('2026-10-08', a as never)],
    ['quarterDay', (a) => quarterDay(a as never)],
    ['duration', (a) => duration(a as never)],
    ['parseQuarter', (a) => parseQuarter(a as never)],
    ['isQuarterRef', (a) => isQuarterRef(a)],
    ['shiftQuarter', (a) => shiftQuarter(a as never, 1)],
    ['formatQuarter', (a) => formatQuarter(a as never)],
    ['statutoryDaysOff', (a) => statutoryDaysOff(2027, a as never)],
    ['holidayCoverageCheck', (a) => holidayCoverageCheck('2026-12-01', a as never)],
    ['resolveDeadline', (a, c) => resolveDeadline(a as never, 0, c)],
  ];

  it('any value with a Proxy, a throwing getter or a built-in holding its contents in slots inside is refused as INVALID_ARGUMENT before anything runs, and the calendar is unchanged', () => {
    const c = businessCalendar();
    const from = Date.parse('2026-12-25T02:00:00Z');
    const before = c.resolve(workingDays(5), from);
    fc.assert(
      fc.property(fc.constantFrom(...entryPoints), hostile, ([, call], plan) => {
        const value = build(plan);
        // The whole argument is read before anything runs, so the hostile part is always met.
        let code: unknown = 'no error';
        try {
          call(value, c);
        } catch (error) {
          code = isDocketError(error) ? error.code : error;
        }
        expect(code).toBe('INVALID_ARGUMENT');
        expect(c.resolve(workingDays(5), from)).toBe(before);
      }),
      { numRuns: 2000 },
    );
  });
});
