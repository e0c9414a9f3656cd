// A holiday schedule that gives one year twice silently kept the last: JSON.parse drops the first of
// two equal keys, and holiday lists compose day by day (a draft and the corrected notice for 2027 gave
// their union: a day the correction gave back to work stayed off). Both are refused now, naming the year.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, isDocketError, parseHolidaySchedule, type HolidayList } from '../src/index.js';
import { CN_HOLIDAY_DATA } from '../src/calendar/index.js';
import { duplicateJsonKey } from '../src/calendar/json-duplicate-keys.js';
import { holdsSlotObject } from './helpers/slot-objects.js';

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

// jsonc-parser's visitor recurses once per nesting level: a text JSON.parse reads (an array nested
// 20,000 deep in a schedule) threw a raw RangeError out of parseHolidaySchedule, not INVALID_HOLIDAY_DATA.
describe('duplicate keys at any nesting', () => {
  type Node = { readonly object: readonly (readonly [string, Node])[] } | { readonly array: readonly Node[] } | { readonly leaf: number };
  const write = (n: Node, escape: boolean): string =>
    'leaf' in n
      ? String(n.leaf)
      : 'array' in n
        ? `[${n.array.map((c) => write(c, escape)).join(', ')}]`
        : `{${n.object.map(([k, c]) => `${escape ? `"${[...k].map((ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`).join('')}"` : JSON.stringify(k)}: ${write(c, escape)}`).join(',\n')}}`;
  // The first key, in text order, that its object already holds, and the path to that object.
  const firstDuplicate = (n: Node, path: string[]): { key: string; path: string[] } | undefined => {
    if ('leaf' in n) return undefined;
    if ('array' in n) {
      for (let i = 0; i < n.array.length; i++) {
        const found = firstDuplicate(n.array[i]!, [...path, String(i)]);
        if (found) return found;
      }
      return undefined;
    }
    const seen = new Set<string>();
    for (const [k, c] of n.object) {
      if (seen.has(k)) return { key: k, path };
      seen.add(k);
      const found = firstDuplicate(c, [...path, k]);
      if (found) return found;
    }
    return undefined;
  };

  it('a schedule nested 20,000 deep is INVALID_HOLIDAY_DATA, and a duplicate at the bottom of 50,000 levels is found with its path', () => {
    const deep = `{"2027": {"holidays": ${'['.repeat(20_000)}${']'.repeat(20_000)}}}`;
    expect(refusal(() => parseHolidaySchedule(deep))).toEqual(['INVALID_HOLIDAY_DATA', 2027]);
    const bottom = `${'['.repeat(50_000)}{"a":1,"a":2}${']'.repeat(50_000)}`;
    const found = duplicateJsonKey(bottom);
    expect([found?.key, found?.path.length, found?.path[0]]).toEqual(['a', 50_000, '0']);
    expect(duplicateJsonKey(`${'['.repeat(50_000)}{"a":1,"b":2}${']'.repeat(50_000)}`)).toBeUndefined();
  });

  it('a bad entry that JSON.stringify cannot show (a BigInt, a cycle, 20,000 levels) is INVALID_HOLIDAY_DATA with a short message, not a raw TypeError or RangeError', () => {
    const cycle: unknown[] = ['2027-10-01'];
    cycle.push(cycle);
    let deep: unknown = [];
    for (let i = 0; i < 20_000; i++) deep = [deep];
    for (const entry of [[1n, '2027-10-01', '国庆节'], ['2027-10-01', '2027-10-07', '国庆节', 'x', cycle], deep]) {
      for (const field of ['holidays', 'workdays']) {
        expect(refusal(() => parseHolidaySchedule({ 2027: { [field]: [entry] } }))).toEqual(['INVALID_HOLIDAY_DATA', 2027]);
      }
    }
    expect(refusal(() => parseHolidaySchedule({ 2027: { holidays: [[10n ** 30n, '2027-10-07', '国庆节']] } }))).toEqual(['INVALID_HOLIDAY_DATA', 2027]);
  });

  it('property: any value in place of a holiday or a make-up day is accepted or refused INVALID_HOLIDAY_DATA (INVALID_ARGUMENT for a Map, Set or boxed value inside), with a message under 1,000 characters', () => {
    fc.assert(
      fc.property(fc.constantFrom('holidays', 'workdays'), fc.anything({ withBigInt: true, maxDepth: 4, withBoxedValues: true, withMap: true }), fc.integer({ min: 0, max: 30_000 }), (field, value, depth) => {
        let entry: unknown = value;
        for (let i = 0; i < depth; i++) entry = [entry];
        try {
          parseHolidaySchedule({ 2027: { holidays: [['2027-10-01', '2027-10-07', '国庆节']], [field]: [entry] } });
        } catch (e) {
          // A Map, Set or boxed value inside is refused at the plain-input boundary, naming where it is.
          const code = holdsSlotObject(value) ? 'INVALID_ARGUMENT' : 'INVALID_HOLIDAY_DATA';
          expect([isDocketError(e, code), (e as Error).message.length < 1000]).toEqual([true, true]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('property: the first repeated key of any JSON tree, with its path, however keys are escaped', () => {
    const key = fc.constantFrom('2027', 'holidays', 'a', 'é', '');
    const tree = fc.letrec<{ node: Node }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        fc.integer().map((leaf) => ({ leaf })),
        fc.array(tie('node'), { maxLength: 3 }).map((array) => ({ array })),
        fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }).map((object) => ({ object })),
      ),
    })).node;
    fc.assert(
      fc.property(tree, fc.boolean(), (node, escape) => {
        const text = write(node, escape);
        JSON.parse(text);
        expect(duplicateJsonKey(text)).toEqual(firstDuplicate(node, []));
      }),
      { numRuns: 500 },
    );
  });
});
