// businessCalendar({ holidays: {} }) and ['CN', {}] were taken and set nothing: a calendar that
// looked configured with a holiday list that had none. An empty list is now INVALID_ARGUMENT.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, isDocketError, type HolidaySource } from '../src/index.js';

function outcome(holidays: unknown): string {
  try {
    businessCalendar({ holidays: holidays as HolidaySource[] });
    return 'taken';
  } catch (error) {
    return isDocketError(error, 'INVALID_ARGUMENT') ? `refused ${String(error.details.field)}` : `raw ${String(error)}`;
  }
}

describe('an empty holiday list is refused', () => {
  it.each([[{}], [['CN', {}]], [[{ years: undefined, holidays: undefined }]]])('%j is INVALID_ARGUMENT naming holidays', (holidays) => {
    expect(outcome(holidays)).toBe('refused holidays');
  });

  it('a list that gives any one field is still taken', () => {
    expect([outcome([{ years: [2031] }]), outcome([{ holidays: ['2031-01-01'] }]), outcome(['CN', { year: 2031, workdays: [] }])]).toEqual(['taken', 'taken', 'taken']);
  });

  it('property: a list is refused exactly when it gives none of years, year, holidays, workdays', () => {
    const field = fc.record({ years: fc.constant([2031]), year: fc.constant(2031), holidays: fc.constant(['2031-01-01']), workdays: fc.constant([] as string[]) }, { requiredKeys: [] });
    fc.assert(
      fc.property(field, (list) => {
        const given = Object.values(list).some((v) => v !== undefined);
        expect(outcome(['CN', list])).toBe(given ? 'taken' : 'refused holidays');
      }),
      { numRuns: 100 },
    );
  });
});
