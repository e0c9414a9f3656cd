// A timer an older Docket left pending in a state that is no longer active (before a step's raises
// and cancels were applied in order) was skipped at delivery and never retired: the store handed it
// back at every lease (30 s) forever, and a long virtual-clock advance over such an instance threw
// "More than 1000000 timer steps". It is now retired by a commit of its own, through the commit
// pipeline: a history entry (docket.admin.retireTimers) naming it, its state and the reason, the
// timer table's row cancelled in the same transaction, the `timer.retired` event and a log line.
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import Database from 'better-sqlite3';
import pg from 'pg';
import { assign, setup, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createEngine,
  defineWorkflow,
  memoryStore,
  virtualClock,
  type DocketLogger,
  type FiredTimer,
  type HistoryEntry,
  type RetiredTimer,
  type Store,
} from '../src/index.js';
import { docketTelemetry, TELEMETRY_NAMES } from '../src/observe/otel.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { leaveStaleTimer, sendAsOlderDocket } from './helpers/stale-timers.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const at = (hhmm: string) => Date.parse(`2026-11-02T${hhmm}:00+08:00`);
const someone = { id: 'li', roles: ['staff'] };
const admin = { id: 'feng', roles: ['admin'] };
const WAITING_KEY = 'xstate.after.3600000.park.waiting';

/**
 * `waiting` arms a 1 h timer and leaves at once for `parked` while `skip` holds: an older Docket kept
 * that timer. (`idle`'s 2 h timer is cancelled by GO, as in any Docket.) With `ownTimer`, `parked` has a live timer of its own (30 min, targetless: it counts).
 */
function parkMachine(ownTimer: boolean): AnyStateMachine {
  return setup({
    types: {} as { context: { skip: boolean; n: number; ticks: number }; events: { type: 'GO' } | { type: 'BACK' } | { type: 'POKE' } },
    guards: { skip: ({ context }) => context.skip },
  }).createMachine({
    id: 'park',
    context: { skip: true, n: 0, ticks: 0 },
    initial: 'idle',
    states: {
      idle: { after: { 7200000: 'timedOut' }, on: { GO: 'waiting' } },
      waiting: { after: { 3600000: 'timedOut' }, always: { guard: 'skip', target: 'parked' } },
      parked: {
        ...(ownTimer ? { after: { 1800000: { actions: assign({ ticks: ({ context }) => context.ticks + 1 }) } } } : {}),
        on: { BACK: { target: 'waiting', actions: assign({ skip: false }) }, POKE: { actions: assign({ n: ({ context }) => context.n + 1 }) } },
      },
      timedOut: { type: 'final' },
    },
  }) as unknown as AnyStateMachine;
}

const workflowOf = (machine: AnyStateMachine) =>
  defineWorkflow({ id: 'park', version: 1, machine, input: z.object({}), events: { GO: z.object({}), BACK: z.object({}), POKE: z.object({}) } });

/** The three stores, each opened for one test; `reopen` is another process on the same data. */
interface Opened {
  readonly store: Store;
  reopen(): Promise<Store>;
  /** The timer table's own status of a row (memory: what its API shows). */
  rowStatus(timerId: string): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

const pgAvailable = await requirePostgres('timer retirement');
let pool: pg.Pool | undefined;
beforeAll(() => {
  if (pgAvailable) pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

const STORES: { readonly name: 'memory' | 'sqlite' | 'postgres'; readonly skip: boolean; open(test: string): Promise<Opened> }[] = [
  {
    name: 'memory',
    skip: false,
    async open() {
      const store = memoryStore();
      return {
        store,
        reopen: async () => store,
        rowStatus: async (id) => ((await store.timers(id.slice(0, id.indexOf(':')))).some((t) => t.id === id) ? 'pending' : undefined),
        cleanup: async () => {},
      };
    },
  },
  {
    name: 'sqlite',
    skip: false,
    async open(test) {
      const { filename, remove } = sqliteFile(test);
      const opened: Store[] = [];
      const open = () => {
        const store = sqliteStore({ filename });
        opened.push(store);
        return store;
      };
      return {
        store: open(),
        reopen: async () => open(),
        async rowStatus(id) {
          const db = new Database(filename, { readonly: true });
          try {
            return (db.prepare('SELECT status FROM docket_timers WHERE id = ?').get(id) as { status: string } | undefined)?.status;
          } finally {
            db.close();
          }
        },
        async cleanup() {
          for (const store of opened) await store.close().catch(() => undefined);
          remove();
        },
      };
    },
  },
  {
    name: 'postgres',
    skip: !pgAvailable,
    async open(test) {
      const schema = schemaFor(test);
      const opened: Store[] = [];
      const open = () => {
        const store = postgresStore({ pool: pool! }, { schema });
        opened.push(store);
        return store;
      };
      return {
        store: open(),
        reopen: async () => open(),
        rowStatus: async (id) => (await pool!.query(`SELECT status FROM "${schema}".docket_timers WHERE id = $1`, [id])).rows[0]?.status,
        async cleanup() {
          for (const store of opened) await store.close().catch(() => undefined);
          await dropSchema(pool!, schema);
        },
      };
    },
  },
];

/** A logger that keeps its lines. */
function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, fields: Record<string, unknown>) => void lines.push({ level, message, fields });
  const logger: DocketLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { logger, lines };
}

/**
 * An instance an older Docket left in `parked` with `waiting`'s 1 h timer (due 10:00) pending, then a
 * fresh engine on the same store (cold: it head-checks what it loads), with what it reports recorded.
 */
async function staleInstance(store: Store, ownTimer = false) {
  const machine = parkMachine(ownTimer);
  const writer = createEngine({ store, clock: virtualClock(at('09:00')), workflows: [workflowOf(machine)] });
  const id = await writer.start('park', {}, { actor: someone });
  await writer.close();
  await sendAsOlderDocket(store, machine, id, { type: 'GO' }, someone, at('09:00'));
  const clock = virtualClock(at('09:00'));
  const { logger, lines } = recordingLogger();
  const engine = createEngine({ store, clock, workflows: [workflowOf(machine)], logger });
  const retired: RetiredTimer[] = [];
  const fired: FiredTimer[] = [];
  const errors: unknown[] = [];
  engine.on('timer.retired', (t) => retired.push(t));
  engine.on('timer.fired', (t) => fired.push(t));
  engine.on('error', (e) => errors.push(e));
  return { id, machine, clock, engine, retired, fired, errors, lines };
}

for (const kind of STORES) {
  describe.skipIf(kind.skip)(`${kind.name}: a timer an older Docket left pending in a state no longer active`, () => {
    it('is the record the earlier breaker found: parked, with waiting\'s timer in the timer table and committed to by the head', async (ctx) => {
      const opened = await kind.open(ctx.task.name);
      try {
        const { id, engine } = await staleInstance(opened.store);
        const view = await engine.get(id);
        expect(view.state).toBe('parked');
        expect(view.timers).toEqual([{ name: '3600000', dueAt: at('10:00'), state: 'waiting', label: 'after 1h in waiting' }]);
        expect((await opened.store.timers(id)).map((t) => [t.key, t.dueAt])).toEqual([[WAITING_KEY, at('10:00')]]);
        expect((await engine.verify(id)).ok).toBe(true);
        await engine.close();
      } finally {
        await opened.cleanup();
      }
    });

    it('is retired when due by a history entry of its own naming it, its state and the reason; the row is cancelled; nothing fires; the chain verifies', async (ctx) => {
      const opened = await kind.open(ctx.task.name);
      try {
        const { id, clock, engine, retired, fired, errors, lines } = await staleInstance(opened.store);
        const before = await engine.store.history(id);
        const timerId = (await opened.store.timers(id))[0]!.id;

        expect(await clock.advanceTo(at('10:30'))).toEqual([]);
        expect(fired).toEqual([]);
        expect(errors).toEqual([]);

        const history = await engine.store.history(id);
        expect(history).toHaveLength(before.length + 1);
        const entry = history.at(-1)! as HistoryEntry;
        expect(entry).toMatchObject({
          kind: 'admin',
          event: { type: 'docket.admin.retireTimers' },
          actor: { id: 'docket:system' },
          at: at('10:00'),
          from: 'parked',
          to: 'parked',
          retiredTimers: [{ id: timerId, name: '3600000', state: 'waiting', dueAt: at('10:00') }],
        });
        expect(entry.reason).toContain('timer "3600000" (after 1h in waiting');
        expect(entry.reason).toContain('not active (the instance is in "parked")');
        expect(retired).toEqual([{ instanceId: id, timerId, name: '3600000', state: 'waiting', dueAt: at('10:00'), retiredAt: at('10:00'), revision: entry.revision }]);
        expect(lines.filter((l) => l.message === 'docket.timer.retired')).toEqual([
          { level: 'info', message: 'docket.timer.retired', fields: { instanceId: id, timer: '3600000', state: 'waiting', dueAt: at('10:00'), revision: entry.revision } },
        ]);

        // The machine's state is as it was; the timer is gone from the head, the list and the table.
        const view = await engine.get(id);
        expect([view.state, view.context, view.timers]).toEqual(['parked', { skip: true, n: 0, ticks: 0 }, []]);
        expect(await opened.store.timers(id)).toEqual([]);
        expect(await opened.rowStatus(timerId)).toBe(kind.name === 'memory' ? undefined : 'cancelled');
        expect(await opened.store.nextTimerDue()).toBeUndefined();
        const report = await engine.verify(id);
        expect([report.ok, report.snapshot, report.timers, report.problems]).toEqual([true, 'verified', 'verified', []]);

        // Another process on the same data finds nothing to claim, ever.
        const other = await opened.reopen();
        expect(await other.claimDueTimers(at('10:00') + 400 * DAY, { owner: 'another-worker', token: 'another-claim', leaseMs: 30_000, limit: 10 })).toEqual([]);
        await engine.close();
      } finally {
        await opened.cleanup();
      }
    });

    it('is claimed once: the lease loop no longer hands it back every 30 s', async (ctx) => {
      const opened = await kind.open(ctx.task.name);
      try {
        const { id, clock, engine } = await staleInstance(opened.store);
        const timerId = (await opened.store.timers(id))[0]!.id;
        const claims: string[] = [];
        const claim = opened.store.claimDueTimers.bind(opened.store);
        opened.store.claimDueTimers = async (now, options) => {
          const got = await claim(now, options);
          for (const t of got) claims.push(t.id);
          return got;
        };
        // Two hours past its due instant: 240 leases of 30 s, each of which claimed it again before.
        await clock.advanceTo(at('12:00'));
        expect(claims).toEqual([timerId]);
        expect((await engine.store.history(id)).filter((e) => e.event.type === 'docket.admin.retireTimers')).toHaveLength(1);
        await engine.close();
      } finally {
        await opened.cleanup();
      }
    });

    it('no longer stops a 366-day virtual-clock advance ("More than 1000000 timer steps"); one retirement, nothing more', async (ctx) => {
      const opened = await kind.open(ctx.task.name);
      try {
        const { id, clock, engine, retired, fired } = await staleInstance(opened.store);
        const revision = (await engine.get(id)).revision;
        await expect(clock.advanceBy({ days: 366 })).resolves.toEqual([]);
        expect(clock.now()).toBe(at('09:00') + 366 * DAY);
        expect(retired.map((t) => t.name)).toEqual(['3600000']);
        expect(fired).toEqual([]);
        expect((await engine.get(id)).revision).toBe(revision + 1);
        await engine.close();
      } finally {
        await opened.cleanup();
      }
    });

    it('leaves the history chain valid for a fresh engine: verify, and the next act, after the retirement', async (ctx) => {
      const opened = await kind.open(ctx.task.name);
      try {
        const { id, machine, clock, engine } = await staleInstance(opened.store);
        await clock.advanceTo(at('10:00'));
        await engine.close();
        const store = await opened.reopen();
        const fresh = createEngine({ store, clock: virtualClock(at('10:05')), workflows: [workflowOf(machine)] });
        const report = await fresh.verify(id);
        expect(report).toMatchObject({ ok: true, snapshot: 'verified', timers: 'verified', problems: [] });
        expect(report.entries).toBe((await fresh.store.history(id)).length);
        // The next act head-checks the retirement entry and goes on from it.
        const poked = await fresh.send(id, { type: 'POKE' }, { actor: someone });
        expect([poked.state, (poked.context as { n: number }).n, poked.timers]).toEqual(['parked', 1, []]);
        expect((await fresh.verify(id)).ok).toBe(true);
        await fresh.close();
      } finally {
        await opened.cleanup();
      }
    });
  });
}

describe('memory: retirement beside timers that are live', () => {
  it('a live timer of the active state fires once, on time; the stale one, not due yet, is retired by that firing\'s commit and named in its entry', async () => {
    const { id, clock, engine, retired, fired } = await staleInstance(memoryStore(), true);
    const liveTimer = (await engine.store.timers(id)).find((t) => t.key !== WAITING_KEY)!;
    const staleTimer = (await engine.store.timers(id)).find((t) => t.key === WAITING_KEY)!;
    expect(liveTimer.dueAt).toBe(at('09:30'));

    await clock.advanceTo(at('11:00'));
    expect(fired.map((f) => [f.timerId, f.dueAt, f.firedAt])).toEqual([[liveTimer.id, at('09:30'), at('09:30')]]);
    expect(retired.map((t) => [t.timerId, t.state, t.retiredAt])).toEqual([[staleTimer.id, 'waiting', at('09:30')]]);
    const history = await engine.store.history(id);
    const firing = history.filter((e) => e.kind === 'timer');
    expect(firing).toHaveLength(1);
    expect(firing[0]!.retiredTimers).toEqual([{ id: staleTimer.id, name: '3600000', state: 'waiting', dueAt: at('10:00') }]);
    // No entry of its own: it was gone before it fell due.
    expect(history.filter((e) => e.event.type === 'docket.admin.retireTimers')).toEqual([]);
    expect((await engine.get(id)).context).toMatchObject({ ticks: 1 });
    expect((await engine.verify(id)).ok).toBe(true);
    await engine.close();
  });

  it('a send retires it too, and names it; a normal timer armed after is not touched', async () => {
    const { id, clock, engine, retired } = await staleInstance(memoryStore());
    await clock.advanceTo(at('09:10'));
    const view = await engine.send(id, { type: 'POKE' }, { actor: someone });
    expect(view.timers).toEqual([]);
    const entry = (await engine.store.history(id)).at(-1)!;
    expect([entry.kind, entry.event.type, entry.retiredTimers?.map((t) => t.state)]).toEqual(['event', 'POKE', ['waiting']]);
    expect(retired).toHaveLength(1);
    // Back to waiting: its own timer is armed afresh and fires once, an hour later.
    await engine.send(id, { type: 'BACK' }, { actor: someone });
    const fired = await clock.advanceTo(at('11:00'));
    expect(fired.map((f) => f.dueAt)).toEqual([at('10:10')]);
    expect((await engine.get(id)).state).toBe('timedOut');
    expect(retired).toHaveLength(1);
    expect((await engine.store.history(id)).filter((e) => e.retiredTimers)).toHaveLength(1);
    await engine.close();
  });

  it('a stale timer held by a suspension is not re-armed on resume: the resume entry names it (no table row: the suspension cancelled it)', async () => {
    const { id, clock, engine, retired } = await staleInstance(memoryStore());
    await engine.suspend(id, { actor: admin, reason: 'audit' });
    await clock.advanceTo(at('11:00'));
    const resumed = await engine.resume(id, { actor: admin, reason: 'audit over' });
    expect(resumed.timers).toEqual([]);
    const entry = (await engine.store.history(id)).at(-1)!;
    expect([entry.event.type, entry.retiredTimers]).toEqual(['docket.admin.resume', [{ name: '3600000', state: 'waiting', dueAt: at('10:00') }]]);
    expect(retired).toEqual([{ instanceId: id, name: '3600000', state: 'waiting', dueAt: at('10:00'), retiredAt: at('11:00'), revision: entry.revision }]);
    expect(await clock.advanceBy({ days: 2 })).toEqual([]);
    expect((await engine.verify(id)).ok).toBe(true);
    await engine.close();
  });

  it('several stale timers of one instance are retired by one entry, when the first falls due', async () => {
    const store = memoryStore();
    const { id, clock, engine, retired } = await staleInstance(store);
    // A second one, of `idle` (also not active), due later.
    await leaveStaleTimer(store, id, { key: 'xstate.after.7200000.park.idle', name: '7200000', dueAt: at('11:00') }, someone, at('09:00'));
    await clock.advanceTo(at('12:00'));
    const entries = (await engine.store.history(id)).filter((e) => e.retiredTimers);
    expect(entries).toHaveLength(1);
    expect(entries[0]!.retiredTimers!.map((t) => [t.state, t.dueAt])).toEqual([
      ['waiting', at('10:00')],
      ['idle', at('11:00')],
    ]);
    expect(entries[0]!.reason).toContain('Their states are not active');
    expect(retired.map((t) => t.retiredAt)).toEqual([at('10:00'), at('10:00')]);
    await engine.close();
  });
});

describe('docket/otel: retirements are counted', () => {
  class TestReader extends MetricReader {
    constructor() {
      super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
    }
    protected async onShutdown() {}
    protected async onForceFlush() {}
  }

  it('docket.timers.retired counts each retired timer once, by name; docket.timers.fired counts none of them', async () => {
    const reader = new TestReader();
    const otel = docketTelemetry({ meter: new MeterProvider({ readers: [reader] }).getMeter('docket') });
    const { clock, engine } = await staleInstance(memoryStore());
    const instrumented = otel.instrument(engine);
    await clock.advanceBy({ days: 2 });
    const metrics = (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((m) => m.metrics);
    const points = (name: string) => (metrics.find((m) => m.descriptor.name === name)?.dataPoints ?? []) as DataPoint<number>[];
    expect(points(TELEMETRY_NAMES.metrics.timersRetired).map((p) => [p.attributes['docket.timer'], p.value])).toEqual([['3600000', 1]]);
    expect(points(TELEMETRY_NAMES.metrics.timersFired)).toEqual([]);
    instrumented.dispose();
    await engine.close();
  });
});
