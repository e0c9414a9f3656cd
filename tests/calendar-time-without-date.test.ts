// Regression (left open in session 21's brk25 note): the calendar read ISO's time-only forms
// ('09:00', '09', '24:00', '09:00:00.123', '09:00+08:00') through luxon, which puts a time alone on
// the real date of the machine running it. `isWorkingDay('09:00')` answered for today,
// `addWorkingDays('09:00', 1)` gave an instant that moved every day, and a simulation on a virtual
// clock read the wall clock. Such text is now refused with INVALID_ARGUMENT naming the argument; a
// property checks, for the kind, that no text the calendar answers for depends on the real date.
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { businessCalendar, isDocketError } from '../src/index.js';

const cal = businessCalendar({ zone: 'Asia/Shanghai', holidays: ['CN'] });
const PROP_RUNS = Number(process.env.PROP_RUNS ?? 200);

function refusal(fn: () => unknown): { code?: string; message: string; details?: Record<string, unknown> } {
  try {
    fn();
  } catch (error) {
    return error as { code?: string; message: string; details?: Record<string, unknown> };
  }
  throw new Error('expected a refusal, got an answer');
}

/** Every calendar answer for `text`, or the refusal's code: what a caller sees. */
function answers(text: string): unknown {
  const read = (fn: () => unknown): unknown => {
    try {
      return fn();
    } catch (error) {
      return isDocketError(error) ? `refused ${error.code}` : `threw ${(error as Error).message}`;
    }
  };
  return {
    isWorkingDay: read(() => cal.isWorkingDay(text)),
    addWorkingDays: read(() => cal.addWorkingDays(text, 1)),
    addWorkingHours: read(() => cal.addWorkingHours(text, 2)),
    toLocalDate: read(() => cal.toLocalDate(text)),
    quarterOf: read(() => cal.quarterOf(text)),
    between: read(() => cal.workingDaysBetween('2026-10-01', text)),
  };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('a time without a date is refused, not read on the real date', () => {
  const cases: [string, string, () => unknown][] = [
    ["isWorkingDay('09:00')", 'at', () => cal.isWorkingDay('09:00')],
    ["isWorkingDay('09')", 'at', () => cal.isWorkingDay('09')],
    ["nextWorkingDay('24:00')", 'at', () => cal.nextWorkingDay('24:00')],
    ["addWorkingDays('09:00:00.123', 1)", 'at', () => cal.addWorkingDays('09:00:00.123', 1)],
    ["addWorkingHours('09:00+08:00', 2)", 'at', () => cal.addWorkingHours('09:00+08:00', 2)],
    ["workingDaysBetween('2026-10-01', '18:30')", 'to', () => cal.workingDaysBetween('2026-10-01', '18:30')],
    ["toLocalDate('09:30')", 'at', () => cal.toLocalDate('09:30')],
    ["daysInRange('09:00', '2026-10-09')", 'from', () => cal.daysInRange('09:00', '2026-10-09')],
    // 20:26 with an offset, and ISO's basic time: luxon read both as times on the real date.
    ["isWorkingDay('2026Z')", 'at', () => cal.isWorkingDay('2026Z')],
    ["quarterOf('2026+08')", 'at', () => cal.quarterOf('2026+08')],
    ["addWorkingDays('093000.123', 1)", 'at', () => cal.addWorkingDays('093000.123', 1)],
  ];
  for (const [name, field, call] of cases) {
    it(`${name}: INVALID_ARGUMENT naming ${field}, saying to write the date`, () => {
      const error = refusal(call);
      expect(error.code).toBe('INVALID_ARGUMENT');
      expect(error.details?.field).toBe(field);
      expect(error.message).toMatch(/has no date/);
      expect(error.message).toMatch(/2026-10-08T09:00/);
    });
  }

  it('the same answers on two different real dates for date-times, week and ordinal dates (they write their date)', () => {
    vi.useFakeTimers({ toFake: ['Date'] });
    const texts = ['2026-10-08T09:00', '2026-W41-4', '2026-281', '2026-10', '20261008T0900', '2026-10-08T09:00+08:00'];
    vi.setSystemTime(Date.UTC(2026, 11, 3));
    const first = texts.map(answers);
    vi.setSystemTime(Date.UTC(2031, 6, 15));
    expect(texts.map(answers)).toEqual(first);
    expect(first[0]).toMatchObject({ isWorkingDay: true, toLocalDate: '2026-10-08' });
  });

  it('property: no text the calendar reads gives an answer that depends on the real date', () => {
    const two = fc.integer({ min: 0, max: 99 }).map((n) => String(n).padStart(2, '0'));
    const time = fc.tuple(two, fc.option(two), fc.option(two), fc.option(fc.integer({ min: 0, max: 999 }))).map(([h, m, s, ms]) => `${h}${m === null ? '' : `:${m}`}${m !== null && s !== null ? `:${s}` : ''}${m !== null && s !== null && ms !== null ? `.${String(ms).padStart(3, '0')}` : ''}`);
    const offset = fc.constantFrom('', 'Z', '+08:00', '-05:00', '+0800', '+08');
    const date = fc.constantFrom('', '2026-10-08', '2026-W41-4', '2026-281', '2026-10', '2026', '20261008', '+002026-10-08');
    const text = fc.oneof(
      fc.tuple(date, fc.constantFrom('T', 't', ' ', ''), time, offset).map(([d, sep, t, o]) => `${d}${d === '' ? '' : sep}${t}${o}`),
      fc.stringMatching(/^[0-9T:+\-.Z ]{1,14}$/),
    );
    fc.assert(
      fc.property(text, fc.integer({ min: 0, max: 20_000 }), (t, days) => {
        vi.useFakeTimers({ toFake: ['Date'] });
        vi.setSystemTime(Date.UTC(2026, 11, 3, 1));
        const first = answers(t);
        vi.setSystemTime(Date.UTC(2026, 11, 3, 1) + days * 86_400_000 + 3_600_000 * 7);
        const second = answers(t);
        vi.useRealTimers();
        expect(second).toEqual(first);
      }),
      { numRuns: PROP_RUNS },
    );
  });
});
