import { DocketError } from '../errors.js';
import { PAGE_LIMIT_MAX } from '../store/query-rules.js';
import type { Instant } from '../clock/clock.js';
import type { EffectRecord, HistoryEntry, IdempotencyRecord, InstanceRecord, RefusalEntry, TaskRecord, TimerRecord } from '../store/records.js';
import type { EffectUpdate, HeldClaim, InstanceQuery, TaskQuery } from '../store/store.js';
import { SQLITE_ROW_FORMAT } from './sqlite-migrations.js';

/**
 * One SQL statement and its positional parameters: pure data, run by the store's thin driver, which
 * caches one prepared statement per distinct `text` (so a plan's text is a constant, or one of a
 * few precomputed strings, never built per call on the hot path).
 */
export interface SqlitePlan {
  readonly text: string;
  readonly values: readonly SqliteValue[];
}

/** A value SQLite binds to a `?`. */
export type SqliteValue = string | number | bigint | null;

function plan(text: string, ...values: SqliteValue[]): SqlitePlan {
  return { text, values };
}

/**
 * The JSON text of a value a plan binds. Data JSON cannot write (a BigInt, a toJSON that throws)
 * is the write's own fault, refused with `INVALID_PAYLOAD` before anything is written, not a store
 * failure to retry.
 */
const json = (value: unknown): string => {
  try {
    return JSON.stringify(value ?? null);
  } catch (error) {
    throw new DocketError(
      'INVALID_PAYLOAD',
      `The SQLite store cannot write this data as JSON (${error instanceof Error ? error.message : String(error)}); nothing of it was written. Change the data: the same data is refused every time.`,
      { cause: error },
    );
  }
};

export const getMeta = (key: string) => plan(`SELECT value FROM docket_meta WHERE key = ?`, key);
export const setMeta = (key: string, value: string) =>
  plan(`INSERT INTO docket_meta (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value);
/** Changes whenever another connection commits to the file (one integer column, `data_version`). */
export const dataVersion = () => plan(`PRAGMA data_version`);

const INSTANCE_COLUMNS = `seq, id, workflow, version, status, suspended, revision, next_due_at, history_hash, initiator,
  created_at, updated_at, row_format, snapshot, state, context, state_paths, timers, held_timers`;
/** With the tenant column (schema v4); a file opened read-only at an older schema has none. */
const columnsOf = (tenant: boolean) => (tenant ? `${INSTANCE_COLUMNS}, tenant` : INSTANCE_COLUMNS);

export const loadInstance = (id: string, tenant = true) => plan(`SELECT ${columnsOf(tenant)} FROM docket_instances WHERE id = ?`, id);
export const instanceHead = (id: string) => plan(`SELECT seq, revision FROM docket_instances WHERE id = ?`, id);

/** Indexed instance columns a commit may change; each one SET costs an index write even when equal. */
const INDEXED_WORKFLOW = 1;
const INDEXED_STATUS = 2;
const INDEXED_DUE = 4;

/** A column a commit writes, and how its value comes from the record: texts and values both follow this one list. */
interface InstanceColumn {
  readonly name: string;
  readonly value: (r: InstanceRecord) => SqliteValue;
  /** Its bit when the column is indexed (see {@link changedIndexed}). */
  readonly indexed?: number;
}

const INSTANCE_WRITES: readonly InstanceColumn[] = [
  { name: 'workflow', value: (r) => r.workflow, indexed: INDEXED_WORKFLOW },
  { name: 'version', value: (r) => r.version },
  { name: 'status', value: (r) => r.status, indexed: INDEXED_STATUS },
  { name: 'suspended', value: (r) => (r.suspended ? 1 : 0) },
  { name: 'revision', value: (r) => r.revision },
  { name: 'next_due_at', value: (r) => r.nextDueAt, indexed: INDEXED_DUE },
  { name: 'history_hash', value: (r) => r.historyHash },
  { name: 'initiator', value: (r) => r.initiator },
  { name: 'created_at', value: (r) => r.createdAt },
  { name: 'updated_at', value: (r) => r.updatedAt },
  { name: 'snapshot', value: (r) => json(r.snapshot) },
  { name: 'state', value: (r) => json(r.state) },
  { name: 'context', value: (r) => json(r.context) },
  { name: 'state_paths', value: (r) => json(r.statePaths) },
  { name: 'timers', value: (r) => json(r.timers) },
  { name: 'held_timers', value: (r) => (r.heldTimers === undefined ? null : json(r.heldTimers)) },
];

const INSERT_INSTANCE = `INSERT INTO docket_instances (id, ${INSTANCE_WRITES.map((c) => c.name).join(', ')}, row_format)
     VALUES (?, ${INSTANCE_WRITES.map(() => '?').join(', ')}, ${SQLITE_ROW_FORMAT}) ON CONFLICT (id) DO NOTHING RETURNING seq`;

/** Whether `id` belongs to an archived or purged instance (schema v4): such an id is never reused. */
export const retainedId = (id: string) =>
  plan(`SELECT 1 AS found FROM docket_archive_instances WHERE id = ? UNION ALL SELECT 1 FROM docket_tombstones WHERE id = ? LIMIT 1`, id, id);

/** Creates the instance (revision 0 expected); no row back (`seq`) means it already exists. */
export function insertInstance(r: InstanceRecord): SqlitePlan {
  const values: SqliteValue[] = new Array(INSTANCE_WRITES.length + 1);
  values[0] = r.id;
  for (let i = 0; i < INSTANCE_WRITES.length; i++) values[i + 1] = INSTANCE_WRITES[i]!.value(r);
  return { text: INSERT_INSTANCE, values };
}

/** Which indexed columns differ between the row a commit replaces and the new record (bits for {@link updateInstance}). */
export function changedIndexed(previous: { readonly workflow: string; readonly status: string; readonly nextDueAt: number | null }, r: InstanceRecord): number {
  return (
    (previous.workflow !== r.workflow ? INDEXED_WORKFLOW : 0) | (previous.status !== r.status ? INDEXED_STATUS : 0) | (previous.nextDueAt !== r.nextDueAt ? INDEXED_DUE : 0)
  );
}

/** For each combination of changed indexed columns: the columns the UPDATE sets, and its text. */
const UPDATES = Array.from({ length: (INDEXED_WORKFLOW | INDEXED_STATUS | INDEXED_DUE) + 1 }, (_, changed) => {
  const columns = INSTANCE_WRITES.filter((c) => c.indexed === undefined || (changed & c.indexed) !== 0);
  const set = columns.map((c) => `${c.name} = ?`).join(', ');
  return { columns, text: `UPDATE docket_instances SET ${set}, row_format = ${SQLITE_ROW_FORMAT} WHERE seq = ? AND revision = ?` };
});

/**
 * The compare-and-set UPDATE of a commit whose previous row is known (its `seq` and the indexed
 * columns it held): it SETs an indexed column (`workflow`, `status`, `next_due_at`) only when its
 * value changes (`changed`, from {@link changedIndexed}), because SQLite rewrites an index entry for
 * every indexed column in the SET list, equal value or not. The row is found by its rowid (`seq`),
 * not through the `id` index, and only at `expectedRevision`: zero rows changed means another writer
 * moved it.
 */
export function updateInstance(r: InstanceRecord, changed: number, seq: number, expectedRevision: number): SqlitePlan {
  const { columns, text } = UPDATES[changed]!;
  const n = columns.length;
  const values: SqliteValue[] = new Array(n + 2);
  for (let i = 0; i < n; i++) values[i] = columns[i]!.value(r);
  values[n] = seq;
  values[n + 1] = expectedRevision;
  return { text, values };
}

/** What a commit needs to know about the revision it replaces, read inside its transaction. */
export const instancePrevious = (id: string) =>
  plan(`SELECT seq, revision, workflow, status, next_due_at, state_paths FROM docket_instances WHERE id = ?`, id);

/** Clears an instance's paths by scanning (no index on seq): only for a row whose paths column is unreadable. */
export const deleteStatePaths = (seq: number) => plan(`DELETE FROM docket_instance_states WHERE seq = ?`, seq);
const DELETE_STATE_PATH = `DELETE FROM docket_instance_states WHERE path = ? AND seq = ?`;
const INSERT_STATE_PATH = `INSERT OR IGNORE INTO docket_instance_states (path, seq) VALUES (?, ?)`;
const MOVE_STATE_PATH = `UPDATE OR REPLACE docket_instance_states SET path = ? WHERE path = ? AND seq = ?`;
/** Removes one state path of an instance, by primary key. */
export const deleteStatePath = (path: string, seq: number): SqlitePlan => ({ text: DELETE_STATE_PATH, values: [path, seq] });
export const insertStatePath = (path: string, seq: number): SqlitePlan => ({ text: INSERT_STATE_PATH, values: [path, seq] });
/** One path replaced by another (the usual move to a sibling state): one statement instead of two. */
export const moveStatePath = (from: string, to: string, seq: number): SqlitePlan => ({ text: MOVE_STATE_PATH, values: [to, from, seq] });

const LIST_COLUMNS = [false, true].map((tenant) =>
  columnsOf(tenant)
    .split(',')
    .map((c) => `i.${c.trim()}`)
    .join(', '),
);

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
  return plan(`SELECT ${LIST_COLUMNS[tenant ? 1 : 0]} FROM ${from} WHERE ${where.join(' AND ')} ORDER BY i.seq LIMIT ?`, ...values, limit);
}

/** History rows are keyed by pos = instance seq * 2^32 + revision (schema v3). */
export const HISTORY_POS_BASE = 4294967296;
const INSERT_HISTORY = `INSERT INTO docket_history (pos, instance_id, revision, kind, at, entry) VALUES (? * ${HISTORY_POS_BASE} + ?, ?, ?, ?, ?, ?)`;
/** Appends one entry of the instance whose row is `seq`; a constraint error means the revision exists. */
export const insertHistory = (seq: number, e: HistoryEntry): SqlitePlan => ({
  text: INSERT_HISTORY,
  values: [seq, e.revision, e.instanceId, e.revision, e.kind, e.at, json(e)],
});

/** An instance's history after a revision: one range of pos (schema v3 and later). */
export const history = (instanceId: string, afterRevision: number, limit: number) =>
  plan(
    `SELECT h.revision, h.entry FROM docket_instances i JOIN docket_history h
       ON h.pos > i.seq * ${HISTORY_POS_BASE} + ? AND h.pos < (i.seq + 1) * ${HISTORY_POS_BASE}
     WHERE i.id = ? ORDER BY h.pos LIMIT ?`,
    Math.max(0, afterRevision),
    instanceId,
    limit,
  );
/** The same on a schema v1/v2 file opened read-only (never migrated). */
export const historyBeforeV3 = (instanceId: string, afterRevision: number, limit: number) =>
  plan(`SELECT revision, entry FROM docket_history WHERE instance_id = ? AND revision > ? ORDER BY revision LIMIT ?`, instanceId, afterRevision, limit);

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
export const claimTimers = (now: Instant, claim: HeldClaim, leaseMs: number, limit: number) =>
  plan(
    `UPDATE docket_timers SET claimed_by = ?, claim_token = ?, lease_until = ?, ready_at = ?
     WHERE id IN (SELECT id FROM docket_timers WHERE status = 'pending' AND ready_at <= ? ORDER BY ready_at, id LIMIT ?)
     RETURNING ${TIMER_COLUMNS}`,
    claim.owner,
    claim.token,
    now + leaseMs,
    now + leaseMs,
    now,
    limit,
  );
/** The hands on a claimed timer: each only under the claim that holds it (owner and token), only while pending. */
export const releaseTimer = (id: string, claim: HeldClaim) =>
  plan(`UPDATE docket_timers SET claimed_by = NULL, claim_token = NULL, lease_until = NULL, ready_at = due_at WHERE id = ? AND claimed_by = ? AND claim_token = ? AND status = 'pending'`, id, claim.owner, claim.token);
export const deferTimer = (id: string, claim: HeldClaim, until: Instant) =>
  plan(`UPDATE docket_timers SET claimed_by = NULL, claim_token = NULL, lease_until = NULL, ready_at = ? WHERE id = ? AND claimed_by = ? AND claim_token = ? AND status = 'pending'`, until, id, claim.owner, claim.token);
export const retireTimer = (id: string, claim: HeldClaim) =>
  plan(`UPDATE docket_timers SET status = 'cancelled', claimed_by = NULL, claim_token = NULL, lease_until = NULL WHERE id = ? AND claimed_by = ? AND claim_token = ? AND status = 'pending'`, id, claim.owner, claim.token);

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
export const claimEffects = (now: Instant, claim: HeldClaim, leaseMs: number, limit: number) =>
  plan(
    `UPDATE docket_effects SET claimed_by = ?, claim_token = ?, lease_until = ?, ready_at = ?
     WHERE seq IN (SELECT seq FROM docket_effects WHERE status = 'pending' AND ready_at <= ? ORDER BY ready_at, id LIMIT ?)
     RETURNING ${EFFECT_COLUMNS}`,
    claim.owner,
    claim.token,
    now + leaseMs,
    now + leaseMs,
    now,
    limit,
  );
export const nextEffectDue = () => plan(`SELECT MIN(ready_at) AS at FROM docket_effects WHERE status = 'pending'`);
/** Set an effect whose row cannot be read aside in its claim: dead, the reason kept, no claim held. */
export const setAsideEffect = (id: string, reason: string) =>
  plan(
    `UPDATE docket_effects SET status = 'dead', last_error = ?, claimed_by = NULL, claim_token = NULL, lease_until = NULL, ready_at = next_attempt_at WHERE id = ?`,
    reason,
    id,
  );
export const updateEffect = (id: string, u: EffectUpdate) =>
  plan(
    `UPDATE docket_effects SET status = ?, attempts = ?, next_attempt_at = ?, last_error = COALESCE(?, last_error),
      delivered_at = COALESCE(?, delivered_at), claimed_by = NULL, claim_token = NULL, lease_until = NULL, ready_at = ?
     WHERE id = ? AND claimed_by = ? AND claim_token = ?`,
    u.status,
    u.attempts,
    u.nextAttemptAt,
    u.lastError ?? null,
    u.deliveredAt ?? null,
    u.nextAttemptAt,
    id,
    u.owner,
    u.token,
  );
/** Whether the outbox holds an effect (told apart from a stale claim when an update changed nothing). */
export const effectExists = (id: string) => plan(`SELECT 1 AS found FROM docket_effects WHERE id = ?`, id);
export const effects = (instanceId: string) => plan(`SELECT ${EFFECT_COLUMNS} FROM docket_effects WHERE instance_id = ? ORDER BY seq`, instanceId);

export const deleteTasks = (instanceId: string) => [
  plan(`DELETE FROM docket_task_assignees WHERE instance_id = ?`, instanceId),
  plan(`DELETE FROM docket_task_roles WHERE instance_id = ?`, instanceId),
  plan(`DELETE FROM docket_tasks WHERE instance_id = ?`, instanceId),
];
/** One task's rows, by its seq (the instance id narrows the side tables through their index). */
export const deleteTask = (instanceId: string, taskSeq: number) => [
  plan(`DELETE FROM docket_task_assignees WHERE instance_id = ? AND task_seq = ?`, instanceId, taskSeq),
  plan(`DELETE FROM docket_task_roles WHERE instance_id = ? AND task_seq = ?`, instanceId, taskSeq),
  plan(`DELETE FROM docket_tasks WHERE seq = ?`, taskSeq),
];
export const insertTaskJson = (t: TaskRecord, body: string) =>
  plan(`INSERT INTO docket_tasks (instance_id, workflow, status, task) VALUES (?, ?, ?, ?)`, t.instanceId, t.workflow, t.status, body);
export const insertTaskAssignee = (assignee: string, taskSeq: number, instanceId: string) =>
  plan(`INSERT OR IGNORE INTO docket_task_assignees (assignee, task_seq, instance_id) VALUES (?, ?, ?)`, assignee, taskSeq, instanceId);
export const insertTaskRole = (role: string, taskSeq: number, instanceId: string) =>
  plan(`INSERT OR IGNORE INTO docket_task_roles (role, task_seq, instance_id) VALUES (?, ?, ?)`, role, taskSeq, instanceId);

/**
 * Tasks by assignee or role go through their side table's index; the rest filter the narrowed set.
 * A tenant filter joins the instance row, whose tenant comes from the chained start entry; a file
 * read at a schema before tenants (`tenantColumn` false) has no tenant, so it matches nothing.
 */
export function tasks(query: TaskQuery, tenantColumn = true, limit = PAGE_LIMIT_MAX): SqlitePlan {
  // Joined for the order every store lists tasks in (see `TaskQuery`): by the instance's creation,
  // then the instance's own list order (its rows keep it by seq).
  let from = 'docket_tasks t JOIN docket_instances i ON i.id = t.instance_id';
  const where: string[] = [];
  const values: (string | number)[] = [];
  if (query.tenant !== undefined) {
    if (!tenantColumn) return plan(`SELECT task FROM docket_tasks WHERE 0`);
    where.push('i.tenant = ?');
    values.push(query.tenant);
  }
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
  return plan(`SELECT t.task FROM ${from}${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY i.seq, t.seq LIMIT ?`, ...values, limit);
}

export const insertIdempotency = (r: IdempotencyRecord) =>
  plan(`INSERT INTO docket_idempotency (instance_id, key, record) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`, r.instanceId, r.key, json(r));
export const findIdempotency = (instanceId: string, key: string) =>
  plan(`SELECT record FROM docket_idempotency WHERE instance_id = ? AND key = ?`, instanceId, key);
