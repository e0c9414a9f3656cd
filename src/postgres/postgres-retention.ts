import type { Pool, PoolClient } from 'pg';
import { DocketError, isDocketError } from '../errors.js';
import type { InstanceRecord, RefusalEntry } from '../store/records.js';
import { checkId } from '../store/payload-rules.js';
import { checkHistoryRange, checkRetentionQuery } from '../store/query-rules.js';
import { checkArchive, checkTombstones, type ArchivedInstance, type StoreRetention, type Tombstone } from '../store/retention.js';
import type { PostgresPlan } from './postgres-plans.js';
import { inTransaction, runStatement } from './postgres-connection.js';
import { effectFromRow, historyFromRow, instanceFromRow, type EffectRow, type InstanceRow } from './postgres-rows.js';

const plan = (text: string, ...values: unknown[]): PostgresPlan => ({ text, values });

/** No effect of the instance `i` is still to deliver (`isRetainable`): served by `docket_effects_instance`. */
const noPendingEffect = (s: string) => `NOT EXISTS (SELECT 1 FROM ${s}.docket_effects e WHERE e.instance_id = i.id AND e.status = 'pending')`;
/**
 * Retainable instances by their last commit, served by the partial index `docket_instances_finished`;
 * ties by id in code point order (`COLLATE "C"`, as SQLite's BINARY and `compareIds`), not the
 * database's collation, so every store takes the same instances into a batch.
 */
export const retainable = (s: string, before: number, limit: number, tenant?: string) =>
  tenant === undefined
    ? plan(`SELECT id FROM ${s}.docket_instances i WHERE status <> 'active' AND updated_at < $1 AND ${noPendingEffect(s)} ORDER BY updated_at, id COLLATE "C" LIMIT $2`, before, limit)
    : plan(`SELECT id FROM ${s}.docket_instances i WHERE status <> 'active' AND updated_at < $1 AND tenant = $3 AND ${noPendingEffect(s)} ORDER BY updated_at, id COLLATE "C" LIMIT $2`, before, limit, tenant);
/** Archived instances finished before the cut-off (by their archived record's `updatedAt`), oldest first: what a purge takes after the live ones. */
export const retainableArchived = (s: string, before: number, limit: number, tenant?: string) =>
  tenant === undefined
    ? plan(`SELECT id FROM ${s}.docket_archive_instances WHERE (record->>'updatedAt')::bigint < $1 ORDER BY (record->>'updatedAt')::bigint, id COLLATE "C" LIMIT $2`, before, limit)
    : plan(`SELECT id FROM ${s}.docket_archive_instances WHERE (record->>'updatedAt')::bigint < $1 AND tenant = $3 ORDER BY (record->>'updatedAt')::bigint, id COLLATE "C" LIMIT $2`, before, limit, tenant);
/**
 * Locks the row of a retainable instance (finished, no effect still pending): a finished instance
 * takes no commits, but a concurrent purge or archive must wait.
 */
export const lockFinished = (s: string, id: string) =>
  plan(
    `SELECT seq, id, workflow, version, status, suspended, revision, next_due_at, history_hash, initiator, created_at, updated_at, row_format,
       snapshot, state, context, state_paths, timers, held_timers, tenant
     FROM ${s}.docket_instances i WHERE id = $1 AND status <> 'active' AND ${noPendingEffect(s)} FOR UPDATE`,
    id,
  );
export const deleteHot = (s: string, id: string): PostgresPlan[] =>
  ['docket_history', 'docket_refusals', 'docket_effects', 'docket_timers', 'docket_idempotency', 'docket_tasks'].map((t) => plan(`DELETE FROM ${s}.${t} WHERE instance_id = $1`, id)).concat(plan(`DELETE FROM ${s}.docket_instances WHERE id = $1`, id));
export const insertArchive = (s: string, r: InstanceRecord, at: number, refusals: unknown, effects: unknown) =>
  plan(`INSERT INTO ${s}.docket_archive_instances (id, tenant, archived_at, record, refusals, effects) VALUES ($1, $2, $3, $4::json, $5::json, $6::json)`, r.id, r.tenant ?? null, at, JSON.stringify(r), JSON.stringify(refusals), JSON.stringify(effects));
export const copyHistory = (s: string, id: string) =>
  plan(`INSERT INTO ${s}.docket_archive_history (instance_id, revision, entry) SELECT instance_id, revision, entry FROM ${s}.docket_history WHERE instance_id = $1`, id);
export const loadArchive = (s: string, id: string) => plan(`SELECT archived_at, record, refusals, effects FROM ${s}.docket_archive_instances WHERE id = $1`, id);
export const archiveHistory = (s: string, id: string, after: number, limit: number | null) =>
  plan(`SELECT revision, entry FROM ${s}.docket_archive_history WHERE instance_id = $1 AND revision > $2 ORDER BY revision LIMIT $3`, id, after, limit);
export const deleteArchive = (s: string, id: string): PostgresPlan[] => [
  plan(`DELETE FROM ${s}.docket_archive_history WHERE instance_id = $1`, id),
  plan(`DELETE FROM ${s}.docket_archive_instances WHERE id = $1`, id),
];
export const insertTombstone = (s: string, t: Tombstone) =>
  plan(
    `INSERT INTO ${s}.docket_tombstones (id, tenant, purged_at, tombstone) VALUES ($1, $2, $3, $4::json) ON CONFLICT (id) DO UPDATE SET tombstone = excluded.tombstone, purged_at = excluded.purged_at`,
    t.id,
    t.tenant ?? null,
    t.purgedAt,
    JSON.stringify(t),
  );
export const loadTombstone = (s: string, id: string) => plan(`SELECT tombstone FROM ${s}.docket_tombstones WHERE id = $1`, id);

function unavailable(error: unknown, what: string): unknown {
  if (isDocketError(error)) return error;
  return new DocketError('STORE_UNAVAILABLE', `PostgreSQL ${what} failed: ${error instanceof Error ? error.message : String(error)}.`, { cause: error });
}

/** Retention for the PostgreSQL store (internal): each call is one transaction on one pooled connection. */
export function postgresRetention(pool: Pool, s: string, open: () => void): StoreRetention {
  async function query<T>(p: PostgresPlan, what: string, client: Pool | PoolClient = pool): Promise<T[]> {
    // Alone on the pool a statement is its own transaction (every one here only reads); inside a
    // transaction a failure ends the transaction (rolled back as a whole: inTransaction tells).
    if (client === pool) return (await runStatement(pool, p, what, 'read')).rows as T[];
    try {
      return (await client.query(p.text, p.values as unknown[])).rows as T[];
    } catch (error) {
      throw unavailable(error, what);
    }
  }
  function transaction<T>(what: string, fn: (c: PoolClient) => Promise<T>): Promise<T> {
    open();
    return inTransaction(pool, what, fn);
  }
  async function readArchive(id: string, client: Pool | PoolClient = pool): Promise<ArchivedInstance | undefined> {
    const [row] = await query<{ archived_at: string; record: InstanceRecord; refusals: RefusalEntry[]; effects: ArchivedInstance['effects'] }>(loadArchive(s, id), 'archived', client);
    return row ? { instance: row.record, archivedAt: Number(row.archived_at), refusals: row.refusals, effects: row.effects } : undefined;
  }
  return {
    async retainable(q) {
      open();
      const { finishedBefore, limit, tenant, archived } = checkRetentionQuery(q);
      return (await query<{ id: string }>((archived ? retainableArchived : retainable)(s, finishedBefore, limit, tenant), 'retainable')).map((r) => r.id);
    },
    archive: async (rawIds, rawAt) => {
      const { ids, at } = checkArchive(rawIds, rawAt);
      return transaction('archive', async (c) => {
        const moved: string[] = [];
        for (const id of ids) {
          const [row] = await query<InstanceRow>(lockFinished(s, id), 'archive', c);
          if (!row) continue;
          const refusals = (await query<{ entry: RefusalEntry }>(plan(`SELECT entry FROM ${s}.docket_refusals WHERE instance_id = $1 ORDER BY seq`, id), 'archive', c)).map((r) => r.entry);
          const effects = (await query<EffectRow>(plan(`SELECT id, instance_id, workflow, revision, idx, type, params, status, attempts, next_attempt_at, last_error, delivered_at FROM ${s}.docket_effects WHERE instance_id = $1 ORDER BY seq`, id), 'archive', c)).map(effectFromRow);
          await query(insertArchive(s, instanceFromRow(row), at, refusals, effects), 'archive', c);
          await query(copyHistory(s, id), 'archive', c);
          for (const p of deleteHot(s, id)) await query(p, 'archive', c);
          moved.push(id);
        }
        return moved;
      });
    },
    purge: async (rawTombstones) => {
      const tombstones = checkTombstones(rawTombstones);
      return transaction('purge', async (c) => {
        const purged: string[] = [];
        for (const t of tombstones) {
          const [row] = await query<InstanceRow>(lockFinished(s, t.id), 'purge', c);
          if (row) {
            if (row.revision !== t.revision) continue;
            for (const p of deleteHot(s, t.id)) await query(p, 'purge', c);
          } else {
            const archived = await readArchive(t.id, c);
            if (!archived || archived.instance.revision !== t.revision) continue;
            for (const p of deleteArchive(s, t.id)) await query(p, 'purge', c);
          }
          await query(insertTombstone(s, t), 'purge', c);
          purged.push(t.id);
        }
        return purged;
      });
    },
    async archived(id) {
      checkId(id);
      open();
      return readArchive(id);
    },
    async archivedHistory(id, options = {}) {
      checkId(id);
      open();
      const range = checkHistoryRange(options);
      return (await query<{ revision: number; entry: unknown }>(archiveHistory(s, id, range.after, range.limit ?? null), 'archivedHistory')).map((r) => historyFromRow(id, r));
    },
    async tombstone(id) {
      checkId(id);
      open();
      const [row] = await query<{ tombstone: Tombstone }>(loadTombstone(s, id), 'tombstone');
      return row?.tombstone;
    },
  };
}
