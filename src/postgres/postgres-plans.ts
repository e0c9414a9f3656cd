import { PAGE_LIMIT_MAX } from '../store/query-rules.js';
import type { Instant } from '../clock/clock.js';
import type { Commit, EffectUpdate, HeldClaim, InstanceQuery, TaskQuery } from '../store/store.js';
import { tasksOf } from '../store/commit-rules.js';
import type { RefusalEntry } from '../store/records.js';

/** One SQL statement and its parameters: pure data, run by the store's thin driver (pg-boss style). */
export interface PostgresPlan {
  readonly text: string;
  readonly values: readonly unknown[];
}

const plan = (text: string, ...values: unknown[]): PostgresPlan => ({ text, values });

/** Quote a schema name for SQL; only plain identifiers are accepted, so nothing needs escaping. */
export function quoteSchema(schema: string): string {
  return `"${schema}"`;
}

export const lockMigrations = (schema: string) => plan(`SELECT pg_advisory_xact_lock(hashtext($1))`, `docket:migrate:${schema}`);
export const createSchema = (s: string) => plan(`CREATE SCHEMA IF NOT EXISTS ${s}`);
export const createMeta = (s: string) => plan(`CREATE TABLE IF NOT EXISTS ${s}.docket_meta (key text PRIMARY KEY, value text NOT NULL)`);
export const getMeta = (s: string, key: string) => plan(`SELECT value FROM ${s}.docket_meta WHERE key = $1`, key);
export const setMeta = (s: string, key: string, value: string) =>
  plan(`INSERT INTO ${s}.docket_meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value`, key, value);

const INSTANCE_COLUMNS = `seq, id, workflow, version, status, suspended, revision, next_due_at, history_hash, initiator,
  created_at, updated_at, row_format, snapshot, state, context, state_paths, timers, held_timers, tenant`;

export const loadInstance = (s: string, id: string) => plan(`SELECT ${INSTANCE_COLUMNS} FROM ${s}.docket_instances WHERE id = $1`, id);
/**
 * Instance rows, each with the history entry of its revision (its head), for several ids in one
 * statement (one snapshot): one row per id that exists, in no particular order (the caller matches
 * rows by `id`). A lone act's load is this statement with one id.
 */
export const loadInstancesWithHead = (s: string, ids: readonly string[]) =>
  plan(
    `SELECT ${INSTANCE_COLUMNS.split(',').map((c) => `i.${c.trim()}`).join(', ')}, h.entry AS head_entry FROM ${s}.docket_instances i ` +
      `LEFT JOIN ${s}.docket_history h ON h.instance_id = i.id AND h.revision = i.revision WHERE i.id = ANY($1::text[])`,
    ids,
  );

/**
 * The JSON one commit travels as into `docket_commit` (schema 4, see the migration): the fields the
 * function reads as values, and every JSON value a column keeps as its text, so that Postgres stores
 * what Docket wrote (the batch is `jsonb`, which would sort its keys).
 */
export function commitPayload(c: Commit): unknown {
  const i = c.instance;
  const tasks = tasksOf(c);
  return {
    expected: c.expectedRevision,
    instance: {
      ...i,
      snapshot: JSON.stringify(i.snapshot),
      state: JSON.stringify(i.state),
      context: JSON.stringify(i.context),
      timers: JSON.stringify(i.timers),
      heldTimers: JSON.stringify(i.heldTimers ?? null),
    },
    history: { revision: c.history.revision, kind: c.history.kind, at: c.history.at },
    entry: JSON.stringify(c.history),
    fires: c.firesTimer ?? null,
    idempotency: c.idempotency === undefined ? null : { key: c.idempotency.key },
    idempotencyRecord: c.idempotency === undefined ? null : JSON.stringify(c.idempotency),
    cancel: c.cancelTimerIds,
    addTimers: c.addTimers.map((t) => ({ ...t, event: JSON.stringify(t.event) })),
    effects: c.effects.map((e) => ({ ...e, params: JSON.stringify(e.params) })),
    tasks: tasks === undefined ? null : tasks.map((t) => ({ instanceId: t.instanceId, workflow: t.workflow, status: t.status, assignees: t.assignees, roles: t.roles, task: JSON.stringify(t) })),
  };
}

/** A whole group of commits in one call: one round trip, one transaction, a savepoint each. */
export const commitBatch = (s: string, commits: readonly Commit[]) => plan(`SELECT ${s}.docket_commit($1::jsonb) AS results`, JSON.stringify(commits.map(commitPayload)));

/** Keyset pagination on the insertion sequence; state paths go through the GIN index. */
export function listInstances(s: string, query: InstanceQuery, afterSeq: string, limit: number): PostgresPlan {
  const values: unknown[] = [afterSeq];
  const where = ['seq > $1'];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (query.workflow !== undefined) add('workflow = ?', query.workflow);
  if (query.status !== undefined) add('status = ?', query.status);
  if (query.tenant !== undefined) add('tenant = ?', query.tenant);
  if (query.state !== undefined) add('state_paths @> ARRAY[?]::text[]', query.state);
  if (query.dueBefore !== undefined) add('next_due_at < ?', query.dueBefore);
  values.push(limit);
  return plan(`SELECT ${INSTANCE_COLUMNS} FROM ${s}.docket_instances WHERE ${where.join(' AND ')} ORDER BY seq LIMIT $${values.length}`, ...values);
}

export const history = (s: string, instanceId: string, afterRevision: number, limit: number | null) =>
  plan(`SELECT revision, entry FROM ${s}.docket_history WHERE instance_id = $1 AND revision > $2 ORDER BY revision LIMIT $3`, instanceId, afterRevision, limit);

export const insertRefusal = (s: string, r: RefusalEntry) =>
  plan(`INSERT INTO ${s}.docket_refusals (instance_id, entry) VALUES ($1, $2::json)`, r.instanceId, JSON.stringify(r));
export const refusals = (s: string, instanceId: string) => plan(`SELECT entry FROM ${s}.docket_refusals WHERE instance_id = $1 ORDER BY seq`, instanceId);

const TIMER_COLUMNS = `id, instance_id, key, name, event, due_at, revision, status, fired_at`;

export const pendingTimers = (s: string, instanceId: string) =>
  plan(`SELECT ${TIMER_COLUMNS} FROM ${s}.docket_timers WHERE instance_id = $1 AND status = 'pending' ORDER BY due_at, id COLLATE "C"`, instanceId);
/** `ready_at` is the due instant, or the lease expiry while a worker holds the timer. */
export const nextTimerDue = (s: string) => plan(`SELECT MIN(ready_at) AS at FROM ${s}.docket_timers WHERE status = 'pending'`);
/**
 * Claim with `FOR UPDATE SKIP LOCKED`: concurrent workers never wait on, or get, each other's rows.
 * Ties by id in code point order (`COLLATE "C"`, as SQLite's BINARY and `compareIds`): ordered by
 * `ready_at` alone, a claim of 100 among 150 timers due at one instant took any 100, so one
 * instance's timers due together fired in another order when more than one claim was needed.
 */
export const claimTimers = (s: string, now: Instant, claim: HeldClaim, leaseMs: number, limit: number) =>
  plan(
    `WITH due AS (
       SELECT id FROM ${s}.docket_timers WHERE status = 'pending' AND ready_at <= $1 ORDER BY ready_at, id COLLATE "C" LIMIT $2 FOR UPDATE SKIP LOCKED
     )
     UPDATE ${s}.docket_timers t SET claimed_by = $3, claim_token = $5, lease_until = $4, ready_at = $4 FROM due WHERE t.id = due.id
     RETURNING t.id, t.instance_id, t.key, t.name, t.event, t.due_at, t.revision, t.status, t.fired_at`,
    now,
    limit,
    claim.owner,
    now + leaseMs,
    claim.token,
  );
/** The hands on a claimed timer: each only under the claim that holds it (owner and token), only while pending. */
export const releaseTimer = (s: string, id: string, claim: HeldClaim) =>
  plan(`UPDATE ${s}.docket_timers SET claimed_by = NULL, claim_token = NULL, lease_until = NULL, ready_at = due_at WHERE id = $1 AND claimed_by = $2 AND claim_token = $3 AND status = 'pending'`, id, claim.owner, claim.token);
export const deferTimer = (s: string, id: string, claim: HeldClaim, until: Instant) =>
  plan(`UPDATE ${s}.docket_timers SET claimed_by = NULL, claim_token = NULL, lease_until = NULL, ready_at = $4 WHERE id = $1 AND claimed_by = $2 AND claim_token = $3 AND status = 'pending'`, id, claim.owner, claim.token, until);
export const retireTimer = (s: string, id: string, claim: HeldClaim) =>
  plan(`UPDATE ${s}.docket_timers SET status = 'cancelled', claimed_by = NULL, claim_token = NULL, lease_until = NULL WHERE id = $1 AND claimed_by = $2 AND claim_token = $3 AND status = 'pending' RETURNING id`, id, claim.owner, claim.token);

const EFFECT_COLUMNS = `id, instance_id, workflow, revision, idx, type, params, status, attempts, next_attempt_at, last_error, delivered_at`;

export const claimEffects = (s: string, now: Instant, claim: HeldClaim, leaseMs: number, limit: number) =>
  plan(
    `WITH due AS (
       SELECT seq FROM ${s}.docket_effects WHERE status = 'pending' AND ready_at <= $1 ORDER BY ready_at, id COLLATE "C" LIMIT $2 FOR UPDATE SKIP LOCKED
     )
     UPDATE ${s}.docket_effects e SET claimed_by = $3, claim_token = $5, lease_until = $4, ready_at = $4 FROM due WHERE e.seq = due.seq
     RETURNING ${EFFECT_COLUMNS.split(', ').map((c) => `e.${c}`).join(', ')}`,
    now,
    limit,
    claim.owner,
    now + leaseMs,
    claim.token,
  );
export const nextEffectDue = (s: string) => plan(`SELECT MIN(ready_at) AS at FROM ${s}.docket_effects WHERE status = 'pending'`);
export const updateEffect = (s: string, id: string, u: EffectUpdate) =>
  plan(
    `UPDATE ${s}.docket_effects SET status = $2, attempts = $3, next_attempt_at = $4, last_error = COALESCE($5, last_error),
       delivered_at = COALESCE($6, delivered_at), claimed_by = NULL, claim_token = NULL, lease_until = NULL, ready_at = $4
     WHERE id = $1 AND claimed_by = $7 AND claim_token = $8`,
    id,
    u.status,
    u.attempts,
    u.nextAttemptAt,
    u.lastError ?? null,
    u.deliveredAt ?? null,
    u.owner,
    u.token,
  );
/** Whether the outbox holds an effect (told apart from a stale claim when an update changed nothing). */
export const effectExists = (s: string, id: string) => plan(`SELECT 1 AS found FROM ${s}.docket_effects WHERE id = $1`, id);
export const effects = (s: string, instanceId: string) => plan(`SELECT ${EFFECT_COLUMNS} FROM ${s}.docket_effects WHERE instance_id = $1 ORDER BY seq`, instanceId);

/** Tasks by assignee or role use the GIN indexes on the array columns. */
export function tasks(s: string, query: TaskQuery, limit = PAGE_LIMIT_MAX): PostgresPlan {
  const values: unknown[] = [];
  const where: string[] = [];
  const add = (sql: string, value: unknown) => {
    values.push(value);
    where.push(sql.replace('?', `$${values.length}`));
  };
  if (query.assignee !== undefined) add('t.assignees @> ARRAY[?]::text[]', query.assignee);
  if (query.role !== undefined) add('t.roles @> ARRAY[?]::text[]', query.role);
  if (query.instanceId !== undefined) add('t.instance_id = ?', query.instanceId);
  if (query.workflow !== undefined) add('t.workflow = ?', query.workflow);
  if (query.status !== undefined) add('t.status = ?', query.status);
  // The instance's tenant (filled from its chained start entry) decides: a task row cannot claim one.
  if (query.tenant !== undefined) add('i.tenant = ?', query.tenant);
  values.push(limit);
  // In the order every store lists tasks (see `TaskQuery`): by the instance's creation, then its own
  // list order. By row seq alone, an instance's tasks moved behind every other instance's at each of
  // its commits (they are written afresh), where SQLite keeps kept rows and memory its lists.
  return plan(
    `SELECT t.instance_id, t.task FROM ${s}.docket_tasks t JOIN ${s}.docket_instances i ON i.id = t.instance_id${where.length ? ` WHERE ${where.join(' AND ')}` : ''} ORDER BY i.seq, t.seq LIMIT $${values.length}`,
    ...values,
  );
}

export const findIdempotency = (s: string, instanceId: string, key: string) =>
  plan(`SELECT record FROM ${s}.docket_idempotency WHERE instance_id = $1 AND key = $2`, instanceId, key);
