// A history row inserted past the instance's head (revision n + 1 while the instance is at n) outside
// Docket: every commit then met it and was told CONFLICT "Revision n + 1 … already exists. Reload the
// instance and try again." The engine retried the act to no end (each send failed with that CONFLICT
// after its retries), and a due timer was retried with backoff for ever, reported as a passing
// conflict. It is now CORRUPT_SNAPSHOT with details.problem 'history-past-head' naming the instance,
// saying to verify and restore; the timer is parked hourly as for any other edit, and nothing is written.
//
// And a property for the kind (tamper evidence at act time): whatever one edit outside Docket of the
// ones the engine checks when it acts (a timer row made not pending, a history row past the head, the
// head entry edited, the stored state edited), the next act or worker pass answers with
// CORRUPT_SNAPSHOT naming the instance, and the instance is not changed.
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, isDocketError, virtualClock, type Store } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { counterWorkflow } from './helpers/counter-workflow.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const T0 = Date.parse('2026-11-02T09:00:00+08:00');
const staff = { id: 'li', roles: ['staff'] };
const HOUR = 3_600_000;

const pgAvailable = await requirePostgres('history past head');
let pool: pg.Pool | undefined;
beforeAll(() => {
  if (pgAvailable) pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

interface Opened {
  readonly store: Store;
  /** Copy the instance's head entry to the next revision, outside Docket. */
  insertPastHead(instanceId: string): Promise<void>;
  cleanup(): Promise<void>;
}

const STORES: { readonly name: string; readonly skip: boolean; open(test: string): Promise<Opened> }[] = [
  {
    name: 'sqlite',
    skip: false,
    async open(test) {
      const { filename, remove } = sqliteFile(`past-head ${test}`);
      remove();
      return {
        store: sqliteStore({ filename }),
        async insertPastHead(id) {
          const db = new Database(filename);
          try {
            db.prepare(`INSERT INTO docket_history SELECT pos + 1, instance_id, revision + 1, kind, at, entry FROM docket_history WHERE instance_id = ? ORDER BY pos DESC LIMIT 1`).run(id);
          } finally {
            db.close();
          }
        },
        cleanup: async () => remove(),
      };
    },
  },
  {
    name: 'postgres',
    skip: !pgAvailable,
    async open(test) {
      const schema = schemaFor(`rel2 ph ${test}`);
      await dropSchema(pool!, schema);
      return {
        store: postgresStore({ pool: pool! }, { schema }),
        async insertPastHead(id) {
          await pool!.query(
            `INSERT INTO "${schema}".docket_history (instance_id, revision, kind, at, entry)
             SELECT instance_id, revision + 1, kind, at, entry FROM "${schema}".docket_history WHERE instance_id = $1 ORDER BY revision DESC LIMIT 1`,
            [id],
          );
        },
        cleanup: () => dropSchema(pool!, schema),
      };
    },
  },
];

describe.each(STORES)('a history row past the head ($name)', ({ name, skip, open }) => {
  it.skipIf(skip)('a send is refused with CORRUPT_SNAPSHOT history-past-head naming the instance, not a CONFLICT to retry; nothing is written', async () => {
    const opened = await open(`${name} send`);
    const engine = createEngine({ store: opened.store, clock: virtualClock(T0), workflows: [counterWorkflow] });
    try {
      const id = await engine.start('counter', {}, { actor: staff });
      await engine.send(id, { type: 'INC' }, { actor: staff });
      await opened.insertPastHead(id);
      const error = await engine.send(id, { type: 'INC' }, { actor: staff }).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(isDocketError(error, 'CORRUPT_SNAPSHOT')).toBe(true);
      expect((error as { details: unknown }).details).toMatchObject({ instanceId: id, revision: 3, problem: 'history-past-head' });
      expect((error as Error).message).toContain(`engine.verify("${id}")`);
      const view = await engine.get(id);
      expect([view.revision, view.context]).toEqual([2, { count: 1, ticks: 0 }]);
    } finally {
      await engine.close();
      await opened.cleanup();
    }
  });

  it.skipIf(skip)('a due timer is parked hourly with that error, not retried as a passing conflict', async () => {
    const opened = await open(`${name} timer`);
    const clock = virtualClock(T0);
    const engine = createEngine({ store: opened.store, clock, workflows: [counterWorkflow] });
    try {
      const id = await engine.start('counter', {}, { actor: staff });
      await opened.insertPastHead(id);
      const errors: unknown[] = [];
      engine.on('error', (e) => errors.push(e));
      await clock.advanceTo(T0 + HOUR + 30 * 60_000);
      expect(errors.length).toBeGreaterThan(0);
      expect(errors.every((e) => isDocketError(e, 'CORRUPT_SNAPSHOT') && e.details.problem === 'history-past-head' && e.details.instanceId === id)).toBe(true);
      expect((errors[0] as { details: { parked?: boolean } }).details.parked).toBe(true);
      expect(errors).toHaveLength(1); // parked for the hour, not tried at every lease
      expect((await engine.get(id)).revision).toBe(1);
    } finally {
      await engine.close();
      await opened.cleanup();
    }
  });
});

type EditKind = 'timer-row-fired' | 'history-past-head' | 'head-entry-edited' | 'state-edited';

/** Each edit, in SQL on a SQLite file. */
const EDITS: Record<EditKind, string> = {
  'timer-row-fired': `UPDATE docket_timers SET status = 'fired' WHERE instance_id = ? AND status = 'pending'`,
  'history-past-head': `INSERT INTO docket_history SELECT pos + 1, instance_id, revision + 1, kind, at, entry FROM docket_history WHERE instance_id = ? ORDER BY pos DESC LIMIT 1`,
  'head-entry-edited': `UPDATE docket_history SET entry = json_set(entry, '$.at', json_extract(entry, '$.at') + 1) WHERE pos = (SELECT MAX(pos) FROM docket_history WHERE instance_id = ?)`,
  'state-edited': `UPDATE docket_instances SET context = json_set(context, '$.count', 99), snapshot = json_set(snapshot, '$.context.count', 99) WHERE id = ?`,
};

describe('property: an edit outside Docket is met with CORRUPT_SNAPSHOT naming the instance, and nothing changes (SQLite)', () => {
  it('random sends, one random edit, then a send or a worker pass past the timer', async () => {
    const { filename, remove } = sqliteFile('rel2 tamper property');
    let run = 0;
    try {
      await fc.assert(
        fc.asyncProperty(
          fc.integer({ min: 0, max: 3 }),
          fc.constantFrom<EditKind>('timer-row-fired', 'history-past-head', 'head-entry-edited', 'state-edited'),
          fc.constantFrom('send', 'worker'),
          async (sends, edit, act) => {
            remove();
            run++;
            const clock = virtualClock(T0);
            const store = sqliteStore({ filename });
            const engine = createEngine({ store, clock, workflows: [counterWorkflow] });
            try {
              const id = await engine.start('counter', {}, { actor: staff });
              for (let i = 0; i < sends; i++) await engine.send(id, { type: 'INC' }, { actor: staff });
              const before = await engine.get(id);
              const db = new Database(filename);
              try {
                expect(db.prepare(EDITS[edit]).run(id).changes).toBe(1);
              } finally {
                db.close();
              }
              // A fresh engine, as after a restart: nothing of this instance cached.
              await engine.close();
              const fresh = createEngine({ store: sqliteStore({ filename }), clock, workflows: [counterWorkflow] });
              const errors: unknown[] = [];
              fresh.on('error', (e) => errors.push(e));
              try {
                if (act === 'send') {
                  const refused = await fresh.send(id, { type: 'INC' }, { actor: staff }).then(
                    () => undefined,
                    (e: unknown) => e,
                  );
                  // A timer row made not pending does not stop a send (the state and chain are intact):
                  // the worker pass below reports it.
                  if (edit !== 'timer-row-fired') errors.push(refused);
                  else expect(refused).toBeUndefined();
                }
                if (act === 'worker' || edit === 'timer-row-fired') {
                  await clock.advanceTo(Math.max(clock.now(), T0 + HOUR + 60_000));
                  await fresh.tick();
                }
                expect(errors.length).toBeGreaterThan(0);
                for (const e of errors) {
                  expect(isDocketError(e, 'CORRUPT_SNAPSHOT'), String(e)).toBe(true);
                  expect((e as { details: { instanceId?: string; problem?: unknown } }).details.instanceId).toBe(id);
                  expect(typeof (e as { details: { problem?: unknown } }).details.problem).toBe('string');
                }
                const after = await fresh.get(id);
                const sent = act === 'send' && edit === 'timer-row-fired' ? 1 : 0;
                expect(after.revision).toBe(before.revision + sent);
                expect((await fresh.verify(id)).ok).toBe(false);
              } finally {
                await fresh.close();
              }
            } finally {
              await engine.close();
            }
          },
        ),
        { numRuns: Number(process.env.REL2_RUNS ?? 24), seed: 20261103 },
      );
    } finally {
      remove();
    }
    expect(run).toBeGreaterThan(0);
  });
});
