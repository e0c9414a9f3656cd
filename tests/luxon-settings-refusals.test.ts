// Regression: luxon's Settings are the whole process's, and an application using luxon itself may
// set them: `Settings.throwOnInvalid = true` is luxon's advice for TypeScript. Docket read dates with
// `DateTime.fromISO(…).isValid`, so under that setting luxon threw its own Error first: a calendar
// asked about '2026-02-30T09:00', a virtual clock started at '2026-02-30T09:00Z' and a deadline rule
// at '2026-10-08T25:00' gave a raw "Invalid DateTime: unit out of range" where every other process
// got INVALID_ARGUMENT (INVALID_DEADLINE_RULE for the rule) naming what to pass. Every luxon
// construction on Docket's reading path now goes through one reader (validDateTime,
// src/clock/iso-instant.ts) that answers `undefined` for an invalid date whatever the settings.
import { Settings } from 'luxon';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { businessCalendar, isDocketError, validateDeadlineRule, virtualClock } from '../src/index.js';

const cal = businessCalendar({ zone: 'Asia/Shanghai', holidays: ['CN'] });

/** The code of what `fn` threw, `raw <name>: <message>` for an error that is no DocketError, or its answer. */
function outcome(fn: () => unknown): unknown {
  try {
    return { answer: fn() };
  } catch (error) {
    return isDocketError(error) ? { code: error.code, field: error.details['field'] } : `raw ${(error as Error).name}: ${(error as Error).message}`;
  }
}

const saved = { throwOnInvalid: Settings.throwOnInvalid };
afterEach(() => {
  Settings.throwOnInvalid = saved.throwOnInvalid;
});

describe('with luxon Settings.throwOnInvalid, a bad date is still refused as Docket refuses it', () => {
  const cases: [string, () => unknown, unknown][] = [
    ["isWorkingDay('2026-02-30T09:00')", () => cal.isWorkingDay('2026-02-30T09:00'), { code: 'INVALID_ARGUMENT', field: 'at' }],
    ["isWorkingDay('2026-02-30T09:00Z')", () => cal.isWorkingDay('2026-02-30T09:00Z'), { code: 'INVALID_ARGUMENT', field: 'at' }],
    ["addWorkingHours('2026-10-08T25:00', 1)", () => cal.addWorkingHours('2026-10-08T25:00', 1), { code: 'INVALID_ARGUMENT', field: 'at' }],
    ["toLocalDate('2026-W60-1')", () => cal.toLocalDate('2026-W60-1'), { code: 'INVALID_ARGUMENT', field: 'at' }],
    ["virtualClock('2026-02-30T09:00Z')", () => virtualClock('2026-02-30T09:00Z'), { code: 'INVALID_ARGUMENT' }],
    ["validateDeadlineRule({ kind: 'absolute', at: '2026-10-08T25:00' })", () => validateDeadlineRule({ kind: 'absolute', at: '2026-10-08T25:00' }), { code: 'INVALID_DEADLINE_RULE' }],
  ];
  beforeEach(() => {
    Settings.throwOnInvalid = true;
  });
  for (const [name, call, expected] of cases) {
    it(`${name}: the same refusal as without the setting`, () => {
      Settings.throwOnInvalid = false;
      const plain = outcome(call);
      Settings.throwOnInvalid = true;
      const strict = outcome(call);
      expect(plain).toMatchObject(expected as object);
      expect(strict).toEqual(plain);
    });
  }

  it('valid dates answer as before', () => {
    expect(cal.toLocalDate('2026-10-08T09:00')).toBe('2026-10-08');
    expect(cal.addWorkingDays('2026-09-30T10:00+08:00', 1)).toBe(Date.parse('2026-10-08T10:00:00+08:00'));
    expect(virtualClock('2026-10-08T09:00+08:00').now()).toBe(Date.parse('2026-10-08T01:00:00Z'));
    expect(validateDeadlineRule({ kind: 'absolute', at: '2026-10-08T09:00' })).toEqual({ kind: 'absolute', at: '2026-10-08T09:00' });
  });
});
