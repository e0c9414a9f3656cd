import { DocketError } from '../errors.js';
import type { HistoryEntry, InstanceRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import { checkSeal } from './history.js';
import type { Keyring } from './history-key.js';
import { readsFormat, sameTimer, stateDigestFor, timersDigest, type DigestedTimer } from './state-digest.js';
import { nameTimer } from './timer-identity.js';

function refuse(record: InstanceRecord, problem: string, what: string): never {
  throw new DocketError(
    'CORRUPT_SNAPSHOT',
    `Instance ${record.id} was not acted on: ${what} It was changed outside Docket; engine.verify("${record.id}") shows what. Restore it from a backup; other instances are unaffected.`,
    { instanceId: record.id, workflow: record.workflow, version: record.version, problem },
  );
}

/** The tenant a chain's start entry records, or undefined when revision 1 is not a start entry. */
export function startTenantOf(entry: HistoryEntry | undefined): { readonly tenant: string | undefined } | undefined {
  if (!entry || entry.revision !== 1 || entry.kind !== 'start') return undefined;
  const tenant = (entry.event as { tenant?: unknown }).tenant;
  return { tenant: typeof tenant === 'string' ? tenant : undefined };
}

/** What the act is about to do with the record, checked against the head besides the record itself. */
export interface HeadCheckOptions {
  /** A timer claimed from the store's timer table that the act will deliver. */
  readonly timer?: DigestedTimer;
  /**
   * The head entry, when the store read it together with the record (`Store.loadWithHead`); null:
   * the store found none. Absent: read it now.
   */
  readonly head?: HistoryEntry | null;
}

/**
 * Before the engine acts on an instance it loaded from the store (internal): read the head entry of
 * its chain (one entry, one store call) and refuse with `CORRUPT_SNAPSHOT` when that entry is not the
 * head the record names, does not match its own hash (or HMAC), is unkeyed or sealed with an unknown
 * key while the engine holds keys, or committed to another state, tenant or set of pending timers
 * than the stored ones; and, given the timer the act delivers (claimed from the timer table), when
 * that timer is not one of the committed ones exactly (id, key, name, due instant, event).
 *
 * `details.problem` names the check: `head-mismatch`, `edited`, `unknown-key`, `unkeyed`,
 * `tenant-mismatch` (the stored tenant is not the one the chain records), `snapshot-mismatch`,
 * `timers-mismatch` (the instance's timer list) or `timer-mismatch` (the claimed timer). A head
 * whose `format` this Docket does not read (anything but 4 or none) is refused as `edited`, not
 * checked as another format.
 *
 * Entry formats: a head of format 3 or 4 (with `timersHash`) commits to state, tenant and timers, so
 * the check costs one store read and the hashes of the entry, the state and the timers. A format-2 head commits to the state without tenant
 * or timers, and a head older still to neither: the tenant is then checked against the start entry
 * (one more read), the timers are accepted as they are. The engine skips the whole check for record
 * objects it wrote itself or already checked (a store that keeps records by reference, such as the
 * memory store, hands those back), so a steady stream of acts on the same instances does not pay it;
 * only a claimed timer is still compared with the record's timers ({@link checkClaimedTimer}).
 *
 * @throws DocketError `CORRUPT_SNAPSHOT` (details.problem names the check that failed).
 */
export async function checkHead(store: Pick<Store, 'history'>, keys: Keyring, record: InstanceRecord, options: HeadCheckOptions = {}): Promise<void> {
  const head = options.head !== undefined ? (options.head ?? undefined) : (await store.history(record.id, { afterRevision: record.revision - 1, limit: 1 }))[0];
  if (!head || head.revision !== record.revision || head.hash !== record.historyHash) {
    refuse(record, 'head-mismatch', `its history has no entry for revision ${record.revision} whose hash is the head it records.`);
  }
  const seal = checkSeal(head, keys);
  if (seal === 'edited') refuse(record, 'edited', `its newest history entry does not match its hash.`);
  if (seal === 'unknown-key') {
    throw new DocketError(
      'CORRUPT_SNAPSHOT',
      `Instance ${record.id} was not acted on: its newest history entry is sealed with history key "${head.keyId}", which this engine does not hold. Give the engine that key (historyKey.current or historyKey.previous).`,
      { instanceId: record.id, workflow: record.workflow, version: record.version, problem: 'unknown-key', keyId: head.keyId },
    );
  }
  if (keys.current && head.keyId === undefined && !keys.acceptUnkeyed) {
    refuse(record, 'unkeyed', 'its newest history entry is not sealed with a history key although this engine seals with one (set historyKey.acceptUnkeyed while migrating older instances).');
  }
  if (!readsFormat(head)) {
    refuse(record, 'edited', `its newest history entry says entry format ${JSON.stringify(head.format)}, which this Docket does not read.`);
  }
  const format3 = head.timersHash !== undefined;
  if (!format3) {
    // The head does not commit to the tenant: the start entry does (sealed, and chained to the head).
    const start = startTenantOf(head.revision === 1 ? head : (await store.history(record.id, { afterRevision: 0, limit: 1 }))[0]);
    if (start && start.tenant !== (record.tenant ?? undefined)) refuseTenant(record, start.tenant);
  }
  if (head.stateHash !== undefined && head.stateHash !== stateDigestFor(head, record)) {
    // Told apart only on this failure path: is the stored tenant the one edit that breaks the digest?
    if (format3) {
      const start = startTenantOf(head.revision === 1 ? head : (await store.history(record.id, { afterRevision: 0, limit: 1 }))[0]);
      if (start && start.tenant !== (record.tenant ?? undefined) && stateDigestFor(head, { ...record, tenant: start.tenant }) === head.stateHash) refuseTenant(record, start.tenant);
    }
    refuse(record, 'snapshot-mismatch', `its stored state (snapshot, context, status) is not the state its newest history entry committed to.`);
  }
  if (format3 && head.timersHash !== timersDigest(record.timers)) {
    refuse(record, 'timers-mismatch', `its pending timers are not the ones its newest history entry committed to (a deadline was moved, added or removed).`);
  }
  if (options.timer) checkClaimedTimer(record, options.timer);
}

/**
 * The part of {@link checkHead} about a timer claimed from the timer table, for a record whose
 * pending timers are already known to be the committed ones (a record the engine wrote itself):
 * refuses with `CORRUPT_SNAPSHOT` (`timer-mismatch`) unless `claimed` is one of them exactly.
 */
export function checkClaimedTimer(record: InstanceRecord, claimed: DigestedTimer): void {
  if (!record.timers.some((t) => sameTimer(t, claimed))) {
    refuse(record, 'timer-mismatch', `timer "${nameTimer(claimed).label}" (${claimed.id}) claimed from the timer table, due at ${claimed.dueAt}, is not a pending timer its newest history entry committed to.`);
  }
}

function refuseTenant(record: InstanceRecord, recorded: string | undefined): never {
  refuse(
    record,
    'tenant-mismatch',
    `it is stored as ${record.tenant === undefined || record.tenant === null ? 'belonging to no tenant' : `tenant ${JSON.stringify(record.tenant)}`}, but its history records ${recorded === undefined ? 'no tenant' : `tenant ${JSON.stringify(recorded)}`}.`,
  );
}
