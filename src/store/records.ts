import type { Instant } from '../clock/clock.js';
import type { DeadlineRule } from '../calendar/deadline-rule.js';

/**
 * Every {@link InstanceStatus}, in life order: the one list the store's query check, the HTTP query
 * rule and OpenAPI document, and the CLI's `--status` read; frozen, as every one of them holds it.
 */
export const INSTANCE_STATUSES = Object.freeze(['active', 'done', 'failed', 'cancelled'] as const);

/** Where an instance is in its life. `suspended` is a flag beside `active`, not a status of its own. */
export type InstanceStatus = (typeof INSTANCE_STATUSES)[number];

/** Who did something: a user (or the system) and the roles they act in. */
export interface Actor {
  readonly id: string;
  readonly roles: readonly string[];
  /** Display name, for history and the inbox. */
  readonly name?: string;
  /**
   * The tenant this actor belongs to (an id, checked like `id`): `engine.send` / `can` with it act
   * only on that tenant's instances (another tenant's is `INSTANCE_NOT_FOUND`), `start` starts the
   * tenant's instances, `migrate` takes only its instances. Recorded with the actor in history entries.
   */
  readonly tenant?: string;
}

/** The actor the engine itself acts as (timers, automatic approvals). */
export const SYSTEM_ACTOR: Actor = Object.freeze({ id: 'docket:system', roles: Object.freeze(['system']) });

/** One workflow instance as the store keeps it. Treat as immutable: stores may share the object. */
export interface InstanceRecord {
  readonly id: string;
  readonly workflow: string;
  readonly version: number;
  readonly status: InstanceStatus;
  readonly suspended: boolean;
  /** XState's persisted snapshot (JSON-serialisable). */
  readonly snapshot: unknown;
  /** The state value, copied out of the snapshot for queries and views. */
  readonly state: unknown;
  /** Every active state node as a dotted path (`review`, `review.legal`), for `list({ state })`. */
  readonly statePaths: readonly string[];
  readonly context: unknown;
  /** Starts at 1 on creation and grows by exactly 1 per commit: revisions are gapless. */
  readonly revision: number;
  /** Hash of the latest history entry (the head of the chain). */
  readonly historyHash: string;
  readonly initiator: string;
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
  /** The instance's pending timers (the timer table holds the same, for claiming). */
  readonly timers: readonly PendingTimer[];
  /** Earliest pending timer, for `list({ dueBefore })`. */
  readonly nextDueAt: Instant | null;
  /** Timers held while the instance is suspended; re-armed (late if past due) on resume. */
  readonly heldTimers?: readonly HeldTimer[];
  /** The tenant that owns it (set at start, never changed; recorded in its start entry's event). */
  readonly tenant?: string;
}

/**
 * How a timer's due instant was derived, kept (in the instance's timers JSON) for a timer resolved on
 * estimated holiday data, so it can be re-resolved when the official schedule arrives.
 */
export interface TimerDeadline {
  /** The deadline rule, as resolved (a function rule's result). */
  readonly rule: DeadlineRule;
  /** The instant it was resolved from (when the state was entered), epoch ms. */
  readonly from: Instant;
  /** True while the due instant rests on estimated data. */
  readonly provisional: boolean;
  /** The estimated years the resolution used (empty once official). */
  readonly years: readonly number[];
  /** The due instant first armed; inbox tasks due then follow the timer when it moves. */
  readonly armedDueAt: Instant;
}

/** A pending timer as the instance record lists it. */
export interface PendingTimer {
  readonly id: string;
  readonly key: string;
  readonly name: string;
  readonly dueAt: Instant;
  readonly event: { readonly type: string; readonly [key: string]: unknown };
  /** Set when the due instant was (or is) provisional: see {@link TimerDeadline}. */
  readonly deadline?: TimerDeadline;
}

/** A timer taken out of the schedule by a suspension, with what it needs to be re-armed. */
export interface HeldTimer {
  readonly key: string;
  readonly name: string;
  readonly event: { readonly type: string; readonly [key: string]: unknown };
  readonly dueAt: Instant;
  readonly deadline?: TimerDeadline;
}

/**
 * A deadline a history entry armed on estimated data, or moved when it was re-resolved
 * (`previousDueAt` set).
 */
export interface DeadlineNote {
  readonly name: string;
  readonly dueAt: Instant;
  readonly previousDueAt?: Instant;
  readonly provisional: boolean;
  /** Estimated years the due instant rests on (empty when official). */
  readonly years: readonly number[];
}

/**
 * A pending timer a commit took out because the state whose `after` armed it is not active: a timer an
 * older Docket left pending (before a step's raises and cancels were applied in order), or held by a
 * suspension and not re-armed on resume because its state is gone. It never fires; the entry that
 * retires it names it, and the timer table marks it `cancelled` in the same transaction.
 */
export interface RetiredTimerNote {
  /**
   * The timer's id in the timer table (`${instanceId}:${revision}:${key}`), whose row the same commit
   * marks `cancelled`. Absent for a held timer not re-armed on resume: its row was cancelled when the
   * instance was suspended.
   */
  readonly id?: string;
  readonly name: string;
  /** The dotted path of the state that armed it, inactive when it was retired. */
  readonly state: string;
  /** When it was due, epoch ms. */
  readonly dueAt: Instant;
}

/**
 * What a history entry that finished a suspended instance (terminate) ended with it: the suspension,
 * and the timers it held, dropped without firing. A finished instance is never suspended and holds
 * no timers.
 */
export interface EndedSuspensionNote {
  /** The held timers dropped, as they were held (empty when the suspension held none). */
  readonly heldTimers: readonly {
    readonly name: string;
    /** When it was due, epoch ms. */
    readonly dueAt: Instant;
    /** The dotted path of the state that armed it, or null when it cannot be told. */
    readonly state: string | null;
  }[];
}

/** What a history entry records. */
export type HistoryKind = 'start' | 'event' | 'timer' | 'admin';

/** One accepted change, chained by hash to the one before it. One entry per revision. */
export interface HistoryEntry {
  readonly instanceId: string;
  readonly revision: number;
  readonly kind: HistoryKind;
  readonly event: { readonly type: string; readonly [key: string]: unknown };
  readonly actor: Actor;
  readonly at: Instant;
  readonly from: unknown;
  readonly to: unknown;
  /**
   * For a timer: its name (the delay's name or its ms), due instant and how late it fired; since this
   * field was added, also what it is: `state`, the dotted path of the state that armed it (null for
   * none), and `label`, its name for people (`after 1h in review.waiting`). Entries written before
   * lack both; their `event.delivered` (`xstate.after.<delay>.<state id>`) still names the state.
   */
  readonly timer?: { readonly name: string; readonly dueAt: Instant; readonly lateMs: number; readonly state?: string | null; readonly label?: string };
  /** Deadlines this entry armed on estimated holiday data, or moved by re-resolution. */
  readonly deadlines?: readonly DeadlineNote[];
  /**
   * Pending timers this commit retired without firing them, because their owning state is not active
   * (see {@link RetiredTimerNote}). Absent when none: a timer cancelled by a transition, a suspension,
   * a termination or a migration is not listed here.
   */
  readonly retiredTimers?: readonly RetiredTimerNote[];
  /**
   * Set on the entry that finished an instance while it was suspended (an administrator's
   * terminate): the instance is no longer suspended, and the timers the suspension held were dropped
   * without firing (see {@link EndedSuspensionNote}). Absent on every other entry.
   */
  readonly endedSuspension?: EndedSuspensionNote;
  /** For `send` on behalf of someone (delegate, stand-in): who the act counts for. */
  readonly onBehalfOf?: string;
  readonly reason?: string;
  /**
   * Entry format 2: SHA-256 of the instance state this entry leaves behind (see `stateDigest` in
   * `src/engine/state-digest.ts`), so the chain commits to the stored snapshot. Absent from entries
   * written before format 2, whose snapshot `verify` reports as unverified.
   */
  readonly stateHash?: string;
  /**
   * Entry format 3: SHA-256 of the pending timers this entry leaves behind (see `timersDigest` in
   * `src/engine/state-digest.ts`); its `stateHash` then also covers the instance's tenant. Absent from
   * entries written before format 3, whose timers `verify` reports as unverified.
   */
  readonly timersHash?: string;
  /**
   * The entry format, from format 4 on (older entries are told apart by the fields they carry: 2 has
   * `stateHash`, 3 `timersHash` too). Format 4: `stateHash` is the Merkle digest of the same state
   * (see `stateDigest` in `src/engine/state-digest.ts`).
   */
  readonly format?: number;
  /** The id of the history key whose HMAC-SHA256 is `hash`; absent when `hash` is plain SHA-256. */
  readonly keyId?: string;
  readonly prevHash: string;
  /** SHA-256 (or the key's HMAC-SHA256) of the canonical JSON of every other field. */
  readonly hash: string;
}

/** A refused attempt: kept for audit, outside the hash chain, never changing the instance. */
export interface RefusalEntry {
  readonly instanceId: string;
  readonly at: Instant;
  readonly actor: Actor;
  readonly event: { readonly type: string; readonly [key: string]: unknown };
  readonly code: string;
  readonly message: string;
  readonly state: unknown;
  readonly revision: number;
}

export type TimerStatus = 'pending' | 'fired' | 'cancelled';

/** A durable timer: stored with the instance, delivered once when due. */
export interface TimerRecord {
  /** `${instanceId}:${revision}:${key}`: unique. */
  readonly id: string;
  readonly instanceId: string;
  /** XState's send id (`xstate.after.<delay>.<state>`); a later commit cancels by key. */
  readonly key: string;
  /** Human name: the delay's name, or its length in ms. */
  readonly name: string;
  /** The event delivered when it fires. */
  readonly event: { readonly type: string; readonly [key: string]: unknown };
  readonly dueAt: Instant;
  readonly revision: number;
  readonly status: TimerStatus;
  readonly firedAt?: Instant;
  /** Kept in the instance's timers (not the timer table): see {@link TimerDeadline}. */
  readonly deadline?: TimerDeadline;
}

export type EffectStatus = 'pending' | 'delivered' | 'dead';

/** An effect recorded in the outbox in the same commit as the transition that produced it. */
export interface EffectRecord {
  /** `${instanceId}:${revision}:${index}`: stable, for handlers to deduplicate. */
  readonly id: string;
  readonly instanceId: string;
  readonly workflow: string;
  readonly revision: number;
  readonly index: number;
  readonly type: string;
  readonly params: unknown;
  readonly status: EffectStatus;
  readonly attempts: number;
  readonly nextAttemptAt: Instant;
  readonly lastError?: string;
  readonly deliveredAt?: Instant;
}

/** A human task projected from an instance, for the inbox. */
export interface TaskRecord {
  readonly id: string;
  readonly instanceId: string;
  readonly workflow: string;
  /**
   * The workflow version of the task's instance (stamped by the engine's commit), whose permissions
   * say which of `actions` a person's roles allow. Absent on tasks stored before it was recorded.
   */
  readonly version?: number;
  /** The approval step (state) the task belongs to. */
  readonly step: string;
  readonly title?: { readonly 'zh-CN': string; readonly en: string };
  /** Users who may act now (after delegation/stand-ins are applied by the engine). */
  readonly assignees: readonly string[];
  /**
   * Who holds the task in person (a seat of their own): the people a stand-in (代理) may act for on
   * it. Not the members of a group task nobody has claimed, nor a delegate (委托) acting for the
   * holder. Absent: every assignee holds it.
   */
  readonly holders?: readonly string[];
  /**
   * Who holds a seat in the task's step (its current round), each once: assignees of open, queued
   * and decided tasks, an open task's delegate (委托), whoever decided a task for its assignee. A
   * stand-in (代理) among them is not offered a task of that step for anyone else, and `send`
   * refuses it from them (one person counts once in a step). Written by the approval plugin on every
   * commit; the SQLite and PostgreSQL stores' schema migration fills it in on rows stored before it
   * (SQLite schema 6, PostgreSQL schema 6). Absent (a workflow's own `tasks` hook): nobody.
   */
  readonly seated?: readonly string[];
  /** Roles whose members may claim the task (group task, 认领). */
  readonly roles: readonly string[];
  readonly status: 'open' | 'claimed';
  readonly claimedBy?: string;
  readonly dueAt: Instant | null;
  /** True when `dueAt` rests on estimated holiday data (a provisional deadline). */
  readonly dueProvisional?: true;
  /** Event types the assignee may send for this task. */
  readonly actions: readonly string[];
  readonly createdAt: Instant;
  readonly data?: unknown;
  /** The tenant of the task's instance, when it has one (stamped by the store from the instance). */
  readonly tenant?: string;
}

/** A remembered idempotency key and the result it produced. */
export interface IdempotencyRecord {
  readonly instanceId: string;
  readonly key: string;
  /**
   * Who used the key (actor id): a key replays only to its own actor. Absent in records written
   * before keys were per actor, which replay to anyone authorized to send the event.
   */
  readonly actor?: string;
  readonly payloadHash: string;
  readonly revision: number;
  readonly result: unknown;
  readonly at: Instant;
}
