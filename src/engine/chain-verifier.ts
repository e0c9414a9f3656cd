import type { HistoryEntry, InstanceRecord } from '../store/records.js';
import type { Store } from '../store/store.js';
import type { VerifyProblem, VerifyReport } from './engine-types.js';
import { checkSeal, GENESIS_HASH } from './history.js';
import { createKeyring, type HistoryKeyOption, type Keyring } from './history-key.js';
import { startTenantOf } from './head-check.js';
import { readsFormat, stateDigestFor, timersDigest, type DigestedTimer } from './state-digest.js';

/** Entries `verify` reads per store call: memory stays bounded by one page, whatever the history's length. */
export const VERIFY_PAGE_SIZE = 500;

/** Problems a report lists at most; the rest are counted in `omittedProblems`. */
export const MAX_REPORTED_PROBLEMS = 100;

/**
 * The commitments entry formats added, oldest first: `stateHash` (format 2), `timersHash` (format 3),
 * `format` (format 4). A new entry format that adds a field adds a row here.
 */
const COMMITMENTS: readonly { readonly field: 'stateHash' | 'timersHash' | 'format'; readonly label: string; readonly older: string }[] = [
  { field: 'stateHash', label: 'the state commitment', older: 'the older' },
  { field: 'timersHash', label: 'the timer commitment', older: 'an older' },
  { field: 'format', label: 'the entry format', older: 'an older' },
];

/**
 * Checks one instance's chain entry by entry (internal), so a caller can feed it page by page: feed
 * every entry oldest first with `add`, then `finish` with the instance record (or only its head hash).
 */
export class ChainVerifier {
  private prev = GENESIS_HASH;
  private expected = 1;
  private count = 0;
  private last: HistoryEntry | undefined;
  private lastSealOk = false;
  private firstKeyed: number | undefined;
  /** Per row of {@link COMMITMENTS}: the first revision that carries it. */
  private readonly firstCarrying: (number | undefined)[] = COMMITMENTS.map(() => undefined);
  /** The newest entry format read so far and the entry that carried it (a later entry may not go back). */
  private newestFormat: { readonly format: number; readonly revision: number } | undefined;
  private readonly unknownKeys = new Set<string>();
  /** The tenant the start entry (revision 1) records; undefined until it is read. */
  private startTenant: { readonly tenant: string | undefined } | undefined;
  private readonly problems: VerifyProblem[] = [];
  private omitted = 0;

  constructor(
    private readonly instanceId: string,
    private readonly keys: Keyring,
  ) {}

  /** The timer commitment of the newest entry fed so far (undefined before format 3). */
  get headTimersHash(): string | undefined {
    return this.last?.timersHash;
  }

  /** The newest revision fed so far (0 before any). */
  get lastRevision(): number {
    return this.last?.revision ?? 0;
  }

  private report(problem: VerifyProblem): void {
    if (this.problems.length < MAX_REPORTED_PROBLEMS) this.problems.push(problem);
    else this.omitted++;
  }

  add(entry: HistoryEntry): void {
    const { revision } = entry;
    if (revision !== this.expected) {
      this.report({ revision, problem: revision > this.expected ? 'missing' : 'reordered', message: `Expected revision ${this.expected} here, found ${revision}.` });
    }
    const seal = checkSeal(entry, this.keys);
    if (seal === 'edited') {
      this.report({ revision, problem: 'edited', message: `Entry ${revision} does not match its hash: it was changed after it was written.` });
    } else if (seal === 'unknown-key') {
      const keyId = entry.keyId!;
      if (!this.unknownKeys.has(keyId)) {
        this.unknownKeys.add(keyId);
        this.report({
          revision,
          problem: 'unknown-key',
          keyId,
          message: `Entry ${revision} (and any later one naming it) is sealed with history key "${keyId}", which this verifier does not hold, so it cannot be checked. Give that key to the engine (historyKey.current or historyKey.previous).`,
        });
      }
    }
    if (seal !== 'edited' && entry.prevHash !== this.prev) {
      this.report({ revision, problem: 'reordered', message: `Entry ${revision} does not follow the entry before it in the chain.` });
    }
    if (entry.keyId !== undefined) this.firstKeyed ??= revision;
    else if (this.keys.current && this.firstKeyed !== undefined) {
      this.report({
        revision,
        problem: 'unkeyed',
        message: `Entry ${revision} is not sealed with a history key although entry ${this.firstKeyed} is: it was written or rewritten without the key.`,
      });
    }
    // A commitment, once an entry carries it, is carried by every later entry: one that lacks it
    // was rewritten in an older format (a downgrade would escape the newer format's check).
    for (let i = 0; i < COMMITMENTS.length; i++) {
      const { field, label, older } = COMMITMENTS[i]!;
      if (entry[field] !== undefined) this.firstCarrying[i] ??= revision;
      else if (this.firstCarrying[i] !== undefined) {
        this.report({
          revision,
          problem: 'edited',
          message: `Entry ${revision} lacks ${label} (${field}) that entries since ${this.firstCarrying[i]} carry: it was rewritten in ${older} format.`,
        });
      }
    }
    // A format, once an entry carries it, is carried by every later entry: a format-4 entry after a
    // format-5 one was rewritten to escape format 5's commitment to the timers' deadline records.
    if (typeof entry.format === 'number' && readsFormat(entry)) {
      if (this.newestFormat !== undefined && entry.format < this.newestFormat.format) {
        this.report({
          revision,
          problem: 'edited',
          message: `Entry ${revision} says entry format ${entry.format}, older than format ${this.newestFormat.format} of entry ${this.newestFormat.revision}: it was rewritten in an older format.`,
        });
      } else this.newestFormat = { format: entry.format, revision };
    }
    // An entry without a format is an older one (checked above); one naming a format this Docket
    // does not know is not checked as another format.
    if (!readsFormat(entry)) {
      this.report({
        revision,
        problem: 'edited',
        message: `Entry ${revision} says entry format ${JSON.stringify(entry.format)}, which this Docket does not read (it writes format 5 and reads 4; older entries carry no format): it was edited, or written by a newer Docket.`,
      });
    }
    if (seal !== 'edited') this.startTenant ??= startTenantOf(entry);
    this.lastSealOk = seal === 'ok';
    this.prev = entry.hash;
    this.expected = revision + 1;
    this.count++;
    this.last = entry;
  }

  /**
   * The report: `head` is the instance record (full check) or only its head hash (chain check only).
   * `tableTimers`, when given, are the timer table's pending rows of the instance, checked against
   * the head's timer commitment like the record's own timer list.
   */
  finish(head: InstanceRecord | string, tableTimers?: readonly DigestedTimer[]): VerifyReport {
    const record = typeof head === 'string' ? undefined : head;
    const headHash = typeof head === 'string' ? head : head.historyHash;
    const lastRevision = this.lastRevision;
    const atHead = record !== undefined && lastRevision === record.revision;
    if (record && lastRevision < record.revision) {
      this.report({
        revision: lastRevision + 1,
        problem: 'missing',
        message: `Instance ${this.instanceId} is at revision ${record.revision} but its chain ends at revision ${lastRevision}: the newest entries were removed.`,
      });
    } else if (this.prev !== headHash || (record && lastRevision > record.revision)) {
      this.report({ revision: lastRevision, problem: 'head-mismatch', message: 'The last entry is not the head the instance records: entries were removed or appended.' });
    }
    const last = this.last;
    if (this.keys.current && last && last.keyId === undefined && this.firstKeyed === undefined && !this.keys.acceptUnkeyed) {
      this.report({
        revision: last.revision,
        problem: 'unkeyed',
        message: `No entry of instance ${this.instanceId} is sealed with a history key: the chain was written before the key was set, or rewritten without it. While migrating, historyKey.acceptUnkeyed lets such chains verify.`,
      });
    }
    // The tenant is fixed at start and sealed in the start entry: a stored tenant that differs was
    // edited outside Docket (it would hand the instance to another tenant, or take it out of its own).
    const tenantEdited = record !== undefined && this.startTenant !== undefined && (record.tenant ?? undefined) !== this.startTenant.tenant;
    let snapshot: VerifyReport['snapshot'] = 'unverified';
    // A head of a format this Docket does not read (reported above) is not checked as another format.
    const readable = last !== undefined && readsFormat(last);
    if (atHead && readable && last!.stateHash !== undefined) {
      // A format-3 head also commits to the tenant: an edited tenant alone is reported as such (below),
      // the rest of the state checked as it would be with the tenant the chain records.
      const digested = tenantEdited && last!.timersHash !== undefined ? { ...record, tenant: this.startTenant!.tenant } : record;
      snapshot = stateDigestFor(last!, digested) === last!.stateHash ? 'verified' : 'mismatch';
      if (snapshot === 'mismatch') {
        this.report({
          revision: record.revision,
          problem: 'snapshot-mismatch',
          message: `The stored state of instance ${this.instanceId} (snapshot, context, status) is not the state entry ${record.revision} committed to: it was changed outside Docket.`,
        });
      }
    }
    let timers: VerifyReport['timers'] = 'unverified';
    if (atHead && readable && last!.timersHash !== undefined) {
      const own = timersDigest(record.timers) === last!.timersHash;
      const table = tableTimers === undefined || timersDigest(tableTimers) === last!.timersHash;
      timers = own && table ? 'verified' : 'mismatch';
      if (!own) {
        this.report({
          revision: record.revision,
          problem: 'timers-mismatch',
          message: `The pending timers stored with instance ${this.instanceId} are not the ones entry ${record.revision} committed to: a deadline was moved, added or removed outside Docket.`,
        });
      }
      if (!table) {
        this.report({
          revision: record.revision,
          problem: 'timers-mismatch',
          message: `The timer table's pending timers of instance ${this.instanceId} are not the ones entry ${record.revision} committed to: a deadline was moved, added or removed outside Docket.`,
        });
      }
    }
    if (tenantEdited) {
      const recorded = this.startTenant!.tenant;
      this.report({
        revision: 1,
        problem: 'tenant-mismatch',
        message: `Instance ${this.instanceId} is stored as ${record!.tenant === undefined ? 'belonging to no tenant' : `tenant ${JSON.stringify(record!.tenant)}`}, but its start entry records ${recorded === undefined ? 'no tenant' : `tenant ${JSON.stringify(recorded)}`}: the tenant was changed outside Docket.`,
      });
    }
    const keyed = last?.keyId !== undefined && this.lastSealOk;
    const report: { -readonly [K in keyof VerifyReport]: VerifyReport[K] } = {
      instanceId: this.instanceId,
      ok: this.problems.length === 0,
      entries: this.count,
      snapshot,
      timers,
      keyed,
      problems: this.problems,
    };
    if (this.omitted > 0) report.omittedProblems = this.omitted;
    return report;
  }
}

/** Options of {@link verifyChain} and {@link verifyHistory}. */
export interface VerifyOptions {
  /** The keys of a keyed chain (the engine's `historyKey`); without it, keyed entries report `unknown-key`. */
  readonly historyKey?: HistoryKeyOption;
}

/**
 * Check an instance's history chain held in memory: revisions 1..n in order, each entry's hash (or
 * HMAC) matching its content, each `prevHash` matching the entry before, and the last hash matching
 * the head. Given the instance record as `head`, also checks that the chain reaches the record's
 * revision and that the stored state, tenant and pending timers are the ones the head entry
 * committed to (the timer table is not read here: {@link verifyHistory} checks it too).
 *
 * @throws DocketError `INVALID_ARGUMENT` for a malformed `historyKey`.
 */
export function verifyChain(instanceId: string, entries: Iterable<HistoryEntry>, head: InstanceRecord | string, options: VerifyOptions = {}): VerifyReport {
  const verifier = new ChainVerifier(instanceId, createKeyring(options.historyKey));
  for (const entry of entries) verifier.add(entry);
  return verifier.finish(head);
}

/**
 * Walk an instance's chain from the store page by page (internal form of {@link verifyHistory}), then
 * read the instance's rows of the timer table when the store offers `timers`, so both copies of the
 * pending timers are checked against the head. `reload` re-reads the record when the walk finds
 * entries past it, or the timer table differs from it (a commit landed meanwhile).
 */
export async function walkHistory(
  store: Pick<Store, 'history'> & Partial<Pick<Store, 'timers'>>,
  record: InstanceRecord,
  keys: Keyring,
  reload?: () => Promise<InstanceRecord | undefined>,
  pageSize = VERIFY_PAGE_SIZE,
): Promise<VerifyReport> {
  const verifier = new ChainVerifier(record.id, keys);
  let after = 0;
  let head = record;
  let tableTimers: readonly DigestedTimer[] | undefined;
  for (let round = 0; ; round++) {
    for (;;) {
      const page = await store.history(record.id, { afterRevision: after, limit: pageSize });
      for (const entry of page) verifier.add(entry);
      const next = page.length === 0 ? after : page[page.length - 1]!.revision;
      if (page.length < pageSize || next <= after) break;
      after = next;
    }
    after = verifier.lastRevision;
    const retry = reload !== undefined && round < 3;
    if (retry && verifier.lastRevision > head.revision) {
      const fresh = await reload();
      if (fresh && fresh.revision > head.revision) {
        head = fresh;
        continue;
      }
    }
    if (!store.timers) break;
    tableTimers = await store.timers(record.id);
    // The table read after the record: a commit that landed meanwhile may have changed it. Check
    // against that commit's record and entry rather than report an edit.
    if (!retry || verifier.headTimersHash === undefined || timersDigest(tableTimers) === verifier.headTimersHash) break;
    const fresh = await reload();
    if (!fresh || fresh.revision <= head.revision) break;
    head = fresh;
  }
  return verifier.finish(head, tableTimers);
}

/**
 * Check an instance's chain straight from a store, one page of entries at a time (memory bounded by
 * `pageSize`, whatever the history's length): what `engine.verify` and `docket verify` run.
 *
 * @throws DocketError `INVALID_ARGUMENT` for a malformed `historyKey`; store errors as the store throws them.
 */
export function verifyHistory(store: Pick<Store, 'history' | 'load'> & Partial<Pick<Store, 'timers'>>, record: InstanceRecord, options: VerifyOptions = {}): Promise<VerifyReport> {
  return walkHistory(store, record, createKeyring(options.historyKey), () => store.load(record.id));
}
