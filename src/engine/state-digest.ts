import type { HistoryEntry, InstanceRecord, PendingTimer } from '../store/records.js';
import { canonicalJson, sha256 } from './canonical-json.js';
import { merkleDigest } from './merkle-json.js';
import { copyWith } from '../store/copy-with.js';

/** The fields of an instance that say what it is and what the engine acts on. */
export type DigestedState = Pick<
  InstanceRecord,
  'workflow' | 'version' | 'status' | 'suspended' | 'initiator' | 'snapshot' | 'state' | 'statePaths' | 'context' | 'heldTimers'
> & { readonly tenant?: string | null | undefined; readonly timers?: InstanceRecord['timers'] };

/** What the timer commitment covers of one pending timer. */
export type DigestedTimer = Pick<PendingTimer, 'id' | 'key' | 'name' | 'dueAt' | 'event'>;

/** The entry format Docket writes: 5 (see {@link stateDigest}). */
export const ENTRY_FORMAT = 5;

/** The entry formats this Docket reads that carry a `format` field. */
const FORMATS: readonly number[] = [4, ENTRY_FORMAT];

/**
 * The Merkle digest (hex SHA-256, see `merkleDigest`) of the instance state a history entry of format
 * 5 leaves behind: what format 4 covers ({@link stateDigestV4}) and, as `timerDeadlines`, the deadline
 * record of each pending timer that has one (`{ id, deadline }` by timer id: the rule, the instant it
 * was resolved from, whether it is provisional, the estimated years). `reresolveDeadlines` acts on
 * that record: uncommitted, a rule edited in the stored timer list (a 3-working-day timeout made 250)
 * verified and was then resolved by an administrator's re-resolution into a new head that vouched for
 * it. A record whose pending timers carry no deadline digests as in format 4.
 *
 * Format 4 covered: the XState snapshot the engine restores, the state and context copies views and
 * queries read, status, the suspended flag, held timers, the workflow version, the initiator and the
 * tenant that owns the instance. Each history entry records it as `stateHash` (and `format: 4`), and
 * `verify` (and the engine, before acting on an instance it loads) compares it with the stored
 * record, so an edited snapshot, context or tenant is caught. The pending timers are committed to
 * separately ({@link timersDigest}).
 *
 * It covers the same fields as format 3 ({@link stateDigestV3}), digested as a Merkle tree: the parts
 * of a frozen context a step did not change keep their hashes, so a step hashes what it changed.
 *
 * Not covered: revision and head hash (checked against the chain itself) and timestamps.
 */
export function stateDigest(record: DigestedState): string {
  const deadlines = timerDeadlines(record.timers);
  return merkleDigest(deadlines === undefined ? digested(record, true) : copyWith(digested(record, true), { timerDeadlines: deadlines }));
}

/** The state digest of entry format 4: {@link stateDigest} without the pending timers' deadline records. */
export function stateDigestV4(record: DigestedState): string {
  return merkleDigest(digested(record, true));
}

/** The deadline records of the pending timers, by timer id; undefined when none has one. */
function timerDeadlines(timers: DigestedState['timers']): { id: string; deadline: unknown }[] | undefined {
  let out: { id: string; deadline: unknown }[] | undefined;
  for (const t of timers ?? []) if (t.deadline !== undefined) (out ??= []).push({ id: t.id, deadline: t.deadline });
  return out?.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/**
 * The state digest of entry format 3 (entries with `timersHash` and no `format`): SHA-256 of the
 * canonical JSON of the fields {@link stateDigest} covers.
 */
export function stateDigestV3(record: DigestedState): string {
  return sha256(canonicalJson(digested(record, true)));
}

/**
 * The state digest of entry format 2 (entries with a `stateHash` but no `timersHash`, written by an
 * older Docket): {@link stateDigestV3} without the tenant.
 */
export function stateDigestV2(record: DigestedState): string {
  return sha256(canonicalJson(digested(record, false)));
}

/**
 * Whether this Docket reads `entry`'s format: format 5 or 4 (`format: 5`, `format: 4`), or an older entry (formats 1 to
 * 3 carry no `format`). Any other `format` (3 or "5" written out, a newer Docket's 6) is not guessed
 * at: `verify` reports the entry as edited and the engine does not act on an instance it heads.
 */
export function readsFormat(entry: Pick<HistoryEntry, 'format'>): boolean {
  return entry.format === undefined || FORMATS.includes(entry.format as number);
}

/** The state digest `entry`'s format commits to (5 or 4 when it says so, 3 when it carries `timersHash`, else 2). */
export function stateDigestFor(entry: Pick<HistoryEntry, 'timersHash' | 'format'>, record: DigestedState): string {
  if (entry.format === ENTRY_FORMAT) return stateDigest(record);
  if (entry.format === 4) return stateDigestV4(record);
  return entry.timersHash === undefined ? stateDigestV2(record) : stateDigestV3(record);
}

function digested(record: DigestedState, withTenant: boolean): object {
  // Keys in sorted order (the writers then skip their sort); held timers only when there are any,
  // as stores may read an empty list back as absent. No tenant is written as null (stores read an
  // absent tenant back as undefined or null).
  const held = record.heldTimers && record.heldTimers.length > 0 ? record.heldTimers : undefined;
  return {
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
  };
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
  // A frozen list the engine digested when it committed it (see below) cannot have changed since.
  const known = Object.isFrozen(timers) ? (timers as { [TIMERS_DIGEST]?: string })[TIMERS_DIGEST] : undefined;
  if (known !== undefined) return known;
  const list = timers
    .map(({ id, key, name, dueAt, event }) => ({ dueAt, event, id, key, name }))
    .sort((a, b) => a.dueAt - b.dueAt || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return sha256(canonicalJson(list));
}

/**
 * {@link timersDigest} of a timer list the engine is committing, remembered on the list (under a
 * non-enumerable symbol key) for when it is frozen with its record: a later step that leaves every
 * pending timer as it is keeps the same list, and its digest is not worked out again.
 */
export function committedTimersDigest(timers: readonly DigestedTimer[]): string {
  const digest = timersDigest(timers);
  if (timers.length > 0 && Object.isExtensible(timers)) Object.defineProperty(timers, TIMERS_DIGEST, { value: digest });
  return digest;
}

const TIMERS_DIGEST = Symbol('docket.timersDigest');

const NO_TIMERS_DIGEST = sha256('[]');

/** Whether two timers are the same pending timer, as {@link timersDigest} sees them. */
export function sameTimer(a: DigestedTimer, b: DigestedTimer): boolean {
  return a.id === b.id && a.key === b.key && a.name === b.name && a.dueAt === b.dueAt && canonicalJson(a.event) === canonicalJson(b.event);
}
