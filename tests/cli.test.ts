// The `docket` command line as a user runs it: the BUILT binary (`npm run build`, then
// `node dist/cli.js …`), with bad arguments, missing and corrupt databases, and --json output.
import { spawn, spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { parseInstanceExport } from '../src/visualizer/instance-export.js';
import { stateGraph } from '../src/visualizer/state-graph.js';
import { isContractWorkflow, workflowCatalog } from '../src/cli/workflow-catalog.js';

const repo = resolve(import.meta.dirname, '..');
// The contract approval once machines/ has it; the engine tests' review fixture until then.
const main = workflowCatalog().find(isContractWorkflow) ?? workflowCatalog().find((w) => w.id === 'review')!;
const MAIN = main.id;
const work = resolve(repo, '.tmp', `cli-test-${process.pid}`);
const bin = join(work, 'dist', 'cli.js');

/** Run the built binary; async so that the tests run side by side. */
function docket(args: readonly string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((done) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: work, env: { ...process.env, LANG: 'en_US.UTF-8', LC_ALL: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    child.on('close', (code) => done({ code, stdout, stderr }));
  });
}

function dir(name: string): string {
  const d = join(work, name);
  mkdirSync(d, { recursive: true });
  return d;
}

beforeAll(() => {
  const built = spawnSync('npm', ['run', 'build'], { cwd: repo, encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`npm run build failed:\n${built.stdout}\n${built.stderr}`);
  // Run a private copy: other work in this tree may rebuild (and clean) dist/ while the tests run.
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  cpSync(join(repo, 'dist'), join(work, 'dist'), { recursive: true });
}, 600_000); // tsup with declarations: about 30 s alone, minutes on a loaded 2-core host

describe.concurrent('docket (built binary)', () => {
  it('prints help and exits 0', async () => {
    const r = await docket(['--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/diagram/);
    expect(r.stdout).toMatch(/simulate/);
  });

  it('lists workflows as JSON that parses', async () => {
    const r = await docket(['workflows', '--json']);
    expect(r.code).toBe(0);
    const list = JSON.parse(r.stdout) as { id: string; states: number }[];
    expect(list.map((w) => w.id)).toContain('strategy-cycle');
  });

  it('draws a diagram as SVG (one node per state), mermaid and JSON', async () => {
    const svg = await docket(['diagram', MAIN, '--format', 'svg', '--lang', 'en']);
    expect(svg.code).toBe(0);
    expect(svg.stdout.startsWith('<svg')).toBe(true);
    expect(svg.stdout.match(/class="state-node/g)).toHaveLength(stateGraph(main).nodes.length);
    expect(svg.stdout).not.toMatch(/class="title l-zh"/);
    const mermaid = await docket(['diagram', 'strategy-cycle', '--format', 'mermaid', '--lang', 'zh-CN']);
    expect(mermaid.code).toBe(0);
    expect(mermaid.stdout.startsWith('stateDiagram-v2')).toBe(true);
    expect(mermaid.stdout).toMatch(/--/);
    const json = await docket(['diagram', MAIN, '--format', 'json', '--json']);
    expect(JSON.parse(json.stdout).nodes).toHaveLength(stateGraph(main).nodes.length);
  });

  it('uses the locale when --lang is not given', async () => {
    const zh = await docket(['workflows'], { LANG: 'zh_CN.UTF-8' });
    expect(zh.stdout).toMatch(/流程/);
    const en = await docket(['workflows'], { LANG: 'en_GB.UTF-8' });
    expect(en.stdout).toMatch(/workflow/);
  });

  it.each([
    [['frob'], /unknown command 'frob'/],
    [['diagram'], /missing required argument 'workflow'/],
    [['diagram', 'nope'], /Unknown workflow "nope"\. Known workflows: .*strategy-cycle/],
    [['diagram', 'strategy-cycle', '--format', 'png'], /Unknown format "png"/],
    [['diagram', 'strategy-cycle', '--lang', 'fr'], /Unknown language "fr"/],
    [['diagram', 'strategy-cycle', '--bogus'], /unknown option '--bogus'/],
    [['simulate', 'strategy-cycle', '--from', 'yesterday'], /--from must be a date/],
    // Regression: luxon alone read the bracket's zone and dropped the written offset (09:00 New York).
    [['simulate', 'strategy-cycle', '--from', '2026-10-08T09:00+08:00[America/New_York]'], /--from must be a date .*not America\/New_York's offset/],
    [['simulate', 'strategy-cycle', '--from', '2026-10-08T09:00[Asia/Shanghai]'], /--from must be a date .*no offset/],
    [['simulate', 'strategy-cycle', '--from', '2026-10-08', '--to', '2026-10-01'], /--to .* must be after --from/],
    [['simulate', 'strategy-cycle', '--store', 'mysql:x'], /--store must be "memory" or "sqlite:<path>"/],
    [['simulate', 'strategy-cycle', '--input', '{not json'], /--input must be JSON/],
    [['simulate', 'strategy-cycle', '--input', '{"planQuarter":{"year":1066,"quarter":5}}'], /start input for "strategy-cycle" is invalid: planQuarter/],
    [['list', 'a.db', 'extra'], /too many arguments/],
    [['list', 'a.db', '--status', 'sleeping'], /--status must be one of/],
    [[], /Usage: docket/],
  ])('refuses %j with a clear message and exit code 2', async (args, message) => {
    const r = await docket(args);
    expect(r.code).toBe(2);
    expect(r.stderr + r.stdout).toMatch(message);
    expect(r.stderr).not.toMatch(/at .*\.js:\d+/); // no stack trace
  });

  it('a missing database: clear message, exit 2, and no file created', async () => {
    const d = dir('missing');
    const db = join(d, 'nowhere.db');
    for (const args of [['list', db], ['show', db, 'x'], ['history', db, 'x'], ['export', db, 'x'], ['verify', db]]) {
      const r = await docket(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/Database file not found: .*nowhere\.db/);
    }
    const json = await docket(['list', db, '--json']);
    expect(JSON.parse(json.stdout).error.code).toBe('DB_MISSING');
    expect(readdirSync(d)).toEqual([]);
  });

  it('a corrupt or foreign database: clear message, exit 2, and nothing written', async () => {
    const d = dir('corrupt');
    const garbage = join(d, 'garbage.db');
    writeFileSync(garbage, 'this is not a database\n'.repeat(200));
    const foreign = join(d, 'foreign.db');
    const f = new Database(foreign);
    f.exec('CREATE TABLE t (x)');
    f.close();
    const before = { garbage: readFileSync(garbage), foreign: readFileSync(foreign) };
    for (const args of [['list', garbage], ['show', garbage, 'x'], ['history', garbage, 'x'], ['export', garbage, 'x'], ['verify', garbage]]) {
      const r = await docket(args);
      expect(r.code, args.join(' ')).toBe(2);
      expect(r.stderr).toMatch(/garbage\.db is not a readable SQLite database .*nothing was written/);
    }
    const r = await docket(['verify', foreign, '--json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/foreign\.db is not a Docket database/);
    expect(JSON.parse(r.stdout).error.code).toBe('DB_CORRUPT');
    expect(readFileSync(garbage).equals(before.garbage)).toBe(true);
    expect(readFileSync(foreign).equals(before.foreign)).toBe(true);
    expect(readdirSync(d).sort()).toEqual(['foreign.db', 'garbage.db']);
  });

  it('simulates into SQLite, then lists, shows, exports and verifies the instance, all as JSON that parses', async () => {
    const db = join(dir('sim'), 'docket.db');
    const sim = await docket(['simulate', MAIN, '--from', '2026-09-28', '--to', '2027-03-31', '--store', `sqlite:${db}`, '--json']);
    expect(sim.code, sim.stderr).toBe(0);
    expect(sim.stderr).toBe(''); // no progress bar when stderr is not a terminal
    const result = JSON.parse(sim.stdout) as { instanceId: string; status: string; history: { event: string }[] };
    expect(result.status).toBe('done');
    const id = result.instanceId;

    const list = JSON.parse((await docket(['list', db, '--json'])).stdout) as { items: { id: string; status: string }[] };
    expect(list.items).toEqual([expect.objectContaining({ id, status: 'done' })]);
    expect(JSON.parse((await docket(['show', db, id, '--json'])).stdout).id).toBe(id);
    const history = JSON.parse((await docket(['history', db, id, '--json'])).stdout) as { revision: number; actor: { id: string } }[];
    expect(history.map((h) => h.revision)).toEqual(result.history.map((_h, i) => i + 1));
    const exported = parseInstanceExport(JSON.parse((await docket(['export', db, id])).stdout));
    expect(exported.instance.id).toBe(id);
    expect(exported.verify.ok).toBe(true);
    const verify = await docket(['verify', db, '--json']);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout)).toMatchObject({ ok: true, instances: 1 });
    const text = await docket(['history', db, id, '--lang', 'zh-CN']);
    expect(text.stdout).toMatch(/操作人/);
    expect((await docket(['show', db, 'nope'])).code).toBe(2);
  });

  it('verify exits 1 and names the instance when a history entry was edited', async () => {
    const db = join(dir('tamper'), 'docket.db');
    const sim = JSON.parse((await docket(['simulate', MAIN, '--from', '2026-09-28', '--to', '2026-10-10', '--store', `sqlite:${db}`, '--json'])).stdout) as { instanceId: string };
    const h = new Database(db);
    const row = h.prepare('SELECT entry FROM docket_history WHERE instance_id = ? AND revision = 2').get(sim.instanceId) as { entry: string };
    const entry = JSON.parse(row.entry) as { actor: { id: string } };
    entry.actor.id = 'mallory';
    h.prepare('UPDATE docket_history SET entry = ? WHERE instance_id = ? AND revision = 2').run(JSON.stringify(entry), sim.instanceId);
    h.close();
    const r = await docket(['verify', db, sim.instanceId]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(new RegExp(`✗ ${sim.instanceId}`));
  });

  it('simulates the strategy cycle through National Day: the kickoff rolls to 8 October', async () => {
    const r = await docket(['simulate', 'strategy-cycle', '--from', '2026-09-28', '--to', '2026-10-20', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const result = JSON.parse(r.stdout) as { history: { event: string; atLocal: string }[] };
    expect(result.history.find((h) => h.event.endsWith('kickoff'))?.atLocal).toBe('2026-10-08 09:00');
  });

});
