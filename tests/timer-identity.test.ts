// A timer is told to people and operators by what it is — the state that armed it, a label, its
// deadline rule — at every engine output, not by XState's delay key or a bare delay in ms. An earlier
// fix named timers in engine.get(id).timers and the CLI; these outputs still said only `3600000`:
// the 'timer.fired' event and engine.tick(), the history entry of a firing, the engine logger's lines,
// the OpenTelemetry span and metrics, the reason of the engine's own suspension, the error reported for
// a transient failure, the migration report, and engine.waitFor's view (a state with its own id).
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { raise, setup, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  approvalStep,
  businessCalendar,
  createEngine,
  deadline,
  defineWorkflow,
  DocketError,
  duration,
  memoryStore,
  migrateFrom,
  staticDirectory,
  users,
  virtualClock,
  withApprovals,
  workingDays,
  type ApprovalContext,
  type ApprovalEvent,
  type DocketLogger,
  type FiredTimerView,
  type Store,
} from '../src/index.js';
import { docketTelemetry } from '../src/observe/otel.js';
import { strategyCycle } from '../machines/index.js';
import { timerLabel, timerOwnersOf } from '../src/engine/timer-owner.js';

const at = (hhmm: string) => Date.parse(`2026-11-02T${hhmm}:00+08:00`);
const someone = { id: 'li', roles: ['staff'] };
const admin = { id: 'root', roles: ['admin'] };

/** Two nested numeric delays and a named one with a static rule. */
const nested = defineWorkflow({
  id: 'nested',
  version: 1,
  machine: setup({ delays: { reviewDue: deadline('reviewDue') } }).createMachine({
    id: 'nested',
    initial: 'review',
    states: {
      review: {
        initial: 'waiting',
        after: { reviewDue: '#nested.closed' },
        states: { waiting: { after: { 3600000: 'late' } }, late: { after: { 5400000: '#nested.closed' } } },
      },
      closed: { type: 'final' },
    },
  }),
  input: z.object({}),
  events: {},
  deadlines: { reviewDue: duration({ days: 3 }) },
});

describe("'timer.fired' and engine.tick() say what fired", () => {
  it('each firing carries its workflow, the state that armed it, a label and its rule; the clock-level fields stay', async () => {
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [nested] });
    const heard: FiredTimerView[] = [];
    engine.on('timer.fired', (t) => heard.push(t));
    const id = await engine.start('nested', {}, { actor: someone });
    const returned = await clock.advanceTo(at('12:00'));
    expect(heard.map((t) => [t.name, t.state, t.label, t.rule, t.workflow, t.version])).toEqual([
      ['3600000', 'review.waiting', 'after 1h in review.waiting', { kind: 'duration', duration: 3_600_000 }, 'nested', 1],
      ['5400000', 'review.late', 'after 1h 30min in review.late', { kind: 'duration', duration: 5_400_000 }, 'nested', 1],
    ]);
    // FiredTimer's own fields as before: the name is still the delay, the instants are the clock's.
    expect(heard[0]).toMatchObject({ instanceId: id, name: '3600000', dueAt: at('10:00'), firedAt: at('10:00'), lateMs: 0 });
    expect(heard[0]!.timerId.endsWith(':xstate.after.3600000.nested.review.waiting')).toBe(true);
    // What advanceTo hands back is the same objects the event carried.
    expect(returned).toEqual(heard);
    expect(heard.some((t) => 'provisional' in t)).toBe(false);
    await engine.close();
  });

  it("a named deadline's firing names its static rule; engine.tick() returns the same view", async () => {
    const store = memoryStore();
    const starter = createEngine({ store, clock: virtualClock(at('09:00')), workflows: [nested] });
    const id = await starter.start('nested', {}, { actor: someone });
    await starter.close();
    // A second engine three days on (no engine ran meanwhile): tick() fires what fell due, late.
    const ticking = createEngine({ store, clock: virtualClock(at('09:00') + 3 * 86_400_000), workflows: [nested] });
    const heard: FiredTimerView[] = [];
    ticking.on('timer.fired', (t) => heard.push(t));
    const fired = await ticking.tick();
    expect(fired).toEqual(heard);
    expect(fired.find((t) => t.name === 'reviewDue')).toMatchObject({
      instanceId: id, state: 'review', label: 'reviewDue in review', rule: nested.deadlines!.reviewDue, workflow: 'nested', lateMs: 0,
    });
    expect(fired.find((t) => t.name === '3600000')).toMatchObject({ state: 'review.waiting', label: 'after 1h in review.waiting', lateMs: 3 * 86_400_000 - 3_600_000 });
    await ticking.close();
  });

  it('a deadline resting on an estimated holiday year fires marked provisional, with the rule it was resolved by', async () => {
    const calendar = businessCalendar({ onWarning: () => {} });
    const clock = virtualClock('2026-12-21T09:00:00+08:00');
    const engine = createEngine({ store: memoryStore(), clock, calendar, workflows: [strategyCycle] });
    const heard: FiredTimerView[] = [];
    engine.on('timer.fired', (t) => heard.push(t));
    const id = await engine.start('strategy-cycle', { planQuarter: { year: 2027, quarter: 2 } } as never, { actor: { id: 'ma', roles: ['marketing'] } });
    const pending = (await engine.record(id)).timers.find((t) => t.name === 'kickoff')!;
    expect(pending.deadline?.provisional).toBe(true);
    await clock.advanceTo(pending.dueAt);
    const kickoff = heard.find((t) => t.name === 'kickoff')!;
    expect(kickoff.provisional).toBe(true);
    expect(kickoff.rule).toEqual(pending.deadline!.rule);
    // The state XState's own `after` list says arms it.
    expect(kickoff.state).toBe(timerOwnersOf(strategyCycle.machine as AnyStateMachine).get(pending.key));
    expect(kickoff.state).toEqual(expect.any(String));
    await engine.close();
  });

  it('a delayed raise without an id is named by the event it delivers, not its key raise.<revision>.<n>', async () => {
    const pinger = defineWorkflow({
      id: 'pinger',
      version: 1,
      machine: setup({ types: {} as { events: { type: 'PING' } } }).createMachine({
        initial: 'idle',
        states: { idle: { entry: raise({ type: 'PING' }, { delay: 60_000 }), on: { PING: 'pinged' } }, pinged: { type: 'final' } },
      }),
      input: z.object({}),
      events: {},
    });
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [pinger] });
    const id = await engine.start('pinger', {}, { actor: someone });
    const [view] = (await engine.get(id)).timers;
    expect(view).toMatchObject({ name: 'raise.1.0', state: null, label: 'delayed PING' });
    const [fired] = await clock.advanceBy({ minutes: 1 });
    expect(fired).toMatchObject({ name: 'raise.1.0', state: null, label: 'delayed PING' });
    await engine.close();
  });
});

describe('the history entry of a firing names the timer, sealed with the entry', () => {
  it("timer.state and timer.label are in the entry, and the chain still verifies", async () => {
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [nested] });
    const id = await engine.start('nested', {}, { actor: someone });
    await clock.advanceTo(at('12:00'));
    const timers = (await engine.store.history(id)).filter((e) => e.kind === 'timer').map((e) => e.timer);
    expect(timers).toEqual([
      { name: '3600000', dueAt: at('10:00'), lateMs: 0, state: 'review.waiting', label: timerLabel('3600000', 'review.waiting') },
      { name: '5400000', dueAt: at('11:30'), lateMs: 0, state: 'review.late', label: timerLabel('5400000', 'review.late') },
    ]);
    expect((await engine.verify(id)).ok).toBe(true);
    await engine.close();
  });
});

describe('the engine logger names timers', () => {
  it("docket.timer.fired has state, label and rule; docket.transition of a firing has timerState and timerLabel", async () => {
    const lines: [string, Record<string, unknown>][] = [];
    const logger: DocketLogger = { debug: (m, f) => lines.push([m, f]), info: (m, f) => lines.push([m, f]), warn: () => {}, error: () => {} };
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [nested], logger });
    const id = await engine.start('nested', {}, { actor: someone });
    await clock.advanceTo(at('10:00'));
    const fired = lines.filter(([m]) => m === 'docket.timer.fired').map(([, f]) => f);
    expect(fired).toEqual([
      { instanceId: id, workflow: 'nested', timer: '3600000', state: 'review.waiting', label: 'after 1h in review.waiting', dueAt: at('10:00'), lateMs: 0, rule: '1 hour' },
    ]);
    const transition = lines.find(([m, f]) => m === 'docket.transition' && f['kind'] === 'timer')![1];
    expect(transition).toMatchObject({ event: 'docket.timer.3600000', timerState: 'review.waiting', timerLabel: 'after 1h in review.waiting' });
    await engine.close();
  });
});

describe('docket/otel names timers on the span and the metrics', () => {
  const exporter = new InMemorySpanExporter();
  const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
  class Reader extends MetricReader {
    protected override async onForceFlush(): Promise<void> {}
    protected override async onShutdown(): Promise<void> {}
  }
  const reader = new Reader({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
  const meterProvider = new MeterProvider({ readers: [reader] });
  beforeAll(() => {
    context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  });
  afterAll(async () => {
    await provider.shutdown();
    await meterProvider.shutdown();
    trace.disable();
    context.disable();
  });

  it("docket.timer.fired carries docket.timer.state, .label and .rule; the timer metrics carry the workflow and state", async () => {
    const otel = docketTelemetry({ tracer: provider.getTracer('t'), meter: meterProvider.getMeter('t') });
    const clock = virtualClock(at('09:00'));
    const engine = otel.instrument(createEngine({ store: otel.store(memoryStore()), clock, workflows: [nested] }));
    const id = await engine.start('nested', {}, { actor: someone });
    await clock.advanceTo(at('10:00'));
    const [span] = exporter.getFinishedSpans().filter((s) => s.name === 'docket.timer.fired');
    expect(span!.attributes).toMatchObject({
      'docket.instance_id': id, 'docket.workflow': 'nested', 'docket.workflow.version': 1,
      'docket.timer': '3600000', 'docket.timer.name': '3600000', 'docket.timer.state': 'review.waiting',
      'docket.timer.label': 'after 1h in review.waiting', 'docket.timer.rule': '1 hour', 'docket.timer.due_at': at('10:00'), 'docket.timer.late_ms': 0,
    });
    const { resourceMetrics } = await reader.collect();
    const fired = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).find((m) => m.descriptor.name === 'docket.timers.fired')!;
    expect(fired.dataPoints.map((p) => p.attributes)).toEqual([
      { 'docket.timer': '3600000', 'docket.workflow': 'nested', 'docket.timer.name': '3600000', 'docket.timer.state': 'review.waiting' },
    ]);
    engine.dispose();
    await engine.close();
  });
});

describe("errors and the engine's own acts name a timer by what it is", () => {
  it("a timer that cannot be delivered suspends its instance with a reason naming 'after 1m in waiting'", async () => {
    const broken = defineWorkflow({
      id: 'broken',
      version: 1,
      machine: setup({ guards: { buggy: () => { throw new Error('guard bug'); } } }).createMachine({
        initial: 'waiting',
        states: { waiting: { after: { 60_000: { target: 'late', guard: 'buggy' } } }, late: {} },
      }),
      input: z.object({}),
      events: {},
    });
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store: memoryStore(), clock, workflows: [broken] });
    engine.on('error', () => {});
    const id = await engine.start('broken', {}, { actor: someone });
    await clock.advanceBy({ minutes: 5 });
    const suspended = (await engine.store.history(id)).at(-1)!;
    expect(suspended.event).toMatchObject({ type: 'docket.admin.suspend', timer: '60000' });
    expect(suspended.reason).toContain(`timer "${timerLabel('60000', 'waiting')}" could not be delivered`);
    expect(suspended.reason).not.toContain('"60000"');
    await engine.close();
  });

  it('a transient failure is reported with the timer by its label, in the message and the details', async () => {
    const inner = memoryStore();
    let failures = 0;
    const store: Store = {
      ...inner,
      async commit(c) {
        if (c.firesTimer && failures++ === 0) throw new DocketError('STORE_UNAVAILABLE', 'The database is unreachable; retry.', { instanceId: c.instance.id });
        return inner.commit(c);
      },
    };
    const clock = virtualClock(at('09:00'));
    const engine = createEngine({ store, clock, workflows: [nested] });
    const errors: unknown[] = [];
    engine.on('error', (e) => errors.push(e));
    await engine.start('nested', {}, { actor: someone });
    await clock.advanceTo(at('10:00'));
    const [error] = errors as DocketError[];
    expect(error!.message).toContain('Timer "after 1h in review.waiting" of instance');
    expect(error!.details).toMatchObject({ timer: '3600000', timerState: 'review.waiting', timerLabel: 'after 1h in review.waiting' });
    await engine.close();
  });
});

describe('engine.migrate and engine.waitFor name timers as engine.get does', () => {
  it("a migration report's timers carry their label", async () => {
    const v1 = defineWorkflow({
      id: 'parked',
      version: 1,
      machine: setup({}).createMachine({ id: 'parked', initial: 'idle', states: { idle: {} } }),
      input: z.object({}),
      events: {},
    });
    const v2 = defineWorkflow({
      id: 'parked',
      version: 2,
      machine: setup({}).createMachine({ id: 'parked', initial: 'idle', states: { idle: { after: { 7_200_000: 'done' } }, done: { type: 'final' } } }),
      input: z.object({}),
      events: {},
      migrations: migrateFrom(v1, { states: { idle: 'idle' } }),
    });
    const store = memoryStore();
    const before = createEngine({ store, clock: virtualClock(at('09:00')), workflows: [v1] });
    const id = await before.start('parked', {}, { actor: someone });
    await before.close();
    const engine = createEngine({ store, clock: virtualClock(at('09:00')), workflows: [v1, v2] });
    const report = await engine.migrate({ workflow: 'parked', from: 1, to: 2, actor: admin, reason: 'add a timeout' });
    expect(report.moved.map((m) => [m.instanceId, m.timers])).toEqual([[id, [{ name: '7200000', dueAt: at('11:00'), state: 'idle', label: 'after 2h in idle' }]]]);
    await engine.close();
  });

  it("waitFor's view names a timer armed by an approval step with its own id by the step's path, as get does", async () => {
    const approvals = withApprovals({ deadlines: { due: workingDays(2) } });
    const machine = setup({ types: {} as { context: ApprovalContext; events: ApprovalEvent }, actions: approvals.actions, guards: approvals.guards, delays: approvals.delays }).createMachine({
      context: ({ input }) => approvals.context(input),
      initial: 'review',
      states: {
        review: {
          initial: 'legalReview',
          states: {
            legalReview: approvalStep({ id: 'legal', mode: 'all', approvers: users('zhao'), deadline: { after: 'due', then: { kind: 'approve' } }, onApproved: '#done', onRejected: '#done' }),
          },
        },
        done: { id: 'done', type: 'final' },
      },
    });
    const workflow = approvals.defineWorkflow({ id: 'keyed', version: 1, machine, input: z.object({}) });
    const engine = createEngine({
      store: memoryStore(), clock: virtualClock(at('09:00')), calendar: businessCalendar({ holidays: ['CN'] }),
      directory: staticDirectory({ users: [{ id: 'li', roles: ['staff'] }, { id: 'zhao', roles: ['legal'] }] }), workflows: [workflow],
    });
    const id = await engine.start('keyed', {}, { actor: someone });
    const got = (await engine.get(id)).timers;
    const waited = (await engine.waitFor(id, (v) => v.timers.length > 0)).timers;
    expect(got.map((t) => t.state)).toEqual(['review.legalReview']);
    // It read the state from the key, `xstate.after.due.legal`: the step's id, no state of the machine.
    expect(waited).toEqual(got);
    await engine.close();
  });
});
