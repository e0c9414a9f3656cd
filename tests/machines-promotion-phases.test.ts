import { describe, expect, it } from 'vitest';
import type { AnyMachineSnapshot } from 'xstate';
import { businessCalendar, createEngine, isDocketError, memoryStore, virtualClock } from '../src/index.js';
import { assertNoDeadEnds, replayPaths } from '../src/testing/index.js';
import { promotionPhases, type PromotionPhasesContext } from '../machines/index.js';

const ops = { id: 'liu', roles: ['operations'] };
const leader = { id: 'zhao', roles: ['leadership'] };
const all = {
  phase: { surveyResponses: 1200, coreOfficesReady: 8, registrations: 150_000, peakOnline: 12_000, monthlyRevenue: 1_500_000, monthlyChurnPct: 9 },
  offices: { provincialOffices: 32, cityOffices: 24, internetCafes: 19_000 },
  website: { indexedPages: 500, dailyIp: 12_000, dailyPv: 60_000, backlinks: 300, top10Keywords: 8, conversions: 800 },
};
const options = {
  input: { product: '《风云》' },
  actors: { start: leader },
  events: {
    REPORT_METRICS: Object.entries(all).map(([track, metrics]) => ({ track, metrics })),
    SIGN_OFF: [{ track: 'phase' }, { track: 'offices' }, { track: 'website' }],
  },
  serialize: (s: AnyMachineSnapshot) => JSON.stringify([s.value, Object.keys((s.context as PromotionPhasesContext).metrics).filter((k) => Object.keys((s.context as PromotionPhasesContext).metrics[k as 'phase']).length > 0)]),
  start: '2026-04-01T09:00:00+08:00',
};

describe('promotion-phases machine', () => {
  it('reaches every state, and every path ends final or waiting on a person or a timer', () => {
    const report = assertNoDeadEnds(promotionPhases, options as never);
    expect(report.unreachable).toEqual([]);
    expect(report.paths.some((p) => p.done)).toBe(true);
  });

  it('replays every generated path through the engine', async () => {
    const results = await replayPaths(promotionPhases, { ...(options as object), maxPaths: 150 } as never);
    expect(results.filter((r) => !r.ok).map((r) => `${r.path.description}: ${r.error}`)).toEqual([]);
  });

  it('simulation: a gate needs both the numbers and the sign-off; steady waits three months after open beta', async () => {
    const clock = virtualClock('2026-04-01T09:00:00+08:00');
    const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar(), workflows: [promotionPhases], effects: { announceGate: () => {} } });
    const id = await engine.start('promotion-phases', { product: '《风云》' }, { actor: leader });
    // Sign-off without the numbers is refused, and changes nothing.
    await expect(engine.send(id, { type: 'SIGN_OFF', track: 'offices' }, { actor: leader })).rejects.toSatisfy((e) => isDocketError(e, 'EVENT_NOT_ACCEPTED'));
    await engine.send(id, { type: 'REPORT_METRICS', track: 'offices', metrics: { provincialOffices: 8, internetCafes: 7_500 } }, { actor: ops });
    await expect(engine.send(id, { type: 'SIGN_OFF', track: 'offices' }, { actor: leader })).rejects.toThrow();
    await clock.advanceTo('2026-04-28T10:00:00+08:00');
    await engine.send(id, { type: 'REPORT_METRICS', track: 'offices', metrics: { internetCafes: 8_000 } }, { actor: ops });
    let view = await engine.send(id, { type: 'SIGN_OFF', track: 'offices' }, { actor: leader });
    expect(view.state).toMatchObject({ offices: 'expansion', phase: 'closedBeta', website: 'planning' });

    await engine.send(id, { type: 'REPORT_METRICS', track: 'phase', metrics: all.phase }, { actor: ops });
    await engine.send(id, { type: 'SIGN_OFF', track: 'phase' }, { actor: leader });
    await clock.advanceTo('2026-06-01T10:00:00+08:00');
    view = await engine.send(id, { type: 'SIGN_OFF', track: 'phase' }, { actor: leader });
    expect(view.state).toMatchObject({ phase: { openBeta: 'settling' } });
    await expect(engine.send(id, { type: 'SIGN_OFF', track: 'phase' }, { actor: leader })).rejects.toThrow();
    await clock.advanceTo('2026-08-30T10:00:00+08:00'); // 90 days after 1 June
    expect((await engine.get(id)).state).toMatchObject({ phase: { openBeta: 'eligible' } });
    view = await engine.send(id, { type: 'SIGN_OFF', track: 'phase' }, { actor: leader });
    expect(view.state).toMatchObject({ phase: 'steady' });
    await engine.send(id, { type: 'REPORT_METRICS', track: 'offices', metrics: all.offices }, { actor: ops });
    await engine.send(id, { type: 'SIGN_OFF', track: 'offices' }, { actor: leader });
    await engine.send(id, { type: 'SIGN_OFF', track: 'offices' }, { actor: leader });
    await engine.send(id, { type: 'REPORT_METRICS', track: 'website', metrics: all.website }, { actor: ops });
    for (let i = 0; i < 3; i++) view = await engine.send(id, { type: 'SIGN_OFF', track: 'website' }, { actor: leader });
    expect(view.status).toBe('done');
    const gates = (view.context as PromotionPhasesContext).gates;
    expect(gates.map((g) => `${g.track}:${g.gate}`)).toEqual([
      'offices:coreProvinces', 'phase:closedBeta', 'phase:internalBeta', 'phase:openBeta',
      'offices:expansion', 'offices:nationwide', 'website:planning', 'website:launch', 'website:growth',
    ]);
    expect(gates[0]).toMatchObject({ by: 'zhao', metrics: { provincialOffices: 8, internetCafes: 8000 }, at: Date.parse('2026-04-28T10:00:00+08:00') });
  });
});
