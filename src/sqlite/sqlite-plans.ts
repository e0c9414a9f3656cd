import type { Instant } from '../clock/clock.js';
import type { EffectRecord, HistoryEntry, IdempotencyRecord, InstanceRecord, RefusalEntry, TaskRecord, TimerRecord } from '../store/records.js';
import type { EffectUpdate, InstanceQuery, TaskQuery } from '../store/store.js';
import { SQLITE_ROW_FORMAT } from './sqlite-migrations.js';

/** One SQL statement and its positional parameters: pure data, run by the store's thin driver. */
export interface SqlitePlan {
  readonly text: string;
  readonly values: readonly (string | number | bigint | null)[];
}

function plan(text: string, ...values: (string | number | bigint | null)[]): SqlitePlan {
  return { text, values };
}

const json = (value: unknown): string => JSON.stringify(value ?? null);

export const getMeta = (key: string) => plan(`SELECT value FROM docket_meta WHERE key = ?`, key);
export const setMeta = (key: string, value: string) =>
  plan(`INSERT INTO docket_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value);

const INSTANCE_COLUMNS = `seq, id, workflow, version, status, suspended, revision, next_due_at, history_hash, initiator,
  created_at, updated_at, row_format, snapshot, state, context, state_paths, timers, held_timers`;
/** With the tenant column (schema v4); a file opened read-only at an older schema has none. */
const columnsOf = (tenant: boolean) => (tenant ? `${INSTANCE_COLUMNS}, tenant` : INSTANCE_COLUMNS);

export const loadInstance = (id: string, tenant = true) => plan(`SELECT ${columnsOf(tenant)} FROM docket_instances WHERE id = ?`, id);
export const instanceHead = (id: string) => plan(`SELECT seq, revision FROM docket_instances WHERE id = ?`, id);

function instanceValues(r: InstanceRecord) {
  return [
    r.workflow,
    r.version,
    r.status,
    r.suspended ? 1 : 0,
    r.revision,
    r.nextDueAt,
    r.historyHash,
    r.initiator,
    r.createdAt,
    r.updatedAt,
    SQLITE_ROW_FORMAT,
    json(r.snapshot),
    json(r.state),
    json(r.context),
    json(r.statePaths),
    json(r.timers),
    r.heldTimers === undefined ? null : json(r.heldTimers),
  ] as const;
}

export const INSERT_INSTANCE = `INSERT INTO docket_instances (id, workflow, version, status, suspended, revision, next_due_at, history_hash, initiator,
      created_at, updated_at, row_format, snapshot, state, context, state_paths, timers, held_timers)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING`;
export const insertInstance = (r: InstanceRecord) =>
  plan(
    INSERT_INSTANCE,
    r.id,
    ...instanceValues(r),
  );

/** Indexed instance columns a commit may change; each one SET costs an index write even when equal. */
export const INDEXED_WORKFLOW = 1;
export const INDEXED_STATUS = 2;
export const INDEXED_DUE = 4;

/**
 * The compare-and-set UPDATE for a commit whose previous row is known: it SETs an indexed column
 * (`workflow`, `status`, `next_due_at`) only when its value changes (bits of `changed`), because
 * SQLite rewrites an index entry for every indexed column in the SET list, equal value or not.
 * Parameters: the indexed values that changed (in that order), then version, suspended, revision,
 * history_hash, initiator, created_at, updated_at, snapshot, state, context, state_paths, timers,
 * held_timers, seq, expected revision. The row is found by its rowid (`seq`, which a commit always
 * knows by then), not through the `id` index.
 */
export function updateInstanceText(changed: number): string {
  const set: string[] = [];
  if (changed & INDEXED_WORKFLOW) set.push('workflow = ?');
  if (changed & INDEXED_STATUS) set.push('status = ?');
  if (changed & INDEXED_DUE) set.push('next_due_at = ?');
  set.push(
    'version = ?',
    'suspended = ?',
    'revision = ?',
    'history_hash = ?',
    'initiator = ?',
    'created_at = ?',
    'updated_at = ?',
    `row_format = ${SQLITE_ROW_FORMAT}`,
    'snapshot = ?',
    'state = ?',
    'context = ?',
    'state_paths = ?',
    'timers = ?',
    'held_timers = ?',
  );
  return `UPDATE docket_instances SET ${set.join(', ')} WHERE seq = ? AND revision = ?`;
}

/** What a commit needs to know about the revision it replaces, read inside its transaction. */
export const INSTANCE_PREVIOUS = `SELECT seq, revision, workflow, status, next_due_at, state_paths FROM docket_instances WHERE id = ?`;

/** Clears an instance's paths by scanning (no index on seq): only for a row whose paths column is unreadable. */
export const deleteStatePaths = (seq: number) => plan(`DELETE FROM docket_instance_states WHERE seq = ?`, seq);
export const DELETE_STATE_PATH = `DELETE FROM docket_instance_states WHERE path = ? AND seq = ?`;
export const INSERT_STATE_PATH = `INSERT OR IGNORE INTO docket_instance_states (path, seq) VALUES (?, ?)`;
/** One path replaced by another (the usual move to a sibling state): one statement instead of two. */
export const MOVE_STATE_PATH = `UPDATE OR REPLACE docket_instance_states SET path = ? WHERE path = ? AND seq = ?`;
export const insertStatePath = (path: string, seq: number) => plan(INSERT_STATE_PATH, path, seq);

/** Keyset pagination on the insertion sequence; each filter is served by an index. */
export function listInstances(query: InstanceQuery, afterSeq: number, limit: number, tenant = true): SqlitePlan {
  const where: string[] = ['i.seq > ?'];
  const values: (string | number)[] = [afterSeq];
  let from = 'docket_instances i';
  if (query.state !== undefined) {
    from = 'docket_instance_states s JOIN docket_instances i ON i.seq = s.seq';
    where.push('s.path = ?');
    values.push(query.state);
  }
  if (query.workflow !== undefined) {
    where.push('i.workflow = ?');
    values.push(query.workflow);
  }
  if (query.status !== undefined) {
    where.push('i.status = ?');
    values.push(query.status);
  }
  if (query.tenant !== undefined) {
    where.push('i.tenant = ?');
    values.push(query.tenant);
  }
  if (query.dueBefore !== undefined) {
    where.push('i.next_due_at IS NOT NULL AND i.next_due_at < ?');
    values.push(query.dueBefore);
  }
  const columns = columnsOf(tenant).split(',')
    .map((c) => `i.${c.trim()}`)
    .join(', ');
  return plan(`SELECT ${columns} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY i.seq LIMIT ?`, ...values, limit);
}

/** History rows are keyed by pos = instance seq * 2^32 + revision (schema v3). */
export const HISTORY_POS_BASE = 4294967296;
/** Parameters: instance seq, revision, instance id, revision, kind, at, entry. */
export const INSERT_HISTORY = `INSERT INTO docket_history (pos, instance_id, revision, kind, at, entry) VALUES (? * ${HISTORY_POS_BASE} + ?, ?, ?, ?, ?, ?)`;

/** An instance's history after a revision: one range of pos (schema v3 and later). */
export const history = (instanceId: string, afterRevision: number, limit: number) =>
  plan(
    `SELECT h.entry FROM docket_instances i JOIN docket_history h
       ON h.pos > i.seq * ${HISTORY_POS_BASE} + ? AND h.pos < (i.seq + 1) * ${HISTORY_POS_BASE}
     WHERE i.id = ? ORDER BY h.pos LIMIT ?`,
    Math.max(0, afterRevision),
    instanceId,
    limit,
  );
/** The same on a schema v1/v2 file opened read-only (never migrated). */
export const historyBeforeV3 = (instanceId: string, afterRevision: number, limit: number) =>
  plan(`SELECT entry FROM docket_history WHERE instance_id = ? AND revision > ? ORDER BY revision LIMIT ?`, instanceId, afterRevision, limit);

export const insertRefusal = (r: RefusalEntry) => plan(`INSERT INTO docket_refusals (instance_id, entry) VALUES (?, ?)`, r.instanceId, json(r));
export const refusals = (instanceId: string) => plan(`SELECT entry FROM docket_refusals WHERE instance_id = ? ORDER BY seq`, instanceId);

const TIMER_COLUMNS = `id, instance_id, key, name, event, due_at, revision, status, fired_at`;

export const insertTimer = (t: TimerRecord) =>
  plan(
    `INSERT INTO docket_timers (id, instance_id, key, name, event, due_at, revision, status, fired_at, ready_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    t.id,
    t.instanceId,
    t.key,
    t.name,
    json(t.event),
    t.dueAt,
    t.revision,
    t.status,
    t.firedAt ?? null,
    t.dueAt,
  );

/** Only a pending timer fires: zero rows changed means it fired or was cancelled meanwhile. */
export const fireTimer = (id: string, firedAt: Instant) =>
  plan(`UPDATE docket_timers SET status = 'fired', fired_at = ?, claimed_by = NULL, lease_until = NULL WHERE id = ? AND status = 'pending'`, firedAt, id);
export const cancelTimer = (id: string) =>
  plan(`UPDATE docket_timers SET status = 'cancelled', claimed_by = NULL, lease_until = NULL WHERE id = ? AND status = 'pending'`, id);
export const pendingTimers = (instanceId: string) =>
  plan(`SELECT ${TIMER_COLUMNS} FROM docket_timers WHERE instance_id = ? AND status = 'pending' ORDER BY due_at, id`, instanceId);
/** `ready_at` is the due instant, or the lease expiry while a worker holds the timer. */
export const nextTimerDue = () => plan(`SELECT MIN(ready_at) AS at FROM docket_timers WHERE status = 'pending'`);
export const claimTimers = (now: Instant, owner: string, leaseMs: number, limit: number) =>
  plan(
    `UPDATE docket_timers SET claimed_by = ?, lease_until = ?, ready_at = ?
     WHERE id IN (SELECT id FROM docket_timers WHERE status = 'pending' AND ready_at <= ? ORDER BY ready_at, id LIMIT ?)
     RETURNING ${TIMER_COLUMNS}`,
    owner,
    now + leaseMs,
    now + leaseMs,
    now,
    limit,
  );
export const releaseTimer = (id: string, owner: string) =>
  plan(`UPDATE docket_timers SET claimed_by = NULL, lease_until = NULL, ready_at = due_at WHERE id = ? AND claimed_by = ? AND status = 'pending'`, id, owner);

const EFFECT_COLUMNS = `id, instance_id, workflow, revision, idx, type, params, status, attempts, next_attempt_at, last_error, delivered_at`;

export const insertEffect = (e: EffectRecord) =>
  plan(
    `INSERT INTO docket_effects (id, instance_id, workflow, revision, idx, type, params, status, attempts, next_attempt_at, last_error, delivered_at, ready_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    e.id,
    e.instanceId,
    e.workflow,
    e.revision,
    e.index,
    e.type,
    json(e.params),
    e.status,
    e.attempts,
    e.nextAttemptAt,
    e.lastError ?? null,
    e.deliveredAt ?? null,
    e.nextAttemptAt,
  );
export const claimEffects = (now: Instant, owner: string, leaseMs: number, limit: number) =>
  plan(
    `UPDATE docket_effects SET claimed_by = ?, lease_until = ?, ready_at = ?
     WHERE seq IN (SELECT seq FROM docket_effects WHERE status = 'pending' AND ready_at <= ? ORDER BY ready_at, id LIMIT ?)
     RETURNING ${EFFECT_COLUMNS}`,
    owner,
    now + leaseMs,
    now + leaseMs,
    now,
    limit,
  );
export const nextEffectDue = () => plan(`SELECT MIN(ready_at) AS at FROM docket_effects WHERE status = 'pending'`);
export const updateEffect = (id: string, u: EffectUpdate) =>
  plan(
    `UPDATE docket_effects SET status = ?, attempts = ?, next_attempt_at = ?, last_error = COALESCE(?, last_error),
      delivered_at = COALESCE(?, delivered_at), claimed_by = NULL, lease_until = NULL, ready_at = ?
     WHERE id = ?`,
    u.status,
    u.attempts,
    u.nextAttemptAt,
    u.lastError ?? null,
    u.deliveredAt ?? null,
    u.nextAttemptAt,
    id,
  );
export const effects = (instanceId: string) => plan(`SELECT ${EFFECT_COLUMNS} FROM docket_effects WHERE instance_id = ? ORDER BY seq`, instanceId);

export const deleteTasks = (instanceId: string) => [
  plan(`DELETE FROM docket_task_assignees WHERE instance_id = ?`, instanceId),
  plan(`DELETE FROM docket_task_roles WHERE instance_id = ?`, instanceId),
  plan(`DELETE FROM docket_tasks WHERE instance_id = ?`, instanceId),
];
export const insertTask = (t: TaskRecord) => insertTaskJson(t, json(t));
export const insertTaskJson = (t: TaskRecord, body: string) =>
  plan(`INSERT INTO docket_tasks (instance_id, workflow, status, task) VALUES (?, ?, ?, ?)`, t.instanceId, t.workflow, t.status, body);
export const insertTaskAssignee = (assignee: string, taskSeq: number, instanceId: string) =>
  plan(`INSERT OR IGNORE INTO docket_task_assignees (assignee, task_seq, instance_id) VALUES (?, ?, ?)`, assignee, taskSeq, instanceId);
export const insertTaskRole = (role: string, taskSeq: number, instanceId: string) =>
  plan(`INSERT OR IGNORE INTO docket_task_roles (role, task_seq, instance_id) VALUES (?, ?, ?)`, role, taskSeq, instanceId);

/** Tasks by assignee or role go through their side table's index; the rest filter the narrowed set. */
export function tasks(query: TaskQuery): SqlitePlan {
  let from = 'docket_tasks t';
  const where: string[] = [];
  const values: string[] = [];
  if (query.assignee !== undefined) {
    from += ' JOIN docket_task_assignees a ON a.task_seq = t.seq';
    where.push('a.assignee = ?');
    values.push(query.assignee);
  }
  if (query.role !== undefined) {
    from += ' JOIN docket_task_roles r ON r.task_seq = t.seq';
    where.push('r.role = ?');
    values.push(query.role);
  }
  for (const [column, value] of [
    ['t.instance_id', query.instanceId],
    ['t.workflow', query.workflow],
    ['t.status', query.status],
  ] as const) {
    if (value !== undefined) {
      where.push(`${column} = ?`);
      values.push(value);
    }
  }
  return plan(`SELECT t.task FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY t.seq`, ...values);
}

export const insertIdempotency = (r: IdempotencyRecord) =>
  plan(`INSERT INTO docket_idempotency (instance_id, key, record) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, r.instanceId, r.key, json(r));
export const findIdempotency = (instanceId: string, key: string) =>
  plan(`SELECT record FROM docket_idempotency WHERE instance_id = ? AND key = ?`, instanceId, key);
