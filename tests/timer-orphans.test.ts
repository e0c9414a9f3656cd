// Rows of the timer table that no instance holds (an orphan: its instance does not exist, or does not
// list the timer — what a manual edit of the database leaves) were claimed, skipped as "fired or
// cancelled since it was claimed", and left pending: claimed again at every lease (30 s), for ever,
// and nobody was told. Delivery now retires such a row once, in the timer table alone, and reports
// it (`timer.retired` with `orphan`, the `docket.timer.retired` log line at warn, the otel counter).
// An instance edited outside Docket (its head check fails) kept its claimed timer and renewed the
// claim at every lease for ever too: its timer is now parked in the store for an hour at a time,
// with one error saying so, and fires once the instance is restored.
import { AggregationTemporality, MeterProvider, MetricReader, type DataPoint } from '@opentelemetry/sdk-metrics';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { setup, type AnyStateMachine } from 'xstate';
import { z } from 'zod';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, defineWorkflow, memoryStore, virtualClock, type DocketLogger, type FiredTimer, type RetiredTimer, type Store } from '../src/index.js';
import { docketTelemetry, TELEMETRY_NAMES } from '../src/observe/otel.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';
import { leaveOrphanRow } from './helpers/stale-timers.js';
import { counterWorkflow } from './helpers/counter-workflow.js';

const at = (hhmm: string) => Date.parse(`2026-11-02T${hhmm}:00+08:00`);
const someone = { id: 'li', roles: ['staff'] };

/** `waiting` arms a 1 h timer (to `late`); `idle` one of 2 h. */
const machine = setup({ types: {} as { events: { type: 'GO' } } }).createMachine({
  id: 'orph',
  initial: 'waiting',
  states: { waiting: { after: { 3600000: 'late' }, on: { GO: 'idle' } }, idle: { after: { 7200000: 'late' } }, late: {} },
}) as unknown as AnyStateMachine;
const workflow = defineWorkflow({ id: 'orph', version: 1, machine, input: z.object({}), events: { GO: z.object({}) } });
const IDLE_KEY = 'xstate.after.7200000.orph.idle';

interface Opened {
  readonly store: Store;
  rowStatus(timerId: string): Promise<string | undefined>;
  cleanup(): Promise<void>;
}

const pgAvailable = await requirePostgres('timer orphans');
let pool: pg.Pool | undefined;
beforeAll(() => {
  if (pgAvailable) pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

const STORES: { readonly name: string; readonly skip: boolean; open(test: string): Promise<Opened> }[] = [
  {
    name: 'memory',
    skip: false,
    async open() {
      const store = memoryStore();
      const pending = async (id: string) => (await store.timers(id.slice(0, id.indexOf(':')))).some((t) => t.id === id);
      return { store, rowStatus: async (id) => ((await pending(id)) ? 'pending' : 'not pending'), cleanup: async () => {} };
    },
  },
  {
    name: 'sqlite',
    skip: false,
    async open(test) {
      const { filename, remove } = sqliteFile(`orphans ${test}`);
      remove();
      const store = sqliteStore({ filename });
      return {
        store,
        async rowStatus(id) {
          const db = new Database(filename, { readonly: true });
          try {
            const status = (db.prepare('SELECT status FROM docket_timers WHERE id = ?').get(id) as { status: string } | undefined)?.status;
            return status === 'pending' ? status : 'not pending';
          } finally {
            db.close();
          }
        },
        async cleanup() {
          await store.close().catch(() => undefined);
          remove();
        },
      };
    },
  },
  {
    name: 'postgres',
    skip: !pgAvailable,
    async open(test) {
      const schema = schemaFor(`orphans ${test}`);
      const store = postgresStore({ pool: pool! }, { schema });
      return {
        store,
        rowStatus: async (id) => ((await pool!.query(`SELECT status FROM "${schema}".docket_timers WHERE id = $1`, [id])).rows[0]?.status === 'pending' ? 'pending' : 'not pending'),
        async cleanup() {
          await store.close().catch(() => undefined);
          await dropSchema(pool!, schema);
        },
      };
    },
  },
];

function recordingLogger() {
  const lines: { level: string; message: string; fields: Record<string, unknown> }[] = [];
  const log = (level: string) => (message: string, fields: Record<string, unknown>) => void lines.push({ level, message, fields });
  const logger: DocketLogger = { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') };
  return { logger, lines };
}

/** Count each claimed timer id of `store`'s claims. */
function countClaims(store: Store): Map<string, number> {
  const claims = new Map<string, number>();
  const claim = store.claimDueTimers.bind(store);
  store.claimDueTimers = async (now, options) => {
    const got = await claim(now, options);
    for (const t of got) claims.set(t.id, (claims.get(t.id) ?? 0) + 1);
    return got;
  };
  return claims;
}

/** An instance in `waiting` (its 1 h timer due 10:00), with a fresh engine recording what it reports. */
async function setupInstance(store: Store) {
  const clock = virtualClock(at('09:00'));
  const { logger, lines } = recordingLogger();
  const engine = createEngine({ store, clock, workflows: [workflow], logger });
  const id = await engine.start('orph', {}, { actor: someone });
  const retired: RetiredTimer[] = [];
  const fired: FiredTimer[] = [];
  const errors: unknown[] = [];
  engine.on('timer.retired', (t) => retired.push(t));
  engine.on('timer.fired', (t) => fired.push(t));
  engine.on('error', (e) => errors.push(e));
  return { id, clock, engine, retired, fired, errors, lines };
}

for (const kind of STORES) {
  describe.skipIf(kind.skip)(`${kind.name}: a row of the timer table no instance holds`, () => {
    it('of an instance that does not list it (not-held): retired once when due, reported, the live timer untouched', async (ctx) => {
      const opened = await kind.open(ctx.task.name);
      try {
        const { id, clock, engine, retired, fired, errors, lines } = await setupInstance(opened.store);
        const rowId = await leaveOrphanRow(opened.store, id, { key: IDLE_KEY, name: '7200000', dueAt: at('09:30') }, someone, at('09:00'));
        const revision = (await engine.get(id)).revision;
        const claims = countClaims(opened.store);
        expect(await opened.rowStatus(rowId)).toBe('pending');

        // Two hours past its due instant: 240 leases of 30 s, each of which claimed it again before.
        await clock.advanceTo(at('11:30'));
        expect(claims.get(rowId)).toBe(1);
        expect(retired).toEqual([{ instanceId: id, timerId: rowId, name: '7200000', state: 'idle', dueAt: at('09:30'), retiredAt: at('09:30'), revision, orphan: 'not-held' }]);
        expect(lines.filter((l) => l.message === 'docket.timer.retired')).toEqual([
          { level: 'warn', message: 'docket.timer.retired', fields: { instanceId: id, timer: '7200000', state: 'idle', dueAt: at('09:30'), revision, orphan: 'not-held' } },
        ]);
        expect(await opened.rowStatus(rowId)).toBe('not pending');
        // The instance's own timer fired once, on time; nothing else went wrong; the chain verifies.
        expect(fired.map((f) => [f.instanceId, f.dueAt, f.firedAt])).toEqual([[id, at('10:00'), at('10:00')]]);
        expect(errors).toEqual([]);
        expect((await engine.get(id)).state).toBe('late');
        expect(await opened.store.nextTimerDue()).toBeUndefined();
        expect((await engine.verify(id)).ok).toBe(true);
        await engine.close();
      } finally {
        await opened.cleanup();
      }
    });

    it('of an instance that does not exist (instance-missing): retired once, its state read from its key', async (ctx) => {
      const opened = await kind.open(ctx.task.name);
      try {
        const { id, clock, engine, retired, errors } = await setupInstance(opened.store);
        const rowId = await leaveOrphanRow(opened.store, id, { key: IDLE_KEY, name: '7200000', dueAt: at('09:30'), rowInstance: 'ghost' }, someone, at('09:00'));
        const claims = countClaims(opened.store);
        await clock.advanceTo(at('11:30'));
        expect(claims.get(rowId)).toBe(1);
        expect(retired).toEqual([{ instanceId: 'ghost', timerId: rowId, name: '7200000', state: 'idle', dueAt: at('09:30'), retiredAt: at('09:30'), revision: 2, orphan: 'instance-missing' }]);
        expect(errors).toEqual([]);
        expect(await opened.rowStatus(rowId)).toBe('not pending');
        expect(await opened.store.nextTimerDue()).toBeUndefined();
        await engine.close();
      } finally {
        await opened.cleanup();
      }
    });

    it('retireTimer and deferTimer act only under the timer\'s current claim, on a pending row, and check their arguments', async (ctx) => {
      const opened = await kind.open(ctx.task.name);
      try {
        const { store } = opened;
        const { id, engine } = await setupInstance(store);
        await engine.close();
        const w1 = { owner: 'w1', token: 'w1-claim' };
        const w2 = { owner: 'w2', token: 'w2-claim' };
        const [timer] = await store.claimDueTimers(at('10:00'), { ...w1, leaseMs: 30_000, limit: 10 });
        expect(timer!.instanceId).toBe(id);
        expect(await store.retireTimer(timer!.id, w2)).toBe(false);
        await store.deferTimer(timer!.id, w2, at('12:00'));
        expect(await store.nextTimerDue()).toBe(at('10:00') + 30_000);
        await store.deferTimer(timer!.id, w1, at('12:00'));
        expect(await store.nextTimerDue()).toBe(at('12:00'));
        expect(await store.claimDueTimers(at('11:59'), { ...w2, leaseMs: 30_000, limit: 10 })).toEqual([]);
        const [again] = await store.claimDueTimers(at('12:00'), { ...w2, leaseMs: 30_000, limit: 10 });
        expect(again!.id).toBe(timer!.id);
        expect(await store.retireTimer(timer!.id, w1)).toBe(false);
        expect(await store.retireTimer(timer!.id, w2)).toBe(true);
        expect(await store.retireTimer(timer!.id, w2)).toBe(false);
        expect(await store.timers(id)).toEqual([]);
        await expect(store.deferTimer(timer!.id, w2, Number.NaN)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', details: { field: 'until' } });
        await expect(store.retireTimer(5 as never, w2)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
      } finally {
        await opened.cleanup();
      }
    });
  });
}

describe('orphan rows, the kind: whatever orphans lie beside an instance\'s live timer', () => {
  it('each is claimed once and retired once, the live timer fires once, and nothing is left to claim (fast-check)', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fc.record({ dueMinutes: fc.integer({ min: 1, max: 600 }), missing: fc.boolean() }), { minLength: 1, maxLength: 5 }),
        fc.integer({ min: 0, max: 3 * 24 * 60 }),
        async (orphans, extraMinutes) => {
          const store = memoryStore();
          const { id, clock, engine, retired, fired, errors } = await setupInstance(store);
          const rows: string[] = [];
          for (const [n, o] of orphans.entries()) {
            const key = `xstate.after.${o.dueMinutes * 60_000}.orph.idle.${n}`;
            rows.push(await leaveOrphanRow(store, id, { key, name: String(o.dueMinutes * 60_000), dueAt: at('09:00') + o.dueMinutes * 60_000, ...(o.missing ? { rowInstance: `ghost-${n}` } : {}) }, someone, at('09:00')));
          }
          const claims = countClaims(store);
          await clock.advanceTo(at('09:00') + 600 * 60_000 + extraMinutes * 60_000);
          for (const row of rows) expect(claims.get(row)).toBe(1);
          expect(retired.map((r) => r.timerId).sort()).toEqual([...rows].sort());
          expect(retired.map((r) => r.orphan)).toEqual(expect.arrayContaining(orphans.map((o) => (o.missing ? 'instance-missing' : 'not-held'))));
          expect(fired.map((f) => f.instanceId)).toEqual([id]);
          expect(errors).toEqual([]);
          expect(await store.nextTimerDue()).toBeUndefined();
          await engine.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});

describe('docket/otel: an orphan is counted as retired, marked as an orphan', () => {
  class TestReader extends MetricReader {
    constructor() {
      super({ aggregationTemporalitySelector: () => AggregationTemporality.CUMULATIVE });
    }
    protected async onShutdown() {}
    protected async onForceFlush() {}
  }

  it('docket.timers.retired counts it once with docket.timer.orphan', async () => {
    const reader = new TestReader();
    const otel = docketTelemetry({ meter: new MeterProvider({ readers: [reader] }).getMeter('docket') });
    const store = memoryStore();
    const { id, clock, engine } = await setupInstance(store);
    await leaveOrphanRow(store, id, { key: IDLE_KEY, name: '7200000', dueAt: at('09:30') }, someone, at('09:00'));
    const instrumented = otel.instrument(engine);
    await clock.advanceTo(at('12:00'));
    const metrics = (await reader.collect()).resourceMetrics.scopeMetrics.flatMap((m) => m.metrics);
    const points = (metrics.find((m) => m.descriptor.name === TELEMETRY_NAMES.metrics.timersRetired)?.dataPoints ?? []) as DataPoint<number>[];
    expect(points.map((p) => [p.attributes['docket.timer'], p.attributes['docket.timer.orphan'], p.value])).toEqual([['7200000', 'not-held', 1]]);
    instrumented.dispose();
    await engine.close();
  });
});

// ---- an instance edited outside Docket, under timer delivery ----

/** A SQLite file with a counter (its hourly tick due at 10:00), its context then edited behind Docket's back. */
async function editedCounter(test: string) {
  const { filename, remove } = sqliteFile(`orphans tamper ${test}`);
  remove();
  const first = createEngine({ store: sqliteStore({ filename }), clock: virtualClock(at('09:00')), workflows: [counterWorkflow] });
  const id = await first.start('counter', {}, { actor: someone, id: 'c1' });
  await first.close();
  await first.store.close();
  const edit = (count: number) => {
    const db = new Database(filename);
    try {
      db.prepare(`UPDATE docket_instances SET context = json_set(context, '$.count', ?), snapshot = json_set(snapshot, '$.context.count', ?) WHERE id = ?`).run(count, count, id);
    } finally {
      db.close();
    }
  };
  edit(1_000_000);
  const store = sqliteStore({ filename });
  const clock = virtualClock(at('09:00'));
  const engine = createEngine({ store, clock, workflows: [counterWorkflow] });
  const errors: { code?: string; message?: string; details?: Record<string, unknown> }[] = [];
  const fired: FiredTimer[] = [];
  engine.on('error', (e) => errors.push(e as never));
  engine.on('timer.fired', (t) => fired.push(t));
  const claims = countClaims(store);
  const cleanup = async () => {
    await engine.close();
    await store.close();
    remove();
  };
  return { id, clock, engine, errors, fired, claims, restore: () => edit(0), cleanup };
}

describe('sqlite: a timer of an instance edited outside Docket', () => {
  it('is parked for an hour, not claimed again at every lease; one error says so; the instance is not suspended', async (ctx) => {
    const t = await editedCounter(ctx.task.name);
    try {
      await t.clock.advanceTo(at('10:59'));
      // Claimed once at 10:00; before, once per 30 s lease: 118 times by 10:59.
      expect([...t.claims.values()]).toEqual([1]);
      expect(t.errors).toHaveLength(1);
      expect(t.errors[0]).toMatchObject({ code: 'CORRUPT_SNAPSHOT', details: { instanceId: t.id, problem: 'snapshot-mismatch', parked: true, retryAt: at('11:00'), timerLabel: 'tickEvery in running' } });
      expect(t.errors[0]!.message).toContain('is parked, not fired');
      expect(t.errors[0]!.message).toContain('Restore the instance from a backup');
      expect(t.fired).toEqual([]);
      expect(await t.engine.get(t.id)).toMatchObject({ revision: 1, suspended: false });
    } finally {
      await t.cleanup();
    }
  });

  it('fires once, late, at the hourly check after the instance is restored', async (ctx) => {
    const t = await editedCounter(ctx.task.name);
    try {
      await t.clock.advanceTo(at('10:30'));
      t.restore();
      await t.clock.advanceTo(at('11:30'));
      expect(t.fired.map((f) => [f.dueAt, f.firedAt])).toEqual([[at('10:00'), at('11:00')]]);
      expect([...t.claims.values()]).toEqual([2]);
      expect(await t.engine.get(t.id)).toMatchObject({ revision: 2, context: { count: 0, ticks: 1 } });
      expect((await t.engine.verify(t.id)).ok).toBe(true);
    } finally {
      await t.cleanup();
    }
  });

  it('is claimed at most once an hour however long it stays edited (fast-check)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 48 * 60 }), async (minutes) => {
        const t = await editedCounter(`property ${n++}`);
        try {
          await t.clock.advanceTo(at('10:00') + minutes * 60_000);
          const claims = [...t.claims.values()].reduce((a, b) => a + b, 0);
          expect(claims).toBe(Math.floor(minutes / 60) + 1);
          expect(t.errors).toHaveLength(claims);
          expect(t.fired).toEqual([]);
        } finally {
          await t.cleanup();
        }
      }),
      { numRuns: 10 },
    );
  });
});
