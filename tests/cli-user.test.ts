// The `docket` command line on a user's project, as a user runs it (the BUILT binary, dist/cli.js):
// terminal-safe output of hostile stored text, read commands that leave the folder untouched, a
// user's own workflow module and config file, a PostgreSQL store read read-only, --version, --tz and
// --on-missing-year.
import { spawn } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import fc from 'fast-check';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonSafe, terminalSafe } from '../src/cli/terminal-safe.js';
import { virtualClock } from '../src/clock/index.js';
import { createEngine } from '../src/engine/create-engine.js';
import { postgresStore } from '../src/postgres/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import type { Store } from '../src/store/store.js';
import { reviewWorkflow } from './fixtures/review-workflow.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';

const repo = resolve(import.meta.dirname, '..');
const work = resolve(repo, '.tmp', `cli-user-test-${process.pid}`);
const bin = join(work, 'dist', 'cli.js');
const pkg = JSON.parse(readFileSync(join(repo, 'package.json'), 'utf8')) as { version: string };

function docket(args: readonly string[], opts: { cwd?: string; env?: Record<string, string> } = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd ?? work, env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function dir(name: string): string {
  const d = join(work, name);
  rmSync(d, { recursive: true, force: true });
  mkdirSync(d, { recursive: true });
  return d;
}

// The global setup built dist/; run a private copy (other work may rebuild dist/ meanwhile).
beforeAll(() => {
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(join(repo, 'dist'), join(work, 'dist'), { recursive: true });
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

const T0 = Date.UTC(2026, 9, 8, 1, 0); // 2026-10-08 09:00 Shanghai
const HOSTILE = 'mallory\x1b[2J\x1b]0;pwned\x07';

/** One review instance started and submitted by `actor`, in `store`. */
async function seed(store: Store, actor: { id: string; name?: string; roles: string[] }): Promise<string> {
  const engine = createEngine({ store, clock: virtualClock(T0), workflows: [reviewWorkflow] });
  try {
    const id = await engine.start('review', { title: 'Q4 plan' }, { actor });
    await engine.send(id, { type: 'SUBMIT' }, { actor });
    return id;
  } finally {
    await engine.close();
  }
}

async function sqliteWith(file: string, actor: { id: string; name?: string; roles: string[] }): Promise<string> {
  const store = sqliteStore({ filename: file });
  await store.init();
  try {
    return await seed(store, actor);
  } finally {
    await store.close();
  }
}

const CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/;

describe('terminalSafe (the one escape every text formatter of the CLI uses)', () => {
  it('writes ESC, BEL, C1 and bidi overrides out visibly', () => {
    expect(terminalSafe(HOSTILE)).toBe('mallory\\x1b[2J\\x1b]0;pwned\\x07');
    expect(terminalSafe('a\u009b31mb\u202ec\u2066d')).toBe('a\\x9b31mb\\u{202e}c\\u{2066}d');
    expect(terminalSafe('line\nforged')).toBe('line\\x0aforged');
    expect(terminalSafe('line\nnext', { keepNewlines: true })).toBe('line\nnext');
    expect(terminalSafe('合同评审 · Review \\ ok')).toBe('合同评审 · Review \\ ok');
  });

  it('property: no terminal control survives, text without controls is unchanged, JSON stays the same value', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary' }), (s) => {
        const safe = terminalSafe(s);
        expect(safe).not.toMatch(CONTROL);
        expect(safe).not.toMatch(/\n/);
        if (!/[\u0000-\u001f\u007f-\u009f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]/.test(s)) expect(safe).toBe(s);
        const json = jsonSafe(JSON.stringify({ s }));
        expect(json).not.toMatch(CONTROL);
        expect(JSON.parse(json)).toEqual({ s });
      }),
      { numRuns: 2000 },
    );
  });
});

// Each test starts the built CLI as a child process up to ten times; on a loaded 2-core host one
// start took ~5 s and the 60 s default was hit, so these get room (a limit, not a timed assertion).
describe.concurrent('docket on hostile stored text and a folder it must not touch', { timeout: 240_000 }, () => {
  it('history, verify, show and list print an actor id carrying escape sequences as visible text', async () => {
    const d = dir('hostile');
    const db = join(d, 'docket.db');
    const id = await sqliteWith(db, { id: HOSTILE, name: HOSTILE, roles: ['staff'] });
    for (const args of [['history', db, id], ['show', db, id], ['list', db], ['verify', db], ['history', db, id, '--json'], ['show', db, id, '--json']]) {
      const r = await docket(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(r.stdout, args.join(' ')).not.toMatch(CONTROL);
      expect(r.stderr).not.toMatch(CONTROL);
    }
    const history = await docket(['history', db, id]);
    expect(history.stdout).toContain('mallory\\x1b[2J\\x1b]0;pwned\\x07');
    const show = await docket(['show', db, id]);
    expect(show.stdout).toMatch(/Initiator\s+mallory\\x1b\[2J\\x1b\]0;pwned\\x07/);
    // JSON escapes the same characters the JSON way and parses back to the stored value.
    const json = JSON.parse((await docket(['history', db, id, '--json'])).stdout) as { actor: { id: string } }[];
    expect(json[0]!.actor.id).toBe(HOSTILE);
    // An id typed on the command line is echoed escaped too.
    const missing = await docket(['show', db, `x${HOSTILE}`]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No instance "xmallory\\x1b[2J\\x1b]0;pwned\\x07"');
    expect(missing.stderr).not.toMatch(CONTROL);
  });

  it('list, show, history, export and verify leave the folder of a closed WAL database exactly as it was', async () => {
    const d = dir('untouched');
    const db = join(d, 'docket.db');
    const id = await sqliteWith(db, { id: 'li', roles: ['staff'] });
    const before = readdirSync(d).sort();
    expect(before).toEqual(['docket.db']);
    const bytes = readFileSync(db);
    for (const args of [['list', db], ['show', db, id], ['history', db, id], ['export', db, id], ['verify', db], ['verify', db, id, '--json']]) {
      const r = await docket(args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(0);
      expect(readdirSync(d).sort(), args.join(' ')).toEqual(before);
    }
    expect(readFileSync(db).equals(bytes)).toBe(true);
  });

  it('with a writer holding the database open, reads its newest commit (through the WAL) and adds no file', async () => {
    const d = dir('live-writer');
    const db = join(d, 'docket.db');
    const store = sqliteStore({ filename: db });
    await store.init();
    const handle = store.database();
    handle.pragma('wal_autocheckpoint = 0'); // keep the commits in the -wal file only
    try {
      const id = await seed(store, { id: 'li', roles: ['staff'] });
      const before = readdirSync(d).sort();
      expect(before).toEqual(['docket.db', 'docket.db-shm', 'docket.db-wal']);
      const show = JSON.parse((await docket(['show', db, id, '--json'])).stdout) as { revision: number; state: unknown };
      expect(show).toMatchObject({ revision: 2, state: 'reviewing' });
      const verify = await docket(['verify', db]);
      expect(verify.code).toBe(0);
      expect(readdirSync(d).sort()).toEqual(before);
    } finally {
      await store.close();
    }
  });

  it('--version prints the package version', async () => {
    for (const flag of ['--version', '-V']) {
      const r = await docket([flag]);
      expect(r.code).toBe(0);
      expect(r.stdout.trim()).toBe(pkg.version);
    }
  });

  it('--tz prints times in that zone (default Asia/Shanghai); an unknown zone is a usage error', async () => {
    const d = dir('tz');
    const db = join(d, 'docket.db');
    const id = await sqliteWith(db, { id: 'li', roles: ['staff'] });
    const shanghai = await docket(['history', db, id]);
    expect(shanghai.stdout).toMatch(/^1\s+2026-10-08 09:00\s+li\s+start/m);
    const utc = await docket(['history', db, id, '--tz', 'UTC']);
    expect(utc.stdout).toMatch(/^1\s+2026-10-08 01:00\s+li\s+start/m);
    const berlin = await docket(['--tz', 'Europe/Berlin', 'show', db, id]);
    expect(berlin.stdout).toMatch(/Created\s+2026-10-08 03:00/);
    const bad = await docket(['history', db, id, '--tz', 'Mars/Olympus']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/Unknown time zone "Mars\/Olympus"/);
  });

  it('--on-missing-year: a year without published holiday data is estimated from the law by default (said on stderr), stops a simulation with throw (exit 1), counts weekdays when asked', async () => {
    // 2031's schedule is not published: by default (as the library's 'CN' default) the simulation runs
    // on the statutory estimate, says so once on stderr, and keeps stdout one JSON document.
    const estimated = await docket(['simulate', 'strategy-cycle', '--from', '2031-01-05', '--to', '2031-02-10', '--json']);
    expect(estimated.code, estimated.stderr).toBe(0);
    expect((JSON.parse(estimated.stdout) as { history: unknown[] }).history.length).toBeGreaterThan(1);
    expect(estimated.stderr).toMatch(/2031/);
    const strict = await docket(['simulate', 'strategy-cycle', '--from', '2031-01-05', '--to', '2031-02-10', '--on-missing-year', 'throw', '--json']);
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/2031/);
    const lenient = await docket(['simulate', 'strategy-cycle', '--from', '2031-01-05', '--to', '2031-02-10', '--on-missing-year', 'weekdays-with-warning', '--json']);
    expect(lenient.code, lenient.stderr).toBe(0);
    expect((JSON.parse(lenient.stdout) as { history: unknown[] }).history.length).toBeGreaterThan(1);
    const bad = await docket(['simulate', 'strategy-cycle', '--on-missing-year', 'ignore']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--on-missing-year must be "statutory", "throw" or "weekdays-with-warning", got "ignore"/);
  });

  it('docket simulate strategy-cycle in December runs into the unpublished next year on the statutory estimate instead of stopping', async () => {
    const run = await docket(['simulate', 'strategy-cycle', '--from', '2026-12-01', '--to', '2027-04-30', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const history = (JSON.parse(run.stdout) as { history: { atLocal: string }[] }).history;
    expect(history.some((e) => e.atLocal.startsWith('2027'))).toBe(true);
  });
});

/** A user's project: a leave request workflow in a built JS module that imports the package. */
function userProject(name: string): string {
  const d = dir(name);
  writeFileSync(
    join(d, 'workflows.mjs'),
    `import { setup } from 'xstate';
import { z } from 'zod';
import { defineWorkflow } from '../dist/index.js';
const machine = setup({ types: {} }).createMachine({
  id: 'leave',
  initial: 'draft',
  states: {
    draft: { on: { SUBMIT: 'pending' } },
    pending: { on: { APPROVE: 'approved', REJECT: 'rejected' } },
    approved: { type: 'final' },
    rejected: { type: 'final' },
  },
});
export const leave = defineWorkflow({
  id: 'leave',
  version: 1,
  machine,
  input: z.object({ days: z.number().int().min(1) }),
  events: { SUBMIT: z.object({}), APPROVE: z.object({}), REJECT: z.object({}) },
  permissions: { SUBMIT: ['employee'], APPROVE: ['manager'], REJECT: ['manager'] },
  labels: {
    title: { 'zh-CN': '请假', en: 'Leave request' },
    states: { draft: { 'zh-CN': '草稿', en: 'Draft' }, pending: { 'zh-CN': '待批', en: 'Awaiting the manager' }, approved: { 'zh-CN': '已批准', en: 'Approved' }, rejected: { 'zh-CN': '已驳回', en: 'Rejected' } },
  },
});
export const notAWorkflow = 42;
`,
  );
  return d;
}

describe.concurrent("docket on a user's own workflows", { timeout: 240_000 }, () => {
  it('--workflows loads a built module: listed as yours next to the built-in examples, diagrammed, simulated and inspected', async () => {
    const d = userProject('user-module');
    const list = await docket(['--workflows', './workflows.mjs', 'workflows', '--json'], { cwd: d });
    expect(list.code, list.stderr).toBe(0);
    const items = JSON.parse(list.stdout) as { id: string; source: string; states: number }[];
    expect(items[0]).toEqual(expect.objectContaining({ id: 'leave', source: 'yours', states: 4 }));
    expect(items.filter((w) => w.source === 'example').map((w) => w.id)).toContain('strategy-cycle');

    const mermaid = await docket(['diagram', 'leave', '--format', 'mermaid', '--workflows', 'workflows.mjs', '--lang', 'en'], { cwd: d });
    expect(mermaid.code, mermaid.stderr).toBe(0);
    expect(mermaid.stdout).toMatch(/Awaiting the manager/);
    const svg = await docket(['diagram', 'leave', '--workflows', 'workflows.mjs'], { cwd: d });
    expect(svg.stdout.match(/class="state-node/g)).toHaveLength(4);

    const db = join(d, 'leave.db');
    const sim = await docket(['simulate', 'leave', '--workflows', 'workflows.mjs', '--from', '2026-10-12', '--to', '2026-10-20', '--store', `sqlite:${db}`, '--json'], { cwd: d });
    expect(sim.code, sim.stderr).toBe(0);
    const result = JSON.parse(sim.stdout) as { instanceId: string; status: string; stateLabel: string };
    expect(result).toMatchObject({ status: 'done', stateLabel: 'Approved' });
    const history = await docket(['history', db, result.instanceId, '--workflows', 'workflows.mjs'], { cwd: d });
    expect(history.stdout).toMatch(/Draft\s+Awaiting the manager/);
    // Without the module the CLI still reads the store, naming states by id.
    const bare = await docket(['history', db, result.instanceId], { cwd: d });
    expect(bare.stdout).toMatch(/draft\s+pending/);
  });

  it('simulate follows the happy path of a user approval workflow whose step names a role only in role()', async () => {
    // Regression: the simulated people held only the roles in `roles`/`permissions`, so role('it')
    // resolved nobody, every APPROVE was refused with NO_APPROVER, and the simulation sent REJECT.
    const d = dir('user-approvals');
    writeFileSync(
      join(d, 'workflows.mjs'),
      `import { setup } from 'xstate';
import { z } from 'zod';
import { approvalStep, role, supervisor, withApprovals, workingDays } from '../dist/index.js';
const approvals = withApprovals({ deadlines: { itDue: workingDays(1) } });
const machine = setup({ actions: approvals.actions, guards: approvals.guards, delays: approvals.delays }).createMachine({
  id: 'equipment',
  context: ({ input }) => ({ ...approvals.context(input), item: input.item }),
  initial: 'boss',
  states: {
    boss: approvalStep({ id: 'boss', mode: 'sequential', approvers: supervisor(), onApproved: 'it', onRejected: 'rejected' }),
    it: approvalStep({ id: 'it', mode: 'any', approvers: role('it'), onApproved: 'ordered', onRejected: 'rejected' }),
    ordered: { type: 'final' },
    rejected: { type: 'final' },
  },
});
export const equipment = approvals.defineWorkflow({ id: 'equipment', version: 1, machine, input: z.object({ item: z.string().min(1) }), events: {} });
`,
    );
    const sim = await docket(['simulate', 'equipment', '--workflows', 'workflows.mjs', '--from', '2026-10-12', '--to', '2026-10-30', '--json'], { cwd: d });
    expect(sim.code, sim.stderr).toBe(0);
    const result = JSON.parse(sim.stdout) as { state: unknown; status: string; history: { event: string }[] };
    expect(result).toMatchObject({ status: 'done', state: 'ordered' });
    expect(result.history.map((h) => h.event)).toEqual(['docket.start', 'APPROVE', 'APPROVE']);
  });

  it('a docket.config.mjs in the working directory supplies the workflows, the database and the zone', async () => {
    const d = userProject('user-config');
    const db = join(d, 'leave.db');
    const sim = await docket(['simulate', 'leave', '--workflows', 'workflows.mjs', '--from', '2026-10-12', '--to', '2026-10-20', '--store', `sqlite:${db}`, '--json'], { cwd: d });
    const { instanceId } = JSON.parse(sim.stdout) as { instanceId: string };
    writeFileSync(join(d, 'docket.config.mjs'), `export default { workflows: './workflows.mjs', db: ${JSON.stringify(db)}, tz: 'UTC' };\n`);
    const list = await docket(['workflows'], { cwd: d });
    expect(list.stdout).toMatch(/^leave\s+1\s+Leave request\s+4\s+yours/m);
    const show = await docket(['show', instanceId], { cwd: d });
    expect(show.code, show.stderr).toBe(0);
    expect(show.stdout).toMatch(/Workflow\s+Leave request \(leave v1\)/);
    expect(show.stdout).toMatch(/Created\s+2026-10-12 01:00/); // 09:00 Shanghai, printed in UTC
    const verify = await docket(['verify'], { cwd: d });
    expect(verify.stdout).toMatch(/All 1 instances verified/);
  });

  it.each([
    [['--workflows', './nope.mjs', 'workflows'], /Workflow module not found: .*nope\.mjs/],
    [['--workflows', './workflows.ts', 'workflows'], /is TypeScript: build it first/],
    [['--workflows', './empty.mjs', 'workflows'], /exports no workflow/],
    [['--workflows', './broken.mjs', 'workflows'], /Cannot load Workflow module .*broken\.mjs/],
    [['diagram', 'leave'], /Unknown workflow "leave".*--workflows <module>/],
  ])('refuses %j with exit 2 and a clear message', async (args, message) => {
    const d = userProject(`user-bad-${args.join('-').replace(/[^a-z]/gi, '')}`);
    writeFileSync(join(d, 'workflows.ts'), 'export {};\n');
    writeFileSync(join(d, 'empty.mjs'), 'export const x = 1;\n');
    writeFileSync(join(d, 'broken.mjs'), 'export const x = ;\n');
    const r = await docket(args, { cwd: d });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/);
  });
});

const pgAvailable = await requirePostgres('docket CLI on PostgreSQL');

describe.skipIf(!pgAvailable)('docket on a PostgreSQL store (read-only)', () => {
  let pool: pg.Pool;
  beforeAll(() => {
    pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
  });
  afterAll(async () => {
    await pool?.end();
  });

  async function rowCounts(schema: string): Promise<Record<string, number>> {
    const tables = (await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 ORDER BY table_name`, [schema])).rows;
    const counts: Record<string, number> = {};
    for (const { table_name } of tables) counts[table_name] = Number((await pool.query(`SELECT count(*) AS n FROM "${schema}"."${table_name}"`)).rows[0].n);
    return counts;
  }

  it('lists, shows, prints the history of and verifies instances; writes nothing', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const store = postgresStore({ pool }, { schema });
      await store.init();
      const id = await seed(store, { id: HOSTILE, roles: ['staff'] });
      const before = await rowCounts(schema);
      const url = PG_URL;
      const list = await docket(['list', url, '--schema', schema, '--json']);
      expect(list.code, list.stderr).toBe(0);
      expect((JSON.parse(list.stdout) as { items: { id: string; state: unknown }[] }).items).toEqual([expect.objectContaining({ id, state: 'reviewing' })]);
      const show = await docket(['--db', url, '--schema', schema, 'show', id]);
      expect(show.stdout).toMatch(/State\s+reviewing/);
      const history = await docket(['history', url, id, '--schema', schema]);
      expect(history.code, history.stderr).toBe(0);
      expect(history.stdout).toContain('mallory\\x1b[2J\\x1b]0;pwned\\x07');
      expect(history.stdout).not.toMatch(CONTROL);
      const verify = await docket(['verify', url, '--schema', schema, '--json']);
      expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, instances: 1 });
      const exported = JSON.parse((await docket(['export', url, id, '--schema', schema])).stdout) as { history: unknown[] };
      expect(exported.history).toHaveLength(2);
      expect(await rowCounts(schema)).toEqual(before);
    } finally {
      await dropSchema(pool, schema);
    }
  });

  it('a schema without a Docket store: exit 2, and the schema is not created', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    await dropSchema(pool, schema);
    const r = await docket(['list', PG_URL, '--schema', schema, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(new RegExp(`has no Docket store in schema "${schema}"`));
    expect(JSON.parse(r.stdout).error.code).toBe('DB_CORRUPT');
    const exists = await pool.query(`SELECT 1 FROM information_schema.schemata WHERE schema_name = $1`, [schema]);
    expect(exists.rowCount).toBe(0);
  });

  it('a password in the URL is not echoed in errors', async () => {
    const r = await docket(['list', 'postgres://postgres:s3cret@127.0.0.1:1/test']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('s3cret');
  });
});
