import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, virtualClock } from '../src/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { runCli } from '../src/cli/program.js';
import { manager, reviewWorkflow, staff } from './fixtures/review-workflow.js';

// `docket verify` on a keyed chain (createEngine({ historyKey })): without the key it cannot vouch
// for the entries and says which key it lacks; with the key (from a file or DOCKET_HISTORY_KEY, never
// from argv) the chain verifies; with a wrong secret it fails.
// As the CLI's main.ts does before better-sqlite3 opens anything: read-only opens use URI filenames.
process.env.SQLITE_USE_URI = '1';
const work = resolve(import.meta.dirname, '..', '.tmp', `cli-history-key-${process.pid}`);
const KEY = { id: 'k1', secret: 'a-secret-of-at-least-thirty-two-bytes!!' };

async function keyedDatabase(): Promise<{ db: string; id: string }> {
  mkdirSync(work, { recursive: true });
  const db = join(work, 'keyed.db');
  rmSync(db, { force: true });
  const engine = createEngine({ store: sqliteStore({ filename: db }), clock: virtualClock('2026-11-02T09:00:00+08:00'), workflows: [reviewWorkflow], historyKey: KEY });
  const id = await engine.start('review', { title: 'keyed', amount: 1 } as never, { actor: staff });
  await engine.send(id, { type: 'APPROVE' } as never, { actor: manager }).catch(() => undefined);
  await engine.close();
  await engine.store.close?.();
  return { db, id };
}

async function verify(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ code: number; out: string }> {
  let out = '';
  const io = { stdout: { write: (t: string) => (out += t) }, stderr: { write: (t: string) => (out += t) }, env: { ...env }, now: () => 0, cwd: work };
  const code = await runCli(['verify', ...args, '--json'], io);
  return { code, out };
}

afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('docket verify on a keyed history chain', () => {
  it('names the missing key without it, verifies with the key file or DOCKET_HISTORY_KEY, fails with a wrong secret', async () => {
    const { db, id } = await keyedDatabase();
    const without = await verify([db, id]);
    expect(without.code).toBe(1);
    expect(without.out).toContain('k1');

    const file = join(work, 'key.json');
    writeFileSync(file, JSON.stringify(KEY));
    const withFile = await verify([db, id, '--history-key-file', file]);
    expect(withFile.code).toBe(0);
    expect(JSON.parse(withFile.out)).toMatchObject({ ok: true, reports: [{ ok: true, keyed: true }] });

    const withEnv = await verify([db, id], { DOCKET_HISTORY_KEY: JSON.stringify(KEY) });
    expect(withEnv.code).toBe(0);

    const wrong = await verify([db, id], { DOCKET_HISTORY_KEY: JSON.stringify({ id: 'k1', secret: 'another-secret-of-thirty-two-bytes-long' }) });
    expect(wrong.code).toBe(1);
  });

  it('refuses a key file that is not JSON with exit code 2 and what to give', async () => {
    const { db } = await keyedDatabase();
    const file = join(work, 'bad.json');
    writeFileSync(file, 'k1:secret');
    const bad = await verify([db, '--history-key-file', file]);
    expect(bad.code).toBe(2);
    expect(bad.out).toMatch(/not JSON/);
  });
});
