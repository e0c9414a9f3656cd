import { existsSync } from 'node:fs';
import fc from 'fast-check';
import pg from 'pg';
import { describe, expect, it } from 'vitest';
import { isDocketError } from '../src/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { sqliteStore } from '../src/sqlite/index.js';
import { sqliteFile } from './helpers/sqlite-harness.js';

// The durable stores' own options were never checked: `durability: 'FULL'` ran SQLite with
// synchronous=NORMAL (anything but 'full' was taken as the weaker setting, so a power cut could lose
// acknowledged events), a misspelt key was ignored, a `maxBatch` of 0 hung the process in an endless
// loop at its first write, and a PostgreSQL `maxInFlight` of 0 left every commit waiting for ever.

function refusal(build: () => unknown): { code: string; field: unknown } | 'accepted' {
  try {
    build();
    return 'accepted';
  } catch (error) {
    if (!isDocketError(error)) throw error;
    return { code: error.code, field: error.details.field };
  }
}

describe('sqliteStore options', () => {
  it.each([
    [{ filename: 'x.db', durability: 'FULL' }, 'durability'],
    [{ filename: 'x.db', durability: 'off' }, 'durability'],
    [{ filename: 'x.db', durabilty: 'full' }, 'durabilty'],
    [{ filename: 'x.db', maxBatch: 0 }, 'maxBatch'],
    [{ filename: 'x.db', maxBatch: 1.5 }, 'maxBatch'],
    [{ filename: 'x.db', busyTimeoutMs: -1 }, 'busyTimeoutMs'],
    [{ filename: 'x.db', busyTimeoutMs: Number.NaN }, 'busyTimeoutMs'],
    [{ filename: 'x.db', readonly: 'yes' }, 'readonly'],
    [{ filename: 42 }, 'filename'],
    [{}, 'filename'],
  ])('%j is INVALID_ARGUMENT naming %s, and creates no file', (options, field) => {
    expect(refusal(() => sqliteStore(options as never))).toEqual({ code: 'INVALID_ARGUMENT', field });
    expect(existsSync('x.db')).toBe(false);
  });

  it('property: any options are either refused (INVALID_ARGUMENT naming the field, no file) or run exactly as asked (synchronous, busy_timeout)', async (ctx) => {
    const { filename, remove } = sqliteFile(ctx.task.name);
    const value = fc.oneof(fc.constantFrom('full', 'normal', 'FULL', 'Normal', '', true, 0, 1, -1, 2.5, 5000, null), fc.integer({ min: -10, max: 10_000 }));
    try {
      await fc.assert(
        fc.asyncProperty(fc.record({ durability: value, busyTimeoutMs: value, maxBatch: value }, { requiredKeys: [] }), async (extra) => {
          remove();
          const told = refusal(() => sqliteStore({ filename, ...extra } as never));
          const validDurability = extra.durability === undefined || extra.durability === 'full' || extra.durability === 'normal';
          const whole = (v: unknown, min: number) => v === undefined || (typeof v === 'number' && Number.isSafeInteger(v) && v >= min);
          const valid = validDurability && whole(extra.busyTimeoutMs, 0) && whole(extra.maxBatch, 1);
          if (!valid) {
            expect(told).toMatchObject({ code: 'INVALID_ARGUMENT' });
            expect(existsSync(filename)).toBe(false);
            return;
          }
          expect(told).toBe('accepted');
          const store = sqliteStore({ filename, ...extra } as never);
          const db = store.database();
          expect(db.pragma('synchronous', { simple: true })).toBe(extra.durability === 'normal' ? 1 : 2);
          expect(db.pragma('busy_timeout', { simple: true })).toBe(extra.busyTimeoutMs ?? 5000);
          await store.close();
        }),
        { numRuns: 150 },
      );
    } finally {
      remove();
    }
  });
});

describe('postgresStore options', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/test';
  it.each([
    [{ connectionString: url }, { maxInFlight: 0 }, 'maxInFlight'],
    [{ connectionString: url }, { maxBatch: 0 }, 'maxBatch'],
    [{ connectionString: url }, { maxInflight: 2 }, 'maxInflight'],
    [{ connectionString: url }, { schema: 'a-b' }, 'schema'],
    [{ connectionString: url, max: 0 }, {}, 'max'],
    [{ connectionString: '' }, {}, 'connectionString'],
    [{ connectionstring: url }, {}, 'connectionstring'],
    [{ pool: {} }, {}, 'pool'],
  ])('%j %j is INVALID_ARGUMENT naming %s', (connection, options, field) => {
    expect(refusal(() => postgresStore(connection as never, options as never))).toEqual({ code: 'INVALID_ARGUMENT', field });
  });

  it('accepts a pool, or a connection string with a pool size, and whole positive batch options (nothing connects yet)', async () => {
    const pool = new pg.Pool({ connectionString: url, max: 1 });
    for (const store of [postgresStore({ pool }, { schema: 'x', maxBatch: 1, maxInFlight: 1 }), postgresStore({ connectionString: url, max: 2 })]) await store.close();
    await pool.end();
  });
});
