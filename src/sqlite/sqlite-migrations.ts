import { latestSchemaVersion, type VersionedMigration } from '../store/schema-version.js';

/**
 * Versioned schema of the SQLite store. Each entry moves the schema from `version - 1` to `version`;
 * `docket_meta.schema_version` records where a file stands. Never edit a shipped migration: add one.
 */
export interface SqliteMigration extends VersionedMigration {
  readonly version: number;
  readonly sql: string;
}

/** The `docket_meta` table itself, created before any migration runs. */
export const SQLITE_META_TABLE = `CREATE TABLE IF NOT EXISTS docket_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`;

/** The row format this library writes into `docket_instances.row_format`; newer rows are refused. */
export const SQLITE_ROW_FORMAT = 1;

/**
 * Schema 6's backfill of `TaskRecord.seated` (see the migration). Every JSON read is guarded (CASE,
 * which SQLite evaluates lazily): a row that is not what Docket writes is left alone rather than
 * failing the migration, and so the file.
 */
const SEATED_BACKFILL_SQLITE = `
UPDATE docket_tasks SET task = json_set(task, '$.seated', json((
  SELECT json_group_array(name ORDER BY first) FROM (
    SELECT h.name AS name, MIN(h.ord) AS first FROM (
      SELECT CAST(a.key AS INTEGER) * 3 + k.n AS ord,
        CASE WHEN a.type = 'object' AND json_extract(a.value, '$.status') IN ('pending', 'approved', 'rejected', 'skipped') AND json_type(a.value, '$.user') = 'text' THEN
          CASE k.n WHEN 0 THEN json_extract(a.value, '$.user')
                   WHEN 1 THEN CASE WHEN json_extract(a.value, '$.status') = 'pending' AND json_type(a.value, '$.delegate') = 'text' THEN json_extract(a.value, '$.delegate') END
                   ELSE CASE WHEN json_type(a.value, '$.actedBy') = 'text' THEN json_extract(a.value, '$.actedBy') END END
        END AS name
      FROM docket_instances i,
        json_each(CASE WHEN json_valid(i.context) AND json_type(i.context, '$.approvals') = 'object' THEN i.context ELSE '{"approvals":{}}' END, '$.approvals') st,
        json_each(CASE WHEN st.type = 'object' AND json_type(st.value, '$.assignments') = 'array' THEN st.value ELSE '{"assignments":[]}' END, '$.assignments') a,
        (SELECT 0 AS n UNION ALL SELECT 1 UNION ALL SELECT 2) k
      WHERE i.id = docket_tasks.instance_id AND st.key = json_extract(docket_tasks.task, '$.step')
    ) h WHERE h.name IS NOT NULL GROUP BY h.name
  )
)))
WHERE CASE WHEN json_valid(task) AND json_type(task) = 'object' AND json_type(task, '$.step') = 'text' THEN json_type(task, '$.seated') IS NULL AND EXISTS (
  SELECT 1 FROM docket_instances i,
    json_each(CASE WHEN json_valid(i.context) AND json_type(i.context, '$.approvals') = 'object' THEN i.context ELSE '{"approvals":{}}' END, '$.approvals') st
  WHERE i.id = docket_tasks.instance_id AND st.key = json_extract(docket_tasks.task, '$.step') AND st.type = 'object' AND json_type(st.value, '$.assignments') = 'array'
) ELSE 0 END;
`;

export const SQLITE_MIGRATIONS: readonly SqliteMigration[] = [
  {
    version: 1,
    sql: `
CREATE TABLE docket_instances (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  workflow TEXT NOT NULL,
  version INTEGER NOT NULL,
  status TEXT NOT NULL,
  suspended INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  next_due_at INTEGER,
  history_hash TEXT NOT NULL,
  initiator TEXT NOT NULL,
  created_at INTEGER NOT NULL,
  updated_at INTEGER NOT NULL,
  row_format INTEGER NOT NULL,
  snapshot TEXT NOT NULL,
  state TEXT NOT NULL,
  context TEXT NOT NULL,
  state_paths TEXT NOT NULL,
  timers TEXT NOT NULL,
  held_timers TEXT
);
CREATE INDEX docket_instances_workflow ON docket_instances (workflow, seq);
CREATE INDEX docket_instances_status ON docket_instances (status, seq);
CREATE INDEX docket_instances_due ON docket_instances (next_due_at) WHERE next_due_at IS NOT NULL;
CREATE TABLE docket_instance_states (path TEXT NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY (path, seq)) WITHOUT ROWID;
CREATE INDEX docket_instance_states_seq ON docket_instance_states (seq);
CREATE TABLE docket_history (
  instance_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  entry TEXT NOT NULL,
  PRIMARY KEY (instance_id, revision)
) WITHOUT ROWID;
CREATE TABLE docket_refusals (seq INTEGER PRIMARY KEY AUTOINCREMENT, instance_id TEXT NOT NULL, entry TEXT NOT NULL);
CREATE INDEX docket_refusals_instance ON docket_refusals (instance_id, seq);
CREATE TABLE docket_timers (
  id TEXT PRIMARY KEY,
  instance_id TEXT NOT NULL,
  key TEXT NOT NULL,
  name TEXT NOT NULL,
  event TEXT NOT NULL,
  due_at INTEGER NOT NULL,
  revision INTEGER NOT NULL,
  status TEXT NOT NULL,
  fired_at INTEGER,
  claimed_by TEXT,
  lease_until INTEGER,
  ready_at INTEGER NOT NULL
);
CREATE INDEX docket_timers_ready ON docket_timers (ready_at) WHERE status = 'pending';
CREATE INDEX docket_timers_instance ON docket_timers (instance_id, due_at);
CREATE TABLE docket_effects (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  instance_id TEXT NOT NULL,
  workflow TEXT NOT NULL,
  revision INTEGER NOT NULL,
  idx INTEGER NOT NULL,
  type TEXT NOT NULL,
  params TEXT NOT NULL,
  status TEXT NOT NULL,
  attempts INTEGER NOT NULL,
  next_attempt_at INTEGER NOT NULL,
  last_error TEXT,
  delivered_at INTEGER,
  claimed_by TEXT,
  lease_until INTEGER,
  ready_at INTEGER NOT NULL
);
CREATE INDEX docket_effects_ready ON docket_effects (ready_at) WHERE status = 'pending';
CREATE INDEX docket_effects_instance ON docket_effects (instance_id, seq);
CREATE TABLE docket_tasks (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  instance_id TEXT NOT NULL,
  workflow TEXT NOT NULL,
  status TEXT NOT NULL,
  task TEXT NOT NULL
);
CREATE INDEX docket_tasks_instance ON docket_tasks (instance_id);
CREATE INDEX docket_tasks_workflow ON docket_tasks (workflow);
CREATE TABLE docket_task_assignees (assignee TEXT NOT NULL, task_seq INTEGER NOT NULL, instance_id TEXT NOT NULL, PRIMARY KEY (assignee, task_seq)) WITHOUT ROWID;
CREATE INDEX docket_task_assignees_instance ON docket_task_assignees (instance_id);
CREATE TABLE docket_task_roles (role TEXT NOT NULL, task_seq INTEGER NOT NULL, instance_id TEXT NOT NULL, PRIMARY KEY (role, task_seq)) WITHOUT ROWID;
CREATE INDEX docket_task_roles_instance ON docket_task_roles (instance_id);
CREATE TABLE docket_idempotency (
  instance_id TEXT NOT NULL,
  key TEXT NOT NULL,
  record TEXT NOT NULL,
  PRIMARY KEY (instance_id, key)
) WITHOUT ROWID;
`,
  },
  {
    // State paths are now deleted by their primary key (path, seq): a commit knows the paths the
    // previous revision wrote, so the by-seq index is dead weight on every state change.
    version: 2,
    sql: `DROP INDEX IF EXISTS docket_instance_states_seq;`,
  },
  {
    // History becomes a rowid table keyed by pos = instance seq * 2^32 + revision. The old WITHOUT
    // ROWID table on (instance_id, revision) kept whole ~350-byte entries in its interior pages too,
    // so appending an entry rebalanced the tree on most commits: 2.0 WAL pages per entry, against
    // 1.2 for a rowid append. pos is unique per (instance, revision) as the old key was (seq and id
    // are one-to-one), and an instance's history is one contiguous pos range. Every row is copied;
    // an entry whose instance row is missing (never written by Docket) keeps a negative pos.
    version: 3,
    sql: `
CREATE TABLE docket_history_v3 (
  pos INTEGER PRIMARY KEY,
  instance_id TEXT NOT NULL,
  revision INTEGER NOT NULL,
  kind TEXT NOT NULL,
  at INTEGER NOT NULL,
  entry TEXT NOT NULL
);
INSERT INTO docket_history_v3 (pos, instance_id, revision, kind, at, entry)
  SELECT COALESCE(i.seq * 4294967296 + h.revision, -ROW_NUMBER() OVER (ORDER BY h.instance_id, h.revision)), h.instance_id, h.revision, h.kind, h.at, h.entry
  FROM docket_history h LEFT JOIN docket_instances i ON i.id = h.instance_id
  ORDER BY 1;
DROP TABLE docket_history;
ALTER TABLE docket_history_v3 RENAME TO docket_history;
`,
  },
  {
    // Tenants and retention. The tenant column is filled from the chained start entry by a trigger,
    // so no commit path changes and the tenant can only be what the hash chain records. Finished
    // instances are found by a partial index that active rows (every hot commit) never touch.
    // Archived rows keep their records as JSON; a purge leaves only the sealed tombstone.
    version: 4,
    sql: `
ALTER TABLE docket_instances ADD COLUMN tenant TEXT;
CREATE INDEX docket_instances_tenant ON docket_instances (tenant, seq) WHERE tenant IS NOT NULL;
CREATE TRIGGER docket_instance_tenant AFTER INSERT ON docket_history
  WHEN NEW.revision = 1 AND NEW.kind = 'start' AND json_extract(NEW.entry, '$.event.tenant') IS NOT NULL
BEGIN
  UPDATE docket_instances SET tenant = json_extract(NEW.entry, '$.event.tenant') WHERE id = NEW.instance_id;
END;
CREATE INDEX docket_instances_finished ON docket_instances (updated_at) WHERE status <> 'active';
CREATE TABLE docket_archive_instances (id TEXT PRIMARY KEY, tenant TEXT, archived_at INTEGER NOT NULL, record TEXT NOT NULL, refusals TEXT NOT NULL, effects TEXT NOT NULL);
CREATE TABLE docket_archive_history (instance_id TEXT NOT NULL, revision INTEGER NOT NULL, entry TEXT NOT NULL, PRIMARY KEY (instance_id, revision));
CREATE TABLE docket_tombstones (id TEXT PRIMARY KEY, tenant TEXT, purged_at INTEGER NOT NULL, tombstone TEXT NOT NULL);
`,
  },
  {
    // Each claim's own token beside its owner: a release, deferral, retirement or effect outcome
    // applies only under the claim that holds the row. By owner alone, two engines sharing a
    // workerId passed each other's checks. A row claimed before this has no token: no hand matches
    // it, and it is claimed again once its lease runs out, as a crashed worker's is.
    version: 5,
    sql: `
ALTER TABLE docket_timers ADD COLUMN claim_token TEXT;
ALTER TABLE docket_effects ADD COLUMN claim_token TEXT;
`,
  },
  {
    // A task names who holds a seat in its step (TaskRecord.seated), so a stand-in (代理) who sits in
    // the step is not offered the principal's task: the inbox's rule and send's are one. Tasks are
    // written again on every commit; a row stored before gets it here, read from its instance's
    // context as the approval plugin reads it (seatHolders: per assignment in order, its user when
    // the assignment is open, queued or decided, an open one's delegate, and actedBy; each person
    // once). A row whose step is not an approval step in the context is left as it is.
    version: 6,
    sql: SEATED_BACKFILL_SQLITE,
  },
];

/** The newest schema version this library knows. */
export const SQLITE_SCHEMA_VERSION = latestSchemaVersion(SQLITE_MIGRATIONS);
