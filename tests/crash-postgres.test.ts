import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { postgresStore } from '../src/postgres/index.js';
import { runAndKill, verifyAfterCrash } from './helpers/crash-harness.js';
import { dropSchema, PG_URL, requirePostgres, schemaFor } from './helpers/pg-harness.js';

const KILLS = 4;
const available = await requirePostgres('postgres crash test');
let pool: pg.Pool;
beforeAll(() => {
  if (available) pool = new pg.Pool({ connectionString: PG_URL, max: 4 });
});
afterAll(async () => {
  await pool?.end();
});

describe.skipIf(!available)('crash (postgres)', () => {
  it('loses no acknowledged event and fires no timer twice across SIGKILLs (Postgres)', async (ctx) => {
    const schema = schemaFor(ctx.task.name);
    try {
      const log = await runAndKill('postgres', schema, KILLS);
      const store = postgresStore({ pool }, { schema });
      const check = await verifyAfterCrash(
        store,
        log,
        async () => {
          const { rows } = await pool.query(`SELECT instance_id AS id, COUNT(*)::int AS n FROM "${schema}".docket_timers WHERE status = 'fired' GROUP BY instance_id`);
          return new Map(rows.map((r: { id: string; n: number }) => [r.id, r.n]));
        },
        KILLS,
      );
      await store.close();
      console.log(
        `crash (postgres): ${log.kills} kills, ${check.acknowledged} acknowledged sends, ${log.fires.length} timers fired before kills, ` +
          `${check.firedAfterRestart} fired after restart, ${check.instances} instances, ${check.historyEntries} history entries, ` +
          `${check.timerEntries} timer entries, ${check.missing.length} missing, ${check.duplicateTimerEntries} double-fired`,
      );
      expect(log.kills).toBe(KILLS);
      expect(log.errors).toEqual([]);
      expect(check.acknowledged).toBeGreaterThan(50);
      expect(log.fires.length).toBeGreaterThan(0);
      expect(check.missing).toEqual([]);
      expect(check.duplicateTimerEntries).toBe(0);
      expect(check.tableMismatches).toEqual([]);
      expect(check.brokenChains).toBe(0);
      expect(check.stillDue).toBeUndefined();
    } finally {
      await dropSchema(pool, schema);
    }
  });
});
