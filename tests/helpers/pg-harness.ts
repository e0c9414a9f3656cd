import pg from 'pg';
import { describe, it } from 'vitest';
import { postgresStore } from '../../src/postgres/index.js';
import type { StoreUnderTest } from '../store-conformance.js';
import { slug } from './records.js';

/** The test database (DEVELOPERS.md): override with DOCKET_PG_URL. */
export const PG_URL = process.env.DOCKET_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

/** In CI (or when asked), an unreachable Postgres fails the run instead of skipping it. */
export const pgRequired = process.env.CI === 'true' || process.env.DOCKET_REQUIRE_PG === '1';

/** Whether Postgres answers, and if not, why. */
export async function probePostgres(): Promise<{ readonly ok: true } | { readonly ok: false; readonly reason: string }> {
  const client = new pg.Client({ connectionString: PG_URL, connectionTimeoutMillis: 3000 });
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { ok: true };
  } catch (error) {
    return { ok: false, reason: `${PG_URL} is unreachable (${error instanceof Error ? error.message || error.name : String(error)})` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Probe once per test file. Unreachable: say so plainly and skip, or — in CI / with
 * DOCKET_REQUIRE_PG=1 — register a failing test so a skipped Postgres suite can never pass CI.
 */
export async function requirePostgres(suite: string): Promise<boolean> {
  const probe = await probePostgres();
  if (probe.ok) return true;
  if (pgRequired) {
    describe(`${suite} (Postgres required)`, () => {
      it('reaches Postgres', () => {
        throw new Error(`Postgres is required here (CI=true or DOCKET_REQUIRE_PG=1) but ${probe.reason}. Start it: see DEVELOPERS.md.`);
      });
    });
  } else {
    console.log(`Postgres tests skipped: ${probe.reason}. Start Postgres (see DEVELOPERS.md) or set DOCKET_PG_URL to run them.`);
  }
  return false;
}

/** A schema name for one test, from the test's name. */
export function schemaFor(testName: string): string {
  return `t_${slug(testName, 36)}`;
}

export async function dropSchema(pool: pg.Pool, schema: string): Promise<void> {
  await pool.query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
}

/** A fresh schema for one test on a shared pool; dropped afterwards. */
export function postgresFactory(pool: () => pg.Pool) {
  return async (testName: string): Promise<StoreUnderTest> => {
    const schema = schemaFor(testName);
    return {
      store: postgresStore({ pool: pool() }, { schema }),
      reopen: async () => postgresStore({ pool: pool() }, { schema }),
      corrupt: async (instanceId, how) => {
        const sql =
          how === 'unparsable'
            ? `UPDATE "${schema}".docket_instances SET snapshot = '"garbage"'::json WHERE id = $1`
            : `UPDATE "${schema}".docket_instances SET row_format = 99 WHERE id = $1`;
        await pool().query(sql, [instanceId]);
      },
      cleanup: () => dropSchema(pool(), schema),
    };
  };
}

/**
 * Patch every client `pool` hands out (its own `pool.query` included, which checks out with a
 * callback): `patch` wraps the client's `query`.
 */
export function patchClients(pool: pg.Pool, patch: (query: (text: string, values?: unknown[]) => Promise<unknown>, client: pg.PoolClient) => (text: string, values?: unknown[]) => Promise<unknown>): void {
  const patched = new WeakSet<object>();
  const apply = (client: pg.PoolClient | undefined) => {
    if (!client || patched.has(client)) return;
    patched.add(client);
    const query = client.query.bind(client) as (text: string, values?: unknown[]) => Promise<unknown>;
    const wrapped = patch(query, client);
    (client as unknown as { query: unknown }).query = (text: unknown, values?: unknown, callback?: unknown) => {
      // pg-pool's own pool.query passes a callback.
      const cb = typeof values === 'function' ? values : callback;
      const vals = typeof values === 'function' ? undefined : (values as unknown[] | undefined);
      const out = typeof text === 'string' ? wrapped(text, vals) : query(text as never, vals);
      if (typeof cb !== 'function') return out;
      out.then((res) => (cb as (e: unknown, r?: unknown) => void)(undefined, res), (error: unknown) => (cb as (e: unknown) => void)(error));
      return undefined;
    };
  };
  const connect = pool.connect.bind(pool) as (cb?: (err: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void) => Promise<pg.PoolClient> | undefined;
  (pool as unknown as { connect: unknown }).connect = (cb?: (err: Error | undefined, client: pg.PoolClient | undefined, done: () => void) => void) => {
    if (typeof cb === 'function') {
      connect((err, client, done) => {
        apply(client);
        cb(err, client, done);
      });
      return undefined;
    }
    return connect()!.then((client) => {
      apply(client);
      return client;
    });
  };
}
