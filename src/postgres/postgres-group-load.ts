/**
 * Group load for PostgreSQL: `loadWithHead` calls that arrive together go as ONE statement
 * (`WHERE id = ANY($1)`), the read-side twin of {@link PostgresGroupCommit}. Every act that loads from
 * the store (a timer firing always does, to check the claimed timer against the history head) paid a
 * statement of its own: 32 firings in flight were 32 statements, each its own parse, plan, execute
 * and round trip on a database that shares the host's cores. Up to `maxInFlight` statements run at
 * once; loads that arrive while every slot is busy wait and then go together. A lone load goes at once
 * (after one microtask), so one client pays one round trip, as before.
 *
 * What a caller gets is what its own statement would have read: the rows of one statement are one
 * snapshot, taken after the caller asked (a load never joins a statement already sent), and an id
 * asked twice in one group gets the same row. Nothing is cached between groups.
 *
 * @internal
 */
export class PostgresGroupLoad<T> {
  private queue: { readonly id: string; readonly resolve: (row: T | undefined) => void; readonly reject: (error: unknown) => void }[] = [];
  private inFlight = 0;
  private scheduled = false;

  /**
   * @param run - Runs one statement for the given distinct ids; resolves with the rows that exist.
   * @param idOf - The instance id of a row.
   * @param maxBatch - The most ids one statement carries.
   * @param maxInFlight - The most statements running at once.
   */
  constructor(
    private readonly run: (ids: readonly string[]) => Promise<readonly T[]>,
    private readonly idOf: (row: T) => string,
    private readonly maxBatch: number,
    private readonly maxInFlight: number,
  ) {}

  /** The row of `id`, or undefined when there is none; rejects with the statement's error. */
  load(id: string): Promise<T | undefined> {
    return new Promise<T | undefined>((resolve, reject) => {
      this.queue.push({ id, resolve, reject });
      this.pump();
    });
  }

  private pump(): void {
    if (this.scheduled || this.queue.length === 0 || this.inFlight >= this.maxInFlight) return;
    this.scheduled = true;
    // Let every load issued in this same tick join the group.
    queueMicrotask(() => {
      this.scheduled = false;
      while (this.queue.length > 0 && this.inFlight < this.maxInFlight) void this.send(this.takeBatch());
    });
  }

  /** Up to `maxBatch` distinct ids from the head of the queue, with every job asking for them. */
  private takeBatch(): typeof this.queue {
    const ids = new Set<string>();
    let n = 0;
    while (n < this.queue.length) {
      const id = this.queue[n]!.id;
      if (!ids.has(id)) {
        if (ids.size === this.maxBatch) break;
        ids.add(id);
      }
      n++;
    }
    return this.queue.splice(0, n);
  }

  private async send(jobs: typeof this.queue): Promise<void> {
    this.inFlight++;
    try {
      const ids = [...new Set(jobs.map((j) => j.id))];
      let rows: readonly T[];
      try {
        rows = await this.run(ids);
      } catch (error) {
        for (const job of jobs) job.reject(error);
        return;
      }
      const byId = new Map<string, T>();
      for (const row of rows) byId.set(this.idOf(row), row);
      for (const job of jobs) job.resolve(byId.get(job.id));
    } finally {
      this.inFlight--;
      this.pump();
    }
  }
}
