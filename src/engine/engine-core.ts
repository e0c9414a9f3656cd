import type { EventEmitter } from 'eventemitter3';
import type { Clock } from '../clock/clock.js';
import type { Store } from '../store/store.js';
import type { CommitPipeline } from './commit-pipeline.js';
import type { EngineEvents } from './engine-types.js';
import type { Outbox } from './outbox.js';
import type { WorkflowRegistry } from './workflow-registry.js';

/**
 * What the engine's parts share (internal): `createEngine` builds one; timer delivery, administrator
 * operations and deadline re-resolution change instances only through `pipeline` and read the rest.
 */
export interface EngineParts {
  /** The one path every change takes (see commit-pipeline.ts). */
  readonly pipeline: CommitPipeline;
  /** Read-only uses: claiming due timers, listing instances, what is due next, an instance's timer rows (stalled timers). */
  readonly store: Pick<Store, 'claimDueTimers' | 'releaseTimer' | 'deferTimer' | 'retireTimer' | 'nextTimerDue' | 'nextEffectDue' | 'list' | 'load' | 'timers'>;
  readonly registry: Pick<WorkflowRegistry, 'get' | 'all'>;
  /** The instant an operation over many instances runs at (`engine.migrate`). */
  readonly clock: Pick<Clock, 'now'>;
  readonly emitter: EventEmitter<EngineEvents>;
  readonly outbox: Pick<Outbox, 'dispatch'>;
  readonly workerId: string;
  /** A fresh token per claim (see `OutboxOptions.claimToken`): timers are held under it as effects are. */
  readonly claimToken: () => string;
  readonly leaseMs: number;
  ready(): Promise<void>;
  /** Whether the store's init has resolved and the engine is open: `ready()` need not be awaited (a microtask saved per step). */
  isReady(): boolean;
  isClosed(): boolean;
}
