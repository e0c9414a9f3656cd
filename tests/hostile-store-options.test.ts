// Hostile values for the durable stores' options are refused when the store is made, as
// INVALID_ARGUMENT naming the option, with nothing opened or written. Before:
// - sqliteStore({ filename: 'a\u0000b' }) created the file 'a' (SQLite reads a path up to its NUL)
//   and then init() failed with a raw TypeError; a lone surrogate opened a file named with U+FFFD;
//   '' opened a temporary database deleted at close (every instance lost, silently); 'x.db ' opened
//   'x.db' (better-sqlite3 trims the path), while Docket looked for 'x.db -wal' beside it.
// - sqliteStore({ busyTimeoutMs: 2 ** 31 }) ran with busy_timeout 0: SQLite keeps it in 32 bits.
// - postgresStore's schema shown with String(): Object.create(null) or a throwing toString was a raw
//   TypeError; 'pg_catalog' (reserved) failed at init() as STORE_UNAVAILABLE, "retry once the
//   database is reachable"; 'information_schema' put Docket's tables among the system views.
// - postgresStore({ connectionString: 'x' | ' ' | 'mysql://x' | '…:99999/db' }) was accepted and
//   failed at init() as the transient STORE_UNAVAILABLE (pg read 'x' as a path under postgres://base).
import { mkdirSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isDocketError } from '../src/index.js';
import { postgresStore } from '../src/postgres/index.js';
import { sqliteStore } from '../src/sqlite/index.js';

function refusal(build: () => unknown): { code: string; field: unknown } | 'accepted' {
  try {
    build();
    return 'accepted';
  } catch (error) {
    if (!isDocketError(error)) throw error;
    return { code: error.code, field: error.details.field };
  }
}

const dir = join(tmpdir(), `docket-hostile-store-${process.pid}`);
beforeEach(() => mkdirSync(dir, { recursive: true }));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

/** What making the store and init() left: the refusal (or 'accepted'), and the files in `dir`. */
async function sqliteAttempt(filename: string): Promise<{ told: unknown; files: string[] }> {
  let told: unknown = 'accepted';
  try {
    const store = sqliteStore({ filename });
    try {
      await store.init();
    } finally {
      await store.close();
    }
  } catch (error) {
    told = isDocketError(error) ? { code: error.code, field: error.details.field } : error;
  }
  return { told, files: readdirSync(dir) };
}

describe('sqliteStore: a filename SQLite would read as another one is refused, nothing created', () => {
  it.each([
    ['NUL inside', 'a\u0000b'],
    ['NUL only', '\u0000'],
    ['lone surrogate', 'x\ud800.db'],
    // better-sqlite3 trims the path: ' x ' opened ' x' (the dir's name comes first, so only the end is cut).
    ['white space at the end', 'x.db '],
  ])('%s', async (_what, name) => {
    expect(await sqliteAttempt(join(dir, name))).toEqual({ told: { code: 'INVALID_ARGUMENT', field: 'filename' }, files: [] });
  });

  it.each([[''], [' '], ['\t\n']])('a blank filename %j (a temporary database, deleted at close) is refused', (name) => {
    expect(refusal(() => sqliteStore({ filename: name }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'filename' });
  });

  it.each([[2 ** 31], [2 ** 32], [Number.MAX_SAFE_INTEGER]])('busyTimeoutMs %d, which SQLite would keep as 0, is refused', (ms) => {
    expect(refusal(() => sqliteStore({ filename: ':memory:', busyTimeoutMs: ms }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'busyTimeoutMs' });
  });

  it('the largest busyTimeoutMs SQLite keeps is kept as given', async () => {
    const store = sqliteStore({ filename: ':memory:', busyTimeoutMs: 2 ** 31 - 1 });
    await store.init();
    expect(store.database().pragma('busy_timeout', { simple: true })).toBe(2 ** 31 - 1);
    await store.close();
  });

  it('property: a filename is refused (INVALID_ARGUMENT naming it, no file) or opens exactly the file it names', async () => {
    const name = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 12 }),
      fc.string({ maxLength: 12 }),
      fc.constantFrom('', ' ', '\u0000', 'a\u0000', '\ud800', '\udc00x', '😀', 'é.db', '-', ' x '),
    ).map((s) => s.replace(/\//g, '_'));
    await fc.assert(
      fc.asyncProperty(name, async (n) => {
        rmSync(dir, { recursive: true, force: true });
        mkdirSync(dir, { recursive: true });
        const { told, files } = await sqliteAttempt(join(dir, n));
        if (told === 'accepted') {
          expect(files).toContain(n);
          return;
        }
        expect(told).toMatchObject({ code: expect.any(String) });
        if ((told as { code: string }).code === 'INVALID_ARGUMENT') {
          expect(told).toEqual({ code: 'INVALID_ARGUMENT', field: 'filename' });
          expect(files).toEqual([]);
        }
      }),
      { numRuns: 100 },
    );
  });
});

describe('postgresStore: a schema or connection string it cannot use is refused when made', () => {
  const url = 'postgres://postgres@127.0.0.1:5432/test';
  const throwing = { toString: () => { throw new Error('boom'); } };
  it.each([
    ['an object without toString', Object.create(null)],
    ['a throwing toString', throwing],
    ['pg_catalog (reserved)', 'pg_catalog'],
    ['pg_temp (reserved)', 'pg_temp'],
    ['information_schema (the catalog views)', 'information_schema'],
  ])('schema: %s', (_what, schema) => {
    expect(refusal(() => postgresStore({ connectionString: url }, { schema }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'schema' });
  });

  it.each([['x'], [' '], ['mysql://x'], ['localhost:5432'], ['postgres://postgres@127.0.0.1:99999/test'], ['postgres://h/\u0000db']])('connectionString %j', (connectionString) => {
    expect(refusal(() => postgresStore({ connectionString }))).toEqual({ code: 'INVALID_ARGUMENT', field: 'connectionString' });
  });

  it('the refusal of a connection string never shows it (it may hold a password)', () => {
    try {
      postgresStore({ connectionString: 'postgres://u:s3cret@h:99999/db' });
      expect.unreachable();
    } catch (error) {
      expect((error as Error).message).not.toContain('s3cret');
    }
  });

  it.each([[url], ['postgresql://u:p%40ss@host/db'], ['postgres://user@/db'], ['socket:/var/run/postgresql?db=test'], ['/var/run/postgresql test'], ['postgres://h/my db']])('accepts %j (nothing connects yet)', async (connectionString) => {
    const store = postgresStore({ connectionString }, { schema: 'PG_upper_is_not_reserved' });
    await store.close();
  });

  it('property: any schema value is accepted exactly when it is a plain identifier PostgreSQL does not reserve, else refused naming schema', () => {
    fc.assert(
      fc.property(fc.oneof(fc.anything(), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_]{0,70}$/), fc.constantFrom('pg_x', 'pg_', 'information_schema', 'docket', '1a', 'a b')), (schema) => {
        if (schema === undefined) return;
        const ok = typeof schema === 'string' && /^[A-Za-z_][A-Za-z0-9_]{0,62}$/.test(schema) && !schema.startsWith('pg_') && schema !== 'information_schema';
        const told = refusal(() => postgresStore({ connectionString: url }, { schema: schema as string }));
        if (ok) expect(told).toBe('accepted');
        else expect(told).toEqual({ code: 'INVALID_ARGUMENT', field: 'schema' });
      }),
      { numRuns: 500 },
    );
  });
});
