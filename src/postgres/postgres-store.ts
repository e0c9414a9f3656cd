import type pg from 'pg';
import { createRequire } from 'node:module';
import { loadOptionalDriver } from '../store/load-optional-driver.js';
import type { Client, ClientBase, Pool } from 'pg';
import { DocketError } from '../errors.js';
import type { HistoryEntry, IdempotencyRecord, InstanceRecord, RefusalEntry, TaskRecord } from '../store/records.js';
import type { Commit, InstanceQuery, Page, Store, TaskQuery } from '../store/store.js';
import { byEffectDue, byTimerDue, checkClaim, checkEffectUpdate, checkTimerHand, staleEffectClaim, unknownEffect } from '../store/claim-rules.js';
import { closedGuard } from '../store/closed-guard.js';
import { checkCommitRules } from '../store/commit-rules.js';
import { checkId, checkKey, storableRefusal } from '../store/payload-rules.js';
import { checkHistoryRange, checkInstanceQuery, checkTaskQuery, keysetPage } from '../store/query-rules.js';
import { migrationsToApply } from '../store/schema-version.js';
import { readOptions, wholeOption } from '../input/read-options.js';
import { shownValue } from '../input/shown-value.js';
import { holdConnection, holdOwnConnection, inTransaction, runStatement, type StatementKind } from './postgres-connection.js';
import { PostgresGroupCommit } from './postgres-group-commit.js';
import { PostgresGroupLoad } from './postgres-group-load.js';
import { POSTGRES_MIGRATIONS, POSTGRES_SCHEMA_VERSION } from './postgres-migrations.js';
import * as plans from './postgres-plans.js';
import type { PostgresPlan } from './postgres-plans.js';
import { effectFromRow, historyFromRow, instanceFromRow, timerFromRow, type EffectRow, type InstanceRow, type TimerRow } from './postgres-rows.js';
import { postgresRetention } from './postgres-retention.js';

/**
 * Where the store connects: a connection string (the store owns its pool, of `max` connections,
 * default 10) or your own `pg.Pool`. The pool serves statements and commits only (group commit takes
 * up to `maxInFlight` of them at once; with fewer, commits wait their turn). The `LISTEN` connection
 * of {@link PostgresStore.onWake} is one more, opened beside the pool while anyone listens (for your
 * pool, with its own `Client` and `options`, as the pool opens its clients): so `max: 1` with
 * `engine.run()` works, holding two connections. A pool-like object that is not a `pg.Pool` (no
 * `Client` and `options`) lends one of its connections to `LISTEN` instead: size it for that.
 */
export type PostgresConnection = { readonly connectionString: string; readonly max?: number } | { readonly pool: Pool };

/** Options for {@link postgresStore}. */
export interface PostgresStoreOptions {
  /** The schema holding Docket's tables (created by `init()`). Default `docket`. */
  readonly schema?: string;
  /**
   * Most commits sent in one group-commit call, and most instances read by one grouped load (an act's
   * load of the instance and its history head: loads that arrive together go as one statement).
   * Default 256.
   */
  readonly maxBatch?: number;
  /**
   * Most group-commit calls in flight at once, each on its own pooled connection, and likewise most
   * grouped loads. Default 4; keep it below the pool size so other queries still find a connection.
   */
  readonly maxInFlight?: number;
}

/** A {@link Store} on PostgreSQL; any number of processes may share one database. */
export interface PostgresStore extends Store {
  readonly kind: 'postgres';
  readonly schema: string;
  readonly pool: Pool;
  /**
   * Call `fn` when another process (or this one) commits a new timer or effect (LISTEN/NOTIFY), so
   * a worker loop can wake early instead of waiting for its poll. Returns the unsubscribe function.
   * The `LISTEN` runs on a connection of its own, not taken from the pool (see
   * {@link PostgresConnection}); it is closed by `close()`.
   */
  onWake(fn: () => void): () => void;
  /** Group-commit counters: how many transactions carried how many commits. */
  stats(): { readonly groups: number; readonly writes: number };
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]{0,62}$/;

/** A schema PostgreSQL keeps for itself (names starting with `pg_` are reserved; the SQL catalog views). */
function isSystemSchema(name: string): boolean {
  return name.startsWith('pg_') || name === 'information_schema';
}

/**
 * Why `value` is no connection string `pg` can use, or undefined: `pg` reads anything else as a
 * path relative to `postgres://base` (`'x'`, `' '`, `'mysql://x'` tried the host `base` or `x`) or
 * fails only at the first connect ("Invalid URL" for a port of 99999), and each was reported by
 * `init()` as STORE_UNAVAILABLE, "retry once the database is reachable": a transient fault for a
 * mistake no retry mends. Accepted as `pg` parses them: a socket directory (`/run/postgresql db`), or
 * a `postgres:`, `postgresql:` or `socket:` URL (an empty host, `postgres://user@/db`, as `pg` allows
 * it). The value is never shown: it may hold a password.
 */
function connectionStringFault(value: string): string | undefined {
  if (value.includes('\u0000')) return 'contains U+0000';
  if (value.startsWith('/')) return undefined;
  if (!/^(postgres|postgresql|socket):/i.test(value)) return 'is not a PostgreSQL URL (it must start with postgres://, postgresql:// or socket:, or be a socket directory starting with /)';
  const spaced = value.replace(/ /g, '%20');
  for (const candidate of [spaced, spaced.replace('@/', '@___DUMMY___/')]) {
    try {
      new URL(candidate);
      return undefined;
    } catch {
      // tried again as pg does, with a stand-in for an empty host
    }
  }
  return 'is not a valid URL (check the host, the port (1 to 65535) and that reserved characters in the user or password are percent-encoded)';
}

/**
 * Both arguments read by the house rule (plain objects, known keys, each read once) and checked
 * before a pool is made: `INVALID_ARGUMENT` naming the field otherwise. Nothing checked them: a
 * `maxInFlight` of 0 left every commit waiting for ever, a `maxBatch` of 0 sent empty groups in an
 * endless loop, and a misspelt `maxInflight` was ignored.
 */
function checkPostgresOptions(rawConnection: unknown, rawOptions: unknown): { connection: PostgresConnection; options: PostgresStoreOptions } {
  const what = 'postgresStore()';
  const c = readOptions(rawConnection, { keys: ['connectionString', 'max', 'pool'], what: `${what}: the connection`, usage: "{ connectionString } or { pool }", field: 'connection' });
  let connection: PostgresConnection;
  if (c.pool !== undefined) {
    if (c.connectionString !== undefined || c.max !== undefined) {
      throw new DocketError('INVALID_ARGUMENT', `${what}: give either { pool } (yours, sized by you) or { connectionString, max? }, not both.`, { field: 'pool' });
    }
    if (typeof c.pool !== 'object' || c.pool === null || typeof (c.pool as Pool).connect !== 'function' || typeof (c.pool as Pool).query !== 'function') {
      throw new DocketError('INVALID_ARGUMENT', `${what}: pool must be a pg.Pool.`, { field: 'pool' });
    }
    connection = { pool: c.pool as Pool };
  } else {
    if (typeof c.connectionString !== 'string' || c.connectionString === '') {
      throw new DocketError('INVALID_ARGUMENT', `${what}: connectionString must be a PostgreSQL URL such as 'postgres://user@host:5432/db' (or pass { pool }).`, { field: 'connectionString' });
    }
    const fault = connectionStringFault(c.connectionString);
    if (fault !== undefined) {
      throw new DocketError('INVALID_ARGUMENT', `${what}: connectionString ${fault}: give a PostgreSQL URL such as 'postgres://user@host:5432/db' (or a socket directory '/var/run/postgresql db', or pass { pool }). Nothing was opened.`, { field: 'connectionString' });
    }
    const max = wholeOption(c.max, 'max', what, 1);
    connection = max === undefined ? { connectionString: c.connectionString } : { connectionString: c.connectionString, max };
  }
  const o = readOptions(rawOptions, { keys: ['schema', 'maxBatch', 'maxInFlight'], what: `${what}: options`, usage: "{ schema: 'docket' }" });
  // Shown by shownValue: String() of an object without toString (Object.create(null)) or with one
  // that throws was a raw TypeError in place of this refusal. A name starting with pg_ is reserved by
  // PostgreSQL (init() failed with STORE_UNAVAILABLE, "retry once the database is reachable"), and
  // information_schema is its catalog's: Docket's tables were created among the system views.
  if (o.schema !== undefined && (typeof o.schema !== 'string' || !IDENTIFIER.test(o.schema) || isSystemSchema(o.schema))) {
    const reserved = typeof o.schema === 'string' && isSystemSchema(o.schema);
    throw new DocketError(
      'INVALID_ARGUMENT',
      reserved
        ? `${what}: schema ${shownValue(o.schema)} is PostgreSQL's own (names starting with pg_ and information_schema are reserved for the system): choose another name, such as 'docket'.`
        : `${what}: schema ${shownValue(o.schema)} must be a plain identifier (letters, digits, underscore, not a digit first; at most 63), such as 'docket'.`,
      { field: 'schema' },
    );
  }
  const maxBatch = wholeOption(o.maxBatch, 'maxBatch', what, 1);
  const maxInFlight = wholeOption(o.maxInFlight, 'maxInFlight', what, 1);
  const options: PostgresStoreOptions = {
    ...(o.schema === undefined ? {} : { schema: o.schema as string }),
    ...(maxBatch === undefined ? {} : { maxBatch }),
    ...(maxInFlight === undefined ? {} : { maxInFlight }),
  };
  return { connection, options };
}

/** What a claim whose answer was lost leaves behind, and why a retry is safe. */
const CLAIM_UNKNOWN = 'What it leased to this worker is claimed again once the lease runs out (nothing is lost, nothing fires twice): claim again.';

/**
 * The store for many processes: every engine points at one PostgreSQL database and coordinates
 * through it — row revisions for optimistic concurrency, `FOR UPDATE SKIP LOCKED` leases for timers
 * and effects, `LISTEN/NOTIFY` wake-ups. Schema migrations run in `init()`, under an advisory lock.
 *
 * @example
 * ```ts
 * import { createEngine, systemClock } from 'docket';
 * import { postgresStore } from 'docket/postgres';
 * const store = postgresStore({ connectionString: 'postgres://postgres@127.0.0.1:5432/test' }, { schema: 'docket' });
 * const engine = createEngine({ store, clock: systemClock(), workflows: [], workerId: 'web-1' });
 * await store.init();
 * ```
 */
export function postgresStore(rawConnection: PostgresConnection, rawOptions: PostgresStoreOptions = {}): PostgresStore {
  const { connection, options } = checkPostgresOptions(rawConnection, rawOptions);
  const schemaName = options.schema ?? 'docket';
  const s = plans.quoteSchema(schemaName);
  const owned = !('pool' in connection);
  const driver = owned ? loadOptionalDriver<typeof pg>(createRequire(import.meta.url), 'pg', 'docket/postgres') : undefined;
  const pool: Pool = 'pool' in connection ? connection.pool : new driver!.Pool({ connectionString: connection.connectionString, max: connection.max ?? 10 });
  // The LISTEN connection is one of its own, not the pool's: held for as long as anyone listens, it
  // took the only connection of a pool of `max: 1`, and every later statement waited for ever. Made
  // as the pool makes its clients (a pg.Pool's `Client` and `options`); a pool-like object without
  // them lends one of its connections instead.
  const ownListenClient: (() => Client) | undefined =
    'pool' in connection
      ? typeof (pool as { Client?: unknown }).Client === 'function' && typeof (pool as { options?: unknown }).options === 'object'
        ? () => new (pool as unknown as { Client: new (o: object) => Client }).Client((pool as unknown as { options: object }).options)
        : undefined
      : () => new driver!.Client({ connectionString: (connection as { connectionString: string }).connectionString });
  const group = new PostgresGroupCommit(pool, s, options.maxBatch ?? 256, options.maxInFlight ?? 4);
  const guard = closedGuard(`PostgreSQL store (schema ${schemaName})`);
  const open = guard.check;
  let migrated: Promise<void> | undefined;
  const wakers = new Set<() => void>();
  /** A held LISTEN connection: its client, and how it is let go (see {@link holdOwnConnection}). */
  interface Listening {
    readonly client: ClientBase;
    release(failure?: unknown): void | Promise<void>;
  }
  let listener: Promise<Listening | undefined> | undefined;

  /** One statement (see {@link runStatement}): a read unless `kind` says what it writes. */
  async function statement(p: PostgresPlan, what: string, kind: StatementKind = 'read'): Promise<{ rows: unknown[]; rowCount: number | null }> {
    open();
    const res = await runStatement(pool, p, what, kind);
    // The database answers again: wake-ups lost with their connection are taken up again.
    if (wakers.size > 0 && listener === undefined) void listen();
    return res;
  }
  async function query<T>(p: PostgresPlan, what: string, kind: StatementKind = 'read'): Promise<T[]> {
    return (await statement(p, what, kind)).rows as T[];
  }

  // Loads with the head that arrive together go as one statement (a timer firing always loads).
  const loads = new PostgresGroupLoad<InstanceRow & { head_entry: HistoryEntry | null }>(
    (ids) => query(plans.loadInstancesWithHead(s, ids), 'load'),
    (row) => row.id,
    options.maxBatch ?? 256,
    options.maxInFlight ?? 4,
  );

  async function migrate(): Promise<void> {
    await inTransaction(pool, `migration of schema ${schemaName}`, async (client) => {
      const run = (p: PostgresPlan) => client.query(p.text, p.values as unknown[]);
      // Two processes starting at once: the second waits here, then finds the work done.
      await run(plans.lockMigrations(schemaName));
      await run(plans.createSchema(s));
      await run(plans.createMeta(s));
      const row = (await run(plans.getMeta(s, 'schema_version'))).rows[0] as { value: string } | undefined;
      const pending = migrationsToApply(`PostgreSQL schema ${schemaName}`, row ? Number(row.value) : 0, POSTGRES_MIGRATIONS);
      for (const migration of pending) await client.query(migration.sql(s));
      if (pending.length > 0) await run(plans.setMeta(s, 'schema_version', String(POSTGRES_SCHEMA_VERSION)));
    });
  }

  /**
   * The LISTEN connection, held for as long as anyone listens. When it is lost (a restart, a
   * failover, `pg_terminate_backend`) every listener is woken once, since a notification may have
   * been missed, and it is listened again at once, or, when the database is not back yet, at the
   * store's next statement that succeeds. Before, the lost connection's error event ended the process.
   */
  function listen(): Promise<Listening | undefined> {
    let attempt: Promise<Listening | undefined> | undefined;
    attempt = (async () => {
      let held: Listening | undefined;
      try {
        held = ownListenClient ? await holdOwnConnection(ownListenClient, () => lost(attempt!)) : await holdConnection(pool, () => lost(attempt!));
        held.client.on('notification', onNotification);
        await held.client.query('LISTEN docket_wake');
        return held;
      } catch (error) {
        // Wake-ups are an optimisation: without them, workers still poll.
        held?.release(error);
        if (listener === attempt) listener = undefined;
        return undefined;
      }
    })();
    listener = attempt;
    return attempt;
  }

  function onNotification(msg: { channel: string; payload?: string | undefined }): void {
    if (msg.channel === 'docket_wake' && msg.payload === s) for (const fn of wakers) fn();
  }

  function lost(which: Promise<Listening | undefined>): void {
    if (listener !== which) return;
    listener = undefined;
    void which.then((held) => held?.release(new Error('The LISTEN connection was lost.')));
    for (const fn of wakers) fn();
    if (wakers.size > 0 && !guard.closed) void listen();
  }

  const store: PostgresStore = {
    ...postgresRetention(pool, s, open),
    kind: 'postgres',
    schema: schemaName,
    pool,
    async init() {
      open();
      migrated ??= migrate().catch((error: unknown) => {
        migrated = undefined;
        throw error;
      });
      return migrated;
    },
    async load(instanceId) {
      checkId(instanceId);
      const [row] = await query<InstanceRow>(plans.loadInstance(s, instanceId), 'load');
      return row ? instanceFromRow(row) : undefined;
    },
    async loadWithHead(instanceId) {
      checkId(instanceId);
      open();
      const row = await loads.load(instanceId);
      return row ? { record: instanceFromRow(row), head: row.head_entry ?? undefined } : undefined;
    },
    async commit(c: Commit) {
      open();
      checkCommitRules(c);
      return group.submit(c);
    },
    async list(query_: InstanceQuery = {}): Promise<Page<InstanceRecord>> {
      const { limit, after, bound } = checkInstanceQuery(query_);
      const rows = await query<InstanceRow>(plans.listInstances(s, bound, String(after), limit + 1), 'list');
      return keysetPage(rows, limit, (row) => row.seq, instanceFromRow);
    },
    async history(instanceId, opts = {}) {
      checkId(instanceId);
      const { after, limit } = checkHistoryRange(opts);
      const rows = await query<{ revision: number; entry: unknown }>(plans.history(s, instanceId, after, limit ?? null), 'history');
      return rows.map((r) => historyFromRow(instanceId, r));
    },
    async appendRefusal(raw: RefusalEntry) {
      const entry = storableRefusal(raw);
      await query(plans.insertRefusal(s, entry), 'appendRefusal', { writes: 'The refusal may be recorded or not; the refused act changed nothing either way.' });
    },
    async refusals(instanceId) {
      checkId(instanceId);
      return (await query<{ entry: RefusalEntry }>(plans.refusals(s, instanceId), 'refusals')).map((r) => r.entry);
    },
    async timers(instanceId) {
      checkId(instanceId);
      return (await query<TimerRow>(plans.pendingTimers(s, instanceId), 'timers')).map(timerFromRow);
    },
    async nextTimerDue() {
      const [row] = await query<{ at: string | null }>(plans.nextTimerDue(s), 'nextTimerDue');
      return row?.at == null ? undefined : Number(row.at);
    },
    async claimDueTimers(rawNow, rawOpts) {
      const { now, options: opts } = checkClaim(rawNow, rawOpts);
      // Stored instants are whole (bigint): `due <= floor(now)` is `due <= now`, and bigint refuses 1.5.
      const rows = await query<TimerRow>(plans.claimTimers(s, Math.floor(now), opts, opts.leaseMs, opts.limit), 'claimDueTimers', { writes: CLAIM_UNKNOWN });
      return rows.map(timerFromRow).sort(byTimerDue);
    },
    async releaseTimer(rawId, rawClaim) {
      const { timerId, claim } = checkTimerHand(rawId, rawClaim);
      await query(plans.releaseTimer(s, timerId, claim), 'releaseTimer', { writes: 'The timer is claimable again when its claim runs out either way; releasing it again is safe.' });
    },
    async deferTimer(rawId, rawClaim, rawUntil) {
      const { timerId, claim, until } = checkTimerHand(rawId, rawClaim, rawUntil);
      await query(plans.deferTimer(s, timerId, claim, until), 'deferTimer', { writes: 'The timer is claimable again by its due instant or its deferral either way; deferring it again is safe.' });
    },
    async retireTimer(rawId, rawClaim) {
      const { timerId, claim } = checkTimerHand(rawId, rawClaim);
      return (await query<{ id: string }>(plans.retireTimer(s, timerId, claim), 'retireTimer', { writes: 'The orphan timer row may be cancelled or not; retiring it again is safe (a cancelled row is left as it is).' })).length > 0;
    },
    async findIdempotency(instanceId, key) {
      checkId(instanceId);
      checkKey(key);
      const [row] = await query<{ record: IdempotencyRecord }>(plans.findIdempotency(s, instanceId, key), 'findIdempotency');
      return row?.record;
    },
    async claimEffects(rawNow, rawOpts) {
      const { now, options: opts } = checkClaim(rawNow, rawOpts);
      const rows = await query<EffectRow>(plans.claimEffects(s, Math.floor(now), opts, opts.leaseMs, opts.limit), 'claimEffects', { writes: CLAIM_UNKNOWN });
      return rows.map(effectFromRow).sort(byEffectDue);
    },
    async nextEffectDue() {
      const [row] = await query<{ at: string | null }>(plans.nextEffectDue(s), 'nextEffectDue');
      return row?.at == null ? undefined : Number(row.at);
    },
    async updateEffect(rawId, rawUpdate) {
      open();
      const { effectId, update } = checkEffectUpdate(rawId, rawUpdate);
      const p = plans.updateEffect(s, effectId, update);
      const { rowCount } = await statement(p, 'updateEffect', { writes: 'The outcome of this attempt may be recorded or not: look at store.effects(instanceId) (the effect is delivered at least once either way).' });
      if (rowCount === 0) throw (await query(plans.effectExists(s, effectId), 'updateEffect')).length > 0 ? staleEffectClaim(effectId, update) : unknownEffect(effectId);
    },
    async effects(instanceId) {
      checkId(instanceId);
      return (await query<EffectRow>(plans.effects(s, instanceId), 'effects')).map(effectFromRow);
    },
    async tasks(q: TaskQuery = {}) {
      const { limit, bound } = checkTaskQuery(q);
      return (await query<{ task: TaskRecord }>(plans.tasks(s, bound, limit), 'tasks')).map((r) => r.task);
    },
    onWake(fn) {
      wakers.add(fn);
      if (listener === undefined) void listen();
      return () => {
        wakers.delete(fn);
      };
    },
    stats: () => ({ groups: group.groups, writes: group.writes }),
    async close() {
      if (!guard.close()) return;
      await group.idle();
      const held = await listener;
      listener = undefined;
      if (held) {
        const failure = await held.client.query('UNLISTEN docket_wake').then(
          () => undefined,
          (error: unknown) => error,
        );
        held.client.removeListener('notification', onNotification);
        await held.release(failure);
      }
      if (owned) await pool.end();
    },
  };
  return store;
}
