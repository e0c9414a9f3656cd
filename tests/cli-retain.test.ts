import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { exportInstance } from '../src/cli/export-instance.js';
import { createEngine, virtualClock } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { runCli } from '../src/cli/program.js';
import { manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';

// The read commands open the file untouched (URI `immutable=1`): better-sqlite3 reads this once.
process.env.SQLITE_USE_URI = '1';
const START = '2026-01-05T09:00:00+08:00';
const DAY = 86_400_000;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

async function database() {
  const dir = mkdtempSync(join(tmpdir(), 'docket-retain-'));
  dirs.push(dir);
  const filename = join(dir, 'docket.db');
  const store = sqliteStore({ filename });
  const engine = createEngine({ store, clock: virtualClock(START), workflows: [reviewWorkflow] });
  const done = await engine.start('review', { title: 'old' }, { actor: staff });
  await engine.send(done, { type: 'SUBMIT' }, { actor: staff });
  await engine.send(done, { type: 'APPROVE' }, { actor: manager });
  const active = await engine.start('review', { title: 'open' }, { actor: staff });
  await engine.close();
  await store.close();
  return { filename, done, active };
}

async function cli(argv: string[], now: number) {
  let out = '';
  let err = '';
  const code = await runCli(argv, { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {}, now: () => now });
  return { code, out, err };
}

describe('docket retain', () => {
  it('dry-runs, archives finished instances older than --older-than, and leaves active ones', async () => {
    const { filename, done, active } = await database();
    const now = Date.parse(START) + 120 * DAY;
    const dry = await cli(['retain', filename, '--older-than', '90d', '--mode', 'archive', '--dry-run', '--json'], now);
    expect(dry.code).toBe(0);
    expect(JSON.parse(dry.out)).toMatchObject({ ids: [done], dryRun: true });
    const tooRecent = await cli(['retain', filename, '--older-than', '200d', '--json'], now);
    expect(JSON.parse(tooRecent.out).ids).toEqual([]);
    const run = await cli(['retain', filename, '--older-than', '90d', '--mode', 'archive', '--json'], now);
    expect(JSON.parse(run.out)).toMatchObject({ ids: [done], skipped: [] });
    const store = sqliteStore({ filename });
    const engine = createEngine({ store, clock: virtualClock(now), workflows: [reviewWorkflow] });
    expect(await store.load(done)).toBeUndefined();
    expect((await store.load(active))?.status).toBe('active');
    expect((await engine.verify(done)).ok).toBe(true);
    await engine.close();
    await store.close();
  });

  it('purges, leaving a tombstone that verifies', async () => {
    const { filename, done } = await database();
    const run = await cli(['retain', filename, '--older-than', '90d', '--mode', 'purge', '--json'], Date.parse(START) + 120 * DAY);
    expect(run.code).toBe(0);
    expect(JSON.parse(run.out).ids).toEqual([done]);
    const store = sqliteStore({ filename });
    const engine = createEngine({ store, clock: virtualClock(START), workflows: [reviewWorkflow] });
    expect(await engine.verify(done)).toMatchObject({ ok: true, retention: { kind: 'purged', tombstone: { id: done, revision: 3 } } });
    await engine.close();
    await store.close();
  });

  it('refuses a malformed --older-than or --mode as a usage error, changing nothing', async () => {
    const { filename, done } = await database();
    expect((await cli(['retain', filename, '--older-than', 'ninety'], Date.parse(START) + 120 * DAY)).code).toBe(2);
    expect((await cli(['retain', filename, '--older-than', '90d', '--mode', 'shred'], Date.parse(START) + 120 * DAY)).code).toBe(2);
    const store = sqliteStore({ filename });
    expect((await store.load(done))?.status).toBe('done');
    await store.close();
  });
});

describe('the read commands after docket retain', () => {
  // Regression: after `docket retain` archived an instance, `docket verify/history/show <db> <id>`
  // answered "No instance … in this database" (exit 2), although the archive keeps its history
  // readable and verifiable; a purged one's tombstone was not reported either.
  it('verify, history and show read an archived instance from the archive; export says it is archived', async () => {
    const { filename, done } = await database();
    const now = Date.parse(START) + 120 * DAY;
    expect((await cli(['retain', filename, '--older-than', '90d', '--mode', 'archive'], now)).code).toBe(0);
    const verify = await cli(['verify', filename, done, '--json'], now);
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.out)).toMatchObject({ ok: true, instances: 1, reports: [{ instanceId: done, ok: true, entries: 3, retention: { kind: 'archived' } }] });
    expect((await cli(['verify', filename, done], now)).out).toMatch(/3 entries, chain intact \(archived: checked from the archive\)/);
    const history = await cli(['history', filename, done, '--json'], now);
    expect(history.code).toBe(0);
    expect((JSON.parse(history.out) as { event: { type: string } }[]).map((e) => e.event.type)).toEqual(['docket.start', 'SUBMIT', 'APPROVE']);
    const show = await cli(['show', filename, done, '--json'], now);
    expect(JSON.parse(show.out)).toMatchObject({ id: done, status: 'done', retention: { kind: 'archived' }, tasks: [] });
    const exported = await cli(['export', filename, done], now);
    expect([exported.code, exported.err]).toEqual([2, expect.stringMatching(/is archived: export writes live instances only/)]);
    expect((await cli(['verify', filename, 'nope'], now)).err).toMatch(/No instance "nope"/);
  });

  it('verify checks a purged instance\'s tombstone; history and show say it was purged', async () => {
    const { filename, done } = await database();
    const now = Date.parse(START) + 120 * DAY;
    expect((await cli(['retain', filename, '--older-than', '90d', '--mode', 'purge'], now)).code).toBe(0);
    const verify = await cli(['verify', filename, done, '--json'], now);
    expect(JSON.parse(verify.out)).toMatchObject({ ok: true, reports: [{ instanceId: done, retention: { kind: 'purged' } }] });
    expect((await cli(['verify', filename, done], now)).out).toMatch(/tombstone intact \(purged/);
    const history = await cli(['history', filename, done], now);
    expect([history.code, history.err]).toEqual([2, expect.stringMatching(/was purged on .*only its tombstone remains/)]);
    expect(JSON.parse((await cli(['show', filename, done, '--json'], now)).out)).toMatchObject({ retention: { kind: 'purged', tombstone: { id: done } } });
  });

  // The read commands read an instance once: export read it to tell live from archived and then again
  // to export it; an id with no instance was looked up a second time only to refuse it.
  it('export writes the live instance it read (as exportInstance does); a missing id is one INSTANCE_NOT_FOUND for every read command', async () => {
    const { filename, active } = await database();
    const now = Date.parse(START) + DAY;
    const exported = await cli(['export', filename, active], now);
    expect(exported.code).toBe(0);
    const store = sqliteStore({ filename });
    // The CLI here loads no config, so it knows no 'review' workflow (no title): nor does this export.
    const direct = await exportInstance(store, active, [], now);
    await store.close();
    expect(JSON.parse(exported.out)).toEqual(JSON.parse(JSON.stringify(direct)));
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[a-z][a-z0-9-]{0,11}$/).filter((id) => id !== active), fc.constantFrom('show', 'history', 'export', 'verify'), async (id, command) => {
        const r = await cli([command, filename, id, '--json'], now);
        expect([command, r.code, JSON.parse(r.out).error.code]).toEqual([command, 2, 'INSTANCE_NOT_FOUND']);
        expect(r.err).toContain(`No instance "${id}" in this database.`);
      }),
      { numRuns: 12 },
    );
  });
});
