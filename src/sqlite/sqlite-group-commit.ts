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

  constructor(
    private readonly db: BetterSqlite3.Database,
    private readonly maxBatch: number,
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
    const outcomes: { ok: boolean; value: unknown }[] = [];
    try {
      this.begin.run();
    } catch (error) {
      for (const job of jobs) job.reject(unavailable(error));
      return;
    }
    if (jobs.length === 1) {
      // A group of one needs no savepoint: on failure the whole transaction is its own to undo.
      const job = jobs[0]!;
      let value: unknown;
      try {
        value = job.run();
      } catch (error) {
        try {
          this.rollback.run();
        } catch {
          // Already rolled back by SQLite itself.
        }
        job.reject(error);
        return;
      }
      try {
        this.commit.run();
      } catch (error) {
        if (this.db.inTransaction) this.rollback.run();
        job.reject(unavailable(error));
        return;
      }
      this.groups++;
      this.writes++;
      job.committed?.(value);
      job.resolve(value);
      return;
    }
    for (const job of jobs) {
      this.savepoint.run();
      try {
        const value = job.run();
        this.release.run();
        outcomes.push({ ok: true, value });
      } catch (error) {
        try {
          this.rollbackTo.run();
          this.release.run();
        } catch {
          // The transaction is gone (disk full, I/O error): the commit below reports it for all.
        }
        outcomes.push({ ok: false, value: error });
      }
    }
    try {
      this.commit.run();
    } catch (error) {
      try {
        if (this.db.inTransaction) this.rollback.run();
      } catch {
        // Nothing more to undo.
      }
      for (const job of jobs) job.reject(unavailable(error));
      return;
    }
    this.groups++;
    this.writes += jobs.length;
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.committed?.(outcome.value);
    });
    jobs.forEach((job, i) => {
      const outcome = outcomes[i]!;
      if (outcome.ok) job.resolve(outcome.value);
      else job.reject(outcome.value);
    });
  }
}

function unavailable(error: unknown): unknown {
  if (isDocketError(error)) return error;
  return new DocketError('STORE_UNAVAILABLE', `The SQLite store could not commit (${error instanceof Error ? error.message : String(error)}). Nothing in this group was written; retry.`, {
    cause: error,
  });
}
