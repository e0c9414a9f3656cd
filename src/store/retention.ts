import type { Instant } from '../clock/clock.js';
import { DocketError } from '../errors.js';
import { isProxy } from '../input/is-proxy.js';
import { checkId, ID_MAX_LENGTH, isStorableString } from './payload-rules.js';
import { checkWholeInstant, isWholeInstant } from '../clock/whole-instant.js';
import { readOptions } from '../input/read-options.js';
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
 * Whether an instance in the hot tables may be archived or purged: it is finished and none of its
 * outbox effects is still `pending`. A finished instance's last commit can leave an effect the outbox
 * has not delivered yet, or is retrying (the notification of an approval): archiving or purging the
 * instance deleted that effect's row, so it was never delivered, against the outbox's promise of at
 * least once. Such an instance stays where it is until each of its effects is delivered or dead.
 * Every store applies this one rule, in `retainable` and again inside `archive`'s and `purge`'s
 * transaction (SQL: `NOT EXISTS` a pending effect of the instance).
 */
export function isRetainable(status: InstanceStatus, effectPending: boolean): boolean {
  return isFinished(status) && !effectPending;
}

/**
 * Retention methods of a store (memory, SQLite and PostgreSQL implement all of them). Every write is
 * one transaction and re-checks that the instance is retainable ({@link isRetainable}): an active
 * one, or a finished one with an effect still to deliver, is never moved.
 */
export interface StoreRetention {
  /** Ids of retainable instances ({@link isRetainable}) in the hot tables, least recently finished first. */
  retainable(query: RetentionQuery): Promise<readonly string[]>;
  /**
   * Move each retainable instance (with its history, refusals and effects) to the archive; its
   * timers, tasks and idempotency keys are dropped. Returns the ids moved (active, missing ones and
   * ones with an effect still pending are skipped).
   */
  archive(ids: readonly string[], at: Instant): Promise<readonly string[]>;
  /**
   * Delete each instance named by a tombstone, with everything stored for it, hot or archived, and
   * keep the tombstone. Skips (and returns without) an instance that is not retainable (not finished,
   * or an effect still pending) or not at the tombstone's revision. Returns the ids purged.
   */
  purge(tombstones: readonly Tombstone[]): Promise<readonly string[]>;
  /** An archived instance, or undefined. */
  archived(instanceId: string): Promise<ArchivedInstance | undefined>;
  /** An archived instance's history after `afterRevision`, oldest first. */
  archivedHistory(instanceId: string, options?: { readonly afterRevision?: number; readonly limit?: number }): Promise<readonly HistoryEntry[]>;
  /** A purged instance's tombstone, or undefined. */
  tombstone(instanceId: string): Promise<Tombstone | undefined>;
}

function refuse(message: string, field: string): never {
  throw new DocketError('INVALID_ARGUMENT', message, { field });
}

/** A list argument read once into a plain array: INVALID_ARGUMENT for a non-array (a string was walked by its characters), a Proxy, or a read that throws. */
function listOf(value: unknown, what: string): unknown[] {
  if (!Array.isArray(value) || isProxy(value)) refuse(`${what} must be an array, not ${value === null ? 'null' : typeof value === 'string' ? 'a string (its characters are not ids)' : typeof value}.`, what);
  try {
    return Array.from(value as unknown[]);
  } catch (error) {
    throw new DocketError('INVALID_ARGUMENT', `${what} could not be read; pass a plain array.`, { field: what, cause: error });
  }
}

/**
 * Check `archive(ids, at)`, the same in every store: `ids` an array of instance ids (read once),
 * `at` a whole instant (the one rule for stored instants, `checkWholeInstant`: a fraction is refused, not floored). Before, a string was walked
 * by its characters (`archive('abc')` archived finished instances "a", "b" and "c"), and `NaN` was
 * stored as the archive instant by memory and SQLite while PostgreSQL answered STORE_UNAVAILABLE.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the field; nothing is archived.
 */
export function checkArchive(ids: unknown, at: unknown): { readonly ids: readonly string[]; readonly at: Instant } {
  const list = listOf(ids, 'ids');
  list.forEach((id) => checkId(id, 'instance id'));
  return { ids: list as string[], at: checkWholeInstant(at, 'at', "An archive's") };
}

const WHOLE = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);
const ID = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= ID_MAX_LENGTH && isStorableString(v);
const TEXT = (v: unknown): v is string => typeof v === 'string' && v.length > 0 && v.length <= ID_MAX_LENGTH * 4;

/**
 * Check `purge(tombstones)`, the same in every store: an array (read once) of tombstones, each with
 * its id, workflow, version, status, final revision, chain head, instants and seal. Before, a string
 * was walked by its characters and `{ id, revision }` alone deleted the instance and kept a
 * tombstone with no seal, which `verify` then reported as edited forever.
 *
 * @throws DocketError `INVALID_ARGUMENT` naming the tombstone and field; nothing is purged.
 */
export function checkTombstones(tombstones: unknown): readonly Tombstone[] {
  const list = listOf(tombstones, 'tombstones');
  return list.map((raw, i) => {
    const t = readOptions(raw, {
      keys: ['id', 'workflow', 'version', 'tenant', 'status', 'revision', 'historyHash', 'stateHash', 'finishedAt', 'purgedAt', 'verifiedEntries', 'keyId', 'hash'],
      what: `tombstones[${i}]`,
      path: `tombstones[${i}]`,
    });
    const bad = (field: string): never => refuse(`tombstones[${i}].${field} is missing or malformed; pass the tombstones the engine sealed.`, `tombstones[${i}].${field}`);
    if (!ID(t.id)) bad('id');
    if (!ID(t.workflow)) bad('workflow');
    if (t.tenant !== undefined && !ID(t.tenant)) bad('tenant');
    if (!WHOLE(t.version) || t.version < 1) bad('version');
    if (typeof t.status !== 'string' || !FINISHED_STATUSES.includes(t.status as InstanceStatus)) bad('status');
    if (!WHOLE(t.revision) || t.revision < 1) bad('revision');
    if (!WHOLE(t.verifiedEntries) || t.verifiedEntries < 0) bad('verifiedEntries');
    if (!isWholeInstant(t.finishedAt)) bad('finishedAt');
    if (!isWholeInstant(t.purgedAt)) bad('purgedAt');
    if (!TEXT(t.historyHash)) bad('historyHash');
    if (!TEXT(t.hash)) bad('hash');
    if (t.stateHash !== undefined && !TEXT(t.stateHash)) bad('stateHash');
    if (t.keyId !== undefined && !TEXT(t.keyId)) bad('keyId');
    return t as unknown as Tombstone;
  });
}
