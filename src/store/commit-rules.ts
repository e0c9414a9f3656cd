import { DocketError } from '../errors.js';
import { checkCommit } from './payload-rules.js';
import type { TaskRecord } from './records.js';
import type { Commit } from './store.js';
import { copyWith } from './copy-with.js';

/**
 * How every store applies a {@link Commit}, the same in memory, SQLite and PostgreSQL (and in any
 * store added later). A store restates none of it: it calls these functions, or (PostgreSQL's
 * `docket_commit` function, which runs on the server) raises the same sentences.
 *
 * 1. Before the commit is queued or a transaction opens: {@link checkCommitRules} — the payload
 *    rules (`INVALID_ARGUMENT`, `INVALID_PAYLOAD`) and the one-revision step (`INVALID_ARGUMENT`).
 *    A commit refused here never fails another commit of its group.
 * 2. Inside the transaction, in this order, each failure a `CONFLICT` ({@link conflict}) that writes
 *    nothing of the commit: the revision check ({@link checkRevision}: `expectedRevision` 0 creates
 *    an absent instance, any other value must equal the stored revision); the delivered timer
 *    (`firesTimer`) is still pending; the idempotency key is unused for the instance; the history
 *    revision is not stored yet (else {@link historyPastHead}: an entry is there only when written
 *    outside Docket); every timer of `cancelTimerIds` is pending (else {@link timersNotPending}: the
 *    ids come from the instance's own list, so only an edit outside Docket leaves one not pending; a
 *    SQL store may check this as it cancels, by the rows changed, since a failure undoes the commit).
 * 3. Then everything, all or nothing: the instance row, the history entry, the delivered timer
 *    becomes `fired` (its lease cleared), `cancelTimerIds` become `cancelled` (before `addTimers` are
 *    added), the effects, the tasks (replaced when present; an empty list
 *    clears the instance's inbox), the idempotency record.
 */

/**
 * Throws `INVALID_ARGUMENT` / `INVALID_PAYLOAD` for a commit no store accepts, whatever is stored:
 * a bad instance id, actor id or idempotency key, an unstorable string (see `checkCommit` in
 * `payload-rules.ts`), or an instance that does not advance by exactly one revision
 * (`instance.revision === expectedRevision + 1 === history.revision`). Nothing is written.
 */
export function checkCommitRules(c: Commit): void {
  checkCommit(c);
  const id = c.instance.id;
  if (c.instance.revision !== c.expectedRevision + 1 || c.history.revision !== c.instance.revision) {
    throw new DocketError('INVALID_ARGUMENT', `A commit must advance instance ${id} by exactly one revision.`, { instanceId: id });
  }
}

/**
 * The tasks a commit stores, each stamped with its instance's tenant (when the instance has one), so
 * an inbox row says whose it is. Undefined when the commit leaves the inbox as it is.
 */
export function tasksOf(c: Commit): readonly TaskRecord[] | undefined {
  const tenant = c.instance.tenant;
  if (!c.tasks || tenant === undefined) return c.tasks;
  return c.tasks.map((t) => (t.tenant === tenant ? t : copyWith(t, { tenant })));
}

/** The `CONFLICT` a store throws when another writer won: `reason` says what it found. */
export function conflict(instanceId: string, reason: string): DocketError {
  return new DocketError('CONFLICT', `${reason} Reload the instance and try again.`, { instanceId });
}

/** The sentences of each `CONFLICT` (PostgreSQL's `docket_commit` raises the same ones). */
export const conflictReason = {
  /** `expectedRevision` 0, but the instance exists. */
  exists: (instanceId: string) => `Instance ${instanceId} already exists: another writer created it first.`,
  /**
   * `expectedRevision` 0, but the id belongs to an archived or purged instance: an id names one
   * instance for good (checked inside the store's own write, so a concurrent archive cannot slip
   * between a check and the create).
   */
  retained: (instanceId: string) =>
    `Instance ${instanceId} already exists: it finished and was archived or purged, and an id is never reused. Start with another id (or none).`,
  /** The stored revision (0: no such instance) is not the expected one. */
  stale: (instanceId: string, stored: number, expected: number) =>
    `Instance ${instanceId} is at revision ${stored}, not ${expected}: another writer changed it first.`,
  timerNotPending: (timerId: string) => `Timer ${timerId} is no longer pending.`,
  idempotencyKeyUsed: (key: string) => `Idempotency key "${key}" was used concurrently.`,
} as const;

/**
 * A commit cancels timers the instance holds as pending (its `timers` list at the expected revision,
 * which the history head commits to), but `found` of those `listed` rows are pending in the timer
 * table: the others were marked fired or cancelled, or deleted, outside Docket (a commit marks a
 * timer fired or cancelled in the transaction that takes it out of the list). `CORRUPT_SNAPSHOT`
 * (`details.problem` `timer-not-pending`), nothing of the commit written. Taken as "already done"
 * before, the act went through and its entry committed to a timer list without the edited timer, so
 * `verify` passed again: a deadline suppressed in the table (its timeout never fired) and an act
 * accepted after it left no trace. Checked after the revision check, so the list is the stored one.
 */
export function timersNotPending(instanceId: string, found: number, listed: number): DocketError {
  return new DocketError(
    'CORRUPT_SNAPSHOT',
    `Instance ${instanceId} was not changed: this act cancels ${listed} timer(s) the instance holds as pending, but only ${found} of them are pending in the timer table; the others were marked fired or cancelled, or deleted, outside Docket (a deadline that could not fire). Run engine.verify("${instanceId}") (it reports timers-mismatch) and restore the instance from a backup.`,
    { instanceId, problem: 'timer-not-pending', cancelled: found, listed },
  );
}

/**
 * The history already holds the revision a commit appends, although the instance row was at the
 * revision before it (the revision check passed, and the instance row stays locked until the commit
 * ends): a commit writes the row and its entry together, so the entry was written, or left behind,
 * outside Docket. `CORRUPT_SNAPSHOT` (`details.problem` `history-past-head`), not a `CONFLICT`: every
 * retry meets the same entry, so "reload and try again" looped (the engine retried each act, and a due
 * timer was retried with backoff for ever). Nothing of the commit is written.
 */
export function historyPastHead(instanceId: string, revision: number): DocketError {
  return new DocketError(
    'CORRUPT_SNAPSHOT',
    `Instance ${instanceId} was not changed: its history already holds an entry for revision ${revision}, past the head (revision ${revision - 1}) the instance records. Docket writes an instance and its history entry together, so that entry was written or left there outside Docket, and a retry meets it again. Run engine.verify("${instanceId}") and restore the instance from a backup.`,
    { instanceId, revision, problem: 'history-past-head' },
  );
}

/**
 * The revision check: throws `CONFLICT` unless `stored` (the instance's stored revision, `undefined`
 * when there is no such instance) is what the commit expected — absent for `expectedRevision` 0,
 * equal otherwise.
 */
export function checkRevision(instanceId: string, stored: number | undefined, expectedRevision: number): void {
  if (expectedRevision === 0) {
    if (stored !== undefined) throw conflict(instanceId, conflictReason.exists(instanceId));
  } else if (stored !== expectedRevision) {
    throw conflict(instanceId, conflictReason.stale(instanceId, stored ?? 0, expectedRevision));
  }
}
