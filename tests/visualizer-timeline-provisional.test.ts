// Issue 15 asks that a deadline resting on estimated holiday data be marked provisional wherever a
// person reads it, the visualizer included. The quarter timeline (the docs site's 季度日历 page)
// marked its days provisional but resolved its milestones with calendar.resolve, so the 2027 Q1
// kickoff, rolled off the statutory estimate's 元旦 to Monday 4 January, was shown as settled.
// Milestones now carry `provisional` from resolveWithProvenance, like an armed timer.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, type QuarterRef } from '../src/index.js';
import { quarterTimeline } from '../src/visualizer/index.js';
import { workflowCatalog } from '../src/cli/workflow-catalog.js';

const estimating = businessCalendar({ onWarning: () => {} });

describe('quarter timeline milestones on estimated holiday data are provisional (issue 15)', () => {
  it('2027 Q1: the strategy cycle kickoff rolled off the estimated 元旦 is provisional; 2026 Q4 kickoff is official', () => {
    const q1 = quarterTimeline(estimating, { year: 2027, quarter: 1 }, workflowCatalog());
    expect(q1.milestones.find((m) => m.workflow === 'strategy-cycle' && m.deadline === 'kickoff')).toMatchObject({ date: '2027-01-04', nominalDate: '2027-01-01', rolled: true, provisional: true });
    const q4 = quarterTimeline(estimating, { year: 2026, quarter: 4 }, workflowCatalog());
    const kickoff = q4.milestones.find((m) => m.workflow === 'strategy-cycle' && m.deadline === 'kickoff')!;
    expect(kickoff).toMatchObject({ date: '2026-10-08', nominalDate: '2026-10-01' });
    expect(kickoff.provisional).toBeUndefined();
    // 25 December 2026 waits on 2027's notice, which may set the last days of December.
    expect(q4.milestones.find((m) => m.deadline === 'releaseDue')).toMatchObject({ date: '2026-12-25', provisional: true });
  });

  it('property: a milestone not marked provisional stays where it is when an official 2027 schedule is added', () => {
    const DAY = 86_400_000;
    const first = Date.parse('2026-12-25T00:00:00Z');
    const days = (Date.parse('2028-01-07T00:00:00Z') - first) / DAY + 1;
    const date = fc.integer({ min: 0, max: days - 1 }).map((i) => new Date(first + i * DAY).toISOString().slice(0, 10));
    const schedule = fc.tuple(fc.uniqueArray(date, { maxLength: 12 }), fc.uniqueArray(date, { maxLength: 6 })).map(([off, on]) => ({
      years: [2027],
      holidays: [...off, '2027-10-01'],
      workdays: on.filter((d) => !off.includes(d) && d !== '2027-10-01'),
    }));
    const quarter = fc.constantFrom<QuarterRef>({ year: 2026, quarter: 3 }, { year: 2026, quarter: 4 }, { year: 2027, quarter: 1 }, { year: 2027, quarter: 2 }, { year: 2027, quarter: 4 }, { year: 2028, quarter: 1 });
    const catalog = workflowCatalog();
    fc.assert(
      fc.property(quarter, schedule, (q, list) => {
        const before = quarterTimeline(estimating, q, catalog);
        const after = quarterTimeline(businessCalendar({ holidays: ['CN', list], onWarning: () => {} }), q, catalog);
        expect(after.milestones.length).toBe(before.milestones.length);
        for (const m of before.milestones) {
          if (m.provisional) continue;
          expect(after.milestones.find((a) => a.workflow === m.workflow && a.deadline === m.deadline && a.nominalDate === m.nominalDate)?.date).toBe(m.date);
        }
      }),
      { numRuns: 25 },
    );
  });
});
