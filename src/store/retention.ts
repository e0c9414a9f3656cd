import type { Instant } from '../clock/clock.js';
import type { EffectRecord, HistoryEntry, InstanceRecord, InstanceStatus, RefusalEntry } from './records.js';

/** Statuses an instance never leaves: only these are ever archived or purged. */
export const FINISHED_STATUSES: readonly InstanceStatus[] = Object.freeze(['done', 'failed', 'cancelled']);

/** Whether a status is final (see {@link FINISHED_STATUSES}). */
export function isFinished(status: InstanceStatus): boolean {
  return status !== 'active';
}

/**
 * What is left of a purged instance: its chain head, so an exported copy of its history can still be
 * checked against it (the last entry's `hash` must equal `historyHash`, its `stateHash` this one's).
 * `hash` seals every other field the way a history entry is sealed (SHA-256 of the canonical JSON, or
 * the history key's HMAC, `keyId` naming it), so an edited tombstone is detected by `verify`.
 */
export interface Tombstone {
  readonly id: string;
  readonly workflow: string;
  readonly version: number;
  readonly tenant?: string;
  readonly status: InstanceStatus;
  /** The final revision (the number of history entries it had). */
  readonly revision: number;
  /** The hash of its last history entry: the head of the chain. */
  readonly historyHash: string;
  /** The last entry's state commitment, when its history is entry format 2. */
  readonly stateHash?: string;
  /** When it finished (its last commit), epoch ms. */
  readonly finishedAt: Instant;
  /** When it was purged, on the engine clock, epoch ms. */
  readonly purgedAt: Instant;
  /** Entries the purge verified before deleting them (the whole chain, or the purge is refused). */
  readonly verifiedEntries: number;
  readonly keyId?: string;
  readonly hash: string;
}

/** An instance moved out of the hot tables, with what was stored beside it. */
export interface ArchivedInstance {
  readonly instance: InstanceRecord;
  /** When it was archived, epoch ms. */
  readonly archivedAt: Instant;
  readonly refusals: readonly RefusalEntry[];
  /** Its outbox rows as they were (delivered or dead: a finished instance has none pending). */
  readonly effects: readonly EffectRecord[];
}

/** Which finished instances are due for retention. */
export interface RetentionQuery {
  /** Finished instances whose last commit (`updatedAt`) is before this instant. */
  readonly finishedBefore: Instant;
  /** Most ids returned. */
  readonly limit: number;
  /** Only this tenant's instances (`engine.forTenant(t).retain`); absent: every instance. */
  readonly tenant?: string;
  /**
   * List archived instances (finished before `finishedBefore`, by the `updatedAt` of their archived
   * record) instead of live ones: what a purge takes once the live ones are done. Default false.
   */
  readonly archived?: boolean;
}

/**
 * Retention methods of a store (memory, SQLite and PostgreSQL implement all of them). Every write is
 * one transaction and re-checks that the instance is finished: an active one is never moved.
 */
export interface StoreRetention {
  /** Ids of finished instances in the hot tables, least recently finished first. */
  retainable(query: RetentionQuery): Promise<readonly string[]>;
  /**
   * Move each finished instance (with its history, refusals and effects) to the archive; its timers,
   * tasks and idempotency keys are dropped. Returns the ids moved (active or missing ones are skipped).
   */
  archive(ids: readonly string[], at: Instant): Promise<readonly string[]>;
  /**
   * Delete each instance named by a tombstone, with everything stored for it, hot or archived, and
   * keep the tombstone. Skips (and returns without) an instance that is not finished or not at the
   * tombstone's revision. Returns the ids purged.
   */
  purge(tombstones: readonly Tombstone[]): Promise<readonly string[]>;
  /** An archived instance, or undefined. */
  archived(instanceId: string): Promise<ArchivedInstance | undefined>;
  /** An archived instance's history after `afterRevision`, oldest first. */
  archivedHistory(instanceId: string, options?: { readonly afterRevision?: number; readonly limit?: number }): Promise<readonly HistoryEntry[]>;
  /** A purged instance's tombstone, or undefined. */
  tombstone(instanceId: string): Promise<Tombstone | undefined>;
}
