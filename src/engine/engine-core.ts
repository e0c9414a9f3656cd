import type { EventEmitter } from 'eventemitter3';
import type { AnyMachineSnapshot } from 'xstate';
import type { Clock, Instant } from '../clock/clock.js';
import type { DocketError } from '../errors.js';
import type { Actor, InstanceRecord, TaskRecord } from '../store/records.js';
import type { Commit, Store } from '../store/store.js';
import type { InstanceFacts } from './define-workflow.js';
import type { Keyring } from './history-key.js';
import type { EngineEvents, InstanceView } from './engine-types.js';
import type { KeyedMutex } from './keyed-mutex.js';
import type { Outbox } from './outbox.js';
import type { RegisteredWorkflow, WorkflowRegistry } from './workflow-registry.js';
import type { Step } from './xstate-runtime.js';

/**
 * What the engine's parts share (internal): `createEngine` builds one, and the timer delivery and
 * administrator operations work through it, so each lives in its own file.
 */
export interface EngineCore {
  readonly store: Store;
  readonly clock: Clock;
  readonly registry: WorkflowRegistry;
  readonly emitter: EventEmitter<EngineEvents>;
  readonly mutex: KeyedMutex;
  readonly outbox: Outbox;
  readonly workerId: string;
  readonly leaseMs: number;
  ready(): Promise<void>;
  isClosed(): boolean;
  /** Load a record or throw INSTANCE_NOT_FOUND. */
  load(instanceId: string): Promise<InstanceRecord>;
  /**
   * Load a record the engine is about to act on: as `load`, then refuse with CORRUPT_SNAPSHOT a record
   * whose state is not what the head of its history chain committed to (see `checkHead`).
   */
  loadForAct(instanceId: string): Promise<InstanceRecord>;
  /** Refuse (CORRUPT_SNAPSHOT) a loaded record whose state or head does not match its chain's head entry. */
  checkHead(record: InstanceRecord): Promise<void>;
  /** The keys history entries are sealed and checked with. */
  readonly keys: Keyring;
  /** The live snapshot of a record (cached by revision), or CORRUPT_SNAPSHOT. */
  restore(reg: RegisteredWorkflow, record: InstanceRecord): AnyMachineSnapshot;
  /** Keep what was just committed, for read-your-own-writes. */
  remember(reg: RegisteredWorkflow, record: InstanceRecord, snapshot: AnyMachineSnapshot): void;
  /** Drop what is kept of an instance (it changed without a new live snapshot). */
  forget(instanceId: string): void;
  facts(record: InstanceRecord): InstanceFacts;
  transition(reg: RegisteredWorkflow, snapshot: AnyMachineSnapshot, event: { type: string }, now: Instant, instanceId: string): Step;
  tasksFor(reg: RegisteredWorkflow, step: Step, instance: InstanceFacts, now: Instant): readonly TaskRecord[] | undefined;
  /** Run `attempt` again on a revision conflict (it must reload). */
  withRetry<T>(attempt: () => Promise<T>): Promise<T>;
  /** Emit events and deliver due effects after a commit; resolves with the view. */
  afterCommit(commit: Commit): InstanceView | Promise<InstanceView>;
  /** Record a refused act in the refusal log and emit `refused`. */
  refuse(record: InstanceRecord, actor: Actor, event: { type: string }, error: DocketError): Promise<void>;
}
