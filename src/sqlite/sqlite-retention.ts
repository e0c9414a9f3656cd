import type BetterSqlite3 from 'better-sqlite3';
import type { Instant } from '../clock/clock.js';
import type { InstanceRecord, RefusalEntry } from '../store/records.js';
import { checkId } from '../store/payload-rules.js';
import { checkHistoryRange, checkRetentionQuery } from '../store/query-rules.js';
import { checkArchive, checkTombstones, isRetainable, type ArchivedInstance, type StoreRetention, type Tombstone } from '../store/retention.js';
import * as plans from './sqlite-plans.js';
import type { SqlitePlan } from './sqlite-plans.js';
import { effectFromRow, historyFromRow, instanceFromRow, jsonColumn, type EffectRow, type InstanceRow } from './sqlite-rows.js';

const plan = (text: string, ...values: (string | number | null)[]): SqlitePlan => ({ text, values });
const json = (value: unknown): string => JSON.stringify(value ?? null);
const B = plans.HISTORY_POS_BASE;

/** No effect of the instance is still to deliver (`isRetainable`): served by `docket_effects_instance`. */
const NO_PENDING_EFFECT = `NOT EXISTS (SELECT 1 FROM docket_effects e WHERE e.instance_id = docket_instances.id AND e.status = 'pending')`;
/** Retainable instances by their last commit, served by the partial index `docket_instances_finished`. */
export const retainable = (finishedBefore: Instant, limit: number, tenant?: string) =>
  tenant === undefined
    ? plan(`SELECT id FROM docket_instances WHERE status <> 'active' AND updated_at < ? AND ${NO_PENDING_EFFECT} ORDER BY updated_at, id LIMIT ?`, finishedBefore, limit)
    : plan(`SELECT id FROM docket_instances WHERE status <> 'active' AND updated_at < ? AND tenant = ? AND ${NO_PENDING_EFFECT} ORDER BY updated_at, id LIMIT ?`, finishedBefore, tenant, limit);
/** Whether an effect of the instance is still to deliver. */
export const pendingEffect = (id: string) => plan(`SELECT 1 AS pending FROM docket_effects WHERE instance_id = ? AND status = 'pending' LIMIT 1`, id);
/** Archived instances finished before the cut-off (by their archived record's `updatedAt`), oldest first: what a purge takes after the live ones. */
export const retainableArchived = (finishedBefore: Instant, limit: number, tenant?: string) =>
  tenant === undefined
    ? plan(`SELECT id FROM docket_archive_instances WHERE json_extract(record, '$.updatedAt') < ? ORDER BY json_extract(record, '$.updatedAt'), id LIMIT ?`, finishedBefore, limit)
    : plan(`SELECT id FROM docket_archive_instances WHERE json_extract(record, '$.updatedAt') < ? AND tenant = ? ORDER BY json_extract(record, '$.updatedAt'), id LIMIT ?`, finishedBefore, tenant, limit);
export const insertArchive = (r: InstanceRecord, at: Instant, refusals: string, effects: string) =>
  plan(`INSERT INTO docket_archive_instances (id, tenant, archived_at, record, refusals, effects) VALUES (?, ?, ?, ?, ?, ?)`, r.id, r.tenant ?? null, at, json(r), refusals, effects);
export const copyHistoryToArchive = (seq: number) =>
  plan(`INSERT INTO docket_archive_history (instance_id, revision, entry) SELECT instance_id, revision, entry FROM docket_history WHERE pos > ? AND pos < ?`, seq * B, (seq + 1) * B);
export const deleteHotRows = (id: string, seq: number): SqlitePlan[] => [
  plan(`DELETE FROM docket_history WHERE pos > ? AND pos < ?`, seq * B, (seq + 1) * B),
  plan(`DELETE FROM docket_refusals WHERE instance_id = ?`, id),
  plan(`DELETE FROM docket_effects WHERE instance_id = ?`, id),
  plan(`DELETE FROM docket_timers WHERE instance_id = ?`, id),
  plan(`DELETE FROM docket_idempotency WHERE instance_id = ?`, id),
  ...plans.deleteTasks(id),
  plan(`DELETE FROM docket_instances WHERE seq = ?`, seq),
];
export const loadArchive = (id: string) => plan(`SELECT archived_at, record, refusals, effects FROM docket_archive_instances WHERE id = ?`, id);
export const archiveHistory = (id: string, after: number, limit: number) =>
  plan(`SELECT revision, entry FROM docket_archive_history WHERE instance_id = ? AND revision > ? ORDER BY revision LIMIT ?`, id, after, limit);
export const deleteArchive = (id: string): SqlitePlan[] => [
  plan(`DELETE FROM docket_archive_history WHERE instance_id = ?`, id),
  plan(`DELETE FROM docket_archive_instances WHERE id = ?`, id),
];
export const insertTombstone = (t: Tombstone) =>
  plan(`INSERT OR REPLACE INTO docket_tombstones (id, tenant, purged_at, tombstone) VALUES (?, ?, ?, ?)`, t.id, t.tenant ?? null, t.purgedAt, json(t));
export const loadTombstone = (id: string) => plan(`SELECT tombstone FROM docket_tombstones WHERE id = ?`, id);

/** What the SQLite store lends its retention methods (internal). */
export interface SqliteRetentionDriver {
  write<T>(fn: () => T): Promise<T>;
  run(p: SqlitePlan): BetterSqlite3.RunResult;
  get<T>(p: SqlitePlan): T | undefined;
  all<T>(p: SqlitePlan): T[];
  open(): unknown;
  /** Drop the store's cached knowledge of an instance that left the hot tables. */
  forget(id: string): void;
}

/** Retention for the SQLite store: each call is one transaction of the group writer. */
export function sqliteRetention(d: SqliteRetentionDriver): StoreRetention {
  /** The hot row of a retainable instance (finished, no effect still pending: `isRetainable`), or undefined. */
  function finishedRow(id: string): { row: InstanceRow; record: InstanceRecord } | undefined {
    const row = d.get<InstanceRow>(plans.loadInstance(id));
    if (!row) return undefined;
    const record = instanceFromRow(row);
    return isRetainable(record.status, d.get(pendingEffect(id)) !== undefined) ? { row, record } : undefined;
  }

  function deleteHot(row: InstanceRow, record: InstanceRecord) {
    for (const path of record.statePaths) d.run(plans.deleteStatePath(path, row.seq));
    for (const p of deleteHotRows(row.id, row.seq)) d.run(p);
  }

  function readArchive(id: string): ArchivedInstance | undefined {
    const row = d.get<{ archived_at: number; record: string; refusals: string; effects: string }>(loadArchive(id));
    if (!row) return undefined;
    return {
      instance: jsonColumn<InstanceRecord>(id, 'archived record', row.record),
      archivedAt: row.archived_at,
      refusals: jsonColumn<RefusalEntry[]>(id, 'archived refusals', row.refusals),
      effects: jsonColumn<ArchivedInstance['effects']>(id, 'archived effects', row.effects),
    };
  }

  return {
    async retainable(query) {
      d.open();
      const { finishedBefore, limit, tenant, archived } = checkRetentionQuery(query);
      return d.all<{ id: string }>((archived ? retainableArchived : retainable)(finishedBefore, limit, tenant)).map((r) => r.id);
    },
    async archive(rawIds, rawAt) {
      const { ids, at } = checkArchive(rawIds, rawAt);
      const moved = await d.write(() => {
        const out: string[] = [];
        for (const id of ids) {
          const found = finishedRow(id);
          if (!found) continue;
          const refusals = d.all<{ entry: string }>(plans.refusals(id)).map((r) => jsonColumn<RefusalEntry>(id, 'refusal', r.entry));
          const effects = d.all<EffectRow>(plans.effects(id)).map(effectFromRow);
          d.run(insertArchive(found.record, at, json(refusals), json(effects)));
          d.run(copyHistoryToArchive(found.row.seq));
          deleteHot(found.row, found.record);
          out.push(id);
        }
        return out;
      });
      for (const id of ids) d.forget(id);
      return moved;
    },
    async purge(rawTombstones) {
      const tombstones = checkTombstones(rawTombstones);
      const purged = await d.write(() => {
        const out: string[] = [];
        for (const t of tombstones) {
          const found = finishedRow(t.id);
          if (found) {
            if (found.record.revision !== t.revision) continue;
            deleteHot(found.row, found.record);
          } else {
            const archived = readArchive(t.id);
            if (!archived || archived.instance.revision !== t.revision) continue;
            for (const p of deleteArchive(t.id)) d.run(p);
          }
          d.run(insertTombstone(t));
          out.push(t.id);
        }
        return out;
      });
      for (const t of tombstones) d.forget(t.id);
      return purged;
    },
    async archived(id) {
      checkId(id);
      d.open();
      return readArchive(id);
    },
    async archivedHistory(id, options = {}) {
      checkId(id);
      d.open();
      const { after, limit } = checkHistoryRange(options);
      return d.all<{ revision: number; entry: string }>(archiveHistory(id, after, limit ?? -1)).map((r) => historyFromRow(id, r));
    },
    async tombstone(id) {
      checkId(id);
      d.open();
      const row = d.get<{ tombstone: string }>(loadTombstone(id));
      return row ? jsonColumn<Tombstone>(id, 'tombstone', row.tombstone) : undefined;
    },
  };
}
