import { describe, expect, it } from 'vitest';
import { absolute, businessCalendar, createEngine, duration, memoryStore, quarterDay, staticDirectory, users, virtualClock, workingDays } from '../src/index.js';
import { approvalFlow, li, people } from './approvals-fixture.js';

const shanghai = businessCalendar({ zone: 'Asia/Shanghai', holidays: 'CN' });
// US federal holidays used by this test company in late 2026 (a user list; 'none' would also do).
const newYork = businessCalendar({
  zone: 'America/New_York',
  holidays: [{ years: [2026], holidays: [{ date: '2026-11-26', name: 'Thanksgiving' }, { date: '2026-12-25', name: 'Christmas' }] }],
});

describe('zones', () => {
  it('the same quarterDay rule gives different instants in Shanghai and New York, each 18:00 local', () => {
    const rule = quarterDay({ quarter: { year: 2026, quarter: 4 }, month: 3, day: 20, time: '18:00', roll: 'previous' });
    const from = Date.parse('2026-11-15T00:00:00Z');
    const inShanghai = shanghai.resolve(rule, from);
    const inNewYork = newYork.resolve(rule, from);
    // Sunday 20 Dec 2026 rolls back to Friday 18 Dec in both calendars.
    expect(inShanghai).toBe(Date.parse('2026-12-18T18:00:00+08:00'));
    expect(inNewYork).toBe(Date.parse('2026-12-18T18:00:00-05:00'));
    expect(inNewYork - inShanghai).toBe(13 * 3_600_000);
    expect(new Date(inShanghai).toISOString()).toBe('2026-12-18T10:00:00.000Z');
    expect(new Date(inNewYork).toISOString()).toBe('2026-12-18T23:00:00.000Z');
  });

  it('the same working-days rule from the same instant lands on different local days', () => {
    // Wednesday 30 Sep 2026 20:00 UTC = Thursday 1 Oct 04:00 in Shanghai (a holiday), Wednesday 16:00 in New York.
    const from = Date.parse('2026-09-30T20:00:00Z');
    const rule = workingDays(1, { time: '18:00' });
    expect(shanghai.toLocalDate(from)).toBe('2026-10-01');
    expect(newYork.toLocalDate(from)).toBe('2026-09-30');
    expect(shanghai.resolve(rule, from)).toBe(Date.parse('2026-10-08T18:00:00+08:00'));
    expect(newYork.resolve(rule, from)).toBe(Date.parse('2026-10-01T18:00:00-04:00'));
  });

  it('user holidays apply in New York: one working day after Wednesday 25 Nov 2026 is Friday 27 Nov', () => {
    expect(newYork.describeDay('2026-11-26')).toMatchObject({ kind: 'holiday', name: 'Thanksgiving', weekday: 4 });
    expect(newYork.nextWorkingDay('2026-11-25T09:00')).toBe(Date.parse('2026-11-27T09:00:00-05:00'));
  });

  it('quarterOf is taken in the calendar zone', () => {
    const instant = Date.parse('2026-12-31T16:30:00Z'); // 1 Jan 2027 00:30 in Shanghai
    expect(shanghai.quarterOf(instant)).toEqual({ year: 2027, quarter: 1 });
    expect(newYork.quarterOf(instant)).toEqual({ year: 2026, quarter: 4 });
  });

  it('keeps the local time of day across the spring-forward DST change in New York (8 March 2026)', () => {
    const ny = businessCalendar({ zone: 'America/New_York', holidays: 'none' });
    const friday = ny.localInstant('2026-03-06', '10:00'); // EST, UTC-5
    expect(friday).toBe(Date.parse('2026-03-06T15:00:00Z'));
    const monday = ny.addWorkingDays(friday, 1); // EDT, UTC-4
    expect(monday).toBe(Date.parse('2026-03-09T14:00:00Z'));
    expect(monday - friday).toBe(71 * 3_600_000); // three calendar days minus the lost hour
    expect(ny.resolve(workingDays(1), friday)).toBe(monday);
    // A fixed duration is exact elapsed time, so it lands at 11:00 local instead.
    expect(ny.resolve(duration({ days: 3 }), friday)).toBe(Date.parse('2026-03-09T15:00:00Z'));
    expect(ny.addWorkingDays(monday, -1)).toBe(friday);
  });

  it('keeps the local time of day across the fall-back DST change in New York (1 November 2026)', () => {
    const ny = businessCalendar({ zone: 'America/New_York', holidays: 'none' });
    const friday = ny.localInstant('2026-10-30', '09:00'); // EDT
    expect(ny.addWorkingDays(friday, 1)).toBe(Date.parse('2026-11-02T09:00:00-05:00'));
    // Working hours count wall-clock time: Friday 17:00 + 2 working hours = Monday 10:00 EST.
    expect(ny.addWorkingHours(ny.localInstant('2026-10-30', '17:00'), 2)).toBe(Date.parse('2026-11-02T10:00:00-05:00'));
  });

  it('a local time inside the DST gap moves forward by the gap', () => {
    const everyDay = businessCalendar({ zone: 'America/New_York', holidays: 'none', workweek: [1, 2, 3, 4, 5, 6, 7] });
    // 02:30 does not exist on 8 March 2026 in New York; it becomes 03:30 EDT.
    expect(everyDay.addWorkingDays(everyDay.localInstant('2026-03-07', '02:30'), 1)).toBe(Date.parse('2026-03-08T03:30:00-04:00'));
  });

  it('an instant in the repeated hour of a fall-back keeps its instant when its date does not move (regression)', () => {
    // 05:30Z on 1 Nov 2026 is the first 01:30 in New York (EDT); 06:30Z is the second (EST).
    // Before the fix, roll and an absolute ISO rule sent it through local time and back and returned 06:30Z.
    const everyDay = businessCalendar({ zone: 'America/New_York', holidays: 'none', workweek: [1, 2, 3, 4, 5, 6, 7] });
    const first = Date.parse('2026-11-01T05:30:00Z');
    for (const policy of ['none', 'next', 'previous'] as const) {
      expect(everyDay.roll(first, policy)).toBe(first);
      expect(everyDay.roll('2026-11-01T01:30:00-04:00', policy)).toBe(first);
    }
    expect(everyDay.resolve(absolute('2026-11-01T05:30:00Z'), 0)).toBe(first);
    expect(everyDay.resolve(absolute('2026-11-01T01:30:00-04:00', { roll: 'next' }), 0)).toBe(first);
    expect(everyDay.resolve(absolute(first, { roll: 'previous' }), 0)).toBe(first);
    expect(everyDay.addWorkingDays('2026-11-01T05:30:00Z', 0)).toBe(first);
    expect(everyDay.addWorkingHours('2026-11-01T05:30:00Z', 0)).toBe(first);
    // A date that does move still lands at the same local time of day: Sunday 01:30 EDT rolls to Monday 01:30 EST.
    const weekdays = businessCalendar({ zone: 'America/New_York', holidays: 'none' });
    expect(weekdays.roll(first, 'next')).toBe(Date.parse('2026-11-02T01:30:00-05:00'));
  });

  it('rejects an unknown zone', () => {
    expect(() => businessCalendar({ zone: 'Mars/Olympus' })).toThrow(/Unknown time zone "Mars\/Olympus"/);
  });
});

describe('an absolute ISO deadline without a calendar', () => {
  it("arms the timer at the instant the text names, as a calendar reads it (regression: '2027-01-04T09Z' armed a timer at NaN)", async () => {
    const effects = { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} };
    for (const [text, iso] of [
      ['2027-01-04T09Z', '2027-01-04T09:00:00Z'],
      ['2027-01-04T09:00:00,5Z', '2027-01-04T09:00:00.500Z'],
      ['2027-01-04T17:00+08', '2027-01-04T09:00:00Z'],
    ] as const) {
      const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: absolute(text) } });
      const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-12-30T10:00:00+08:00'), directory: staticDirectory({ users: people }), effects, workflows: [wf] });
      const id = await engine.start('flow', { amount: 1 }, { actor: li });
      expect([text, (await engine.get(id)).timers.map((t) => t.dueAt)]).toEqual([text, [Date.parse(iso)]]);
      await engine.close();
    }
  });
});
