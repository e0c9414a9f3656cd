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
import type { HistoryKeyOption } from './history-key.js';

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
  /**
   * Seal history entries with HMAC-SHA256 under a secret instead of plain SHA-256, so that only a
   * holder of the secret can write a chain that verifies; a keyring rotates keys. See docs/security.md.
   * Without it, the chain detects edits by anyone who does not recompute the hashes.
   */
  readonly historyKey?: HistoryKeyOption;
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

/**
 * One thing `verify` found wrong:
 * - `edited`: an entry does not match its hash (or lost the state commitment later entries carry);
 * - `missing`: revisions are skipped, or the chain ends before the instance's revision;
 * - `reordered`: an entry does not follow the one before it;
 * - `head-mismatch`: the last entry is not the head the instance records;
 * - `snapshot-mismatch`: the stored state is not the state the head entry committed to;
 * - `unknown-key`: an entry is sealed with a history key the verifier does not hold (`keyId` names it);
 * - `unkeyed`: keys are configured but an entry after a keyed one, or the whole chain, is unkeyed.
 */
export interface VerifyProblem {
  readonly revision: number;
  readonly problem: 'edited' | 'missing' | 'reordered' | 'head-mismatch' | 'snapshot-mismatch' | 'unknown-key' | 'unkeyed';
  readonly message: string;
  readonly keyId?: string;
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
  /** True when the head entry is sealed with a history key the verifier holds, and matches it. */
  readonly keyed: boolean;
  /** At most 100 problems, oldest first. */
  readonly problems: readonly VerifyProblem[];
  /** How many problems were found beyond those listed. */
  readonly omittedProblems?: number;
}

/** Options of the paged form of `engine.history`. */
export interface HistoryPageOptions {
  /** Entries per page: an integer from 1 to {@link HISTORY_PAGE_MAX} (1000). Default 100. */
  readonly limit?: number;
  /** From a previous page's `nextCursor`; absent for the first page. */
  readonly cursor?: string;
  readonly includeRefused?: never;
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
  tasks(query?: TaskQuery): Promise<readonly TaskRecord[]>;
  effects(instanceId: string): Promise<readonly EffectRecord[]>;
  /**
   * Check the instance's history chain page by page (bounded memory): revisions gapless up to the
   * instance's revision, every hash (or HMAC) matching, the head matching, the stored state matching
   * what the head entry committed to. Problems are reported, not thrown.
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
  /** Fire due timers and deliver due effects now; what `engine.run()` does in a loop. */
  tick(): Promise<readonly FiredTimer[]>;
  /** Work due timers and effects until `signal` aborts (for a real clock; a virtual clock drives itself). */
  run(options?: { readonly signal?: AbortSignal; readonly pollMs?: number }): Promise<void>;
  on<E extends keyof EngineEvents>(event: E, fn: (...args: EngineEvents[E]) => void): () => void;
  /** The raw stored record (for tooling: export, CLI). */
  record(instanceId: string): Promise<InstanceRecord>;
  close(): Promise<void>;
}
