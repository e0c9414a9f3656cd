import { latestSchemaVersion, type VersionedMigration } from '../store/schema-version.js';

/**
 * Versioned schema of the PostgreSQL store, applied by `init()` under an advisory transaction lock
 * so that two processes starting at once neither race nor apply a step twice. Never edit a shipped
 * migration: add one. `s` is the quoted schema name.
 */
export interface PostgresMigration extends VersionedMigration {
  readonly version: number;
  readonly sql: (s: string) => string;
}

/**
 * The SQLSTATE `docket_commit` (schema 7 on) raises for a commit that cancels timers not all pending
 * in the timer table (`timersNotPending` in `src/store/commit-rules.ts`); its message says how many were.
 */
export const TIMERS_NOT_PENDING = 'DK412';

/** The row format written into `docket_instances.row_format`; newer rows are refused, never guessed at. */
export const POSTGRES_ROW_FORMAT = 1;

/**
 * Applies a batch of commits, each in its own subtransaction (savepoint): one round trip, one fsync.
 *
 * The batch travels as `jsonb`, which sorts an object's keys (shorter first). From schema 4 on
 * (`exact`), every JSON value a column keeps (snapshot, state, context, timers, the history entry, a
 * timer's event, an effect's params, a task, an idempotency record) travels as its JSON text inside
 * the batch and is stored as that text: a record read back is the record written, key order
 * included, as in the memory and SQLite stores. (Before, an instance restored from Postgres had its
 * context's keys in jsonb's order, so a machine that reads keys in order could step differently
 * after a restart.) Schema 1 keeps its shipped text (`exact` false).
 */
const commitFunction = (s: string, exact = false, strictCancel = false) => {
  /** The JSON column value of field `f` of jsonb `o`: its text (exact), or the jsonb value cast. */
  const col = (o: string, f: string) => (exact ? `(${o}->>'${f}')::json` : `(${o}->'${f}')::json`);
  return `
CREATE OR REPLACE FUNCTION ${s}.docket_commit(batch jsonb) RETURNS jsonb LANGUAGE plpgsql AS $fn$
DECLARE
  c jsonb;
  i jsonb;
  h jsonb;
  v_seq bigint;
  v_head int;
  n int;
  wake boolean := false;
  results jsonb := '[]'::jsonb;
BEGIN
  FOR c IN SELECT value FROM jsonb_array_elements(batch) LOOP
    BEGIN
      i := c->'instance';
      h := c->'history';
      v_seq := NULL;
      IF (c->>'expected')::int = 0 THEN
        INSERT INTO ${s}.docket_instances (id, workflow, version, status, suspended, revision, next_due_at, history_hash, initiator,
          created_at, updated_at, row_format, snapshot, state, context, state_paths, timers, held_timers)
        VALUES (i->>'id', i->>'workflow', (i->>'version')::int, i->>'status', (i->>'suspended')::boolean, (i->>'revision')::int,
          (i->>'nextDueAt')::bigint, i->>'historyHash', i->>'initiator', (i->>'createdAt')::bigint, (i->>'updatedAt')::bigint,
          ${POSTGRES_ROW_FORMAT}, ${col('i', 'snapshot')}, ${col('i', 'state')}, ${col('i', 'context')}, ARRAY(SELECT jsonb_array_elements_text(i->'statePaths')),
          ${col('i', 'timers')}, ${col('i', 'heldTimers')})
        ON CONFLICT (id) DO NOTHING
        RETURNING seq INTO v_seq;
        IF v_seq IS NULL THEN
          RAISE EXCEPTION 'Instance % already exists: another writer created it first.', i->>'id' USING ERRCODE = 'DK409';
        END IF;
      ELSE
        UPDATE ${s}.docket_instances SET workflow = i->>'workflow', version = (i->>'version')::int, status = i->>'status',
          suspended = (i->>'suspended')::boolean, revision = (i->>'revision')::int, next_due_at = (i->>'nextDueAt')::bigint,
          history_hash = i->>'historyHash', initiator = i->>'initiator', created_at = (i->>'createdAt')::bigint,
          updated_at = (i->>'updatedAt')::bigint, row_format = ${POSTGRES_ROW_FORMAT}, snapshot = ${col('i', 'snapshot')}, state = ${col('i', 'state')},
          context = ${col('i', 'context')}, state_paths = ARRAY(SELECT jsonb_array_elements_text(i->'statePaths')), timers = ${col('i', 'timers')},
          held_timers = ${col('i', 'heldTimers')}
        WHERE id = i->>'id' AND revision = (c->>'expected')::int
        RETURNING seq INTO v_seq;
        IF v_seq IS NULL THEN
          SELECT revision INTO v_head FROM ${s}.docket_instances WHERE id = i->>'id';
          RAISE EXCEPTION 'Instance % is at revision %, not %: another writer changed it first.', i->>'id', coalesce(v_head, 0), c->>'expected'
            USING ERRCODE = 'DK409';
        END IF;
      END IF;
      IF jsonb_typeof(c->'fires') = 'object' THEN
        UPDATE ${s}.docket_timers SET status = 'fired', fired_at = (c->'fires'->>'firedAt')::bigint, claimed_by = NULL, lease_until = NULL
        WHERE id = c->'fires'->>'id' AND status = 'pending';
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n = 0 THEN
          RAISE EXCEPTION 'Timer % is no longer pending.', c->'fires'->>'id' USING ERRCODE = 'DK409';
        END IF;
      END IF;
      IF jsonb_typeof(c->'idempotency') = 'object' THEN
        INSERT INTO ${s}.docket_idempotency (instance_id, key, record)
        VALUES (i->>'id', c->'idempotency'->>'key', ${exact ? col('c', 'idempotencyRecord') : `(c->'idempotency')::json`}) ON CONFLICT DO NOTHING;
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n = 0 THEN
          RAISE EXCEPTION 'Idempotency key "%" was used concurrently.', c->'idempotency'->>'key' USING ERRCODE = 'DK409';
        END IF;
      END IF;
      INSERT INTO ${s}.docket_history (instance_id, revision, kind, at, entry)
      VALUES (i->>'id', (h->>'revision')::int, h->>'kind', (h->>'at')::bigint, ${exact ? col('c', 'entry') : 'h::json'});
      IF jsonb_array_length(c->'cancel') > 0 THEN
        UPDATE ${s}.docket_timers SET status = 'cancelled', claimed_by = NULL, lease_until = NULL
        WHERE id IN (SELECT jsonb_array_elements_text(c->'cancel')) AND status = 'pending';${
          strictCancel
            ? `
        GET DIAGNOSTICS n = ROW_COUNT;
        IF n <> jsonb_array_length(c->'cancel') THEN
          RAISE EXCEPTION 'Instance %: % of % timers to cancel are pending.', i->>'id', n, jsonb_array_length(c->'cancel') USING ERRCODE = '${TIMERS_NOT_PENDING}';
        END IF;`
            : ''
        }
      END IF;
      IF jsonb_array_length(c->'addTimers') > 0 THEN
        INSERT INTO ${s}.docket_timers (id, instance_id, key, name, event, due_at, revision, status, ready_at)
        SELECT t->>'id', t->>'instanceId', t->>'key', t->>'name', ${col('t', 'event')}, (t->>'dueAt')::bigint, (t->>'revision')::int, 'pending',
          (t->>'dueAt')::bigint
        FROM jsonb_array_elements(c->'addTimers') t;
        wake := true;
      END IF;
      IF jsonb_array_length(c->'effects') > 0 THEN
        INSERT INTO ${s}.docket_effects (id, instance_id, workflow, revision, idx, type, params, status, attempts, next_attempt_at, ready_at)
        SELECT e->>'id', e->>'instanceId', e->>'workflow', (e->>'revision')::int, (e->>'index')::int, e->>'type', ${col('e', 'params')},
          e->>'status', (e->>'attempts')::int, (e->>'nextAttemptAt')::bigint, (e->>'nextAttemptAt')::bigint
        FROM jsonb_array_elements(c->'effects') e;
        wake := true;
      END IF;
      IF jsonb_typeof(c->'tasks') = 'array' THEN
        DELETE FROM ${s}.docket_tasks WHERE instance_id = i->>'id';
        INSERT INTO ${s}.docket_tasks (instance_id, workflow, status, assignees, roles, task)
        SELECT t->>'instanceId', t->>'workflow', t->>'status', ARRAY(SELECT jsonb_array_elements_text(t->'assignees')),
          ARRAY(SELECT jsonb_array_elements_text(t->'roles')), ${exact ? col('t', 'task') : 't::json'}
        FROM jsonb_array_elements(c->'tasks') t;
      END IF;
      results := results || jsonb_build_array(jsonb_build_object('ok', true));
    EXCEPTION
      WHEN SQLSTATE 'DK409' OR unique_violation OR deadlock_detected OR serialization_failure OR lock_not_available THEN
        results := results || jsonb_build_array(jsonb_build_object('ok', false, 'code', 'CONFLICT', 'message', SQLERRM, 'sqlstate', SQLSTATE));
      WHEN OTHERS THEN
        results := results || jsonb_build_array(jsonb_build_object('ok', false, 'code', 'ERROR', 'message', SQLERRM, 'sqlstate', SQLSTATE));
    END;
  END LOOP;
  IF wake THEN
    PERFORM pg_notify('docket_wake', '${s.replace(/'/g, "''")}');
  END IF;
  RETURN results;
END
$fn$;`;
};

export const POSTGRES_MIGRATIONS: readonly PostgresMigration[] = [
  {
    version: 1,
    sql: (s) => `
CREATE TABLE ${s}.docket_instances (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  workflow text NOT NULL,
  version int NOT NULL,
  status text NOT NULL,
  suspended boolean NOT NULL,
  revision int NOT NULL,
  next_due_at bigint,
  history_hash text NOT NULL,
  initiator text NOT NULL,
  created_at bigint NOT NULL,
  updated_at bigint NOT NULL,
  row_format int NOT NULL,
  snapshot json NOT NULL,
  state json NOT NULL,
  context json NOT NULL,
  state_paths text[] NOT NULL,
  timers json NOT NULL,
  held_timers json
);
CREATE INDEX docket_instances_workflow ON ${s}.docket_instances (workflow, seq);
CREATE INDEX docket_instances_status ON ${s}.docket_instances (status, seq);
CREATE INDEX docket_instances_due ON ${s}.docket_instances (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE INDEX docket_instances_state_paths ON ${s}.docket_instances USING gin (state_paths);
CREATE TABLE ${s}.docket_history (
  instance_id text NOT NULL,
  revision int NOT NULL,
  kind text NOT NULL,
  at bigint NOT NULL,
  entry json NOT NULL,
  PRIMARY KEY (instance_id, revision)
);
CREATE TABLE ${s}.docket_refusals (seq bigserial PRIMARY KEY, instance_id text NOT NULL, entry json NOT NULL);
CREATE INDEX docket_refusals_instance ON ${s}.docket_refusals (instance_id, seq);
CREATE TABLE ${s}.docket_timers (
  id text PRIMARY KEY,
  instance_id text NOT NULL,
  key text NOT NULL,
  name text NOT NULL,
  event json NOT NULL,
  due_at bigint NOT NULL,
  revision int NOT NULL,
  status text NOT NULL,
  fired_at bigint,
  claimed_by text,
  lease_until bigint,
  ready_at bigint NOT NULL
);
CREATE INDEX docket_timers_ready ON ${s}.docket_timers (ready_at) WHERE status = 'pending';
CREATE INDEX docket_timers_instance ON ${s}.docket_timers (instance_id, due_at);
CREATE TABLE ${s}.docket_effects (
  seq bigserial PRIMARY KEY,
  id text NOT NULL UNIQUE,
  instance_id text NOT NULL,
  workflow text NOT NULL,
  revision int NOT NULL,
  idx int NOT NULL,
  type text NOT NULL,
  params json NOT NULL,
  status text NOT NULL,
  attempts int NOT NULL,
  next_attempt_at bigint NOT NULL,
  last_error text,
  delivered_at bigint,
  claimed_by text,
  lease_until bigint,
  ready_at bigint NOT NULL
);
CREATE INDEX docket_effects_ready ON ${s}.docket_effects (ready_at) WHERE status = 'pending';
CREATE INDEX docket_effects_instance ON ${s}.docket_effects (instance_id, seq);
CREATE TABLE ${s}.docket_tasks (
  seq bigserial PRIMARY KEY,
  instance_id text NOT NULL,
  workflow text NOT NULL,
  status text NOT NULL,
  assignees text[] NOT NULL,
  roles text[] NOT NULL,
  task json NOT NULL
);
CREATE INDEX docket_tasks_instance ON ${s}.docket_tasks (instance_id);
CREATE INDEX docket_tasks_assignees ON ${s}.docket_tasks USING gin (assignees);
CREATE INDEX docket_tasks_roles ON ${s}.docket_tasks USING gin (roles);
CREATE TABLE ${s}.docket_idempotency (
  instance_id text NOT NULL,
  key text NOT NULL,
  record json NOT NULL,
  PRIMARY KEY (instance_id, key)
);
${commitFunction(s)}
`,
  },
  {
    // Tenants and retention (see the SQLite store's schema v4): the tenant column is filled from the
    // chained start entry by a trigger, so the commit function is unchanged; finished rows are found
    // by a partial index active commits never touch; archive and tombstone tables keep JSON records.
    version: 2,
    sql: (s) => `
ALTER TABLE ${s}.docket_instances ADD COLUMN tenant text;
CREATE INDEX docket_instances_tenant ON ${s}.docket_instances (tenant, seq) WHERE tenant IS NOT NULL;
CREATE INDEX docket_instances_finished ON ${s}.docket_instances (updated_at) WHERE status <> 'active';
CREATE FUNCTION ${s}.docket_instance_tenant() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  UPDATE ${s}.docket_instances SET tenant = NEW.entry->'event'->>'tenant' WHERE id = NEW.instance_id;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER docket_instance_tenant AFTER INSERT ON ${s}.docket_history FOR EACH ROW
  WHEN (NEW.revision = 1 AND NEW.kind = 'start' AND NEW.entry->'event'->>'tenant' IS NOT NULL)
  EXECUTE FUNCTION ${s}.docket_instance_tenant();
CREATE TABLE ${s}.docket_archive_instances (id text PRIMARY KEY, tenant text, archived_at bigint NOT NULL, record json NOT NULL, refusals json NOT NULL, effects json NOT NULL);
CREATE TABLE ${s}.docket_archive_history (instance_id text NOT NULL, revision int NOT NULL, entry json NOT NULL, PRIMARY KEY (instance_id, revision));
CREATE TABLE ${s}.docket_tombstones (id text PRIMARY KEY, tenant text, purged_at bigint NOT NULL, tombstone json NOT NULL);
`,
  },
  {
    // An id names one instance for good: a create under an archived or purged instance's id is a
    // CONFLICT, decided in the creating statement itself. The row trigger runs AFTER the insert, so
    // when the insert had to wait for an archive that was moving the same id (deleting its hot row),
    // the trigger's query runs after that archive committed and sees it (READ COMMITTED takes a new
    // snapshot per statement); a check before the insert could not.
    version: 3,
    sql: (s) => `
CREATE FUNCTION ${s}.docket_retained_id() RETURNS trigger LANGUAGE plpgsql AS $fn$
BEGIN
  IF EXISTS (SELECT 1 FROM ${s}.docket_archive_instances WHERE id = NEW.id) OR EXISTS (SELECT 1 FROM ${s}.docket_tombstones WHERE id = NEW.id) THEN
    RAISE EXCEPTION 'Instance % already exists: it finished and was archived or purged, and an id is never reused. Start with another id (or none).', NEW.id
      USING ERRCODE = 'DK409';
  END IF;
  RETURN NULL;
END
$fn$;
CREATE TRIGGER docket_retained_id AFTER INSERT ON ${s}.docket_instances FOR EACH ROW EXECUTE FUNCTION ${s}.docket_retained_id();
`,
  },
  {
    // Every JSON value a commit writes is stored as the text Docket wrote (see commitFunction): a
    // record read back is the record written, key order included. The payload of a commit changes
    // with it (postgres-plans.ts commitPayload), so a Docket older than this refuses the schema.
    version: 4,
    sql: (s) => commitFunction(s, true),
  },
  {
    // Each claim's own token beside its owner (see the SQLite store's schema v5): a release, deferral,
    // retirement or effect outcome applies only under the claim that holds the row. A row claimed
    // before this has no token: no hand matches it, and it is claimed again once its lease runs out.
    version: 5,
    sql: (s) => `
ALTER TABLE ${s}.docket_timers ADD COLUMN claim_token text;
ALTER TABLE ${s}.docket_effects ADD COLUMN claim_token text;
`,
  },
  {
    // A task names who holds a seat in its step (TaskRecord.seated; see the SQLite store's schema
    // v6), so a stand-in (代理) who sits in the step is not offered the principal's task. A row stored
    // before gets it here, read from its instance's context as the approval plugin reads it
    // (seatHolders: per assignment in order, its user when open, queued or decided, an open one's
    // delegate, and actedBy; each person once), appended to the row's JSON text so its other keys
    // keep their order (the store keeps the text Docket wrote). A row whose step is not an approval
    // step in the context is left as it is.
    version: 6,
    sql: (s) => `
UPDATE ${s}.docket_tasks t SET task = regexp_replace(t.task::text, '\\}\\s*$', ',"seated":' || (
  SELECT coalesce(array_to_json(array_agg(h.name ORDER BY h.first))::text, '[]') FROM (
    SELECT p.name, min(p.ord) AS first FROM (
      SELECT a.ord * 3 + k.n AS ord, k.name
      FROM ${s}.docket_instances i,
        json_array_elements(CASE WHEN json_typeof(i.context->'approvals'->(t.task->>'step')->'assignments') = 'array'
          THEN i.context->'approvals'->(t.task->>'step')->'assignments' ELSE '[]'::json END) WITH ORDINALITY AS a(value, ord),
        LATERAL (VALUES (0, CASE WHEN json_typeof(a.value->'user') = 'string' THEN a.value->>'user' END),
                        (1, CASE WHEN a.value->>'status' = 'pending' AND json_typeof(a.value->'delegate') = 'string' THEN a.value->>'delegate' END),
                        (2, CASE WHEN json_typeof(a.value->'actedBy') = 'string' THEN a.value->>'actedBy' END)) AS k(n, name)
      WHERE i.id = t.instance_id AND json_typeof(a.value) = 'object' AND a.value->>'status' IN ('pending', 'approved', 'rejected', 'skipped')
        AND json_typeof(a.value->'user') = 'string' AND k.name IS NOT NULL
    ) p GROUP BY p.name
  ) h
) || '}')::json
WHERE json_typeof(t.task) = 'object' AND json_typeof(t.task->'step') = 'string' AND t.task->'seated' IS NULL AND EXISTS (
  SELECT 1 FROM ${s}.docket_instances i
  WHERE i.id = t.instance_id AND json_typeof(i.context->'approvals'->(t.task->>'step')->'assignments') = 'array'
);
`,
  },
  {
    // A commit that cancels timers the instance holds as pending finds each of them pending in the
    // timer table, or is refused whole (TIMERS_NOT_PENDING): only an edit outside Docket leaves one
    // fired, cancelled or deleted, and taking it as already done let the act seal a timer list
    // without it, so verify passed again (see timersNotPending in src/store/commit-rules.ts).
    version: 7,
    sql: (s) => commitFunction(s, true, true),
  },
];

/** The newest schema version this library knows. */
export const POSTGRES_SCHEMA_VERSION = latestSchemaVersion(POSTGRES_MIGRATIONS);
