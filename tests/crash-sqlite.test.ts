import Database from 'better-sqlite3';
import { expect, it } from 'vitest';
import { sqliteStore } from '../src/sqlite/index.js';
import { expectCrashSurvived, runAndKill, verifyAfterCrash } from './helpers/crash-harness.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

const KILLS = 4;

it('loses no acknowledged event and fires no timer twice across SIGKILLs (SQLite, synchronous=FULL)', async (ctx) => {
  const { filename, remove } = sqliteFile(ctx.task.name);
  try {
    const log = await runAndKill('sqlite', filename, KILLS);
    const store = sqliteStore({ filename });
    const check = await verifyAfterCrash(
      store,
      log,
      async () => {
        const db = new Database(filename, { readonly: true });
        const rows = db.prepare(`SELECT instance_id AS id, COUNT(*) AS n FROM docket_timers WHERE status = 'fired' GROUP BY instance_id`).all() as { id: string; n: number }[];
        db.close();
        return new Map(rows.map((r) => [r.id, r.n]));
      },
      KILLS,
    );
    await store.close();
    expectCrashSurvived('sqlite', log, check, KILLS);
    expect(check.historyEntries).toBeGreaterThanOrEqual(check.acknowledged);
  } finally {
    remove();
  }
});
