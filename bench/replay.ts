// The raw driver doing the engine's own writes (workload 2): every write statement the engine sent to
// the driver during the measured acts is recorded, with its parameters and transaction boundaries,
// and replayed by the bare driver on an identical copy of the database taken just before the acts.
// The same rows, B-trees, pages and fsyncs land on both sides; what is left between the two is the
// engine (deciding, hashing, checking, queueing), not the amount of data it keeps.
import Database from 'better-sqlite3';
import { copyFileSync, rmSync } from 'node:fs';
import pg from 'pg';

/**
 * One call the engine made: its SQL text, parameters, and what it changed (SQLite: rows changed;
 * Postgres: the commit function's results), so the replay can show it did the same writes.
 */
export type Call = readonly [text: string, values: readonly unknown[], outcome?: unknown];

/** Records what the engine writes through better-sqlite3 while `recording` is on (install before opening the store). */
export class SqliteRecorder {
  private calls: Call[] | undefined;
  private static installed: SqliteRecorder | undefined;

  constructor() {
    if (SqliteRecorder.installed) return SqliteRecorder.installed;
    SqliteRecorder.installed = this;
    const prepare = Database.prototype.prepare;
    const recorder = this;
    Database.prototype.prepare = function (this: Database.Database, source: string) {
      const statement = prepare.call(this, source);
      // Reads (get/all/iterate) are the engine's own business; only statements that write are replayed,
      // including writes that return rows (the claims' UPDATE … RETURNING: an effect's outcome is then
      // written only under its claim, so a replay without them diverged).
      if (statement.reader) {
        if (!isWrite(source)) return statement;
        for (const method of ['all', 'get'] as const) {
          const read = statement[method];
          (statement as unknown as Record<string, unknown>)[method] = function (this: Database.Statement, ...args: unknown[]) {
            const result = read.apply(this, args as never);
            recorder.calls?.push([source, args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as unknown[])] : args]);
            return result;
          };
        }
        return statement;
      }
      const run = statement.run;
      statement.run = function (this: Database.Statement, ...args: unknown[]) {
        const result = run.apply(this, args as never) as Database.RunResult;
        recorder.calls?.push([source, args.length === 1 && Array.isArray(args[0]) ? [...(args[0] as unknown[])] : args, result.changes]);
        return result;
      } as never;
      return statement;
    } as never;
  }

  start(): void {
    this.calls = [];
  }

  stop(): Call[] {
    const calls = this.calls ?? [];
    this.calls = undefined;
    return calls;
  }
}

/** Copy a SQLite database that another connection has open (its WAL checkpointed into the file first). */
export function copySqlite(from: string, to: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(to + suffix, { force: true });
  const db = new Database(from);
  try {
    const [row] = db.pragma('wal_checkpoint(TRUNCATE)') as { busy: number }[];
    if (row?.busy) throw new Error(`could not checkpoint ${from} to copy it`);
  } finally {
    db.close();
  }
  copyFileSync(from, to);
}

/** Replay `calls` with bare better-sqlite3 on `filename` (WAL, synchronous FULL); calls per second ÷ `per`. */
export function replaySqlite(filename: string, calls: readonly Call[], acts: number): number {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = FULL');
  const statements = new Map<string, Database.Statement>();
  const prepared = calls.map(([text, values]) => {
    let s = statements.get(text);
    if (!s) statements.set(text, (s = db.prepare(text)));
    return [s, values] as const;
  });
  const changes: number[] = new Array(prepared.length);
  const t0 = performance.now();
  for (let i = 0; i < prepared.length; i++) {
    const [statement, values] = prepared[i]!;
    // A write that returns rows (UPDATE … RETURNING) is run the way the engine ran it.
    if (statement.reader) statement.all(values as never);
    else changes[i] = statement.run(values as never).changes;
  }
  const rate = acts / ((performance.now() - t0) / 1000);
  db.close();
  // The same writes: every statement changed as many rows as when the engine ran it.
  const differ = calls.findIndex((c, i) => c[2] !== undefined && c[2] !== changes[i]);
  if (differ >= 0) throw new Error(`replay diverged at statement ${differ} (${calls[differ]![0].slice(0, 60)}): ${changes[differ]} rows changed, the engine changed ${String(calls[differ]![2])}`);
  for (const suffix of ['', '-wal', '-shm']) rmSync(filename + suffix, { force: true });
  return rate;
}

/** A statement that changes data or frames a transaction, a data-modifying CTE, or the store's commit function. */
function isWrite(text: string): boolean {
  return /^\s*(INSERT|UPDATE|DELETE|BEGIN|COMMIT|ROLLBACK|SAVEPOINT|RELEASE|SET|NOTIFY)\b/i.test(text) || (/^\s*WITH\b/i.test(text) && /\b(INSERT|UPDATE|DELETE)\b/i.test(text)) || /\.docket_commit\(/.test(text);
}

/**
 * Records what the engine writes through node-postgres while `recording` is on: data-changing
 * statements, transaction control, and calls of the store's commit function (`docket_commit`, which
 * applies a commit's rows server-side in one round trip).
 */
export class PgRecorder {
  private calls: Call[] | undefined;
  private static installed: PgRecorder | undefined;

  constructor() {
    if (PgRecorder.installed) return PgRecorder.installed;
    PgRecorder.installed = this;
    const query = pg.Client.prototype.query;
    const recorder = this;
    pg.Client.prototype.query = function (this: pg.Client, ...args: unknown[]) {
      const [first, second] = args;
      const text = typeof first === 'string' ? first : (first as { text?: string } | null)?.text;
      if (recorder.calls && typeof text === 'string') {
        if (isWrite(text)) {
          const values = Array.isArray(second) ? second : ((first as { values?: unknown[] }).values ?? []);
          const call: [string, unknown[], unknown] = [text, [...values], undefined];
          recorder.calls.push(call);
          const seen = (res: { rows?: { results?: unknown }[] } | undefined) => void (call[2] = JSON.stringify(res?.rows?.[0]?.results ?? null));
          const last = args[args.length - 1];
          // pool.query calls client.query with a callback; a direct call gets a promise.
          if (typeof last === 'function') {
            args[args.length - 1] = (error: unknown, res: { rows?: { results?: unknown }[] }) => {
              if (!error) seen(res);
              (last as (e: unknown, r: unknown) => void)(error, res);
            };
            return (query as (...a: unknown[]) => unknown).apply(this, args);
          }
          const pending = (query as (...a: unknown[]) => unknown).apply(this, args) as Promise<{ rows?: { results?: unknown }[] }>;
          return pending.then((res) => {
            seen(res);
            return res;
          });
        }
      }
      return (query as (...a: unknown[]) => unknown).apply(this, args);
    } as never;
  }

  start(): void {
    this.calls = [];
  }

  stop(): Call[] {
    const calls = this.calls ?? [];
    this.calls = undefined;
    return calls;
  }
}

/** Copy every table of schema `from` into `to` (which the store has already created, empty) and its sequences' positions. */
export async function copyPgSchema(pool: pg.Pool, from: string, to: string): Promise<void> {
  const tables = await pool.query<{ table_name: string }>(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_type = 'BASE TABLE'`, [from]);
  for (const { table_name: t } of tables.rows) {
    await pool.query(`ALTER TABLE "${to}"."${t}" DISABLE TRIGGER USER`);
    await pool.query(`DELETE FROM "${to}"."${t}"`);
    await pool.query(`INSERT INTO "${to}"."${t}" SELECT * FROM "${from}"."${t}"`);
    await pool.query(`ALTER TABLE "${to}"."${t}" ENABLE TRIGGER USER`);
  }
  const sequences = await pool.query<{ sequence_name: string }>(`SELECT sequence_name FROM information_schema.sequences WHERE sequence_schema = $1`, [from]);
  for (const { sequence_name: s } of sequences.rows) {
    const { rows } = await pool.query<{ last_value: string; is_called: boolean }>(`SELECT last_value, is_called FROM "${from}"."${s}"`);
    await pool.query(`SELECT setval($1, $2, $3)`, [`"${to}"."${s}"`, rows[0]!.last_value, rows[0]!.is_called]);
  }
  await pool.query(`ANALYZE`);
}

/** Replay `calls` (recorded against schema `from`) on schema `to` over one connection, in order; acts per second. */
export async function replayPg(pool: pg.Pool, from: string, to: string, calls: readonly Call[], acts: number): Promise<number> {
  const swap = (text: string) => text.split(`"${from}".`).join(`"${to}".`);
  const prepared = calls.map(([text, values]) => [swap(text), values] as const);
  const client = await pool.connect();
  try {
    const outcomes: string[] = new Array(prepared.length);
    const t0 = performance.now();
    for (let i = 0; i < prepared.length; i++) {
      const res = await client.query(prepared[i]![0], prepared[i]![1] as unknown[]);
      outcomes[i] = JSON.stringify(res.rows?.[0]?.results ?? null);
    }
    const rate = acts / ((performance.now() - t0) / 1000);
    // The same writes: every commit call answered as it answered the engine (each commit ok).
    const differ = calls.findIndex((c, i) => c[2] !== undefined && c[2] !== outcomes[i]);
    if (differ >= 0) throw new Error(`replay diverged at call ${differ}: ${outcomes[differ]}, the engine got ${String(calls[differ]![2])}`);
    return rate;
  } finally {
    client.release();
  }
}
