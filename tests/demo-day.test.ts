// The demo's day marks and its legend. Regression: `npm run demo` printed 休, 调休 and 暂定 after its
// dates with no word on what they mean for an English reader. The property: whatever day the timeline
// shows (2026 official, 2027–2028 estimated), each mark is the weekday, a holiday's name (explained as
// a kind), or a mark both lines of the legend name.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar } from '../src/index.js';
import { dayMarks, EXPLAINED_MARKS, LEGEND } from '../examples/demo-day.js';

const calendar = businessCalendar({ holidays: ['CN'], onWarning: () => {} });

describe('the demo legend', () => {
  it('names each mark in both languages', () => {
    const [en, zh] = LEGEND;
    for (const mark of EXPLAINED_MARKS) {
      expect(en).toContain(mark);
      expect(zh).toContain(mark);
    }
    expect(en).toMatch(/Monday…Sunday/);
    expect(zh).toMatch(/法定节假日/);
  });

  it('marks the days the timeline shows as before', () => {
    expect(dayMarks(calendar.describeDay(Date.parse('2026-10-08T09:00:00+08:00')))).toEqual(['周四']);
    expect(dayMarks(calendar.describeDay(Date.parse('2026-10-10T09:00:00+08:00')))).toEqual(['周六', '调休']);
    expect(dayMarks(calendar.describeDay(Date.parse('2026-10-01T09:00:00+08:00')))).toEqual(['周四', '国庆节']);
    expect(dayMarks(calendar.describeDay(Date.parse('2027-01-09T14:00:00+08:00')))).toEqual(['周六', '休', '暂定']);
  });

  it('property: every mark of any day is a weekday, a holiday name of a day off, or one the legend explains', () => {
    const start = Date.parse('2026-01-01T00:00:00+08:00');
    const end = Date.parse('2028-12-31T23:59:59+08:00');
    fc.assert(
      fc.property(fc.integer({ min: start, max: end }), (at) => {
        const day = calendar.describeDay(at);
        const [weekday, ...rest] = dayMarks(day);
        expect(weekday).toMatch(/^周[一二三四五六日]$/);
        for (const mark of rest) {
          const explained = (EXPLAINED_MARKS as readonly string[]).includes(mark) || (!day.working && mark === day.name);
          expect(explained, mark).toBe(true);
        }
      }),
      { numRuns: 100 },
    );
  });
});
