import type { Pool } from 'pg';
import { DocketError } from '../errors.js';
import { conflict, historyPastHead, timersNotPending } from '../store/commit-rules.js';
import { TIMERS_NOT_PENDING } from './postgres-migrations.js';
import type { Commit } from '../store/store.js';
import { commitBatch } from './postgres-plans.js';
import { answeredNotCommitted, holdConnection, isRaceLost, sqlstate, type HeldConnection } from './postgres-connection.js';

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
      await this.settle(ordered);
    } finally {
      this.inFlight--;
      this.pump();
      if (this.queue.length === 0 && this.inFlight === 0) for (const resolve of this.idlers.splice(0)) resolve();
    }
  }

  /** One `docket_commit` call for `jobs`; settles each job with the truth about its own commit. */
  private async settle(jobs: Job[]): Promise<void> {
    // The call's text is built before anything is sent: data JSON cannot write (a toJSON that throws,
    // a BigInt) fails here, nothing was sent, and only the commit that holds it is refused.
    let p: ReturnType<typeof commitBatch>;
    try {
      p = commitBatch(this.schema, jobs.map((j) => j.commit));
    } catch (error) {
      if (jobs.length > 1) for (const job of jobs) await this.settle([job]);
      else jobs[0]!.reject(invalidPayload(jobs[0]!.commit.instance.id, error));
      return;
    }
    let held: HeldConnection;
    try {
      held = await holdConnection(this.pool);
    } catch (error) {
      // Nothing was sent.
      const failure = notWritten(error);
      for (const job of jobs) job.reject(failure);
      return;
    }
    let outcome: { results: CommitResult[] } | { error: unknown };
    try {
      const res = await held.client.query(p.text, p.values as unknown[]);
      outcome = { results: res.rows[0].results as CommitResult[] };
      held.release();
    } catch (error) {
      outcome = { error };
      // Whatever failed, the connection is not handed back: one the server ended (FATAL) looked
      // reusable to the pool until its socket's end was read, and the next group failed on it.
      held.release(error);
    }
    if ('error' in outcome) {
      const { error } = outcome;
      if (!answeredNotCommitted(error)) {
        // No answer from the server (connection lost, client timeout): the call may have committed.
        const failure = new DocketError(
          'STORE_OUTCOME_UNKNOWN',
          `PostgreSQL did not answer the commit (${error instanceof Error ? error.message : String(error)}); it may or may not have been applied. Reload the instance before acting again, or retry with the same idempotency key.`,
          { cause: error },
        );
        for (const job of jobs) job.reject(failure);
        return;
      }
      const state = sqlstate(error)!;
      // The server refused the call, so its one transaction wrote nothing. A data error comes from
      // one commit's content: apply each commit alone, so only that one fails.
      if (isDataError(state) && jobs.length > 1) {
        for (const job of jobs) await this.settle([job]);
        return;
      }
      // The call lost a race with another transaction (a serialization failure or a deadlock, which a
      // SERIALIZABLE default isolation raises at the call's own commit): nothing was written, and the
      // engine retries each commit on a fresh load, as for a stale revision.
      // A start is not retried by the engine (its CONFLICT means the id is taken): it is told that
      // nothing was written, to retry.
      if (isRaceLost(error)) {
        const why = `PostgreSQL rolled the commit back: it raced another transaction (${error instanceof Error ? error.message : String(error)})`;
        for (const job of jobs) job.reject(job.commit.expectedRevision === 0 ? notWritten(error) : conflict(job.commit.instance.id, `${why}.`));
        return;
      }
      const failure = isDataError(state) ? invalidPayload(jobs[0]!.commit.instance.id, error) : notWritten(error);
      for (const job of jobs) job.reject(failure);
      return;
    }
    const { results } = outcome;
    this.groups++;
    this.writes += jobs.length;
    jobs.forEach((job, i) => {
      const r = results[i];
      const instanceId = job.commit.instance.id;
      if (r?.ok) job.resolve();
      // The history's key taken although the instance row was at the expected revision (and locked):
      // an entry written outside Docket, which every retry would meet again.
      else if (r?.code === 'CONFLICT' && r.sqlstate === '23505' && r.message?.includes('docket_history_pkey')) job.reject(historyPastHead(instanceId, job.commit.history.revision));
      else if (r?.code === 'CONFLICT') job.reject(conflict(instanceId, r.message ?? 'Conflict.'));
      else if (r?.sqlstate === TIMERS_NOT_PENDING) {
        const found = Number(/: (\d+) of \d+ timers/.exec(r.message ?? '')?.[1] ?? 0);
        job.reject(timersNotPending(instanceId, found, job.commit.cancelTimerIds.length));
      }
      else if (r?.sqlstate !== undefined && isDataError(r.sqlstate)) job.reject(invalidPayload(instanceId, new Error(r.message)));
      else
        job.reject(
          new DocketError(
            'STORE_UNAVAILABLE',
            `PostgreSQL refused the commit of instance ${instanceId}: ${r?.message ?? 'no result'} (${r?.sqlstate ?? '?'}). Nothing of it was written.`,
            { instanceId },
          ),
        );
    });
  }
}

/** SQLSTATE class 22 (data exception: U+0000, bad surrogate, bad number) or 54 (value too large for an index). */
function isDataError(state: string): boolean {
  return state.startsWith('22') || state.startsWith('54');
}

function notWritten(error: unknown): DocketError {
  return new DocketError(
    'STORE_UNAVAILABLE',
    `PostgreSQL could not commit (${error instanceof Error ? error.message : String(error)}). Nothing of this commit was written; retry once the database is reachable.`,
    { cause: error },
  );
}

function invalidPayload(instanceId: string, error: unknown): DocketError {
  return new DocketError(
    'INVALID_PAYLOAD',
    `PostgreSQL cannot store the data of this commit of instance ${instanceId} (${error instanceof Error ? error.message : String(error)}). Nothing of it was written; the same data is refused every time, so change it.`,
    { instanceId, cause: error },
  );
}
