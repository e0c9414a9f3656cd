import type { Clock, Instant } from '../clock/clock.js';
import { DocketError, isDocketError } from '../errors.js';
import type { HistoryEntry, InstanceRecord } from '../store/records.js';
import type { ArchivedInstance, StoreRetention, Tombstone } from '../store/retention.js';
import type { Store } from '../store/store.js';
import { canonicalJson } from './canonical-json.js';
import { VERIFY_PAGE_SIZE, walkHistory } from './chain-verifier.js';
import { historyPage, mergeRefusals } from './history-page.js';
import type { VerifyReport } from './engine-types.js';
import { checkSealedText, sealText, type Keyring, type SealingKey } from './history-key.js';
import { checkNewId } from '../store/id-rule.js';
import { readOptions } from '../input/read-options.js';
import { safeString } from '../input/safe-string.js';
import { shownValue } from '../input/shown-value.js';

/**
 * What retention reads and changes (internal; `createEngine` gives it). Retention moves finished
 * instances out of the hot tables without a commit, so it tells the engine to forget them.
 */
export interface RetentionParts {
  readonly store: Store;
  readonly clock: Clock;
  readonly keys: Keyring;
  ready(): Promise<void>;
  /** Drop what the engine remembers of an instance (its cached record and snapshot). */
  forget(instanceId: string): void;
}

const DAY_MS = 86_400_000;
/** Most instances one `retain` call handles when no `limit` is given. */
export const RETAIN_LIMIT_DEFAULT = 100;
/** Largest `limit` one `retain` call accepts. */
export const RETAIN_LIMIT_MAX = 1000;

/**
 * Which finished instances retention takes: finished before an instant, or longer ago than a number
 * of days on the engine's clock (`{ olderThan: { days: 90 } }`).
 */
export type RetentionPolicy = { readonly finishedBefore: Instant; readonly olderThan?: never } | { readonly olderThan: { readonly days: number }; readonly finishedBefore?: never };

/** The keys of {@link RetainOptions}. */
const RETAIN_KEYS = ['policy', 'mode', 'limit', 'dryRun', 'tenant'] as const;
/** The keys of a {@link RetentionPolicy}. */
const POLICY_KEYS = ['olderThan', 'finishedBefore'] as const;

/** Options of `engine.retain`. */
export interface RetainOptions {
  readonly policy: RetentionPolicy;
  /** `archive`: move to the archive tables (still readable and verifiable); `purge`: delete, keeping a tombstone. */
  readonly mode: 'archive' | 'purge';
  /** Most instances handled in this call (1 to 1000). Default 100: call again while `more` is true. */
  readonly limit?: number;
  /** Report what would be taken without changing anything. */
  readonly dryRun?: boolean;
  /** Only this tenant's instances (`engine.forTenant(t).retain` sets it). Default: every tenant's. */
  readonly tenant?: string;
}

/** What one `engine.retain` call did (or, dry, would do). */
export interface RetainReport {
  readonly mode: 'archive' | 'purge';
  readonly dryRun: boolean;
  /** The cut-off: instances finished before this instant were taken. */
  readonly finishedBefore: Instant;
  /** Ids taken (dry run: that would be taken). */
  readonly ids: readonly string[];
  /** Instances left where they were, with why (e.g. a purge refused because the chain does not verify). */
  readonly skipped: readonly { readonly id: string; readonly reason: string }[];
  /** True when the batch was full: more instances may be due. */
  readonly more: boolean;
}

/** What `engine.archived` returns: an archived instance with its history, or a purged one's tombstone. */
export type ArchivedView =
  | (ArchivedInstance & { readonly kind: 'archived'; readonly history: readonly HistoryEntry[]; readonly tombstone?: never })
  | { readonly kind: 'purged'; readonly tombstone: Tombstone; readonly instance?: never };

function invalid(message: string, field: string): never {
  throw new DocketError('INVALID_ARGUMENT', message, { field });
}

/** The store's retention methods, or INVALID_ARGUMENT naming the store. */
export function retentionOf(store: Store): StoreRetention {
  const { retainable, archive, purge, archived, archivedHistory, tombstone } = store;
  if (!retainable || !archive || !purge || !archived || !archivedHistory || !tombstone) {
    throw new DocketError('INVALID_ARGUMENT', `The ${store.kind} store does not implement retention (archive, purge): use the memory, SQLite or PostgreSQL store.`);
  }
  return store as Store & StoreRetention;
}

/**
 * The cut-off instant of a policy at `now`; INVALID_ARGUMENT for a malformed policy. The policy and
 * its `olderThan` are read once by the house rule ({@link readOptions}): a key it does not know is
 * refused, not ignored ({ olderThan: { days: 0, months: 6 } } took everything finished before now),
 * and a Proxy or a getter that throws is refused, not let through as a raw error.
 */
export function cutoffOf(raw: RetentionPolicy, now: Instant): Instant {
  const policy = readOptions(raw, { keys: POLICY_KEYS, what: 'retain(): policy', usage: '{ olderThan: { days: 90 } } or { finishedBefore: instant }', path: 'policy' });
  if (policy.finishedBefore !== undefined && policy.olderThan !== undefined) invalid('retain() policy takes one cut-off: olderThan or finishedBefore, not both.', 'policy');
  if (policy.finishedBefore !== undefined) {
    if (typeof policy.finishedBefore !== 'number' || !Number.isFinite(policy.finishedBefore)) {
      invalid(`policy.finishedBefore must be an instant in epoch milliseconds, not ${safeString(policy.finishedBefore)}.`, 'policy.finishedBefore');
    }
    return policy.finishedBefore;
  }
  if (policy.olderThan === undefined) invalid('policy.olderThan must be { days }, e.g. { days: 180 }.', 'policy.olderThan');
  const { days } = readOptions(policy.olderThan, { keys: ['days'], what: 'retain(): policy.olderThan', usage: '{ days: 180 }', path: 'policy.olderThan' });
  if (typeof days !== 'number' || !Number.isFinite(days) || days < 0) {
    invalid(`policy.olderThan.days must be a number of days ≥ 0, not ${safeString(days)}.`, 'policy.olderThan.days');
  }
  return now - days * DAY_MS;
}

/** The text a tombstone's `hash` seals: canonical JSON of every field but `hash`. */
function tombstoneText(t: Omit<Tombstone, 'hash'>): string {
  return canonicalJson(t);
}

function sealTombstone(t: Omit<Tombstone, 'hash' | 'keyId'>, key: SealingKey | undefined): Tombstone {
  const body = key ? { ...t, keyId: key.id } : t;
  return { ...body, hash: sealText(tombstoneText(body), key) };
}

/** Whether a tombstone matches its seal: 'ok', 'edited', or 'unknown-key'. */
function checkTombstone(t: Tombstone, keys: Keyring): 'ok' | 'edited' | 'unknown-key' {
  const { hash, ...rest } = t;
  return checkSealedText(tombstoneText(rest), hash, t.keyId, keys);
}

async function lastEntry(store: Pick<Store, 'history'>, record: InstanceRecord): Promise<HistoryEntry | undefined> {
  const [entry] = await store.history(record.id, { afterRevision: record.revision - 1, limit: 1 });
  return entry;
}

/**
 * The options of one `retain` batch read and checked (mode, limit, policy, tenant, a store with
 * retention): INVALID_ARGUMENT before anything is read or taken. `run({ retain })` checks them once
 * before its loop, so a bad policy is refused at the call instead of failing on every pass.
 */
function checkRetain(core: RetentionParts, raw: RetainOptions, now: Instant) {
  // Read once by the house rule: a misspelt option is refused, not ignored (`dryrun: true` purged for
  // real), and a Proxy or a throwing getter is refused as INVALID_ARGUMENT, not let through raw.
  const options = readOptions(raw, { keys: RETAIN_KEYS, what: 'retain()', usage: "{ policy, mode: 'archive' | 'purge' }" });
  const { dryRun = false } = options;
  if (options.mode !== 'archive' && options.mode !== 'purge') invalid(`retain() mode must be 'archive' or 'purge', not ${shownValue(options.mode)}.`, 'mode');
  const mode = options.mode as 'archive' | 'purge';
  // Only `true` is a dry run, and anything but a boolean is refused: `dryRun: 'false'` or `1` from a
  // config file must not quietly decide whether finished instances are deleted.
  if (typeof dryRun !== 'boolean') invalid(`retain() dryRun must be true or false, not ${shownValue(dryRun)}.`, 'dryRun');
  const limit = options.limit ?? RETAIN_LIMIT_DEFAULT;
  if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > RETAIN_LIMIT_MAX) invalid(`retain() limit must be an integer from 1 to ${RETAIN_LIMIT_MAX}, not ${safeString(limit)}.`, 'limit');
  const store = retentionOf(core.store);
  const finishedBefore = cutoffOf(options.policy as RetentionPolicy, now);
  const tenant = options.tenant;
  if (tenant !== undefined) checkNewId(tenant, 'retain(): tenant', 'tenant');
  return { mode, dryRun, limit, store, finishedBefore, tenant };
}

/**
 * `engine.retain`: take one batch of finished instances older than the policy out of the hot tables.
 * A purge first verifies each instance's whole chain (and refuses, listing it in `skipped`, one that
 * does not verify), then records a sealed tombstone of its head.
 */
export async function retain(core: RetentionParts, options: RetainOptions): Promise<RetainReport> {
  await core.ready();
  const now = core.clock.now();
  // Only the checked copy is used from here: the tenant read again from the caller's object (a
  // getter) could scope the check to one tenant and the batch to every tenant.
  const { mode, dryRun, limit, store, finishedBefore, tenant } = checkRetain(core, options, now);
  const scope = tenant === undefined ? {} : { tenant };
  if (mode === 'archive') {
    const due = await store.retainable({ finishedBefore, limit, ...scope });
    const more = due.length === limit;
    if (dryRun) return { mode, dryRun, finishedBefore, ids: due, skipped: [], more };
    const ids = await store.archive(due, now);
    return { mode, dryRun, finishedBefore, ids, skipped: skippedOf(core, due, ids, []), more };
  }
  // A purge keeps an instance whose history does not verify, and that instance stays the oldest
  // finished one: the batch reads on past it (and past one that changed meanwhile) until it holds
  // `limit` tombstones or nothing is left, else `limit` such instances stopped every later purge
  // while `more` stayed true. A dry purge walks the same chains, so it reports the real run's ids
  // and skipped.
  const skipped: { id: string; reason: string }[] = [];
  const tombstones: Tombstone[] = [];
  const seen = new Set<string>();
  let more = false;
  // Live finished instances first, then archived ones (an archive is kept until the policy purges
  // it too: listing only live ones left every archived instance in the archive for good).
  for (const archived of [false, true]) {
    const listed = new Set<string>();
    for (;;) {
      // Every id seen is still listed (tombstones are written after the loop, skipped ones stay), so
      // this many leaves room for the tombstones still missing.
      const want = limit + listed.size - tombstones.length;
      const due = await store.retainable({ finishedBefore, limit: want, ...scope, ...(archived ? { archived } : {}) });
      const fresh = due.filter((id) => !listed.has(id) && !seen.has(id));
      more = due.length === want;
      for (const id of fresh) {
        if (tombstones.length === limit) {
          more = true;
          break;
        }
        seen.add(id);
        listed.add(id);
        const tombstone = await tombstoneOf(core, id, now, skipped);
        if (tombstone) tombstones.push(tombstone);
      }
      if (tombstones.length === limit || !more || fresh.length === 0) break;
    }
    if (tombstones.length === limit) break;
  }
  if (dryRun) return { mode, dryRun, finishedBefore, ids: tombstones.map((t) => t.id), skipped, more };
  const ids = tombstones.length === 0 ? [] : await store.purge(tombstones);
  return { mode, dryRun, finishedBefore, ids, skipped: skippedOf(core, [...seen], ids, skipped), more };
}

/** Forget each id considered, and list as changed meanwhile one neither taken nor already skipped. */
function skippedOf(core: RetentionParts, considered: readonly string[], taken: readonly string[], skipped: { id: string; reason: string }[]): { id: string; reason: string }[] {
  const done = new Set(taken);
  for (const id of considered) {
    core.forget(id);
    if (!done.has(id) && !skipped.some((s) => s.id === id)) skipped.push({ id, reason: 'changed meanwhile (no longer finished or at another revision)' });
  }
  return skipped;
}

/** The sealed tombstone of a finished instance's verified chain head, or undefined (listed in `skipped` when it does not verify). */
async function tombstoneOf(core: RetentionParts, id: string, now: Instant, skipped: { id: string; reason: string }[]): Promise<Tombstone | undefined> {
  // A live instance's chain is read from the hot tables, an archived one's from the archive.
  let record = await core.store.load(id);
  let history: Pick<Store, 'history'> = core.store;
  if (!record) {
    const store = retentionOf(core.store);
    record = (await store.archived(id))?.instance;
    if (!record) return undefined;
    history = { history: (instanceId, options) => store.archivedHistory(instanceId, options) };
  }
  const report = await walkHistory(history, record, core.keys);
  if (!report.ok) {
    skipped.push({ id, reason: `its history does not verify (${report.problems[0]?.message ?? 'see engine.verify'}); kept for inspection` });
    return undefined;
  }
  const last = await lastEntry(history, record);
  const t: Omit<Tombstone, 'hash' | 'keyId'> = {
    id,
    workflow: record.workflow,
    version: record.version,
    ...(record.tenant === undefined ? {} : { tenant: record.tenant }),
    status: record.status,
    revision: record.revision,
    historyHash: record.historyHash,
    ...(last?.stateHash === undefined ? {} : { stateHash: last.stateHash }),
    finishedAt: record.updatedAt,
    purgedAt: now,
    verifiedEntries: report.entries,
  };
  return sealTombstone(t, core.keys.current);
}

/** `engine.archived`: an archived instance (with its history) or a purged one's tombstone; undefined when neither. */
export async function archivedView(core: RetentionParts, instanceId: string): Promise<ArchivedView | undefined> {
  await core.ready();
  const store = retentionOf(core.store);
  const archived = await store.archived(instanceId);
  if (archived) return { kind: 'archived', ...archived, history: await store.archivedHistory(instanceId) };
  const tombstone = await store.tombstone(instanceId);
  return tombstone ? { kind: 'purged', tombstone } : undefined;
}

/** The tenant of an archived or purged instance, and whether it exists there at all. */
export async function archivedTenant(core: RetentionParts, instanceId: string): Promise<{ readonly found: boolean; readonly tenant: string | undefined }> {
  const store = retentionOf(core.store);
  const archived = await store.archived(instanceId);
  if (archived) return { found: true, tenant: archived.instance.tenant };
  const tombstone = await store.tombstone(instanceId);
  return { found: tombstone !== undefined, tenant: tombstone?.tenant };
}

/** Verify an archived instance's chain (as for a live one), or a purged one's tombstone seal. */
export async function verifyArchived(core: Pick<RetentionParts, 'store' | 'keys'>, instanceId: string): Promise<VerifyReport | undefined> {
  if (!core.store.archived) return undefined;
  const store = retentionOf(core.store);
  const archived = await store.archived(instanceId);
  if (archived) {
    const report = await walkHistory({ history: (id, o) => store.archivedHistory(id, o) }, archived.instance, core.keys, undefined, VERIFY_PAGE_SIZE);
    return { ...report, retention: { kind: 'archived', archivedAt: archived.archivedAt } };
  }
  const tombstone = await store.tombstone(instanceId);
  if (!tombstone) return undefined;
  const seal = checkTombstone(tombstone, core.keys);
  const problems =
    seal === 'ok'
      ? []
      : [
          seal === 'edited'
            ? { revision: tombstone.revision, problem: 'edited' as const, message: `The tombstone of purged instance ${instanceId} does not match its hash: it was changed after the purge.` }
            : {
                revision: tombstone.revision,
                problem: 'unknown-key' as const,
                keyId: tombstone.keyId!,
                message: `The tombstone of ${instanceId} is sealed with history key "${tombstone.keyId}", which this engine does not hold.`,
              },
        ];
  return {
    instanceId,
    ok: seal === 'ok',
    entries: 0,
    snapshot: 'unverified',
    timers: 'unverified',
    keyed: tombstone.keyId !== undefined && seal === 'ok',
    problems,
    retention: { kind: 'purged', tombstone },
  };
}

/**
 * Run `live`; when it finds no such instance, answer from the archive instead (`archived` returning
 * undefined rethrows the original INSTANCE_NOT_FOUND).
 */
export async function orArchived<T>(live: () => Promise<T>, archived: () => Promise<T | undefined>): Promise<T> {
  try {
    return await live();
  } catch (error) {
    if (!isDocketError(error, 'INSTANCE_NOT_FOUND')) throw error;
    const found = await archived();
    if (found === undefined) throw error;
    return found;
  }
}

/**
 * `engine.history` for an archived instance: the same answers as for a live one (all entries, merged
 * with refusals, or a page), read from the archive. Undefined when the instance is not archived.
 */
export async function archivedHistory(
  core: RetentionParts,
  instanceId: string,
  opts: { readonly includeRefused?: boolean; readonly limit?: number; readonly cursor?: string } = {},
): Promise<never | undefined> {
  if (!core.store.archived) return undefined;
  const store = retentionOf(core.store);
  const archived = await store.archived(instanceId);
  if (!archived) return undefined;
  const reader = { history: (id: string, o?: { readonly afterRevision?: number; readonly limit?: number }) => store.archivedHistory(id, o) };
  if (opts.limit !== undefined || opts.cursor !== undefined) {
    const page = { ...(opts.limit === undefined ? {} : { limit: opts.limit }), ...(opts.cursor === undefined ? {} : { cursor: opts.cursor }) };
    return historyPage(reader, archived.instance, opts.includeRefused ? { ...page, includeRefused: true } : page, async () => archived.refusals) as never;
  }
  const entries = await store.archivedHistory(instanceId);
  if (!opts.includeRefused) return entries as never;
  return mergeRefusals(entries, archived.refusals) as never;
}

/**
 * The retention step `engine.run({ retain })` takes on each loop: one `retain` batch at most every
 * `everyMs` (default one hour) of the engine's clock, and again at once while batches come back full.
 */
export function retentionStep(core: RetentionParts, options: RetainOptions & { readonly everyMs?: number }): () => Promise<void> {
  // Checked now, at run(): a bad policy failed on every pass of the loop, emitted as `error`. Read
  // once by the house rule, inherited keys too (a rest spread kept own keys only, so an inherited
  // `dryRun: true`, honoured by retain(), was dropped and run() purged for real).
  const read = readOptions(options, { keys: [...RETAIN_KEYS, 'everyMs'], what: 'run({ retain })', usage: '{ policy, mode, limit?, everyMs? } (nothing was started)', field: 'retain' });
  const { everyMs = 3_600_000, ...batch } = read;
  if (typeof everyMs !== 'number' || !Number.isFinite(everyMs) || everyMs <= 0) {
    invalid(`run({ retain: { everyMs } }) must be a positive number of milliseconds; got ${safeString(everyMs)}.`, 'retain.everyMs');
  }
  checkRetain(core, batch as unknown as RetainOptions, core.clock.now());
  let nextAt = Number.NEGATIVE_INFINITY;
  return async () => {
    const now = core.clock.now();
    if (now < nextAt) return;
    const report = await retain(core, batch as unknown as RetainOptions);
    nextAt = report.more ? now : now + everyMs;
  };
}
