// TaskRecord.seated (who holds a seat in a task's step) keeps a stand-in (代理) seated in the step off
// the principal's task in the inbox. It must read the same on every store: the memory store keeps the
// task as written; SQLite and PostgreSQL keep it in the task's JSON, and their schema 6 fills it in on
// rows stored before it, from the instance's context, as the approval plugin reads it (seatHolders).
// A row the migration missed or read differently would offer a deputy what send refuses.
import Database from 'better-sqlite3';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { businessCalendar, createEngine, memoryStore, role, staticDirectory, users, virtualClock, type ApprovalMode, type ApproverRule, type Store } from '../src/index.js';
import { postgresStore, POSTGRES_SCHEMA_VERSION } from '../src/postgres/index.js';
import { sqliteStore, SQLITE_SCHEMA_VERSION } from '../src/sqlite/index.js';
import { actor, approvalFlow, li, MONDAY, people } from './approvals-fixture.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const FROM = Date.parse('2026-01-01T00:00:00+08:00');
const TO = Date.parse('2027-12-01T00:00:00+08:00');
const available = await requirePostgres('TaskRecord.seated on postgres');
let pool: pg.Pool;
beforeAll(() => {
  if (available) pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

interface Scenario {
  readonly name: string;
  readonly mode: ApprovalMode;
  readonly approvers: ApproverRule | readonly ApproverRule[];
  readonly acts: readonly (readonly [string, Record<string, unknown>])[];
  /** Who sits in the step afterwards, in the step's order. */
  readonly seated: readonly string[];
}

// Every way of holding a seat, and of losing one: assignee (open, queued, decided), an open task's
// delegate, whoever decided for someone (stand-in, delegate), transferred away, an unclaimed group.
const scenarios: readonly Scenario[] = [
  { name: 'decided, transferred, delegated', mode: 'all', approvers: users('zhao', 'sun', 'wu'), acts: [['wu', { type: 'APPROVE' }], ['sun', { type: 'TRANSFER', to: 'zheng' }], ['zhao', { type: 'DELEGATE', to: 'feng' }]], seated: ['zhao', 'feng', 'zheng', 'wu'] },
  { name: 'stand-in decided', mode: 'all', approvers: users('zhao', 'wu'), acts: [['sun', { type: 'APPROVE', taskId: 't1' }]], seated: ['zhao', 'sun', 'wu'] },
  { name: 'queued', mode: 'sequential', approvers: users('zhao', 'wu'), acts: [], seated: ['zhao', 'wu'] },
  { name: 'unclaimed group', mode: 'all', approvers: [users('zhao'), role('finance', { claim: true })], acts: [], seated: ['zhao'] },
  { name: 'delegate decided', mode: 'all', approvers: users('zhao', 'wu'), acts: [['zhao', { type: 'DELEGATE', to: 'feng' }], ['feng', { type: 'APPROVE' }]], seated: ['zhao', 'feng', 'wu'] },
];

/** Run every scenario on `store`, one instance each; returns the instance ids, by scenario. */
async function drive(store: Store): Promise<string[]> {
  const directory = staticDirectory({ users: people, standIns: [{ principal: 'zhao', deputy: 'sun', from: FROM, to: TO }] });
  const ids: string[] = [];
  for (const [n, s] of scenarios.entries()) {
    const workflow = approvalFlow([{ id: 'legal', mode: s.mode, approvers: s.approvers }], { id: `flow${n}` as 'flow' });
    const engine = createEngine({ store, clock: virtualClock(MONDAY), calendar: businessCalendar({ holidays: ['CN'] }), directory, workflows: [workflow], effects: { 'approval.assigned': () => {}, 'approval.cc': () => {}, 'approval.remind': () => {}, notify: () => {} } });
    const id = await engine.start(`flow${n}` as 'flow', { amount: 1 }, { actor: li });
    for (const [who, event] of s.acts) {
      const taskId = event['taskId'] === undefined ? {} : { taskId: `${id}:legal:1:${String(event['taskId'])}` };
      await engine.send(id, { ...event, ...taskId } as never, { actor: actor(who) });
    }
    ids.push(id);
  }
  return ids;
}

/** What each scenario's tasks say about the step's seats, as the store reads them back. */
async function seatedOf(store: Store, ids: readonly string[]): Promise<unknown[]> {
  const out: unknown[] = [];
  for (const id of ids) out.push((await store.tasks({ instanceId: id })).filter((t) => t.step === 'legal').map((t) => t.seated));
  return out;
}

const expected = (ids: readonly string[], tasksPer: readonly number[]) => ids.map((_, n) => Array.from({ length: tasksPer[n]! }, () => scenarios[n]!.seated));

describe('TaskRecord.seated reads the same on every store', () => {
  it('memory', async () => {
    const store = memoryStore();
    const ids = await drive(store);
    const counts = await Promise.all(ids.map(async (id) => (await store.tasks({ instanceId: id })).length));
    expect(counts.every((c) => c > 0)).toBe(true);
    expect(await seatedOf(store, ids)).toEqual(expected(ids, counts));
  });

  it('sqlite: written on commit, and schema 6 fills it in on rows stored before, from the instance, keeping the rest of the row as written', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    try {
      const store = sqliteStore({ filename });
      await store.init();
      const ids = await drive(store);
      const counts = await Promise.all(ids.map(async (id) => (await store.tasks({ instanceId: id })).length));
      expect(await seatedOf(store, ids)).toEqual(expected(ids, counts));
      await store.close();

      // The file as schema 5 left it: the same tasks without `seated`, plus a row whose step the
      // context does not have (left alone) and one whose JSON is not an object (left alone).
      const db = new Database(filename);
      const rows = db.prepare(`SELECT seq, task FROM docket_tasks`).all() as { seq: number; task: string }[];
      const before = new Map<number, string>();
      for (const r of rows) {
        const { seated: _drop, ...rest } = JSON.parse(r.task) as Record<string, unknown>;
        before.set(r.seq, JSON.stringify(rest));
        db.prepare(`UPDATE docket_tasks SET task = ? WHERE seq = ?`).run(JSON.stringify(rest), r.seq);
      }
      const foreign = JSON.stringify({ id: 'x', instanceId: ids[0], workflow: 'flow0', step: 'nowhere', assignees: ['zhao'], roles: [] });
      db.prepare(`INSERT INTO docket_tasks (instance_id, workflow, status, task) VALUES (?, 'flow0', 'open', ?)`).run(ids[0], foreign);
      db.prepare(`INSERT INTO docket_tasks (instance_id, workflow, status, task) VALUES (?, 'flow0', 'open', '[1]')`).run(ids[0]);
      db.prepare(`UPDATE docket_meta SET value = '5' WHERE key = 'schema_version'`).run();
      db.close();

      const migrated = sqliteStore({ filename });
      await migrated.init();
      expect(migrated.database().prepare(`SELECT value FROM docket_meta WHERE key = 'schema_version'`).get()).toEqual({ value: String(SQLITE_SCHEMA_VERSION) });
      const after = migrated.database().prepare(`SELECT seq, task FROM docket_tasks ORDER BY seq`).all() as { seq: number; task: string }[];
      expectBackfilled(after, before, ids, foreign);
      await migrated.close();
    } finally {
      remove();
    }
  });

  it.skipIf(!available)('postgres: written on commit, and schema 6 fills it in on rows stored before, from the instance, keeping the rest of the row as written', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const store = postgresStore({ pool }, { schema });
      await store.init();
      const ids = await drive(store);
      const counts = await Promise.all(ids.map(async (id) => (await store.tasks({ instanceId: id })).length));
      expect(await seatedOf(store, ids)).toEqual(expected(ids, counts));
      await store.close();

      const q = (text: string, values: unknown[] = []) => pool.query(text.replaceAll('$S', `"${schema}"`), values);
      const { rows } = await q(`SELECT seq, task::text AS task FROM $S.docket_tasks`);
      const before = new Map<string, string>();
      for (const r of rows as { seq: string; task: string }[]) {
        const { seated: _drop, ...rest } = JSON.parse(r.task) as Record<string, unknown>;
        before.set(r.seq, JSON.stringify(rest));
        await q(`UPDATE $S.docket_tasks SET task = $1::json WHERE seq = $2`, [JSON.stringify(rest), r.seq]);
      }
      const foreign = JSON.stringify({ id: 'x', instanceId: ids[0], workflow: 'flow0', step: 'nowhere', assignees: ['zhao'], roles: [] });
      await q(`INSERT INTO $S.docket_tasks (instance_id, workflow, status, assignees, roles, task) VALUES ($1, 'flow0', 'open', '{}', '{}', $2::json), ($1, 'flow0', 'open', '{}', '{}', '[1]'::json)`, [ids[0], foreign]);
      await q(`UPDATE $S.docket_meta SET value = '5' WHERE key = 'schema_version'`);

      const migrated = postgresStore({ pool }, { schema });
      await migrated.init();
      expect((await q(`SELECT value FROM $S.docket_meta WHERE key = 'schema_version'`)).rows).toEqual([{ value: String(POSTGRES_SCHEMA_VERSION) }]);
      const after = (await q(`SELECT seq, task::text AS task FROM $S.docket_tasks ORDER BY seq`)).rows as { seq: string; task: string }[];
      expectBackfilled(after, before, ids, foreign);
      // The store reads the migrated rows as the other stores read theirs.
      expect(await seatedOf(migrated, ids)).toEqual(expected(ids, counts));
      await migrated.close();
    } finally {
      await dropSchema(pool, schema);
    }
  });
});

/**
 * What schema 6 left in the task rows: each row Docket wrote has `seated` appended as written (its
 * other keys keep their order) with its scenario's seat holders; a foreign row and a non-object row
 * are as they were.
 */
function expectBackfilled(after: readonly { seq: number | string; task: string }[], before: ReadonlyMap<number | string, string>, ids: readonly string[], foreign: string): void {
  for (const r of after) {
    const old = before.get(r.seq);
    if (old === undefined) continue;
    const parsed = JSON.parse(r.task) as { seated: unknown; instanceId: string };
    expect(r.task).toBe(JSON.stringify({ ...(JSON.parse(old) as object), seated: parsed.seated }));
    expect(parsed.seated).toEqual(scenarios[ids.indexOf(parsed.instanceId)]!.seated);
  }
  expect(after.map((r) => r.task)).toContain(foreign);
  expect(after.map((r) => r.task)).toContain('[1]');
}
