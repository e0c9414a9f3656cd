import type { HistoryEntry, InstanceRecord, PendingTimer } from '../store/records.js';
import { canonicalJson, sha256 } from './canonical-json.js';

/** The fields of an instance that say what it is and what the engine acts on. */
export type DigestedState = Pick<
  InstanceRecord,
  'workflow' | 'version' | 'status' | 'suspended' | 'initiator' | 'snapshot' | 'state' | 'statePaths' | 'context' | 'heldTimers'
> & { readonly tenant?: string | null | undefined };

/** What the timer commitment covers of one pending timer. */
export type DigestedTimer = Pick<PendingTimer, 'id' | 'key' | 'name' | 'dueAt' | 'event'>;

/**
 * SHA-256 (hex) of the canonical JSON of the instance state a history entry leaves behind (entry
 * format 3): the XState snapshot the engine restores, the state and context copies views and queries
 * read, status, the suspended flag, held timers, the workflow version, the initiator and the tenant
 * that owns the instance. Each history entry records it as `stateHash`, and `verify` (and the engine,
 * before acting on an instance it loads) compares it with the stored record, so an edited snapshot,
 * context or tenant is caught. The pending timers are committed to separately ({@link timersDigest}).
 *
 * Not covered: revision and head hash (checked against the chain itself) and timestamps.
 */
export function stateDigest(record: DigestedState): string {
  return digest(record, true);
}

/**
 * The state digest of entry format 2 (entries with a `stateHash` but no `timersHash`, written by an
 * older Docket): {@link stateDigest} without the tenant.
 */
export function stateDigestV2(record: DigestedState): string {
  return digest(record, false);
}

/** The state digest `entry`'s format commits to (format 3 when it carries `timersHash`, else 2). */
export function stateDigestFor(entry: Pick<HistoryEntry, 'timersHash'>, record: DigestedState): string {
  return entry.timersHash === undefined ? stateDigestV2(record) : stateDigest(record);
}

function digest(record: DigestedState, withTenant: boolean): string {
  // Keys in sorted order (canonicalJson then skips its sort); held timers only when there are any,
  // as stores may read an empty list back as absent. No tenant is written as null (stores read an
  // absent tenant back as undefined or null).
  const held = record.heldTimers && record.heldTimers.length > 0 ? record.heldTimers : undefined;
  // The context occurs twice (on its own and inside the XState snapshot, the same object): frozen
  // after each step (see freezeJsonData), its text is written once and reused.
  return sha256(
    canonicalJson({
      context: record.context,
      heldTimers: held,
      initiator: record.initiator,
      snapshot: record.snapshot,
      state: record.state,
      statePaths: record.statePaths,
      status: record.status,
      suspended: record.suspended,
      tenant: withTenant ? (record.tenant ?? null) : undefined,
      version: record.version,
      workflow: record.workflow,
    }),
  );
}

/**
 * SHA-256 (hex) of the canonical JSON of the pending timers a history entry leaves behind (entry
 * format 3, recorded as `timersHash`): each timer's id, key, name, due instant (ms since the epoch)
 * and the event it delivers, ordered by due instant then id, so the order a store returns them in
 * does not matter. Both copies a store keeps (the instance's timer list and the timer table's rows)
 * must digest to it: a deadline moved, added or deleted behind Docket's back is caught.
 */
export function timersDigest(timers: readonly DigestedTimer[]): string {
  if (timers.length === 0) return NO_TIMERS_DIGEST;
  const list = timers
    .map(({ id, key, name, dueAt, event }) => ({ dueAt, event, id, key, name }))
    .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sha256(canonicalJson(list));
}

const NO_TIMERS_DIGEST = sha256('[]');

/** Whether two timers are the same pending timer, as {@link timersDigest} sees them. */
export function sameTimer(a: DigestedTimer, b: DigestedTimer): boolean {
  return a.id === b.id && a.key === b.key && a.name === b.name && a.dueAt === b.dueAt && canonicalJson(a.event) === canonicalJson(b.event);
}
