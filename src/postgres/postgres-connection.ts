import type { Client, ClientBase, Pool, PoolClient } from 'pg';
import { DocketError, isDocketError } from '../errors.js';

/**
 * A pooled connection Docket checks out and holds across awaits: a group commit's call, a retention
 * or migration transaction, the `LISTEN` connection. Every such checkout goes through
 * {@link holdConnection}, the one place that knows two facts of `pg` and `pg-pool`:
 *
 * - A connection lost while checked out (`pg_terminate_backend`, a failover, a restart: FATAL 57P01
 *   or a closed socket) is emitted as an `'error'` event on the client, and a checked-out client has
 *   no listener of the pool's: Node ended the whole process on it. Here a listener is attached for
 *   as long as the connection is held.
 * - A client whose server ended it with an error answer (FATAL) still looks reusable to the pool
 *   until its socket's end is read. Handed back without the error, the next commit was queued on the
 *   dead connection and failed with "Connection terminated unexpectedly", so its caller was told
 *   `STORE_OUTCOME_UNKNOWN` for a write never sent (or the process ended, as above). Here a
 *   connection on which anything failed is destroyed, never handed back (as `pool.query` does).
 */
export interface HeldConnection {
  readonly client: PoolClient;
  /** Hand the connection back to the pool; destroyed instead when `failure` is given or it was lost while held. */
  release(failure?: unknown): void;
}

/**
 * The error listener a held connection carries: records the first loss and tells `onLost` once. The
 * listener is also what keeps pg's 'error' event from ending the process.
 */
function watchLoss(client: ClientBase, onLost: ((error: unknown) => void) | undefined): { readonly listener: (error: unknown) => void; lost(): unknown } {
  let lost: unknown;
  const listener = (error: unknown) => {
    if (lost !== undefined) return;
    lost = error ?? new Error('The PostgreSQL connection was lost.');
    onLost?.(lost);
  };
  client.on('error', listener);
  return { listener, lost: () => lost };
}

/**
 * Check a connection out of `pool` and hold it (see {@link HeldConnection}). `onLost` is called once
 * if the connection is lost while held. A failed connect rejects with the driver's error: nothing was
 * sent.
 */
export async function holdConnection(pool: Pool, onLost?: (error: unknown) => void): Promise<HeldConnection> {
  const client = await pool.connect();
  const watch = watchLoss(client, onLost);
  let released = false;
  return {
    client,
    release(failure?: unknown) {
      if (released) return;
      released = true;
      client.removeListener('error', watch.listener);
      const broken = failure ?? watch.lost();
      client.release(broken === undefined ? undefined : broken instanceof Error ? broken : new Error(String(broken)));
    },
  };
}

/**
 * A connection of its own, outside any pool (the `LISTEN` connection): held like a pooled one (an
 * error listener for as long as it is held, `onLost` called once if it is lost), and closed on
 * release; a broken one is not waited for. `make` builds the unconnected client.
 */
export async function holdOwnConnection(make: () => Client, onLost?: (error: unknown) => void): Promise<{ readonly client: Client; release(failure?: unknown): Promise<void> }> {
  const client = make();
  const watch = watchLoss(client, onLost);
  let released = false;
  try {
    await client.connect();
  } catch (error) {
    client.removeListener('error', watch.listener);
    void client.end().catch(() => undefined);
    throw error;
  }
  return {
    client,
    async release(failure?: unknown) {
      if (released) return;
      released = true;
      // Errors while it closes are nobody's concern now, but must not reach the process.
      client.removeListener('error', watch.listener);
      client.on('error', () => undefined);
      const ending = client.end().catch(() => undefined);
      // A lost connection may never report its end: not waited for.
      if ((failure ?? watch.lost()) === undefined) await ending;
    },
  };
}

/**
 * The SQLSTATE of an error the server sent, or undefined when the error is not an answer from the
 * server (the connection was lost, a client-side timeout): then a statement sent may have run.
 */
export function sqlstate(error: unknown): string | undefined {
  const e = error as { code?: unknown; severity?: unknown } | null;
  return e && typeof e.code === 'string' && typeof e.severity === 'string' ? e.code : undefined;
}

/**
 * Whether the server answered a statement with an error that ended its transaction without
 * committing it: any error it sent (ERROR, or FATAL when the backend was told to terminate, as by
 * `pg_terminate_backend`: the server acts on that only outside its commit, and reports it then by
 * closing the connection without a message) except PANIC, which is the server crashing, perhaps
 * while it committed. Anything else (no answer: a lost connection, a client-side timeout) leaves the
 * outcome of a statement that was sent unknown.
 */
export function answeredNotCommitted(error: unknown): boolean {
  return sqlstate(error) !== undefined && (error as { severity?: unknown }).severity !== 'PANIC';
}

/**
 * Whether the server rolled the statement's transaction back because it raced another one
 * (SQLSTATE 40001 serialization failure, 40P01 deadlock): nothing of it was written, and the same
 * work on a fresh read is expected to succeed. Under the default READ COMMITTED isolation Docket's
 * statements meet neither outside its commit function's subtransactions (where they are a commit's
 * CONFLICT); a database whose `default_transaction_isolation` is SERIALIZABLE can raise them anywhere.
 */
export function isRaceLost(error: unknown): boolean {
  const state = sqlstate(error);
  return state === '40001' || state === '40P01';
}

/** Most times a single statement that lost a race ({@link isRaceLost}) is sent again before giving up. */
export const RACE_RETRIES = 5;

/**
 * Run `fn` in one transaction on a held connection (retention, migrations). The answer is the truth
 * about the transaction: a failure before `COMMIT` was sent rolled everything back
 * (`STORE_UNAVAILABLE`, or the DocketError `fn` threw); a `COMMIT` the server refused wrote nothing
 * either; a `COMMIT` whose answer never came (the connection dropped after sending it) may have
 * landed: `STORE_OUTCOME_UNKNOWN`, so the caller looks before acting again.
 */
export async function inTransaction<T>(pool: Pool, what: string, fn: (client: PoolClient) => Promise<T>): Promise<T> {
  let held: HeldConnection;
  try {
    held = await holdConnection(pool);
  } catch (error) {
    throw notWritten(error, what);
  }
  const { client } = held;
  let out: T;
  try {
    await client.query('BEGIN');
    out = await fn(client);
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    held.release(error);
    throw notWritten(error, what);
  }
  try {
    await client.query('COMMIT');
  } catch (error) {
    held.release(error);
    if (answeredNotCommitted(error)) throw notWritten(error, what);
    throw new DocketError(
      'STORE_OUTCOME_UNKNOWN',
      `PostgreSQL did not answer the COMMIT of ${what} (${error instanceof Error ? error.message : String(error)}); it may or may not have been applied. Look before acting again (the ${what} of the same instances is safe to repeat: what was done is not done twice).`,
      { cause: error },
    );
  }
  held.release();
  return out;
}

/** A failure that wrote nothing (a DocketError passes through as it is). */
export function notWritten(error: unknown, what: string): unknown {
  if (isDocketError(error)) return error;
  return new DocketError('STORE_UNAVAILABLE', `PostgreSQL ${what} failed: ${error instanceof Error ? error.message : String(error)}. Nothing of it was written; retry once the database is reachable.`, {
    cause: error,
  });
}

/** Whether a single statement only reads, or may write (see {@link runStatement}). */
export type StatementKind = 'read' | { readonly writes: string };

/**
 * One statement on the pool, outside any transaction of Docket's (autocommit: the statement is its
 * own transaction), and the truth about it: the one place every single statement of the store and
 * its retention goes through.
 *
 * - No connection could be had: nothing was sent, `STORE_UNAVAILABLE`.
 * - The statement lost a race ({@link isRaceLost}: rolled back, nothing of it written): sent again,
 *   at most {@link RACE_RETRIES} more times. Under a SERIALIZABLE default isolation even a load can
 *   be cancelled that way ("could not serialize access … during read"), which failed an engine act
 *   with STORE_UNAVAILABLE.
 * - The server answered with an error ({@link answeredNotCommitted}): it ran nothing of it,
 *   `STORE_UNAVAILABLE`.
 * - No answer (the connection was lost after the statement was sent, a client-side timeout): a read
 *   changed nothing, `STORE_UNAVAILABLE`; a statement that writes (`{ writes }`, saying what is safe
 *   to do next) may have committed, `STORE_OUTCOME_UNKNOWN`. Every such write used to be told
 *   "not written" (a claim, a release, an effect's outcome, a refusal) though it may have landed.
 *
 * The connection is held through {@link holdConnection}, so one on which anything failed is
 * destroyed, never handed back.
 */
export async function runStatement(
  pool: Pool,
  p: { readonly text: string; readonly values: readonly unknown[] },
  what: string,
  kind: StatementKind,
): Promise<{ rows: unknown[]; rowCount: number | null }> {
  for (let attempt = 0; ; attempt++) {
    let held: HeldConnection;
    try {
      held = await holdConnection(pool);
    } catch (error) {
      throw statementFailed(error, what, kind);
    }
    try {
      const res = await held.client.query(p.text, p.values as unknown[]);
      held.release();
      return res;
    } catch (error) {
      held.release(error);
      if (isRaceLost(error) && attempt < RACE_RETRIES) continue;
      if (kind === 'read' || answeredNotCommitted(error)) throw statementFailed(error, what, kind);
      throw new DocketError(
        'STORE_OUTCOME_UNKNOWN',
        `PostgreSQL did not answer the ${what} (${error instanceof Error ? error.message : String(error)}); it may or may not have been applied. ${kind.writes}`,
        { cause: error },
      );
    }
  }
}

/** A single statement that ran nothing (a DocketError passes through as it is). */
function statementFailed(error: unknown, what: string, kind: StatementKind): unknown {
  if (isDocketError(error)) return error;
  return new DocketError(
    'STORE_UNAVAILABLE',
    `PostgreSQL ${what} failed: ${error instanceof Error ? error.message : String(error)}. ${kind === 'read' ? 'Nothing was read' : 'Nothing of it was written'}; retry once the database is reachable.`,
    { cause: error },
  );
}
