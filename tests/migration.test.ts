import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { expenseReimbursement } from '../machines/index.js';
import { businessCalendar, createEngine, defineWorkflow, isDocketError, memoryStore, migrateFrom, virtualClock, type Engine, type MigrationReport, type Store } from '../src/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { expenseDirectory, expenseV2, expenseV2Deadlines, expenseV2Machine, person } from './helpers/expense-v2.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const pgAvailable = await requirePostgres('migration on postgres');
let pool: pg.Pool | undefined;
beforeAll(() => {
  if (pgAvailable) pool = new pg.Pool({ connectionString: PG_URL, max: 8 });
});
afterAll(async () => {
  await pool?.end();
});

const calendar = businessCalendar();
const admin = { id: 'feng', roles: ['admin'] };
const WF = 'expense-reimbursement';

/** Where each generated instance is left, and what it takes to get there. */
const KINDS = ['draft', 'withdrawn', 'manager', 'director', 'ceo', 'financeCheck', 'payment', 'paid'] as const;
type Kind = (typeof KINDS)[number];
const AMOUNT: Record<Kind, number> = { draft: 300, withdrawn: 300, manager: 1_800, director: 8_000, ceo: 30_000, financeCheck: 1_800, payment: 1_800, paid: 1_800 };

/** The title says what the migration must do with the claim (see expenseV1toV2). */
function titleOf(i: number, kind: Kind): string {
  if (kind === 'draft' && i % 5 === 0) return `lost-${i}`;
  if (kind === 'manager' && i % 7 === 0) return `legacy-${i}`;
  if (kind === 'director' && i % 3 === 0) return `eur-${i}`;
  if (kind === 'payment' && i % 4 === 0) return `usd-${i}`;
  return `claim-${i}`;
}

async function drive(engine: Engine, i: number): Promise<{ id: string; kind: Kind }> {
  const kind = KINDS[i % KINDS.length]!;
  const id = `x${String(i).padStart(4, '0')}`;
  await engine.start(WF, { title: titleOf(i, kind), department: 'sales', items: [{ description: 'item', amount: AMOUNT[kind] }] } as never, { actor: person('li'), id });
  if (kind === 'draft') return { id, kind };
  if (kind === 'withdrawn') {
    await engine.send(id, { type: 'WITHDRAW' } as never, { actor: person('li') });
    return { id, kind };
  }
  await engine.send(id, { type: 'SUBMIT' } as never, { actor: person('li') });
  if (kind === 'manager') return { id, kind };
  await engine.send(id, { type: 'APPROVE', step: 'manager' } as never, { actor: person('wang') });
  if (kind === 'director' || kind === 'financeCheck') return { id, kind };
  if (kind === 'ceo') {
    await engine.send(id, { type: 'APPROVE', step: 'director' } as never, { actor: person('chen') });
    return { id, kind };
  }
  await engine.send(id, { type: 'APPROVE', step: 'financeCheck' } as never, { actor: person('sun') });
  if (kind === 'paid') await engine.send(id, { type: 'PAID', voucherNo: `PZ-${i}` } as never, { actor: person('sun') });
  return { id, kind };
}

/** The block each instance must get (undefined: it moves). */
function expectedBlock(i: number, kind: Kind, suspended: boolean): string | undefined {
  if (kind === 'paid' || kind === 'withdrawn') return undefined;
  if (suspended) return 'INSTANCE_SUSPENDED';
  const title = titleOf(i, kind);
  if (kind === 'ceo') return 'STATE_NOT_MAPPED';
  if (title.startsWith('lost')) return 'TARGET_STATE_INVALID';
  if (title.startsWith('legacy')) return 'CONTEXT_TRANSFORM_FAILED';
  if (title.startsWith('eur')) return 'CONTEXT_INVALID';
  return undefined;
}

async function migrateOn(store: Store, count: number): Promise<void> {
  const clock = virtualClock('2026-09-28T09:00:00+08:00');
  const engine = createEngine({ store, clock, calendar, directory: expenseDirectory, workflows: [expenseReimbursement, expenseV2] });
  try {
    // v2 is registered, but these instances were started when v1 was the newest: start them on v1.
    const v1Engine = createEngine({ store, clock, calendar, directory: expenseDirectory, workflows: [expenseReimbursement] });
    const made: { id: string; kind: Kind; i: number }[] = [];
    for (let i = 0; i < count; i += 50) {
      const batch = await Promise.all(Array.from({ length: Math.min(50, count - i) }, (_, j) => drive(v1Engine, i + j).then((r) => ({ ...r, i: i + j }))));
      made.push(...batch);
    }
    const suspended = new Set(made.filter((m) => m.kind === 'payment' && m.i % 10 === 6).map((m) => m.id));
    for (const id of suspended) await v1Engine.suspend(id, { actor: admin, reason: 'held for audit' });
    await v1Engine.close();
    // Every state of v1 where an instance can rest is covered.
    const states = new Set<string>();
    for (const m of made) for (const p of (await engine.record(m.id)).statePaths) states.add(p);
    expect([...states].sort()).toEqual(['ceo', 'ceo.pending', 'director', 'director.pending', 'draft', 'financeCheck', 'financeCheck.pending', 'manager', 'manager.pending', 'paid', 'payment', 'withdrawn']);

    await clock.advanceTo('2026-10-09T15:00:00+08:00');
    const before = new Map<string, number>();
    for (const m of made) before.set(m.id, (await engine.record(m.id)).revision);

    const options = { workflow: WF, from: 1, to: 2, actor: admin, reason: 'payment renamed payout; CEO step retired' };
    const dry = await engine.migrate({ ...options, dryRun: true });
    // The dry run changed nothing.
    for (const m of made) {
      const r = await engine.record(m.id);
      expect([r.version, r.revision]).toEqual([1, before.get(m.id)]);
    }
    const real = await engine.migrate(options);
    expect(dry.dryRun).toBe(true);
    expect(real.dryRun).toBe(false);
    const comparable = (r: MigrationReport) => ({ selected: r.selected, moved: r.moved, blocked: r.blocked, finished: r.finished, skipped: r.skipped, at: r.at });
    expect(comparable(real)).toEqual(comparable(dry));

    // Which instances moved and which could not, with the reason each must have.
    const blockedById = new Map(real.blocked.map((b) => [b.instanceId, b]));
    const movedById = new Map(real.moved.map((m) => [m.instanceId, m]));
    const active = made.filter((m) => m.kind !== 'paid' && m.kind !== 'withdrawn');
    expect(real.selected).toBe(active.length);
    expect(real.finished).toBe(made.length - active.length);
    for (const m of active) {
      const want = expectedBlock(m.i, m.kind, suspended.has(m.id));
      if (want) {
        expect(blockedById.get(m.id)?.code, m.id).toBe(want);
        expect(movedById.has(m.id)).toBe(false);
      } else {
        expect(movedById.has(m.id), m.id).toBe(true);
      }
    }
    expect(new Set(real.blocked.map((b) => b.code))).toEqual(new Set(['INSTANCE_SUSPENDED', 'STATE_NOT_MAPPED', 'TARGET_STATE_INVALID', 'CONTEXT_TRANSFORM_FAILED', 'CONTEXT_INVALID']));
    for (const b of real.blocked) expect(b.message.length).toBeGreaterThan(20);

    const remindAt = calendar.resolve(expenseV2Deadlines.paymentRemind, clock.now());
    for (const m of made) {
      const record = await engine.record(m.id);
      const verified = await engine.verify(m.id);
      expect(verified.ok, `${m.id} verifies`).toBe(true);
      const move = movedById.get(m.id);
      if (!move) {
        // Untouched: same version, same revision.
        expect([record.version, record.revision]).toEqual([1, before.get(m.id)]);
        continue;
      }
      expect(record.version).toBe(2);
      expect(record.revision).toBe(before.get(m.id)! + 1);
      expect(record.state).toEqual(move.toState);
      expect(record.context).toMatchObject({ currency: m.i % 4 === 0 && m.kind === 'payment' ? 'USD' : 'CNY' });
      // Timers: v2's rules from the migration instant, nothing left of v1's states.
      const timers = await store.timers(m.id);
      if (m.kind === 'payment') {
        expect(record.state).toBe('payout');
        expect(timers.map((t) => [t.name, t.dueAt, t.key])).toEqual([['paymentRemind', remindAt, 'xstate.after.paymentRemind.expense.payout']]);
        expect(move.timers).toEqual([{ name: 'paymentRemind', dueAt: remindAt, state: 'payout', label: 'paymentRemind in payout' }]);
      } else {
        expect(timers).toEqual([]);
      }
      const history = await engine.history(m.id);
      const last = history.at(-1)!;
      expect(last).toMatchObject({ kind: 'admin', reason: options.reason, event: { type: 'docket.admin.migrate', fromVersion: 1, toVersion: 2, target: move.target }, actor: { id: 'feng' } });
    }
    // Tasks were recomputed on v2: a migrated supervisor step is in wang's inbox.
    const managerMoved = made.find((m) => m.kind === 'manager' && movedById.has(m.id))!;
    expect((await engine.tasks({ instanceId: managerMoved.id })).map((t) => [t.step, t.assignees])).toEqual([['manager', ['wang']]]);

    // Idempotent: a second run moves nothing and lists the same blocked instances.
    const again = await engine.migrate(options);
    expect(again.moved).toEqual([]);
    expect(again.blocked.map((b) => [b.instanceId, b.code])).toEqual(real.blocked.map((b) => [b.instanceId, b.code]));

    // Migrated instances run on v2: the reminder fires at v2's instant, in payout.
    const payout = made.find((m) => m.kind === 'payment' && movedById.has(m.id))!;
    await clock.advanceTo(remindAt);
    const fired = (await engine.history(payout.id)).at(-1)!;
    expect(fired).toMatchObject({ kind: 'timer', timer: { name: 'paymentRemind', dueAt: remindAt }, from: 'payout', to: 'payout' });
    expect((await engine.send(payout.id, { type: 'PAID', voucherNo: 'PZ-1' } as never, { actor: person('sun') })).status).toBe('done');
  } finally {
    await engine.close();
  }
}

describe('engine.migrate: 1,000 expense claims over every state, v1 → v2', () => {
  it('on memory', async () => {
    await migrateOn(memoryStore(), 1000);
  }, 120_000);

  it('on SQLite', async (ctx) => {
    const file = sqliteFile(ctx.task.name);
    file.remove();
    const store = sqliteStore({ filename: file.filename, durability: 'normal' });
    try {
      await migrateOn(store, 1000);
    } finally {
      await store.close();
      file.remove();
    }
  }, 120_000);

  it.skipIf(!pgAvailable)('on Postgres', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    await dropSchema(pool!, schema);
    const store = postgresStore({ pool: pool! }, { schema });
    try {
      await migrateOn(store, 1000);
    } finally {
      await store.close();
      await dropSchema(pool!, schema);
    }
  }, 120_000);
});

describe('engine.migrate: refusals and declarations', () => {
  async function small() {
    const clock = virtualClock('2026-09-28T09:00:00+08:00');
    const store = memoryStore();
    const v1Engine = createEngine({ store, clock, calendar, directory: expenseDirectory, workflows: [expenseReimbursement] });
    const id = await v1Engine.start(WF, { title: 'claim', department: 'sales', items: [{ description: 'x', amount: 10 }] }, { actor: person('li') });
    await v1Engine.close();
    const engine = createEngine({ store, clock, calendar, directory: expenseDirectory, workflows: [expenseReimbursement, expenseV2] });
    return { engine, id };
  }

  it('refuses a non-admin with FORBIDDEN, recorded in the instance refusal log, and moves nothing', async () => {
    const { engine, id } = await small();
    const error = await engine.migrate({ workflow: WF, from: 1, to: 2, actor: person('wang'), reason: 'try' }).catch((e: unknown) => e);
    expect(isDocketError(error, 'FORBIDDEN')).toBe(true);
    expect((await engine.record(id)).version).toBe(1);
    const log = await engine.history(id, { includeRefused: true });
    expect(log.filter((e) => e.kind === 'refused').map((e) => [(e as { code: string }).code, e.event.type])).toEqual([['FORBIDDEN', 'docket.admin.migrate']]);
  });

  it('refuses a blank reason, a version without a declared migration, and an unregistered version', async () => {
    const { engine } = await small();
    const base = { workflow: WF, actor: admin, reason: 'r' };
    expect(isDocketError(await engine.migrate({ ...base, from: 1, to: 2, reason: ' ' }).catch((e: unknown) => e), 'INVALID_ARGUMENT')).toBe(true);
    expect(isDocketError(await engine.migrate({ ...base, from: 2, to: 1 }).catch((e: unknown) => e), 'INVALID_MIGRATION')).toBe(true);
    expect(isDocketError(await engine.migrate({ ...base, from: 1, to: 3 }).catch((e: unknown) => e), 'WORKFLOW_NOT_FOUND')).toBe(true);
  });

  // `dryRun: 'true'` (a string, as from a form or a config) ran the real migration; a string
  // `instanceIds` was iterated by character and a number threw a raw TypeError.
  // A where key it does not know (`{ ids: [...] }`) selected every instance of the version.
  it('refuses a dryRun that is not a boolean, an unknown option, and a where that is not an object, not an id list or has an unknown key, moving nothing', async () => {
    const { engine, id } = await small();
    const base = { workflow: WF, from: 1, to: 2, actor: admin, reason: 'r' };
    const codeOf = async (p: Promise<unknown>) => p.then(() => 'ok', (e: unknown) => (isDocketError(e) ? e.code : `raw ${String(e)}`));
    for (const dryRun of ['true', 'yes', 1, 0, null]) expect(await codeOf(engine.migrate({ ...base, dryRun: dryRun as never })), JSON.stringify(dryRun)).toBe('INVALID_ARGUMENT');
    for (const where of ['all', 5, [id], { instanceIds: id }, { instanceIds: 5 }, { instanceIds: { id } }, { ids: [id] }, { instanceId: 'none' }, { states: 'review' }]) {
      expect(await codeOf(engine.migrate({ ...base, where: where as never })), JSON.stringify(where)).toBe('INVALID_ARGUMENT');
      expect(await codeOf(engine.forTenant('acme').migrate({ ...base, where: where as never })), `tenant ${JSON.stringify(where)}`).toBe('INVALID_ARGUMENT');
    }
    // A misspelt option would have run for real.
    for (const typo of [{ dryrun: true }, { dry: true }, { instanceIds: ['none'] }]) expect(await codeOf(engine.migrate({ ...base, ...typo } as never)), JSON.stringify(typo)).toBe('INVALID_ARGUMENT');
    expect((await engine.record(id)).version).toBe(1);
    expect((await engine.history(id, { includeRefused: true })).map((e) => e.kind)).toEqual(['start']);
  });

  // A bad id in where.instanceIds was refused naming 'where.instanceIds', not where it stood, and
  // where.state / where.match refusals named no field at all.
  it('a bad where field is INVALID_ARGUMENT naming it exactly (the id\'s index too), and moves nothing', async () => {
    const { engine, id } = await small();
    const base = { workflow: WF, from: 1, to: 2, actor: admin, reason: 'r' };
    const fieldOf = async (where: unknown) =>
      engine.migrate({ ...base, where: where as never }).then(
        () => 'ok',
        (e: unknown) => (isDocketError(e, 'INVALID_ARGUMENT') ? String(e.details.field) : `raw ${String(e)}`),
      );
    expect(await fieldOf({ instanceIds: [id, '\u0000'] })).toBe('where.instanceIds[1]');
    expect(await fieldOf({ instanceIds: [''] })).toBe('where.instanceIds[0]');
    expect(await fieldOf({ state: 5 })).toBe('where.state');
    expect(await fieldOf({ match: 'draft' })).toBe('where.match');
    expect((await engine.record(id)).version).toBe(1);
  });

  it('property: the first bad id of where.instanceIds is named by its index, whatever stands before it', async () => {
    const { engine, id } = await small();
    await fc.assert(
      fc.asyncProperty(fc.array(fc.constantFrom(id, 'other-1', 'other-2'), { maxLength: 5 }), fc.constantFrom<unknown>('', '\u0000', 7, null, 'x'.repeat(300)), async (good, bad) => {
        const error = await engine.migrate({ workflow: WF, from: 1, to: 2, actor: admin, reason: 'r', where: { instanceIds: [...good, bad, id] as never } }).catch((e: unknown) => e);
        expect([isDocketError(error, 'INVALID_ARGUMENT'), (error as { details?: { field?: string } }).details?.field]).toEqual([true, `where.instanceIds[${good.length}]`]);
      }),
      { numRuns: 40 },
    );
    expect((await engine.record(id)).version).toBe(1);
  });

  it('only touches the instances `where` selects', async () => {
    const { engine, id } = await small();
    const none = await engine.migrate({ workflow: WF, from: 1, to: 2, actor: admin, reason: 'r', where: { state: 'payment' } });
    expect([none.selected, none.moved.length]).toEqual([0, 0]);
    const one = await engine.migrate({ workflow: WF, from: 1, to: 2, actor: admin, reason: 'r', where: { instanceIds: [id], match: (v) => v.state === 'draft' } });
    expect(one.moved.map((m) => [m.instanceId, m.toState])).toEqual([[id, 'draft']]);
  });

  it('checks a declared migration when the workflow is defined: unknown target or source state → INVALID_MIGRATION', () => {
    const define = (migrations: unknown) => () => defineWorkflow({ ...expenseV2, version: 3, migrations: migrations as never });
    const caught = (fn: () => unknown) => {
      try {
        fn();
      } catch (error) {
        return error;
      }
      return undefined;
    };
    const unknownTarget = caught(define(migrateFrom(expenseReimbursement, { states: { payment: 'payoutt' as string } })));
    expect(isDocketError(unknownTarget, 'INVALID_MIGRATION')).toBe(true);
    expect((unknownTarget as Error).message).toMatch(/"payoutt", which is not a state of v3/);
    // @ts-expect-error: "paymnt" is not a state of v1
    const unknownSource = caught(define(migrateFrom(expenseReimbursement, { states: { paymnt: 'payout' } })));
    expect((unknownSource as Error).message).toMatch(/maps "paymnt", which is not a state of v1/);
    expect(isDocketError(caught(define({ kind: 'docket.migration', from: 3 })), 'INVALID_MIGRATION')).toBe(true);
    expect(isDocketError(caught(define([migrateFrom(expenseReimbursement), migrateFrom(expenseReimbursement)])), 'INVALID_MIGRATION')).toBe(true);
    expect(caught(define(migrateFrom(expenseReimbursement, { states: { payment: 'payout', 'manager.pending': 'manager' } })))).toBeUndefined();
    expect(expenseV2Machine.root.states.payout).toBeDefined();
  });

  it('types the context transform from the old workflow', () => {
    migrateFrom(expenseReimbursement, {
      context: (old) => {
        const amount: number = old.amount;
        // @ts-expect-error: v1's context has no `currency`
        void old.currency;
        return { ...old, amount };
      },
    });
    expect(true).toBe(true);
  });
});
