import fc from 'fast-check';
import { assign, raise, setup, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { absolute, createEngine, deadline, defineWorkflow, isDocketError, memoryStore, users, virtualClock, workingDays } from '../src/index.js';
import { planCommit } from '../src/engine/plan-commit.js';
import { stateDigest, timersDigest } from '../src/engine/state-digest.js';
import { actor, admin, approvalFlow, harness, li, type StepSpec } from './approvals-fixture.js';

const HOUR = 3_600_000;
const at = (hhmm: string) => Date.parse(`2026-11-02T${hhmm}:00+08:00`);
const someone = { id: 'li', roles: ['staff'] };

/** The machine: `waiting` arms a 1 h timer, and leaves at once while `skip` holds. */
const parkWorkflow = defineWorkflow({
  id: 'park',
  version: 1,
  machine: setup({
    types: {} as { context: { skip: boolean }; events: { type: 'GO' } | { type: 'BACK' } },
    guards: { skip: ({ context }) => context.skip },
  }).createMachine({
    id: 'park',
    context: { skip: true },
    initial: 'idle',
    states: {
      idle: { on: { GO: 'waiting' } },
      waiting: { after: { 3600000: 'timedOut' }, always: { guard: 'skip', target: 'parked' } },
      parked: { on: { BACK: { target: 'waiting', actions: assign({ skip: false }) } } },
      timedOut: { type: 'final' },
    },
  }),
  input: z.object({}),
  events: { GO: z.object({}), BACK: z.object({}) },
});

describe('timer lifecycle: a timer armed and cancelled in the same step does not survive', () => {
  it('a state entered and left in one send leaves no timer; the re-entered state times out at its own due instant', async () => {
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [parkWorkflow] });
    const id = await engine.start('park', {}, { actor: someone });
    const parked = await engine.send(id, { type: 'GO' }, { actor: someone });
    expect(parked.state).toBe('parked');
    expect(parked.timers).toEqual([]);
    expect((await engine.get(id)).timers).toEqual([]);
    expect(await engine.store.timers(id)).toEqual([]);

    await clock.advanceTo(at('09:50'));
    const back = await engine.send(id, { type: 'BACK' }, { actor: someone });
    expect(back.state).toBe('waiting');
    expect(back.timers).toEqual([{ name: '3600000', dueAt: at('10:50'), state: 'waiting', label: 'after 1h in waiting' }]);

    expect(await clock.advanceTo(at('10:00'))).toEqual([]);
    expect((await engine.get(id)).state).toBe('waiting');
    const fired = await clock.advanceTo(at('11:00'));
    expect(fired.map((f) => [f.name, f.dueAt, f.firedAt])).toEqual([['3600000', at('10:50'), at('10:50')]]);
    expect((await engine.get(id)).state).toBe('timedOut');
    expect((await engine.history(id)).filter((e) => e.kind === 'timer')).toHaveLength(1);
  });

  it('a timer whose state is no longer active fires nothing: it is retired by an entry that names it (tests/timer-retirement.test.ts has the rest)', async () => {
    const clock = virtualClock(at('09:00'));
    const store = memoryStore();
    const engine = createEngine({ store, clock, workflows: [parkWorkflow] });
    const id = await engine.start('park', {}, { actor: someone });
    await engine.send(id, { type: 'GO' }, { actor: someone });
    // What a store written before in-order cancels holds: the `waiting` timer left pending while parked.
    const record = await engine.record(id);
    const key = 'xstate.after.3600000.park.waiting';
    const stale = { id: `${id}:${record.revision + 1}:${key}`, key, name: '3600000', dueAt: at('10:00'), event: { type: key } };
    const legacy = planCommit(record, { snapshot: { value: record.state, context: record.context, status: 'active' } as never, actions: [] }, record.snapshot, {
      instanceId: id,
      workflow: 'park',
      version: 1,
      initiator: record.initiator,
      kind: 'admin',
      event: { type: 'docket.admin.legacy' },
      actor: admin,
      now: clock.now(),
      extraTimers: [stale],
    }, undefined);
    await store.commit(legacy);
    expect((await store.timers(id)).map((t) => t.key)).toEqual([key]);
    const before = (await engine.history(id)).length;

    expect(await clock.advanceTo(at('10:00'))).toEqual([]);
    // No transition: one entry that retires it, naming it, and nothing of `waiting` pending after it.
    const history = await store.history(id);
    expect(history.length).toBe(before + 1);
    expect(history.filter((e) => e.kind === 'timer')).toEqual([]);
    expect([history.at(-1)!.event.type, history.at(-1)!.retiredTimers]).toEqual(['docket.admin.retireTimers', [{ id: stale.id, name: '3600000', state: 'waiting', dueAt: at('10:00') }]]);
    expect((await engine.get(id)).state).toBe('parked');
    expect(await store.timers(id)).toEqual([]);
    await engine.send(id, { type: 'BACK' }, { actor: someone });
    expect((await engine.get(id)).timers.map((t) => t.dueAt)).toEqual([at('10:00') + HOUR]);
    expect((await store.timers(id)).map((t) => t.dueAt)).toEqual([at('11:00')]);
  });
});

describe('timer lifecycle in approvals: a step decided on entry leaves no 超时自动处理 timer armed', () => {
  const DUE = { due: workingDays(1) };
  const deadlineStep = { deadline: { after: 'due', then: { kind: 'approve' as const } } };
  const cases: { name: string; first: StepSpec; before?: StepSpec }[] = [
    { name: '去重 dedupe', before: { id: 'manager', mode: 'all', approvers: users('wang') }, first: { id: 'board', mode: 'all', approvers: users('wang'), dedupe: true, ...deadlineStep } },
    { name: "initiatorIsApprover: 'skip'", first: { id: 'team', mode: 'all', approvers: users('li'), initiatorIsApprover: 'skip', ...deadlineStep } },
    { name: "whenNobody: 'approve'", first: { id: 'audit', mode: 'all', approvers: users('gone'), whenNobody: 'approve', ...deadlineStep } },
  ];
  for (const c of cases) {
    it(`${c.name}: no timer of the step while it is not active, and no docket:system decision after a return`, async () => {
      const last: StepSpec = { id: 'finance', mode: 'all', approvers: users('sun'), returns: { submitter: true } };
      const steps = [...(c.before ? [c.before] : []), c.first, last];
      const h = harness(approvalFlow(steps, { draft: true, deadlines: DUE }));
      const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
      const submit = async () => {
        await h.engine.send(id, { type: 'SUBMIT' }, { actor: li });
        if (c.before) await h.engine.send(id, { type: 'APPROVE' }, { actor: actor('wang') });
      };
      await submit();
      let view = await h.engine.get(id);
      expect(Object.keys(view.state as unknown as object)).toEqual(['finance']);
      expect((await h.step(id, c.first.id)).outcome).toEqual({ kind: 'approved' });
      expect((await h.step(id, c.first.id)).active).toBe(false);
      expect(view.timers.filter((t) => t.state === c.first.id)).toEqual([]);
      // 退回 to the submitter an hour later, resubmitted: the step is decided on entry again.
      await h.clock.advanceBy({ hours: 1 });
      const task = (await h.engine.tasks({ assignee: 'sun', instanceId: id }))[0]!;
      await h.engine.send(id, { type: 'RETURN', step: 'finance', taskId: task.id, comment: 'fix', to: 'submitter' } as never, { actor: actor('sun') });
      await h.clock.advanceBy({ hours: 1 });
      await submit();
      view = await h.engine.get(id);
      expect(view.timers.filter((t) => t.state === c.first.id)).toEqual([]);
      await h.clock.advanceBy({ days: 10 });
      const history = await h.engine.history(id);
      expect(history.filter((e) => e.actor.id === 'docket:system')).toEqual([]);
      expect(Object.keys((await h.engine.get(id)).state as unknown as object)).toEqual(['finance']);
    });
  }

  it('moveTo into a step arms its 超时自动处理 timer once, due a working day after the move, and it decides once', async () => {
    const h = harness(approvalFlow([{ id: 'legal', mode: 'all', approvers: users('zhao'), ...deadlineStep }, { id: 'finance', mode: 'all', approvers: users('sun') }], { deadlines: DUE }));
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.clock.advanceBy({ hours: 2 });
    const moved = await h.engine.moveTo(id, { actor: admin, target: 'legal', reason: 'start over' });
    const movedAt = h.clock.now();
    expect(moved.timers.map((t) => [t.name, t.state])).toEqual([['due', 'legal']]);
    expect(await h.engine.store.timers(id)).toHaveLength(1);
    expect(moved.timers[0]!.dueAt).toBe(movedAt + 86_400_000);
    // The first arming (at start) was cancelled by the move: nothing fires at its old due instant.
    expect(await h.clock.advanceTo(movedAt + 86_400_000 - 1)).toEqual([]);
    const fired = await h.clock.advanceTo(movedAt + 86_400_000);
    expect(fired).toHaveLength(1);
    const system = (await h.engine.history(id)).filter((e) => e.actor.id === 'docket:system');
    expect(system).toHaveLength(1);
    expect(system[0]!.at).toBe(movedAt + 86_400_000);
  });
  it('moveTo into a step decided on entry (whenNobody: approve) leaves none of its timers armed', async () => {
    const h = harness(
      approvalFlow([{ id: 'audit', mode: 'all', approvers: users('gone'), whenNobody: 'approve', ...deadlineStep }, { id: 'finance', mode: 'all', approvers: users('sun'), ...deadlineStep }], { deadlines: DUE }),
    );
    const id = await h.engine.start('flow', { amount: 1 }, { actor: li });
    await h.clock.advanceBy({ hours: 2 });
    const moved = await h.engine.moveTo(id, { actor: admin, target: 'audit', reason: 'audit again' });
    expect(Object.keys(moved.state as object)).toEqual(['finance']);
    expect(moved.timers.map((t) => t.state)).toEqual(['finance']);
    expect((await h.engine.store.timers(id)).map((t) => t.key)).toEqual(['xstate.after.due.finance']);
  });
});

describe('timer lifecycle: deadlines and names', () => {
  it('a past absolute deadline entered late fires at once and records the rule instant, so its lateness shows', async () => {
    const rule = absolute('2026-11-01T18:00:00+08:00');
    const wf = defineWorkflow({
      id: 'late',
      version: 1,
      machine: setup({ delays: { cutoff: deadline('cutoff') } }).createMachine({
        id: 'late',
        initial: 'open',
        states: { open: { after: { cutoff: 'closed' } }, closed: { type: 'final' } },
      }),
      input: z.object({}),
      events: {},
      deadlines: { cutoff: rule },
    });
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [wf] });
    const id = await engine.start('late', {}, { actor: someone });
    expect((await engine.get(id)).timers).toEqual([{ name: 'cutoff', dueAt: Date.parse('2026-11-01T18:00:00+08:00'), state: 'open', label: 'cutoff in open' }]);
    const fired = await clock.flush();
    expect(fired.map((f) => [f.firedAt, f.lateMs])).toEqual([[at('09:00'), 15 * HOUR]]);
    const entry = (await engine.history(id)).find((e) => e.kind === 'timer')!;
    expect('timer' in entry && entry.timer).toEqual({ name: 'cutoff', dueAt: Date.parse('2026-11-01T18:00:00+08:00'), lateMs: 15 * HOUR, state: 'open', label: 'cutoff in open' });
    expect(entry.event.type).toBe('docket.timer.cutoff');
    expect((await engine.get(id)).state).toBe('closed');
  });

  it('timers read "after 1h in <state>" and name their owning state, in nested and parallel states', async () => {
    const wf = defineWorkflow({
      id: 'nested',
      version: 1,
      machine: setup({}).createMachine({
        id: 'nested',
        type: 'parallel',
        states: {
          review: { initial: 'legal', states: { legal: { after: { 5400000: 'done' } }, done: {} } },
          watch: { after: { 86400000: '.late' }, initial: 'on', states: { on: {}, late: {} } },
        },
      }),
      input: z.object({}),
      events: {},
    });
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [wf] });
    const id = await engine.start('nested', {}, { actor: someone });
    expect((await engine.get(id)).timers).toEqual([
      { name: '5400000', dueAt: at('10:30'), state: 'review.legal', label: 'after 1h 30min in review.legal' },
      { name: '86400000', dueAt: at('09:00') + 24 * HOUR, state: 'watch', label: 'after 1d in watch' },
    ]);
    await clock.advanceTo(at('10:30'));
    const entry = (await engine.history(id)).find((e) => e.kind === 'timer')!;
    // The history's event type stays `docket.timer.<name>`.
    expect(entry.event.type).toBe('docket.timer.5400000');
  });
});

describe('timer lifecycle: delayed raises without an id', () => {
  it('an unnamed delayed raise in a later step does not replace one still pending: each fires once, at its own due instant', async () => {
    const pinger = defineWorkflow({
      id: 'pinger',
      version: 1,
      machine: setup({ types: {} as { context: { pings: string[] }; events: { type: 'A' } | { type: 'B' } | { type: 'PING'; n: string } } }).createMachine({
        context: { pings: [] },
        initial: 'idle',
        states: {
          idle: {
            on: {
              A: { actions: raise({ type: 'PING', n: 'a' }, { delay: HOUR }) },
              B: { actions: raise({ type: 'PING', n: 'b' }, { delay: 2 * HOUR }) },
              PING: { actions: assign({ pings: ({ context, event }) => [...context.pings, event.n] }) },
            },
          },
        },
      }),
      input: z.object({}),
      events: { A: z.object({}), B: z.object({}) },
    });
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [pinger] });
    const id = await engine.start('pinger', {}, { actor: someone });
    await engine.send(id, { type: 'A' }, { actor: someone });
    await clock.advanceTo(at('09:30'));
    await engine.send(id, { type: 'B' }, { actor: someone });
    expect((await engine.get(id)).timers.map((t) => t.dueAt)).toEqual([at('10:00'), at('11:30')]);
    const fired = await clock.advanceTo(at('12:00'));
    expect(fired.map((f) => f.dueAt === f.firedAt && f.firedAt)).toEqual([at('10:00'), at('11:30')]);
    expect((await engine.get(id)).context).toEqual({ pings: ['a', 'b'] });
  });
});

// ---------------------------------------------------------------------------------------------
// Property: after every commit, each pending timer belongs to a state that is active.

const ROOT = ['s0', 's1', 's2', 'p'] as const;
const REGIONS = { r1: ['a', 'b'], r2: ['c', 'd'] } as const;
const ATOMIC = ['s0', 's1', 's2', 'p.r1.a', 'p.r1.b', 'p.r2.c', 'p.r2.d'];
const TARGETS = [...ATOMIC, 'p'];
const ALL = ['s0', 's1', 's2', 'p', 'p.r1', 'p.r1.a', 'p.r1.b', 'p.r2', 'p.r2.c', 'p.r2.d'];
const DELAYS = [20_000, 45_000, 60_000];

interface NodeSpec {
  readonly after?: { readonly delay: number; readonly target: string };
  readonly always?: { readonly flag: 'f' | 'g'; readonly to: number };
  readonly e1?: string;
  readonly e2?: string;
}

const nodeSpec = fc.record(
  {
    after: fc.record({ delay: fc.constantFrom(...DELAYS), target: fc.constantFrom(...TARGETS) }),
    always: fc.record({ flag: fc.constantFrom('f' as const, 'g' as const), to: fc.nat(3) }),
    e1: fc.constantFrom(...TARGETS),
    e2: fc.constantFrom(...TARGETS),
  },
  { requiredKeys: [] },
);

const machineSpec = fc.record(Object.fromEntries(ALL.map((path) => [path, nodeSpec])) as Record<string, typeof nodeSpec>);

type Act = { readonly type: 'E1' | 'E2' | 'F' | 'G' } | { readonly type: 'WAIT'; readonly ms: number } | { readonly type: 'R'; readonly ms: number };
const act: fc.Arbitrary<Act> = fc.oneof(
  fc.constantFrom<Act>({ type: 'E1' }, { type: 'E2' }, { type: 'F' }, { type: 'G' }),
  fc.integer({ min: 1000, max: 65_000 }).map((ms): Act => ({ type: 'WAIT', ms })),
  // A delayed raise without an id (from the root, owned by no state): it must fire once, on time.
  fc.constantFrom(...DELAYS).map((ms): Act => ({ type: 'R', ms })),
);

/** Build a small machine: `always` only moves to a later sibling, so eventless steps always end. */
function buildMachine(spec: Record<string, NodeSpec>) {
  const node = (path: string, siblings: readonly string[] | undefined, extra: Record<string, unknown> = {}) => {
    const s = spec[path] ?? {};
    const out: Record<string, unknown> = { ...extra };
    if (s.after) out.after = { [s.after.delay]: { target: `#m.${s.after.target}` } };
    const on: Record<string, unknown> = {};
    if (s.e1) on.E1 = { target: `#m.${s.e1}` };
    if (s.e2) on.E2 = { target: `#m.${s.e2}` };
    out.on = on;
    if (s.always && siblings) {
      const index = siblings.indexOf(path.split('.').pop()!);
      const later = siblings.slice(index + 1);
      if (later.length > 0) {
        const prefix = path.includes('.') ? path.slice(0, path.lastIndexOf('.') + 1) : '';
        out.always = { guard: s.always.flag, target: `#m.${prefix}${later[s.always.to % later.length]}` };
      }
    }
    return out;
  };
  const regions: Record<string, unknown> = {};
  for (const [name, kids] of Object.entries(REGIONS)) {
    regions[name] = node(`p.${name}`, undefined, {
      initial: kids[0],
      states: Object.fromEntries(kids.map((k) => [k, node(`p.${name}.${k}`, kids)])),
    });
  }
  const states: Record<string, unknown> = {};
  for (const name of ROOT) states[name] = name === 'p' ? node('p', ROOT, { type: 'parallel', states: regions }) : node(name, ROOT);
  type Events = { type: 'E1' | 'E2' | 'F' | 'G' } | { type: 'R'; ms: number; $at: number } | { type: 'PING'; due: number; $at: number };
  return setup({
    types: {} as { context: { f: boolean; g: boolean; pings: [number, number][] }; events: Events },
    guards: { f: ({ context }) => context.f, g: ({ context }) => context.g },
  }).createMachine({
    id: 'm',
    context: { f: false, g: false, pings: [] },
    initial: 's0',
    on: {
      F: { actions: assign({ f: ({ context }) => !context.f }) },
      G: { actions: assign({ g: ({ context }) => !context.g }) },
      // Each PING records the instant it was due and the instant it arrived.
      R: { actions: raise(({ event }) => ({ type: 'PING' as const, due: (event as { $at: number }).$at + (event as { ms: number }).ms, $at: 0 }), { delay: ({ event }) => (event as { ms: number }).ms }) },
      PING: { actions: assign({ pings: ({ context, event }) => [...context.pings, [(event as { due: number }).due, (event as { $at: number }).$at] as [number, number]] }) },
    },
    states: states as never,
  }) as unknown as AnyStateMachine;
}

/**
 * Machines are drawn from a pool of random specs (each built and registered once, so a run costs an
 * instance, not an engine); the events and waits are random per run. Every commit is checked as
 * the store receives it, against XState's own naming, independently of the engine's owner map:
 * the delay event `xstate.after.<delay>.<state id>` names the state, and ids here are `m.<path>`.
 */
const POOL = fc.sample(machineSpec, { numRuns: 200, seed: 11 });

function poolEngine(index: number, problems: string[]) {
  const store = memoryStore();
  const checked = {
    ...store,
    async commit(commit: Parameters<typeof store.commit>[0]) {
      await store.commit(commit);
      // The commitments the engine wrote (with its cached Merkle references and timer digests) are
      // what a fresh computation over a copy of the stored record gives.
      const copy = structuredClone(commit.instance);
      if (commit.history.stateHash !== stateDigest(copy)) problems.push(`machine ${index} r${commit.instance.revision}: stateHash is not the digest of the stored state`);
      if (commit.history.timersHash !== timersDigest(copy.timers)) problems.push(`machine ${index} r${commit.instance.revision}: timersHash is not the digest of the stored timers`);
      const active = new Set(commit.instance.statePaths.map((p) => `m.${p}`));
      for (const timer of commit.instance.timers) {
        // Delayed raises without an id belong to no state (XState keeps them across state changes);
        // they are checked by their arrivals instead.
        if (!timer.key.startsWith('xstate.after.') && timer.event.type === 'PING') continue;
        const owner = /^xstate\.after\.\d+\.(.+)$/.exec(timer.key)?.[1];
        if (!owner || !active.has(owner)) problems.push(`machine ${index} r${commit.instance.revision}: ${timer.key} pending in ${JSON.stringify(commit.instance.state)}`);
      }
    },
  };
  const wf = defineWorkflow({
    id: 'm',
    version: 1,
    machine: buildMachine(POOL[index] as Record<string, NodeSpec>),
    input: z.object({}),
    events: { E1: z.object({}), E2: z.object({}), F: z.object({}), G: z.object({}), R: z.object({ ms: z.number() }) },
  });
  const clock = virtualClock(at('09:00'));
  return { clock, engine: createEngine({ store: checked, clock, workflows: [wf] }) };
}

describe('property: every pending timer belongs to an active state', () => {
  it('holds after every commit, whose state and timer commitments match a fresh digest of the stored record, over random machines with after/always/parallel regions and random events; every unnamed delayed raise arrives once, at its due instant', async () => {
    const problems: string[] = [];
    const engines = new Map<number, ReturnType<typeof poolEngine>>();
    let runs = 0;
    await fc.assert(
      fc.asyncProperty(fc.nat(POOL.length - 1), fc.array(act, { minLength: 1, maxLength: 12 }), async (index, acts) => {
        runs++;
        let pooled = engines.get(index);
        if (!pooled) engines.set(index, (pooled = poolEngine(index, problems)));
        const { engine, clock } = pooled;
        problems.length = 0;
        const id = await engine.start('m', {}, { actor: someone });
        const raised: number[] = [];
        for (const a of acts) {
          if (a.type === 'WAIT') await clock.advanceBy(a.ms);
          else if (a.type === 'R') {
            const view = await engine.send(id, a, { actor: someone }).catch((e) => {
              if (!isDocketError(e, 'INSTANCE_NOT_ACTIVE')) throw e;
            });
            if (view) raised.push(clock.now() + a.ms);
          } else await engine.send(id, { type: a.type }, { actor: someone }).catch((e) => {
            if (!isDocketError(e, 'EVENT_NOT_ACCEPTED')) throw e;
          });
        }
        // Every delayed raise arrives exactly once, at its due instant (never early, twice or lost),
        // while the instance is active to receive it.
        await clock.advanceBy(Math.max(...DELAYS));
        const view = await engine.get(id);
        if (view.status === 'active') {
          const pings = (view.context as { pings: [number, number][] }).pings;
          expect(pings.map(([due]) => due).sort((x, y) => x - y)).toEqual([...raised].sort((x, y) => x - y));
          for (const [due, arrived] of pings) expect(arrived).toBe(due);
        }
        // Its timers must not fire in the next run on this machine.
        await engine.terminate(id, { actor: admin, reason: 'run over' });
        expect(problems).toEqual([]);
      }),
      { numRuns: 1000 },
    );
    expect(runs).toBeGreaterThanOrEqual(1000);
    for (const { engine } of engines.values()) await engine.close();
  });
});
