import type { Instant } from '../clock/clock.js';
import type {
  EffectRecord,
  HistoryEntry,
  IdempotencyRecord,
  InstanceRecord,
  InstanceStatus,
  RefusalEntry,
  TaskRecord,
  TimerRecord,
} from './records.js';
import type { StoreRetention } from './retention.js';

/**
 * Everything one accepted event writes. A store applies all of it in one transaction or none of it,
 * and refuses it with a `CONFLICT` DocketError when `expectedRevision` is stale (another writer won),
 * when the revision already exists, when `firesTimer` is no longer pending, or when it creates an
 * instance (`expectedRevision` 0) under the id of an archived or purged one (an id names one instance
 * for good; decided in the same write, so a concurrent retention cannot slip between check and create).
 */
export interface Commit {
  /** The instance after the event; `instance.revision === expectedRevision + 1`. */
  readonly instance: InstanceRecord;
  /** The revision the writer read; `0` creates the instance. */
  readonly expectedRevision: number;
  readonly history: HistoryEntry;
  /** These pending timers of the instance are cancelled (before `addTimers` are added). */
  readonly cancelTimerIds: readonly string[];
  readonly addTimers: readonly TimerRecord[];
  /** The timer this commit delivers: it must still be pending, and becomes `fired`. */
  readonly firesTimer?: { readonly id: string; readonly firedAt: Instant };
  readonly effects: readonly EffectRecord[];
  /** When present, replaces the instance's tasks in the inbox. */
  readonly tasks?: readonly TaskRecord[];
  readonly idempotency?: IdempotencyRecord;
}

/** Filters for {@link Store.list}. */
export interface InstanceQuery {
  readonly workflow?: string;
  /** A dotted state path: matches that state and its children. */
  readonly state?: string;
  readonly status?: InstanceStatus;
  /** Instances with a pending timer due before this instant. */
  readonly dueBefore?: Instant;
  /** Only this tenant's instances (see `engine.forTenant`). */
  readonly tenant?: string;
  readonly limit?: number;
  /** From a previous page's `nextCursor`. */
  readonly cursor?: string;
}

export interface TaskQuery {
  readonly assignee?: string;
  readonly role?: string;
  readonly workflow?: string;
  readonly instanceId?: string;
  readonly status?: TaskRecord['status'];
  /**
   * At most this many tasks, oldest first: an integer from 1 to `PAGE_LIMIT_MAX` (1000, also the
   * default). An inbox longer than that is narrowed by its filters (workflow, status, instance).
   *
   * Oldest first is the same order in every store: by the instance's creation (its place in `list()`),
   * then the order of the instance's own task list. Before 2026-12 each store had its own (memory: by
   * when an instance last got tasks; SQLite: by when each row was written; Postgres: by the
   * instance's last commit, since its rows are written afresh), so a limited inbox held other tasks
   * on each store.
   */
  readonly limit?: number;
  /**
   * Only tasks of this tenant's instances (see `engine.forTenant`). Stores filter on the instance's
   * tenant, which comes from its chained start entry, so a task cannot claim another tenant.
   */
  readonly tenant?: string;
}

/** A page of results; pass `nextCursor` back for the next one. */
export interface Page<T> {
  readonly items: readonly T[];
  readonly nextCursor?: string;
}

/** How a worker claims due work: a lease that another worker may take over once it expires. */
export interface ClaimOptions {
  /** The claiming worker (the engine's `workerId`): for people and operators; two engines may share one. */
  readonly owner: string;
  /**
   * A fresh id for this claim, used by no other claim (the engine draws a random one per claim). The
   * items the claim returns are held under it: {@link Store.releaseTimer}, {@link Store.deferTimer},
   * {@link Store.retireTimer} and {@link Store.updateEffect} name it ({@link HeldClaim}) and apply
   * only while the item's claim is still this one. The owner alone told two engines with one
   * `workerId` apart from nothing: one whose claim ran out and was taken over by the other still
   * recorded its outcome or handed back the other's timer.
   */
  readonly token: string;
  readonly leaseMs: number;
  readonly limit: number;
}

/** The claim a worker holds an item under: the `owner` and `token` of the {@link ClaimOptions} that returned it. */
export interface HeldClaim {
  readonly owner: string;
  readonly token: string;
}

/**
 * The outcome of one delivery attempt of an effect, recorded by the worker that claimed it. It
 * applies only while the claim named by `owner` and `token` is still the effect's: once that claim ran
 * out and another claim took the effect (another worker's, or one with the same `owner`), or an
 * outcome was recorded under it, the update is refused with `CONFLICT` and changes nothing (a slow
 * worker must not overwrite the status its successor wrote).
 */
export interface EffectUpdate extends HeldClaim {
  readonly status: EffectRecord['status'];
  readonly attempts: number;
  readonly nextAttemptAt: Instant;
  readonly lastError?: string;
  readonly deliveredAt?: Instant;
}

/**
 * The one narrow interface every storage adapter implements (memory, SQLite, PostgreSQL). The
 * conformance suite in `tests/store-conformance.ts` runs against each of them.
 */
export interface Store extends Partial<StoreRetention> {
  readonly kind: string;
  /** Create tables / apply migrations. Idempotent; safe when two processes call it at once. */
  init(): Promise<void>;
  load(instanceId: string): Promise<InstanceRecord | undefined>;
  /**
   * Optional: {@link load} and the history entry of the record's own revision (its chain's head, as
   * `history(id, { afterRevision: revision - 1, limit: 1 })[0]` would give), read together in one
   * round trip and from one snapshot of the data. The engine head-checks every record it did not
   * write itself before acting on it; a store where a round trip is dear (PostgreSQL) saves one per
   * cold act with this. `head` is undefined when no such entry exists (the head check then refuses
   * the record). The engine calls this instead of {@link load} whenever it exists: a wrapper store
   * that changes what `load` returns while inheriting the rest (`Object.create(store)`,
   * `{ ...store }`) must change or drop `loadWithHead` as well, or its `load` is bypassed.
   */
  loadWithHead?(instanceId: string): Promise<{ readonly record: InstanceRecord; readonly head: HistoryEntry | undefined } | undefined>;
  /** Apply one event's writes atomically; throws `CONFLICT` (see {@link Commit}). */
  commit(commit: Commit): Promise<void>;
  list(query?: InstanceQuery): Promise<Page<InstanceRecord>>;
  /** Accepted history, oldest first. */
  history(instanceId: string, options?: { readonly afterRevision?: number; readonly limit?: number }): Promise<readonly HistoryEntry[]>;
  appendRefusal(entry: RefusalEntry): Promise<void>;
  refusals(instanceId: string): Promise<readonly RefusalEntry[]>;
  /** Pending timers of one instance, by due instant. */
  timers(instanceId: string): Promise<readonly TimerRecord[]>;
  /** The earliest pending timer's due instant across all instances. */
  nextTimerDue(): Promise<Instant | undefined>;
  /**
   * Pending timers due at or before `now`, in due order, leased under the claim `options` names
   * (`owner` and `token`) so that no other worker takes them until the lease expires (a crashed
   * worker's claims are taken over after that).
   */
  claimDueTimers(now: Instant, options: ClaimOptions): Promise<readonly TimerRecord[]>;
  /**
   * Release a claim without firing (e.g. the instance is suspended): only while `claim` is still the
   * timer's claim and the timer is pending; otherwise nothing changes.
   */
  releaseTimer(timerId: string, claim: HeldClaim): Promise<void>;
  /**
   * Set a claimed timer aside until `until`: its claim is cleared and it is claimable again at
   * `until`, not before (its ready instant; its due instant is unchanged). Only under its current
   * claim, and only while it is pending. The engine parks a timer it cannot deliver now (a store
   * outage, an instance edited outside Docket) this way, so it is not claimed again at every lease while it waits.
   */
  deferTimer(timerId: string, claim: HeldClaim, until: Instant): Promise<void>;
  /**
   * Take a claimed timer that no instance holds (an orphan row: its instance does not exist, or does
   * not list it) out of the timer table: `cancelled`, never claimed again. Only under its current
   * claim, and only while it is pending. Resolves true when it did, false when the row was no longer
   * pending or no longer held under `claim` (fired, cancelled or claimed again meanwhile: not this worker's to retire).
   */
  retireTimer(timerId: string, claim: HeldClaim): Promise<boolean>;
  findIdempotency(instanceId: string, key: string): Promise<IdempotencyRecord | undefined>;
  /** Pending effects whose next attempt is due, leased like timers. */
  claimEffects(now: Instant, options: ClaimOptions): Promise<readonly EffectRecord[]>;
  /**
   * The earliest instant at which {@link claimEffects} would return an effect: the least next-attempt
   * instant of a pending effect, or the end of its claim while it is leased; `undefined` when no
   * effect is pending. The engine relies on it matching `claimEffects`: a timer step (and each poll
   * of `engine.run()`) claims effects only when this is at or before its `now`, so a store that
   * answers late delays retries and takeovers until then.
   */
  nextEffectDue(): Promise<Instant | undefined>;
  /**
   * Record an attempt's outcome and end the claim it names (`update.owner`, `update.token`).
   * `INVALID_ARGUMENT` for an effect the outbox does not hold; `CONFLICT` ({@link staleEffectClaim})
   * when that claim is no longer the effect's. Either way nothing is written.
   */
  updateEffect(effectId: string, update: EffectUpdate): Promise<void>;
  effects(instanceId: string): Promise<readonly EffectRecord[]>;
  tasks(query?: TaskQuery): Promise<readonly TaskRecord[]>;
  /**
   * Optional: call `fn` when any process commits a new timer or effect (PostgreSQL LISTEN/NOTIFY),
   * so `engine.run()` wakes at once instead of at its next poll. Returns the unsubscribe function.
   */
  onWake?(fn: () => void): () => void;
  close(): Promise<void>;
}
