import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { assertNoDeadEnds, replayPaths } from '../src/testing/index.js';
import { strategyCycle, strategyCycleInput, type StrategyCycleContext } from '../machines/index.js';

const marketing = { id: 'wang', roles: ['marketing'] };
const yamei = { id: 'yamei', roles: ['provider'] };
const options = {
  input: { planQuarter: { year: 2027, quarter: 1 }, providers: ['zhongzhi', 'yamei'] },
  actors: { start: marketing, SUBMIT_SURVEY: marketing, SUBMIT_SEGMENT: marketing, SUBMIT_DRAFT: yamei, SUBMIT_REVISION: yamei },
  events: {
    SUBMIT_SURVEY: [
      { provider: 'zhongzhi', report: '个人客户受众调查', hotspots: ['双十一'] },
      { provider: 'yamei', report: '3G 增值受众调查', hotspots: [] },
    ],
    SUBMIT_SEGMENT: [
      { provider: 'zhongzhi', summary: '个人客户策略' },
      { provider: 'yamei', summary: '增值业务策略' },
    ],
  },
  // Identity for traversal: where it is and what is still owed, not the growing history.
  serialize: (s: AnyMachineSnapshot) => {
    const c = s.context as StrategyCycleContext;
    return JSON.stringify([s.value, Object.keys(c.surveys).sort(), !!c.customerComms, Object.keys(c.segments).sort(), Object.values(c.phases).map((p) => (p.completedAt === undefined ? p.reminders : '-'))]);
  },
  start: '2026-09-21T09:00:00+08:00',
};

describe('strategy-cycle machine', () => {
  it('refuses a meeting or milestone time the calendar cannot read, at the start, naming the field (regression)', () => {
    // '25:00' passed /^\d{2}:\d{2}$/: the instance started and was suspended (INVALID_DEADLINE_RULE) when the
    // kickoff timer armed the tri-party meeting; a milestone's '99:99' failed the start without naming the field.
    const parse = (extra: object) => strategyCycleInput.safeParse({ planQuarter: { year: 2027, quarter: 1 }, ...extra });
    for (const time of ['25:00', '23:60', '24:01', '99:99']) {
      expect(parse({ triPartyMeeting: { day: 15, time } }).error?.issues[0]?.path).toEqual(['triPartyMeeting', 'time']);
      expect(parse({ schedule: { kickoff: { month: 1, day: 1, time } } }).error?.issues[0]?.path).toEqual(['schedule', 'kickoff', 'time']);
    }
    for (const time of ['00:00', '09:30', '23:59', '24:00']) expect(parse({ triPartyMeeting: { day: 15, time } }).success).toBe(true);
  });

  it('reaches every state, and every path ends final or waiting on a person or a timer', () => {
    const report = assertNoDeadEnds(strategyCycle, options as never);
    expect(report.unreachable).toEqual([]);
    expect(report.paths.length).toBeGreaterThan(50);
  });

  it('replays every generated path through the engine on the 2026 Q4 calendar', async () => {
    const results = await replayPaths(strategyCycle, options as never);
    const failed = results.filter((r) => !r.ok).map((r) => `${r.path.description}: ${r.error}`);
    expect(failed.slice(0, 5)).toEqual([]);
    expect(results.length).toBeGreaterThan(50);
  });
});
