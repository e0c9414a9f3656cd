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
import type { AnyStateMachine, ContextFrom, StateValueFrom } from 'xstate';
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
  readonly now: Instant;
}

/** Delivers one kind of effect to the outside world. Throwing schedules a retry. */
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
  /** Fire due timers and deliver due effects now; what `engine.run()` does in a loop. */
  tick(): Promise<readonly FiredTimer[]>;
  /** Work due timers and effects until `signal` aborts (for a real clock; a virtual clock drives itself). */
  run(options?: { readonly signal?: AbortSignal; readonly pollMs?: number }): Promise<void>;
  on<E extends keyof EngineEvents>(event: E, fn: (...args: EngineEvents[E]) => void): () => void;
  /** The raw stored record (for tooling: export, CLI). */
  record(instanceId: string): Promise<InstanceRecord>;
  close(): Promise<void>;
}
