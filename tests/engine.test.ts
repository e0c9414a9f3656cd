import { describe, expect, it } from 'vitest';
import { setup as xstateSetup } from 'xstate';
import { createEngine, isDocketError, memoryStore, virtualClock, type Store } from '../src/index.js';
import { admin, manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';

const START = '2026-11-02T09:00:00+08:00';
const DAY = 86_400_000;

/** The workflow under the same id and version with a machine that lost every state but `draft`. */
function redeployedWithoutItsStates<T extends typeof reviewWorkflow>(workflow: T): T {
  const machine = xstateSetup({}).createMachine({ id: 'review', initial: 'draft', states: { draft: {} } });
  return { ...workflow, machine } as unknown as T;
}

function setup(store: Store = memoryStore(), effects: Record<string, (p: any) => void | Promise<void>> = {}) {
  const clock = virtualClock(START);
  const engine = createEngine({ store, clock, workflows: [reviewWorkflow], effects });
  return { clock, engine, store };
}

describe('engine core', () => {
  it('starts, sends and reports the instance after each event', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'Q1 plan' }, { actor: staff });
    const started = await engine.get(id);
    expect(started).toMatchObject({ workflow: 'review', version: 1, state: 'draft', status: 'active', revision: 1, initiator: 'li' });
    const view = await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    expect(view.state).toBe('reviewing');
    expect(view.revision).toBe(2);
    expect(view.context).toMatchObject({ rounds: 1 });
    expect(view.timers).toEqual([{ name: 'reviewDeadline', dueAt: Date.parse(START) + 3 * DAY, state: 'reviewing', label: 'reviewDeadline in reviewing' }]);
    const done = await engine.send(id, { type: 'APPROVE', comment: 'ok' }, { actor: manager });
    expect(done.status).toBe('done');
    expect(done.timers).toEqual([]);
  });

  it('fires a durable timer once, at its due instant, and cancels it on exit', async () => {
    const { engine, clock } = setup();
    const a = await engine.start('review', { title: 'a' }, { actor: staff });
    const b = await engine.start('review', { title: 'b' }, { actor: staff });
    await engine.send(a, { type: 'SUBMIT' }, { actor: staff });
    await engine.send(b, { type: 'SUBMIT' }, { actor: staff });
    await engine.send(b, { type: 'APPROVE' }, { actor: manager });
    const fired = await clock.advanceBy({ days: 5 });
    expect(fired.map((f) => [f.instanceId, f.name, f.firedAt - f.dueAt])).toEqual([[a, 'reviewDeadline', 0]]);
    expect(fired[0]!.firedAt).toBe(Date.parse(START) + 3 * DAY);
    expect((await engine.get(a)).state).toBe('escalated');
    expect(await clock.advanceBy({ days: 30 })).toEqual([]);
    const history = await engine.history(a);
    expect(history.filter((h) => h.kind === 'timer')).toHaveLength(1);
  });

  it('restores an instance mid-deadline in a fresh engine and fires at the right instant, once', async () => {
    const store = memoryStore();
    const first = setup(store);
    const id = await first.engine.start('review', { title: 'x' }, { actor: staff });
    await first.engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    await first.clock.advanceBy({ days: 1 });
    await first.engine.close();

    // A new process: new engine, new clock at the same moment, same store.
    const clock = virtualClock(Date.parse(START) + DAY);
    const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
    expect(await clock.advanceBy({ hours: 47 })).toEqual([]);
    const fired = await clock.advanceBy({ hours: 2 });
    expect(fired).toHaveLength(1);
    expect(fired[0]!.firedAt).toBe(Date.parse(START) + 3 * DAY);
    expect(await clock.advanceTo(Date.parse(START) + 40 * DAY)).toEqual([]);
    expect((await engine.get(id)).state).toBe('escalated');
  });

  it('fires a timer that fell due while no engine ran at the next start, late, and records how late', async () => {
    const store = memoryStore();
    const first = setup(store);
    const id = await first.engine.start('review', { title: 'x' }, { actor: staff });
    await first.engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    await first.engine.close();
    const clock = virtualClock(Date.parse(START) + 10 * DAY);
    const engine = createEngine({ store, clock, workflows: [reviewWorkflow] });
    const fired = await clock.flush();
    expect(fired).toHaveLength(1);
    expect(fired[0]!.lateMs).toBe(7 * DAY);
    const entry = (await engine.history(id)).at(-1)!;
    expect(entry.kind).toBe('timer');
    expect('timer' in entry && entry.timer).toMatchObject({ name: 'reviewDeadline', dueAt: Date.parse(START) + 3 * DAY, lateMs: 7 * DAY });
  });

  it('records effects in the outbox with the commit and delivers each once, retrying after a handler error', async () => {
    const calls: string[] = [];
    let failNext = true;
    const { engine, clock } = setup(memoryStore(), {
      notify: (p) => {
        calls.push(`notify:${p.title}`);
        if (failNext) {
          failNext = false;
          throw new Error('mail server down');
        }
      },
      archive: () => {
        calls.push('archive');
      },
    });
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    await engine.settled(); // send resolves once committed; its effects are delivered after it
    expect(calls).toEqual(['notify:T']);
    let effects = await engine.effects(id);
    expect(effects).toHaveLength(1);
    expect(effects[0]).toMatchObject({ id: `${id}:2:0`, status: 'pending', attempts: 1, lastError: 'mail server down' });
    await clock.advanceBy({ seconds: 2 });
    expect(calls).toEqual(['notify:T', 'notify:T']);
    effects = await engine.effects(id);
    expect(effects[0]).toMatchObject({ status: 'delivered', attempts: 2 });
    await engine.send(id, { type: 'APPROVE' }, { actor: manager });
    await clock.advanceBy({ days: 10 });
    expect(calls).toEqual(['notify:T', 'notify:T', 'archive']);
  });

  it('marks an effect without a handler dead with a message saying how to register one', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    await engine.settled();
    const [effect] = await engine.effects(id);
    expect(effect).toMatchObject({ type: 'notify', status: 'dead' });
    expect(effect!.lastError).toContain('effects: { notify');
  });

  it('refuses bad input with a typed error and changes nothing', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    const cases: [unknown, { id: string; roles: string[] }, string][] = [
      [{ type: 'APPROV' }, staff, 'UNKNOWN_EVENT'],
      [{ type: 'APPROVE' }, manager, 'EVENT_NOT_ACCEPTED'],
      [{ type: 'SUBMIT' }, manager, 'FORBIDDEN'],
      [{ type: 'REJECT', comment: 5 }, manager, 'INVALID_PAYLOAD'],
    ];
    for (const [event, actor, code] of cases) {
      const error = await engine.send(id, event as never, { actor }).catch((e) => e);
      expect(isDocketError(error, code as never), `${JSON.stringify(event)} → ${code}, got ${error?.code}`).toBe(true);
      expect(error.message.length).toBeGreaterThan(20);
    }
    const view = await engine.get(id);
    expect(view).toMatchObject({ state: 'draft', revision: 1 });
    const history = await engine.history(id, { includeRefused: true });
    expect(history.filter((h) => h.kind === 'refused').map((h) => ('code' in h ? h.code : ''))).toEqual([
      'UNKNOWN_EVENT',
      'EVENT_NOT_ACCEPTED',
      'FORBIDDEN',
      'INVALID_PAYLOAD',
    ]);
    await expect(engine.start('review', { title: '' }, { actor: staff })).rejects.toMatchObject({ code: 'INVALID_PAYLOAD' });
    await expect(engine.start('nope' as never, {} as never, { actor: staff })).rejects.toMatchObject({ code: 'WORKFLOW_NOT_FOUND' });
    await expect(engine.get('missing')).rejects.toMatchObject({ code: 'INSTANCE_NOT_FOUND' });
  });

  it('returns the first result for a repeated idempotency key and refuses it with another payload', async () => {
    const { engine } = setup();
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    const first = await engine.send(id, { type: 'SUBMIT' }, { actor: staff, idempotencyKey: 'k1' });
    const again = await engine.send(id, { type: 'SUBMIT' }, { actor: staff, idempotencyKey: 'k1' });
    expect(again).toEqual(first);
    expect((await engine.get(id)).revision).toBe(2);
    await expect(engine.send(id, { type: 'WITHDRAW' }, { actor: staff, idempotencyKey: 'k1' })).rejects.toMatchObject({
      code: 'IDEMPOTENCY_MISMATCH',
    });
  });

  it('chains history by hash and reports an edited, removed or reordered entry', async () => {
    const { engine, store } = setup();
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    await engine.send(id, { type: 'REJECT', comment: 'more data' }, { actor: manager });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    expect(await engine.verify(id)).toMatchObject({ ok: true, entries: 4 });
    const entries = (await store.history(id)) as any[];
    const history = entries.map((e) => ({ ...e }));
    const { verifyChain } = await import('../src/engine/chain-verifier.js');
    const head = (await store.load(id))!.historyHash;
    const edited = history.map((e, i) => (i === 2 ? { ...e, actor: { id: 'mallory', roles: ['manager'] } } : e));
    expect(verifyChain(id, edited, head).problems.map((p) => [p.revision, p.problem])).toEqual([[3, 'edited']]);
    const removed = history.filter((_, i) => i !== 1);
    expect(verifyChain(id, removed, head).ok).toBe(false);
    expect(verifyChain(id, removed, head).problems[0]!.problem).toBe('missing');
    const reordered = [history[0], history[2], history[1], history[3]];
    expect(verifyChain(id, reordered, head).problems.some((p) => p.problem === 'reordered')).toBe(true);
    const truncated = history.slice(0, 3);
    expect(verifyChain(id, truncated, head).problems.map((p) => p.problem)).toEqual(['head-mismatch']);
  });

  it('keeps version-1 instances on version 1 and refuses an unregistered version clearly', async () => {
    const store = memoryStore();
    const { engine } = setup(store);
    const id = await engine.start('review', { title: 'v1' }, { actor: staff });
    const v2 = { ...reviewWorkflow, version: 2 } as typeof reviewWorkflow;
    const both = createEngine({ store, clock: virtualClock(START), workflows: [reviewWorkflow, v2] });
    const newId = await both.start('review', { title: 'v2' }, { actor: staff });
    expect((await both.get(newId)).version).toBe(2);
    expect((await both.send(id, { type: 'SUBMIT' }, { actor: staff })).version).toBe(1);
    const onlyV2 = createEngine({ store, clock: virtualClock(START), workflows: [v2] });
    const error = await onlyV2.send(id, { type: 'APPROVE' }, { actor: manager }).catch((e) => e);
    expect(error.code).toBe('WORKFLOW_VERSION_NOT_REGISTERED');
    expect(error.message).toContain('version 1');
    expect((await onlyV2.get(id)).revision).toBe(2);
  });

  it('two engines on one store: one wins, the other retries transparently or is refused — never a lost update', async () => {
    const store = memoryStore();
    const clock = virtualClock(START);
    const e1 = createEngine({ store, clock, workflows: [reviewWorkflow] });
    const e2 = createEngine({ store, clock, workflows: [reviewWorkflow] });
    const id = await e1.start('review', { title: 'race' }, { actor: staff });
    await e1.send(id, { type: 'SUBMIT' }, { actor: staff });
    const results = await Promise.allSettled([
      e1.send(id, { type: 'REJECT', comment: 'no' }, { actor: manager }),
      e2.send(id, { type: 'APPROVE' }, { actor: manager }),
    ]);
    const ok = results.filter((r) => r.status === 'fulfilled');
    const failed = results.filter((r) => r.status === 'rejected') as PromiseRejectedResult[];
    const history = await store.history(id);
    // Every acknowledged send is in the history; revisions are gapless.
    expect(history.map((h) => h.revision)).toEqual([1, 2, ...ok.map((_, i) => 3 + i)]);
    for (const f of failed) expect(['EVENT_NOT_ACCEPTED', 'CONFLICT']).toContain(f.reason.code);
    expect(ok.length).toBeGreaterThanOrEqual(1);
  });

  it('suspends an instance (its deadline waits), then resumes and fires it late; terminates with a reason', async () => {
    const { engine, clock } = setup();
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    await expect(engine.suspend(id, { actor: staff, reason: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await engine.suspend(id, { actor: admin, reason: 'audit hold' });
    expect(await clock.advanceBy({ days: 5 })).toEqual([]);
    await expect(engine.send(id, { type: 'APPROVE' }, { actor: manager })).rejects.toMatchObject({ code: 'INSTANCE_NOT_ACTIVE' });
    expect((await engine.get(id)).state).toBe('reviewing');
    await engine.resume(id, { actor: admin, reason: 'cleared' });
    const fired = await clock.flush();
    expect(fired).toHaveLength(1);
    expect(fired[0]!.lateMs).toBe(2 * DAY);
    expect((await engine.get(id)).state).toBe('escalated');
    const t = await engine.terminate(id, { actor: admin, reason: 'duplicate request' });
    expect(t.status).toBe('cancelled');
    const last = (await engine.history(id)).at(-1)!;
    expect(last).toMatchObject({ kind: 'admin', reason: 'duplicate request', actor: { id: 'root' } });
  });

  it('lists instances by workflow, state and status, with cursor pages', async () => {
    const { engine } = setup();
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push(await engine.start('review', { title: `t${i}` }, { actor: staff }));
    await engine.send(ids[0]!, { type: 'SUBMIT' }, { actor: staff });
    expect((await engine.list({ state: 'reviewing' })).items.map((v) => v.id)).toEqual([ids[0]]);
    const page1 = await engine.list({ workflow: 'review', limit: 3 });
    expect(page1.items).toHaveLength(3);
    const page2 = await engine.list({ workflow: 'review', limit: 3, cursor: page1.nextCursor! });
    expect([...page1.items, ...page2.items].map((v) => v.id)).toEqual(ids);
    expect(page2.nextCursor).toBeUndefined();
  });
});

describe('engine core: corrupt data', () => {
  it.each([
    ['a state the machine does not have', { status: 'active', value: 'nowhere', context: {}, children: {}, historyValue: {} }],
    ['no snapshot at all', null],
    ['a string instead of a snapshot', 'garbage'],
  ])('refuses an instance whose stored snapshot has %s with CORRUPT_SNAPSHOT naming it, and changes nothing', async (_what, snapshot) => {
    const { engine, store } = setup();
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    const record = (await store.load(id))!;
    // Simulate a damaged row: the same record with a broken snapshot (a fresh engine, so no cache).
    await store.commit({
      instance: { ...record, snapshot, revision: 2 },
      expectedRevision: 1,
      history: { ...(await store.history(id))[0]!, revision: 2 },
      cancelTimerIds: [],
      addTimers: [],
      effects: [],
    });
    const fresh = createEngine({ store, clock: virtualClock(START), workflows: [reviewWorkflow] });
    const error = await fresh.send(id, { type: 'SUBMIT' }, { actor: staff }).catch((e) => e);
    expect(error.code).toBe('CORRUPT_SNAPSHOT');
    expect(error.message).toContain(id);
    expect((await store.load(id))!.revision).toBe(2);
    // Other instances are unaffected.
    const other = await fresh.start('review', { title: 'ok' }, { actor: staff });
    expect((await fresh.send(other, { type: 'SUBMIT' }, { actor: staff })).state).toBe('reviewing');
  });

  it('reports a deadline that cannot be computed (a year without holiday data) as a typed error and changes nothing', async () => {
    const { businessCalendar, workingDays, defineWorkflow } = await import('../src/index.js');
    const wf = defineWorkflow({ ...reviewWorkflow, deadlines: { reviewDeadline: workingDays(2) } });
    const clock = virtualClock('2040-03-02T09:00:00+08:00');
    // 'throw' explicitly: the CN default since issue 15 is the statutory estimate.
    const engine = createEngine({ store: memoryStore(), clock, calendar: businessCalendar({ holidays: ['CN'], onMissingYear: 'throw' }), workflows: [wf] });
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    const error = await engine.send(id, { type: 'SUBMIT' }, { actor: staff }).catch((e) => e);
    expect(error.code).toBe('CALENDAR_YEAR_MISSING');
    expect(error.message).toContain('2040');
    expect(await engine.get(id)).toMatchObject({ state: 'draft', revision: 1 });
  });
});

describe('engine core: deadline rules without a calendar', () => {
  it('resolves durations and absolute instants, and asks for a calendar for working-day rules', async () => {
    const { absolute, duration, workingDays } = await import('../src/index.js');
    const { resolveDeadline } = await import('../src/calendar/resolve-deadline.js');
    const from = Date.parse(START);
    expect(resolveDeadline(duration({ hours: 2 }), from, undefined)).toBe(from + 7_200_000);
    expect(resolveDeadline(absolute('2026-12-01T18:00:00+08:00'), from, undefined)).toBe(Date.parse('2026-12-01T10:00:00Z'));
    expect(() => resolveDeadline(workingDays(3), from, undefined)).toThrow(/needs a business calendar/);
    expect(() => resolveDeadline(absolute('2026-12-01'), from, undefined)).toThrow(/needs a business calendar/);
  });
});

describe('engine core: a timer that cannot be delivered', () => {
  it('suspends the instance with the reason instead of retrying forever; resuming after the fix fires it late', async () => {
    const { defineWorkflow, duration } = await import('../src/index.js');
    const failing = defineWorkflow({ ...reviewWorkflow, deadlines: { reviewDeadline: duration({ days: 1 }) } });
    const clock = virtualClock(START);
    const store = memoryStore();
    const engine = createEngine({ store, clock, workflows: [failing] });
    const errors: unknown[] = [];
    engine.on('error', (e) => errors.push(e));
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    // The machine redeployed under the same version without the state the instance is in: its
    // snapshot cannot be restored, so the timer's transition cannot be computed. (Editing the stored
    // snapshot instead is tampering, which the engine refuses outright: see tests/history-tamper.test.ts.)
    const fresh = createEngine({ store, clock, workflows: [redeployedWithoutItsStates(failing)] });
    fresh.on('error', (e) => errors.push(e));
    await engine.close();
    const fired = await clock.advanceBy({ days: 60 });
    expect(fired).toEqual([]);
    expect(errors.length).toBe(1);
    const view = await fresh.get(id);
    expect(view.suspended).toBe(true);
    const last = (await fresh.history(id)).at(-1)!;
    expect(last).toMatchObject({ kind: 'admin', event: { type: 'docket.admin.suspend', timer: 'reviewDeadline', code: 'CORRUPT_SNAPSHOT' } });
    expect('reason' in last && last.reason).toContain('reviewDeadline');
    // Deploy the right machine again (the fix), then resume: the timer fires, late.
    await fresh.close();
    const fixed = createEngine({ store, clock, workflows: [failing] });
    await fixed.resume(id, { actor: admin, reason: 'machine redeployed with its states' });
    const late = await clock.flush();
    expect(late).toHaveLength(1);
    expect(late[0]!.lateMs).toBe(59 * DAY);
    expect((await fixed.get(id)).state).toBe('escalated');
  });
});

describe('engine core: 任意跳转 (admin move to a chosen state)', () => {
  it('leaves through exits (timers cancelled) and enters through entries (effects and timers armed), audited', async () => {
    const calls: string[] = [];
    const { engine, clock } = setup(memoryStore(), { notify: (p) => void calls.push(`notify:${p.title}`) });
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    // From draft straight into reviewing: its entry effect runs and its deadline is armed.
    const moved = await engine.moveTo(id, { actor: admin, target: 'reviewing', reason: 'submitted on paper' });
    expect(moved.state).toBe('reviewing');
    expect(moved.timers).toEqual([{ name: 'reviewDeadline', dueAt: Date.parse(START) + 3 * DAY, state: 'reviewing', label: 'reviewDeadline in reviewing' }]);
    expect(calls).toEqual(['notify:T']);
    // Back to draft: the reviewing deadline is cancelled and never fires.
    const back = await engine.moveTo(id, { actor: admin, target: 'draft', reason: 'wrong form' });
    expect(back.timers).toEqual([]);
    expect(await clock.advanceBy({ days: 10 })).toEqual([]);
    expect((await engine.get(id)).state).toBe('draft');
    const last = (await engine.history(id)).at(-1)!;
    expect(last).toMatchObject({ kind: 'admin', actor: { id: 'root' }, reason: 'wrong form', from: 'reviewing', to: 'draft' });
    await expect(engine.moveTo(id, { actor: admin, target: 'nowhere', reason: 'x' })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
    await expect(engine.moveTo(id, { actor: manager, target: 'approved', reason: 'x' })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    await expect(engine.send(id, { type: 'docket.admin.moveTo', target: 'approved' } as never, { actor: admin })).rejects.toMatchObject({ code: 'UNKNOWN_EVENT' });
    expect((await engine.get(id)).state).toBe('draft');
  });
});

describe('engine core: an instance that cannot be restored', () => {
  it('can still be terminated, as the CORRUPT_SNAPSHOT message advises, without restoring its snapshot', async () => {
    const { engine, store } = setup();
    const id = await engine.start('review', { title: 'T' }, { actor: staff });
    await engine.send(id, { type: 'SUBMIT' }, { actor: staff });
    const record = (await store.load(id))!;
    const fresh = createEngine({ store, clock: virtualClock(START), workflows: [redeployedWithoutItsStates(reviewWorkflow)] });
    const error = await fresh.send(id, { type: 'APPROVE' }, { actor: manager }).catch((e) => e);
    expect(error.code).toBe('CORRUPT_SNAPSHOT');
    expect(error.message).toContain('terminate');
    const view = await fresh.terminate(id, { actor: admin, reason: 'snapshot lost, no backup' });
    expect(view).toMatchObject({ status: 'cancelled', timers: [] });
    expect((await store.load(id))!.snapshot).toEqual(record.snapshot);
    expect(await fresh.verify(id)).toMatchObject({ ok: true, snapshot: 'verified' });
  });
});
