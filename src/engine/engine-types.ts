import type { Clock, FiredTimer, Instant } from '../clock/clock.js';
import type { TimerIdentity } from './timer-identity.js';
import type { BusinessCalendar } from '../calendar/index.js';
import type {
  Actor,
  EffectRecord,
  HistoryEntry,
  InstanceRecord,
  InstanceStatus,
  RefusalEntry,
  TaskRecord,
} from '../store/records.js';
import type { InstanceQuery, Page, Store, TaskQuery } from '../store/store.js';
import type { AnyStateMachine, ContextFrom, StateValueFrom } from 'xstate';
import type { AnyWorkflow, EventFrom, InputFrom, WorkflowIdFrom } from './define-workflow.js';
import type { Directory } from '../organisation/directory.js';
import type { DocketError } from '../errors.js';
import type { EngineWarning, ProvisionalDeadline, ReresolveOptions, ReresolveReport } from './reresolve-deadlines.js';
import type { HistoryKeyOption } from './history-key.js';
import type { DocketLogger } from './engine-logger.js';
import type { MigrateOptions, MigrationReport } from './migration/migration-types.js';
import type { ArchivedView, RetainOptions, RetainReport } from './retention.js';
import type { Tombstone } from '../store/retention.js';
import type { TenantsOption } from './tenant-routing.js';
import type { TenantEngine } from './tenant-view.js';

/** What an effect handler receives besides the effect's params. */
export interface EffectContext {
  /** Stable across retries: `${instanceId}:${revision}:${index}`. Use it to deduplicate. */
  readonly effectId: string;
  readonly instanceId: string;
  readonly workflow: string;
  readonly type: string;
  /** 1 for the first delivery. */
  readonly attempt: number;
  /** When this attempt started, on the engine's clock. */
  readonly now: Instant;
  /**
   * Aborted when the attempt runs past `effectTimeoutMs` (reason: an `EFFECT_TIMEOUT` DocketError)
   * or the engine is closed before it settles (reason: `ENGINE_CLOSED`). Pass it to `fetch` and the
   * like; whatever the handler does after it aborts is not waited for, and the effect is delivered
   * again later (at least once).
   */
  readonly signal: AbortSignal;
}

/**
 * Delivers one kind of effect to the outside world, outside any instance's lock and after the commit
 * that recorded it. Throwing, rejecting or running past `effectTimeoutMs` schedules a retry.
 * `P` is the effect's params (unknown by default); a handler typed for its own params fits (method-style).
 */
export type EffectHandler<P = unknown> = { handle(params: P, context: EffectContext): void | Promise<void> }['handle'];

/**
 * How failed effect deliveries are retried: attempt k+1 is due `min(maxDelayMs, initialDelayMs ×
 * 2^(k-1))` ms after attempt k failed; after `maxAttempts` the effect is `dead`. `createEngine`
 * refuses (INVALID_ARGUMENT, `details.field` naming it) a field that is not a whole number in range
 * or a key not listed here.
 */
export interface RetryPolicy {
  /** Attempts before the effect is marked `dead`: a whole number ≥ 1. Default 10. */
  readonly maxAttempts?: number;
  /** First retry delay in ms (whole, ≥ 0), doubled per attempt. Default 1000. */
  readonly initialDelayMs?: number;
  /** Longest retry delay in ms (whole, ≥ 0). Default one hour. A retry due past the last instant a store keeps (2^53 ms) is recorded at that instant. */
  readonly maxDelayMs?: number;
}

export interface EngineOptions<W extends AnyWorkflow> {
  readonly store: Store;
  /**
   * Where the engine reads time. It reads `now()` to the whole millisecond (floored; a reading that
   * is `NaN`, infinite or past a `Date`'s range is `INVALID_ARGUMENT`, field `clock`), since every
   * store keeps instants as whole milliseconds; a clock that yields fractions runs the same on all.
   */
  readonly clock: Clock;
  readonly calendar?: BusinessCalendar;
  readonly workflows: readonly W[];
  readonly directory?: Directory;
  /**
   * Handlers for the workflows' effects (their custom actions), by effect type. Each key must be an
   * effect type some registered workflow emits (`effectTypesOf`): another key (a misspelt `notfy`)
   * is refused with `INVALID_ARGUMENT`, `details.field` `effects.notfy`.
   */
  readonly effects?: Readonly<Record<string, EffectHandler>>;
  readonly retry?: RetryPolicy;
  /**
   * This engine's name in timer and effect leases, for operators (the stores' `claimed_by`): an id by
   * the one id rule (else `INVALID_ARGUMENT`, `details.field: 'workerId'`). Default: a random id.
   *
   * The rule: give each process its own (`web-${process.pid}`, the pod's name). Two engines that share
   * one (a fixed id in a config copied to every pod) stay correct: each claim also carries a fresh
   * random token, and every hand on a claimed item names it, so neither acts on the other's claims
   * (`tests/store-claim-token-conformance.ts`). Only their rows in `claimed_by` read alike.
   *
   * Why nothing refuses or warns: a store keeps claims, not a register of live engines. A claim under
   * this id that this engine did not make is exactly what a process restarted under a fixed id finds
   * of its crashed predecessor (its leases run out and are taken over), so a clash cannot be told from
   * a restart without a heartbeat of its own, which Docket does not keep.
   */
  readonly workerId?: string;
  /** How long a claim on a timer or effect lasts before another worker may take it. Default 30 s. */
  readonly leaseMs?: number;
  /**
   * How many instances' live XState snapshots (and their records) to keep, for the most recently
   * written: an act or timer on one of them skips XState's restore and, on SQLite and Postgres, the
   * store read and its head check. Default 4096. Each costs about 0.5 KB on the memory store (a
   * 会签 contract approval, measured) plus, on SQLite and Postgres, the record itself (its JSON's
   * size, about 1 KB). Least recently written is dropped first, so a working set larger than the
   * cache, stepped round-robin, misses every time: size it to the instances active at once.
   */
  readonly snapshotCacheSize?: number;
  /** How often `commit` retries on a revision conflict before giving up. Default 5. */
  readonly conflictRetries?: number;
  /**
   * How long one effect handler call may run, in ms of the engine's clock, before its
   * `context.signal` is aborted and the attempt counts as failed (retried with backoff, `dead` after
   * `retry.maxAttempts`). An effect stays claimed for `effectTimeoutMs + leaseMs`, which must be at most
   * 2^53 ms (else INVALID_ARGUMENT). Default 30 000.
   */
  readonly effectTimeoutMs?: number;
  /** How many effect deliveries one engine runs at once. Default 16. */
  readonly effectConcurrency?: number;
  /**
   * Seal history entries with HMAC-SHA256 under a secret instead of plain SHA-256, so that only a
   * holder of the secret can write a chain that verifies; a keyring rotates keys. See docs/security.md.
   * Without it, the chain detects edits by anyone who does not recompute the hashes.
   */
  readonly historyKey?: HistoryKeyOption;
  /**
   * Where the engine logs, as structured lines (`docket.started`, `docket.transition`,
   * `docket.timer.fired`, `docket.timer.retired`, `docket.refused`, `docket.effect.*`, `docket.error`; see `logEngine` for
   * the fields). Silent by default. Payloads and contexts are never logged, only event types.
   */
  readonly logger?: DocketLogger;
  /**
   * Per-tenant business calendar and directory (by tenant id, or a resolver function): transitions of
   * a tenant's instances resolve deadlines and approvers with them. See `engine.forTenant`.
   */
  readonly tenants?: TenantsOption;
}

/** Options of {@link Engine.close}. */
export interface CloseOptions {
  /**
   * The longest `close` waits, in ms of the engine's clock, for effect deliveries still running; then
   * their handlers are aborted and their effects are left claimed, to be delivered again (by any
   * engine) once the claim runs out. Default: the engine's `effectTimeoutMs`.
   */
  readonly timeoutMs?: number;
}

/**
 * A pending timer as callers see it.
 *
 * - `name`: the delay's name (`reviewDeadline`) or its length in ms (`3600000`); the history records
 *   the firing as `docket.timer.<name>`.
 * - `state`: the dotted path of the state whose `after` armed it (`review.legal`; `''` for the root),
 *   or `null` for a delayed event the machine raised itself.
 * - `label`: for people, e.g. `after 1h in parked` or `reviewDeadline in review`.
 */
export interface TimerView {
  readonly name: string;
  /** Epoch ms. */
  readonly dueAt: Instant;
  readonly state: string | null;
  readonly label: string;
  /** Present when the due instant rests on estimated holiday data (a year with no official schedule). */
  readonly provisional?: true;
}

/**
 * A timer the engine delivered, as `engine.on('timer.fired')` and `engine.tick()` give it: the clock's
 * {@link FiredTimer} (its fields unchanged: `name` is still the delay's name or its ms) plus what it
 * is — its workflow, the state that armed it, a label for people (`after 1h in review.waiting`,
 * never `3600000` or XState's `xstate.after.3600000.m.review.waiting`), the deadline rule where the
 * engine knows it, and `provisional` when its due instant rested on estimated holiday data.
 */
export interface FiredTimerView extends FiredTimer, TimerIdentity {
  readonly workflow: string;
  readonly version: number;
}

/** An instance as callers see it. */
export interface InstanceView {
  readonly id: string;
  readonly workflow: string;
  readonly version: number;
  readonly state: unknown;
  readonly context: unknown;
  readonly status: InstanceStatus;
  readonly suspended: boolean;
  readonly revision: number;
  readonly initiator: string;
  /** The tenant that owns the instance, when it was started for one. */
  readonly tenant?: string;
  /** Pending timers, earliest first, each with the state that armed it. */
  readonly timers: readonly TimerView[];
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
}

/**
 * The state value of a workflow's instances (e.g. `'draft' | 'reviewing' | { review: 'legal' }`),
 * from its machine; `unknown` for a workflow whose machine type is not known (`AnyWorkflow`).
 */
export type WorkflowStateValue<W> = W extends { readonly machine: infer M extends AnyStateMachine } ? (AnyStateMachine extends M ? unknown : StateValueFrom<M>) : unknown;

/** The context of a workflow's instances, from its machine; `unknown` when the machine type is not known. */
export type WorkflowContext<W> = W extends { readonly machine: infer M extends AnyStateMachine } ? (AnyStateMachine extends M ? unknown : ContextFrom<M>) : unknown;

/**
 * An instance of one workflow as callers see it: {@link InstanceView} with `workflow` narrowed to
 * the workflow's id and `state` / `context` typed from its machine.
 */
export type InstanceViewOf<W> = W extends AnyWorkflow
  ? Omit<InstanceView, 'workflow' | 'state' | 'context'> & { readonly workflow: W['id']; readonly state: WorkflowStateValue<W>; readonly context: WorkflowContext<W> }
  : never;

/**
 * What `engine.get` returns for an engine of workflows `W`: a union over the registered workflows,
 * discriminated by `workflow`, so `if (view.workflow === 'review')` narrows `state` and `context`.
 * For an engine typed with `AnyWorkflow`, `state` and `context` are `unknown`, as in {@link InstanceView}.
 */
export type TypedInstanceView<W extends AnyWorkflow> = InstanceViewOf<W>;

/** What `engine.can` answers: allowed, or the refusal `send` would throw (nothing recorded). */
export type CanResult = { readonly ok: true; readonly code?: never; readonly message?: never } | { readonly ok: false; readonly code: DocketError['code']; readonly message: string };

/** When `engine.waitFor` resolves: a predicate on the view, or `'done'` (the instance is no longer active). */
// Method syntax keeps the predicate bivariant, so an Engine<SomeWorkflow> is still an Engine<AnyWorkflow>.
export type WaitCondition<V> = 'done' | { check(view: V): boolean }['check'];

export interface SendOptions {
  readonly actor: Actor;
  /**
   * Makes a retry safe: the key names one act of one actor on one instance. The rule, in order:
   *
   * 1. The actor's right to send the event (declared event, valid payload, role in `permissions`) is
   *    checked first, key or no key: an actor without it gets `FORBIDDEN`, recorded as a refusal.
   * 2. The same key from the same actor with the same event (type and payload) returns the first
   *    act's result without acting again, even if the instance has moved on or finished since.
   * 3. The same key from the same actor with another event is refused: `IDEMPOTENCY_MISMATCH`.
   * 4. The same key from another actor is never replayed to them and never silently dropped: the
   *    act is authorized against the current state as usual (the `authorize` hook may refuse it),
   *    and if it would be allowed it is refused with `IDEMPOTENCY_MISMATCH` ("use a key of your
   *    own"). Every refusal is in `engine.history(id, { includeRefused: true })`.
   *
   * `sendMany` (and so `reassignTasks`) applies the same rule to each act. Keys stored before keys
   * were per actor carry no actor and replay to any actor who passes step 1.
   */
  readonly idempotencyKey?: string;
}

/**
 * One thing `verify` found wrong:
 * - `edited`: an entry does not match its hash (or lost the state or timer commitment later entries carry);
 * - `missing`: revisions are skipped, or the chain ends before the instance's revision;
 * - `reordered`: an entry does not follow the one before it;
 * - `head-mismatch`: the last entry is not the head the instance records;
 * - `snapshot-mismatch`: the stored state is not the state the head entry committed to;
 * - `timers-mismatch`: the pending timers (the instance's list, or the timer table's rows) are not the
 *   ones the head entry committed to (a deadline moved, added or removed outside Docket);
 * - `unknown-key`: an entry is sealed with a history key the verifier does not hold (`keyId` names it);
 * - `unkeyed`: keys are configured but an entry after a keyed one, or the whole chain, is unkeyed;
 * - `tenant-mismatch`: the instance's stored tenant is not the one its start entry records (the
 *   tenant column was edited outside Docket: the instance was moved into or out of a tenant);
 * - `unreadable`: a stored row cannot be read at all (a column that is not JSON, or JSON of the wrong
 *   shape, e.g. a snapshot that is not an object): `part` says whose row (`instance`: the instance's
 *   own row, `history`: one history entry, `timer`: a row of the timer table), `column` which column
 *   when the store names it, `timerId` which timer row. What could not be read is not checked (an
 *   unreadable instance row: its state, tenant and timers; an unreadable entry: that entry, and the
 *   link of the next one to it); everything else is, and `verify` goes on past it.
 *
 * `revision` is the entry's revision; for `unreadable`, the revision the damaged row records (the
 * instance's, the entry's, or the commit that armed the timer), or 0 when the store does not say.
 */
export interface VerifyProblem {
  readonly revision: number;
  readonly problem: 'edited' | 'missing' | 'reordered' | 'head-mismatch' | 'snapshot-mismatch' | 'timers-mismatch' | 'unknown-key' | 'unkeyed' | 'tenant-mismatch' | 'unreadable';
  /** What was found, and for `unreadable` what to do (restore the row from a backup). English. */
  readonly message: string;
  readonly keyId?: string;
  /** For `unreadable`: whose row cannot be read. */
  readonly part?: 'instance' | 'history' | 'timer';
  /** For `unreadable`: the column that cannot be read (`snapshot`, `timers`, `entry`, `event`, …), when the store names it. */
  readonly column?: string;
  /** For `unreadable` in the timer table: the timer row's id, when the store names it. */
  readonly timerId?: string;
}

/** What `engine.verify` found in an instance's history chain. */
export interface VerifyReport {
  readonly instanceId: string;
  /** True when no problem was found. */
  readonly ok: boolean;
  /** Entries read. */
  readonly entries: number;
  /**
   * Whether the stored state (snapshot, context, status) is the one the head entry committed to:
   * `verified`, `mismatch` (also a `snapshot-mismatch` problem), or `unverified` when the head entry
   * predates entry format 2 (written by an older Docket) or the chain does not reach the head.
   */
  readonly snapshot: 'verified' | 'unverified' | 'mismatch';
  /**
   * Whether the pending timers (key, name, due instant, event), both the instance's list and the timer
   * table's rows, are the ones the head entry committed to: `verified`, `mismatch` (also a
   * `timers-mismatch` problem), or `unverified` when the head entry predates entry format 3 (no
   * `timersHash`), or the chain does not reach the head.
   */
  readonly timers: 'verified' | 'unverified' | 'mismatch';
  /** True when the head entry is sealed with a history key the verifier holds, and matches it. */
  readonly keyed: boolean;
  /** At most 100 problems, oldest first. */
  readonly problems: readonly VerifyProblem[];
  /** How many problems were found beyond those listed. */
  readonly omittedProblems?: number;
  /**
   * Set for an instance retention took out of the hot tables: `archived` (the chain was checked from
   * the archive as usual) or `purged` (only its sealed tombstone was checked; it records the head).
   */
  readonly retention?: { readonly kind: 'archived'; readonly archivedAt: Instant; readonly tombstone?: never } | { readonly kind: 'purged'; readonly tombstone: Tombstone; readonly archivedAt?: never };
}

/** Options of the paged form of `engine.history`. */
export interface HistoryPageOptions {
  /** Entries per page: an integer from 1 to {@link HISTORY_PAGE_MAX} (1000). Default 100. */
  readonly limit?: number;
  /** From a previous page's `nextCursor`; absent for the first page. */
  readonly cursor?: string;
  readonly includeRefused?: false;
}

/**
 * Options of the paged form of `engine.history` with refusals: a page of accepted entries as
 * {@link HistoryPageOptions} gives it, merged by time with the refusals made while the instance stood
 * at one of the page's revisions (the last page: any since), so each refusal is on exactly one page.
 */
export interface RefusedHistoryPageOptions {
  /** Accepted entries per page: an integer from 1 to 1000. Default 100. Refusals come on top. */
  readonly limit?: number;
  readonly cursor?: string;
  readonly includeRefused: true;
}

/** Events the engine emits (typed map for `engine.on`). */
/**
 * A pending timer the engine retired without firing it: what the `'timer.retired'` event reports,
 * once per timer. Either the state whose `after` armed it is not active (a timer an older Docket left
 * pending), reported after the commit whose history entry names it (`entry.retiredTimers`); or
 * (`orphan` set) a row of the timer table no instance holds, retired in the timer table alone when it
 * fell due (no history entry names it: the head never committed to it).
 */
export interface RetiredTimer {
  readonly instanceId: string;
  /** Its id in the timer table; absent for a held timer not re-armed on resume (see `RetiredTimerNote`). */
  readonly timerId?: string;
  readonly name: string;
  /**
   * The dotted path of its (inactive) owning state. For an orphan, read from its workflow when the
   * instance exists, else from its key; `null` when no state armed it (a delayed raise).
   */
  readonly state: string | null;
  /** When it was due, epoch ms. */
  readonly dueAt: Instant;
  /** The instant of the commit that retired it (an orphan: of its retirement), epoch ms. */
  readonly retiredAt: Instant;
  /** The revision whose history entry names it; for an orphan, the revision its row says armed it. */
  readonly revision: number;
  /**
   * Present for a row no instance holds (written or left in the timer table outside Docket):
   * `instance-missing`, no such instance; `not-held`, the instance does not list this timer.
   */
  readonly orphan?: 'instance-missing' | 'not-held';
}

export interface EngineEvents {
  started: [view: InstanceView];
  transition: [view: InstanceView, entry: HistoryEntry];
  'timer.fired': [timer: FiredTimerView];
  /** A timer of an inactive state, or an orphan row, taken out without firing (see {@link RetiredTimer}); never a fired one. */
  'timer.retired': [timer: RetiredTimer];
  refused: [refusal: RefusalEntry, error: DocketError];
  'effect.delivered': [effect: EffectRecord];
  'effect.failed': [effect: EffectRecord, error: unknown];
  /** Something an operator should act on, e.g. a deadline armed on estimated holiday data (`PROVISIONAL_DEADLINE`). */
  warning: [warning: EngineWarning];
  /** Background work failed (a corrupt instance while firing timers, a handler crash): never thrown into nowhere. */
  error: [error: unknown];
}

/** The result of one act in a batch (批量审批): each act stands on its own. */
export type BatchResult =
  | { readonly ok: true; readonly instanceId: string; readonly view: InstanceView; readonly error?: never }
  | { readonly ok: false; readonly instanceId: string; readonly error: DocketError; readonly view?: never };

export interface Engine<W extends AnyWorkflow = AnyWorkflow> {
  readonly clock: Clock;
  readonly store: Store;
  readonly calendar: BusinessCalendar | undefined;
  readonly directory: Directory | undefined;
  /**
   * Start an instance of the newest registered version; resolves with its id. With an explicit `id`
   * the start is idempotent: retried with the same id, workflow and input by the same actor (after a
   * `STORE_OUTCOME_UNKNOWN`), it resolves with the id of the start that landed, writing and emitting
   * nothing again. An id taken otherwise (another input, workflow or actor; an archived or purged
   * instance) is `CONFLICT` with `details.field: 'id'`. An explicit id follows the id rule, and is not
   * `.` or `..` (dot segments no URL can name, so docket/http could never reach the instance):
   * `INVALID_ARGUMENT` with `details.field: 'id'`.
   */
  start<K extends WorkflowIdFrom<W>>(
    workflowId: K,
    input: InputFrom<Extract<W, { readonly id: K }>>,
    options: { readonly actor: Actor; readonly id?: string; readonly tenant?: string },
  ): Promise<string>;
  /** Send one event; resolves with the instance after it. Refusals throw a DocketError and change nothing. */
  send(instanceId: string, event: EventFrom<W>, options: SendOptions): Promise<InstanceView>;
  /** Send several events (each its own act, authorized and recorded on its own). */
  sendMany(
    acts: readonly { readonly instanceId: string; readonly event: EventFrom<W>; readonly idempotencyKey?: string }[],
    options: { readonly actor: Actor },
  ): Promise<readonly BatchResult[]>;
  /**
   * The instance now. Typed from the registered workflows: narrow on `view.workflow` to get its
   * machine's `state` value and `context` types. Throws `INSTANCE_NOT_FOUND`.
   */
  get(instanceId: string): Promise<TypedInstanceView<W>>;
  /**
   * Would `send(instanceId, event, { actor })` be accepted now? Runs the same checks as `send`
   * (instance active and not suspended, event declared and its payload valid, the actor's roles,
   * the workflow's `authorize` hook, the current state and its guards) on a fresh load, and changes
   * nothing: no commit, no refusal recorded, no event emitted. For a UI deciding which buttons to show.
   * An answer, not a reservation: another act may change the instance before the real `send`.
   * Throws `INSTANCE_NOT_FOUND` for an unknown id and `INVALID_ARGUMENT` for a malformed event or actor.
   */
  can(instanceId: string, event: EventFrom<W>, actor: Actor): Promise<CanResult>;
  /**
   * Resolve with the instance's view once `until` holds: `'done'` (status is no longer `active`:
   * done, failed or cancelled) or a predicate on the view. Checked now, then after every transition
   * this engine commits for the instance (its `transition` events: no polling, no timers), so an
   * instance moved on only by another process is seen at this engine's next transition of it.
   * Rejects with `signal.reason` when `signal` aborts, `ENGINE_CLOSED` when the engine closes,
   * `INSTANCE_NOT_FOUND` for an unknown id, and with whatever the predicate throws.
   */
  waitFor(instanceId: string, until: WaitCondition<TypedInstanceView<W>>, options?: { readonly signal?: AbortSignal }): Promise<TypedInstanceView<W>>;
  list(query?: InstanceQuery): Promise<Page<InstanceView>>;
  /**
   * The instance's accepted history, oldest first (all of it; with `includeRefused`, merged with the
   * refusal log by time). For a long history, page it instead: see the overload with `limit`/`cursor`.
   */
  history(instanceId: string, options?: { readonly includeRefused?: boolean }): Promise<readonly (HistoryEntry | (RefusalEntry & { readonly kind: 'refused' }))[]>;
  /**
   * One page of accepted history, oldest first: pass `nextCursor` back as `cursor` for the next page
   * (absent on the last). Throws `INVALID_ARGUMENT` for a limit outside 1..1000 or a malformed cursor.
   */
  history(instanceId: string, options: HistoryPageOptions): Promise<Page<HistoryEntry>>;
  /** One page of accepted history with the refusals of its revisions (see {@link RefusedHistoryPageOptions}). */
  history(instanceId: string, options: RefusedHistoryPageOptions): Promise<Page<HistoryEntry | (RefusalEntry & { readonly kind: 'refused' })>>;
  tasks(query?: TaskQuery): Promise<readonly TaskRecord[]>;
  /**
   * The outbox effects of an instance, oldest first, with their delivery status; an archived
   * instance's from its archive. Throws `INSTANCE_NOT_FOUND` for an id with no instance (live or
   * archived), `INVALID_ARGUMENT` for an id that is not an id.
   */
  effects(instanceId: string): Promise<readonly EffectRecord[]>;
  /**
   * Check the instance's history chain page by page (bounded memory): revisions gapless up to the
   * instance's revision, every hash (or HMAC) matching, the head matching, the stored state matching
   * what the head entry committed to. Problems are reported, not thrown: a row that cannot be read
   * (the instance's row, a history entry, a timer row) is an `unreadable` problem naming it, and the
   * rest is checked past it.
   *
   * @throws DocketError `INSTANCE_NOT_FOUND` for an id with no instance (live, archived or purged),
   * `INVALID_ARGUMENT` for an id that is not an id; store errors (e.g. `STORE_UNAVAILABLE`) as the
   * store throws them.
   */
  verify(instanceId: string): Promise<VerifyReport>;
  /** Administrator operations: audited, and only for actors with the `admin` role. */
  suspend(instanceId: string, options: { readonly actor: Actor; readonly reason: string }): Promise<InstanceView>;
  resume(instanceId: string, options: { readonly actor: Actor; readonly reason: string }): Promise<InstanceView>;
  terminate(instanceId: string, options: { readonly actor: Actor; readonly reason: string }): Promise<InstanceView>;
  /**
   * 任意跳转 (added for approvals): move an instance to any state (a dotted path, e.g. `'review.legal'`)
   * with a reason; admin only, audited. Approval steps entered this way resolve their approvers afresh.
   */
  moveTo(instanceId: string, options: { readonly actor: Actor; readonly target: string; readonly reason: string }): Promise<InstanceView>;
  /**
   * Re-resolve provisional deadlines (armed on estimated holiday data) from their stored rules with the
   * engine's calendar, e.g. after adding the official schedule of `year`: each instance whose deadline
   * moves (or becomes official) gets one audited commit, its history entry listing old and new instants;
   * the old timer is cancelled and the new one armed in that commit, so it still fires once. Admin only
   * (`FORBIDDEN`); `INVALID_ARGUMENT` without a calendar. Instances that fail are reported, not thrown.
   */
  reresolveDeadlines(options: ReresolveOptions): Promise<ReresolveReport>;
  /**
   * Move instances of `workflow` from version `from` to `to` by the migration `to` declares
   * (`migrations: migrateFrom(v1, { states, context })`): each instance in its own audited commit
   * (`docket.admin.migrate` in its history), the new state entered as `moveTo` enters one (timers of
   * the new version's rules armed from now, tasks recomputed). Instances that cannot move stay,
   * listed in `blocked` with a reason; `dryRun` reports the same without changing anything. Re-running
   * skips instances already moved. Admin only (`FORBIDDEN`, recorded per selected instance);
   * `INVALID_MIGRATION` when `to` declares no migration from `from`; `WORKFLOW_NOT_FOUND` (naming
   * `details.field` `from` or `to`) when the engine does not register that version of `workflow`.
   */
  migrate(options: MigrateOptions): Promise<MigrationReport>;
  /** Live instances' deadlines that rest on estimated holiday data (optionally only in `year`). */
  provisionalDeadlines(options?: { readonly year?: number }): Promise<readonly ProvisionalDeadline[]>;
  /** Fire due timers and deliver due effects now, resolving once those deliveries have settled. */
  tick(): Promise<readonly FiredTimerView[]>;
  /**
   * Work due timers and effects until `signal` aborts or the engine closes (for a real clock; a
   * virtual clock drives itself). Effects are delivered in the background: a slow or hung handler
   * never holds up timers.
   */
  run(options?: { readonly signal?: AbortSignal; readonly pollMs?: number; readonly retain?: RetainOptions & { readonly everyMs?: number } }): Promise<void>;
  /**
   * Retention: take one batch (`limit`, default 100) of finished instances older than `policy` out of
   * the hot tables, archiving them (history, refusals and effects stay readable by `history`,
   * `archived` and `verify`) or purging them (a purge verifies the chain first and keeps a sealed
   * tombstone of its head). Active instances are never taken. `run({ retain })` calls it every
   * `everyMs` (default one hour). Throws `INVALID_ARGUMENT` for a bad policy, mode or limit, or a store
   * without retention. Afterwards an act or live read naming a retained instance (`send`, `get`,
   * `suspend`…) is `INSTANCE_NOT_FOUND` with `details.retention: 'archived' | 'purged'` and a message
   * saying so (for an actor of another tenant, the plain answer an unknown id gets).
   */
  retain(options: RetainOptions): Promise<RetainReport>;
  /** An archived instance with its history, or a purged one's tombstone; undefined when it is neither. */
  archived(instanceId: string): Promise<ArchivedView | undefined>;
  /**
   * The engine as one tenant sees it: see {@link TenantEngine}. Throws `INVALID_ARGUMENT` naming
   * `tenant`, when called, for a tenant that is not an id by the one rule every filter shares (empty,
   * blank, over 256 characters, U+0000 or an unpaired surrogate): a blank tenant's instances could
   * never be listed by it.
   */
  forTenant(tenant: string): TenantEngine<W>;
  /**
   * Resolves once every effect delivery this engine has started — and whatever those lead to, e.g. a
   * handler that starts another instance — has settled (delivered, failed, timed out). `send` and
   * `start` resolve as soon as their commit is durable and deliver its effects afterwards; await this
   * in tests and scripts that look at what handlers did. A virtual clock awaits it before and after
   * each step, so `advanceTo` resolves with the step's effects delivered.
   */
  settled(): Promise<void>;
  /**
   * Listen to an engine event; returns the unsubscribe function. Listeners run after the act's commit
   * is durable: one that throws (or returns a promise that rejects) never fails the call that emitted
   * the event — its error is emitted as `error` instead. An `error` listener's own failure is
   * dropped (reporting it to `error` again could loop); the other listeners still run.
   */
  on<E extends keyof EngineEvents>(event: E, fn: (...args: EngineEvents[E]) => void): () => void;
  /** The raw stored record (for tooling: export, CLI). */
  record(instanceId: string): Promise<InstanceRecord>;
  /**
   * Stop taking work (further calls reject with `ENGINE_CLOSED`), let acts in progress finish, wait
   * for effect deliveries up to `timeoutMs` on the engine's clock, then return. Calling it again
   * returns the same promise.
   */
  close(options?: CloseOptions): Promise<void>;
}
