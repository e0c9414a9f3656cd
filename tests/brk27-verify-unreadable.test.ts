// Regression (brk27): `verify` is what a user runs when data is damaged, and it threw CORRUPT_SNAPSHOT
// at the first stored column it could not read (an instance's snapshot or timers, a history entry, a
// timer row's event), so one damaged row hid every other problem and every other instance. Each such
// row is now an `unreadable` problem naming the instance, the part and the column, and verify goes on.
import { copyFileSync } from 'node:fs';
import Database from 'better-sqlite3';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, virtualClock, type Store, type VerifyReport } from '../src/index.js';
import { verifyChain } from '../src/engine/chain-verifier.js';
import { postgresStore } from '../src/postgres/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { counterWorkflow } from './helpers/counter-workflow.js';
import { docket } from './helpers/cli-runner.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

// The CLI opens a SQLite file read-only and untouched, which needs URI filenames (set before the first open).
process.env.SQLITE_USE_URI = '1';

const START = '2026-11-02T09:00:00+08:00';
const staff = { id: 'li', roles: ['staff'] };
const NOT_JSON = '{"not json';

const files: (() => void)[] = [];
afterEach(() => {
  for (const remove of files.splice(0)) remove();
});

function dbFile(name: string): string {
  const { filename, remove } = sqliteFile(`brk27 ${name}`);
  remove();
  files.push(remove);
  return filename;
}

function openEngine(store: Store) {
  return createEngine({ store, clock: virtualClock(START), workflows: [counterWorkflow] });
}

/** `n` counters c0…c(n-1), each bumped twice (revision 3, one pending tick timer), written through an engine. */
async function seed(store: Store, n: number): Promise<string[]> {
  const engine = openEngine(store);
  const ids: string[] = [];
  for (let i = 0; i < n; i++) {
    const id = await engine.start('counter', {}, { actor: staff, id: `c${i}` });
    for (let b = 0; b < 2; b++) await engine.send(id, { type: 'INC' }, { actor: staff });
    ids.push(id);
  }
  await engine.close();
  return ids;
}

async function seedFile(filename: string, n: number): Promise<string[]> {
  const store = sqliteStore({ filename });
  const ids = await seed(store, n);
  await store.close();
  edit(filename, (db) => db.pragma('wal_checkpoint(TRUNCATE)'));
  return ids;
}

/** Edit the database directly, as someone with write access to it (not Docket) would. */
function edit(filename: string, fn: (db: Database.Database) => unknown): void {
  const db = new Database(filename);
  try {
    fn(db);
  } finally {
    db.close();
  }
}

/** Every instance's report from a fresh engine on the file; a throw is returned, not raised, so a test says which. */
async function verifyAll(filename: string, ids: readonly string[]): Promise<Map<string, VerifyReport | { thrown: string }>> {
  const store = sqliteStore({ filename });
  const engine = openEngine(store);
  const reports = new Map<string, VerifyReport | { thrown: string }>();
  try {
    for (const id of ids) {
      try {
        reports.set(id, await engine.verify(id));
      } catch (error) {
        reports.set(id, { thrown: `${(error as { code?: string }).code ?? ''} ${(error as Error).message}` });
      }
    }
  } finally {
    await engine.close();
    await store.close();
  }
  return reports;
}

const unreadable = (report: VerifyReport | { thrown: string } | undefined) =>
  report && 'problems' in report ? report.problems.filter((p) => p.problem === 'unreadable').map((p) => ({ part: p.part, column: p.column, revision: p.revision })) : report;

/** One damage per case: the table and column the verifier reads, and the raw UPDATE that breaks it. */
interface Damage {
  readonly name: string;
  readonly part: 'instance' | 'history' | 'timer';
  readonly column: string;
  readonly revision: number;
  readonly sql: string;
}

const sqliteDamages = (text: string, label: string): Damage[] => [
  ...(['snapshot', 'state', 'context', 'state_paths', 'timers', 'held_timers'] as const).map((column) => ({
    name: `instance ${column} ${label}`,
    part: 'instance' as const,
    column,
    revision: 3,
    sql: `UPDATE docket_instances SET ${column} = ${sqlText(text)} WHERE id = ?`,
  })),
  { name: `history entry 2 (mid-chain) ${label}`, part: 'history', column: 'entry', revision: 2, sql: `UPDATE docket_history SET entry = ${sqlText(text)} WHERE instance_id = ? AND revision = 2` },
  { name: `history entry 3 (the head) ${label}`, part: 'history', column: 'entry', revision: 3, sql: `UPDATE docket_history SET entry = ${sqlText(text)} WHERE instance_id = ? AND revision = 3` },
  { name: `timer event ${label}`, part: 'timer', column: 'event', revision: 1, sql: `UPDATE docket_timers SET event = ${sqlText(text)} WHERE instance_id = ? AND status = 'pending'` },
];
const sqlText = (text: string) => `'${text.replaceAll("'", "''")}'`;

describe('sqlite: verify reports a column that is not JSON, names it, and checks the other instances', () => {
  for (const damage of sqliteDamages(NOT_JSON, 'not JSON')) {
    it(damage.name, async () => {
      const filename = dbFile(damage.name);
      const ids = await seedFile(filename, 2);
      edit(filename, (db) => db.prepare(damage.sql).run('c0'));
      const reports = await verifyAll(filename, ids);
      expect(unreadable(reports.get('c0'))).toEqual([{ part: damage.part, column: damage.column, revision: damage.revision }]);
      expect(reports.get('c0')).toMatchObject({ ok: false, instanceId: 'c0' });
      expect(reports.get('c1')).toMatchObject({ ok: true, snapshot: 'verified', timers: 'verified' });
    });
  }

  it('an unreadable mid-chain entry: the entries around it are still checked (an edit after it is found too)', async () => {
    const filename = dbFile('around');
    const ids = await seedFile(filename, 1);
    edit(filename, (db) => {
      db.prepare(`UPDATE docket_history SET entry = ? WHERE instance_id = 'c0' AND revision = 2`).run(NOT_JSON);
      const row = db.prepare(`SELECT entry FROM docket_history WHERE instance_id = 'c0' AND revision = 3`).get() as { entry: string };
      db.prepare(`UPDATE docket_history SET entry = ? WHERE instance_id = 'c0' AND revision = 3`).run(JSON.stringify({ ...JSON.parse(row.entry), at: 1 }));
    });
    const report = (await verifyAll(filename, ids)).get('c0') as VerifyReport;
    expect(report.problems.map((p) => [p.revision, p.problem])).toEqual([
      [2, 'unreadable'],
      [3, 'edited'],
    ]);
    expect(report.entries).toBe(2);
    expect(report.problems[0]!.message).toMatch(/History entry 2 of instance c0 \(column entry\) cannot be read: .*Restore the row from a backup/);
  });

  it('every unreadable entry of a long chain is reported, each on its own, across pages', async () => {
    const filename = dbFile('long');
    const store = sqliteStore({ filename });
    const engine = openEngine(store);
    const id = await engine.start('counter', {}, { actor: staff, id: 'long' });
    for (let i = 0; i < 30; i++) await engine.send(id, { type: 'INC' }, { actor: staff });
    await engine.close();
    await store.close();
    const damaged = [1, 7, 8, 20, 31];
    edit(filename, (db) => {
      for (const r of damaged) db.prepare(`UPDATE docket_history SET entry = ? WHERE instance_id = 'long' AND revision = ?`).run(r % 2 ? NOT_JSON : '[]', r);
    });
    // A small page size, so damaged rows fall at the start, middle and end of pages.
    const { walkHistory } = await import('../src/engine/chain-verifier.js');
    const { createKeyring } = await import('../src/engine/history-key.js');
    const reader = sqliteStore({ filename });
    try {
      const record = (await reader.load(id))!;
      const report = await walkHistory(reader, record, createKeyring(undefined), () => reader.load(id), 4);
      expect(report.problems.map((p) => [p.revision, p.problem])).toEqual(damaged.map((r) => [r, 'unreadable']));
      expect(report.entries).toBe(31 - damaged.length);
      expect(report.snapshot).toBe('unverified');
    } finally {
      await reader.close();
    }
  });
});

describe('sqlite: JSON of the wrong shape is reported too', () => {
  const shapes: Damage[] = [
    { name: 'snapshot set to []', part: 'instance', column: 'snapshot', revision: 3, sql: `UPDATE docket_instances SET snapshot = '[]' WHERE id = ?` },
    { name: 'timers set to {}', part: 'instance', column: 'timers', revision: 3, sql: `UPDATE docket_instances SET timers = '{}' WHERE id = ?` },
    { name: 'held_timers set to 7', part: 'instance', column: 'held_timers', revision: 3, sql: `UPDATE docket_instances SET held_timers = '7' WHERE id = ?` },
    { name: 'history entry set to 42', part: 'history', column: 'entry', revision: 2, sql: `UPDATE docket_history SET entry = '42' WHERE instance_id = ? AND revision = 2` },
    { name: 'history entry set to null', part: 'history', column: 'entry', revision: 3, sql: `UPDATE docket_history SET entry = 'null' WHERE instance_id = ? AND revision = 3` },
  ];
  for (const damage of shapes) {
    it(damage.name, async () => {
      const filename = dbFile(damage.name);
      const ids = await seedFile(filename, 2);
      edit(filename, (db) => db.prepare(damage.sql).run('c0'));
      const reports = await verifyAll(filename, ids);
      expect(unreadable(reports.get('c0'))).toEqual([{ part: damage.part, column: damage.column, revision: damage.revision }]);
      expect(reports.get('c1')).toMatchObject({ ok: true });
    });
  }

  it('verifyChain over entries of the wrong shape reports them rather than throwing a TypeError', () => {
    const entries = [42, null, [], { revision: 1, hash: 'x', prevHash: 7, event: null }] as never[];
    const report = verifyChain('x1', entries, 'head');
    expect(report.ok).toBe(false);
    expect(report.problems.filter((p) => p.problem === 'unreadable').map((p) => p.revision)).toEqual([1, 2, 3]);
  });
});

describe('docket verify over a whole SQLite store', () => {
  it('prints each damaged instance with what is unreadable, checks the others, exits 1, no stack trace', async () => {
    const filename = dbFile('cli');
    const ids = await seedFile(filename, 4);
    edit(filename, (db) => {
      db.prepare(`UPDATE docket_instances SET snapshot = ? WHERE id = 'c1'`).run(NOT_JSON);
      db.prepare(`UPDATE docket_instances SET timers = '{}' WHERE id = 'c2'`).run();
      db.prepare(`UPDATE docket_timers SET event = ? WHERE instance_id = 'c3'`).run(NOT_JSON);
    });
    const text = await docket(['verify', filename]);
    expect(text.stderr).toBe('');
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(/✓ c0: 3 entries, chain intact/);
    expect(text.stdout).toMatch(/✗ c1: The row of instance c1 \(column snapshot\) cannot be read/);
    expect(text.stdout).toMatch(/✗ c2: The row of instance c2 \(column timers\) cannot be read/);
    expect(text.stdout).toMatch(/✗ c3: Row \S+ of the timer table of instance c3 \(column event\) cannot be read/);
    expect(text.stdout).toMatch(/3 of 4 instances have a broken history chain/);
    const json = await docket(['verify', filename, '--json']);
    expect(json.code).toBe(1);
    const out = JSON.parse(json.stdout) as { ok: boolean; instances: number; reports: VerifyReport[] };
    expect([out.ok, out.instances]).toEqual([false, ids.length]);
    expect(out.reports.map((r) => [r.instanceId, r.ok])).toEqual([
      ['c0', true],
      ['c1', false],
      ['c2', false],
      ['c3', false],
    ]);
    const one = await docket(['verify', filename, 'c1']);
    expect([one.code, one.stderr]).toEqual([1, '']);
    expect(one.stdout).toMatch(/✗ c1: The row of instance c1/);
  });
});

describe('property: whatever instances are damaged, verify returns and names exactly them', () => {
  const N = 5;
  let base: string;
  beforeAll(async () => {
    base = dbFile('property base');
    await seedFile(base, N);
  });
  // Text that is not JSON in any column, and JSON of the wrong shape where Docket reads a shape (a
  // state of 42 or state paths of [] are values it does not look into, so they are left out).
  const damageKinds = [
    ...sqliteDamages(NOT_JSON, 'not JSON'),
    ...sqliteDamages('42', '42').filter((d) => d.column !== 'state'),
    ...sqliteDamages('[]', '[]').filter((d) => !['state', 'state_paths', 'held_timers'].includes(d.column)),
  ];

  it('never throws; the instances with problems are exactly the damaged ones', async () => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.integer({ min: 0, max: N - 1 }), fc.integer({ min: 0, max: damageKinds.length - 1 })), { maxLength: 8 }), async (damages) => {
        const filename = dbFile(`property ${run++}`);
        copyFileSync(base, filename);
        edit(filename, (db) => {
          for (const [i, k] of damages) db.prepare(damageKinds[k]!.sql).run(`c${i}`);
        });
        const ids = Array.from({ length: N }, (_, i) => `c${i}`);
        const reports = await verifyAll(filename, ids);
        const damaged = new Set(damages.map(([i]) => `c${i}`));
        for (const id of ids) {
          const report = reports.get(id)!;
          expect('thrown' in report ? report : 'returned').toBe('returned');
          expect([id, (report as VerifyReport).ok]).toEqual([id, !damaged.has(id)]);
        }
        const cli = await docket(['verify', filename, '--json']);
        expect([cli.code, cli.stderr]).toEqual([damaged.size > 0 ? 1 : 0, '']);
        const out = JSON.parse(cli.stdout) as { reports: VerifyReport[] };
        expect(out.reports.filter((r) => !r.ok).map((r) => r.instanceId)).toEqual(ids.filter((id) => damaged.has(id)));
      }),
      { numRuns: Number(process.env.BRK27_RUNS ?? 25) },
    );
  }, 300_000);
});

const available = await requirePostgres('brk27 verify unreadable');
describe.skipIf(!available)('postgres: a valid-JSON value of the wrong shape is reported, not thrown', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
  });

  const cases = [
    { name: 'history entry set to 42', sql: (s: string) => `UPDATE ${s}.docket_history SET entry = '42' WHERE instance_id = $1 AND revision = 2`, part: 'history', column: 'entry', revision: 2 },
    { name: 'head entry set to null', sql: (s: string) => `UPDATE ${s}.docket_history SET entry = 'null' WHERE instance_id = $1 AND revision = 3`, part: 'history', column: 'entry', revision: 3 },
    { name: 'snapshot set to []', sql: (s: string) => `UPDATE ${s}.docket_instances SET snapshot = '[]' WHERE id = $1`, part: 'instance', column: 'snapshot', revision: 3 },
    { name: 'timers set to {}', sql: (s: string) => `UPDATE ${s}.docket_instances SET timers = '{}' WHERE id = $1`, part: 'instance', column: 'timers', revision: 3 },
    { name: 'held_timers set to 7', sql: (s: string) => `UPDATE ${s}.docket_instances SET held_timers = '7' WHERE id = $1`, part: 'instance', column: 'held_timers', revision: 3 },
  ] as const;
  for (const c of cases) {
    it(c.name, async (ctx) => {
      const schema = schemaFor(`brk27 ${ctx.task.name}`);
      try {
        const store = postgresStore({ pool }, { schema });
        await store.init();
        await seed(store, 2);
        await pool.query(c.sql(schema), ['c0']);
        const engine = openEngine(store);
        const damaged = await engine.verify('c0');
        expect(unreadable(damaged)).toEqual([{ part: c.part, column: c.column, revision: c.revision }]);
        expect(await engine.verify('c1')).toMatchObject({ ok: true, snapshot: 'verified', timers: 'verified' });
        await engine.close();
        await store.close();
      } finally {
        await dropSchema(pool, schema);
      }
    });
  }
});
