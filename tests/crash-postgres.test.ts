import pg from 'pg';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { postgresStore } from '../src/postgres/index.js';
import { expectCrashSurvived, runAndKill, verifyAfterCrash } from './helpers/crash-harness.js';
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
      expectCrashSurvived('postgres', log, check, KILLS);
    } finally {
      await dropSchema(pool, schema);
    }
  });
});
