import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { businessCalendar, parseHolidaySchedule, validateDeadlineRule, type DocketErrorCode } from '../src/index.js';
import { shownValue } from '../src/calendar/shown-value.js';
import { holidayCoverageCheck } from '../src/calendar/holiday-coverage.js';
import { holdsSlotObject } from './helpers/slot-objects.js';


// Values whose JSON and String() fail in each way: every calendar refusal must still be its typed error.
function deepArray(depth: number): unknown {
  let v: unknown = [];
  for (let i = 0; i < depth; i++) v = [v];
  return v;
}
function cycle(): unknown {
  const o: Record<string, unknown> = {};
  o['self'] = o;
  return o;
}
const unprintable = { toJSON: () => { throw new Error('toJSON'); }, toString: () => { throw new Error('toString'); } };
const hostile: readonly [string, () => unknown][] = [
  ['a BigInt', () => 10n],
  ['a cycle', cycle],
  ['an array 30,000 deep', () => deepArray(30_000)],
  ['a value whose toJSON and toString throw', () => unprintable],
  ['a Symbol', () => Symbol('s')],
];

function refusal(f: () => unknown): { code: DocketErrorCode; message: string } {
  try {
    f();
  } catch (error) {
    expect((error as Error).name, String((error as Error).message).slice(0, 200)).toBe('DocketError');
    return error as { code: DocketErrorCode; message: string };
  }
  throw new Error('not refused');
}

// Each place a calendar option or input is shown in a refusal, with the code it must refuse with.
const sites: readonly [string, DocketErrorCode, (v: unknown) => unknown][] = [
  ['businessCalendar({ workweek })', 'INVALID_ARGUMENT', (v) => businessCalendar({ workweek: v } as never)],
  ['businessCalendar({ holidays })', 'INVALID_ARGUMENT', (v) => businessCalendar({ holidays: v } as never)],
  ['businessCalendar({ holidays: [v] })', 'INVALID_ARGUMENT', (v) => businessCalendar({ holidays: [v] } as never)],
  ['businessCalendar({ onMissingYear })', 'INVALID_ARGUMENT', (v) => businessCalendar({ onMissingYear: v } as never)],
  ['businessCalendar({ statutoryWeekendRule })', 'INVALID_ARGUMENT', (v) => businessCalendar({ statutoryWeekendRule: v } as never)],
  ['businessCalendar({ zone })', 'INVALID_ARGUMENT', (v) => businessCalendar({ zone: v } as never)],
  ['businessCalendar({ workingHours })', 'INVALID_ARGUMENT', (v) => businessCalendar({ workingHours: v } as never)],
  ['holiday list year', 'INVALID_ARGUMENT', (v) => businessCalendar({ holidays: [{ years: [v] }] } as never)],
  ['holiday list entry', 'INVALID_ARGUMENT', (v) => businessCalendar({ holidays: [{ years: [2031], holidays: [v] }] } as never)],
  ['addWorkingDays(n)', 'INVALID_ARGUMENT', (v) => businessCalendar().addWorkingDays(Date.UTC(2026, 0, 5), v as never)],
  ['toLocal(input)', 'INVALID_ARGUMENT', (v) => businessCalendar().isWorkingDay(v as never)],
  ['holidayCoverageCheck({ years })', 'INVALID_ARGUMENT', (v) => holidayCoverageCheck('2026-06-01', { years: v } as never)],
  ['deadline rule', 'INVALID_DEADLINE_RULE', (v) => validateDeadlineRule({ kind: 'workingDays', days: v })],
  ['parseHolidaySchedule({ year })', 'INVALID_HOLIDAY_DATA', (v) => parseHolidaySchedule({ year: v, holidays: [] })],
  ['parseHolidaySchedule entry', 'INVALID_HOLIDAY_DATA', (v) => parseHolidaySchedule({ year: 2027, holidays: [v] })],
];

describe('a calendar refusal shows any bad value without a raw error of its own', () => {
  for (const [site, code, call] of sites) {
    for (const [what, make] of hostile) {
      it(`${site} refuses ${what} with ${code}`, () => {
        expect(refusal(() => call(make())).code).toBe(code);
      });
    }
  }

  it('shows the value where it can', () => {
    expect(refusal(() => businessCalendar({ workweek: 10n } as never)).message).toContain('Invalid workweek 10:');
    expect(refusal(() => businessCalendar({ zone: Symbol('Mars') } as never)).message).toContain('Unknown time zone Symbol(Mars):');
    expect(refusal(() => businessCalendar({ zone: 'Mars/Olympus' })).message).toContain('Unknown time zone "Mars/Olympus":');
    expect(refusal(() => parseHolidaySchedule({ year: 10n, holidays: [] })).message).toContain('Year 10 is not a year like 2027.');
  });

  it('keeps the holiday schedule\'s shown values within 80 characters, keys included', () => {
    const long = 'k'.repeat(100_000);
    for (const input of [{ [long]: {} }, { '2027': { [long]: [] } }, { year: long, holidays: [] }]) {
      const { code, message } = refusal(() => parseHolidaySchedule(input));
      expect(code).toBe('INVALID_HOLIDAY_DATA');
      expect(message.length).toBeLessThan(400);
    }
  });

  it('property: shownValue never throws, and every site refuses anything that is not a valid value with its code', () => {
    const value = fc.oneof(
      fc.anything({ withBigInt: true, withMap: true, withSet: true, withNullPrototype: true, withTypedArray: true, withSparseArray: true }),
      fc.constantFrom(...hostile.map(([, make]) => make())),
    );
    fc.assert(
      fc.property(value, fc.integer({ min: 1, max: 200 }), (v, max) => {
        const text = shownValue(v, max);
        expect(typeof text).toBe('string');
        expect(text.length).toBeLessThanOrEqual(max);
      }),
    );
    fc.assert(
      fc.property(
        value.filter((v) => typeof v !== 'string' && typeof v !== 'number' && v !== undefined && !Array.isArray(v)),
        fc.constantFrom(...sites),
        (v, [, code, call]) => {
          try {
            call(v);
          } catch (error) {
            expect((error as Error).name).toBe('DocketError');
            // A Map, Set, typed array or boxed value inside is refused at the plain-input boundary.
            expect((error as { code: string }).code).toBe(holdsSlotObject(v) ? 'INVALID_ARGUMENT' : code);
          }
        },
      ),
      { numRuns: 300 },
    );
  });
});
