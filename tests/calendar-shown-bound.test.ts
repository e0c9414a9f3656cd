// A calendar refusal showed a bad value whole: a 5 MB string as a zone or in a deadline rule made a
// message of 5 MB or more. Values are now shown to SHOWN_MAX (200) code units, never cutting a
// surrogate pair in two.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, isDocketError, validateDeadlineRule } from '../src/index.js';
import { SHOWN_MAX, shownValue } from '../src/calendar/shown-value.js';

function messageOf(fn: () => unknown): string {
  try {
    fn();
    return 'taken';
  } catch (error) {
    return isDocketError(error) ? error.message : `raw ${String(error)}`;
  }
}

describe('calendar refusals show a bounded value', () => {
  it('a 5 MB zone or rule field gives a message of at most a few hundred characters', () => {
    const huge = 'x'.repeat(5_000_000);
    for (const message of [messageOf(() => businessCalendar({ zone: huge })), messageOf(() => validateDeadlineRule({ kind: 'workingDays', days: huge }))]) {
      expect(message.startsWith('raw')).toBe(false);
      expect(message.length).toBeLessThan(1_000);
    }
  });

  it('a cut never leaves half a surrogate pair', () => {
    const text = shownValue('a'.repeat(197) + '😀😀😀');
    expect([text.length <= SHOWN_MAX, text.endsWith('…'), text.isWellFormed()]).toEqual([true, true, true]);
  });

  it('property: any string is shown within max code units, well-formed when it was', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'grapheme', maxLength: 400 }), fc.integer({ min: 1, max: 300 }), (s, max) => {
        const text = shownValue(s, max);
        expect(text.length).toBeLessThanOrEqual(max);
        expect(text.isWellFormed()).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});
