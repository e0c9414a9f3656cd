import type BetterSqlite3 from 'better-sqlite3';
import { DocketError, isDocketError } from '../errors.js';

interface Job {
  readonly run: () => unknown;
  /** Called synchronously right after `COMMIT` returned, before any other code can run. */
  readonly committed: ((value: any) => void) | undefined;
  readonly resolve: (value: any) => void;
  readonly reject: (error: unknown) => void;
}

/**
 * Group commit for SQLite: every write that arrives in the same turn of the event loop (concurrent
 * sends, claims, effect updates) is applied in ONE transaction, each inside its own SAVEPOINT, so a
 * conflicting write rolls back alone while the others land. Promises settle only after `COMMIT`
 * returned, i.e. after the WAL was synced (with `synchronous=FULL`): one fsync for the whole group.
 * Every write is all-or-nothing and each caller learns its own outcome: resolved = durable;
 * `STORE_UNAVAILABLE` (or the write's own DocketError) = nothing of it was written;
 * `STORE_OUTCOME_UNKNOWN` = COMMIT failed in a way that may have landed.
 */
export class SqliteGroupCommit {
  private queue: Job[] = [];
  /** Transactions committed so far. */
  groups = 0;
  /** Writes carried by those transactions. */
  writes = 0;
  private scheduled = false;
  private readonly begin;
  private readonly commit;
  private readonly rollback;
  private readonly savepoint;
  private readonly release;
  private readonly rollbackTo;

  /**
   * @param guard Runs just before each `COMMIT`; throwing a DocketError rolls the group back and
   *   fails its writes with that error (the WAL check of the store uses it).
   */
  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly maxBatch: number,
    private readonly guard?: () => void,
  ) {
    this.begin = db.prepare('BEGIN IMMEDIATE');
    this.commit = db.prepare('COMMIT');
    this.rollback = db.prepare('ROLLBACK');
    this.savepoint = db.prepare('SAVEPOINT docket_write');
    this.release = db.prepare('RELEASE docket_write');
    this.rollbackTo = db.prepare('ROLLBACK TO docket_write');
  }

  /**
   * Queue `run` for the next group; resolves with its result once the group is durable.
   * `committed` runs synchronously just after `COMMIT` (only if this write landed), so what it
   * records cannot interleave with anything else on this connection.
   */
  write<T>(run: () => T, committed?: (value: T) => void): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.queue.push({ run, committed, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        // One event-loop turn: everything queued by the current wave of callers joins this group.
        setImmediate(() => this.flush());
      }
    });
  }

  /** Apply everything queued now (also used by `close()` so nothing queued is dropped). */
  flush(): void {
    this.scheduled = false;
    while (this.queue.length > 0) {
      const jobs = this.queue.splice(0, this.maxBatch);
      this.flushGroup(jobs);
    }
  }

  private flushGroup(jobs: Job[]): void {
    // Each attempt settles every job whose outcome it knows and hands back those that were rolled
    // back through no fault of their own; each round settles at least one job, so this ends.
    let pending = jobs;
    while (pending.length > 0) pending = this.attempt(pending);
  }

  /** Roll the open transaction back, if SQLite has not already done so. */
  private rollbackAll(): void {
    try {
      if (this.db.inTransaction) this.rollback.run();
    } catch {
      // Nothing more to undo.
    }
  }

  /**
   * Run `jobs` in ONE transaction, each in its own savepoint. A job that fails while the transaction
   * survives is rolled back to its savepoint and fails alone. A job whose failure ends the whole
   * transaction (SQLITE_FULL, I/O errors: SQLite rolls everything back) is told that nothing of it
   * was written, and the jobs that had already run in that transaction are returned to be applied
   * again in a fresh one — never continued in a new implicit transaction opened by the next SAVEPOINT.
   */
  private attempt(jobs: Job[]): Job[] {
    try {
      this.begin.run();
    } catch (error) {
      for (const job of jobs) job.reject(notWritten(error));
      return [];
    }
    const applied: { job: Job; value: unknown }[] = [];
    const refused: { job: Job; error: unknown }[] = [];
    const single = jobs.length === 1;
    for (let i = 0; i < jobs.length; i++) {
      const job = jobs[i]!;
      try {
        // A group of one needs no savepoint: on failure the whole transaction is its own to undo.
        if (!single) this.savepoint.run();
        const value = job.run();
        if (!single) this.release.run();
        applied.push({ job, value });
      } catch (error) {
        let alive = this.db.inTransaction;
        if (alive && !single) {
          try {
            this.rollbackTo.run();
            this.release.run();
          } catch {
            alive = false;
          }
        }
        if (alive && !single) {
          refused.push({ job, error: notWritten(error) });
          continue;
        }
        // The transaction is gone (or, for a group of one, is this job's alone): undo what is left.
        this.rollbackAll();
        job.reject(notWritten(error));
        for (const r of refused) r.job.reject(r.error);
        return [...applied.map((a) => a.job), ...jobs.slice(i + 1)];
      }
    }
    try {
      this.guard?.();
      if (!this.db.inTransaction) throw new Error('the transaction ended before COMMIT');
      this.commit.run();
    } catch (error) {
      // Still open: roll back, nothing landed. Ended by SQLite on SQLITE_FULL: nothing landed (the
      // commit frame was never written). Any other failure of COMMIT itself may have landed.
      const open = this.db.inTransaction;
      this.rollbackAll();
      const known = open || isDocketError(error) || sqliteCode(error) === 'SQLITE_FULL' || !(error as { code?: unknown })?.code;
      for (const a of applied) a.job.reject(known ? notWritten(error) : outcomeUnknown(error));
      for (const r of refused) r.job.reject(r.error);
      return [];
    }
    this.groups++;
    this.writes += jobs.length;
    for (const a of applied) a.job.committed?.(a.value);
    for (const a of applied) a.job.resolve(a.value);
    for (const r of refused) r.job.reject(r.error);
    return [];
  }
}

function sqliteCode(error: unknown): string | undefined {
  const code = (error as { code?: unknown })?.code;
  return typeof code === 'string' ? code : undefined;
}

/** The job's own typed refusal, or: SQLite failed it and nothing of it was written (retry may help). */
function notWritten(error: unknown): unknown {
  if (isDocketError(error)) return error;
  return new DocketError(
    'STORE_UNAVAILABLE',
    `The SQLite store could not apply this write (${error instanceof Error ? error.message : String(error)}); nothing of it was written. Retry once the cause is fixed (disk space, permissions).`,
    { cause: error, sqliteCode: sqliteCode(error) },
  );
}

/** COMMIT itself failed in a way that may or may not have made the group durable. */
function outcomeUnknown(error: unknown): DocketError {
  return new DocketError(
    'STORE_OUTCOME_UNKNOWN',
    `The SQLite store failed while committing (${error instanceof Error ? error.message : String(error)}) and cannot tell whether this write landed. Reload the instance before acting again, or retry with the same idempotency key.`,
    { cause: error, sqliteCode: sqliteCode(error) },
  );
}
