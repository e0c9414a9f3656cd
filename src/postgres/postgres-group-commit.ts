import type { Pool } from 'pg';
import { DocketError } from '../errors.js';
import type { Commit } from '../store/store.js';
import { commitBatch } from './postgres-plans.js';

interface Job {
  readonly commit: Commit;
  readonly resolve: () => void;
  readonly reject: (error: unknown) => void;
}

interface CommitResult {
  readonly ok: boolean;
  readonly code?: 'CONFLICT' | 'ERROR';
  readonly message?: string;
  readonly sqlstate?: string;
}

/**
 * Group commit for PostgreSQL: commits that arrive while a group is in flight wait and then go
 * together, as ONE call of `docket_commit` (one round trip, one transaction, one WAL flush), each in
 * its own subtransaction so a conflicting commit fails alone. A lone commit goes at once, so one
 * client pays one round trip per event. Groups are ordered by instance id (stable, so one
 * instance's commits keep their order) to give every process the same lock order.
 *
 * @example
 * ```ts
 * const group = new PostgresGroupCommit(pool, '"docket"', 256);
 * await group.submit(commit);
 * ```
 */
export class PostgresGroupCommit {
  private queue: Job[] = [];
  private flushing: Promise<void> | undefined;
  /** Transactions committed so far. */
  groups = 0;
  /** Commits carried by those transactions. */
  writes = 0;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly maxBatch: number,
  ) {}

  submit(commit: Commit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ commit, resolve, reject });
      this.flushing ??= this.flush();
    });
  }

  /** Resolves when nothing is queued or in flight. */
  async idle(): Promise<void> {
    while (this.flushing) await this.flushing;
  }

  private async flush(): Promise<void> {
    // Let every commit issued in this same tick join the first group.
    await Promise.resolve();
    try {
      while (this.queue.length > 0) {
        const jobs = this.queue.splice(0, this.maxBatch);
        const ordered = jobs
          .map((job, i) => ({ job, i }))
          .sort((a, b) => (a.job.commit.instance.id < b.job.commit.instance.id ? -1 : a.job.commit.instance.id > b.job.commit.instance.id ? 1 : a.i - b.i))
          .map(({ job }) => job);
        let results: CommitResult[];
        try {
          const p = commitBatch(this.schema, ordered.map((j) => j.commit));
          const res = await this.pool.query(p.text, p.values as unknown[]);
          results = res.rows[0].results as CommitResult[];
        } catch (error) {
          const failure = new DocketError(
            'STORE_UNAVAILABLE',
            `PostgreSQL could not commit (${error instanceof Error ? error.message : String(error)}). Nothing in this group was written; retry.`,
            { cause: error },
          );
          for (const job of ordered) job.reject(failure);
          continue;
        }
        this.groups++;
        this.writes += ordered.length;
        ordered.forEach((job, i) => {
          const r = results[i];
          const instanceId = job.commit.instance.id;
          if (r?.ok) job.resolve();
          else if (r?.code === 'CONFLICT') job.reject(new DocketError('CONFLICT', `${r.message ?? 'Conflict.'} Reload the instance and try again.`, { instanceId }));
          else job.reject(new DocketError('STORE_UNAVAILABLE', `PostgreSQL refused the commit of instance ${instanceId}: ${r?.message ?? 'no result'} (${r?.sqlstate ?? '?'}).`, { instanceId }));
        });
      }
    } finally {
      this.flushing = undefined;
    }
  }
}
