// A holiday schedule that gives one year twice silently kept the last: JSON.parse drops the first of
// two equal keys, and holiday lists compose day by day (a draft and the corrected notice for 2027 gave
// their union: a day the correction gave back to work stayed off). Both are refused now, naming the year.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, isDocketError, parseHolidaySchedule, type HolidayList } from '../src/index.js';
import { CN_HOLIDAY_DATA } from '../src/calendar/index.js';
import { duplicateJsonKey } from '../src/calendar/json-duplicate-keys.js';

const draft = { holidays: [['2027-10-01', '2027-10-07', '国庆节']], workdays: [['2027-09-26', '国庆节']] };
const corrected = { holidays: [['2027-10-01', '2027-10-08', '国庆节']], workdays: [['2027-10-09', '国庆节']] };
const yearText = (y: string, v: unknown) => `${JSON.stringify(y)}: ${JSON.stringify(v)}`;

function refusal(fn: () => unknown): unknown[] {
  try {
    fn();
  } catch (e) {
    return isDocketError(e) ? [e.code, e.details.year] : [`raw ${String(e)}`];
  }
  return ['accepted'];
}

describe('a holiday year given twice', () => {
  it('JSON text listing 2027 twice is INVALID_HOLIDAY_DATA naming 2027, however the key is written; loaded once it is accepted', () => {
    expect(refusal(() => parseHolidaySchedule(`{${yearText('2027', draft)}, ${yearText('2027', corrected)}}`))).toEqual(['INVALID_HOLIDAY_DATA', 2027]);
    expect(refusal(() => parseHolidaySchedule(`{ "2027": ${JSON.stringify(draft)},\n  "\\u0032027" : ${JSON.stringify(corrected)} }`))).toEqual(['INVALID_HOLIDAY_DATA', 2027]);
    // The same key twice inside a year (a second "holidays" list) dropped the first list.
    expect(refusal(() => parseHolidaySchedule(`{"2027": {"holidays": [["2027-10-01","2027-10-07","国庆节"]], "holidays": [["2027-10-01","2027-10-08","国庆节"]]}}`))).toEqual(['INVALID_HOLIDAY_DATA', 2027]);
    expect(refusal(() => parseHolidaySchedule(`{"year": 2027, "year": 2028, "holidays": [["2027-10-01","2027-10-07","国庆节"]]}`))).toEqual(['INVALID_HOLIDAY_DATA', undefined]);
    let message = '';
    try {
      parseHolidaySchedule(`{${yearText('2027', draft)}, ${yearText('2027', corrected)}}`);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/Year 2027 is listed twice.*Keep one/);
    // Not a duplicate: the same key in two different objects, or a string value equal to a key.
    expect(parseHolidaySchedule(`{${yearText('2027', corrected)}, ${yearText('2028', { holidays: [['2028-10-01', '2028-10-07', '2027']] })}}`).map((l) => l.years)).toEqual([[2027], [2028]]);
  });

  it('two holiday lists that give 2027 differently are INVALID_HOLIDAY_DATA naming 2027 and the first date they differ on; the same list twice is accepted', () => {
    const [a] = parseHolidaySchedule({ 2027: draft });
    const [b] = parseHolidaySchedule({ 2027: corrected });
    expect(refusal(() => businessCalendar({ holidays: ['CN', a!, b!] }))).toEqual(['INVALID_HOLIDAY_DATA', 2027]);
    try {
      businessCalendar({ holidays: ['CN', a!, b!] });
    } catch (e) {
      expect(isDocketError(e) && e.details.date).toBe('2027-09-26');
    }
    expect(businessCalendar({ holidays: ['CN', b!, b!] }).isWorkingDay('2027-10-09')).toBe(true);
    // A list that repeats a year Docket ships, day for day, is one fact (a release that now ships it).
    const shipped = Number(Object.keys(CN_HOLIDAY_DATA).at(-1));
    const again = parseHolidaySchedule({ [shipped]: CN_HOLIDAY_DATA[shipped as keyof typeof CN_HOLIDAY_DATA] });
    expect(businessCalendar({ holidays: ['CN', ...again] }).yearCoverage(shipped)).toBe('official');
    const changed: HolidayList = { years: [shipped], holidays: [`${shipped}-03-03`], workdays: [] };
    expect(refusal(() => businessCalendar({ holidays: ['CN', ...again, changed] }))).toEqual(['INVALID_HOLIDAY_DATA', shipped]);
    // A list without `years` only adds days: a company holiday is not a second schedule.
    expect(businessCalendar({ holidays: ['CN', b!, { holidays: ['2027-06-01'] }] }).isWorkingDay('2027-06-01')).toBe(false);
  });

  it('property: a JSON object has a duplicate key exactly when its text repeats one (whatever the spacing and nesting), and parseHolidaySchedule refuses exactly those', () => {
    const key = fc.constantFrom('2027', '2028', 'holidays', 'workdays', 'a');
    fc.assert(
      fc.property(fc.array(fc.tuple(key, fc.oneof(fc.integer(), fc.constant('2027'), fc.dictionary(key, fc.integer(), { maxKeys: 2 }))), { minLength: 1, maxLength: 5 }), fc.constantFrom('', ' ', '\n  '), (entries, gap) => {
        const text = `{${entries.map(([k, v]) => `${gap}${JSON.stringify(k)}${gap}:${gap}${JSON.stringify(v)}`).join(',')}}`;
        const keys = entries.map(([k]) => k);
        const duplicated = new Set(keys).size !== keys.length;
        expect(duplicateJsonKey(text) !== undefined).toBe(duplicated);
        if (duplicated) expect(refusal(() => parseHolidaySchedule(text))[0]).toBe('INVALID_HOLIDAY_DATA');
      }),
      { numRuns: 300 },
    );
  });

  it('property: two schedules for one year compose only when they give every day of it the same meaning', () => {
    const day = fc.integer({ min: 0, max: 364 }).map((n) => new Date(Date.UTC(2027, 0, 1 + n)).toISOString().slice(0, 10));
    fc.assert(
      fc.property(fc.uniqueArray(day, { maxLength: 6 }), fc.uniqueArray(day, { maxLength: 6 }), (offA, offB) => {
        const a: HolidayList = { years: [2027], holidays: offA };
        const b: HolidayList = { years: [2027], holidays: offB };
        const same = offA.length === offB.length && offA.every((d) => offB.includes(d));
        expect(refusal(() => businessCalendar({ holidays: ['CN', a, b] }))).toEqual(same ? ['accepted'] : ['INVALID_HOLIDAY_DATA', 2027]);
      }),
      { numRuns: 200 },
    );
  });
});
