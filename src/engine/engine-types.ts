import type { Clock, FiredTimer, Instant } from '../clock/clock.js';
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
import type { AnyWorkflow, EventFrom, InputFrom, WorkflowIdFrom } from './define-workflow.js';
import type { Directory } from './directory.js';
import type { DocketError } from '../errors.js';

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
 */
export type EffectHandler = (params: any, context: EffectContext) => void | Promise<void>;

export interface RetryPolicy {
  /** Attempts before the effect is marked `dead`. Default 10. */
  readonly maxAttempts?: number;
  /** First retry delay in ms, doubled per attempt. Default 1000. */
  readonly initialDelayMs?: number;
  /** Longest retry delay in ms. Default one hour. */
  readonly maxDelayMs?: number;
}

export interface EngineOptions<W extends AnyWorkflow> {
  readonly store: Store;
  readonly clock: Clock;
  readonly calendar?: BusinessCalendar;
  readonly workflows: readonly W[];
  readonly directory?: Directory;
  /** Handlers for the machine's custom actions, by action type. */
  readonly effects?: Readonly<Record<string, EffectHandler>>;
  readonly retry?: RetryPolicy;
  /** This engine's name in timer and effect leases. Default: a random id. */
  readonly workerId?: string;
  /** How long a claim on a timer or effect lasts before another worker may take it. Default 30 s. */
  readonly leaseMs?: number;
  /** How many live XState snapshots to keep for recently written instances (skips restores). Default 1000. */
  readonly snapshotCacheSize?: number;
  /** How often `commit` retries on a revision conflict before giving up. Default 5. */
  readonly conflictRetries?: number;
  /**
   * How long one effect handler call may run, in ms of the engine's clock, before its
   * `context.signal` is aborted and the attempt counts as failed (retried with backoff, `dead` after
   * `retry.maxAttempts`). An effect stays claimed for `effectTimeoutMs + leaseMs`. Default 30 000.
   */
  readonly effectTimeoutMs?: number;
  /** How many effect deliveries one engine runs at once. Default 16. */
  readonly effectConcurrency?: number;
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
  readonly timers: readonly { readonly name: string; readonly dueAt: Instant }[];
  readonly createdAt: Instant;
  readonly updatedAt: Instant;
}

export interface SendOptions {
  readonly actor: Actor;
  /** The same key with the same payload returns the first result; with another payload it is refused. */
  readonly idempotencyKey?: string;
}

/** What `engine.verify` found in an instance's history chain. */
export interface VerifyReport {
  readonly instanceId: string;
  readonly ok: boolean;
  readonly entries: number;
  readonly problems: readonly {
    readonly revision: number;
    readonly problem: 'edited' | 'missing' | 'reordered' | 'head-mismatch';
    readonly message: string;
  }[];
}

/** Events the engine emits (typed map for `engine.on`). */
export interface EngineEvents {
  started: [view: InstanceView];
  transition: [view: InstanceView, entry: HistoryEntry];
  'timer.fired': [timer: FiredTimer];
  refused: [refusal: RefusalEntry, error: DocketError];
  'effect.delivered': [effect: EffectRecord];
  'effect.failed': [effect: EffectRecord, error: unknown];
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
  /** Start an instance of the newest registered version; resolves with its id. */
  start<K extends WorkflowIdFrom<W>>(
    workflowId: K,
    input: InputFrom<Extract<W, { readonly id: K }>>,
    options: { readonly actor: Actor; readonly id?: string },
  ): Promise<string>;
  /** Send one event; resolves with the instance after it. Refusals throw a DocketError and change nothing. */
  send(instanceId: string, event: EventFrom<W>, options: SendOptions): Promise<InstanceView>;
  /** Send several events (each its own act, authorized and recorded on its own). */
  sendMany(
    acts: readonly { readonly instanceId: string; readonly event: EventFrom<W>; readonly idempotencyKey?: string }[],
    options: { readonly actor: Actor },
  ): Promise<readonly BatchResult[]>;
  get(instanceId: string): Promise<InstanceView>;
  list(query?: InstanceQuery): Promise<Page<InstanceView>>;
  history(instanceId: string, options?: { readonly includeRefused?: boolean }): Promise<readonly (HistoryEntry | (RefusalEntry & { readonly kind: 'refused' }))[]>;
  tasks(query?: TaskQuery): Promise<readonly TaskRecord[]>;
  effects(instanceId: string): Promise<readonly EffectRecord[]>;
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
  /** Fire due timers and deliver due effects now, resolving once those deliveries have settled. */
  tick(): Promise<readonly FiredTimer[]>;
  /**
   * Work due timers and effects until `signal` aborts or the engine closes (for a real clock; a
   * virtual clock drives itself). Effects are delivered in the background: a slow or hung handler
   * never holds up timers.
   */
  run(options?: { readonly signal?: AbortSignal; readonly pollMs?: number }): Promise<void>;
  /**
   * Resolves once every effect delivery this engine has started — and whatever those lead to, e.g. a
   * handler that starts another instance — has settled (delivered, failed, timed out). `send` and
   * `start` resolve as soon as their commit is durable and deliver its effects afterwards; await this
   * in tests and scripts that look at what handlers did. A virtual clock awaits it before and after
   * each step, so `advanceTo` resolves with the step's effects delivered.
   */
  settled(): Promise<void>;
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
