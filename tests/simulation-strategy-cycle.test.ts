import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, memoryStore, virtualClock } from '../src/index.js';
import { strategyCycle, type StrategyCycleContext } from '../machines/index.js';

const calendar = businessCalendar({ holidays: ['CN'] });
const marketing = { id: 'wang', roles: ['marketing'] };
const leader = { id: 'zhao', roles: ['leadership'] };
const provider = (id: string) => ({ id, roles: ['provider'] });
const local = (t: number) => new Intl.DateTimeFormat('sv-SE', { timeZone: 'Asia/Shanghai', dateStyle: 'short', timeStyle: 'short' }).format(t);

function setup() {
  const clock = virtualClock('2026-09-21T09:00:00+08:00');
  const effects: { type: string; at: string; params: any }[] = [];
  const rec = (type: string) => (params: unknown, ctx: { now: number }) => void effects.push({ type, at: local(ctx.now), params });
  const engine = createEngine({
    store: memoryStore(),
    clock,
    calendar,
    workflows: [strategyCycle],
    effects: Object.fromEntries(['notifyKickoff', 'remindLate', 'escalateLate', 'holdTriPartyMeeting', 'publishPlan'].map((t) => [t, rec(t)])),
  });
  return { clock, engine, effects };
}

describe('simulation: the 2027 Q1 strategy cycle, worked during 2026 Q4', () => {
  it('moves the 1 October kickoff out of National Day by the roll policy, either way', async () => {
    const { engine } = setup();
    const next = await engine.start('strategy-cycle', { planQuarter: { year: 2027, quarter: 1 } }, { actor: marketing });
    const previous = await engine.start(
      'strategy-cycle',
      { planQuarter: { year: 2027, quarter: 1 }, schedule: { kickoff: { month: 1, day: 1, time: '09:00', roll: 'previous' } } },
      { actor: marketing },
    );
    expect(local((await engine.get(next)).timers[0]!.dueAt)).toBe('2026-10-08 09:00');
    expect(local((await engine.get(previous)).timers[0]!.dueAt)).toBe('2026-09-30 09:00');
  });

  it('runs the quarter: late survey reminded and escalated, Sunday approval due rolls to Friday, meetings monthly', async () => {
    const { clock, engine, effects } = setup();
    const id = await engine.start('strategy-cycle', { planQuarter: { year: 2027, quarter: 1 } }, { actor: marketing });
    await clock.advanceTo('2026-10-08T09:00:00+08:00');
    expect((await engine.get(id)).state).toEqual({ cycle: { flow: { survey: 'onTime' }, triParty: 'recurring' } });
    expect(effects[0]).toMatchObject({ type: 'notifyKickoff', at: '2026-10-08 09:00' });

    await clock.advanceTo('2026-11-10T10:00:00+08:00');
    for (const p of ['zhongzhi', 'tiandao', 'yamei']) {
      await engine.send(id, { type: 'SUBMIT_SURVEY', provider: p, report: `${p} 受众调查分析报告`, hotspots: ['双十一'] }, { actor: provider(p) });
    }
    await engine.send(id, { type: 'CUSTOMER_COMMS_DONE' }, { actor: marketing });
    // 博智达 is late: due Friday 20 Nov (M2 D20); reminders every 2 working days, escalation after 2.
    await clock.advanceTo('2026-11-26T15:00:00+08:00');
    const late = effects.filter((e) => e.type === 'remindLate' || e.type === 'escalateLate').map((e) => [e.type, e.at, e.params.missing]);
    expect(late).toEqual([
      ['remindLate', '2026-11-20 23:59', ['bozhida']],
      ['remindLate', '2026-11-24 10:00', ['bozhida']],
      ['escalateLate', '2026-11-26 10:00', ['bozhida']],
    ]);
    await engine.send(id, { type: 'SUBMIT_SURVEY', provider: 'bozhida', report: '政企受众调查', hotspots: [] }, { actor: provider('bozhida') });
    let ctx = (await engine.get(id)).context as StrategyCycleContext;
    expect(ctx.surveys['bozhida']).toMatchObject({ late: true });
    expect(ctx.surveys['zhongzhi']).toMatchObject({ late: false });
    expect(ctx.phases.survey).toMatchObject({ late: true, escalated: true, reminders: 2 });

    await clock.advanceTo('2026-11-27T10:00:00+08:00');
    await engine.send(id, { type: 'INTERNAL_MEETING_HELD' }, { actor: marketing });
    await clock.advanceTo('2026-11-30T10:00:00+08:00');
    for (const p of ['zhongzhi', 'tiandao', 'bozhida', 'yamei']) {
      await engine.send(id, { type: 'SUBMIT_SEGMENT', provider: p, summary: `${p} 分段策略` }, { actor: provider(p) });
    }
    await engine.send(id, { type: 'SUBMIT_DRAFT', summary: '2027Q1 策略初稿' }, { actor: provider('yamei') });
    await clock.advanceTo('2026-12-04T10:00:00+08:00');
    await engine.send(id, { type: 'REQUEST_CHANGES', comment: '补充竞争分析' }, { actor: marketing });
    await clock.advanceTo('2026-12-07T10:00:00+08:00');
    await engine.send(id, { type: 'SUBMIT_REVISION', summary: '第二稿' }, { actor: provider('yamei') });
    await clock.advanceTo('2026-12-09T10:00:00+08:00');
    await engine.send(id, { type: 'CONFIRM_PLAN' }, { actor: marketing });
    // Leadership approval due M3 D20 = Sunday 20 Dec 2026 → Friday 18 Dec.
    const approvalTimer = (await engine.get(id)).timers.find((t) => t.name === 'approvalDue')!;
    expect(local(approvalTimer.dueAt)).toBe('2026-12-18 23:59');
    await clock.advanceTo('2026-12-21T09:30:00+08:00');
    expect(effects.filter((e) => e.type === 'remindLate' && e.params.phase === 'approval').map((e) => e.at)).toEqual(['2026-12-18 23:59']);
    await engine.send(id, { type: 'LEADERSHIP_APPROVE' }, { actor: leader });
    await clock.advanceTo('2026-12-22T10:00:00+08:00');
    const done = await engine.send(id, { type: 'RELEASE', reference: '深电营〔2026〕88号' }, { actor: marketing });
    expect(done.status).toBe('done');
    ctx = done.context as StrategyCycleContext;
    expect(ctx.draftVersion).toBe(2);
    expect(effects.filter((e) => e.type === 'holdTriPartyMeeting').map((e) => e.at)).toEqual([
      '2026-10-15 14:30',
      '2026-11-16 14:30', // 15 Nov is a Sunday: the meeting moves to Monday
      '2026-12-15 14:30',
    ]);
    expect(effects.at(-1)).toMatchObject({ type: 'publishPlan', params: { latePhases: ['survey', 'internalMeeting', 'approval'] } });
  });
});

describe('strategy cycle: no stand-in timer once every tri-party meeting is held', () => {
  it('holds three meetings, one a month, then no timer due more than a quarter ahead (and no meeting timer at all)', async () => {
    const { clock, engine, effects } = setup();
    const id = await engine.start('strategy-cycle', { planQuarter: { year: 2027, quarter: 1 } }, { actor: marketing });
    // Past the third month of the working quarter (2026 Q4), with the flow still open.
    await clock.advanceTo('2026-12-31T18:00:00+08:00');
    const view = await engine.get(id);
    const meetings = effects.filter((e) => e.type === 'holdTriPartyMeeting').map((e) => e.at.slice(0, 7));
    expect(meetings).toEqual(['2026-10', '2026-11', '2026-12']);
    expect((view.context as StrategyCycleContext).triPartyMeetingsHeld).toBe(3);
    expect(view.status).toBe('active');
    expect(view.timers.filter((t) => t.name.includes('triPartyMeeting'))).toEqual([]);
    const quarterAhead = clock.now() + 92 * 24 * 3600 * 1000;
    expect(view.timers.filter((t) => t.dueAt > quarterAhead).map((t) => [t.name, local(t.dueAt)])).toEqual([]);
  });
});
