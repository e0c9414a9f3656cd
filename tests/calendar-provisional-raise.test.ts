// Issue 15, another member of "a deadline resolved on estimated holiday data is not marked
// provisional": a named deadline used as the delay of a raise, `raise(event, { delay: 'chaseDue',
// id: 'chase' })`, rather than as an `after` key. The engine matched a provisional resolution to its
// timer by the timer's name, and a raise's timer is named after its id (or `raise.<rev>.<n>`), not its
// delay. So a chase due in January 2027, resolved on the statutory estimate, was armed unmarked: no
// `provisional` on the timer, no `deadlines` note in the history, no PROVISIONAL_DEADLINE warning, not
// listed by provisionalDeadlines(), and never moved by reresolveDeadlines() once the official year
// arrived. Now the runtime binds a resolution to the raise whose delay asked for it.
import fc from 'fast-check';
import { raise, setup } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, deadline, defineWorkflow, memoryStore, parseHolidaySchedule, virtualClock, workingDays, type EngineWarning } from '../src/index.js';

const admin = { id: 'ops', roles: ['admin'] };
const user = { id: 'li', roles: [] };

// A made-up "official" 2027 for the test (not the State Council's): Saturday 2 January worked.
const OFFICIAL_2027 = parseHolidaySchedule({
  '2027': {
    holidays: [
      ['2027-01-01', '2027-01-01', '元旦'],
      ['2027-02-05', '2027-02-11', '春节'],
      ['2027-10-01', '2027-10-07', '国庆节'],
    ],
    workdays: [['2027-01-02', '元旦']],
  },
});

type How = 'after' | 'raise with id' | 'raise without id';

function workflowOf(how: How, days: number) {
  const delays = { chaseDue: deadline('chaseDue') };
  const machine =
    how === 'after'
      ? setup({ delays }).createMachine({ id: 'chaser', initial: 'waiting', states: { waiting: { after: { chaseDue: 'chased' } }, chased: { type: 'final' } } })
      : how === 'raise with id'
        ? setup({ delays }).createMachine({ id: 'chaser', initial: 'waiting', states: { waiting: { entry: raise({ type: 'CHASE' }, { delay: 'chaseDue', id: 'chase' }), on: { CHASE: 'chased' } }, chased: { type: 'final' } } })
        : setup({ delays }).createMachine({ id: 'chaser', initial: 'waiting', states: { waiting: { entry: raise({ type: 'CHASE' }, { delay: 'chaseDue' }), on: { CHASE: 'chased' } }, chased: { type: 'final' } } });
  return defineWorkflow({ id: 'chaser', version: 1, machine, input: z.object({}), events: { CHASE: z.object({}) }, deadlines: { chaseDue: workingDays(days) } });
}

describe('a named deadline as the delay of a raise is provisional like an after timer (issue 15)', () => {
  it('raise(…, { delay, id }) on 30 December 2026: marked, noted, warned, listed and re-resolved', async () => {
    const wf = workflowOf('raise with id', 3);
    const store = memoryStore();
    const clock = virtualClock('2026-12-30T10:00:00+08:00');
    const before = createEngine({ store, clock, workflows: [wf], calendar: businessCalendar({ onWarning: () => {} }) });
    const warnings: EngineWarning[] = [];
    before.on('warning', (w) => warnings.push(w));
    const id = await before.start('chaser', {}, { actor: user });
    // Statutory estimate: Thu 31 Dec (1), 元旦 + weekend, Mon 4 Jan (2), Tue 5 Jan (3).
    const estimated = Date.parse('2027-01-05T10:00:00+08:00');
    expect((await before.get(id)).timers).toEqual([{ name: 'chase', dueAt: estimated, state: null, label: 'chase', provisional: true }]);
    expect((await before.history(id))[0]).toMatchObject({ deadlines: [{ name: 'chase', dueAt: estimated, provisional: true, years: [2027] }] });
    expect(warnings.map((w) => w.code)).toEqual(['PROVISIONAL_DEADLINE']);
    expect(await before.provisionalDeadlines({ year: 2027 })).toEqual([{ instanceId: id, workflow: 'chaser', name: 'chase', dueAt: estimated, years: [2027], held: false }]);
    await before.close();

    const after = createEngine({ store, clock, workflows: [wf], calendar: businessCalendar({ holidays: ['CN', ...OFFICIAL_2027] }) });
    const official = Date.parse('2027-01-04T10:00:00+08:00'); // Thu 31 Dec, Sat 2 Jan (worked), Mon 4 Jan
    const report = await after.reresolveDeadlines({ actor: admin, year: 2027 });
    expect(report).toEqual({ checked: 1, failed: [], changes: [{ instanceId: id, revision: 2, name: 'chase', previousDueAt: estimated, dueAt: official, provisional: false, years: [] }] });
    expect((await after.get(id)).timers).toEqual([{ name: 'chase', dueAt: official, state: null, label: 'chase' }]);
    expect((await after.verify(id)).ok).toBe(true);
    await clock.advanceTo('2027-01-06T00:00:00+08:00');
    expect((await after.get(id)).state).toBe('chased');
    expect((await after.history(id)).filter((h) => h.kind === 'timer')).toHaveLength(1);
    await after.close();
  });

  it('raise(…, { delay }) without an id on 30 December 2026 is marked provisional too', async () => {
    const engine = createEngine({ store: memoryStore(), clock: virtualClock('2026-12-30T10:00:00+08:00'), workflows: [workflowOf('raise without id', 3)], calendar: businessCalendar({ onWarning: () => {} }) });
    const id = await engine.start('chaser', {}, { actor: user });
    expect((await engine.get(id)).timers).toMatchObject([{ dueAt: Date.parse('2027-01-05T10:00:00+08:00'), provisional: true }]);
    await engine.close();
  });

  it('property: however the deadline is armed, the timer is provisional exactly when its resolution is, and re-resolution lands where the official calendar puts it', async () => {
    const estimating = businessCalendar({ onWarning: () => {} });
    const officialCalendar = businessCalendar({ holidays: ['CN', ...OFFICIAL_2027] });
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<How>('after', 'raise with id', 'raise without id'),
        fc.integer({ min: 1, max: 15 }),
        fc.integer({ min: 0, max: 40 }),
        fc.integer({ min: 8, max: 17 }),
        async (how, days, dayOffset, hour) => {
          const start = Date.parse('2026-12-01T00:00:00+08:00') + dayOffset * 86_400_000 + hour * 3_600_000;
          const store = memoryStore();
          const clock = virtualClock(start);
          const wf = workflowOf(how, days);
          const engine = createEngine({ store, clock, workflows: [wf], calendar: estimating });
          const id = await engine.start('chaser', {}, { actor: user });
          const expected = estimating.resolveWithProvenance(workingDays(days), start);
          const [timer] = (await engine.get(id)).timers;
          expect(timer!.dueAt).toBe(expected.at);
          expect(timer!.provisional === true).toBe(expected.provisional);
          expect((await engine.provisionalDeadlines()).length).toBe(expected.provisional ? 1 : 0);
          await engine.close();
          const later = createEngine({ store, clock, workflows: [wf], calendar: officialCalendar });
          await later.reresolveDeadlines({ actor: admin });
          const [moved] = (await later.get(id)).timers;
          expect(moved!.dueAt).toBe(expected.provisional ? officialCalendar.resolve(workingDays(days), start) : expected.at);
          expect(moved!.provisional).toBeUndefined();
          await later.close();
        },
      ),
      { numRuns: 150 },
    );
  });
});
