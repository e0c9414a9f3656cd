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
 * Group commit for PostgreSQL: commits that arrive together go as ONE call of `docket_commit` (one
 * round trip, one transaction, one WAL flush), each in its own subtransaction so a conflicting commit
 * fails alone. Up to `maxInFlight` groups run at once, each on its own pooled connection, so a slow
 * flush does not hold everyone else back and Postgres' own WAL group flush joins the concurrent
 * transactions; commits that arrive while every slot is busy wait and then go together. A lone
 * commit goes at once (after one microtask), so one client pays one round trip per event. Groups are
 * ordered by instance id (stable, so one instance's commits keep their order) to give every process
 * and every concurrent group the same lock order; two concurrent groups touching one instance are
 * still safe, because the second one's revision check fails (CONFLICT, and the engine retries).
 */
export class PostgresGroupCommit {
  private queue: Job[] = [];
  private inFlight = 0;
  private scheduled = false;
  private idlers: (() => void)[] = [];
  /** Transactions committed so far. */
  groups = 0;
  /** Commits carried by those transactions. */
  writes = 0;

  constructor(
    private readonly pool: Pool,
    private readonly schema: string,
    private readonly maxBatch: number,
    private readonly maxInFlight = 4,
  ) {}

  submit(commit: Commit): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ commit, resolve, reject });
      this.pump();
    });
  }

  /** Resolves when nothing is queued or in flight. */
  idle(): Promise<void> {
    if (this.queue.length === 0 && this.inFlight === 0) return Promise.resolve();
    return new Promise((resolve) => this.idlers.push(resolve));
  }

  private pump(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // Let every commit issued in this same tick join the group.
    queueMicrotask(() => {
      this.scheduled = false;
      while (this.queue.length > 0 && this.inFlight < this.maxInFlight) void this.send(this.queue.splice(0, this.maxBatch));
    });
  }

  private async send(jobs: Job[]): Promise<void> {
    this.inFlight++;
    try {
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
        return;
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
    } finally {
      this.inFlight--;
      this.pump();
      if (this.queue.length === 0 && this.inFlight === 0) for (const resolve of this.idlers.splice(0)) resolve();
    }
  }
}
