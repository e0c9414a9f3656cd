import type { Instant } from '../clock/clock.js';
import type { EffectRecord, HistoryEntry, IdempotencyRecord, InstanceRecord, RefusalEntry, TaskRecord, TimerRecord } from './records.js';
import { compareIds } from './claim-rules.js';
import { checkId } from './payload-rules.js';
import { checkHistoryRange, checkRetentionQuery } from './query-rules.js';
import { checkArchive, checkTombstones, isRetainable, type ArchivedInstance, type StoreRetention, type Tombstone } from './retention.js';

/** The memory store's tables that retention moves rows out of (internal). */
export interface MemoryTables {
  readonly instances: Map<string, InstanceRecord>;
  readonly history: Map<string, HistoryEntry[]>;
  readonly refusals: Map<string, RefusalEntry[]>;
  readonly timers: Map<string, TimerRecord>;
  readonly pendingByInstance: Map<string, Set<string>>;
  readonly effects: Map<string, EffectRecord>;
  readonly effectsByInstance: Map<string, string[]>;
  readonly tasks: Map<string, readonly TaskRecord[]>;
  readonly idempotency: Map<string, IdempotencyRecord>;
  /** Archived instances, by id (kept here so a create can refuse their ids in the same step). */
  readonly archive: Map<string, { entry: ArchivedInstance; history: readonly HistoryEntry[] }>;
  /** Tombstones of purged instances, by id. */
  readonly tombstones: Map<string, Tombstone>;
  readonly open: () => void;
}

/**
 * Retention for the memory store: archive and tombstone maps beside the hot ones. Each method runs
 * synchronously between awaits, so it is atomic with respect to commits.
 */
export function memoryRetention(t: MemoryTables): StoreRetention {
  const { archive, tombstones } = t;

  /** Remove an instance and everything stored for it from the hot maps; returns what was moved. */
  function remove(id: string): { history: HistoryEntry[]; refusals: RefusalEntry[]; effects: EffectRecord[] } {
    const history = t.history.get(id) ?? [];
    const refusals = t.refusals.get(id) ?? [];
    const effects = (t.effectsByInstance.get(id) ?? []).map((e) => t.effects.get(e)!);
    t.instances.delete(id);
    t.history.delete(id);
    t.refusals.delete(id);
    for (const e of t.effectsByInstance.get(id) ?? []) t.effects.delete(e);
    t.effectsByInstance.delete(id);
    for (const [timerId, timer] of t.timers) if (timer.instanceId === id) t.timers.delete(timerId);
    t.pendingByInstance.delete(id);
    t.tasks.delete(id);
    const prefix = `${id}\u0000`;
    for (const key of t.idempotency.keys()) if (key.startsWith(prefix)) t.idempotency.delete(key);
    return { history, refusals, effects };
  }

  /** Whether an instance in the hot maps may be archived or purged ({@link isRetainable}). */
  function retainableHot(record: InstanceRecord): boolean {
    const pending = (t.effectsByInstance.get(record.id) ?? []).some((e) => t.effects.get(e)?.status === 'pending');
    return isRetainable(record.status, pending);
  }

  return {
    async retainable(query) {
      t.open();
      const { finishedBefore, limit, tenant, archived } = checkRetentionQuery(query);
      const due: InstanceRecord[] = [];
      const records = archived ? [...archive.values()].map((a) => a.entry.instance) : [...t.instances.values()].filter(retainableHot);
      for (const record of records) {
        if (record.updatedAt < finishedBefore && (tenant === undefined || record.tenant === tenant)) due.push(record);
      }
      // Ties by id in code point order, as the SQL stores order them (compareIds): localeCompare put
      // 'a' before 'B', so a batch with a limit took other instances than SQLite's and Postgres's.
      return due.sort((a, b) => a.updatedAt - b.updatedAt || compareIds(a.id, b.id)).slice(0, limit).map((r) => r.id);
    },
    async archive(rawIds, rawAt: Instant) {
      t.open();
      const { ids, at } = checkArchive(rawIds, rawAt);
      const moved: string[] = [];
      for (const id of ids) {
        const instance = t.instances.get(id);
        if (!instance || !retainableHot(instance)) continue;
        const { history, refusals, effects } = remove(id);
        archive.set(id, { entry: { instance, archivedAt: at, refusals, effects }, history });
        moved.push(id);
      }
      return moved;
    },
    async purge(rawList) {
      t.open();
      const list = checkTombstones(rawList);
      const purged: string[] = [];
      for (const tombstone of list) {
        const id = tombstone.id;
        const hot = t.instances.get(id);
        const instance = hot ?? archive.get(id)?.entry.instance;
        if (!instance || (hot ? !retainableHot(hot) : false) || instance.revision !== tombstone.revision) continue;
        remove(id);
        archive.delete(id);
        tombstones.set(id, tombstone);
        purged.push(id);
      }
      return purged;
    },
    async archived(id) {
      t.open();
      checkId(id);
      return archive.get(id)?.entry;
    },
    async archivedHistory(id, options = {}) {
      t.open();
      checkId(id);
      const { after, limit } = checkHistoryRange(options);
      const from = (archive.get(id)?.history ?? []).filter((e) => e.revision > after);
      return limit === undefined ? from : from.slice(0, limit);
    },
    async tombstone(id) {
      t.open();
      checkId(id);
      return tombstones.get(id);
    },
  };
}
