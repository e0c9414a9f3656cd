import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, validateDeadlineRule, workingDays } from '../src/index.js';
import { shownValue } from '../src/calendar/shown-value.js';

// Regression: a refusal showed NaN, Infinity and -Infinity as JSON writes them, `null`:
// addWorkingDays(at, NaN) said "Working days must be a whole number, got null", which is not what was
// passed (and null is refused differently). They are shown as themselves, nested ones too.

const cal = businessCalendar();
const AT = Date.parse('2026-10-08T09:00:00+08:00');

function messageOf(fn: () => unknown): string {
  try {
    fn();
  } catch (error) {
    expect((error as Error).name).toBe('DocketError');
    return (error as Error).message;
  }
  throw new Error('expected a refusal');
}

describe('a refusal shows a non-finite number as itself, not as null', () => {
  it('addWorkingDays(at, NaN)', () => {
    const m = messageOf(() => cal.addWorkingDays(AT, Number.NaN));
    expect(m).toContain('got NaN');
    expect(m).not.toContain('null');
  });
  it('addWorkingDays(at, Infinity)', () => {
    expect(messageOf(() => cal.addWorkingDays(AT, Infinity))).toContain('got Infinity');
  });
  it('addWorkingHours(at, -Infinity)', () => {
    expect(messageOf(() => cal.addWorkingHours(AT, -Infinity))).toContain('got -Infinity');
  });
  it('resolve(rule, NaN): the "from" instant', () => {
    expect(messageOf(() => cal.resolve(workingDays(1), Number.NaN))).toContain('got NaN');
  });
  it('a deadline rule with days: NaN shows the rule and the field with NaN', () => {
    const m = messageOf(() => validateDeadlineRule({ kind: 'workingDays', days: Number.NaN }));
    expect(m).toContain('{"kind":"workingDays","days":NaN}');
    expect(m).toContain('got NaN');
  });
  it('workingDays(Infinity), the builder', () => {
    expect(messageOf(() => workingDays(Infinity))).toContain('got Infinity');
  });
  it('a workweek holding NaN', () => {
    expect(messageOf(() => businessCalendar({ workweek: [1, Number.NaN] as never }))).toContain('[1,NaN]');
  });
  it('a holiday list year of -Infinity', () => {
    expect(messageOf(() => businessCalendar({ holidays: [{ years: [-Infinity], holidays: [] }] }))).toContain('-Infinity');
  });
});

/** JSON, except that a non-finite number is written as itself: what shownValue must give. */
function reference(v: unknown): string {
  if (typeof v === 'number') return Number.isFinite(v) ? JSON.stringify(v) : String(v);
  if (Array.isArray(v)) return `[${v.map((x) => reference(x)).join(',')}]`;
  if (typeof v === 'object' && v !== null) return `{${Object.entries(v).map(([k, x]) => `${JSON.stringify(k)}:${reference(x)}`).join(',')}}`;
  return JSON.stringify(v);
}

describe('property: shownValue is JSON with non-finite numbers written as themselves', () => {
  const nonFinite = fc.constantFrom(Number.NaN, Infinity, -Infinity);
  const leaf = fc.oneof(fc.double(), nonFinite, fc.string(), fc.boolean(), fc.constant(null), fc.integer());
  const value = fc.letrec((tie) => ({
    v: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leaf, fc.array(tie('v'), { maxLength: 4 }), fc.dictionary(fc.string({ maxLength: 6 }), tie('v'), { maxKeys: 4 })),
  })).v;

  it('for nested values holding NaN, Infinity, -Infinity among other data', () => {
    fc.assert(
      fc.property(value, (v) => {
        expect(shownValue(v, Number.MAX_SAFE_INTEGER)).toBe(reference(v));
      }),
      { numRuns: 500 },
    );
  });

  it('through real refusals: every non-finite count is shown as itself', () => {
    const sites: ((n: number) => unknown)[] = [
      (n) => cal.addWorkingDays(AT, n),
      (n) => cal.addWorkingHours(AT, n),
      (n) => cal.resolve(workingDays(1), n),
      (n) => validateDeadlineRule({ kind: 'workingDays', days: n }),
      (n) => validateDeadlineRule({ kind: 'workingHours', hours: n }),
    ];
    fc.assert(
      fc.property(fc.constantFrom(...sites), nonFinite, (site, n) => {
        const m = messageOf(() => site(n));
        expect(m).toContain(String(n));
        expect(m).not.toContain('null');
      }),
      { numRuns: 100 },
    );
  });
});
