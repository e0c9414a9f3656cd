import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, memoryStore, parseHolidaySchedule, staticDirectory, users, virtualClock, workingDays, type EngineWarning, type FiredTimer } from '../src/index.js';
import { admin, approvalFlow, li, people } from './approvals-fixture.js';

// A made-up "official" 2027 schedule for the test (not the State Council's): it declares Saturday
// 2 January a make-up working day, which moves a workingDays(3) deadline from 30 December one day earlier.
const OFFICIAL_2027 = JSON.stringify({
  '2027': {
    holidays: [
      ['2027-01-01', '2027-01-01', '元旦', "New Year's Day"],
      ['2027-02-05', '2027-02-11', '春节', 'Spring Festival'],
      ['2027-10-01', '2027-10-07', '国庆节', 'National Day'],
    ],
    workdays: [['2027-01-02', '元旦', "New Year's Day"]],
  },
});

const at = (iso: string) => Date.parse(iso);

describe('provisional deadlines, re-resolved when the official year arrives', () => {
  it('marks a December 2026 → January 2027 deadline provisional, moves it with the official source, records it, fires once', async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: workingDays(3) } });
    const store = memoryStore();
    const clock = virtualClock('2026-12-30T10:00:00+08:00');
    const directory = staticDirectory({ users: people });
    const effects = { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} };
    const calendarWarnings: string[] = [];
    const before = createEngine({ store, clock, directory, effects, workflows: [wf], calendar: businessCalendar({ onWarning: (m) => calendarWarnings.push(m) }) });
    const warnings: EngineWarning[] = [];
    before.on('warning', (w) => warnings.push(w));
    const id = await before.start('flow', { amount: 1 }, { actor: li });

    // Statutory estimate: Thu 31 Dec (1), 元旦 + weekend, Mon 4 Jan (2), Tue 5 Jan (3).
    const estimated = at('2027-01-05T10:00:00+08:00');
    expect((await before.get(id)).timers).toEqual([{ name: 'due', dueAt: estimated, state: 'legal', label: 'due in legal', provisional: true }]);
    const [armed] = await before.history(id);
    expect(armed).toMatchObject({ kind: 'start', deadlines: [{ name: 'due', dueAt: estimated, provisional: true, years: [2027] }] });
    expect(await before.tasks({ instanceId: id })).toMatchObject([{ step: 'legal', dueAt: estimated, dueProvisional: true }]);
    expect(warnings).toMatchObject([{ code: 'PROVISIONAL_DEADLINE', instanceId: id }]);
    expect(warnings[0]!.message).toContain('2027');
    expect(calendarWarnings).toHaveLength(1);
    expect(await before.provisionalDeadlines({ year: 2027 })).toEqual([{ instanceId: id, workflow: 'flow', name: 'due', dueAt: estimated, years: [2027], held: false }]);
    await before.close();

    // The operator adds the official 2027 schedule (runtime JSON) and re-resolves.
    const after = createEngine({ store, clock, directory, effects, workflows: [wf], calendar: businessCalendar({ holidays: ['CN', ...parseHolidaySchedule(OFFICIAL_2027)] }) });
    const fired: FiredTimer[] = [];
    after.on('timer.fired', (t) => fired.push(t));
    await expect(after.reresolveDeadlines({ actor: li })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    const official = at('2027-01-04T10:00:00+08:00');
    const report = await after.reresolveDeadlines({ actor: admin, year: 2027 });
    expect(report).toEqual({ checked: 1, failed: [], changes: [{ instanceId: id, revision: 2, name: 'due', previousDueAt: estimated, dueAt: official, provisional: false, years: [] }] });

    expect((await after.get(id)).timers).toEqual([{ name: 'due', dueAt: official, state: 'legal', label: 'due in legal' }]);
    const history = await after.history(id);
    expect(history).toHaveLength(2);
    expect(history[1]).toMatchObject({
      kind: 'admin',
      event: { type: 'docket.admin.reresolveDeadlines', year: 2027 },
      actor: { id: 'feng' },
      deadlines: [{ name: 'due', previousDueAt: estimated, dueAt: official, provisional: false, years: [] }],
    });
    expect((await after.verify(id)).ok).toBe(true);
    const [task] = await after.tasks({ instanceId: id });
    expect(task).toMatchObject({ dueAt: official });
    expect(task!.dueProvisional).toBeUndefined();
    expect(await after.provisionalDeadlines()).toEqual([]);
    expect(await after.reresolveDeadlines({ actor: admin })).toEqual({ checked: 0, changes: [], failed: [] });

    // The timer fires once, at the new instant (the old one was cancelled in the same commit).
    await clock.advanceTo('2027-01-06T12:00:00+08:00');
    expect(fired.map((f) => [f.name, f.dueAt])).toEqual([['due', official]]);
    expect((await store.timers(id))).toEqual([]);
    expect((await after.history(id)).filter((h) => h.kind === 'timer')).toHaveLength(1);
    await after.close();
  });

  it("a deadline inside December 2026 rests on 2027's notice, and moves when that notice sets the day (regression)", async () => {
    // Before: workingDays(1) from Wed 30 December 2026 resolved to Thu 31 December, marked official (2026
    // is official). A 2027 notice giving 31 December off (as 2019's gave 2018-12-31) could never move it.
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: workingDays(1) } });
    const store = memoryStore();
    const clock = virtualClock('2026-12-30T10:00:00+08:00');
    const directory = staticDirectory({ users: people });
    const effects = { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} };
    const before = createEngine({ store, clock, directory, effects, workflows: [wf], calendar: businessCalendar({ onWarning: () => {} }) });
    const id = await before.start('flow', { amount: 1 }, { actor: li });
    const dec31 = at('2026-12-31T10:00:00+08:00');
    expect((await before.get(id)).timers).toMatchObject([{ name: 'due', dueAt: dec31, provisional: true }]);
    expect(await before.provisionalDeadlines({ year: 2027 })).toMatchObject([{ instanceId: id, dueAt: dec31, years: [2027] }]);
    await before.close();

    const notice = parseHolidaySchedule({ '2027': { holidays: [['2026-12-31', '2027-01-03', '元旦', "New Year's Day"], ['2027-10-01', '2027-10-07', '国庆节', 'National Day']], workdays: [] } });
    const after = createEngine({ store, clock, directory, effects, workflows: [wf], calendar: businessCalendar({ holidays: ['CN', ...notice] }) });
    const report = await after.reresolveDeadlines({ actor: admin, year: 2027 });
    const jan4 = at('2027-01-04T10:00:00+08:00');
    expect(report.changes).toEqual([{ instanceId: id, revision: 2, name: 'due', previousDueAt: dec31, dueAt: jan4, provisional: false, years: [] }]);
    expect((await after.get(id)).timers).toEqual([{ name: 'due', dueAt: jan4, state: 'legal', label: 'due in legal' }]);
    await after.close();
  });

  it('keeps the provisional mark through suspend/resume and re-resolves held timers', async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: workingDays(3) } });
    const store = memoryStore();
    const clock = virtualClock('2026-12-30T10:00:00+08:00');
    const effects = { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} };
    const engine = createEngine({ store, clock, directory: staticDirectory({ users: people }), effects, workflows: [wf], calendar: businessCalendar({ onWarning: () => {} }) });
    const id = await engine.start('flow', { amount: 1 }, { actor: li });
    await engine.suspend(id, { actor: admin, reason: 'audit' });
    expect(await engine.provisionalDeadlines()).toMatchObject([{ instanceId: id, held: true }]);
    expect((await engine.resume(id, { actor: admin, reason: 'done' })).timers).toEqual([{ name: 'due', dueAt: at('2027-01-05T10:00:00+08:00'), state: 'legal', label: 'due in legal', provisional: true }]);
    await engine.close();
  });

  // Issue 12's actor-shape kind, found again: reresolveDeadlines checked only `typeof id` and
  // `Array.isArray(roles)`, so `roles: ['admin', 5]` and a reason of 42 or 2 MB were sealed into the
  // chain, and an empty actor id failed per instance instead of up front.
  it('refuses a malformed actor, reason or year before re-resolving anything (INVALID_ARGUMENT, nothing recorded)', async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: workingDays(3) } });
    const store = memoryStore();
    const clock = virtualClock('2026-12-30T10:00:00+08:00');
    const directory = staticDirectory({ users: people });
    const effects = { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} };
    const before = createEngine({ store, clock, directory, effects, workflows: [wf], calendar: businessCalendar({ onWarning: () => {} }) });
    const id = await before.start('flow', { amount: 1 }, { actor: li });
    await before.close();
    const engine = createEngine({ store, clock, directory, effects, workflows: [wf], calendar: businessCalendar({ holidays: ['CN', ...parseHolidaySchedule(OFFICIAL_2027)] }) });
    const bad: unknown[] = [
      { actor: { id: '', roles: ['admin'] } },
      { actor: { id: 'ops', roles: ['admin', 5] } },
      { actor: { id: 'ops', roles: 'admin' } },
      { actor: { id: 'ops', roles: ['admin'], extra: 10n } },
      { actor: { id: 'ops', roles: ['admin'], tenant: '' } },
      { actor: admin, reason: 42 },
      { actor: admin, reason: { why: 'x' } },
      { actor: admin, reason: 'x'.repeat(20_000) },
      { actor: admin, reason: 'a\u0000b' },
      { actor: admin, reason: '  ' },
      { actor: admin, year: '2027' },
      null,
    ];
    for (const options of bad) {
      await expect(engine.reresolveDeadlines(options as never), JSON.stringify(options, (_, v) => (typeof v === 'bigint' ? `${v}n` : v))?.slice(0, 80)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    }
    expect(await engine.history(id)).toHaveLength(1);
    await expect(engine.provisionalDeadlines({ year: '2027' } as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.provisionalDeadlines(null as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    // A well-formed call still works, and records the actor as checked.
    const report = await engine.reresolveDeadlines({ actor: admin, reason: 'official 2027 schedule' });
    expect(report).toMatchObject({ checked: 1, failed: [], changes: [{ instanceId: id, revision: 2 }] });
    expect((await engine.history(id))[1]).toMatchObject({ actor: { id: admin.id, roles: admin.roles }, reason: 'official 2027 schedule' });
    await engine.close();
  });

  // Provisional-ness is decided by the days the deadline's computation covers, not by when it was
  // armed: a timer armed on 20 December (before DECEMBER_REACH_FROM) that walks into January 2027 rests
  // on 2027's unpublished notice just as one armed on 26 December does.
  it('a deadline armed before the December reach that walks into January 2027 is provisional and re-resolved when 2027 arrives, like one armed on 26 December', async () => {
    const wf = approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: workingDays(10) } });
    const effects = { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} };
    const directory = staticDirectory({ users: people });
    const official = businessCalendar({ holidays: ['CN', ...parseHolidaySchedule(OFFICIAL_2027)] });
    for (const armedOn of ['2026-12-20', '2026-12-26']) {
      const store = memoryStore();
      const clock = virtualClock(`${armedOn}T10:00:00+08:00`);
      const before = createEngine({ store, clock, directory, effects, workflows: [wf], calendar: businessCalendar({ onWarning: () => {} }) });
      const id = await before.start('flow', { amount: 1 }, { actor: li });
      const [timer] = (await before.get(id)).timers;
      expect([armedOn, new Date(timer!.dueAt).getUTCFullYear(), timer!.provisional]).toEqual([armedOn, 2027, true]);
      expect((await before.provisionalDeadlines({ year: 2027 })).map((d) => d.instanceId)).toEqual([id]);
      await before.close();
      const after = createEngine({ store, clock, directory, effects, workflows: [wf], calendar: official });
      const report = await after.reresolveDeadlines({ actor: admin, year: 2027 });
      const due = official.resolve(workingDays(10), clock.now());
      expect([armedOn, report.changes.map((c) => [c.dueAt, c.provisional])]).toEqual([armedOn, [[due, false]]]);
      expect(await after.provisionalDeadlines()).toEqual([]);
      await after.close();
    }
  });

  it('property: a deadline armed on any day of late 2026 is provisional exactly when a day it walked may still be set by 2027\'s notice, and re-resolution leaves it official at what the official calendar says', async () => {
    const wf = (n: number) => approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } } }], { deadlines: { due: workingDays(n) } });
    const effects = { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} };
    const directory = staticDirectory({ users: people });
    const estimate = businessCalendar({ onWarning: () => {} });
    const official = businessCalendar({ holidays: ['CN', ...parseHolidaySchedule(OFFICIAL_2027)] });
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 60 }), fc.integer({ min: 1, max: 25 }), async (offset, n) => {
        const armedOn = new Date(Date.UTC(2026, 10, 1 + offset)).toISOString().slice(0, 10);
        const store = memoryStore();
        const clock = virtualClock(`${armedOn}T10:00:00+08:00`);
        const before = createEngine({ store, clock, directory, effects, workflows: [wf(n)], calendar: estimate });
        const id = await before.start('flow', { amount: 1 }, { actor: li });
        const [timer] = (await before.get(id)).timers;
        const walked = estimate.daysInRange(armedOn, estimate.toLocalDate(timer!.dueAt)).filter((d) => d.date !== armedOn);
        expect([armedOn, n, timer!.provisional === true]).toEqual([armedOn, n, walked.some((d) => d.provisional === true)]);
        await before.close();
        const after = createEngine({ store, clock, directory, effects, workflows: [wf(n)], calendar: official });
        await after.reresolveDeadlines({ actor: admin, year: 2027 });
        const [now] = (await after.get(id)).timers;
        expect([armedOn, n, now!.dueAt, now!.provisional]).toEqual([armedOn, n, official.resolve(workingDays(n), clock.now()), undefined]);
        await after.close();
      }),
      { numRuns: 60 },
    );
  });
});
